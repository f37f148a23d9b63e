"""Indicator charts as PNG for Word, drawn with Pillow (documents never need Qt)."""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Final

from PIL import Image, ImageDraw, ImageFont

from alliance_desktop.core.i18n import t
from alliance_desktop.exports.model import Series
from alliance_desktop.exports.text import clean, number

ChartRenderer = Callable[[Series, str], bytes]
"""Draws one indicator's series as PNG bytes; the second argument is the language."""

WIDTH: Final = 1600
HEIGHT: Final = 900
_WHITE: Final = (255, 255, 255)
_INK: Final = (40, 40, 40)
_GRID: Final = (222, 226, 222)
# Sober, distinguishable, and still apart when printed in grey.
PALETTE: Final = (
    (46, 107, 63),
    (181, 84, 28),
    (48, 96, 150),
    (150, 120, 20),
    (120, 60, 130),
    (90, 90, 90),
    (30, 140, 140),
    (200, 60, 80),
)
_FONT_FILES: Final = (
    "DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/Library/Fonts/Arial.ttf",
    "/System/Library/Fonts/Supplemental/Arial.ttf",
    "C:/Windows/Fonts/arial.ttf",
)

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

# The charts are drawn in palette mode: a PNG of one byte a pixel encodes about six times
# faster than an RGB one and weighs a quarter, which is what a report of 200 charts
# spends most of its time on. Indices 0 to _RAMP run evenly from white to the ink, so
# that Pillow's anti-aliasing of text, which blends palette indices as if they were
# grey levels, lands on the right shade (text is only ever drawn over white). The grid
# and the line colours follow the ramp.
_RAMP: Final = 127
_Z_RLE: Final = 3
_GRID_INDEX: Final = _RAMP + 1
_FIRST_COLOUR: Final = _RAMP + 2


def _shade(rgb: tuple[int, int, int]) -> int:
    """The index on the white-to-ink ramp closest to the grey ``rgb``."""
    grey = sum(rgb) / 3
    return max(0, min(_RAMP, round((255 - grey) / (255 - _INK[0]) * _RAMP)))


def _palette() -> list[int]:
    ramp = [
        round(white + (ink - white) * i / _RAMP)
        for i in range(_RAMP + 1)
        for white, ink in zip(_WHITE, _INK, strict=True)
    ]
    return ramp + list(_GRID) + [c for colour in PALETTE for c in colour]


_PALETTE_BYTES: Final = _palette()
_INK_INDEX: Final = _RAMP
_SUBTITLE_INDEX: Final = _shade((90, 90, 90))


def _canvas() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    img = Image.new("P", (WIDTH, HEIGHT), 0)
    img.putpalette(_PALETTE_BYTES)
    draw = ImageDraw.Draw(img)
    # Pillow draws text on palette images without anti-aliasing unless told; see above
    # for why blending is right on this palette.
    draw.fontmode = "L"
    return img, draw


@lru_cache(maxsize=8)
def _font(size: int) -> Font:
    for candidate in _FONT_FILES:
        if (candidate.startswith("/") or ":" in candidate) and not Path(candidate).is_file():
            continue
        try:
            return ImageFont.truetype(candidate, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering ``low``–``high`` (1, 2, 2.5 or 5 times a power of ten)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0, 1.0]
    if high <= low:
        high = low + (abs(low) or 1.0)
    raw = (high - low) / max(1, count)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high:
        ticks.append(round(value, 10))
    return ticks


def _text_width(draw: ImageDraw.ImageDraw, text: str, font: Font) -> float:
    return draw.textlength(text, font=font)


def _fit(draw: ImageDraw.ImageDraw, text: str, font: Font, width: float) -> str:
    if _text_width(draw, text, font) <= width:
        return text
    while text and _text_width(draw, text + "…", font) > width:
        text = text[:-1]
    return text + "…"


def line_chart(series: Series, lang: str = "fr") -> bytes:
    """A line chart of one indicator, one line per breakdown key, as PNG bytes."""
    img, draw = _canvas()
    title_font, font, small = _font(40), _font(28), _font(24)

    title = clean(series.indicator).replace("\n", " ")
    draw.text(
        (60, 30), _fit(draw, title, title_font, WIDTH - 120), font=title_font, fill=_INK_INDEX
    )
    subtitle = clean(series.unit or "").replace("\n", " ")
    if series.illustrative:
        mark = t("valeurs illustratives", "illustrative values")
        subtitle = f"{subtitle} – {mark}" if subtitle else mark
    if subtitle:
        draw.text(
            (60, 85), _fit(draw, subtitle, font, WIDTH - 120), font=font, fill=_SUBTITLE_INDEX
        )

    values = [v for _, pts in series.lines for _, v in pts if math.isfinite(v)]
    years = sorted({y for _, pts in series.lines for y, _ in pts})
    if not values or not years:
        draw.text((60, HEIGHT // 2), t("Aucune valeur", "No value"), font=font, fill=_INK_INDEX)
        return _png(img)

    legend_rows = len(series.lines) if len(series.lines) > 1 else 0
    left, right, top = 190, WIDTH - 60, 150
    legend_width = 0
    if legend_rows:
        legend_width = 300
        right -= legend_width
    bottom = HEIGHT - 90

    low = min(0.0, min(values))
    high = max(values)
    ticks = nice_ticks(low, high)
    y_min, y_max = ticks[0], ticks[-1]
    x_min, x_max = years[0], years[-1]

    def x_of(year: float) -> float:
        if x_max == x_min:
            return (left + right) / 2
        return left + (year - x_min) * (right - left) / (x_max - x_min)

    def y_of(value: float) -> float:
        return bottom - (value - y_min) * (bottom - top) / (y_max - y_min)

    for tick in ticks:
        y = y_of(tick)
        draw.line([(left, y), (right, y)], fill=_GRID_INDEX, width=2)
        label = number(tick, lang)
        draw.text((left - 15, y), label, font=small, fill=_INK_INDEX, anchor="rm")
    draw.line([(left, bottom), (right, bottom)], fill=_INK_INDEX, width=2)
    draw.line([(left, top), (left, bottom)], fill=_INK_INDEX, width=2)

    step = max(1, math.ceil(len(years) / 12))
    for year in years[::step]:
        x = x_of(year)
        draw.line([(x, bottom), (x, bottom + 8)], fill=_INK_INDEX, width=2)
        draw.text((x, bottom + 14), str(year), font=small, fill=_INK_INDEX, anchor="mt")

    for n, (key, pts) in enumerate(series.lines):
        colour = _FIRST_COLOUR + n % len(PALETTE)
        xy = [(x_of(y), y_of(v)) for y, v in sorted(pts) if math.isfinite(v)]
        if len(xy) > 1:
            draw.line(xy, fill=colour, width=5, joint="curve")
        for x, y in xy:
            draw.ellipse([(x - 7, y - 7), (x + 7, y + 7)], fill=colour)
        if legend_rows:
            ly = top + n * 42
            lx = right + 30
            draw.rectangle([(lx, ly + 6), (lx + 28, ly + 30)], fill=colour)
            name = clean(key).replace("\n", " ")
            draw.text(
                (lx + 40, ly),
                _fit(draw, name, font, legend_width - 50),
                font=font,
                fill=_INK_INDEX,
            )
    return _png(img)


def _png(img: Image.Image) -> bytes:
    out = io.BytesIO()
    # Flat colours compress well even at the fastest level, and run-length matching (zlib's
    # Z_RLE) is both quicker and smaller on them than the default; a report may hold 200
    # charts. Level 6 halves the size again for three times the time.
    img.save(out, "PNG", compress_level=1, compress_type=_Z_RLE)
    return out.getvalue()
