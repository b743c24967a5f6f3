"""plotly.js for the web app's charts: the partial bundle vendored in ``carebridge/report/vendor`` (the same
file the HTML reports inline; bar, scatter, histogram and waterfall are the traces the pages draw), served
from the package, never fetched from a CDN."""

from __future__ import annotations

from functools import cache

from fastapi import APIRouter
from fastapi.responses import Response

from carebridge.report.html import plotly_js

router = APIRouter(include_in_schema=False)


@cache
def _script() -> bytes:
    return plotly_js().encode("utf-8")


@router.get("/static/plotly.min.js")
def plotly_script() -> Response:
    return Response(_script(), media_type="text/javascript", headers={"Cache-Control": "max-age=86400"})
