"""The comments, their decisions and history: ``project.comments``."""
from __future__ import annotations

import json
import re
from datetime import date
from typing import Iterable, Sequence

from feedback.ledger import Change, Comment, HistoryEntry, LedgerError, check_disposition
from feedback.vocabulary import GENERAL_CLAUSE_REF, UNPLACED_CLAUSE_REF, Disposition
from storage import search
from storage.part import Part, from_iso, iso_text, now_text

_LAST_COMMENT_ID = "last_comment_id"  # settings key: the highest comment id ever given
_COMMENT_SELECT = """
SELECT c.id, r.number AS round_number, c.unit_id, u.name AS unit_name, u.category, c.clause_ref,
       c.body, c.quoted_text, c.proposed_wording, c.received_on, c.source, c.submissions,
       c.disposition, c.reason, c.work_item, c.handler, c.decided_on
FROM comments c JOIN rounds r ON r.id = c.round_id JOIN units u ON u.id = c.unit_id
"""


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


class Comments(Part):
    """The ledger; ``comments(**filters)`` lists the comments the filters keep."""

    def __init__(self, project):
        super().__init__(project)
        self._deleted_numbers: dict[int, int] = {}  # fixed numbers of deleted comments, for undo

    def __call__(self, *, limit: int | None = None, offset: int = 0, order: str = "c.id", **filters) -> list[Comment]:
        """Comments matching the filters (round_number, unit_id, category, disposition, clause_ref,
        clause_origins, query)."""
        where, params = self._filter_sql(**filters)
        sql = _COMMENT_SELECT + where + f" ORDER BY {order}"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return [self._row(r) for r in self.db.query(sql, params)]

    def get(self, comment_id: int) -> Comment:
        rows = list(self.db.query(_COMMENT_SELECT + " WHERE c.id = ?", [comment_id]))
        if not rows:
            raise LedgerError(f"没有编号为{comment_id}的意见。")
        return self._row(rows[0])

    @staticmethod
    def _row(row: dict) -> Comment:
        return Comment(id=row["id"], round_number=row["round_number"], unit_id=row["unit_id"],
                       unit_name=row["unit_name"], category=row["category"], clause_ref=row["clause_ref"],
                       body=row["body"], quoted_text=row["quoted_text"], proposed_wording=row["proposed_wording"],
                       received_on=from_iso(row["received_on"]), source=row["source"], submissions=row["submissions"],
                       disposition=Disposition(row["disposition"]), reason=row["reason"],
                       work_item=row["work_item"], handler=row["handler"], decided_on=from_iso(row["decided_on"]))

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

    def ids(self, *, order: str = "c.id", **filters) -> list[int]:
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

    def by_ids(self, ids: Sequence[int]) -> dict[int, Comment]:
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
                        dates[value] = from_iso(value)
                result[comment_id] = Comment(
                    id=comment_id, round_number=round_number, unit_id=unit_id, unit_name=unit_name,
                    category=category, clause_ref=clause_ref, body=body, quoted_text=quoted_text,
                    proposed_wording=proposed_wording, received_on=dates[received_on], source=source,
                    submissions=submissions, disposition=dispositions[disposition], reason=reason,
                    work_item=work_item, handler=handler, decided_on=dates[decided_on])
        return result

    def update(self, comment_id: int, *, who: str = "", **fields) -> Change:
        """Change the text fields of a comment (not its disposition); history kept."""
        editable = {"clause_ref", "body", "quoted_text", "proposed_wording", "received_on", "source", "unit_id"}
        unknown = set(fields) - editable
        if unknown:
            raise LedgerError(f"不能这样修改意见：{'、'.join(sorted(unknown))}")
        current = self.get(comment_id)
        if "clause_ref" in fields and fields["clause_ref"] not in self.valid_refs(self.project.rounds.id_of(current.round_number)):
            raise LedgerError(f"草案中没有条款“{fields['clause_ref']}”。")
        if "body" in fields and not str(fields["body"]).strip():
            raise LedgerError("意见内容不能为空。")
        return self._write(current, {k: (iso_text(v) if k == "received_on" else v) for k, v in fields.items()},
                                   who, "已修改意见")

    def decide(self, comment_id: int, disposition: Disposition, *, reason: str | None = None,
               work_item: str | None = None, handler: str | None = None,
               decided_on: date | None = None, who: str = "") -> Change:
        """Decide a comment. 部分采纳, 未采纳 and 在工作中落实 need a reason; history kept."""
        disposition = Disposition(disposition)
        current = self.get(comment_id)
        reason = current.reason if reason is None else reason
        work_item = current.work_item if work_item is None else work_item
        if disposition is not Disposition.IN_WORK:
            work_item = ""  # only 在工作中落实 names a work item; the history keeps the old one
        check_disposition(disposition, reason, work_item)
        values = {"disposition": disposition.value, "reason": reason, "work_item": work_item,
                  "handler": current.handler if handler is None else handler,
                  "decided_on": None if disposition is Disposition.PENDING else iso_text(decided_on or date.today())}
        return self._write(current, values, who or values["handler"], f"已设为“{disposition.label}”")

    def _write(self, current: Comment, values: dict, who: str, message: str) -> Change:
        old = {"disposition": current.disposition.value, "reason": current.reason, "work_item": current.work_item,
               "handler": current.handler, "decided_on": iso_text(current.decided_on), "clause_ref": current.clause_ref,
               "body": current.body, "quoted_text": current.quoted_text, "proposed_wording": current.proposed_wording,
               "received_on": iso_text(current.received_on), "source": current.source, "unit_id": current.unit_id}
        changed = {k: v for k, v in values.items() if old.get(k) != v}
        if not changed:
            return Change("comments", (), "没有变化")
        now = now_text()
        with self.transaction():
            self.db["comments"].update(current.id, changed)
            self.db["history"].insert(history_row(current.id, {k: old.get(k) for k in changed}, changed, who, now))
            if set(changed) & set(search.COMMENT_FIELDS):
                row = next(self.db.query("SELECT * FROM comments WHERE id = ?", [current.id]))
                search.index_comment(self.db.conn, current.id, row)
        return Change("comments", (current.id,), message)

    def delete(self, comment_id: int) -> Change:
        from storage.numbering import numbers_of

        self.get(comment_id)
        self._deleted_numbers.update(numbers_of(self.project, [comment_id]))
        with self.transaction():
            self.db["comments"].delete(comment_id)
            self.db.execute("DELETE FROM comments_search WHERE rowid = ?", [comment_id])
        return Change("comments", (comment_id,), "已删除意见")

    def restore(self, comment: Comment) -> Change:
        """Put a deleted comment back with its id and the number it went out with (for undo)."""
        row = {"id": comment.id, "round_id": self.project.rounds.id_of(comment.round_number), "unit_id": comment.unit_id,
               "clause_ref": comment.clause_ref, "body": comment.body, "quoted_text": comment.quoted_text,
               "proposed_wording": comment.proposed_wording, "received_on": iso_text(comment.received_on),
               "source": comment.source, "submissions": comment.submissions,
               "disposition": comment.disposition.value, "reason": comment.reason, "work_item": comment.work_item,
               "handler": comment.handler, "decided_on": iso_text(comment.decided_on), "created_at": now_text()}
        with self.transaction():
            self.db["comments"].insert(row)
            search.index_comment(self.db.conn, comment.id, row)
            if comment.id in self._deleted_numbers:
                from storage.numbering import put_back

                put_back(self.project, {comment.id: self._deleted_numbers[comment.id]})
        return Change("comments", (comment.id,), "已恢复意见")

    def history(self, comment_id: int | None = None) -> list[HistoryEntry]:
        """Each changed field of one comment (or of every comment), oldest first; the fields of one action
        share its ``action`` number."""
        where, params = ("WHERE comment_id = ?", [comment_id]) if comment_id is not None else ("", [])
        return [entry for r in self.db.query(f"SELECT * FROM history {where} ORDER BY id", params)
                for entry in history_entries(r)]

    def count(self, **filters) -> int:
        where, params = self._filter_sql(**filters)
        return self.db.execute("SELECT count(*) FROM " + self._joins(where) + where, params).fetchone()[0]

    def clause_counts(self) -> dict[str, tuple[int, int]]:
        """Comments per clause reference: (all, still 待处理), from one grouped query."""
        # two index-only passes: far quicker on a large ledger than one pass reading every row
        pending = dict(self.db.execute("SELECT clause_ref, count(*) FROM comments WHERE disposition = ? "
                                       "GROUP BY clause_ref", [Disposition.PENDING.value]))
        return {ref: (total, pending.get(ref, 0))
                for ref, total in self.db.execute("SELECT clause_ref, count(*) FROM comments GROUP BY clause_ref")}

    def valid_refs(self, round_id: int) -> set[str]:
        rows = self.db.execute("SELECT c.ref FROM clauses c JOIN rounds r ON r.version_id = c.version_id "
                               "WHERE r.id = ?", [round_id])
        return {r[0] for r in rows} | {GENERAL_CLAUSE_REF, UNPLACED_CLAUSE_REF}

    def add(self, *, round_number: int, unit_id: int, clause_ref: str, body: str, **fields) -> Change:
        """Log one comment (pending until decided)."""
        return self.add_many([dict(round_number=round_number, unit_id=unit_id, clause_ref=clause_ref,
                                       body=body, **fields)])

    def add_many(self, items: Iterable[dict]) -> Change:
        """Log many comments in one action; the units become recipients that replied with comments."""
        round_ids: dict[int, int] = {}
        refs: dict[int, set[str]] = {}
        rows = []
        now = now_text()
        for item in items:
            number = item["round_number"]
            if number not in round_ids:
                round_ids[number] = self.project.rounds.id_of(number)
                refs[number] = self.valid_refs(round_ids[number])
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
            row["received_on"] = iso_text(item.get("received_on"))
            row["decided_on"] = iso_text(item.get("decided_on"))
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
