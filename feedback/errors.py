"""The errors a user is told about, and the one way a long action stops when asked to.

Every refusal the user must read — a file that cannot be read, an action the
ledger refuses, a project that cannot be opened — is a ``UserError``: one
Chinese sentence, with the file and the place in it when there is one. The
window and the command line catch this one class; anything else is a fault,
logged in full and reported as such.

>>> error = UserError("第3行没有意见内容。", file="反馈表.xlsx", place="第3行")
>>> str(error), error.file, error.place
('第3行没有意见内容。', '反馈表.xlsx', '第3行')
"""
from __future__ import annotations


class UserError(Exception):
    """One Chinese sentence for the user; ``file`` and ``place`` say where, when known."""

    def __init__(self, message: str = "", *, file: str | None = None, place: str | None = None):
        super().__init__(message)
        self.file = file
        self.place = place


class Cancelled(Exception):
    """The user stopped a long action (its progress callback said so); nothing was written."""
