"""Monthly financial monitoring returns: what each organisation submits on the 12th working day after each
month's end (seed 002, line 569), as typed records, and the checks every row must pass.

Three tables (a CSV file holds one, known from its header; a workbook a sheet per table, named after it):

- ``income_expenditure``: organisation, month, category, plan, actual, forecast (£'000); key organisation,
  month, category;
- ``efficiency``: organisation, month, scheme, recurrent, non_recurrent (£'000 delivered in the month); key
  organisation, month, scheme;
- ``risks``: organisation, month, item, kind (risk or mitigation), description, best, likely, worst (£'000);
  key organisation, month, item.

Income and expenditure are both given as positive amounts; the category says which (:data:`INCOME`,
:data:`EXPENDITURE`). ``plan`` and ``actual`` are the month's, ``forecast`` the forecast outturn of the whole
year as at the month. A risk's best case is its smallest loss and its worst its largest
(best ≤ likely ≤ worst); a mitigation's best case is what it recovers at most (best ≥ likely ≥ worst). Every
bad row is reported at once with its file, sheet, row and column; a file with any bad row gives no records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

from carebridge.delivery.actuals import Cell, CellError, is_blank, number, text
from carebridge.delivery.actuals_tables import RowProblem, RowProblemsError
from carebridge.delivery.efficiency import Programme
from carebridge.delivery.months import Month, MonthError
from carebridge.scenario.bounds import beyond_bound
from carebridge.scenario.errors import did_you_mean

ReturnKind = Literal["income_expenditure", "efficiency", "risks"]
RETURN_KINDS: tuple[ReturnKind, ...] = ("income_expenditure", "efficiency", "risks")
INCOME: tuple[str, ...] = ("clinical_income", "other_income")
EXPENDITURE: tuple[str, ...] = ("pay", "drugs", "clinical_supplies", "non_pay", "financing")
IE_CATEGORIES: tuple[str, ...] = (*INCOME, *EXPENDITURE)
RISK_KINDS = ("risk", "mitigation")

COLUMNS: dict[ReturnKind, tuple[tuple[str, bool, str], ...]] = {
    "income_expenditure": (
        ("organisation", True, "organisation id of the programme"),
        ("month", True, "financial month YYYY/YY-Mnn (M01 is April)"),
        ("category", True, "one of " + ", ".join(IE_CATEGORIES)),
        ("plan", True, "the plan for the month, £'000 (zero or more)"),
        ("actual", True, "the actual of the month, £'000 (zero or more)"),
        ("forecast", False, "forecast outturn of the year as at the month, £'000 (zero or more)"),
    ),
    "efficiency": (
        ("organisation", True, "organisation id of the programme"),
        ("month", True, "financial month YYYY/YY-Mnn"),
        ("scheme", True, "scheme id of the organisation's programme"),
        ("recurrent", True, "saving delivered in the month that recurs, £'000 (zero or more)"),
        ("non_recurrent", False, "saving delivered in the month that does not recur, £'000 (zero or more)"),
    ),
    "risks": (
        ("organisation", True, "organisation id of the programme"),
        ("month", True, "financial month YYYY/YY-Mnn"),
        ("item", True, "a short name of the risk or mitigation, once a month"),
        ("kind", True, "risk (a loss) or mitigation (a gain)"),
        ("description", False, "what it is"),
        ("best", True, "best case, £'000 (a risk's smallest loss, a mitigation's largest gain)"),
        ("likely", True, "likely case, £'000"),
        ("worst", True, "worst case, £'000"),
    ),
}
KEYS: dict[ReturnKind, tuple[str, ...]] = {
    "income_expenditure": ("organisation", "month", "category"),
    "efficiency": ("organisation", "month", "scheme"),
    "risks": ("organisation", "month", "item"),
}


def names(kind: ReturnKind) -> list[str]:
    return [name for name, _, _ in COLUMNS[kind]]


def required(kind: ReturnKind) -> list[str]:
    return [name for name, needed, _ in COLUMNS[kind] if needed]


@dataclass(frozen=True)
class IncomeExpenditure:
    organisation: str
    month: Month
    category: str
    plan: float
    actual: float
    forecast: float | None

    @property
    def sign(self) -> int:
        """+1 for expenditure, −1 for income: a position is expenditure less income (a deficit positive)."""
        return -1 if self.category in INCOME else 1


@dataclass(frozen=True)
class EfficiencyDelivered:
    organisation: str
    month: Month
    scheme: str
    recurrent: float
    non_recurrent: float


@dataclass(frozen=True)
class RiskLine:
    organisation: str
    month: Month
    item: str
    kind: str
    description: str
    best: float
    likely: float
    worst: float


ReturnRecord: TypeAlias = IncomeExpenditure | EfficiencyDelivered | RiskLine


def kind_of(record: ReturnRecord) -> ReturnKind:
    if isinstance(record, IncomeExpenditure):
        return "income_expenditure"
    if isinstance(record, EfficiencyDelivered):
        return "efficiency"
    return "risks"


def key_of(record: ReturnRecord) -> tuple[str, str, str]:
    if isinstance(record, IncomeExpenditure):
        return (record.organisation, record.month.label, record.category)
    if isinstance(record, EfficiencyDelivered):
        return (record.organisation, record.month.label, record.scheme)
    return (record.organisation, record.month.label, record.item)


class ReturnsFileError(RowProblemsError):
    """Every problem found in a file of returns; nothing of the file is imported."""

    what = "the returns"


@dataclass
class ReturnTable:
    """A table as a reader found it: kind, sheet (``None`` in a CSV file), header and numbered rows."""

    kind: ReturnKind
    sheet: str | None
    header: list[str]
    rows: Iterator[tuple[int, list[Cell]]]


@dataclass(frozen=True)
class ReturnsFile:
    """The checked records of a file, by kind, with the file's name and SHA-256."""

    name: str
    sha256: str
    tables: Mapping[ReturnKind, list[ReturnRecord]] = field(default_factory=dict)

    @property
    def row_count(self) -> int:
        return sum(len(rows) for rows in self.tables.values())

    @property
    def returns(self) -> list[tuple[str, Month]]:
        """The (organisation, month) of each return the file holds, in order."""
        found = {(r.organisation, r.month) for rows in self.tables.values() for r in rows}
        return sorted(found, key=lambda pair: (pair[1], pair[0]))


def kind_of_header(header: Sequence[str]) -> ReturnKind | None:
    """The table a CSV header names (by its value columns)."""
    if "category" in header:
        return "income_expenditure"
    if "scheme" in header:
        return "efficiency"
    if "item" in header or "likely" in header:
        return "risks"
    return None


def header_problems(
    file: str, sheet: str | None, kind: ReturnKind, header: Sequence[str]
) -> list[RowProblem]:
    problems = []
    known = names(kind)
    for name in header:
        if name and name not in known:
            reason = f"unknown column '{name}' in the {kind} table; expected {', '.join(known)}"
            problems.append(RowProblem(file, 1, name, reason + did_you_mean(name, known), sheet))
    for name in required(kind):
        if name not in header:
            problems.append(RowProblem(file, 1, name, f"the {kind} table has no column '{name}'", sheet))
    for index, name in enumerate(header):
        if name and name in header[:index]:
            problems.append(
                RowProblem(file, 1, name, f"the column '{name}' is given twice; give it once", sheet)
            )
    return problems


class ReturnChecker:
    """Checks each row against the programme: its organisations, months of its year, categories, schemes
    of the organisation, amounts zero or more and within the bound of money."""

    def __init__(self, programme: Programme, only: str | None = None) -> None:
        self.programme = programme
        self.only = only
        self.organisations = programme.organisation_ids
        self.schemes = {org: [s.id for s in programme.schemes_of(org)] for org in self.organisations}

    def organisation(self, value: Cell) -> str:
        org = text(value)
        if org not in self.organisations:
            hint = did_you_mean(org, self.organisations) if org else ""
            raise CellError(
                f"unknown organisation '{org}'; expected one of {', '.join(self.organisations)}{hint}"
            )
        if self.only is not None and org != self.only:
            raise CellError(
                f"the row is {self.programme.organisation_name(org)}'s return, not "
                f"{self.programme.organisation_name(self.only)}'s (--org {self.only}); "
                "submit only your own organisation's return"
            )
        return org

    def month(self, value: Cell) -> Month:
        if is_blank(value):
            raise CellError("the month is missing; expected YYYY/YY-Mnn, like '2017/18-M04' (July)")
        month = Month.parse(text(value))
        if month.year != self.programme.year:
            raise CellError(f"{month.label} is not in the programme's year {self.programme.year}")
        return month

    def amount(self, value: Cell, minimum: float | None = 0.0) -> float:
        if is_blank(value):
            raise CellError("the amount is missing; expected £'000 (0 when nothing)")
        try:
            result = number(value, minimum)
        except CellError as error:
            if minimum is not None and "or more" in str(error):
                raise CellError(f"{error}: only an amount of zero or more is meaningful here") from None
            raise
        beyond = beyond_bound(result, "money")
        if beyond is not None:
            raise CellError(beyond)
        return result

    def _case(self, case: str, cells: Mapping[str, Cell], problems: list[tuple[str, str]]) -> float | None:
        try:
            return self.amount(cells.get(case))
        except CellError as error:
            problems.append((case, str(error)))
            return None

    def build(
        self, kind: ReturnKind, cells: Mapping[str, Cell], problems: list[tuple[str, str]]
    ) -> ReturnRecord | None:
        before = len(problems)

        def check(column: str, parse: Callable[[], object]) -> object:
            try:
                return parse()
            except (CellError, MonthError) as error:
                problems.append((column, str(error.args[0] if error.args else error)))
                return None

        org = check("organisation", lambda: self.organisation(cells.get("organisation")))
        month = check("month", lambda: self.month(cells.get("month")))
        record: ReturnRecord | None = None
        if kind == "income_expenditure":
            category = text(cells.get("category"))
            if category not in IE_CATEGORIES:
                hint = did_you_mean(category, IE_CATEGORIES) if category else ""
                problems.append(
                    (
                        "category",
                        f"unknown category '{category}'; expected one of {', '.join(IE_CATEGORIES)}{hint}",
                    )
                )
            plan = check("plan", lambda: self.amount(cells.get("plan")))
            actual = check("actual", lambda: self.amount(cells.get("actual")))
            given = cells.get("forecast")
            forecast = None if is_blank(given) else check("forecast", lambda: self.amount(given))
            if len(problems) == before:
                assert isinstance(org, str) and isinstance(month, Month)
                assert isinstance(plan, float) and isinstance(actual, float)
                record = IncomeExpenditure(
                    org, month, category, plan, actual, forecast if isinstance(forecast, float) else None
                )
        elif kind == "efficiency":
            scheme = text(cells.get("scheme"))
            if isinstance(org, str) and scheme not in self.schemes[org]:
                known = self.schemes[org]
                elsewhere = [o for o, ids in self.schemes.items() if scheme in ids]
                reason = (
                    f"the scheme '{scheme}' is {self.programme.organisation_name(elsewhere[0])}'s, "
                    f"not {self.programme.organisation_name(org)}'s"
                    if elsewhere
                    else f"unknown scheme '{scheme}' of {self.programme.organisation_name(org)}"
                    + (did_you_mean(scheme, known) or f"; expected one of {', '.join(known)}")
                )
                problems.append(("scheme", reason))
            recurrent = check("recurrent", lambda: self.amount(cells.get("recurrent")))
            given = cells.get("non_recurrent")
            non_recurrent = 0.0 if is_blank(given) else check("non_recurrent", lambda: self.amount(given))
            if len(problems) == before:
                assert isinstance(org, str) and isinstance(month, Month)
                assert isinstance(recurrent, float) and isinstance(non_recurrent, float)
                record = EfficiencyDelivered(org, month, scheme, recurrent, non_recurrent)
        else:
            item = text(cells.get("item"))
            if not item:
                problems.append(("item", "the item has no name"))
            risk_kind = text(cells.get("kind")).lower()
            if risk_kind not in RISK_KINDS:
                hint = did_you_mean(risk_kind, RISK_KINDS) if risk_kind else ""
                problems.append(("kind", f"'{risk_kind}' is not a kind; expected risk or mitigation{hint}"))
            cases = [self._case(case, cells, problems) for case in ("best", "likely", "worst")]
            if len(problems) == before:
                best, likely, worst = (float(c) for c in cases if isinstance(c, float))
                in_order = best <= likely <= worst if risk_kind == "risk" else best >= likely >= worst
                if not in_order:
                    order = (
                        "best ≤ likely ≤ worst (a risk's loss)"
                        if risk_kind == "risk"
                        else ("best ≥ likely ≥ worst (a mitigation's gain)")
                    )
                    problems.append(
                        ("likely", f"best {best:g}, likely {likely:g}, worst {worst:g}: expected {order}")
                    )
                else:
                    assert isinstance(org, str) and isinstance(month, Month)
                    description = text(cells.get("description"))
                    record = RiskLine(org, month, item, risk_kind, description, best, likely, worst)
        return record


def check_returns(
    name: str,
    file_name: str,
    sha256: str,
    tables: Iterable[ReturnTable],
    programme: Programme,
    problems: list[RowProblem],
    only: str | None = None,
) -> ReturnsFile:
    """Check every row of ``tables``; raise :class:`ReturnsFileError` listing every problem."""
    checker = ReturnChecker(programme, only)
    found: dict[ReturnKind, list[ReturnRecord]] = {}
    any_table = False
    for table in tables:
        any_table = True
        seen: dict[tuple[str, str, str], int] = {}
        for row_number, cells in table.rows:
            if all(is_blank(cell) for cell in cells):
                continue
            if len(cells) < len(table.header):
                reason = (
                    f"the row has {len(cells)} cells and the header {len(table.header)}; give every column"
                )
                problems.append(RowProblem(name, row_number, None, reason, table.sheet))
                continue
            values = dict(zip(table.header, cells, strict=False))
            located: list[tuple[str, str]] = []
            record = checker.build(table.kind, values, located)
            problems.extend(
                RowProblem(name, row_number, column, reason, table.sheet) for column, reason in located
            )
            if record is None:
                continue
            key = key_of(record)
            if key in seen:
                what = ", ".join(
                    f"{column} {value}" for column, value in zip(KEYS[table.kind], key, strict=True)
                )
                reason = f"repeats row {seen[key]} ({what}); give each row once"
                problems.append(RowProblem(name, row_number, None, reason, table.sheet))
                continue
            seen[key] = row_number
            found.setdefault(table.kind, []).append(record)
    if not problems and not any_table:
        problems.append(RowProblem(name, None, None, "no table of a return found; " + kinds_help()))
    elif not problems and not found:
        problems.append(
            RowProblem(name, None, None, "the file has no rows below its header: nothing to import")
        )
    if problems:
        raise ReturnsFileError(problems)
    return ReturnsFile(file_name, sha256, found)


def kinds_help() -> str:
    headers = " | ".join(",".join(names(kind)) for kind in RETURN_KINDS)
    return f"expected sheets named {', '.join(RETURN_KINDS)}, or a CSV header row such as {headers}"
