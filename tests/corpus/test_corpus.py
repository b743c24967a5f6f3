"""The bad-input corpus: every file under ``tests/corpus/<kind>/`` is refused cleanly by what reads that kind
of file (``runner.py`` says how a file states what its message must say).

Each is run through the real command in process (Typer's runner) against a copy of a real SQLite store —
the Stockport plan approved, the example target and risk registers and a month of actuals loaded — and
must exit 2 with no traceback, name the file and the place, take under 10 s of CPU and 500 MB, and leave
the store exactly as it was (its SQL dump compared). Large inputs are generated here, not committed.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml  # type: ignore[import-untyped]
from typer.testing import CliRunner

from carebridge.cli import app
from tests.conftest import ROOT, STOCKPORT
from tests.corpus import generate
from tests.corpus.runner import (
    CORPUS,
    MANIFEST,
    Expected,
    assert_unchanged,
    check_message,
    dump,
    from_comments,
    guarded,
    manifest,
)
from tests.web.conftest import PLAN


@dataclass(frozen=True)
class Case:
    kind: str
    path: Path
    expected: Expected

    @property
    def id(self) -> str:
        return f"{self.kind}/{self.path.name}"


def _args(kind: str, path: Path, out: Path, db: Path, wanted: Expected) -> tuple[list[str], str | None]:
    """The command that reads a file of ``kind``, and what it reads on standard input."""
    file = str(path)
    commands: dict[str, list[str]] = {
        "scenario": ["validate", file],
        "scenario-excel": ["validate", file],
        "actuals": ["actuals", "import", file, "--plan", PLAN, "--db", str(db)],
        "target-actuals": ["targets", "actuals", file, "--db", str(db)],
        "patients": ["stratify", file, "--out", str(out), "--quiet"],
        "risks": ["risks", "load", file, "--db", str(db)],
        "targets": ["targets", "load", file, "--db", str(db)],
        "appraisal": ["appraise", str(STOCKPORT), "-p", file, "--out", str(out)],
        "candidates": ["prioritise", file, "--out", str(out)],
        "region": ["run", file, "--out", str(out), "--quiet"],
    }
    if kind == "users":
        user = yaml.safe_load(path.read_text(encoding="utf-8"))
        return ["users", "add", *user["args"], "--password-stdin", "--db", str(db)], user["password"] + "\n"
    return [*commands[kind], *wanted.args], None


COMMAND_KINDS = (
    "scenario",
    "scenario-excel",
    "actuals",
    "target-actuals",
    "patients",
    "risks",
    "targets",
    "appraisal",
    "candidates",
    "users",
    "region",
)
"""The kinds read by a command; ``pools`` are read by the Python API (``load_pool``) and ``web`` requests
by the app (``test_web_corpus.py``)."""
DATA_SUFFIXES = (".yaml", ".yml", ".csv", ".xlsx", ".parquet", ".json", ".txt")


def expectation(path: Path, listed: dict[str, Expected]) -> Expected:
    if path.name in listed:
        return listed[path.name]
    if f"{path.parent.name}/{path.name}" in generate.EXPECTED:
        return generate.EXPECTED[f"{path.parent.name}/{path.name}"]
    if path.suffix in (".yaml", ".yml") and path.parent.name != "users":
        return from_comments(path)
    if path.parent.name == "users":
        user = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Expected(at=user["at"], text=user["expect"], why=user["why"])
    raise AssertionError(f"{path}: no expectation; describe it in {path.parent / MANIFEST}")


def cases(kinds: tuple[str, ...]) -> list[Case]:
    found = []
    for kind in kinds:
        folder = CORPUS / kind
        listed = manifest(folder)
        for path in sorted(folder.iterdir()):
            if path.name.startswith("_") or not path.name.endswith(DATA_SUFFIXES):
                continue
            found.append(Case(kind, path, expectation(path, listed)))
    return found


CASES = cases(COMMAND_KINDS)
POOLS = cases(("pools",))


def refused(args: list[str], stdin: str | None, db: Path) -> tuple[int, str]:
    """Run the command in process: its exit code and what it wrote to stderr; fails on any exception."""
    result = CliRunner().invoke(app, args, input=stdin, env={"CAREBRIDGE_DB": str(db)})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{args}: {type(result.exception).__name__}: {result.exception}")
    return result.exit_code, result.stderr


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_each_bad_file_is_refused_with_its_place(case: Case, seeded: Path, tmp_path: Path) -> None:
    db = tmp_path / "carebridge.db"
    shutil.copy(seeded, db)
    args, stdin = _args(case.kind, case.path, tmp_path / "out", db, case.expected)
    before = dump(db)
    with guarded(case.id):
        code, stderr = refused(args, stdin, db)
    assert code == 2, stderr
    check_message(stderr, "" if case.kind == "users" else str(case.path), case.expected)
    assert_unchanged(db, before, case.id)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir()), "a refusal wrote files"


@pytest.mark.parametrize("case", POOLS, ids=[case.id for case in POOLS])
def test_each_bad_pool_definition_is_refused_with_its_place(case: Case) -> None:
    from carebridge.delivery.pools import load_pool
    from carebridge.scenario.errors import PoolError

    with guarded(case.id), pytest.raises(PoolError) as raised:
        load_pool(case.path)
    check_message(str(raised.value), str(case.path), case.expected)


def test_the_corpus_covers_every_kind_of_file() -> None:
    kinds = {case.kind for case in CASES + POOLS}
    assert kinds == {*COMMAND_KINDS, "pools"}
    suffixes = {(case.kind, case.path.suffix) for case in CASES}
    for kind, suffix in (
        ("scenario-excel", ".xlsx"),
        ("actuals", ".csv"),
        ("actuals", ".xlsx"),
        ("patients", ".csv"),
        ("patients", ".parquet"),
    ):
        assert (kind, suffix) in suffixes, f"no {suffix} file of {kind}"


def test_every_listed_expectation_has_its_file() -> None:
    """A file renamed or removed must leave its folder's list too, or its expectation tests nothing."""
    for folder in CORPUS.iterdir():
        if folder.is_dir():
            missing = set(manifest(folder)) - {path.name for path in folder.iterdir()}
            assert not missing, f"{folder / MANIFEST} lists files that are not there: {sorted(missing)}"


def test_the_generated_files_are_committed() -> None:
    """``generate.py`` writes the workbooks and patient files; each must be committed beside the others."""
    missing = [str(path) for path in generate.written_paths() if not path.is_file()]
    assert not missing, f"run .venv/bin/python -m tests.corpus.generate and commit: {missing}"


# --- large inputs, generated ----------------------------------------------------------------------------

MINIMAL = (ROOT / "tests" / "corpus" / "scenario" / "quoted_number.yaml").read_text(encoding="utf-8")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "large.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def validate(path: Path, tmp_path: Path) -> tuple[int, str]:
    with guarded(str(path)):
        return refused(["validate", str(path)], None, tmp_path / "none.db")


def test_a_million_character_id_gives_a_short_message(tmp_path: Path) -> None:
    """Issue 13 item 11: a 1-million-character id produced 60 MB of messages."""
    long_id = "a" * 1_000_000
    path = write(
        tmp_path,
        MINIMAL.replace("- id: frail", f"- id: {long_id}").replace("cohort: frail", f"cohort: {long_id}x"),
    )
    code, stderr = validate(path, tmp_path)
    assert code == 2
    assert f"{path}:" in stderr and "(1,000,000 characters)" in stderr
    assert len(stderr) < 5_000


def test_a_50000_term_formula_is_refused_with_its_place(tmp_path: Path) -> None:
    """Issue 13 item 8: a 50,000-term formula ended in RecursionError."""
    formula = " + ".join(["activity.ae"] * 50_000)
    path = write(tmp_path, MINIMAL.replace("      value: -300\n", f"      formula: {formula}\n"))
    line = next(number for number, text in enumerate(path.read_text().splitlines(), 1) if "formula:" in text)
    code, stderr = validate(path, tmp_path)
    assert code == 2
    assert f"{path}:{line} positions.plan_lines[0].formula:" in stderr
    assert "a formula may be at most 2,000" in stderr


def test_a_file_above_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    """Issue 13 item 7: a 50 MB scenario ran past 600 s. The file is sparse: nothing is written or read."""
    path = tmp_path / "huge.yaml"
    with path.open("wb") as stream:
        stream.truncate(50_000_000)
    code, stderr = validate(path, tmp_path)
    assert code == 2
    assert f"{path}: the file is 50.0 MB; the largest file read is 10 MB" in stderr
