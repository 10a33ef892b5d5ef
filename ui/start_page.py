"""The start page: recent projects, a new project from a draft, open, the demo."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton,
                               QSizePolicy, QVBoxLayout, QWidget)

from ui.style import set_role
from ui.text import tr

_PATH_ROLE = Qt.ItemDataRole.UserRole + 1


class StartPage(QWidget):
    """What the app shows when no project is open."""

    new_requested = Signal()
    open_requested = Signal()
    demo_requested = Signal()
    recent_chosen = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._choosing = False
        self.setObjectName("startPage")
        self.setStyleSheet("#startPage { background: #f5f6f8; }")
        title = QLabel(tr("意见通"))
        title.setStyleSheet("font-size: 26pt; font-weight: bold; color: #1f5fa8;")
        subtitle = QLabel(tr("征求意见稿的意见收集、逐条处理与起草说明生成"))
        subtitle.setStyleSheet("font-size: 12pt; color: #4b5563;")

        actions = QVBoxLayout()
        actions.setSpacing(10)
        self.buttons = []
        for text, detail, signal in (
                (tr("从草案新建项目…"), tr("选择 Word（.docx）、文本（.txt）或 PDF 格式的征求意见稿"), self.new_requested),
                (tr("打开项目…"), tr("打开已有的意见通项目文件（.yjt）"), self.open_requested),
                (tr("打开演示项目"), tr("汉中市提高教育质量三年行动计划（示例数据）"), self.demo_requested)):
            button = QPushButton(f"{text}\n{detail}")
            button.setStyleSheet("QPushButton { text-align: left; padding: 10px 14px; font-size: 10.5pt; }")
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.clicked.connect(signal)
            actions.addWidget(button)
            self.buttons.append(button)
        self.demo_button = self.buttons[-1]
        actions.addStretch(1)

        recent_title = QLabel(tr("最近打开"))
        set_role(recent_title, "heading")
        self.recent = QListWidget()
        self.recent.setIconSize(QSize(0, 0))
        self.recent.setStyleSheet(
            "QListWidget { background: white; border: 1px solid #d6dbe1; border-radius: 6px; }"
            "QListWidget::item { padding: 8px 10px; border-bottom: 1px solid #eef0f3; color: #1f2937; }"
            "QListWidget::item:hover { background: #eef4fb; }"
            "QListWidget::item:selected { background: #dbe7f5; color: #123e73; }")
        self.recent.setWordWrap(True)
        # wrapped to the list's width, as it changes: a long path never needs a scroll bar sideways
        self.recent.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.recent.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.recent.setCursor(Qt.CursorShape.PointingHandCursor)
        # one click opens, as Enter does (a double click is a click first)
        self.recent.itemClicked.connect(self._chosen)
        self.recent.itemActivated.connect(self._chosen)
        self.empty = QLabel(tr("还没有打开过项目。"))
        set_role(self.empty, "muted")
        right = QVBoxLayout()
        right.addWidget(recent_title)
        right.addWidget(self.recent, 1)
        right.addWidget(self.empty)

        columns = QHBoxLayout()
        columns.setSpacing(28)
        columns.addLayout(actions, 2)
        columns.addLayout(right, 3)

        card = QFrame()
        card.setMaximumWidth(1000)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(40, 36, 40, 36)
        inner.setSpacing(6)
        inner.addWidget(title)
        inner.addWidget(subtitle)
        inner.addSpacing(24)
        inner.addLayout(columns, 1)

        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(card, 6)
        outer.addStretch(1)

    def set_recent(self, paths: list[str], summaries: dict[str, tuple[str, str]] | None = None) -> None:
        """The recent projects, each with its title and what it holds (``summaries``: path → (title, counts))."""
        summaries = summaries or {}
        chosen = self.recent.currentItem().data(_PATH_ROLE) if self.recent.currentItem() else None
        self.recent.clear()
        for path in paths:
            file = Path(path)
            exists = file.is_file()
            title, counts = summaries.get(path, ("", ""))
            lines = [title or file.stem, counts, str(file) + ("" if exists else tr("　（文件不存在）"))]
            item = QListWidgetItem("\n".join(line for line in lines if line))
            item.setData(_PATH_ROLE, path)
            item.setToolTip(path)
            if not exists:
                item.setForeground(QBrush(QColor("#9ca3af")))
            self.recent.addItem(item)
            if path == chosen:
                self.recent.setCurrentItem(item)
        self.empty.setVisible(not paths)
        self.recent.setVisible(bool(paths))

    def set_demo_summary(self, summary: str) -> None:
        """The demo button's second line: what the demo project holds now."""
        self.demo_button.setText(tr("打开演示项目") + "\n" + tr("汉中市提高教育质量三年行动计划：{0}").format(summary))

    def _chosen(self, item: QListWidgetItem) -> None:
        if self._choosing:  # a double click is a click and an activation: one open
            return
        self._choosing = True
        try:
            self.recent_chosen.emit(item.data(_PATH_ROLE))
        finally:
            self._choosing = False
