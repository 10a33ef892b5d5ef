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

import functools
import logging
import os
import sqlite3
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

import sqlite_utils

from feedback import __version__
from feedback.draft import Draft
from feedback.errors import UserError
from feedback.ledger import LedgerError, SearchHit
from feedback.statistics import (ClauseTally, CommentTally, RoundInfo, Statistics, UnitInfo,
                                 compute_statistics)
from storage import search
from storage.backups import BackupError, backup_infos, copy_database, make_backup
from storage.comments import Comments
from storage.draft_versions import Versions
from storage.faults import os_reason, sqlite_reason
from storage.locking import FileLock
from storage.part import from_iso as _date, now_text as _now
from storage.plan import PlanDetails
from storage.rollback_journal import change_counter, journal_path, set_aside_foreign_journal
from storage.rounds import Rounds
from storage.schema import (APPLICATION_ID, FILE_SUFFIX, OUR_TABLES, SCHEMA_VERSION, migrate, read_header,
                            schema_version)
from storage.settings import Settings
from storage.units import Units

if TYPE_CHECKING:
    from storage.documents import Documents


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


def _delegate(part: str, name: str) -> Callable:
    """A ``Project`` method kept for its many callers: ``project.add_unit(…)`` is ``project.units.add(…)``."""
    def method(self, *args, **kwargs):
        return getattr(getattr(self, part), name)(*args, **kwargs)
    method.__doc__ = f"The same as ``project.{part}.{name}``."
    return method


class Project:
    """One consultation: the plan, its draft versions, units, rounds, comments.

    The typed parts hold each kind's records: ``project.versions``, ``.units``, ``.rounds``,
    ``.comments``, ``.plan`` (calling one lists its records, as ``project.units()``); the other methods
    (search, statistics, opening and saving) stay here.
    """

    plan: PlanDetails
    versions: Versions
    units: Units
    rounds: Rounds
    comments: Comments

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
        self.plan = PlanDetails(self)
        self.versions = Versions(self)
        self.units = Units(self)
        self.rounds = Rounds(self)
        self.comments = Comments(self)
        self.settings = Settings(self)
        try:
            self._identity = _identity(self.path)
        except OSError:
            self._identity = None

    @functools.cached_property
    def documents(self) -> "Documents":
        """The documents' sections (``storage/documents.py``), loaded when first asked for."""
        from storage.documents import Documents

        return Documents(self)

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
                            project.versions.insert(draft, source_file=source_file, note="初稿")
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
        self.settings.set(APP_VERSION_KEY, __version__)

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

    update_plan = _delegate("plan", "update")
    localities = _delegate("plan", "localities")

    # -- draft versions and clauses -----------------------------------------------

    clauses = _delegate("versions", "clauses")
    draft = _delegate("versions", "draft")

    # -- categories and units ---------------------------------------------------

    categories = _delegate("units", "categories")
    unit = _delegate("units", "get")
    add_unit = _delegate("units", "add")
    add_units = _delegate("units", "add_many")
    find_units = _delegate("units", "find")

    # -- rounds and replies -------------------------------------------------------

    add_round = _delegate("rounds", "add")
    set_reply = _delegate("rounds", "set_reply")
    replies = _delegate("rounds", "replies")

    # -- comments -----------------------------------------------------------------

    add_comment = _delegate("comments", "add")
    add_comments = _delegate("comments", "add_many")
    comment = _delegate("comments", "get")
    comment_ids = _delegate("comments", "ids")
    comments_by_ids = _delegate("comments", "by_ids")
    set_disposition = _delegate("comments", "decide")
    history = _delegate("comments", "history")
    count_comments = _delegate("comments", "count")

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
