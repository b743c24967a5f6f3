"""The vendored plotly.js bundle: small, says where it came from, holds every trace type the reports and the
web app draw, and is the file the web app serves."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from carebridge.report.html import plotly_js
from carebridge.web.routes.plotly import router

SRC = Path(__file__).parents[2] / "src" / "carebridge"
PLOTLY_TRACES = {
    *("bar", "barpolar", "box", "candlestick", "carpet", "choropleth", "choroplethmap", "choroplethmapbox"),
    *("cone", "contour", "contourcarpet", "densitymap", "densitymapbox", "funnel", "funnelarea", "heatmap"),
    *("histogram", "histogram2d", "histogram2dcontour", "icicle", "image", "indicator", "isosurface"),
    *("mesh3d", "ohlc", "parcats", "parcoords", "pie", "sankey", "scatter", "scatter3d", "scattercarpet"),
    *("scattergeo", "scattergl", "scattermap", "scattermapbox", "scatterpolar", "scatterpolargl"),
    *("scattersmith", "scatterternary", "splom", "streamtube", "sunburst", "surface", "table", "treemap"),
    *("violin", "volume", "waterfall"),
}
"""Every trace type of plotly.js."""


def traces_in_the_bundle(script: str) -> set[str]:
    return set(re.findall(r'moduleType:"trace",name:"(\w+)"', script))


def traces_drawn() -> set[str]:
    """The trace types the source builds: a ``"type"`` that names a plotly.js trace, in Python or script."""
    found: set[str] = set()
    for path in [*SRC.rglob("*.py"), *SRC.rglob("*.js"), *SRC.rglob("*.html")]:
        if "vendor" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r"""["']?type["']?\s*[:=]\s*["'](\w+)["']""", text)) & PLOTLY_TRACES
    return found


def test_the_bundle_draws_every_trace_the_source_builds() -> None:
    script = plotly_js()
    drawn = traces_drawn()
    assert {"bar", "scatter", "waterfall"} <= drawn  # the Monte Carlo histogram is drawn as bars
    assert drawn <= traces_in_the_bundle(script), drawn - traces_in_the_bundle(script)


def test_the_bundle_is_small_and_says_where_it_came_from() -> None:
    script = plotly_js()
    assert len(script.encode("utf-8")) < 1_300_000  # the whole library is 4.8 MB
    head = script[:1000]
    assert "plotly.js-finance-dist-min@4.1.0" in head and "MIT" in head and "SHA-256" in head
    assert "</script" not in script.lower()
    assert (SRC / "report" / "vendor" / "plotly.js-LICENSE").is_file()


def test_the_web_app_serves_the_same_file() -> None:
    app = FastAPI()
    app.include_router(router)
    response = TestClient(app).get("/static/plotly.min.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.content == plotly_js().encode("utf-8")
