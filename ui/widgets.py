"""Small pieces the dialogs share."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QDialog, QDialogButtonBox, QTableWidget

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
