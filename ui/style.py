"""Colours, fonts and the style sheet, in one place so every page looks alike."""
from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from feedback.vocabulary import Disposition, ReplyState

# Chinese UI fonts by platform, best first; the first one installed is used.
UI_FONTS = ("Microsoft YaHei UI", "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC",
            "WenQuanYi Micro Hei", "Droid Sans Fallback")

ACCENT = QColor("#1f5fa8")
MUTED = QColor("#6b7280")
WARNING = QColor("#b45309")
ERROR = QColor("#c62828")

DISPOSITION_COLOURS = {
    Disposition.PENDING: QColor("#b45309"),
    Disposition.ADOPTED: QColor("#2e7d32"),
    Disposition.PARTLY_ADOPTED: QColor("#558b2f"),
    Disposition.REJECTED: QColor("#c62828"),
    Disposition.IN_WORK: QColor("#1f5fa8"),
}
DISPOSITION_BACKGROUNDS = {
    Disposition.PENDING: QColor("#fff4e0"),
    Disposition.ADOPTED: QColor("#e8f5e9"),
    Disposition.PARTLY_ADOPTED: QColor("#f1f8e9"),
    Disposition.REJECTED: QColor("#fdecea"),
    Disposition.IN_WORK: QColor("#e3eefa"),
}
REPLY_COLOURS = {
    ReplyState.WITH_COMMENTS: QColor("#1f5fa8"),
    ReplyState.NO_COMMENTS: QColor("#2e7d32"),
    ReplyState.NONE: QColor("#6b7280"),
    ReplyState.OVERDUE: QColor("#b45309"),
}
REPLY_SHORT = {
    ReplyState.WITH_COMMENTS: "有意见",
    ReplyState.NO_COMMENTS: "无意见",
    ReplyState.NONE: "未反馈",
    ReplyState.OVERDUE: "逾期",
}
CHART_COLOURS = [QColor(c) for c in ("#1f5fa8", "#2e7d32", "#b45309", "#c62828", "#6a1b9a", "#00838f",
                                      "#6b7280", "#ad1457")]

STYLE_SHEET = """
QToolBar#pages { spacing: 2px; padding: 2px 6px; border: none; border-bottom: 1px solid #d6dbe1; }
QToolBar#pages QToolButton { padding: 5px 14px; border-radius: 4px; }
QToolBar#pages QToolButton:checked { background: #dbe7f5; color: #123e73; font-weight: bold; }
QLabel[role="heading"] { font-size: 11pt; font-weight: bold; color: #1f2937; }
QLabel[role="muted"] { color: #6b7280; }
QLabel[role="cue"] { color: #c62828; }
QPlainTextEdit[missing="true"], QLineEdit[missing="true"], QComboBox[missing="true"] { border: 2px solid #c62828; border-radius: 3px; }
QPushButton[disposition] { padding: 4px 10px; }
QPushButton[disposition]:checked { background: #1f5fa8; color: white; border: 1px solid #174a85; border-radius: 3px; }
QTableView, QTreeView { gridline-color: #e5e7eb; selection-background-color: #cfe0f5; selection-color: #111827; }
QHeaderView::section { padding: 4px 6px; background: #f3f4f6; border: none; border-right: 1px solid #e5e7eb;
                       border-bottom: 1px solid #d1d5db; }
QFrame#card { background: white; border: 1px solid #d6dbe1; border-radius: 6px; }
""" + "".join(f'QPushButton[disposition="{d.value}"]:!checked {{ color: {c.name()}; }}\n'
              for d, c in DISPOSITION_COLOURS.items())


def choose_font(app: QApplication, point_size: float = 10) -> QFont:
    """The application font: a Chinese UI face when one is installed."""
    font = app.font()
    installed = set(QFontDatabase.families())
    for family in UI_FONTS:
        if family in installed:
            font.setFamily(family)
            break
    font.setPointSizeF(point_size)
    app.setFont(font)
    return font


def set_role(widget, role: str) -> None:
    """Style a label by its role (heading, muted, cue)."""
    widget.setProperty("role", role)
