"""Copies of a project file: on open (the last ten kept), before a migration, and restoring one.

A backup is written whole under a temporary name, checked (SQLite's integrity check and the
project's own tables), and only then given its listed name; a crash or a full disk while it
is written leaves no damaged or empty backup in the list. Restoring copies the chosen backup
aside and checks it before anything else happens, so restoring the oldest works too.
"""
from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from storage.faults import os_reason, sqlite_reason

KEEP = 10
_WRITING = ".写入中-"  # the prefix of a backup being written, never listed


class BackupError(Exception):
    """A backup that cannot be written, checked or restored; one Chinese sentence naming it."""


@dataclass(frozen=True)
class BackupInfo:
    """One listed backup: when it was taken, its size and what it holds."""

    path: Path
    taken: datetime | None
    label: str
    size: int
    comments: int
    units: int
    rounds: int
    versions: int

    @property
    def when(self) -> str:
        return self.taken.strftime("%Y-%m-%d %H:%M:%S") if self.taken else self.path.name

    def describe(self) -> str:
        """``2024-05-01 10:22:33（恢复前） 1.2 MB：意见 32 条、单位 20 个、2 轮、2 稿``."""
        size = f"{self.size / 1e6:.1f} MB" if self.size >= 100_000 else f"{max(1, round(self.size / 1e3))} KB"
        return (f"{self.when}{f'（{self.label}）' if self.label else ''}  {size}："
                f"意见 {self.comments} 条、单位 {self.units} 个、{self.rounds} 轮、{self.versions} 稿")


def backup_dir(project_path: Path) -> Path:
    project_path = Path(project_path)
    return project_path.with_name(project_path.stem + ".备份")


def _connect_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("comments", "units", "rounds", "versions")}


def check_copy(path: Path) -> dict[str, int]:
    """The counts of a copied project file, after SQLite's integrity check; raises ``BackupError``."""
    from storage.schema import OUR_TABLES

    try:
        conn = _connect_read_only(path)
        try:
            result = [r[0] for r in conn.execute("PRAGMA quick_check(1)")]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if result != ["ok"] or not OUR_TABLES <= tables:
                raise BackupError(f"备份“{Path(path).name}”已损坏或不完整。")
            return _counts(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"备份“{Path(path).name}”无法读取：{sqlite_reason(error)}。") from error


def _sync(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def copy_database(source: Path, target: Path) -> Path:
    """A consistent, checked copy through SQLite's backup API (safe while the file is open),
    written under a temporary name and moved into place whole."""
    source, target = Path(source), Path(target)
    temporary = target.with_name(_WRITING + target.name)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary.unlink(missing_ok=True)
        src = _connect_read_only(source)
        dst = sqlite3.connect(temporary)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
            src.close()
        check_copy(temporary)
        _sync(temporary)
        os.replace(temporary, target)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"无法写出备份“{target.name}”：{sqlite_reason(error)}。") from error
    except OSError as error:
        raise BackupError(f"无法写出备份“{target.name}”：{os_reason(error)}。") from error
    finally:
        for leftover in (temporary, Path(str(temporary) + "-journal")):
            try:
                leftover.unlink(missing_ok=True)
            except OSError:
                pass
    return target


def make_backup(project_path: Path, *, keep: int = KEEP, label: str = "") -> Path:
    """Copy the project into its backup folder and drop all but the newest ``keep``."""
    project_path = Path(project_path)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    name = f"{project_path.stem}-{stamp}{('-' + label) if label else ''}{project_path.suffix}"
    folder = backup_dir(project_path)
    target = copy_database(project_path, folder / name)
    for old in list_backups(project_path)[keep:]:
        old.unlink(missing_ok=True)
    for leftover in folder.glob(_WRITING + "*"):  # from a backup a crash interrupted
        leftover.unlink(missing_ok=True)
    return target


def list_backups(project_path: Path) -> list[Path]:
    """Backups of the project, newest first."""
    folder = backup_dir(project_path)
    if not folder.is_dir():
        return []
    stem, suffix = Path(project_path).stem, Path(project_path).suffix
    found = [p for p in folder.glob(f"{stem}-*{suffix}") if not p.name.startswith(_WRITING)]
    return sorted(found, key=lambda p: p.name[len(stem) + 1:], reverse=True)


def _stamp_and_label(path: Path, project_path: Path) -> tuple[datetime | None, str]:
    parts = path.stem[len(Path(project_path).stem) + 1:].split("-")
    try:
        taken = datetime.strptime("-".join(parts[:2]), "%Y%m%d-%H%M%S")
    except ValueError:
        return None, ""
    return taken, "-".join(parts[3:])


def backup_infos(project_path: Path) -> list[BackupInfo]:
    """The listed backups with time, size and counts, newest first (numbered 1, 2, … for the user).

    A backup that cannot be read is listed with counts of -1.
    """
    infos = []
    for path in list_backups(project_path):
        taken, label = _stamp_and_label(path, project_path)
        try:
            conn = _connect_read_only(path)
            try:
                counts = _counts(conn)
            finally:
                conn.close()
        except sqlite3.DatabaseError:
            counts = dict.fromkeys(("comments", "units", "rounds", "versions"), -1)
        infos.append(BackupInfo(path=path, taken=taken, label=label, size=path.stat().st_size, **counts))
    return infos


def restore_backup(project_path: Path, backup_path: Path) -> Path:
    """Put a backup in place of the project; the current state is backed up first.

    The backup is copied beside the project and checked before the current file is
    touched; the copy then replaces the project file whole. The project must be closed.
    """
    project_path, backup_path = Path(project_path), Path(backup_path)
    if not backup_path.is_file():
        raise BackupError(f"找不到备份“{backup_path.name}”。")
    incoming = project_path.with_name(f".恢复中-{project_path.name}")
    try:
        copy_database(backup_path, incoming)
        if project_path.exists():
            try:
                make_backup(project_path, label="恢复前")
            except BackupError:  # the current file is damaged: kept aside, out of the list
                stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
                os.replace(project_path, backup_dir(project_path) / f"已损坏-{project_path.stem}-{stamp}"
                                                                   f"{project_path.suffix}")
        journal = Path(str(project_path) + "-journal")
        if journal.exists():  # a crashed action's journal belongs to the file being replaced
            os.replace(journal, backup_dir(project_path) / f"{_WRITING}{journal.name}")
        os.replace(incoming, project_path)
    except OSError as error:
        raise BackupError(f"无法恢复“{project_path.name}”：{os_reason(error)}。") from error
    finally:
        incoming.unlink(missing_ok=True)
    return project_path
