"""Full-text search that finds Chinese substrings through an FTS5 index.

Chinese has no spaces between words, so the indexed copy of a text is its
overlapping character pairs (and its last character alone): a query of two or
more characters is a phrase of its pairs, a single character a prefix query.
Either way it is a substring search answered by the index.

>>> indexed_form('公安局，5G')
'公安 安局 局5 5g g'
>>> indexed_forms(['臺灣', '', '臺灣', 'ab'])
['台湾 湾', '', '台湾 湾', 'ab b']
>>> match_expression('公安局 5G 安')
'"公安 安局" AND "5g" AND 安*'
"""
from __future__ import annotations

import re
import sqlite3
import unicodedata
from itertools import islice
from operator import add

from feedback.text import to_simplified

COMMENT_FIELDS = ("body", "quoted_text", "proposed_wording", "reason", "work_item")
CLAUSE_FIELDS = ("heading", "text")
# [\W_] is exactly "not str.isalnum()"
_NOT_ALNUM_RE = re.compile(r"[\W_]+")
# Between texts normalized and converted in one call: a character that NFKC leaves alone
# and never composes, and no OpenCC phrase contains, so each text comes out as it would alone.
_SEPARATOR = "\x1f"
_BATCH_ROWS = 5000


def _alnum(text: str) -> str:
    return _NOT_ALNUM_RE.sub("", text.lower())


def _characters(text: str) -> str:
    """Letters, digits and characters only: Simplified, half-width, lower case."""
    if not text.isascii():
        text = to_simplified(unicodedata.normalize("NFKC", text))
    return _alnum(text)


def _pairs(chars: str) -> str:
    if len(chars) < 2:
        return chars
    return " ".join(map(add, chars, chars[1:])) + " " + chars[-1]


def indexed_form(text: str) -> str:
    """What the index stores for a text: its character pairs, then its last character."""
    return _pairs(_characters(text) if text else "")


def _simplified_all(texts: list[str]) -> list[str]:
    """``to_simplified(NFKC(text))`` of each text, normalized and converted by OpenCC in one call."""
    together = [text for text in texts if _SEPARATOR not in text]
    converted = to_simplified(unicodedata.normalize("NFKC", _SEPARATOR.join(together))).split(_SEPARATOR)
    if len(converted) != len(together):  # never expected; each text alone is always right
        together, converted = [], []
    simplified = dict(zip(together, converted))
    return [simplified[text] if text in simplified else to_simplified(unicodedata.normalize("NFKC", text))
            for text in texts]


def indexed_forms(texts) -> list[str]:
    """``indexed_form`` of each text, the same, with identical texts and OpenCC done once for all."""
    texts = list(texts)
    distinct = [text for text in dict.fromkeys(texts) if text]
    wide = [text for text in distinct if not text.isascii()]
    simplified = dict(zip(wide, _simplified_all(wide)))
    forms = {text: _pairs(_alnum(simplified.get(text, text))) for text in distinct}
    forms[""] = ""
    return [forms[text] for text in texts]


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


def _indexed_rows(rows, fields):
    """(id, indexed form of each field) per row, computed a batch of rows at a time."""
    rows = iter(rows)
    width = len(fields)
    while batch := list(islice(rows, _BATCH_ROWS)):
        forms = indexed_forms([row.get(f) or "" for row in batch for f in fields])
        for at, row in enumerate(batch):
            yield (row["id"], *forms[at * width:(at + 1) * width])


def index_comments(conn: sqlite3.Connection, rows) -> None:
    """Index many new comments at once (rows with ``id`` and the text fields)."""
    conn.executemany(
        "INSERT INTO comments_search(rowid, body, quoted_text, proposed_wording, reason, work_item) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        _indexed_rows(rows, COMMENT_FIELDS),
    )


def index_clauses(conn: sqlite3.Connection, rows) -> None:
    conn.executemany(
        "INSERT INTO clauses_search(rowid, heading, text) VALUES (?, ?, ?)",
        _indexed_rows(rows, CLAUSE_FIELDS),
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
