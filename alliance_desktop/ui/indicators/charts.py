"""Indicator charts drawn with pyqtgraph: on screen with values on hover, and as PNG bytes."""

from __future__ import annotations

import contextlib
import io
import math
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Final

import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QResizeEvent
from PySide6.QtWidgets import QApplication, QSizePolicy, QWidget

from alliance_desktop.core.i18n import language, set_language, t
from alliance_desktop.core.objectives import YearValue, status_label
from alliance_desktop.exports.model import Series
from alliance_desktop.services import indicators as si
from alliance_desktop.storage.database import Database
from alliance_desktop.ui.indicators.models import STATUS_COLOURS

# The Word report's size: 16:9, wide enough for a page at 300 dpi over 13 cm.
PNG_WIDTH: Final = 1600
PNG_HEIGHT: Final = 900
# Drawn at half size and doubled: type and lines stay legible once the picture is
# shrunk to the page's width.
PNG_SCALE: Final = 2.0
# Distinguishable, and still apart when printed in grey.
PALETTE: Final = (
    QColor(48, 96, 150),
    QColor(181, 84, 28),
    QColor(46, 107, 63),
    QColor(150, 120, 20),
    QColor(120, 60, 130),
    QColor(90, 90, 90),
    QColor(30, 140, 140),
    QColor(200, 60, 80),
)
_INK: Final = QColor(40, 40, 40)
_NO_OBJECTIVE: Final = QColor(170, 170, 170)
_GRID: Final = QColor(225, 228, 225)
_DASHES: Final = (Qt.PenStyle.DashLine, Qt.PenStyle.DotLine, Qt.PenStyle.DashDotLine)
# How close (in pixels) the pointer must come to a point for its value to show.
HOVER_RADIUS: Final = 24.0


def _colour(n: int) -> QColor:
    return PALETTE[n % len(PALETTE)]


def _tint(colour: QColor, strength: float = 0.6) -> QColor:
    """The colour mixed with white: an opaque area as light as a translucent one."""
    keep = strength
    return QColor(
        round(colour.red() * keep + 255 * (1 - keep)),
        round(colour.green() * keep + 255 * (1 - keep)),
        round(colour.blue() * keep + 255 * (1 - keep)),
    )


class FrenchAxis(pg.AxisItem):  # type: ignore[misc]
    """An axis labelled the French way: « 1 234,5 », « −20 % », whole years only."""

    def __init__(self, orientation: str, *, years: bool = False, percent: bool = False) -> None:
        """An axis on ``orientation`` (``left``, ``bottom``) of years, percents or numbers."""
        super().__init__(orientation)
        self._years = years
        self._percent = percent
        # « k » and « M » prefixes are not how the Alliance writes tonnes or hectares.
        self.enableAutoSIPrefix(False)

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[Any]:
        """Ticks as pyqtgraph places them; for years, whole years only."""
        levels: list[Any] = super().tickValues(minVal, maxVal, size)
        if not self._years:
            return levels
        whole = [
            (max(spacing, 1.0), [v for v in values if abs(v - round(v)) < 1e-6])
            for spacing, values in levels
            if spacing >= 1
        ]
        return whole or [(1.0, [float(y) for y in range(math.ceil(minVal), int(maxVal) + 1)])]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        """« 2030 » for years; « 1 500 », « 0,25 » or « −40 % » for values."""
        if self._years:
            return [str(round(v)) for v in values]
        step = abs(spacing * scale)
        # As many decimals as the step needs: 0.25 apart shows « 0,25 », not « 0,2 ».
        decimals = 0
        while decimals < 6 and abs(step * 10**decimals - round(step * 10**decimals)) > 1e-6:
            decimals += 1
        texts = [si.format_number(v * scale, decimals) for v in values]
        return [f"{s}\u00a0%" for s in texts] if self._percent else texts


@dataclass(frozen=True)
class HoverPoint:
    """A point whose value shows when the pointer comes near it."""

    x: float
    y: float
    text: str


def _pen(colour: QColor, width: float, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> Any:
    return pg.mkPen(color=colour, width=width, style=style)


def _font(points: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSizeF(points)
    font.setBold(bold)
    return font


class ChartWidget(pg.GraphicsLayoutWidget):  # type: ignore[misc]
    """One indicator's chart, with its title, the illustrative badge and a legend below.

    The plot is static (no pan or zoom, no English context menu); pointing at a value
    shows it in French with its unit.
    """

    def __init__(self, parent: QWidget | None = None, *, line_scale: float = 1.0) -> None:
        """An empty chart; :meth:`show_chart` draws one.

        Args:
            parent: the parent widget.
            line_scale: widens lines and symbols, for a picture drawn at a larger scale
                (pyqtgraph's lines keep their width in pixels whatever the scale).
        """
        super().__init__(parent, show=False)
        self._k = line_scale
        self.setBackground("w")
        self.setObjectName("indicatorChart")
        self.setAccessibleName(t("Graphique de l'indicateur", "Indicator chart"))
        self.setMinimumSize(320, 220)
        self.chart: si.Chart | None = None
        self.hover_points: list[HoverPoint] = []
        self._plot: Any = None
        self._hover_label: Any = None
        self._hover_dot: Any = None
        self.title_text = ""
        self.badge_shown = False
        self._title_item: Any = None
        self._badge_item: Any = None
        self.scene().sigMouseMoved.connect(self._mouse_moved)

    # --- building -------------------------------------------------------------------

    def _reset(self, title: str, illustrative: bool) -> Any:
        self.clear()
        self.hover_points = []
        self.title_text = title
        self.badge_shown = illustrative
        layout = self.ci
        layout.setContentsMargins(8, 6, 12, 6)
        layout.setSpacing(2)
        self._title_item = pg.LabelItem("", size="11pt", bold=True, color=_INK, justify="left")
        self._title_item.setToolTip(title)
        layout.addItem(self._title_item, row=0, col=0)
        self._badge_item = None
        if illustrative:
            # The badge sits in the chart itself, so it travels with every PNG export.
            badge = pg.LabelItem(
                "<span style='background-color:#b06000; color:white;'>&nbsp;"
                + _escape(t("valeurs illustratives", "illustrative values"))
                + "&nbsp;</span>",
                size="9pt",
                bold=True,
                justify="right",
            )
            badge.setToolTip(
                t(
                    "Données de démonstration, pas des chiffres officiels.",
                    "Demonstration data, not official figures.",
                )
            )
            layout.addItem(badge, row=0, col=1)
            self._badge_item = badge
        self._fit_title()
        plot = pg.PlotItem()
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.getViewBox().setMouseEnabled(x=False, y=False)
        plot.getViewBox().setMenuEnabled(False)
        plot.showGrid(x=False, y=True, alpha=0.25)
        layout.addItem(plot, row=1, col=0, colspan=2)
        # Any spare height goes to the plot, none to the title or the legends.
        layout.layout.setRowStretchFactor(1, 1)
        self._plot = plot
        self._hover_label = None
        self._hover_dot = None
        return plot

    def _fit_title(self) -> None:
        """Shorten the title with « … » to the width left by the badge."""
        # Also called by the first resize event, from pyqtgraph's own constructor.
        if getattr(self, "_title_item", None) is None:
            return
        room = self.width() - 40
        if self._badge_item is not None:
            room -= 150
        metrics = QFontMetrics(_font(11, bold=True))
        text = metrics.elidedText(self.title_text, Qt.TextElideMode.ElideRight, max(room, 80))
        self._title_item.setText(_escape(text))

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Keep the title within the width."""
        super().resizeEvent(event)
        self._fit_title()

    @staticmethod
    def _axes(plot: Any, left: FrenchAxis, bottom: Any, samples: list[str]) -> None:
        plot.setAxisItems({"bottom": bottom, "left": left})
        for axis in (left, bottom):
            # pyqtgraph's default grey is too pale for a projected or printed chart.
            axis.setPen(QColor(120, 120, 120))
            axis.setTextPen(_INK)
        # pyqtgraph widens an axis for its labels only once it has painted them, so a
        # chart drawn once (a PNG export) would have them overlap the axis title.
        widest = max(QFontMetrics(QFont()).horizontalAdvance(s) for s in samples)
        left.setWidth(widest + 34)

    def _legend(self, row: int = 2, columns: int = 3) -> Any:
        legend = pg.LegendItem(
            colCount=columns, labelTextColor=_INK, labelTextSize="8pt", frame=False
        )
        # Laid out below the plot rather than floating over it: it must scale with the
        # chart when exported, and never hide a value.
        legend.setFlag(legend.GraphicsItemFlag.ItemIgnoresTransformations, False)
        legend.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        legend.layout.setContentsMargins(0, 0, 0, 0)
        self.ci.addItem(legend, row=row, col=0, colspan=2)
        return legend

    def show_message(self, message: str, title: str = "", illustrative: bool = False) -> None:
        """An empty chart with a sentence in the middle (no indicator, no data)."""
        self.chart = None
        plot = self._reset(title, illustrative)
        plot.hideAxis("left")
        plot.hideAxis("bottom")
        text = pg.TextItem(message, color=_INK, anchor=(0.5, 0.5))
        text.setFont(_font(10))
        plot.addItem(text)
        text.setPos(0.5, 0.5)
        plot.setRange(xRange=(0, 1), yRange=(0, 1), padding=0)

    def show_chart(self, chart: si.Chart) -> None:
        """Draw an indicator's trajectory chart or its keys against their targets."""
        if isinstance(chart, si.TargetsChart):
            self._draw_targets(chart)
        else:
            self._draw_trajectory(chart)
        self.chart = chart

    def _draw_trajectory(self, chart: si.TrajectoryChart) -> None:
        values = [v for line in chart.lines for v in line.points]
        if chart.total is not None:
            values += chart.total.points
        if not values:
            self.show_message(
                t(
                    "Aucune mesure enregistrée : saisissez ou importez des valeurs.",
                    "No measurement recorded: type in or import values.",
                ),
                chart.title,
                chart.illustrative,
            )
            self.chart = chart
            return
        plot = self._reset(chart.title, chart.illustrative)
        levels = [v.value for v in values] + [p.target for p in chart.paths if p.target is not None]
        levels += [y for p in chart.paths for _, y in p.points]
        y_low, y_high = min(levels), max(levels)
        if y_low >= 0:
            # Quantities start at zero: a cut axis would turn a 5 % fall into a plunge.
            y_low = 0.0
        if y_high == y_low:
            y_high = y_low + (abs(y_low) or 1.0)
        y_high += (y_high - y_low) * 0.08
        self._axes(
            plot,
            FrenchAxis("left"),
            FrenchAxis("bottom", years=True),
            [si.format_number(y_low), si.format_number(y_high), si.format_number(y_high / 3)],
        )
        if chart.unit:
            plot.setLabel("left", chart.unit, color=_INK)
        legend = self._legend(columns=4)
        objectives = self._legend(row=3, columns=1) if chart.paths else None
        unit = chart.unit
        if chart.stacked and chart.total is not None and chart.total.points:
            self._stack(plot, legend, chart, unit)
        else:
            for n, line in enumerate(chart.lines):
                self._line(plot, legend, line, _colour(n), unit, many=len(chart.lines) > 1)
        for n, path in enumerate(chart.paths):
            self._path(plot, objectives, path, n, unit)
        years = [v.year for v in values]
        horizons = [p.horizon for p in chart.paths if p.horizon is not None]
        x_low = min(years + [int(p.points[0][0]) for p in chart.paths if p.points])
        x_high = max(years + horizons)
        plot.setXRange(x_low - 0.5, x_high + 0.5, padding=0)
        plot.setYRange(y_low, y_high, padding=0)

    def _stack(self, plot: Any, legend: Any, chart: si.TrajectoryChart, unit: str | None) -> None:
        assert chart.total is not None
        years = [v.year for v in chart.total.points]
        below = [0.0] * len(years)
        bands = []
        for n, line in enumerate(chart.lines):
            own = {v.year: v.value for v in line.points}
            top = [b + own.get(y, 0.0) for b, y in zip(below, years, strict=True)]
            bands.append((n, line, own, below, top))
            below = top
        # Each band is its cumulative curve filled down to zero, drawn from the top band
        # down so that each covers the part of the ones above it that is not theirs:
        # one curve a sector, where filling between two curves costs three items.
        for n, _line, _own, _below, top in reversed(bands):
            colour = _colour(n)
            fill = _tint(colour)
            plot.addItem(
                pg.PlotCurveItem(
                    years,
                    top,
                    pen=_pen(colour.darker(115), 1.0 * self._k),
                    fillLevel=0,
                    brush=pg.mkBrush(fill),
                )
            )
        for n, line, own, base, top in bands:
            colour = _colour(n)
            sample = pg.PlotDataItem(
                [],
                [],
                pen=_pen(colour.darker(115), 1.0 * self._k),
                fillLevel=0,
                fillBrush=_tint(colour),
            )
            legend.addItem(sample, _escape(line.label))
            for y, b, tp in zip(years, base, top, strict=True):
                if y in own:
                    self.hover_points.append(
                        HoverPoint(
                            y,
                            (b + tp) / 2,
                            f"{line.label} · {y}\u00a0: {si.format_quantity(own[y], unit)}",
                        )
                    )
        total = plot.plot(
            years,
            [v.value for v in chart.total.points],
            pen=_pen(_INK, 2.5 * self._k),
            symbol="o",
            symbolSize=7 * self._k,
            symbolBrush=_INK,
            symbolPen=_INK,
        )
        legend.addItem(total, _escape(chart.total.label))
        for v in chart.total.points:
            self.hover_points.append(
                HoverPoint(
                    v.year,
                    v.value,
                    f"{chart.total.label} · {v.year}\u00a0: {si.format_quantity(v.value, unit)}",
                )
            )

    def _line(
        self,
        plot: Any,
        legend: Any,
        line: si.ChartLine,
        colour: QColor,
        unit: str | None,
        *,
        many: bool,
    ) -> None:
        if not line.points:
            return
        item = plot.plot(
            [v.year for v in line.points],
            [v.value for v in line.points],
            pen=_pen(colour, 2.5 * self._k),
            symbol="o",
            symbolSize=7 * self._k,
            symbolBrush=colour,
            symbolPen=colour,
        )
        legend.addItem(item, _escape(line.label if many else t("Mesures", "Measurements")))
        for v in line.points:
            prefix = f"{line.label} · " if many else ""
            self.hover_points.append(
                HoverPoint(
                    v.year, v.value, f"{prefix}{v.year}\u00a0: {si.format_quantity(v.value, unit)}"
                )
            )

    def _path(
        self, plot: Any, legend: Any, path: si.ObjectivePath, n: int, unit: str | None
    ) -> None:
        colour = STATUS_COLOURS[path.status]
        style = _DASHES[n % len(_DASHES)]
        state = status_label(path.status)
        if path.points:
            xs = [x for x, _ in path.points]
            ys = [y for _, y in path.points]
            item = plot.plot(xs, ys, pen=_pen(colour, 2.0 * self._k, style))
            kind = t("Tendance", "Trend") if path.trend else t("Trajectoire", "Trajectory")
            # The label may end in brackets (its source): the status follows a dash.
            legend.addItem(item, _escape(f"{kind} — {path.label} — {state}"))
        elif not path.trend:
            # No line can be drawn (no value in the baseline year): the level still shows.
            proxy = pg.PlotDataItem([], [], pen=_pen(colour, 2.0 * self._k, style))
            legend.addItem(proxy, _escape(f"{t('Cible', 'Target')} — {path.label} — {state}"))
        if path.target is not None:
            level = pg.InfiniteLine(
                pos=path.target, angle=0, pen=_pen(colour, 1.0 * self._k, Qt.PenStyle.DotLine)
            )
            plot.addItem(level, ignoreBounds=True)
        if path.horizon is not None:
            mark = pg.InfiniteLine(
                pos=path.horizon,
                angle=90,
                pen=_pen(QColor(120, 120, 120), 1.0 * self._k, Qt.PenStyle.DashLine),
                label=str(path.horizon),
                labelOpts={"position": 0.96 - 0.06 * n, "color": _INK, "anchors": [(1, 0), (1, 0)]},
            )
            plot.addItem(mark, ignoreBounds=True)
        if path.target is not None and path.horizon is not None:
            star = pg.ScatterPlotItem(
                [path.horizon],
                [path.target],
                symbol="star",
                size=14 * self._k,
                brush=pg.mkBrush(colour),
                pen=pg.mkPen(colour.darker(130)),
            )
            plot.addItem(star)
            self.hover_points.append(
                HoverPoint(
                    path.horizon,
                    path.target,
                    f"{t('Cible', 'Target')} {path.horizon}\u00a0: "
                    f"{si.format_quantity(path.target, unit)} — {path.label}",
                )
            )
        for x, y in path.points[:1] if not path.trend else ():
            self.hover_points.append(
                HoverPoint(
                    x,
                    y,
                    f"{t('Référence', 'Baseline')} {round(x)}\u00a0: {si.format_quantity(y, unit)}",
                )
            )

    def _draw_targets(self, chart: si.TargetsChart) -> None:
        since = chart.baseline_year
        plot = self._reset(chart.title, chart.illustrative)
        keys = [b.key for b in chart.bars]
        changes = [b.change for b in chart.bars if b.change is not None]
        changes += [m.change for m in chart.marks]
        low = min([0.0, *changes])
        high = max([0.0, *changes])
        # Room above zero for the row of values, below for the lowest target.
        y_high = high + max(14.0, (high - low) * 0.14)
        y_low = low - max(4.0, (high - low) * 0.06)
        bottom = pg.AxisItem("bottom")
        bottom.setTicks([[(float(i), k) for i, k in enumerate(keys)]])
        samples = [si.format_number(v) + "\u00a0%" for v in (y_low, y_high)]
        self._axes(plot, FrenchAxis("left", percent=True), bottom, samples)
        plot.setLabel(
            "left",
            t(f"Évolution depuis {since}", f"Change since {since}") if since else "%",
            color=_INK,
        )
        legend = self._legend(columns=5)
        plot.addItem(
            pg.InfiniteLine(pos=0, angle=0, pen=_pen(_INK, 1.0 * self._k)), ignoreBounds=True
        )
        shown: set[str] = set()
        for i, bar in enumerate(chart.bars):
            words = (
                status_label(bar.status)
                if bar.has_objective
                else t("sans objectif", "no objective")
            )
            if bar.change is None:
                text = pg.TextItem(t("pas de donnée", "no data"), color=_INK, anchor=(0.5, 1))
                text.setFont(_font(8))
                plot.addItem(text)
                text.setPos(i, 0)
                continue
            colour = STATUS_COLOURS[bar.status] if bar.has_objective else _NO_OBJECTIVE
            plot.addItem(
                pg.BarGraphItem(
                    x=[i],
                    height=[bar.change],
                    width=0.55,
                    brush=colour,
                    pen=_pen(colour.darker(120), 1 * self._k),
                )
            )
            if words not in shown:
                shown.add(words)
                legend.addItem(
                    pg.BarGraphItem(x=[0], height=[0], width=1, brush=colour, pen=None),
                    _escape(words),
                )
            # Values in a row above the zero line: at the bars' ends they would collide
            # with the target marks.
            value = pg.TextItem(
                si.format_percent(bar.change, 1), color=colour.darker(130), anchor=(0.5, 0)
            )
            value.setFont(_font(8, bold=True))
            plot.addItem(value)
            value.setPos(i, y_high)
            self.hover_points.append(
                HoverPoint(
                    i,
                    bar.change,
                    f"{bar.key}\u00a0: {si.format_percent(bar.change, 1)} "
                    + t(f"entre {since} et {bar.latest_year}", f"from {since} to {bar.latest_year}")
                    + f" ({words})",
                )
            )
        for f, family in enumerate(chart.mark_labels):
            colour = _INK if f == 0 else QColor(48, 96, 150)
            style = Qt.PenStyle.SolidLine if f == 0 else Qt.PenStyle.DashLine
            xs: list[float] = []
            ys: list[float] = []
            for m in chart.marks:
                if m.label != family:
                    continue
                i = keys.index(m.key)
                xs += [i - 0.38, i + 0.38]
                ys += [m.change, m.change]
                self.hover_points.append(
                    HoverPoint(
                        i + (0.25 if f else -0.25),
                        m.change,
                        f"{m.key} — {family}\u00a0: {si.format_percent(m.change)} "
                        f"({status_label(m.status)})",
                    )
                )
            item = plot.plot(xs, ys, pen=_pen(colour, 3.0 * self._k, style), connect="pairs")
            legend.addItem(item, _escape(f"{t('Objectif', 'Objective')} {family}"))
        plot.setXRange(-0.6, len(keys) - 0.4, padding=0)
        plot.setYRange(y_low, y_high, padding=0)

    # --- hover ------------------------------------------------------------------------

    def nearest(self, scene_pos: QPointF) -> HoverPoint | None:
        """The point closest to a scene position, if within :data:`HOVER_RADIUS` pixels."""
        if self._plot is None or not self.hover_points:
            return None
        vb = self._plot.getViewBox()
        if not vb.sceneBoundingRect().contains(scene_pos):
            return None
        best: HoverPoint | None = None
        best_d = HOVER_RADIUS
        for p in self.hover_points:
            at = vb.mapViewToScene(QPointF(p.x, p.y))
            d = math.hypot(at.x() - scene_pos.x(), at.y() - scene_pos.y())
            if d <= best_d:
                best, best_d = p, d
        return best

    def scene_pos_of(self, x: float, y: float) -> QPointF:
        """Where a data point is in the scene (for tests and keyboard help)."""
        assert self._plot is not None
        point: QPointF = self._plot.getViewBox().mapViewToScene(QPointF(x, y))
        return point

    def hover_at(self, scene_pos: QPointF) -> str | None:
        """Show the value nearest to ``scene_pos`` (or hide it); returns the text shown."""
        if self._plot is None:
            return None
        point = self.nearest(scene_pos)
        if self._hover_label is None:
            self._hover_label = pg.TextItem(
                "", color=_INK, fill=pg.mkBrush(255, 255, 255, 235), border=pg.mkPen(_INK)
            )
            self._hover_label.setZValue(100)
            self._hover_label.setFont(_font(9))
            self._plot.addItem(self._hover_label, ignoreBounds=True)
            self._hover_dot = pg.ScatterPlotItem(
                size=12, pen=pg.mkPen(_INK, width=2), brush=pg.mkBrush(255, 255, 255, 0)
            )
            self._hover_dot.setZValue(99)
            self._plot.addItem(self._hover_dot, ignoreBounds=True)
        if point is None:
            self._hover_label.hide()
            self._hover_dot.setData([], [])
            return None
        self._hover_label.setText(point.text)
        vb = self._plot.getViewBox()
        (x_low, x_high), _ = vb.viewRange()
        # Keep the label inside the plot: to the left of points in the right half.
        right_half = point.x > (x_low + x_high) / 2
        self._hover_label.setAnchor((1.05, 1.1) if right_half else (-0.05, 1.1))
        self._hover_label.setPos(point.x, point.y)
        self._hover_label.show()
        self._hover_dot.setData([point.x], [point.y])
        return point.text

    def _mouse_moved(self, scene_pos: QPointF) -> None:
        self.hover_at(scene_pos)

    # --- export -----------------------------------------------------------------------

    def to_png(self, width: int = PNG_WIDTH, height: int = PNG_HEIGHT) -> bytes:
        """The chart as PNG bytes, ``width`` × ``height`` pixels.

        The chart is laid out at ``width / line_scale`` and the scene drawn scaled up,
        so that type keeps its size relative to the picture whatever its resolution.
        """
        if self._hover_label is not None:
            self._hover_label.hide()
            self._hover_dot.setData([], [])
        shown = self.isVisible()
        if not shown:
            # Laid out as if on screen, without a window: a hidden view never lays out
            # its scene, and everything would be drawn on top of each other.
            self.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
            self.show()
        self.resize(round(width / self._k), round(height / self._k))
        self.ci.layout.activate()
        image = QImage(width, height, QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        # The scene, not the widget: QWidget.render on a scaled painter scales a
        # graphics view twice.
        self.scene().render(painter, QRectF(0, 0, width, height), QRectF(self.rect()))
        painter.end()
        if not shown:
            self.hide()
        return png_bytes(image)


def png_bytes(image: QImage) -> bytes:
    """Encode an image as PNG, favouring speed: charts are flat colours.

    Through Pillow: its zlib level 3 takes half the time of Qt's fastest PNG setting for
    the same size (about 20 ms against 40 for 1600 × 900).
    """
    from PIL import Image

    rgb = image.convertToFormat(QImage.Format.Format_RGB32)
    picture = Image.frombuffer(
        "RGB",
        (rgb.width(), rgb.height()),
        bytes(rgb.constBits()),
        "raw",
        "BGRX" if sys.byteorder == "little" else "XRGB",
        rgb.bytesPerLine(),
        1,
    )
    out = io.BytesIO()
    picture.save(out, "PNG", compress_level=3)
    return out.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- offscreen rendering, for the report and the PNG export ------------------------------


def _need_application() -> None:
    if QApplication.instance() is None:
        raise RuntimeError("chart rendering needs a QApplication (the window's)")


def chart_png(
    chart: si.Chart, *, width: int = PNG_WIDTH, height: int = PNG_HEIGHT, scale: float = PNG_SCALE
) -> bytes:
    """Render a chart offscreen to PNG bytes; the widget is never shown.

    Raises:
        RuntimeError: there is no QApplication.
    """
    _need_application()
    widget = ChartWidget(line_scale=scale)
    try:
        widget.show_chart(chart)
        return widget.to_png(width, height)
    finally:
        # Now rather than by deleteLater: the report's command line has no event loop,
        # and a widget left for Qt to delete after the application would crash at exit.
        widget.close()
        shiboken6.delete(widget)


def indicator_png(
    state: si.IndicatorState,
    key: str | None = None,
    *,
    width: int = PNG_WIDTH,
    height: int = PNG_HEIGHT,
) -> bytes:
    """An indicator's dashboard chart (or one key's) as PNG bytes."""
    return chart_png(si.chart_for(state, key), width=width, height=height)


@contextlib.contextmanager
def _in_language(lang: str) -> Iterator[None]:
    before = language()
    set_language(lang)
    try:
        yield
    finally:
        set_language(before)


def series_chart(series: Series) -> si.TrajectoryChart:
    """A report's series as a chart: one line per breakdown key, no objective."""
    lines = tuple(
        si.ChartLine(key, tuple(YearValue(y, v) for y, v in sorted(points)))
        for key, points in series.lines
    )
    return si.TrajectoryChart(
        series.indicator, series.unit, lines, False, None, (), series.illustrative
    )


def series_png(series: Series, lang: str = "fr") -> bytes:
    """Draw a report's series as PNG bytes: an ``exports.charts.ChartRenderer``.

    Raises:
        RuntimeError: there is no QApplication.
    """
    with _in_language(lang):
        return chart_png(series_chart(series))


def report_chart_renderer(db: Database) -> Callable[[Series, str], bytes]:
    """A ``ChartRenderer`` for the yearly report that draws the dashboard's charts.

    Each series is matched with its indicator in ``db`` (by theme and name) and drawn
    with its objectives' trajectories, their status computed from the values the report
    covers; a series with no matching indicator is drawn as plain lines. The catalogue
    is read on the first call. Pass it as ``chart=`` to ``exports.api.export_document``
    or ``exports.report.write_report``; it must run on the GUI thread.
    """
    states: dict[tuple[Any, str], si.IndicatorState] | None = None

    def render(series: Series, lang: str) -> bytes:
        nonlocal states
        if states is None:
            states = {(s.info.theme, s.info.name): s for s in si.catalogue_states(db)}
        with _in_language(lang):
            state = states.get((series.theme, series.indicator))
            if state is None:
                return chart_png(series_chart(series))
            last = max((y for _, pts in series.lines for y, _ in pts), default=None)
            if last is not None:
                state = si.state_until(state, last)
            return chart_png(si.chart_for(state))

    return render


def default_file_name(chart: si.Chart | None, fallback: str = "graphique") -> str:
    """A file name for a chart's PNG: its title without characters file systems refuse."""
    title = chart.title if chart is not None else fallback
    safe = "".join("-" if c in '<>:"/\\|?*' or ord(c) < 32 else c for c in title).strip(" .")
    return (safe[:80] or fallback) + ".png"
