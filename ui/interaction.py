"""The ``Interaction`` of the window: the commands' questions and refusals as dialogs."""
from __future__ import annotations

import sys
from typing import Sequence

from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from ui.text import tr


class DialogInteraction:
    """Asks through message boxes parented to ``parent``; implements ``feedback.commands.Interaction``."""

    def __init__(self, parent: QWidget | None = None):
        self.parent = parent

    def _box(self, icon: QMessageBox.Icon, text: str) -> QMessageBox:
        box = QMessageBox(icon, tr("意见通"), text, QMessageBox.StandardButton.NoButton, self.parent)
        from PySide6.QtCore import Qt  # not at import: the window frame is shown before Qt's enums are needed

        box.setTextFormat(Qt.TextFormat.PlainText)
        return box

    def confirm(self, question: str) -> bool:
        box = self._box(QMessageBox.Icon.Question, question)
        yes = box.addButton(tr("确定"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(tr("取消"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(yes)
        box.exec()
        return box.clickedButton() is yes

    def choose(self, question: str, options: Sequence[str]) -> str | None:
        if not options:
            return None
        if len(options) <= 3:
            box = self._box(QMessageBox.Icon.Question, question)
            buttons = {box.addButton(option, QMessageBox.ButtonRole.AcceptRole): option for option in options}
            cancel = box.addButton(tr("取消"), QMessageBox.ButtonRole.RejectRole) \
                if tr("取消") not in options else None
            box.setDefaultButton(next(iter(buttons)))
            box.exec()
            clicked = box.clickedButton()
            if clicked is cancel:
                return None
            choice = buttons.get(clicked)
            return None if choice == tr("取消") else choice
        choice, accepted = QInputDialog.getItem(self.parent, tr("意见通"), question, list(options), 0, False)
        return choice if accepted else None

    def inform(self, message: str) -> None:
        self._box(QMessageBox.Icon.Information, message).exec()

    def warn(self, message: str) -> None:
        self._box(QMessageBox.Icon.Warning, message).exec()

    def ask_text(self, question: str, default: str = "") -> str | None:
        text, accepted = QInputDialog.getText(self.parent, tr("意见通"), question, text=default)
        return text if accepted else None


class UnattendedInteraction:
    """For a window nobody can see (no display, a screenshot): every message goes to stderr, a question
    is answered no and a choice takes the first option offered (the safe one, e.g. 以只读方式打开 for a
    project open in another window), so a message box never waits for a click that cannot come."""

    def confirm(self, question: str) -> bool:
        print(f"{question}（无人应答，未执行）", file=sys.stderr)
        return False

    def choose(self, question: str, options: Sequence[str]) -> str | None:
        answer = options[0] if options else None
        print(f"{question}\n→ {answer or '（无人应答，未执行）'}", file=sys.stderr)
        return answer

    def inform(self, message: str) -> None:
        print(message, file=sys.stderr)

    warn = inform

    def ask_text(self, question: str, default: str = "") -> str | None:
        return None
