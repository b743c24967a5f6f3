"""Who may do what, as pure functions of a user's roles per organisation.

Everyone signed in reads the whole system ("open book"). An organisation's editors change its lines (the
schemes it owns) and its actuals; a finance lead approves a plan; an admin manages users and may import a
scenario. A finance lead or admin of an organisation may also edit what its editors may.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

EDITING_ROLES = frozenset({"editor", "finance_lead", "admin"})


@dataclass(frozen=True)
class Principal:
    """A signed-in user: id, email, whether an admin, and the role held in each organisation."""

    id: int
    email: str
    is_admin: bool = False
    roles: Mapping[str, str] = field(default_factory=dict)

    @property
    def editable_orgs(self) -> frozenset[str]:
        """Organisations whose lines and actuals this user may change."""
        return frozenset(org for org, role in self.roles.items() if role in EDITING_ROLES)


def can_edit(principal: Principal, org: str | None) -> bool:
    """Whether ``principal`` may change what ``org`` owns; what no organisation owns (system-level plan
    lines, schemes without an owner) only a finance lead changes."""
    return org in principal.editable_orgs if org is not None else can_approve(principal)


def can_approve(principal: Principal) -> bool:
    """Only a finance lead (of any partner organisation) approves a plan."""
    return "finance_lead" in principal.roles.values()


def can_import_scenario(principal: Principal) -> bool:
    return principal.is_admin or can_approve(principal)


def forbidden_orgs(principal: Principal, orgs: Iterable[str]) -> list[str]:
    """The organisations among ``orgs`` that ``principal`` may not change, sorted."""
    return sorted(set(orgs) - principal.editable_orgs)
