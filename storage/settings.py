"""The project's settings: small named values kept in the file (``project.settings``).

What the drafter chose about the documents, the forms' identifier and key, the version of the
program that last wrote the file. Values are text; ``get_json``/``set_json`` keep structured ones.

>>> import tempfile, os
>>> from feedback.outline import parse_lines
>>> from storage.project import Project
>>> project = Project.create(os.path.join(tempfile.mkdtemp(), 'p.yjt'), parse_lines(['某计划', '一、任务']))
>>> project.settings.get('attachment_grouping') is None
True
>>> project.settings.set_json('attachment_grouping', 'clause')
>>> project.settings.get_json('attachment_grouping'), project.settings()['attachment_grouping']
('clause', '"clause"')
>>> project.close()
"""
from __future__ import annotations

import json
from typing import Any

from storage.part import Part


class Settings(Part):
    """The ``settings`` table: one text value a key."""

    def __call__(self) -> dict[str, str]:
        return {key: value for key, value in self.db.execute("SELECT key, value FROM settings")}

    def get(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def get_json(self, key: str, default: Any = None) -> Any:
        """The value read as JSON; ``default`` when it is missing or not JSON."""
        text = self.get(key)
        try:
            return json.loads(text) if text is not None else default
        except ValueError:
            return default

    def set(self, key: str, value: str) -> None:
        """Keep ``value`` under ``key`` (in the action's transaction, or in one of its own)."""
        self.set_many({key: value})

    def set_json(self, key: str, value: Any) -> None:
        self.set(key, json.dumps(value, ensure_ascii=False))

    def set_many(self, values: dict[str, str]) -> None:
        with self.transaction():
            self.db["settings"].insert_all([{"key": k, "value": v} for k, v in values.items()], pk="key",
                                           replace=True)
