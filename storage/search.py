"""Full-text search that finds Chinese substrings through an FTS5 index.

Chinese has no spaces between words, so the indexed copy of a text is its
overlapping character pairs (and its last character alone): a query of two or
more characters is a phrase of its pairs, a single character a prefix query.
Either way it is a substring search answered by the index.

>>> indexed_form('公安局，5G')
'公安 安局 局5 5g g'
>>> match_expression('公安局 5G 安')
'"公安 安局" AND "5g" AND 安*'
"""
from __future__ import annotations

import sqlite3
import unicodedata

from feedback.text import to_simplified

COMMENT_FIELDS = ("body", "quoted_text", "proposed_wording", "reason", "work_item")
CLAUSE_FIELDS = ("heading", "text")


def _characters(text: str) -> str:
    """Letters, digits and characters only: Simplified, half-width, lower case."""
    if not text.isascii():
        text = to_simplified(unicodedata.normalize("NFKC", text))
    return "".join(ch for ch in text.lower() if ch.isalnum())


def indexed_form(text: str) -> str:
    """What the index stores for a text: its character pairs, then its last character."""
    chars = _characters(text) if text else ""
    if not chars:
        return ""
    return " ".join([a + b for a, b in zip(chars, chars[1:])] + [chars[-1]])


def match_expression(query: str) -> str:
    """An FTS5 query: every space-separated word of ``query`` required, as a substring."""
    terms = []
    for word in query.split():
        chars = _characters(word)
        if len(chars) == 1:
            terms.append(f'{chars}*')
        elif chars:
            terms.append('"' + " ".join(a + b for a, b in zip(chars, chars[1:])) + '"')
    return " AND ".join(terms)


def index_comment(conn: sqlite3.Connection, comment_id: int, row: dict) -> None:
    """Put one comment's current text into the index, replacing what was there."""
    conn.execute("DELETE FROM comments_search WHERE rowid = ?", (comment_id,))
    conn.execute(
        "INSERT INTO comments_search(rowid, body, quoted_text, proposed_wording, reason, work_item) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (comment_id, *(indexed_form(row.get(f) or "") for f in COMMENT_FIELDS)),
    )


def index_comments(conn: sqlite3.Connection, rows) -> None:
    """Index many new comments at once (rows with ``id`` and the text fields)."""
    conn.executemany(
        "INSERT INTO comments_search(rowid, body, quoted_text, proposed_wording, reason, work_item) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        ((row["id"], *(indexed_form(row.get(f) or "") for f in COMMENT_FIELDS)) for row in rows),
    )


def index_clauses(conn: sqlite3.Connection, rows) -> None:
    conn.executemany(
        "INSERT INTO clauses_search(rowid, heading, text) VALUES (?, ?, ?)",
        ((row["id"], indexed_form(row["heading"]), indexed_form(row["text"])) for row in rows),
    )


def rebuild_index(conn: sqlite3.Connection) -> None:
    """Index every comment and clause again, e.g. after a migration."""
    conn.execute("DELETE FROM comments_search")
    conn.execute("DELETE FROM clauses_search")
    conn.row_factory, previous = sqlite3.Row, conn.row_factory
    try:
        index_comments(conn, (dict(r) for r in conn.execute(
            "SELECT id, body, quoted_text, proposed_wording, reason, work_item FROM comments")))
        index_clauses(conn, (dict(r) for r in conn.execute("SELECT id, heading, text FROM clauses")))
    finally:
        conn.row_factory = previous
