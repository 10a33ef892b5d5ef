"""The statistics page: the charts and the count sentence a drafter puts in a briefing.

Every number here comes from ``project.statistics()``, the one statistics function.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QApplication, QComboBox, QFrame, QGridLayout, QHBoxLayout, QLabel,
                               QPushButton, QScrollArea, QSizePolicy, QTextBrowser, QVBoxLayout, QWidget)

from feedback.clause_order import busiest_clauses, clause_positions
from feedback.statistics import Statistics
from feedback.vocabulary import Disposition, ReplyState
from ui.charts import Bar, BarChart
from ui.style import DISPOSITION_COLOURS, REPLY_COLOURS, REPLY_SHORT, set_role
from ui.text import tr
from ui.widgets import file_dialogs

TOP_CLAUSES = 20


class _Card(QFrame):
    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.setObjectName("card")
        self.title = QLabel(title)
        set_role(self.title, "heading")
        self.head = QHBoxLayout()
        self.head.addWidget(self.title, 1)
        self.body = QVBoxLayout()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 12)
        layout.addLayout(self.head)
        layout.addLayout(self.body)


class _Figure(QFrame):
    """One number with its name."""

    def __init__(self, name: str, parent=None):
        super().__init__(parent)
        self.setObjectName("card")
        self.value = QLabel("0")
        self.value.setStyleSheet("font-size: 20pt; font-weight: bold; color: #1f5fa8;")
        self.name = QLabel(name)
        set_role(self.name, "muted")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        layout.setSpacing(0)
        layout.addWidget(self.value)
        layout.addWidget(self.name)


class _FittedText(QTextBrowser):
    """Read-only text exactly as tall as its content at its current width."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def fit(self) -> None:
        document = self.document()
        document.setTextWidth(self.viewport().width())
        self.setFixedHeight(int(document.size().height()) + 6)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit()


class StatisticsPage(QWidget):
    """Dispositions, comments per category, the busiest clauses and replies, as bar charts."""

    status = Signal(str)

    def __init__(self, window, parent=None):
        super().__init__(parent)
        self.window = window
        self.project = None
        self.statistics: Statistics | None = None
        self.export_folder: Path | None = None

        self.round = QComboBox()
        self.round.currentIndexChanged.connect(self.refresh)
        heading = QLabel(tr("统计分析"))
        heading.setStyleSheet("font-size: 14pt; font-weight: bold;")
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addSpacing(16)
        top.addWidget(QLabel(tr("范围")))
        top.addWidget(self.round)
        top.addStretch(1)

        self.figures = {key: _Figure(tr(name)) for key, name in (
            ("consulted", "征求意见单位"), ("with", "反馈有意见"), ("without", "反馈无意见"),
            ("overdue", "逾期视为无意见"), ("none", "尚未反馈"), ("total", "意见总数"), ("pending", "待处理"))}
        figures = QHBoxLayout()
        figures.setSpacing(10)
        for figure in self.figures.values():
            figures.addWidget(figure)

        sentence_card = _Card(tr("起草说明中的统计表述"))
        self.sentence = _FittedText()
        self.sentence.setStyleSheet("font-size: 11pt;")
        self.copy_button = QPushButton(tr("复制"))
        self.copy_button.clicked.connect(self.copy_sentence)
        sentence_card.head.addWidget(self.copy_button)
        sentence_card.body.addWidget(self.sentence)

        self.charts = {
            "dispositions": BarChart(tr("意见处理情况")),
            "categories": BarChart(tr("各类单位提出意见数")),
            "clauses": BarChart(tr("意见最多的{0}个条款").format(TOP_CLAUSES)),
            "replies": BarChart(tr("各类单位反馈情况")),
        }
        self.chart_cards = {}
        grid = QGridLayout()
        grid.setSpacing(12)
        for index, (key, chart) in enumerate(self.charts.items()):
            card = _Card(chart.title)
            button = QPushButton(tr("导出图片…"))
            button.clicked.connect(lambda checked=False, k=key: self.export_chart(k))
            card.head.addWidget(button)
            card.body.addWidget(chart)
            card.body.addStretch(1)
            self.chart_cards[key] = card
        grid.addWidget(self.chart_cards["dispositions"], 0, 0)
        grid.addWidget(self.chart_cards["categories"], 0, 1)
        grid.addWidget(self.chart_cards["replies"], 1, 0)
        grid.addWidget(self.chart_cards["clauses"], 1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

        content = QWidget()
        content.setObjectName("statisticsContent")
        content.setStyleSheet("#statisticsContent { background: #f5f6f8; }")
        layout = QVBoxLayout(content)
        layout.setContentsMargins(18, 14, 18, 18)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addLayout(figures)
        layout.addWidget(sentence_card)
        layout.addLayout(grid)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def set_project(self, project) -> None:
        self.project = project
        self.round.blockSignals(True)
        self.round.clear()
        self.round.addItem(tr("全部轮次"), None)
        for rnd in (project.rounds() if project else []):
            self.round.addItem(rnd.label, rnd.number)
        self.round.blockSignals(False)
        self.refresh()

    def refresh(self, *args) -> None:
        if self.project is None:
            return
        stats = self.project.statistics(self.round.currentData(), today=date.today())
        self.statistics = stats
        consulted = sum(stats.units_consulted.values())
        pending = stats.by_disposition.get(Disposition.PENDING.label, 0)
        for key, value in (("consulted", consulted), ("with", stats.replied_with_comments),
                           ("without", stats.replied_no_comments), ("overdue", stats.overdue),
                           ("none", stats.not_replied), ("total", stats.comments_total), ("pending", pending)):
            self.figures[key].value.setText(str(value))
        self.figures["pending"].value.setStyleSheet(
            f"font-size: 20pt; font-weight: bold; color: {'#b45309' if pending else '#2e7d32'};")
        self.sentence.setPlainText(stats.sentence)
        self.sentence.fit()

        order = [Disposition.ADOPTED, Disposition.PARTLY_ADOPTED, Disposition.REJECTED, Disposition.IN_WORK,
                 Disposition.PENDING]
        self.charts["dispositions"].set_data(
            [Bar(d.label, (stats.by_disposition.get(d.label, 0),), DISPOSITION_COLOURS[d]) for d in order],
            empty_text=tr("还没有意见"))
        categories = [c for c in self.project.categories() if stats.by_category.get(c)]
        categories += [c for c in stats.by_category if c not in categories]
        self.charts["categories"].set_data([Bar(c, (stats.by_category[c],)) for c in categories],
                                           empty_text=tr("还没有意见"))
        draft = self.project.clauses()
        clauses = {c.ref: c for c in draft}
        busiest = busiest_clauses(stats.by_clause, clause_positions(draft), TOP_CLAUSES)
        self.charts["clauses"].set_data(
            [Bar(self._clause_label(ref, clauses), (count,)) for ref, count in busiest],
            empty_text=tr("还没有意见"))
        states = [ReplyState.WITH_COMMENTS, ReplyState.NO_COMMENTS, ReplyState.OVERDUE, ReplyState.NONE]
        self.charts["replies"].set_data(
            [Bar(category, tuple(counts.get(s.label, 0) for s in states))
             for category, counts in stats.reply_by_category.items()],
            series=[tr(REPLY_SHORT[s]) for s in states], colours=[REPLY_COLOURS[s] for s in states],
            empty_text=tr("还没有发送征求意见"))

    @staticmethod
    def _clause_label(ref: str, clauses: dict) -> str:
        clause = clauses.get(ref)
        if clause is None or not clause.heading:
            return ref
        return f"{ref} {clause.heading}"

    def copy_sentence(self) -> None:
        if self.statistics is not None:
            QApplication.clipboard().setText(self.statistics.sentence)
            self.status.emit(tr("统计表述已复制，可粘贴到起草说明中。"))

    def export_chart(self, key: str, path: str | None = None) -> Path | None:
        """Save a chart as PNG; without ``path`` the user chooses where."""
        chart = self.charts[key]
        if path is None:
            folder = self.export_folder or (self.project.path.parent if self.project else Path.home())
            chosen, _ = file_dialogs.getSaveFileName(self, tr("导出图片"), str(folder / f"{chart.title}.png"),
                                                    tr("PNG 图片 (*.png)"))
            if not chosen:
                return None
            path = chosen if chosen.lower().endswith(".png") else chosen + ".png"
        target = Path(path)
        if not chart.save_png(target):
            self.window.interaction.inform(tr("无法保存图片“{0}”，请换一个位置。").format(target.name))
            return None
        self.export_folder = target.parent
        self.status.emit(tr("已导出图片：{0}").format(target))
        return target
