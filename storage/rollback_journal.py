"""A rollback journal left beside a project file by a crash, and whether it belongs to that file.

The project keeps no side file between actions (``journal_mode = DELETE``): a ``-journal``
exists only while an action is written, and a crash in that moment leaves it ``hot``, for
SQLite to roll back on the next opening. If the project file was meanwhile replaced by
another copy (a backup, a mailed file), rolling the journal back onto it would damage that
copy; so before opening, the journal's saved first page is compared with the file's: the
file's change counter must be the journal's or the one after it.
"""
from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

_MAGIC = bytes.fromhex("d9d505f920a163d7")


def journal_path(project_path: Path) -> Path:
    return Path(str(project_path) + "-journal")


def _saved_first_page_counter(journal: Path) -> int | None:
    """The change counter of page 1 as the journal saved it, or None when it holds no page 1."""
    with open(journal, "rb") as handle:
        data = handle.read(4 << 20)  # page 1 is among the first records of a project's journal
    if len(data) < 28 or not data.startswith(_MAGIC):
        return None
    sector, page = int.from_bytes(data[20:24], "big"), int.from_bytes(data[24:28], "big")
    if page == 1:
        page = 65536
    if not sector or not page:
        return None
    offset = sector
    while offset + 4 + page + 4 <= len(data):
        number = int.from_bytes(data[offset:offset + 4], "big")
        if number == 1:
            return int.from_bytes(data[offset + 4 + 24:offset + 4 + 28], "big")
        if number == 0 or number > 1 << 31:
            return None
        offset += 4 + page + 4
    return None


def change_counter(project_path: Path) -> int | None:
    """The file change counter in the header of ``project_path`` (bytes 24–27)."""
    try:
        with open(project_path, "rb") as handle:
            head = handle.read(28)
    except OSError:
        return None
    return int.from_bytes(head[24:28], "big") if len(head) >= 28 else None


def set_aside_foreign_journal(project_path: Path, noted: str = "") -> Path | None:
    """Move a leftover journal that belongs to another copy of the file out of SQLite's way.

    ``noted`` is what the crashed session left in the lock file (``counter=N``). Returns
    where the journal was moved, or None when there is none or it belongs to this file.
    """
    project_path = Path(project_path)
    journal = journal_path(project_path)
    try:
        if not journal.is_file() or journal.stat().st_size == 0:
            return None
        saved = _saved_first_page_counter(journal)
    except OSError:
        return None
    if saved is None and noted.startswith("counter="):
        try:
            saved = int(noted.split("=", 1)[1].split()[0])
        except ValueError:
            saved = None
    current = change_counter(project_path)
    if saved is None or current in (saved, (saved + 1) & 0xFFFFFFFF):
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = project_path.with_name(f"{project_path.name}-journal.不属于此文件-{stamp}")
    try:
        os.replace(journal, target)
    except OSError:
        return None
    return target
