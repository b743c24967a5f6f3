"""Stockport's Section 75 pools in £'000 (examples/stockport-2017/pools): every published cell of Tables 1
and 2 (seed 003), the README's commands run as written, and the command line's refusals (exit 2, located,
no traceback, nothing stored)."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from carebridge.delivery.pools import decide_lines, load_pool, pool_table
from tests.conftest import EXAMPLES

POOLS = EXAMPLES / "stockport-2017" / "pools"
ROOT = EXAMPLES.parent

TABLE_1 = {  # 2015/16 Pool Contribution, £m × 1,000
    "Non-Acute Services for Older People": 3_808,
    "Learning Disabilities": 1_595,
    "Continuing Health Care Beds": 600,
    "Mental Health": 289,
    "Better Care Fund": 18_510,
}
TABLE_2 = {  # 15/16 Plan Spend, £m × 1,000; None a blank cell
    "Non-elective hospital activity": 29_100,
    "A&E activity": 3_200,
    "Planned activity (Outpatients and elective admissions)": 32_900,
    "Community Services": 10_100,
    "Mental health services": 8_000,
    "CCG held GP contracts": 5_800,
    "Old Age Psychiatry": None,
    "CHC and FNP": 8_100,
    "Other elements of existing pool not in above (E.g. LD)": None,
}


@pytest.mark.parametrize(
    ("file", "published", "total"),
    [("pool-2015-16.yaml", TABLE_1, 24_802), ("pool-65-plus-2016-17.yaml", TABLE_2, 97_200)],
)
def test_the_published_tables_in_thousands(file: str, published: dict[str, int | None], total: int) -> None:
    table = pool_table(load_pool(POOLS / file))
    assert {row.name: row.amount for row in table.rows} == published
    assert table.total == total and table.unit == "£'000"


def test_the_65_plus_rules_and_the_c_122m() -> None:
    pool = load_pool(POOLS / "pool-65-plus-2016-17.yaml")
    out = {d.line.id: d.rule for d in decide_lines(pool) if not d.included}
    assert out == {
        "prescribing": "aligned_budget",
        "gp_out_of_hours": "aligned_budget",
        "gms_pms": "gp_contract_without_delegation",
        "other_secondary": "uncertain_excluded",
    }
    assert pool_table(pool).total + pool_table(load_pool(POOLS / "pool-2015-16.yaml")).total == 122_002
    assert pool.contributions[0].by_year["2016/17"] == 122_000


def carebridge(args: list[str], db: Path) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("carebridge")), *args, "--db", str(db)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=ROOT)


def readme_commands() -> list[list[str]]:
    text = (POOLS / "README.md").read_text(encoding="utf-8")
    block = text.split("```sh\n", 1)[1].split("```", 1)[0]
    return [shlex.split(line)[1:] for line in block.splitlines() if line.strip()]


@pytest.mark.e2e
def test_the_readme_commands_run_and_show_the_overspend(tmp_path: Path) -> None:
    db = tmp_path / "carebridge.db"
    outputs = []
    for args in readme_commands():
        done = carebridge(args, db)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    status = " ".join(outputs[-1].split())
    assert "Forecast variance, affordability basis │ 3,670" in status
    assert "Forecast variance, gross basis │ (330)" in status
    assert "NHS Stockport CCG │ 81.8% │ 3,003" in status
    again = carebridge(readme_commands()[1], db)
    assert "nothing changed" in again.stdout


@pytest.mark.e2e
def test_bad_files_are_refused_with_their_place(tmp_path: Path) -> None:
    db = tmp_path / "carebridge.db"
    done = carebridge(["pools", "import", str(POOLS / "spend-2016-17.csv")], db)
    assert done.returncode == 2 and "load one first: carebridge pools load" in done.stderr
    bad_pool = tmp_path / "pool.yaml"
    text = (POOLS / "pool-65-plus-2016-17.yaml").read_text(encoding="utf-8")
    bad_pool.write_text(
        text.replace(
            "- partner: ccg\n    by_year: {2016/17: 4000}", "- partner: ccgg\n    by_year: {2016/17: 4000}"
        ),
        encoding="utf-8",
    )
    done = carebridge(["pools", "load", str(bad_pool)], db)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert (
        f"{bad_pool}:59 qipp[0].partner: 'ccgg' is not a contributing partner; did you mean 'ccg'?"
        in done.stderr
    )
    assert carebridge(["pools", "load", str(POOLS / "pool-65-plus-2016-17.yaml")], db).returncode == 0
    spend = tmp_path / "spend.csv"
    spend.write_text("pool,month,service_area,spend\nage_65_plus,2016/17-M01,ae,-1\n", encoding="utf-8")
    done = carebridge(["pools", "import", str(spend)], db)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"{spend}, row 2, column spend: expected a spend of zero or more" in done.stderr
    done = carebridge(["pools", "status", "--month", "2016/17-M06"], db)
    assert done.returncode == 0 and "spend to date" in done.stdout.lower()
    assert carebridge(["pools", "status", "--month", "June"], db).returncode == 2
