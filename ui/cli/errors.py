"""The error every command may raise for the user: one line, exit status 2."""
from __future__ import annotations


class CommandError(Exception):
    """A one-line message for the user; the command exits with status 2."""
