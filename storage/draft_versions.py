"""The draft versions and their clause trees: ``project.versions``.

Version dates and change notes (``storage.versions``) and documents (``storage.documents``)
live beside this module.
"""
from __future__ import annotations

import json

from feedback.draft import Clause, Draft
from feedback.ledger import Change, LedgerError, Version
from feedback.vocabulary import ClauseKind
from storage import search
from storage.part import Part, now_text


class Versions(Part):
    """The imported drafts, oldest first; ``versions()`` lists them."""

    def __call__(self) -> list[Version]:
        return [Version(id=r["id"], number=r["number"], title=r["title"], style=r["style"],
                        source_file=r["source_file"], imported_at=r["imported_at"], note=r["note"],
                        warnings=json.loads(r["warnings"]))
                for r in self.db.query("SELECT * FROM versions ORDER BY number")]

    def add(self, draft: Draft, *, source_file: str = "", note: str = "") -> Change:
        with self.transaction():
            number = self.insert(draft, source_file=source_file, note=note)
        return Change("versions", (number,), f"已导入第{number}稿")

    def insert(self, draft: Draft, *, source_file: str, note: str) -> int:
        """Write a version and its clauses inside the caller's transaction; its number."""
        number = (self.db.execute("SELECT max(number) FROM versions").fetchone()[0] or 0) + 1
        version_id = self.db["versions"].insert({
            "number": number, "title": draft.title, "style": draft.style, "source_file": source_file,
            "imported_at": now_text(), "note": note,
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
            version_id = self.id_of(version_number)
            ids = [row[0] for row in self.db.execute("SELECT id FROM clauses WHERE version_id = ?", [version_id])]
            self.db.conn.executemany("DELETE FROM clauses_search WHERE rowid = ?", [(i,) for i in ids])
            self.db.execute("DELETE FROM clauses WHERE version_id = ?", [version_id])
            self._insert_clauses(version_id, clauses)
            self.db.conn.executemany("UPDATE comments SET clause_ref = ? WHERE id = ? AND clause_ref != ?",
                                     [(ref, comment_id, ref) for comment_id, ref in comment_refs.items()])
        return Change("clauses", (version_number,), message)

    def id_of(self, number: int | None) -> int:
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
            version_id = self.id_of(version_number)
        except LedgerError:
            return []
        cursor = self.db.execute(f"SELECT {_CLAUSE_COLUMNS} FROM clauses WHERE version_id = ? ORDER BY position",
                                 [version_id])
        return [self._clause(row) for row in cursor]

    @staticmethod
    def _clause(row: tuple) -> Clause:
        ref, label, level, kind, heading, text, number, parent_ref, lead, responsible, tables = row
        return Clause(ref=ref, label=label, level=level, kind=ClauseKind(kind), heading=heading, text=text,
                      number=number, parent_ref=parent_ref, lead_units=_json_list(lead),
                      responsible_units=_json_list(responsible), tables=_json_list(tables))

    def draft(self, version_number: int | None = None) -> Draft:
        """A version as a ``Draft`` again, for the reference resolver and reports."""
        clauses = self.clauses(version_number)
        version = next((v for v in reversed(self())
                        if version_number in (None, v.number)), None)
        return Draft(title=version.title if version else "", clauses=clauses,
                     style=version.style if version else "plan")


_CLAUSE_COLUMNS = ("ref, label, level, kind, heading, text, number, parent_ref, lead_units, responsible_units, "
                   "tables")


def _json_list(text: str | None) -> list:
    """A list kept as JSON; most clauses keep none, and ``[]`` is read without the parser."""
    return [] if not text or text == "[]" else json.loads(text)

