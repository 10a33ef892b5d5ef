"""The error every command may raise for the user: one line, exit status 2."""
from __future__ import annotations

from feedback.errors import UserError


class CommandError(UserError):
    """A one-line message for the user; the command exits with status 2."""
