"""Translatable text: every string a user sees goes through ``tr``."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication

CONTEXT = "YiJianTong"


def tr(text: str) -> str:
    """The text in the user's language (Simplified Chinese is the source language)."""
    return QCoreApplication.translate(CONTEXT, text)
