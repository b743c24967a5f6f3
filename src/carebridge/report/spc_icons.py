"""Making Data Count's variation and assurance icons, drawn here as small inline SVG (no downloaded assets),
each with its words beside it, so the icon is never the only way to read it.

Variation (:data:`carebridge.delivery.spc.VARIATION_ICONS`): a grey ring for common cause; blue for special
cause improvement, orange for concern, purple for neither (neutral), each with the last points drawn high or
low and an H or an L. Assurance (:data:`carebridge.delivery.spc.ASSURANCE_ICONS`): a blue P (consistently
passes the target), an orange F (consistently fails), a grey ring with the target line running through the
points (hit and miss). The colours are NHSRplotthedots' (``ptd_spc_colours``): common cause #7B7D7D,
improvement #289DE0, concern #FAB428, neutral #361475.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from carebridge.delivery.spc import ASSURANCE_ICONS, ASSURANCE_TEXT, VARIATION_ICONS, VARIATION_TEXT, XmrChart

COLOURS = {
    "common_cause": "#7B7D7D",
    "improvement": "#289DE0",
    "concern": "#FAB428",
    "neutral": "#361475",
}
"""Colour of each kind of variation (and of pass, fail, hit and miss: improvement, concern, common cause)."""

FILLS = {"common_cause": "ECEDED", "improvement": "D4EBF9", "concern": "FEF0D4", "neutral": "E1DCEB"}
"""Light fills (no #) of the same colours, for a spreadsheet cell."""

ASSURANCE_KIND = {"pass": "improvement", "fail": "concern", "hit_and_miss": "common_cause"}

ICON_CSS = """
.spc-icon { display: inline-flex; align-items: center; gap: 6px; vertical-align: middle; }
.spc-icon svg { flex: none; }
.spc-icon-text { font-size: .85rem; }
"""

_FLAT = (21.0, 19.0, 22.0, 20.0, 21.0)
_HIGH = (29.0, 28.0, 29.0, 24.0, 20.0)
_LOW = (21.0, 22.0, 21.0, 26.0, 30.0)


def variation_kind(key: str) -> str:
    """``improvement``, ``concern``, ``neutral`` or ``common_cause`` of a variation icon's key."""
    return key.rsplit("_", 1)[0] if key != "common_cause" else key


def _dots(heights: tuple[float, ...], colour: str, last: str) -> str:
    xs = (9.0, 14.5, 20.0, 25.5, 31.0)
    line = " ".join(f"{x:g},{y:g}" for x, y in zip(xs, heights, strict=True))
    dots = "".join(
        f'<circle cx="{x:g}" cy="{y:g}" r="2.8" fill="{last if i >= 3 else colour}"/>'
        for i, (x, y) in enumerate(zip(xs, heights, strict=True))
    )
    return f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="1.2"/>{dots}'


def _svg(label: str, colour: str, inner: str, size: int) -> str:
    return (
        f'<svg width="{size}" height="{size}" viewBox="0 0 40 40" '
        f'role="img" aria-label="{escape(label)}"><title>{escape(label)}</title>'
        f'<circle cx="20" cy="20" r="18" fill="#ffffff" stroke="{colour}" stroke-width="3"/>{inner}</svg>'
    )


def _letter(letter: str, colour: str, y: float = 16) -> str:
    return (
        f'<text x="20" y="{y:g}" text-anchor="middle" font-family="Arial, sans-serif" font-size="13" '
        f'font-weight="bold" fill="{colour}">{letter}</text>'
    )


def variation_svg(key: str, size: int = 40) -> str:
    """The variation icon of ``key`` (a key of :data:`VARIATION_ICONS`) as SVG markup."""
    label = VARIATION_ICONS[key]
    kind = variation_kind(key)
    colour = COLOURS[kind]
    if kind == "common_cause":
        return _svg(label, colour, _dots(_FLAT, colour, colour), size)
    high = key.endswith("_high")
    grey = COLOURS["common_cause"]
    inner = _dots(_HIGH if high else _LOW, grey, colour) + _letter("H" if high else "L", colour)
    return _svg(label, colour, inner, size)


def assurance_svg(key: str, size: int = 40) -> str:
    """The assurance icon of ``key`` (a key of :data:`ASSURANCE_ICONS`) as SVG markup."""
    label = ASSURANCE_ICONS[key]
    colour = COLOURS[ASSURANCE_KIND[key]]
    target = (
        '<line x1="6" y1="{y}" x2="34" y2="{y}" stroke="#d0021b" stroke-width="1.4" stroke-dasharray="3 2"/>'
    )
    if key == "hit_and_miss":
        inner = _dots(_FLAT, colour, colour) + target.format(y=20.5)
    else:
        inner = (
            f'<text x="20" y="26" text-anchor="middle" font-family="Arial, sans-serif" font-size="17" '
            f'font-weight="bold" fill="{colour}">{"P" if key == "pass" else "F"}</text>'
        ) + target.format(y=31)
    return _svg(label, colour, inner, size)


def _labelled(svg: str, text: str, key: str) -> str:
    return (
        f'<span class="spc-icon" data-icon="{escape(key)}">{svg}'
        f'<span class="spc-icon-text">{escape(text)}</span></span>'
    )


def variation_html(key: str, size: int = 32) -> str:
    """The variation icon with its words beside it."""
    return _labelled(variation_svg(key, size), VARIATION_TEXT[key], key)


def assurance_html(key: str | None, size: int = 32) -> str:
    """The assurance icon with its words beside it; a dash when there is no assurance."""
    if key is None:
        return '<span class="spc-icon-text">– (no target or no improvement direction)</span>'
    return _labelled(assurance_svg(key, size), ASSURANCE_TEXT[key], key)


def chart_icons(chart: XmrChart, size: int = 32) -> str:
    """Both icons of a chart, the assurance one only when it has one."""
    icons = variation_html(chart.variation, size)
    if chart.assurance is not None:
        icons += " " + assurance_html(chart.assurance, size)
    return icons


def spc_fill(text: str) -> str:
    """The light fill of a variation or assurance cell of the workbook, from its words."""
    for key, words in VARIATION_TEXT.items():
        if words == text:
            return FILLS[variation_kind(key)]
    for key, words in ASSURANCE_TEXT.items():
        if words == text:
            return FILLS[ASSURANCE_KIND[key]]
    return FILLS["common_cause"]


def charts_table(
    table_id: str, caption: str, note: str, what: str, charts: Sequence[tuple[str, XmrChart]]
) -> str:
    """A table of charts, one row each: its name, the variation icon and why, the assurance icon, the centre
    and the limits of the latest period, and every rule broken in the chart."""
    rows = []
    for name, chart in charts:
        why = chart.points[-1].reason or "no rule broken in the latest month"
        broken = ", ".join(sorted(chart.signals)) or "none"
        rows.append(
            f"<tr><th scope=row>{escape(name)}</th>"
            f"<td class=text>{variation_html(chart.variation)}<br><small>{escape(why)}</small></td>"
            f"<td class=text>{assurance_html(chart.assurance)}</td>"
            f"<td>{_line(chart.centre)}</td><td>{_line(chart.lower)} to {_line(chart.upper)}</td>"
            f"<td class=text>{escape(broken)}</td></tr>"
        )
    return (
        f"<style>{ICON_CSS}</style>"
        f'<div class="table-wrap" role="region" tabindex="0" aria-label="{escape(caption)}">'
        f'<table id="table-{escape(table_id)}">'
        f"<caption>{escape(caption)}<small>{escape(note)}</small></caption>"
        f"<thead><tr><th scope=col class=label>{escape(what)}</th>"
        "<th scope=col class=text>Variation (latest month)</th><th scope=col class=text>Assurance</th>"
        "<th scope=col>Centre</th><th scope=col>Process limits</th>"
        "<th scope=col class=text>Rules broken in the chart</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _line(value: float) -> str:
    """A centre line or a limit: whole numbers from 1,000, one decimal from 1, else three figures."""
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.1f}" if abs(value) >= 1 else f"{value:.3g}"
