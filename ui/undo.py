"""One undo stack for the window, over the domain's commands (``feedback.commands``).

A command is checked and done before it goes on the stack, so a refusal never
leaves an entry behind; the stack's first ``redo`` is therefore skipped.
"""
from __future__ import annotations

import logging
import sqlite3

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from feedback.commands import Command, Interaction, execute
from feedback.errors import UserError
from feedback.ledger import Change
from ui.text import tr

log = logging.getLogger("yijiantong")


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
    """Runs commands through the one executor (``feedback.commands.execute``), keeps them on the one
    ``QUndoStack`` and announces each ``Change``."""

    changed = Signal(object)  # feedback.ledger.Change

    def __init__(self, interaction: Interaction, parent: QObject | None = None):
        super().__init__(parent)
        self.interaction = interaction
        self.stack = QUndoStack(self)

    def run(self, command: Command) -> Change | None:
        """Check and do ``command``; on success push it and announce its change."""
        change = execute(command, self.interaction)
        if change is not None:
            self.push_done(command, change)
        return change

    def push_done(self, command: Command, change: Change | None = None) -> None:
        """Put a command already done (a background job's import) on the stack; announce ``change`` if given."""
        self.stack.push(_Adapter(command, self))
        if change is not None:
            self._announce(change)

    def _announce(self, change: Change) -> None:
        for kind in change.kinds[1:]:
            self.changed.emit(Change(kind))
        self.changed.emit(change)

    def _replay(self, action, verb: str) -> None:
        try:
            change = action()
        except (UserError, sqlite3.Error) as error:
            # the file no longer matches the stack (e.g. changed elsewhere): start afresh
            log.warning("%s failed: %r", verb, error)
            reason = str(error) if isinstance(error, UserError) else tr("项目文件已在别处改动")
            self.interaction.inform(tr("无法{verb}：{error}\n撤销记录已清空。").format(verb=verb, error=reason))
            QTimer.singleShot(0, self.stack.clear)
            return
        self._announce(change)

    def clear(self) -> None:
        self.stack.clear()
