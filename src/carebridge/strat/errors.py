"""Problems with a patient file, each with its place: file, row and column, what was found and expected.

Checks collect every :class:`DataProblem` and raise one :class:`PatientDataError` holding them all, so a user
sees every mistake at once; the command line prints the error and exits with code 2.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class DataProblem:
    """One thing wrong with a patient file.

    ``row`` is the 1-based data row (the header is not a row); for a CSV file ``line`` is the line of the
    file.
    """

    file: str
    message: str
    column: str | None = None
    row: int | None = None
    line: int | None = None

    def __str__(self) -> str:
        place = self.file
        if self.row is not None:
            place += f", row {self.row}" + (f" (line {self.line})" if self.line is not None else "")
        if self.column is not None:
            place += f", column {self.column}"
        return f"{place}: {self.message}"


class PatientDataError(Exception):
    """A patient file that cannot be used, with every problem found."""

    def __init__(self, problems: Sequence[DataProblem]) -> None:
        self.problems = list(problems)
        super().__init__(self._text())

    def _text(self) -> str:
        if len(self.problems) == 1:
            return f"1 problem in the patient data:\n  - {self.problems[0]}"
        lines = [f"{len(self.problems)} problems in the patient data:"]
        lines.extend(f"  - {problem}" for problem in self.problems)
        return "\n".join(lines)
