"""Small pieces the dialogs share."""
from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QDateEdit, QDialog, QDialogButtonBox,
                               QFileDialog, QSplitter, QTableWidget, QTreeView)

from ui.text import tr


def dialog_buttons(dialog: QDialog, ok_text: str | None = None) -> QDialogButtonBox:
    """OK and 取消 for ``dialog``, wired to accept and reject; OK says ``ok_text`` (e.g. 保存) when given."""
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    if ok_text:
        box.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    box.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


def close_button(dialog: QDialog) -> QDialogButtonBox:
    """One button, 关闭, for a dialog that only shows something."""
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    box.button(QDialogButtonBox.StandardButton.Close).setText(tr("关闭"))
    box.rejected.connect(dialog.reject)
    return box


def fit_to_screen(widget, width: int, height: int) -> None:
    """Size a dialog ``width`` × ``height``, or smaller where the screen's free area is smaller."""
    screen = widget.screen()
    if screen is not None:
        area = screen.availableGeometry()
        width, height = min(width, area.width() - 40), min(height, area.height() - 60)
    widget.resize(max(width, widget.minimumSizeHint().width()), max(height, widget.minimumSizeHint().height()))


class FileDialogSizer(QObject):
    """Qt's own file dialogs open as large as the other dialogs (900 × 560, or the screen's free area),
    not at Qt's default, where the 类型, 大小 and 修改日期 columns and the places on the left are cut short."""

    SIZE = (900, 560)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QFileDialog) and not watched.property("fitted"):
            watched.setProperty("fitted", True)
            fit_to_screen(watched, *self.SIZE)
            unit = watched.fontMetrics().horizontalAdvance("中")
            details = watched.findChild(QTreeView, "treeView")
            if details is not None:  # the room goes to the columns: 大小, 类型 and 修改日期 read in full
                header = details.header()
                header.resizeSection(1, unit * 7)
                header.resizeSection(2, unit * 10)
                header.resizeSection(3, unit * 10)
                header.resizeSection(0, max(header.sectionSize(0), watched.width() - 60 - unit * 36))
            places = watched.findChild(QSplitter, "splitter")
            if places is not None and places.count() == 2:  # the places on the left, named in full
                places.setSizes([unit * 9, watched.width() - unit * 9])
            parent, screen = watched.parentWidget(), watched.screen()
            if parent is not None and screen is not None:  # centred over its window, as before, and on screen
                area, centre = screen.availableGeometry(), parent.window().frameGeometry().center()
                frame = watched.frameGeometry()
                x = max(area.left(), min(centre.x() - frame.width() // 2, area.right() + 1 - frame.width()))
                y = max(area.top(), min(centre.y() - frame.height() // 2, area.bottom() + 1 - frame.height()))
                watched.move(x, y)
        return False


class _SizedFileDialogs:
    """``QFileDialog``'s static functions (``file_dialogs.getOpenFileName(…)`` …) with ``FileDialogSizer``
    watching only while the dialog is open: a filter on the whole application at other times would pass
    every event of the app through Python."""

    def __getattr__(self, name: str):
        function = getattr(QFileDialog, name)  # looked up at call time, so tests may stand in for it

        def sized(*args, **kwargs):
            app = QApplication.instance()
            if app is None or getattr(app, "_file_dialog_sizer", None) is not None:
                return function(*args, **kwargs)
            sizer = FileDialogSizer(app)
            app.installEventFilter(sizer)
            try:
                return function(*args, **kwargs)
            finally:
                app.removeEventFilter(sizer)
                sizer.deleteLater()

        return sized


file_dialogs = _SizedFileDialogs()


def size_file_dialogs(app: QApplication) -> None:
    """Install ``FileDialogSizer`` on ``app`` for good (once); the app itself uses ``file_dialogs``."""
    if getattr(app, "_file_dialog_sizer", None) is None:
        app._file_dialog_sizer = FileDialogSizer(app)
        app.installEventFilter(app._file_dialog_sizer)


def list_table(headers: list[str]) -> QTableWidget:
    """A read-only table of rows chosen one at a time, as the pages list units, rounds and versions."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.horizontalHeader().setHighlightSections(False)
    table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return table


_DATE = re.compile(r"(\d{4})\s*[-年./／]?\s*(\d{1,2})\s*[-月./／]?\s*(\d{1,2})\s*日?")


def parse_date(text: str) -> date | None:
    """A date as people write it: 2023-04-10, 2023年4月10日, 2023.4.10, 2023/4/10, 20230410.

    >>> parse_date("2023年4月10日"), parse_date("20230410"), parse_date("4月10日")
    (datetime.date(2023, 4, 10), datetime.date(2023, 4, 10), None)
    """
    found = _DATE.search(text.strip())
    if not found:
        return None
    try:
        return date(*(int(part) for part in found.groups()))
    except ValueError:
        return None


class DateBox(QDateEdit):
    """A date box to type into: a click selects the year, month or day under it, so typed digits replace
    it (a half-typed year is no longer refused); a pasted date may be written in any common way."""

    def __init__(self, value: date | None = None, parent=None):
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setMinimumDate(QDate(1900, 1, 1))
        self.setDate(QDate(value) if value else QDate.currentDate())
        self.lineEdit().installEventFilter(self)

    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        QTimer.singleShot(0, self._select_section)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.lineEdit() and event.type() == QEvent.Type.MouseButtonRelease:
            QTimer.singleShot(0, self._select_section)  # after the click has placed the cursor
        return super().eventFilter(watched, event)

    def _select_section(self) -> None:
        if not self.lineEdit().hasSelectedText():
            self.setSelectedSection(self.currentSection())

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.StandardKey.Paste):
            pasted = parse_date(QGuiApplication.clipboard().text())
            if pasted is not None:
                self.setDate(QDate(pasted))
                return
        super().keyPressEvent(event)
