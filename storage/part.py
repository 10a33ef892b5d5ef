"""What the typed parts of a project share: ``project.units``, ``.rounds``, ``.comments``, ``.versions``.

Each part reads and writes one kind of record through its project's database handle and runs
every change in the project's one transaction per user action. Calling a part lists its records
(``project.units()``); its methods are the typed API (``project.units.add(…)``).
"""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, ContextManager

if TYPE_CHECKING:
    import sqlite_utils

    from storage.project import Project


class Part:
    """One kind of record of a project file."""

    def __init__(self, project: "Project"):
        self.project = project

    @property
    def db(self) -> "sqlite_utils.Database":
        return self.project.db

    def transaction(self) -> ContextManager[None]:
        return self.project.transaction()


def iso_text(value: date | str | None) -> str | None:
    """A date as stored (ISO text); ``None`` for none."""
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else value.isoformat()


def from_iso(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def now_text() -> str:
    return datetime.now().isoformat(timespec="seconds")
