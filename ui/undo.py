"""One undo stack for the window, over the domain's commands (``feedback.commands``).

A command is checked and done before it goes on the stack, so a refusal never
leaves an entry behind; the stack's first ``redo`` is therefore skipped.
"""
from __future__ import annotations

import logging
import sqlite3

import ui.qt_fixes  # noqa: F401 - guards PySide6 6.12's reference leak before any Qt call
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from feedback.commands import Command, Interaction
from feedback.ledger import Change, LedgerError
from storage.project import ProjectError
from ui.text import tr

log = logging.getLogger("yijiantong")
_REFUSALS = (LedgerError, ProjectError, sqlite3.Error)


class _Adapter(QUndoCommand):
    """A domain command as a QUndoCommand."""

    def __init__(self, command: Command, bridge: "UndoBridge"):
        super().__init__(command.text)
        self.command = command
        self.bridge = bridge
        self._done_already = True

    def redo(self) -> None:
        if self._done_already:
            self._done_already = False
            return
        self.bridge._replay(self.command.do, tr("重做"))

    def undo(self) -> None:
        self.bridge._replay(self.command.undo, tr("撤销"))


class UndoBridge(QObject):
    """Runs commands, keeps them on the one ``QUndoStack`` and announces each ``Change``."""

    changed = Signal(object)  # feedback.ledger.Change

    def __init__(self, interaction: Interaction, parent: QObject | None = None):
        super().__init__(parent)
        self.interaction = interaction
        self.stack = QUndoStack(self)

    def run(self, command: Command) -> Change | None:
        """Check and do ``command``; on success push it and announce its change."""
        try:
            if not command.check(self.interaction):
                return None
            change = command.do()
        except _REFUSALS as error:
            log.info("refused %s: %s", type(command).__name__, error)
            self.interaction.inform(str(error))
            return None
        self.stack.push(_Adapter(command, self))
        self.changed.emit(change)
        return change

    def _replay(self, action, verb: str) -> None:
        try:
            change = action()
        except _REFUSALS as error:
            # the file no longer matches the stack (e.g. changed elsewhere): start afresh
            log.warning("%s failed: %s", verb, error)
            self.interaction.inform(tr("无法{verb}：{error}\n撤销记录已清空。").format(verb=verb, error=error))
            QTimer.singleShot(0, self.stack.clear)
            return
        self.changed.emit(change)

    def clear(self) -> None:
        self.stack.clear()
