"""Terminal tables in a pipe (Rich draws 80 columns): long names wrap at their spaces, never cut."""

from __future__ import annotations

import io
import re

from rich.console import Console

from carebridge.engine import run
from carebridge.report.plan import print_headlines
from carebridge.report.table import Column, FormattedTable, Row
from carebridge.report.terminal import rich_table
from carebridge.scenario.loader import load_scenario
from tests.conftest import EXAMPLES

LONG = "Stoke-on-Trent CC budget consultation proposals (not quantified)"


def piped(*renderables: object) -> str:
    stream = io.StringIO()
    console = Console(file=stream, width=80)  # what Rich does when stdout is not a terminal
    for renderable in renderables:
        console.print(renderable)
    return stream.getvalue()


def test_a_wide_table_keeps_every_word_of_its_names() -> None:
    years = tuple(Column(f"20{y}/{y + 1}") for y in range(15, 21))  # the STP: six years
    rows = (Row(LONG, tuple(-123456.0 for _ in years)), Row("RWT (Cannock)", tuple(6000.0 for _ in years)))
    text = piped(rich_table(FormattedTable("t", "A wide table", "A wide table", "£'000", years, rows)))
    assert "…" not in text
    words = set(re.findall(r"[^\s│┃┏┓┗┛━─┡┩╇┳┻╋┼├┤└┘┌┐]+", text))
    assert set(LONG.split()) | {"RWT", "(Cannock)"} <= words


def test_the_stp_headlines_in_a_pipe_are_whole() -> None:
    results = run(load_scenario(EXAMPLES / "staffordshire-stp-2016" / "scenario.yaml").scenario)
    stream = io.StringIO()
    print_headlines(results, Console(file=stream, width=80))
    text = stream.getvalue()
    assert "…" not in text
    assert LONG in text and "RWT (Cannock)" in text
    assert max(len(line) for line in text.splitlines()) <= 80
