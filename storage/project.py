"""The project façade: one consultation in one SQLite file.

Every mutation runs in one transaction and returns a ``Change`` saying what it
touched; a failure leaves the file as it was before the action.

>>> import tempfile, os
>>> from feedback.outline import parse_lines
>>> path = os.path.join(tempfile.mkdtemp(), 'demo.yjt')
>>> project = Project.create(path, parse_lines(['某行动计划', '一、总体要求', '1.推进工作。']))
>>> change = project.add_unit('市公安局', '市级部门')
>>> change.what, project.units()[0].name
('units', '市公安局')
>>> project.close()
"""
from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

import sqlite_utils

from feedback.draft import Clause, Draft
from feedback.errors import UserError
from feedback.ledger import (Change, Comment, HistoryEntry, LedgerError, Plan, Reply, Round, SearchHit,
                             Unit, Version, check_disposition)
from feedback.statistics import (ClauseTally, CommentTally, RoundInfo, Statistics, UnitInfo,
                                 compute_statistics, effective_state)
from feedback.units import guess_category, is_collective_name, unit_key
from feedback.vocabulary import (GENERAL_CLAUSE_REF, UNPLACED_CLAUSE_REF, ClauseKind, Disposition,
                                 ReplyState, RoundMethod)
from storage import search
from feedback import __version__
from storage.backups import BackupError, backup_infos, copy_database, make_backup
from storage.faults import os_reason, sqlite_reason
from storage.rollback_journal import change_counter, journal_path, set_aside_foreign_journal
from storage.locking import FileLock
from storage.schema import (APPLICATION_ID, FILE_SUFFIX, OUR_TABLES, SCHEMA_VERSION, migrate, read_header,
                            schema_version)


class ProjectError(UserError):
    """A project file that cannot be opened or written; one Chinese sentence naming it."""


class ProjectLockedError(ProjectError):
    """The file is open in another window or program."""


class ProjectReadOnlyError(ProjectError):
    """The file is in a place that cannot be written (a read-only share, a CD): open it read-only."""


APP_VERSION_KEY = "app_version"  # settings: the version of the program that last wrote the file


def _identity(path: Path) -> tuple[int, int]:
    status = os.stat(path)
    return status.st_dev, status.st_ino


def _read_only_uri(path: Path) -> str:
    return f"{Path(path).resolve().as_uri()}?mode=ro&immutable=1"


def _table_names(path: Path) -> set[str]:
    """The tables of a SQLite file, read without writing anything (not even a -shm file)."""
    try:
        conn = sqlite3.connect(_read_only_uri(path), uri=True)
        try:
            return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return set()


def _written_by(path: Path) -> str:
    """The program version recorded in a project file, or ''."""
    try:
        conn = sqlite3.connect(_read_only_uri(path), uri=True)
        try:
            row = conn.execute("SELECT value FROM settings WHERE key = ?", [APP_VERSION_KEY]).fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return ""
    return str(row[0]) if row else ""


def _iso(value: date | str | None) -> str | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else value.isoformat()


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def history_row(comment_id: int, old: dict, new: dict, who: str, at: str) -> dict:
    """One action's row of the history: one field as plain text, several as JSON objects keyed by field."""
    def text(value):
        return None if value is None else str(value)

    if len(new) == 1:
        (field, value), = new.items()
        return {"comment_id": comment_id, "field": field, "old_value": text(old[field]), "new_value": text(value),
                "who": who, "at": at}
    return {"comment_id": comment_id, "field": ",".join(new), "who": who, "at": at,
            "old_value": json.dumps({k: text(old[k]) for k in new}, ensure_ascii=False),
            "new_value": json.dumps({k: text(v) for k, v in new.items()}, ensure_ascii=False)}


def history_entries(row: dict) -> list[HistoryEntry]:
    """The fields one history row records (files from before hold one field a row)."""
    fields = row["field"].split(",")
    if len(fields) == 1:
        return [HistoryEntry(row["comment_id"], row["field"], row["old_value"], row["new_value"], row["who"],
                             row["at"], row["id"])]
    old, new = json.loads(row["old_value"]), json.loads(row["new_value"])
    return [HistoryEntry(row["comment_id"], f, old.get(f), new.get(f), row["who"], row["at"], row["id"])
            for f in fields]


_LAST_COMMENT_ID = "last_comment_id"  # settings key: the highest comment id ever given
_COMMENT_COLUMNS = ("round_id", "unit_id", "clause_ref", "quoted_text", "body", "proposed_wording",
                    "received_on", "source", "submissions", "disposition", "reason", "work_item",
                    "handler", "decided_on")
_COMMENT_SELECT = """
SELECT c.id, r.number AS round_number, c.unit_id, u.name AS unit_name, u.category, c.clause_ref,
       c.body, c.quoted_text, c.proposed_wording, c.received_on, c.source, c.submissions,
       c.disposition, c.reason, c.work_item, c.handler, c.decided_on
FROM comments c JOIN rounds r ON r.id = c.round_id JOIN units u ON u.id = c.unit_id
"""


class Project:
    """One consultation: the plan, its draft versions, units, rounds, comments."""

    # called with each thing opening a file did that the user should hear of (damage, notices)
    report: Callable[[str], None] | None = None

    def __init__(self, path: Path, conn: sqlite3.Connection, lock: FileLock | None, read_only: bool):
        self.path = Path(path)
        self.db = sqlite_utils.Database(conn)
        self._lock = lock
        self._journal_note = lock  # notes each action's start for a crash (storage.rollback_journal)
        self.read_only = read_only
        self.damage: str | None = None   # why a damaged file was opened read-only
        self.notices: list[str] = []     # what opening the file did that the user should know
        self._deleted_numbers: dict[int, int] = {}  # fixed numbers of deleted comments, for undo
        try:
            self._identity = _identity(self.path)
        except OSError:
            self._identity = None

    # -- opening and closing -------------------------------------------------

    @classmethod
    def create(cls, path, draft: Draft | None = None, *, title: str | None = None,
               source_file: str = "", overwrite: bool = False) -> "Project":
        """A new project file, with ``draft`` as version 1 when given.

        The file is built under a temporary name beside ``path`` and moved into place
        whole, so a crash never leaves a half-made project under the chosen name.
        """
        path = Path(path)
        if path.exists() and not overwrite:
            raise ProjectError(f"“{path.name}”已存在，请换一个文件名。")
        if not path.parent.is_dir():
            raise ProjectError(f"无法建立“{path.name}”：文件夹“{path.parent}”不存在。")
        lock = cls._lock(path)
        temporary = path.with_name(f".新建中-{os.getpid()}-{path.name}")
        try:
            try:
                for leftover in path.parent.glob(f".新建中-*-{path.name}*"):  # an interrupted ``new``
                    leftover.unlink(missing_ok=True)
                conn = cls._connect(temporary)
                try:
                    migrate(conn)
                    project = cls(temporary, conn, None, read_only=False)
                    with project.transaction():
                        project.db["plan"].insert({"id": 1, "title": title or (draft.title if draft else ""),
                                                   "created_at": _now()})
                        project._record_app_version()
                        if draft is not None:
                            project._insert_version(draft, source_file=source_file, note="初稿")
                finally:
                    conn.close()
                os.replace(temporary, path)
            except sqlite3.Error as error:
                raise ProjectError(f"无法建立“{path.name}”：{sqlite_reason(error)}。") from error
            except OSError as error:
                raise ProjectError(f"无法建立“{path.name}”：{os_reason(error)}。") from error
            finally:
                for leftover in (temporary, journal_path(temporary)):
                    leftover.unlink(missing_ok=True)
            return cls(path, cls._connect(path), lock, read_only=False)
        except BaseException:
            lock.release()
            raise

    @classmethod
    def open(cls, path, *, read_only: bool = False, backup: bool = True) -> "Project":
        """Open a project file, upgrading an older one (after a backup copy).

        Whose file it is and its format are read from the header before anything is
        written: another program's file or a newer format is refused unchanged. A file
        held by another window raises ``ProjectLockedError`` unless ``read_only`` is asked
        for; a file in a read-only place raises ``ProjectReadOnlyError``. A damaged file
        (quick integrity check) opens read-only with ``damage`` saying so.
        """
        path = Path(path)
        if not path.is_file():
            raise ProjectError(f"找不到项目文件“{path.name}”。")
        cls._check_ownership(path)
        if read_only and journal_path(path).exists():
            cls._recover(path)
        lock = None if read_only else cls._lock(path)
        conn = None
        try:
            moved = None if read_only else set_aside_foreign_journal(path, lock.previous_note)
            try:
                conn = cls._connect(path, read_only=read_only)
                damage = cls._check_integrity(path, conn)
            except sqlite3.DatabaseError as error:
                if read_only or "malformed" not in str(error):
                    raise
                conn, damage = None, cls._damage_message(path)
            if damage and not read_only:
                if conn is not None:
                    conn.close()
                lock.release()
                lock, read_only = None, True
                try:
                    conn = cls._connect(path, read_only=True)
                except sqlite3.DatabaseError as error:
                    raise ProjectError(cls._damage_message(path, opened=False)) from error
            project = cls(path, conn, lock, read_only)
            project.damage = damage
            if moved:
                project.notices.append(f"“{path.name}”旁留有不属于它的日志文件（另一个副本崩溃时留下），"
                                       f"已移到“{moved.name}”，未写入项目。")
            if not read_only:
                project._prepare_for_writing(backup=backup)
            elif schema_version(conn) < SCHEMA_VERSION and not damage:
                raise ProjectError(f"“{path.name}”是旧版格式，须先以可编辑方式打开一次进行升级。")
        except BaseException as error:
            if conn is not None:
                conn.close()
            if lock:
                lock.release()
            if isinstance(error, sqlite3.DatabaseError):
                raise ProjectError(f"“{path.name}”无法打开：{sqlite_reason(error)}。") from error
            if isinstance(error, OSError):
                raise ProjectError(f"“{path.name}”无法打开：{os_reason(error)}。") from error
            raise
        if Project.report:
            for message in ([project.damage] if project.damage else []) + project.notices:
                Project.report(message)
        return project

    @staticmethod
    def _recover(path: Path) -> None:
        """Roll back an action a crash left unfinished, so that a read-only opening can read the file.

        Done only when no one holds the file and its place can be written; otherwise left to SQLite.
        """
        lock = FileLock(path)
        try:
            if not lock.acquire():
                return
        except OSError:
            return
        try:
            set_aside_foreign_journal(path, lock.previous_note)
            conn = sqlite3.connect(path)
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # rolls a hot journal back
            finally:
                conn.close()
        except sqlite3.Error:
            pass
        finally:
            lock.release()

    @staticmethod
    def _lock(path: Path) -> FileLock:
        lock = FileLock(path)
        try:
            acquired = lock.acquire()
        except OSError as error:
            raise ProjectReadOnlyError(
                f"“{path.name}”所在位置不能写入（{os_reason(error)}），只能以只读方式打开。") from error
        if not acquired:
            raise ProjectLockedError(f"“{path.name}”正在另一个窗口或程序中编辑，只能以只读方式打开。")
        return lock

    @staticmethod
    def _check_ownership(path: Path) -> None:
        """Refuse, before any write, a file that is not a project of this program or is newer."""
        not_ours = ProjectError(f"“{path.name}”不是意见通项目文件。")
        try:
            header = read_header(path)
        except OSError as error:
            raise ProjectError(f"“{path.name}”无法读取：{os_reason(error)}。") from error
        if not header.is_sqlite or header.application_id not in (0, APPLICATION_ID):
            raise not_ours
        if header.user_version > SCHEMA_VERSION:
            written_by = _written_by(path)
            raise ProjectError(
                f"“{path.name}”由更新版本的意见通{(' ' + written_by) if written_by else ''}保存"
                f"（格式{header.user_version}），本软件为 {__version__}（支持到格式{SCHEMA_VERSION}），"
                "请升级后再打开；文件未做任何改动。")
        if header.application_id == 0:  # written before the id, or by another program
            if header.user_version == 0 or not OUR_TABLES <= _table_names(path):
                raise not_ours

    @staticmethod
    def _check_integrity(path: Path, conn: sqlite3.Connection) -> str | None:
        """None when the quick check passes; else the message for the user."""
        try:
            result = [row[0] for row in conn.execute("PRAGMA quick_check(3)")]
        except sqlite3.DatabaseError as error:
            result = [str(error)]
        return None if result == ["ok"] else Project._damage_message(path)

    @staticmethod
    def _damage_message(path: Path, opened: bool = True) -> str:
        good = [b for b in backup_infos(path) if b.comments >= 0]
        offer = (f"可用最近的完好备份（{good[0].when}）恢复：“backups {path.name} --restore 1”"
                 "或“文件 → 恢复备份”。") if good else "没有可用的备份。"
        how = "已以只读方式打开，请勿继续使用" if opened else "无法打开"
        return f"“{path.name}”已损坏（完整性检查未通过），{how}；{offer}"

    def _prepare_for_writing(self, *, backup: bool) -> None:
        """Upgrade an older format (after a copy), keep no side journal, note the writing version."""
        conn = self.db.conn
        version = schema_version(conn)
        if version < SCHEMA_VERSION:
            try:
                copy_database(self.path, self.path.with_name(f"{self.path.stem}.格式{version}备份{FILE_SUFFIX}"))
            except BackupError as error:
                raise ProjectError(f"“{self.path.name}”需要升级格式，但升级前的备份未能写出：{error}") from error
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "delete":
            conn.execute("PRAGMA journal_mode = DELETE")  # an older project file left in WAL mode
        migrate(conn)
        stored = conn.execute("SELECT value FROM settings WHERE key = ?", [APP_VERSION_KEY]).fetchone()
        if stored is None or stored[0] != __version__:
            with self.transaction():
                self._record_app_version()
        if backup:
            try:
                make_backup(self.path)
            except BackupError as error:
                self.notices.append(f"打开时未能备份：{error}")

    def _record_app_version(self) -> None:
        self.db["settings"].insert({"key": APP_VERSION_KEY, "value": __version__}, pk="key", replace=True)

    @staticmethod
    def _connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
        """A connection that keeps the whole project in the one file after every transaction.

        The rollback journal is deleted at each commit and every commit is synced, so
        the file alone is the project whenever no action is being written.
        """
        if read_only:
            # mode=ro: works on read-only media and never writes, not even a journal
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None,
                                   check_same_thread=False)
        else:
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode = DELETE")
            conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 5000")
        conn.execute("PRAGMA cache_size = -32000")  # 32 MB: statistics and search stay in memory
        return conn

    def close(self) -> None:
        self.db.conn.close()
        if self._lock:
            self._lock.release()
            self._lock = None

    def second_handle(self) -> "Project":
        """Another connection to this file, for long work on another thread (an import).

        It writes under this handle's lock, so it is closed first; each handle sees
        only what the other has committed.
        """
        if self.read_only:
            return Project.open(self.path, read_only=True, backup=False)
        handle = Project(self.path, self._connect(self.path), None, read_only=False)
        handle._journal_note = self._lock
        return handle

    def save_copy(self, target) -> Path:
        """A complete, consistent copy of the project at ``target`` (SQLite's online backup), one file."""
        target = Path(target)
        if target.resolve() == self.path.resolve():
            raise ProjectError(f"“{target.name}”就是当前项目文件，请另选文件名。")
        partial = target.with_name(f".{target.name}.part")
        try:
            partial.unlink(missing_ok=True)
            dst = sqlite3.connect(partial)
            try:
                self.db.conn.backup(dst)
                dst.execute("PRAGMA journal_mode = DELETE")  # no -wal beside the copy: one file to hand on
            finally:
                dst.close()
            os.replace(partial, target)
        except (OSError, sqlite3.Error) as error:
            partial.unlink(missing_ok=True)
            reason = os_reason(error) if isinstance(error, OSError) else sqlite_reason(error)
            raise ProjectError(f"无法另存副本“{target.name}”：{reason}。") from error
        return target

    def __enter__(self) -> "Project":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One user action: one transaction, all or nothing.

        The machine's faults (full disk, read-only place, the file deleted or moved while
        open) become a ``ProjectError`` in Chinese naming the file; nothing is kept.
        """
        if self.read_only:
            raise LedgerError("项目以只读方式打开，不能修改。")
        if not self.db.conn.in_transaction:
            self._check_still_there()
            if self._journal_note:
                self._journal_note.note(f"counter={change_counter(self.path)}")
        try:
            with self.db.atomic():
                yield
        except sqlite3.Error as error:  # the user reads one sentence, the log the database's own words
            logging.getLogger("yijiantong").error("transaction on %s failed: %r", self.path.name, error)
            raise ProjectError(f"无法保存到“{self.path.name}”：{sqlite_reason(error)}，本次修改未保存。") from error

    def _check_still_there(self) -> None:
        try:
            moved = self._identity is not None and _identity(self.path) != self._identity
        except OSError:
            moved = True
        if moved:
            raise ProjectError(f"项目文件“{self.path.name}”已被删除、移动或替换，本次修改未保存；"
                               "请关闭后重新打开项目。")

    # -- the plan --------------------------------------------------------------

    def plan(self) -> Plan:
        row = next(self.db.query("SELECT * FROM plan WHERE id = 1"), None)
        if row is None:  # a file whose making was interrupted (before ``create`` built files aside)
            raise ProjectError(f"“{self.path.name}”不完整（建立时被中断），请用草案重新建立项目。")
        return Plan(title=row["title"], short_name=row["short_name"], drafting_unit=row["drafting_unit"],
                    addressee=row["addressee"], locality=row["locality"], contact_person=row["contact_person"],
                    contact_phone=row["contact_phone"], drafted_on=_date(row["drafted_on"]),
                    written_on=_date(row["written_on"]))

    def update_plan(self, **fields) -> Change:
        allowed = set(Plan.__dataclass_fields__)
        unknown = set(fields) - allowed
        if unknown:
            raise LedgerError(f"未知的计划字段：{'、'.join(sorted(unknown))}")
        values = {k: (_iso(v) if k.endswith("_on") else (v or "")) for k, v in fields.items()}
        with self.transaction():
            self.db["plan"].update(1, values)
        return Change("plan", (1,), "已更新计划信息")

    def localities(self) -> list[str]:
        """Place names that prefix unit names (``汉中``), from the plan."""
        plan = self.plan()
        places = [plan.locality] if plan.locality else []
        for text in (plan.drafting_unit, plan.title):
            head = text.split("市")[0] if "市" in text[:5] else ""
            if 1 < len(head) <= 4:
                places.append(head)
        return list(dict.fromkeys(places))

    # -- draft versions and clauses -----------------------------------------------

    def _insert_version(self, draft: Draft, *, source_file: str, note: str) -> int:
        number = (self.db.execute("SELECT max(number) FROM versions").fetchone()[0] or 0) + 1
        version_id = self.db["versions"].insert({
            "number": number, "title": draft.title, "style": draft.style, "source_file": source_file,
            "imported_at": _now(), "note": note,
            "warnings": json.dumps([str(w) for w in draft.warnings], ensure_ascii=False),
        }).last_pk
        self._insert_clauses(version_id, draft.clauses)
        return number

    def _insert_clauses(self, version_id: int, clauses: list[Clause]) -> None:
        rows = [{
            "version_id": version_id, "position": i, "ref": c.ref, "label": c.label, "level": c.level,
            "kind": c.kind.value, "number": c.number, "heading": c.heading, "text": c.text,
            "parent_ref": c.parent_ref,
            "lead_units": json.dumps(c.lead_units, ensure_ascii=False),
            "responsible_units": json.dumps(c.responsible_units, ensure_ascii=False),
            "tables": json.dumps(c.tables, ensure_ascii=False),
        } for i, c in enumerate(clauses)]
        self.db["clauses"].insert_all(rows)
        search.index_clauses(self.db.conn, self.db.query(
            "SELECT id, heading, text FROM clauses WHERE version_id = ?", [version_id]))

    def replace_clauses(self, version_number: int, clauses: list[Clause], comment_refs: dict[int, str], *,
                        message: str = "已调整条款结构") -> Change:
        """A version's clause tree reshaped by hand (``feedback.outline_commands``), in one
        transaction: the clauses replaced and each comment in ``comment_refs`` put on its new clause."""
        with self.transaction():
            version_id = self._version_id(version_number)
            ids = [row[0] for row in self.db.execute("SELECT id FROM clauses WHERE version_id = ?", [version_id])]
            self.db.conn.executemany("DELETE FROM clauses_search WHERE rowid = ?", [(i,) for i in ids])
            self.db.execute("DELETE FROM clauses WHERE version_id = ?", [version_id])
            self._insert_clauses(version_id, clauses)
            self.db.conn.executemany("UPDATE comments SET clause_ref = ? WHERE id = ? AND clause_ref != ?",
                                     [(ref, comment_id, ref) for comment_id, ref in comment_refs.items()])
        return Change("clauses", (version_number,), message)

    def add_version(self, draft: Draft, *, source_file: str = "", note: str = "") -> Change:
        with self.transaction():
            number = self._insert_version(draft, source_file=source_file, note=note)
        return Change("versions", (number,), f"已导入第{number}稿")

    def versions(self) -> list[Version]:
        return [Version(id=r["id"], number=r["number"], title=r["title"], style=r["style"],
                        source_file=r["source_file"], imported_at=r["imported_at"], note=r["note"],
                        warnings=json.loads(r["warnings"]))
                for r in self.db.query("SELECT * FROM versions ORDER BY number")]

    def _version_id(self, number: int | None) -> int:
        if number is None:
            row = self.db.execute("SELECT id FROM versions ORDER BY number DESC LIMIT 1").fetchone()
        else:
            row = self.db.execute("SELECT id FROM versions WHERE number = ?", [number]).fetchone()
        if row is None:
            raise LedgerError("项目中还没有这一稿草案。" if number else "项目中还没有导入草案。")
        return row[0]

    def clauses(self, version_number: int | None = None) -> list[Clause]:
        """The clauses of one draft version (the newest by default), in document order."""
        try:
            version_id = self._version_id(version_number)
        except LedgerError:
            return []
        return [self._clause(r) for r in self.db.query(
            "SELECT * FROM clauses WHERE version_id = ? ORDER BY position", [version_id])]

    @staticmethod
    def _clause(row: dict) -> Clause:
        return Clause(ref=row["ref"], label=row["label"], level=row["level"], kind=ClauseKind(row["kind"]),
                      heading=row["heading"], text=row["text"], number=row["number"],
                      parent_ref=row["parent_ref"], lead_units=json.loads(row["lead_units"]),
                      responsible_units=json.loads(row["responsible_units"]), tables=json.loads(row["tables"]))

    def draft(self, version_number: int | None = None) -> Draft:
        """A version as a ``Draft`` again, for the reference resolver and reports."""
        clauses = self.clauses(version_number)
        version = next((v for v in reversed(self.versions())
                        if version_number in (None, v.number)), None)
        return Draft(title=version.title if version else "", clauses=clauses,
                     style=version.style if version else "plan")

    # -- categories and units ---------------------------------------------------

    def categories(self) -> list[str]:
        return [r["name"] for r in self.db.query("SELECT name FROM categories ORDER BY position")]

    def add_category(self, name: str) -> Change:
        name = name.strip()
        if not name:
            raise LedgerError("类别名称不能为空。")
        if name in self.categories():
            raise LedgerError(f"类别“{name}”已存在。")
        with self.transaction():
            position = self.db.execute("SELECT coalesce(max(position), -1) + 1 FROM categories").fetchone()[0]
            self.db["categories"].insert({"name": name, "position": position})
        return Change("categories", (), f"已添加类别“{name}”")

    def units(self) -> list[Unit]:
        return [self._unit(r) for r in self.db.query(
            "SELECT u.* FROM units u JOIN categories c ON c.name = u.category ORDER BY c.position, u.id")]

    def unit(self, unit_id: int) -> Unit:
        rows = list(self.db.query("SELECT * FROM units WHERE id = ?", [unit_id]))
        if not rows:
            raise LedgerError(f"没有编号为{unit_id}的单位。")
        return self._unit(rows[0])

    @staticmethod
    def _unit(row: dict) -> Unit:
        return Unit(id=row["id"], name=row["name"], category=row["category"], aliases=json.loads(row["aliases"]),
                    contact_person=row["contact_person"], phone=row["phone"], note=row["note"])

    def _check_unit_fields(self, name: str, category: str, exclude_id: int | None = None) -> None:
        if not name.strip():
            raise LedgerError("单位名称不能为空。")
        if category not in self.categories():
            raise LedgerError(f"没有“{category}”这个单位类别。")
        clash = self.db.execute("SELECT id FROM units WHERE name = ? AND id IS NOT ?",
                                [name.strip(), exclude_id]).fetchone()
        if clash:
            raise LedgerError(f"单位“{name}”已在名单中。")

    def add_unit(self, name: str, category: str, *, aliases: Sequence[str] = (), contact_person: str = "",
                 phone: str = "", note: str = "") -> Change:
        return self.add_units([dict(name=name, category=category, aliases=list(aliases),
                                    contact_person=contact_person, phone=phone, note=note)])

    def add_units(self, rows: Iterable[dict]) -> Change:
        """Add many units in one action (a registry import)."""
        ids = []
        with self.transaction():
            for row in rows:
                name, category = row["name"].strip(), row.get("category") or "其他"
                self._check_unit_fields(name, category)
                ids.append(self.db["units"].insert({
                    **({"id": row["id"]} if row.get("id") else {}),  # a redo keeps the unit's number
                    "name": name, "category": category,
                    "aliases": json.dumps(list(row.get("aliases") or []), ensure_ascii=False),
                    "contact_person": row.get("contact_person", ""), "phone": row.get("phone", ""),
                    "note": row.get("note", ""),
                }).last_pk)
        return Change("units", tuple(ids), f"已添加{len(ids)}个单位")

    def update_unit(self, unit_id: int, **fields) -> Change:
        unit = self.unit(unit_id)
        name = fields.get("name", unit.name)
        category = fields.get("category", unit.category)
        self._check_unit_fields(name, category, exclude_id=unit_id)
        values = dict(fields)
        if "aliases" in values:
            values["aliases"] = json.dumps(list(values["aliases"]), ensure_ascii=False)
        with self.transaction():
            self.db["units"].update(unit_id, values)
        return Change("units", (unit_id,), f"已修改单位“{name}”")

    def remove_unit(self, unit_id: int) -> Change:
        unit = self.unit(unit_id)
        count = self.db.execute("SELECT count(*) FROM comments WHERE unit_id = ?", [unit_id]).fetchone()[0]
        if count:
            raise LedgerError(f"“{unit.name}”已有{count}条意见，不能删除。")
        with self.transaction():
            self.db["units"].delete(unit_id)
        return Change("units", (unit_id,), f"已删除单位“{unit.name}”")

    def remove_units(self, unit_ids: Iterable[int]) -> Change:
        """Remove units added by mistake (an undone import): all or none, and only without comments."""
        unit_ids = list(unit_ids)
        with self.transaction():
            for unit_id in unit_ids:
                self.remove_unit(unit_id)
        return Change("units", tuple(unit_ids), f"已删除{len(unit_ids)}个单位")

    def unit_record(self, unit_id: int) -> dict:
        """Everything stored about a unit that removing it would take away, for ``reinstate_unit``."""
        self.unit(unit_id)
        return {table: list(self.db.query(f"SELECT * FROM {table} WHERE unit_id = ?", [unit_id]))
                for table in ("recipients", "collected_files")} | {
            "unit": next(self.db.query("SELECT * FROM units WHERE id = ?", [unit_id]))}

    def reinstate_unit(self, record: dict) -> Change:
        """Put back a removed unit with its number, rounds and collected files (undo of removing it)."""
        with self.transaction():
            self.db["units"].insert(record["unit"])
            for table in ("recipients", "collected_files"):
                self.db[table].insert_all(record[table])
        return Change("units", (record["unit"]["id"],), f"已恢复单位“{record['unit']['name']}”")

    def remove_category(self, name: str) -> Change:
        """Remove a category no unit belongs to."""
        if name not in self.categories():
            raise LedgerError(f"没有名为“{name}”的类别。")
        used = self.db.execute("SELECT count(*) FROM units WHERE category = ?", [name]).fetchone()[0]
        if used:
            raise LedgerError(f"类别“{name}”下还有{used}个单位，不能删除。")
        with self.transaction():
            self.db["categories"].delete(name)
        return Change("categories", (), f"已删除类别“{name}”")

    def find_units(self, name: str) -> list[Unit]:
        """Units whose name or alias agrees with ``name`` in either script, place prefix aside."""
        places = self.localities()
        key = unit_key(name, places)
        return [u for u in self.units()
                if key in {unit_key(n, places) for n in [u.name, *u.aliases]}]

    def propose_recipients(self, version_number: int | None = None) -> list[tuple[str, str]]:
        """(name, category) of every single unit the draft names, not the drafting unit itself."""
        places = self.localities()
        drafter = unit_key(self.plan().drafting_unit, places) if self.plan().drafting_unit else None
        seen: dict[str, tuple[str, str]] = {}
        for clause in self.clauses(version_number):
            for name in clause.lead_units + clause.responsible_units:
                key = unit_key(name, places)
                if is_collective_name(name) or key == drafter or key in seen:
                    continue
                seen[key] = (name, guess_category(name, places).label)
        return list(seen.values())

    # -- rounds and replies -------------------------------------------------------

    def rounds(self) -> list[Round]:
        return [Round(id=r["id"], number=r["number"], method=RoundMethod(r["method"]),
                      version_number=r["version_number"], sent_on=_date(r["sent_on"]),
                      deadline=_date(r["deadline"]), note=r["note"])
                for r in self.db.query("SELECT r.*, v.number AS version_number FROM rounds r "
                                       "JOIN versions v ON v.id = r.version_id ORDER BY r.number")]

    def version_for_round(self, number: int) -> int:
        """The draft version round ``number`` consulted on."""
        row = self.db.execute("SELECT v.number FROM rounds r JOIN versions v ON v.id = r.version_id "
                              "WHERE r.number = ?", [number]).fetchone()
        if row is None:
            raise LedgerError(f"没有第{number}轮征求意见。")
        return row[0]

    def draft_for_round(self, number: int) -> Draft:
        """The draft round ``number`` consulted on: its forms, clause lists and references use it."""
        return self.draft(self.version_for_round(number))

    def _round_id(self, number: int) -> int:
        row = self.db.execute("SELECT id FROM rounds WHERE number = ?", [number]).fetchone()
        if row is None:
            raise LedgerError(f"没有第{number}轮征求意见。")
        return row[0]

    def add_round(self, *, method: RoundMethod = RoundMethod.WRITTEN, version_number: int | None = None,
                  sent_on: date | None = None, deadline: date | None = None,
                  recipients: Iterable[int] = (), note: str = "") -> Change:
        """A new consultation round on a draft version (the newest by default)."""
        if sent_on and deadline and deadline < sent_on:
            raise LedgerError("反馈截止日期不能早于发出日期。")
        version_id = self._version_id(version_number)
        with self.transaction():
            number = (self.db.execute("SELECT max(number) FROM rounds").fetchone()[0] or 0) + 1
            round_id = self.db["rounds"].insert({"number": number, "method": RoundMethod(method).value,
                                                 "version_id": version_id, "sent_on": _iso(sent_on),
                                                 "deadline": _iso(deadline), "note": note}).last_pk
            self.db["recipients"].insert_all({"round_id": round_id, "unit_id": u} for u in recipients)
        return Change("rounds", (number,), f"已建立第{number}轮征求意见")

    def remove_last_round(self, number: int) -> Change:
        """Remove the newest round while nothing was recorded in it (undo of creating it)."""
        if number != max((r.number for r in self.rounds()), default=None):
            raise LedgerError(f"只能删除最新的一轮，第{number}轮不是。")
        round_id = self._round_id(number)
        comments = self.db.execute("SELECT count(*) FROM comments WHERE round_id = ?", [round_id]).fetchone()[0]
        answered = self.db.execute("SELECT count(*) FROM recipients WHERE round_id = ? AND reply_state != 'none'",
                                   [round_id]).fetchone()[0]
        if comments or answered:
            raise LedgerError(f"第{number}轮已有意见或反馈记录，不能删除。")
        with self.transaction():
            self.db["rounds"].delete(round_id)
        return Change("rounds", (number,), f"已删除第{number}轮")

    def update_round(self, number: int, **fields) -> Change:
        round_id = self._round_id(number)
        values = {}
        for key, value in fields.items():
            if key in ("sent_on", "deadline"):
                values[key] = _iso(value)
            elif key == "method":
                values[key] = RoundMethod(value).value
            elif key == "note":
                values[key] = value
            else:
                raise LedgerError(f"未知的轮次字段：{key}")
        with self.transaction():
            self.db["rounds"].update(round_id, values)
        return Change("rounds", (number,), f"已修改第{number}轮")

    def set_recipients(self, round_number: int, unit_ids: Iterable[int]) -> Change:
        """The units a round was sent to; units that already answered stay."""
        round_id = self._round_id(round_number)
        wanted = set(unit_ids)
        with self.transaction():
            current = {r[0]: r[1] for r in self.db.execute(
                "SELECT unit_id, reply_state FROM recipients WHERE round_id = ?", [round_id])}
            for unit_id, state in current.items():
                if unit_id not in wanted and state == ReplyState.NONE.value:
                    self.db.execute("DELETE FROM recipients WHERE round_id = ? AND unit_id = ?", [round_id, unit_id])
            self.db["recipients"].insert_all(({"round_id": round_id, "unit_id": u} for u in wanted - set(current)))
        return Change("replies", (round_number,), f"第{round_number}轮发送范围已更新")

    def set_reply(self, round_number: int, unit_id: int, state: ReplyState, *,
                  replied_on: date | None = None, source: str = "") -> Change:
        """Record a unit's answer; 已反馈（有意见） only through its comments."""
        state = ReplyState(state)
        if state is ReplyState.OVERDUE:
            raise LedgerError("“逾期”由截止日期自动判断，不能手工设置。")
        round_id = self._round_id(round_number)
        has_comments = self.db.execute("SELECT 1 FROM comments WHERE round_id = ? AND unit_id = ? LIMIT 1",
                                       [round_id, unit_id]).fetchone()
        if has_comments and state is not ReplyState.WITH_COMMENTS:
            raise LedgerError(f"“{self.unit(unit_id).name}”在本轮已有意见，不能记为无意见或未反馈。")
        with self.transaction():
            self.db["recipients"].upsert({"round_id": round_id, "unit_id": unit_id, "reply_state": state.value,
                                          "replied_on": _iso(replied_on), "source": source},
                                         pk=("round_id", "unit_id"))
        return Change("replies", (unit_id,), f"已记录“{self.unit(unit_id).name}”{state.label}")

    def replies(self, round_number: int | None = None, *, today: date | None = None) -> list[Reply]:
        """Each recipient's reply state per round, overdue worked out from the deadline."""
        today = today or date.today()
        sql = """SELECT r.number, r.deadline, p.unit_id, u.name, u.category, p.reply_state, p.replied_on,
                        EXISTS (SELECT 1 FROM comments c WHERE c.round_id = r.id AND c.unit_id = p.unit_id) AS has
                 FROM recipients p JOIN rounds r ON r.id = p.round_id JOIN units u ON u.id = p.unit_id
                 JOIN categories k ON k.name = u.category"""
        params: list = []
        if round_number is not None:
            sql += " WHERE r.number = ?"
            params.append(round_number)
        sql += " ORDER BY r.number, k.position, u.id"
        return [Reply(round_number=row[0], unit_id=row[2], unit_name=row[3], category=row[4],
                      state=effective_state(row[5], _date(row[1]), today, bool(row[7])),
                      replied_on=_date(row[6]))
                for row in self.db.execute(sql, params)]

    # -- comments -----------------------------------------------------------------

    def _valid_refs(self, round_id: int) -> set[str]:
        rows = self.db.execute("SELECT c.ref FROM clauses c JOIN rounds r ON r.version_id = c.version_id "
                               "WHERE r.id = ?", [round_id])
        return {r[0] for r in rows} | {GENERAL_CLAUSE_REF, UNPLACED_CLAUSE_REF}

    def add_comment(self, *, round_number: int, unit_id: int, clause_ref: str, body: str, **fields) -> Change:
        """Log one comment (pending until decided)."""
        return self.add_comments([dict(round_number=round_number, unit_id=unit_id, clause_ref=clause_ref,
                                       body=body, **fields)])

    def add_comments(self, items: Iterable[dict]) -> Change:
        """Log many comments in one action; the units become recipients that replied with comments."""
        round_ids: dict[int, int] = {}
        refs: dict[int, set[str]] = {}
        rows = []
        now = _now()
        for item in items:
            number = item["round_number"]
            if number not in round_ids:
                round_ids[number] = self._round_id(number)
                refs[number] = self._valid_refs(round_ids[number])
            body = (item.get("body") or "").strip()
            if not body:
                raise LedgerError("意见内容不能为空。")
            ref = item.get("clause_ref") or UNPLACED_CLAUSE_REF
            if ref not in refs[number]:
                raise LedgerError(f"草案中没有条款“{ref}”。")
            disposition = Disposition(item.get("disposition", Disposition.PENDING))
            check_disposition(disposition, item.get("reason", ""), item.get("work_item", ""))
            row = {"round_id": round_ids[number], "unit_id": item["unit_id"], "clause_ref": ref, "body": body,
                   "created_at": now}
            for key in ("quoted_text", "proposed_wording", "source", "reason", "work_item", "handler"):
                row[key] = item.get(key) or ""
            row["received_on"] = _iso(item.get("received_on"))
            row["decided_on"] = _iso(item.get("decided_on"))
            row["submissions"] = int(item.get("submissions") or 1)
            row["disposition"] = disposition.value
            rows.append(row)
        if not rows:
            return Change("comments", (), "没有意见")
        with self.transaction():
            # never an id a comment had before (one undone may come back with it): past the highest ever given
            first = self.db.execute("SELECT max(coalesce((SELECT max(id) FROM comments), 0), coalesce((SELECT "
                                    "CAST(value AS INTEGER) FROM settings WHERE key = ?), 0))",
                                    [_LAST_COMMENT_ID]).fetchone()[0] + 1
            for offset, row in enumerate(rows):
                row["id"] = first + offset
            self.db.execute("INSERT INTO settings(key, value) VALUES (?, ?) "
                            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                            [_LAST_COMMENT_ID, str(first + len(rows) - 1)])
            # plain executemany: the bulk path of a 100,000-row import
            columns = list(rows[0])
            self.db.conn.executemany(
                f"INSERT INTO comments({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                [tuple(row[c] for c in columns) for row in rows])
            search.index_comments(self.db.conn, rows)
            pairs = {(row["round_id"], row["unit_id"]) for row in rows}
            self.db.conn.executemany(
                "INSERT INTO recipients(round_id, unit_id, reply_state) VALUES (?, ?, 'with_comments') "
                "ON CONFLICT(round_id, unit_id) DO UPDATE SET reply_state = 'with_comments'", list(pairs))
        return Change("comments", tuple(r["id"] for r in rows), f"已录入{len(rows)}条意见")

    def comment(self, comment_id: int) -> Comment:
        rows = list(self.db.query(_COMMENT_SELECT + " WHERE c.id = ?", [comment_id]))
        if not rows:
            raise LedgerError(f"没有编号为{comment_id}的意见。")
        return self._comment(rows[0])

    @staticmethod
    def _comment(row: dict) -> Comment:
        return Comment(id=row["id"], round_number=row["round_number"], unit_id=row["unit_id"],
                       unit_name=row["unit_name"], category=row["category"], clause_ref=row["clause_ref"],
                       body=row["body"], quoted_text=row["quoted_text"], proposed_wording=row["proposed_wording"],
                       received_on=_date(row["received_on"]), source=row["source"], submissions=row["submissions"],
                       disposition=Disposition(row["disposition"]), reason=row["reason"],
                       work_item=row["work_item"], handler=row["handler"], decided_on=_date(row["decided_on"]))

    def _filter_sql(self, round_number=None, unit_id=None, category=None, disposition=None, clause_ref=None,
                    query=None, clause_origins=None) -> tuple[str, list]:
        where, params = [], []
        if round_number is not None:
            where.append("r.number = ?")
            params.append(round_number)
        if unit_id is not None:
            where.append("c.unit_id = ?")
            params.append(unit_id)
        if category:
            where.append("u.category = ?")
            params.append(category)
        if disposition is not None:
            where.append("c.disposition = ?")
            params.append(Disposition(disposition).value)
        if clause_ref:
            refs = self.subtree_refs(clause_ref)
            where.append(f"c.clause_ref IN ({','.join('?' * len(refs))})")
            params += refs
        if clause_origins is not None:
            # [(version number, refs)] from storage.versions.CommentPlaces: a clause of a later draft
            # shows the comments of each round on the clauses of the draft that round consulted on
            parts = []
            for number, refs in clause_origins:
                if refs:
                    parts.append("(r.version_id = (SELECT id FROM versions WHERE number = ?) "
                                 f"AND c.clause_ref IN ({','.join('?' * len(refs))}))")
                    params += [number, *refs]
            where.append("(" + " OR ".join(parts) + ")" if parts else "0")
        if query:
            expression = search.match_expression(query)
            if expression:
                where.append("c.id IN (SELECT rowid FROM comments_search WHERE comments_search MATCH ?)")
                params.append(expression)
        return (" WHERE " + " AND ".join(where)) if where else "", params

    def subtree_refs(self, ref: str) -> list[str]:
        """``ref`` and the refs of every clause under it, in any draft version."""
        children: dict[str, set[str]] = {}
        for child, parent in self.db.execute("SELECT ref, parent_ref FROM clauses WHERE parent_ref IS NOT NULL"):
            children.setdefault(parent, set()).add(child)
        found, queue = [ref], [ref]
        while queue:
            for child in sorted(children.get(queue.pop(), ())):
                found.append(child)
                queue.append(child)
        return found

    def comments(self, *, limit: int | None = None, offset: int = 0, order: str = "c.id", **filters) -> list[Comment]:
        """Comments matching the filters (round_number, unit_id, category, disposition, clause_ref,
        clause_origins, query)."""
        where, params = self._filter_sql(**filters)
        sql = _COMMENT_SELECT + where + f" ORDER BY {order}"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return [self._comment(r) for r in self.db.query(sql, params)]

    def comment_ids(self, *, order: str = "c.id", **filters) -> list[int]:
        """Only the ids, for views that load rows as they are shown."""
        where, params = self._filter_sql(**filters)
        sql = "SELECT c.id FROM " + self._joins(where + order) + where + f" ORDER BY {order}"
        return [r[0] for r in self.db.execute(sql, params)]

    @staticmethod
    def _joins(uses: str) -> str:
        """The comments table, joined to rounds (r) and units (u) only where ``uses`` needs them.

        Every comment has its round and unit (NOT NULL, foreign keys on), so leaving a join
        out never changes the rows; it spares a 100,000-comment ledger two lookups a row.
        """
        tables = "comments c"
        if re.search(r"\br\.", uses):
            tables += " JOIN rounds r ON r.id = c.round_id"
        if re.search(r"\bu\.", uses):
            tables += " JOIN units u ON u.id = c.unit_id"
        return tables

    def comments_by_ids(self, ids: Sequence[int]) -> dict[int, Comment]:
        """The comments with these ids; quick enough for a 100,000-row export (plain tuples, no dicts)."""
        result: dict[int, Comment] = {}
        dispositions = {d.value: d for d in Disposition}
        dates: dict[str | None, date | None] = {None: None, "": None}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start:start + 500])
            marks = ",".join("?" * len(chunk))
            for (comment_id, round_number, unit_id, unit_name, category, clause_ref, body, quoted_text,
                 proposed_wording, received_on, source, submissions, disposition, reason, work_item, handler,
                 decided_on) in self.db.execute(_COMMENT_SELECT + f" WHERE c.id IN ({marks})", chunk):
                for value in (received_on, decided_on):
                    if value not in dates:
                        dates[value] = _date(value)
                result[comment_id] = Comment(
                    id=comment_id, round_number=round_number, unit_id=unit_id, unit_name=unit_name,
                    category=category, clause_ref=clause_ref, body=body, quoted_text=quoted_text,
                    proposed_wording=proposed_wording, received_on=dates[received_on], source=source,
                    submissions=submissions, disposition=dispositions[disposition], reason=reason,
                    work_item=work_item, handler=handler, decided_on=dates[decided_on])
        return result

    def update_comment(self, comment_id: int, *, who: str = "", **fields) -> Change:
        """Change the text fields of a comment (not its disposition); history kept."""
        editable = {"clause_ref", "body", "quoted_text", "proposed_wording", "received_on", "source", "unit_id"}
        unknown = set(fields) - editable
        if unknown:
            raise LedgerError(f"不能这样修改意见：{'、'.join(sorted(unknown))}")
        current = self.comment(comment_id)
        if "clause_ref" in fields and fields["clause_ref"] not in self._valid_refs(self._round_id(current.round_number)):
            raise LedgerError(f"草案中没有条款“{fields['clause_ref']}”。")
        if "body" in fields and not str(fields["body"]).strip():
            raise LedgerError("意见内容不能为空。")
        return self._write_comment(current, {k: (_iso(v) if k == "received_on" else v) for k, v in fields.items()},
                                   who, "已修改意见")

    def set_disposition(self, comment_id: int, disposition: Disposition, *, reason: str | None = None,
                        work_item: str | None = None, handler: str | None = None,
                        decided_on: date | None = None, who: str = "") -> Change:
        """Decide a comment. 部分采纳, 未采纳 and 在工作中落实 need a reason; history kept."""
        disposition = Disposition(disposition)
        current = self.comment(comment_id)
        reason = current.reason if reason is None else reason
        work_item = current.work_item if work_item is None else work_item
        if disposition is not Disposition.IN_WORK:
            work_item = ""  # only 在工作中落实 names a work item; the history keeps the old one
        check_disposition(disposition, reason, work_item)
        values = {"disposition": disposition.value, "reason": reason, "work_item": work_item,
                  "handler": current.handler if handler is None else handler,
                  "decided_on": None if disposition is Disposition.PENDING else _iso(decided_on or date.today())}
        return self._write_comment(current, values, who or values["handler"], f"已设为“{disposition.label}”")

    def _write_comment(self, current: Comment, values: dict, who: str, message: str) -> Change:
        old = {"disposition": current.disposition.value, "reason": current.reason, "work_item": current.work_item,
               "handler": current.handler, "decided_on": _iso(current.decided_on), "clause_ref": current.clause_ref,
               "body": current.body, "quoted_text": current.quoted_text, "proposed_wording": current.proposed_wording,
               "received_on": _iso(current.received_on), "source": current.source, "unit_id": current.unit_id}
        changed = {k: v for k, v in values.items() if old.get(k) != v}
        if not changed:
            return Change("comments", (), "没有变化")
        now = _now()
        with self.transaction():
            self.db["comments"].update(current.id, changed)
            self.db["history"].insert(history_row(current.id, {k: old.get(k) for k in changed}, changed, who, now))
            if set(changed) & set(search.COMMENT_FIELDS):
                row = next(self.db.query("SELECT * FROM comments WHERE id = ?", [current.id]))
                search.index_comment(self.db.conn, current.id, row)
        return Change("comments", (current.id,), message)

    def delete_comment(self, comment_id: int) -> Change:
        self.comment(comment_id)
        from storage.numbering import numbers_of

        self._deleted_numbers.update(numbers_of(self, [comment_id]))
        with self.transaction():
            self.db["comments"].delete(comment_id)
            self.db.execute("DELETE FROM comments_search WHERE rowid = ?", [comment_id])
        return Change("comments", (comment_id,), "已删除意见")

    def restore_comment(self, comment: Comment) -> Change:
        """Put a deleted comment back with its id and the number it went out with (for undo)."""
        row = {"id": comment.id, "round_id": self._round_id(comment.round_number), "unit_id": comment.unit_id,
               "clause_ref": comment.clause_ref, "body": comment.body, "quoted_text": comment.quoted_text,
               "proposed_wording": comment.proposed_wording, "received_on": _iso(comment.received_on),
               "source": comment.source, "submissions": comment.submissions,
               "disposition": comment.disposition.value, "reason": comment.reason, "work_item": comment.work_item,
               "handler": comment.handler, "decided_on": _iso(comment.decided_on), "created_at": _now()}
        with self.transaction():
            self.db["comments"].insert(row)
            search.index_comment(self.db.conn, comment.id, row)
            if comment.id in self._deleted_numbers:
                from storage.numbering import put_back

                put_back(self, {comment.id: self._deleted_numbers[comment.id]})
        return Change("comments", (comment.id,), "已恢复意见")

    def history(self, comment_id: int | None = None) -> list[HistoryEntry]:
        """Each changed field of one comment (or of every comment), oldest first; the fields of one action
        share its ``action`` number."""
        where, params = ("WHERE comment_id = ?", [comment_id]) if comment_id is not None else ("", [])
        return [entry for r in self.db.query(f"SELECT * FROM history {where} ORDER BY id", params)
                for entry in history_entries(r)]

    def count_comments(self, **filters) -> int:
        where, params = self._filter_sql(**filters)
        return self.db.execute("SELECT count(*) FROM " + self._joins(where) + where, params).fetchone()[0]

    def clause_counts(self) -> dict[str, tuple[int, int]]:
        """Comments per clause reference: (all, still 待处理), from one grouped query."""
        # two index-only passes: far quicker on a large ledger than one pass reading every row
        pending = dict(self.db.execute("SELECT clause_ref, count(*) FROM comments WHERE disposition = ? "
                                       "GROUP BY clause_ref", [Disposition.PENDING.value]))
        return {ref: (total, pending.get(ref, 0))
                for ref, total in self.db.execute("SELECT clause_ref, count(*) FROM comments GROUP BY clause_ref")}

    # -- search and statistics ---------------------------------------------------

    def search(self, query: str, *, limit: int = 200) -> list[SearchHit]:
        """Comments (text, reasons) and clauses of the newest draft containing every word of ``query``."""
        expression = search.match_expression(query)
        if not expression:
            return []
        hits = [SearchHit("comment", r[0], r[1], r[2]) for r in self.db.execute(
            "SELECT c.id, c.clause_ref, c.body FROM comments_search s JOIN comments c ON c.id = s.rowid "
            "WHERE comments_search MATCH ? ORDER BY c.id LIMIT ?", [expression, limit])]
        hits += [SearchHit("clause", r[0], r[1], r[2] or r[3]) for r in self.db.execute(
            "SELECT c.id, c.ref, c.heading, c.text FROM clauses_search s JOIN clauses c ON c.id = s.rowid "
            "WHERE clauses_search MATCH ? AND c.version_id = (SELECT id FROM versions ORDER BY number DESC LIMIT 1) "
            "ORDER BY c.position LIMIT ?", [expression, limit])]
        return hits

    def statistics(self, round_number: int | None = None, *, today: date | None = None) -> Statistics:
        """The counts of one round, or of all rounds (see ``feedback.statistics``)."""
        units = [UnitInfo(r[0], r[1], r[2]) for r in self.db.execute("SELECT id, name, category FROM units")]
        recipients: dict[int, dict[int, str]] = {}
        for round_id, unit_id, state in self.db.execute("SELECT round_id, unit_id, reply_state FROM recipients"):
            recipients.setdefault(round_id, {})[unit_id] = state
        rounds = [RoundInfo(r[1], r[2], _date(r[3]), recipients.get(r[0], {}))
                  for r in self.db.execute("SELECT id, number, method, deadline FROM rounds ORDER BY number")]
        number_of = {r[0]: r[1] for r in self.db.execute("SELECT id, number FROM rounds")}
        # grouped on the covering indexes; first-mention order for the sentence
        grouped = sorted(self.db.execute(
            "SELECT min(rowid), round_id, unit_id, disposition, work_item, count(*), sum(submissions) FROM comments "
            "GROUP BY round_id, unit_id, disposition, work_item"))
        tallies = [CommentTally(number_of[r[1]], *r[2:]) for r in grouped]
        clause_tallies = [ClauseTally(number_of[r[0]], r[1], r[2]) for r in self.db.execute(
            "SELECT round_id, clause_ref, count(*) FROM comments GROUP BY round_id, clause_ref")]
        return compute_statistics(units, rounds, tallies, clause_tallies, today=today or date.today(),
                                  round_number=round_number, category_order=self.categories())
