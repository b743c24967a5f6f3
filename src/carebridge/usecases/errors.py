"""What a use case refuses, each kind its own class, so a face words it in its own terms (an option of the
command line, a status code of the web app) while the check itself is made once."""

from __future__ import annotations

from collections.abc import Sequence


class UseCaseError(ValueError):
    """A request the store or the scenario cannot satisfy; the message says what was found."""


class NoPlanError(UseCaseError):
    """The store holds no approved plan yet."""

    def __init__(self) -> None:
        super().__init__("the store has no approved plan yet")


class SeveralPlansError(UseCaseError):
    """No plan was named and the store holds several; ``names`` lists them, by name."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = tuple(names)
        super().__init__("the store has several plans: " + ", ".join(f"'{name}'" for name in self.names))


class MonthOutsidePlanError(UseCaseError):
    """A month whose financial year is not a year of the approved plan."""


class NoTargetsError(UseCaseError):
    """The store holds no target yet."""

    def __init__(self) -> None:
        super().__init__("the store has no targets yet")


class SpreadError(UseCaseError):
    """A ``spread`` that is not a fraction from 0 to 1."""


class NoUncertaintyError(UseCaseError):
    """A scenario with no uncertain input, asked for a simulation without a spread."""


class NoVariantsError(UseCaseError):
    """A scenario with no variants, asked to compare its variants with the base."""

    def __init__(self) -> None:
        super().__init__("the scenario has no variants")


class UnknownVariantsError(UseCaseError):
    """Variants asked for that the scenario does not have: ``unknown``, and the ids it has, ``known``."""

    def __init__(self, unknown: Sequence[str], known: Sequence[str]) -> None:
        self.unknown, self.known = tuple(unknown), tuple(known)
        super().__init__(
            f"{', '.join(self.unknown)} not in the scenario; its variants are {', '.join(self.known)}"
        )
