"""Small pieces the dialogs share."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox

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
