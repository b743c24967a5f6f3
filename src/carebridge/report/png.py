"""The bridge waterfalls as PNG images, for slides and papers.

Drawn with Pillow (rectangles, lines and FreeType text; no screen, and no Matplotlib: starting Matplotlib took
longer than the rest of the report). The picture is laid out first (:func:`bridge_drawing`: the image's size,
the plot area, each bar and each piece of text with the box it covers), then painted (:func:`render`), so a
test can check that every name lies whole inside the image. Text is DejaVu Sans, the font the other PNGs of
the reports use, read from Matplotlib's data folder without importing Matplotlib; Pillow's own font stands
in when that file is missing. Pillow is imported when the first image is laid out, not with this module
(``carebridge run`` imports it once the workbook's second process has its tables).
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from carebridge.engine.finance import SYSTEM
from carebridge.engine.results import Results
from carebridge.report.chart import END, FALL, RISE
from carebridge.report.numbers import format_number
from carebridge.report.plan_charts import waterfall
from carebridge.report.plan_tables import organisations

if TYPE_CHECKING:
    from PIL import Image, ImageDraw, ImageFont

DPI = 100
"""Pixels to the inch: the image is as wide as the figure's inches × this, 600 pixels high."""
HEIGHT = 600
LABEL_SIZE = 7.5
"""Points of the bars' names and values."""
TICK_SIZE = 10.0
"""Points of the y axis's numbers and title."""
TITLE_SIZE = 10.0
ANGLE = 30.0
"""Degrees the bars' names are turned (anticlockwise), so long names fit under narrow bars."""
INK, RULE, ZERO_LINE, BACKGROUND = "#000000", "#000000", "#999999", "#ffffff"
BAR_WIDTH = 0.8
"""Share of a bar's slot that the bar fills."""
TICK = 4
"""Pixels of a tick mark outside the plot area."""
PAD = 4
"""Pixels between a tick mark and its text."""
MARGIN = 8
"""Pixels left clear at each edge of the image."""


def bar_label(name: str, characters: int) -> str:
    """A bar's name as its axis label: whole, wrapped at spaces onto lines of ``characters``."""
    return textwrap.fill(name, characters, break_long_words=False, break_on_hyphens=False)


LABEL_CHARACTERS = 26
"""Characters on a line of a bar's name (set at 30°): a longer name takes a second line."""


def value_range(bars: list[tuple[float, float]]) -> tuple[float, float]:
    """The y axis's limits: every bar and 0, with room above (and below) for the values over the bars."""
    ends = [0.0, *(bottom for bottom, _ in bars), *(bottom + height for bottom, height in bars)]
    low, high = min(ends), max(ends)
    room = 0.08 * (high - low or 1.0)
    return (low - room if low < 0 else 0.0), high + room


def bar_chain(values: list[float]) -> list[tuple[float, float]]:
    """The (bottom, height) of each bar of a waterfall: the first and last (the positions) from 0, each step
    from where the one before ended."""
    bars: list[tuple[float, float]] = []
    level = 0.0
    for i, value in enumerate(values):
        if i in (0, len(values) - 1):
            bars.append((0.0, value))
            level = value
        else:
            bars.append((level, value))
            level += value
    return bars


def tick_values(low: float, high: float, most: int = 9) -> list[float]:
    """The y axis's ticks: multiples of a round step (1, 2, 2.5 or 5 × a power of ten) between ``low`` and
    ``high``, at most ``most`` of them."""
    span = high - low or 1.0
    power = 10.0 ** math.floor(math.log10(span / most))
    step = next(power * m for m in (1.0, 2.0, 2.5, 5.0, 10.0, 20.0) if span / (power * m) <= most - 1)
    first = math.ceil(low / step - 1e-9)
    last = math.floor(high / step + 1e-9)
    return [index * step for index in range(first, last + 1)]


def bar_colours(values: list[float]) -> list[str]:
    """The two ends in the positions' colour, each step by whether it raises or lowers the gap."""
    return [END if i in (0, len(values) - 1) else FALL if v < 0 else RISE for i, v in enumerate(values)]


@dataclass(frozen=True)
class Box:
    """A rectangle of the image in pixels, from its top left corner to its bottom right."""

    left: float
    top: float
    right: float
    bottom: float

    def inside(self, other: Box) -> bool:
        return (
            self.left >= other.left
            and self.top >= other.top
            and self.right <= other.right
            and self.bottom <= other.bottom
        )


@dataclass(frozen=True)
class Text:
    """A piece of text placed on the image: what it says, its size in points, the angle it is turned by,
    whether its lines align right (a bar's name) or centre, and the box it covers."""

    text: str
    size: float
    angle: float
    align: str
    box: Box


@dataclass(frozen=True)
class Bar:
    box: Box
    colour: str


@dataclass(frozen=True)
class BridgeDrawing:
    """A waterfall laid out: the image's size, the plot area, the bars, the zero line's height, the ticks of
    the y axis (height, text), the bars' centres, and the texts (``title``, ``names`` under the bars,
    ``values`` over them, and the axis's numbers and title in ``axis``)."""

    width: int
    height: int
    plot: Box
    bars: list[Bar]
    zero: float | None
    y_ticks: list[float]
    x_ticks: list[float]
    title: Text
    names: list[Text]
    values: list[Text]
    axis: list[Text]

    @property
    def image(self) -> Box:
        return Box(0, 0, self.width, self.height)

    def texts(self) -> list[Text]:
        return [self.title, *self.names, *self.values, *self.axis]


@cache
def font(points: float) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Sans at ``points`` (at :data:`DPI`); Pillow's own font when DejaVu Sans is not installed."""
    from PIL import ImageFont

    pixels = points * DPI / 72
    spec = find_spec("matplotlib")
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        path = Path(folder) / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
        if path.is_file():
            return ImageFont.truetype(str(path), pixels, layout_engine=ImageFont.Layout.BASIC)
    return ImageFont.load_default(pixels)


@cache
def _measure() -> ImageDraw.ImageDraw:
    """A drawing surface that only measures text."""
    from PIL import Image, ImageDraw

    return ImageDraw.Draw(Image.new("L", (1, 1)))


def text_size(text: str, points: float) -> tuple[float, float]:
    """Width and height in pixels of ``text`` (its lines one under another) drawn level."""
    left, top, right, bottom = _measure().multiline_textbbox((0, 0), text, font=font(points), spacing=2)
    return right - left, bottom - top


def turned_size(text: str, points: float, angle: float) -> tuple[float, float]:
    """Width and height of the box that ``text`` covers when turned by ``angle`` degrees."""
    width, height = text_size(text, points)
    radians = math.radians(angle)
    cos, sin = abs(math.cos(radians)), abs(math.sin(radians))
    return width * cos + height * sin, width * sin + height * cos


def bridge_drawing(title: str, names: list[str], values: list[float]) -> BridgeDrawing:
    """Lay out the waterfall of ``values`` named ``names`` under ``title``: every bar's name whole and inside
    the image, the value over each bar, room above the tallest for its value, the plot area made wide enough
    on the left for the axis's numbers and for the first name's reach."""
    count = len(values)
    width = round(min(16.0, max(7.0, 0.8 * count)) * DPI)
    chain = bar_chain(values)
    low, high = value_range(chain)
    ticks = tick_values(low, high)
    tick_texts = [f"{tick:,.0f}" for tick in ticks]
    labels = [bar_label(name, LABEL_CHARACTERS) for name in names]
    turned = [turned_size(label, LABEL_SIZE, ANGLE) for label in labels]
    _, title_height = text_size(title, TITLE_SIZE)
    axis_title = "£'000"
    axis_title_width, axis_title_height = turned_size(axis_title, TICK_SIZE, 90.0)
    widest_tick = max(text_size(text, TICK_SIZE)[0] for text in tick_texts)
    plot_top = MARGIN + title_height + 16
    plot_bottom = HEIGHT - MARGIN - max(height for _, height in turned) - TICK - PAD
    axis_room = MARGIN + axis_title_width + 8 + widest_tick + PAD + TICK
    # the first name, turned, reaches left of its bar's centre by its whole width
    slot_of = (width - MARGIN - axis_room) / count
    plot_left = max(axis_room, MARGIN + turned[0][0] - slot_of / 2)
    plot_right = width - MARGIN - max(0.0, turned[-1][0] / 2 - (width - MARGIN - plot_left) / count / 2)
    plot_right = min(plot_right, width - MARGIN)
    plot = Box(plot_left, plot_top, plot_right, plot_bottom)
    slot = (plot.right - plot.left) / count

    def y_of(value: float) -> float:
        return plot.bottom - (value - low) / (high - low) * (plot.bottom - plot.top)

    centres = [plot.left + slot * (index + 0.5) for index in range(count)]
    bars = []
    value_texts = []
    for centre, (bottom, height), value, colour in zip(
        centres, chain, values, bar_colours(values), strict=True
    ):
        top_y, bottom_y = sorted((y_of(bottom + height), y_of(bottom)))
        bars.append(
            Bar(Box(centre - slot * BAR_WIDTH / 2, top_y, centre + slot * BAR_WIDTH / 2, bottom_y), colour)
        )
        text = format_number(value, "money")
        text_width, text_height = text_size(text, LABEL_SIZE)
        over = y_of(bottom + max(height, 0.0)) - 2
        value_texts.append(
            Text(
                text,
                LABEL_SIZE,
                0.0,
                "center",
                Box(centre - text_width / 2, over - text_height, centre + text_width / 2, over),
            )
        )
    name_texts = []
    for centre, label, (label_width, label_height) in zip(centres, labels, turned, strict=True):
        top = plot.bottom + TICK + PAD
        name_texts.append(
            Text(
                label, LABEL_SIZE, ANGLE, "right", Box(centre - label_width, top, centre, top + label_height)
            )
        )
    axis_texts = []
    for tick, text in zip(ticks, tick_texts, strict=True):
        text_width, text_height = text_size(text, TICK_SIZE)
        right = plot.left - TICK - PAD
        y = y_of(tick)
        axis_texts.append(
            Text(
                text,
                TICK_SIZE,
                0.0,
                "right",
                Box(right - text_width, y - text_height / 2, right, y + text_height / 2),
            )
        )
    middle = (plot.top + plot.bottom) / 2
    axis_texts.append(
        Text(
            axis_title,
            TICK_SIZE,
            90.0,
            "center",
            Box(
                MARGIN,
                middle - axis_title_height / 2,
                MARGIN + axis_title_width,
                middle + axis_title_height / 2,
            ),
        )
    )
    title_width, _ = text_size(title, TITLE_SIZE)
    title_centre = (plot.left + plot.right) / 2
    title_text = Text(
        title,
        TITLE_SIZE,
        0.0,
        "center",
        Box(title_centre - title_width / 2, MARGIN, title_centre + title_width / 2, MARGIN + title_height),
    )
    return BridgeDrawing(
        width,
        HEIGHT,
        plot,
        bars,
        y_of(0.0) if low < 0 < high or low == 0 else None,
        [y_of(tick) for tick in ticks],
        centres,
        title_text,
        name_texts,
        value_texts,
        axis_texts,
    )


def _paint_text(image: Image.Image, text: Text) -> None:
    """Draw ``text`` into its box: level, or turned about its own centre then placed."""
    from PIL import Image, ImageDraw

    face = font(text.size)
    probe = _measure().multiline_textbbox((0, 0), text.text, font=face, spacing=2, align=text.align)
    width, height = math.ceil(probe[2] - probe[0]) + 2, math.ceil(probe[3] - probe[1]) + 2
    mask = Image.new("L", (width, height), 0)
    ImageDraw.Draw(mask).multiline_text(
        (1 - probe[0], 1 - probe[1]), text.text, font=face, fill=255, spacing=2, align=text.align
    )
    if text.angle:
        mask = mask.rotate(text.angle, resample=Image.Resampling.BICUBIC, expand=True)
    left = round((text.box.left + text.box.right - mask.width) / 2)
    top = round((text.box.top + text.box.bottom - mask.height) / 2)
    image.paste(INK, (left, top, left + mask.width, top + mask.height), mask)


def render(drawing: BridgeDrawing) -> bytes:
    """The drawing as the bytes of a PNG image."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (drawing.width, drawing.height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    plot = drawing.plot
    for bar in drawing.bars:
        box = bar.box
        if box.bottom - box.top >= 0.5:
            draw.rectangle(
                (round(box.left), round(box.top), round(box.right) - 1, round(box.bottom) - 1),
                fill=bar.colour,
            )
    if drawing.zero is not None:
        draw.line((plot.left, round(drawing.zero), plot.right, round(drawing.zero)), fill=ZERO_LINE, width=1)
    draw.rectangle(
        (round(plot.left), round(plot.top), round(plot.right), round(plot.bottom)), outline=RULE, width=1
    )
    for y in drawing.y_ticks:
        draw.line((round(plot.left) - TICK, round(y), round(plot.left), round(y)), fill=RULE, width=1)
    for x in drawing.x_ticks:
        draw.line((round(x), round(plot.bottom), round(x), round(plot.bottom) + TICK), fill=RULE, width=1)
    for text in drawing.texts():
        _paint_text(image, text)
    buffer = BytesIO()
    image.save(buffer, format="PNG", optimize=False, compress_level=1)
    return buffer.getvalue()


def bridge_figure(results: Results, org: str) -> BridgeDrawing:
    """The bridge of ``org`` (or the system) for the bridge year, laid out as a waterfall."""
    year = results.bridge_year
    names, values = waterfall(results, org, year)
    return bridge_drawing(f"Financial bridge, {results.org_label(org)}, {year} (£'000)", names, values)


def bridge_png(results: Results, org: str, path: Path) -> Path:
    """Draw the bridge of ``org`` (or the system) for the bridge year as a waterfall into ``path``."""
    path.write_bytes(render(bridge_figure(results, org)))
    return path


def write_bridge_pngs(results: Results, folder: Path) -> list[Path]:
    """``bridge-system.png`` and ``bridge-<org>.png`` for each organisation, for the bridge year."""
    return [
        bridge_png(results, org, folder / f"bridge-{org}.png") for org in [SYSTEM, *organisations(results)]
    ]
