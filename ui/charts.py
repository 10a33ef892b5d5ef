"""Horizontal bar charts drawn with QPainter, with Chinese labels, exportable as PNG."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.style import CHART_COLOURS


@dataclass
class Bar:
    label: str
    values: tuple[float, ...]  # one per series; a plain bar chart has one series
    colour: QColor | None = None  # overrides the series colour of a one-series bar


class BarChart(QWidget):
    """Labelled horizontal bars; with several series they are stacked, with a legend."""

    ROW = 26
    BAR = 16

    def __init__(self, title: str = "", parent=None):
        super().__init__(parent)
        self.title = title
        self.bars: list[Bar] = []
        self.series: list[str] = []
        self.series_colours: list[QColor] = []
        self.empty_text = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_data(self, bars: Sequence[Bar], series: Sequence[str] = (), colours: Sequence[QColor] = (),
                 empty_text: str = "") -> None:
        self.bars = list(bars)
        self.series = list(series)
        self.series_colours = list(colours) or CHART_COLOURS[:max(1, len(self.series))]
        self.empty_text = empty_text
        self.setFixedHeight(self.sizeHint().height())
        self.update()

    # -- geometry ---------------------------------------------------------------------

    def _legend_height(self) -> int:
        return self.ROW if len(self.series) > 1 else 0

    def sizeHint(self) -> QSize:
        rows = max(len(self.bars), 1)
        return QSize(480, 12 + self._legend_height() + rows * self.ROW + 8)

    def minimumSizeHint(self) -> QSize:
        return QSize(320, self.sizeHint().height())

    # -- painting -------------------------------------------------------------------------

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.paint(painter, QRectF(self.rect()), with_title=False)
        painter.end()

    def paint(self, painter: QPainter, area: QRectF, *, with_title: bool) -> None:
        font = QFont(self.font())
        painter.setFont(font)
        metrics = QFontMetrics(font)
        top = area.top() + 6
        if with_title and self.title:
            title_font = QFont(font)
            title_font.setBold(True)
            title_font.setPointSizeF(font.pointSizeF() * 1.25)
            painter.setFont(title_font)
            painter.setPen(QColor("#111827"))
            height = QFontMetrics(title_font).height() + 12
            painter.drawText(QRectF(area.left() + 12, top, area.width() - 24, height),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.title)
            top += height
            painter.setFont(font)
        if len(self.series) > 1:
            x = area.left() + 12
            for name, colour in zip(self.series, self.series_colours):
                painter.fillRect(QRectF(x, top + (self.ROW - 12) / 2, 12, 12), colour)
                painter.setPen(QColor("#374151"))
                width = metrics.horizontalAdvance(name)
                painter.drawText(QRectF(x + 16, top, width + 4, self.ROW), Qt.AlignmentFlag.AlignVCenter, name)
                x += 16 + width + 18
            top += self.ROW
        if not self.bars or all(sum(bar.values) == 0 for bar in self.bars):
            painter.setPen(QColor("#6b7280"))
            painter.drawText(QRectF(area.left(), top, area.width(), self.ROW), Qt.AlignmentFlag.AlignCenter,
                             self.empty_text)
            if not self.bars:
                return
        label_width = min(max(metrics.horizontalAdvance(bar.label) for bar in self.bars) + 16,
                          area.width() * 0.42)
        maximum = max(sum(bar.values) for bar in self.bars) or 1
        value_width = metrics.horizontalAdvance(str(int(maximum))) + 14
        left = area.left() + label_width
        span = max(area.right() - 12 - value_width - left, 10)
        grid = QPen(QColor("#e5e7eb"))
        painter.setPen(grid)
        painter.drawLine(int(left), int(top), int(left), int(top + len(self.bars) * self.ROW))
        for row, bar in enumerate(self.bars):
            y = top + row * self.ROW
            painter.setPen(QColor("#1f2937"))
            label = metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight, int(label_width - 16))
            painter.drawText(QRectF(area.left() + 4, y, label_width - 12, self.ROW),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
            x = left + 1
            for index, value in enumerate(bar.values):
                if value <= 0:
                    continue
                width = span * value / maximum
                colour = bar.colour if bar.colour is not None and len(bar.values) == 1 else \
                    self.series_colours[index % len(self.series_colours)]
                painter.fillRect(QRectF(x, y + (self.ROW - self.BAR) / 2, width, self.BAR), colour)
                if len(bar.values) > 1 and width > metrics.horizontalAdvance(str(int(value))) + 6:
                    painter.setPen(QColor("white"))
                    painter.drawText(QRectF(x, y, width, self.ROW), Qt.AlignmentFlag.AlignCenter, str(int(value)))
                x += width
            painter.setPen(QColor("#374151"))
            painter.drawText(QRectF(x + 6, y, value_width, self.ROW),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, str(int(sum(bar.values))))

    # -- export ----------------------------------------------------------------------------------

    def render_image(self, width: int = 900, scale: float = 2.0) -> QImage:
        """The chart with its title on white, for a briefing (``scale`` for sharp print)."""
        title_height = QFontMetrics(self.font()).height() * 1.25 + 18
        height = int(self.sizeHint().height() + title_height + 10)
        image = QImage(int(width * scale), int(height * scale), QImage.Format.Format_ARGB32)
        image.setDevicePixelRatio(scale)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        self.paint(painter, QRectF(12, 4, width - 24, height - 4), with_title=True)
        painter.end()
        return image

    def save_png(self, path: str | Path) -> bool:
        return self.render_image().save(str(path), "PNG")
