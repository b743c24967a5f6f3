"""The delivery pack's presentation: the risk register's heat map drawn by the one HTML table renderer."""

from __future__ import annotations

import pathlib

from carebridge.delivery.risks import heat_map, load_risk_register
from carebridge.report.delivery_page import risk_heat_map
from carebridge.report.delivery_png import heat_map_png

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples" / "delivery"


def test_the_risk_heat_map_is_an_accessible_table() -> None:
    risks = load_risk_register(EXAMPLES / "risks.yaml").risks
    table = risk_heat_map(heat_map(risks, "after"), title="Stockport Together")
    assert table.startswith('<div class="table-wrap" role="region" tabindex="0" aria-label="Stockport')
    assert '<table class="risk-heat-map">' in table
    caption = (
        "<caption>Stockport Together after mitigation: number of risks by likelihood and impact</caption>"
    )
    assert caption in table
    assert table.count('<th scope="col">') == 5
    assert table.count('<th scope="row">') == 5
    assert table.count("<td style=") == 25
    assert "<strong>3</strong> risks<br><small>rating 12, high</small>" in table
    assert table.index("Likelihood 5") < table.index("Likelihood 1")


def test_the_risk_heat_map_png_is_a_png() -> None:
    risks = load_risk_register(EXAMPLES / "risks.yaml").risks
    png = heat_map_png(heat_map(risks), title="Stockport Together")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png) > 5_000
