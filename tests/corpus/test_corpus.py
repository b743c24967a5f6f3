"""The bad-input corpus: every file under ``tests/corpus/<kind>/`` is refused cleanly by the command that
reads that kind of file.

Each file starts with comments: what is wrong with it, ``# expect: LINE: TEXT`` (the message must name
the file and that line — ``-`` for a problem of the whole file — and contain TEXT) and optionally
``# refuse: TEXT`` (text the message must not contain). Each is run through the real command (in process,
with Typer's runner) and must exit 2 with no traceback, name the file and the place, and stay under 500 MB
of Python allocations. Large inputs are generated here, not committed.
"""

from __future__ import annotations

import re
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from carebridge.cli import app
from tests.conftest import ROOT, STOCKPORT

CORPUS = Path(__file__).parent
MAX_BYTES = 500_000_000


@dataclass(frozen=True)
class Expected:
    line: int | None
    text: str
    refused: str | None


def expected(path: Path) -> Expected:
    head = path.read_bytes()[:2000].decode("utf-8", "replace")
    found = re.search(r"^# expect: (-|\d+): (.+)$", head, re.M)
    assert found is not None, f"{path.name} has no '# expect:' line"
    refused = re.search(r"^# refuse: (.+)$", head, re.M)
    line = None if found.group(1) == "-" else int(found.group(1))
    return Expected(line, found.group(2), refused.group(1) if refused else None)


def command(kind: str, path: Path, tmp_path: Path) -> list[str]:
    db = str(tmp_path / "store.sqlite")
    return {
        "scenario": ["validate", str(path)],
        "risks": ["risks", "load", str(path), "--db", db],
        "targets": ["targets", "load", str(path), "--db", db],
        "appraisal": ["appraise", str(STOCKPORT), "-p", str(path), "--out", str(tmp_path / "out")],
        "candidates": ["prioritise", str(path), "--out", str(tmp_path / "out")],
    }[kind]


def refused(args: list[str]) -> tuple[int, str]:
    """Run the command in process: its exit code and what it wrote to stderr; fails on any exception."""
    tracemalloc.start()
    try:
        result = CliRunner().invoke(app, args)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{args}: {type(result.exception).__name__}: {result.exception}")
    assert peak < MAX_BYTES, f"{args}: {peak / 1e6:.0f} MB allocated"
    return result.exit_code, result.stderr


FILES = sorted(path for path in CORPUS.glob("*/*") if path.suffix in (".yaml", ".yml"))


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.name}" for p in FILES])
def test_each_bad_file_is_refused_with_its_place(path: Path, tmp_path: Path) -> None:
    wanted = expected(path)
    code, stderr = refused(command(path.parent.name, path, tmp_path))
    assert code == 2, stderr
    assert "Traceback" not in stderr and "unexpected error" not in stderr
    place = f"{path}:{wanted.line}" if wanted.line is not None else f"{path}: "
    assert place in stderr, stderr
    assert wanted.text in stderr, stderr
    if wanted.refused is not None:
        assert wanted.refused not in stderr, stderr


def test_the_corpus_covers_every_kind_of_yaml_file() -> None:
    assert {path.parent.name for path in FILES} == {"scenario", "risks", "targets", "appraisal", "candidates"}


# --- large inputs, generated ----------------------------------------------------------------------------

MINIMAL = (ROOT / "tests" / "corpus" / "scenario" / "quoted_number.yaml").read_text(encoding="utf-8")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "large.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_million_character_id_gives_a_short_message(tmp_path: Path) -> None:
    """Issue 13 item 11: a 1-million-character id produced 60 MB of messages."""
    long_id = "a" * 1_000_000
    path = write(
        tmp_path,
        MINIMAL.replace("- id: frail", f"- id: {long_id}").replace("cohort: frail", f"cohort: {long_id}x"),
    )
    code, stderr = refused(["validate", str(path)])
    assert code == 2
    assert f"{path}:" in stderr and "(1,000,000 characters)" in stderr
    assert len(stderr) < 5_000


def test_a_50000_term_formula_is_refused_with_its_place(tmp_path: Path) -> None:
    """Issue 13 item 8: a 50,000-term formula ended in RecursionError."""
    formula = " + ".join(["activity.ae"] * 50_000)
    path = write(tmp_path, MINIMAL.replace("      value: -300\n", f"      formula: {formula}\n"))
    line = next(number for number, text in enumerate(path.read_text().splitlines(), 1) if "formula:" in text)
    code, stderr = refused(["validate", str(path)])
    assert code == 2
    assert f"{path}:{line} positions.plan_lines[0].formula:" in stderr
    assert "a formula may be at most 2,000" in stderr


def test_a_file_above_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    """Issue 13 item 7: a 50 MB scenario ran past 600 s. The file is sparse: nothing is written or read."""
    path = tmp_path / "huge.yaml"
    with path.open("wb") as stream:
        stream.truncate(50_000_000)
    code, stderr = refused(["validate", str(path)])
    assert code == 2
    assert f"{path}: the file is 50.0 MB; the largest file read is 10 MB" in stderr
