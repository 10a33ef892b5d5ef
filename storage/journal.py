"""The rows one long action changed (collecting forms, importing public comments), kept so it can be undone.

While a ``Journal`` is open on a connection, temporary triggers log every insert,
update and delete on the ledger's tables with the row before and after. ``undo``
then puts back exactly the rows as they were, in reverse order, and ``redo`` the
same rows again, ids included — so the commands later on the undo stack still
find them. The search index follows the comments touched.

>>> import tempfile, os
>>> from feedback.outline import parse_lines
>>> from storage.project import Project
>>> project = Project.create(os.path.join(tempfile.mkdtemp(), 'p.yjt'), parse_lines(['某计划', '一、任务']))
>>> with Journal(project) as journal:
...     _ = project.add_unit('市公安局', '市级部门')
...     _ = project.add_round(recipients=[1])
>>> journal.undo(project).what, project.units(), project.rounds()
('units', [], [])
>>> _ = journal.redo(project)
>>> [u.name for u in project.units()], [r.number for r in project.rounds()]
(['市公安局'], [1])
>>> project.close()
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from feedback.ledger import Change
from storage import search

# the tables an import writes, with the kind of records each belongs to (``Change.what``)
JOURNALED = {"categories": "categories", "units": "units", "rounds": "rounds", "recipients": "replies",
             "comments": "comments", "history": "comments", "collected_files": "replies",
             "public_submissions": "comments"}
_LOG = "temp.yjt_journal"


@dataclass
class RowChange:
    table: str
    rowid: int
    before: dict | None  # None: the row did not exist before
    after: dict | None  # None: the row was deleted


@dataclass
class Journal:
    """A context manager recording the rows changed on ``project``'s connection inside it."""

    project: object
    text: str = ""
    changes: list[RowChange] = field(default_factory=list)
    numbers: dict[int, int] = field(default_factory=dict)  # comment id → the number it went out with

    def _columns(self, table: str) -> list[str]:
        return [row[1] for row in self.project.db.execute(f"PRAGMA main.table_info({table})")]

    def __enter__(self) -> "Journal":
        db = self.project.db
        self._recursive = db.execute("PRAGMA recursive_triggers").fetchone()[0]
        db.execute("PRAGMA recursive_triggers = ON")  # so that INSERT OR REPLACE logs the row it replaces
        db.execute("CREATE TEMP TABLE IF NOT EXISTS yjt_journal (seq INTEGER PRIMARY KEY, tbl TEXT, "
                   "row INTEGER, before TEXT, after TEXT)")
        db.execute(f"DELETE FROM {_LOG}")
        for table in JOURNALED:
            columns = self._columns(table)
            old = "json_object(" + ", ".join(f"'{c}', OLD.{c}" for c in columns) + ")"
            new = "json_object(" + ", ".join(f"'{c}', NEW.{c}" for c in columns) + ")"
            for event, row, before, after in (("INSERT", "NEW", "NULL", new), ("UPDATE", "NEW", old, new),
                                              ("DELETE", "OLD", old, "NULL")):
                db.execute(f"CREATE TEMP TRIGGER IF NOT EXISTS yjt_{table}_{event.lower()} AFTER {event} "
                           f"ON main.{table} BEGIN INSERT INTO yjt_journal(tbl, row, before, after) "
                           f"VALUES ('{table}', {row}.rowid, {before}, {after}); END")
        return self

    def __exit__(self, *exc) -> None:
        db = self.project.db
        self.changes = [RowChange(table, row, before and json.loads(before), after and json.loads(after))
                        for table, row, before, after in db.execute(
                            f"SELECT tbl, row, before, after FROM {_LOG} ORDER BY seq")]
        for table in JOURNALED:
            for event in ("insert", "update", "delete"):
                db.execute(f"DROP TRIGGER IF EXISTS temp.yjt_{table}_{event}")
        db.execute(f"DELETE FROM {_LOG}")
        db.execute(f"PRAGMA recursive_triggers = {int(self._recursive)}")

    @property
    def kinds(self) -> list[str]:
        """The kinds of records changed (``Change.what``) in the order first changed, comments last."""
        kinds = dict.fromkeys(JOURNALED[c.table] for c in self.changes)
        return sorted(kinds, key=lambda kind: kind == "comments")  # a stable sort: the rest keep their order

    @staticmethod
    def _put(conn, change: RowChange, row: dict | None, other: dict | None) -> None:
        if row is None:
            conn.execute(f"DELETE FROM {change.table} WHERE rowid = ?", [change.rowid])
        elif other is None:
            columns = list(row)
            conn.execute(f"INSERT INTO {change.table}(rowid, {', '.join(columns)}) "
                         f"VALUES (?, {', '.join('?' * len(columns))})", [change.rowid, *row.values()])
        else:
            conn.execute(f"UPDATE {change.table} SET {', '.join(f'{c} = ?' for c in row)} WHERE rowid = ?",
                         [*row.values(), change.rowid])

    def _apply(self, project, backwards: bool) -> Change:
        from storage.numbering import numbers_of, put_back

        steps = reversed(self.changes) if backwards else self.changes
        comments: set[int] = set()
        conn = project.db.conn
        # the numbers comments went out with, given back when they are written again
        self.numbers.update(numbers_of(project, {c.rowid for c in self.changes if c.table == "comments"}))
        with project.transaction():
            for change in steps:
                wanted, current = (change.before, change.after) if backwards else (change.after, change.before)
                self._put(conn, change, wanted, current)
                if change.table == "comments":
                    comments.add(change.rowid)
            conn.executemany("DELETE FROM comments_search WHERE rowid = ?", [(i,) for i in comments])
            marks = ",".join("?" * len(comments))
            rows = [dict(r) for r in project.db.query(
                f"SELECT * FROM comments WHERE id IN ({marks})", list(comments))] if comments else []
            search.index_comments(conn, rows)
            put_back(project, self.numbers)
        return self.change(f"{'已撤销' if backwards else '已重做'}：{self.text}" if self.text else "", comments)

    def change(self, message: str = "", comments: set[int] | None = None) -> Change:
        """What the recorded rows are, as a ``Change``: comments first, the other kinds in ``also``."""
        kinds = self.kinds
        kinds = kinds if "comments" in kinds else kinds[1:] + kinds[:1]
        if comments is None:
            comments = {c.rowid for c in self.changes if c.table == "comments"}
        return Change(kinds[-1] if kinds else "comments", tuple(sorted(comments)), message,
                      also=tuple(kinds[:-1]))

    def undo(self, project=None) -> Change:
        """Put every row back as it was before the journal was opened (on ``project``, another handle
        of the same file, when given)."""
        return self._apply(project or self.project, backwards=True)

    def redo(self, project=None) -> Change:
        """Write the same rows again."""
        return self._apply(project or self.project, backwards=False)
