"""Hand the cohort to the planning model: a ``cohorts:`` fragment in the scenario file's format.

The fragment holds one :class:`~carebridge.scenario.schema.Cohort` — ``id``, ``name``, ``description`` and
``shares: {pod_id: share}``, where each share is the cohort's part of the measure the POD is mapped to
(``cohort activity / everyone's activity`` in the year stratified). PODs are mapped to measures by a
:data:`PodMap`; the default maps ``ae``, ``nel``, ``el``, ``op_first`` and ``op_fu`` to the measures of the
same name, and a scenario with one outpatient POD maps it to ``op`` (first and follow-up together). Paste the
fragment into a scenario's ``cohorts`` list (or splice it in with a YAML tool) and point a scheme's ``cohort``
at its id.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

from ruamel.yaml import YAML

from carebridge.strat.cohort import LABELS, Cohort
from carebridge.strat.disclosure import DisclosureRule

PodMap = dict[str, str]
DEFAULT_POD_MAP: PodMap = {"ae": "ae", "nel": "nel", "el": "el", "op_first": "op_first", "op_fu": "op_fu"}
EMITTABLE = ("ae", "nel", "nel_acs", "el", "op_first", "op_fu", "op", "gp")
ID = re.compile(r"^[a-z][a-z0-9_]*$")
DECIMALS = 4


def parse_pod_map(items: Iterable[str]) -> PodMap:
    """``['ae=ae', 'op=op']`` → ``{'ae': 'ae', 'op': 'op'}``; raise ``ValueError`` naming the bad item."""
    mapping: PodMap = {}
    for item in items:
        pod, sep, measure = (part.strip() for part in item.partition("="))
        if not sep or not pod or not measure:
            raise ValueError(f"--pod '{item}': expected POD=MEASURE, like nel=nel or op=op")
        if not ID.match(pod):
            raise ValueError(
                f"--pod '{item}': '{pod}' is not a POD id; expected lower-case letters, digits and "
                "underscores, starting with a letter"
            )
        if measure not in EMITTABLE:
            raise ValueError(
                f"--pod '{item}': '{measure}' is not a measure; expected one of {', '.join(EMITTABLE)}"
            )
        if pod in mapping:
            raise ValueError(f"--pod '{item}': POD '{pod}' is mapped twice")
        mapping[pod] = measure
    return mapping


def cohort_shares(
    cohort: Cohort, pod_map: PodMap, rule: DisclosureRule
) -> tuple[dict[str, float], list[str]]:
    """Each POD's share, and the notes of PODs left out (no such measure, or a count too small to show)."""
    counts = cohort.counts()
    shares: dict[str, float] = {}
    notes = []
    for pod, measure in pod_map.items():
        if measure not in counts:
            notes.append(f"{pod}: the data has no {measure} counts for the year")
            continue
        inside, total = counts[measure]
        if total <= 0:
            notes.append(f"{pod}: nobody had any {LABELS[measure]} in the year")
        elif rule.suppressed(inside) or rule.suppressed(total - inside):
            notes.append(f"{pod}: left out by disclosure control (a count below {rule.suppress_below})")
        else:
            shares[pod] = round(inside / total, DECIMALS)
    return shares, notes


def _shown(rule: DisclosureRule, count: float) -> str:
    return (
        f"fewer than {rule.suppress_below}" if rule.suppressed(count) else f"{rule.round_count(count):,.0f}"
    )


def cohort_fragment(
    cohort: Cohort,
    cohort_id: str,
    name: str,
    pod_map: PodMap,
    rule: DisclosureRule,
    provenance: list[str],
) -> tuple[str, list[str]]:
    """The YAML text of a ``cohorts:`` list with the one cohort, and notes on PODs left out."""
    if not ID.match(cohort_id) or cohort_id == "all":
        raise ValueError(
            f"cohort id '{cohort_id}': expected lower-case letters, digits and underscores, starting with a "
            "letter, and not 'all'"
        )
    shares, notes = cohort_shares(cohort, pod_map, rule)
    patients, population = (_shown(rule, count) for count in (cohort.patients, cohort.population))
    description = (
        f"{cohort.rule}: {patients} of {population} patients ({cohort.percent:.1f}%), "
        f"predicted risk score {cohort.score:.2f} or more. "
        "Shares are the cohort's part of each POD's activity "
        f"({', '.join(f'{pod} = {measure}' for pod, measure in pod_map.items())}). {rule.statement()}"
    )
    document = {"cohorts": [{"id": cohort_id, "name": name, "description": description, "shares": shares}]}
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 4096
    stream = io.StringIO()
    yaml.dump(document, stream)
    header = [f"# {line}" for line in provenance]
    header.append(f"# {rule.statement()}")
    header.extend(f"# Left out: {note}" for note in notes)
    return "\n".join(header) + "\n" + stream.getvalue(), notes
