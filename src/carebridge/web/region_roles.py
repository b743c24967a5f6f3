"""Who sees which places of a region, as pure functions of a user's roles (beside
:mod:`carebridge.web.roles`).

A role names an organisation as the plans do (``ccg``: the organisation ``ccg`` of every plan that has one),
or as the region does: ``<place>.<org>`` (``north.ccg``: the CCG of the place ``north`` only), or a shared
organisation's own id (``acute``: the trust, in every place that lists it or pays it from outside). A user
whose organisation serves a place of a region sees the region and every place their organisations serve; an
admin sees every place. What a user may change in a place's plan is decided as before, by the plan's pages.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from carebridge.web.roles import Principal


def org_serves(
    org: str, place: str, place_orgs: Collection[str], shared: Mapping[str, Collection[str]]
) -> bool:
    """Whether the role's organisation ``org`` serves ``place`` (whose plan has ``place_orgs``)."""
    if org in shared:
        return place in shared[org]
    head, dot, rest = org.partition(".")
    if dot:
        return head == place and rest in place_orgs and rest not in shared  # the trust is ``acute``
    return org in place_orgs


def places_served(
    principal: Principal, places: Mapping[str, Collection[str]], shared: Mapping[str, Collection[str]]
) -> tuple[str, ...]:
    """The places (in the region's order) that ``principal`` sees: every place for an admin, else those
    one of their organisations serves. ``places`` maps each place to its plan's organisation ids, ``shared``
    each shared organisation to the places it serves."""
    if principal.is_admin:
        return tuple(places)
    return tuple(
        place
        for place, orgs in places.items()
        if any(org_serves(org, place, orgs, shared) for org in principal.roles)
    )


def own_orgs(
    principal: Principal, place: str, place_orgs: Collection[str], shared: Mapping[str, Collection[str]]
) -> tuple[str, ...]:
    """The organisations of ``place`` that ``principal``'s roles name, by their ids in the region
    (``north.ccg``, or a shared organisation's own id, also in a place that pays it from outside)."""
    found: list[str] = []
    for org in place_orgs:
        region_id = org if org in shared else f"{place}.{org}"
        if region_id not in found and any(role in (org, region_id) for role in principal.roles):
            found.append(region_id)
    for org, served in shared.items():
        if org not in found and place in served and org in principal.roles:
            found.append(org)
    return tuple(found)
