"""Copies of a project file: on open (the last ten kept), before a migration, and restoring one."""
from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

KEEP = 10


def backup_dir(project_path: Path) -> Path:
    project_path = Path(project_path)
    return project_path.with_name(project_path.stem + ".备份")


def copy_database(source: Path, target: Path) -> Path:
    """A consistent copy through SQLite's backup API (safe while the file is open)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target


def make_backup(project_path: Path, *, keep: int = KEEP, label: str = "") -> Path:
    """Copy the project into its backup folder and drop all but the newest ``keep``."""
    project_path = Path(project_path)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    name = f"{project_path.stem}-{stamp}{('-' + label) if label else ''}{project_path.suffix}"
    target = copy_database(project_path, backup_dir(project_path) / name)
    for old in list_backups(project_path)[keep:]:
        old.unlink(missing_ok=True)
    return target


def list_backups(project_path: Path) -> list[Path]:
    """Backups of the project, newest first."""
    folder = backup_dir(project_path)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{Path(project_path).stem}-*{Path(project_path).suffix}"), reverse=True)


def restore_backup(project_path: Path, backup_path: Path) -> Path:
    """Put a backup in place of the project; the current state is backed up first."""
    project_path = Path(project_path)
    if project_path.exists():
        make_backup(project_path, label="恢复前")
    src = sqlite3.connect(f"file:{backup_path}?mode=ro", uri=True)
    dst = sqlite3.connect(project_path)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return project_path
