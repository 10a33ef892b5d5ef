"""Full-text search that finds Chinese substrings through an FTS5 index.

>>> spaced('公安局加强5G应用')
'公 安 局 加 强 5G 应 用'
>>> match_expression('公安 5G')
'"公 安" AND "5G"'
"""
from __future__ import annotations

import re
import sqlite3
import unicodedata

from feedback.text import to_simplified

_CJK_CHAR_RE = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f])")
COMMENT_FIELDS = ("body", "quoted_text", "proposed_wording", "reason", "work_item")
CLAUSE_FIELDS = ("heading", "text")


def spaced(text: str) -> str:
    """The indexed form of a text: Simplified, half-width, one token per CJK character."""
    if not text:
        return ""
    text = to_simplified(unicodedata.normalize("NFKC", text))
    return " ".join(_CJK_CHAR_RE.sub(r" \1 ", text).split())


def match_expression(query: str) -> str:
    """An FTS5 query: every space-separated word of ``query`` as a phrase, all required."""
    phrases = []
    for word in query.split():
        tokens = re.findall(r"\w+", spaced(word))
        if tokens:
            phrases.append('"' + " ".join(tokens) + '"')
    return " AND ".join(phrases)


def index_comment(conn: sqlite3.Connection, comment_id: int, row: dict) -> None:
    """Put one comment's current text into the index, replacing what was there."""
    conn.execute("DELETE FROM comments_search WHERE rowid = ?", (comment_id,))
    conn.execute(
        "INSERT INTO comments_search(rowid, body, quoted_text, proposed_wording, reason, work_item) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (comment_id, *(spaced(row.get(f) or "") for f in COMMENT_FIELDS)),
    )


def index_comments(conn: sqlite3.Connection, rows) -> None:
    """Index many new comments at once (rows with ``id`` and the text fields)."""
    conn.executemany(
        "INSERT INTO comments_search(rowid, body, quoted_text, proposed_wording, reason, work_item) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        ((row["id"], *(spaced(row.get(f) or "") for f in COMMENT_FIELDS)) for row in rows),
    )


def index_clauses(conn: sqlite3.Connection, rows) -> None:
    conn.executemany(
        "INSERT INTO clauses_search(rowid, heading, text) VALUES (?, ?, ?)",
        ((row["id"], spaced(row["heading"]), spaced(row["text"])) for row in rows),
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
