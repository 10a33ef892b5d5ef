"""The project file's schema, declared in one place, with its forward migrations.

The schema version lives in ``PRAGMA user_version`` and the file says it is ours by
``PRAGMA application_id`` (``APPLICATION_ID``); both are read from the file's header before
SQLite opens it (``read_header``). ``MIGRATIONS[n]`` takes a file from version ``n - 1`` to
version ``n``; opening a file runs the missing ones in order.

>>> import sqlite3
>>> conn = sqlite3.connect(':memory:')
>>> migrate(conn)
(0, 6)
>>> schema_version(conn) == SCHEMA_VERSION, hex(conn.execute('PRAGMA application_id').fetchone()[0])
(True, '0x594a5431')
"""
from __future__ import annotations

import json
import sqlite3
from typing import Callable, NamedTuple

from feedback.vocabulary import UnitCategory

FILE_SUFFIX = ".yjt"
SCHEMA_VERSION = 6
APPLICATION_ID = 0x594A5431  # "YJT1" in the file header: a project file of this program
# what a project file from before the application id holds
OUR_TABLES = frozenset({"plan", "versions", "clauses", "categories", "units", "rounds", "comments", "history"})
SQLITE_MAGIC = b"SQLite format 3\x00"


class Header(NamedTuple):
    """The fields of a SQLite file's 100-byte header that tell whose file it is."""

    is_sqlite: bool
    application_id: int
    user_version: int
    wal: bool          # the file was left in write-ahead-log mode (an older project file)


def read_header(path) -> Header:
    """The header of ``path`` read as bytes: nothing opens or changes the file."""
    with open(path, "rb") as handle:
        head = handle.read(100)
    if len(head) < 100 or not head.startswith(SQLITE_MAGIC):
        return Header(False, 0, 0, False)
    return Header(True, int.from_bytes(head[68:72], "big"), int.from_bytes(head[60:64], "big"),
                  head[18] == 2 or head[19] == 2)

_V1 = """
CREATE TABLE plan (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    title TEXT NOT NULL DEFAULT '',
    short_name TEXT NOT NULL DEFAULT '',
    drafting_unit TEXT NOT NULL DEFAULT '',
    addressee TEXT NOT NULL DEFAULT '',
    locality TEXT NOT NULL DEFAULT '',
    contact_person TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    drafted_on TEXT,
    written_on TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE versions (
    id INTEGER PRIMARY KEY,
    number INTEGER NOT NULL UNIQUE,
    title TEXT NOT NULL DEFAULT '',
    style TEXT NOT NULL DEFAULT 'plan',
    source_file TEXT NOT NULL DEFAULT '',
    imported_at TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    warnings TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE clauses (
    id INTEGER PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    ref TEXT NOT NULL,
    label TEXT NOT NULL,
    level INTEGER NOT NULL,
    kind TEXT NOT NULL,
    number INTEGER NOT NULL DEFAULT 0,
    heading TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL DEFAULT '',
    parent_ref TEXT,
    lead_units TEXT NOT NULL DEFAULT '[]',
    responsible_units TEXT NOT NULL DEFAULT '[]',
    tables TEXT NOT NULL DEFAULT '[]',
    UNIQUE (version_id, ref)
);
CREATE TABLE categories (
    name TEXT PRIMARY KEY,
    position INTEGER NOT NULL
);
CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    category TEXT NOT NULL REFERENCES categories(name) ON UPDATE CASCADE,
    aliases TEXT NOT NULL DEFAULT '[]',
    contact_person TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT ''
);
CREATE TABLE rounds (
    id INTEGER PRIMARY KEY,
    number INTEGER NOT NULL UNIQUE,
    method TEXT NOT NULL DEFAULT 'written',
    version_id INTEGER NOT NULL REFERENCES versions(id),
    sent_on TEXT,
    deadline TEXT,
    note TEXT NOT NULL DEFAULT ''
);
CREATE TABLE recipients (
    round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    unit_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    reply_state TEXT NOT NULL DEFAULT 'none',
    replied_on TEXT,
    source TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (round_id, unit_id)
);
CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES rounds(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    clause_ref TEXT NOT NULL,
    quoted_text TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    proposed_wording TEXT NOT NULL DEFAULT '',
    received_on TEXT,
    source TEXT NOT NULL DEFAULT '',
    submissions INTEGER NOT NULL DEFAULT 1,
    disposition TEXT NOT NULL DEFAULT 'pending',
    reason TEXT NOT NULL DEFAULT '',
    work_item TEXT NOT NULL DEFAULT '',
    handler TEXT NOT NULL DEFAULT '',
    decided_on TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX comments_round_unit ON comments(round_id, unit_id);
CREATE INDEX comments_clause ON comments(clause_ref);
CREATE INDEX comments_disposition ON comments(disposition);
CREATE TABLE history (
    id INTEGER PRIMARY KEY,
    comment_id INTEGER NOT NULL,
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    who TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL
);
CREATE INDEX history_comment ON history(comment_id);
"""

# v2: the search index over character pairs (see storage/search.py), which
# finds Chinese substrings of any length through the index.
_V2 = """
CREATE VIRTUAL TABLE comments_search USING fts5(body, quoted_text, proposed_wording, reason, work_item,
    tokenize = 'unicode61 remove_diacritics 0');
CREATE VIRTUAL TABLE clauses_search USING fts5(heading, text,
    tokenize = 'unicode61 remove_diacritics 0');
"""


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    # executescript() would commit the migration's transaction half-way
    for statement in script.split(";\n"):
        if statement.strip():
            conn.execute(statement)


# v3: what collecting forms, public comments, documents and revisions keep.
_V3 = """
CREATE TABLE collected_files (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    unit_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    collected_at TEXT NOT NULL,
    comment_ids TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX collected_files_round_unit ON collected_files(round_id, unit_id);
CREATE TABLE public_submissions (
    id INTEGER PRIMARY KEY,
    comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    submitter TEXT NOT NULL DEFAULT '',
    submitted_on TEXT,
    text TEXT NOT NULL,
    clause_text TEXT NOT NULL DEFAULT '',
    source_row INTEGER
);
CREATE INDEX public_submissions_comment ON public_submissions(comment_id);
CREATE TABLE document_sections (
    id INTEGER PRIMARY KEY,
    document TEXT NOT NULL DEFAULT 'explanation',
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    generated TEXT NOT NULL DEFAULT ''
);
CREATE TABLE clause_matches (
    id INTEGER PRIMARY KEY,
    from_version INTEGER NOT NULL,
    to_version INTEGER NOT NULL,
    from_ref TEXT,
    to_ref TEXT,
    relation TEXT NOT NULL,
    score REAL NOT NULL DEFAULT 0,
    confirmed INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX clause_matches_versions ON clause_matches(from_version, to_version);
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


def _v1(conn: sqlite3.Connection) -> None:
    _run_script(conn, _V1)
    conn.executemany("INSERT INTO categories(name, position) VALUES (?, ?)",
                     [(c.label, i) for i, c in enumerate(UnitCategory)])


def _v2(conn: sqlite3.Connection) -> None:
    from storage.search import rebuild_index

    _run_script(conn, _V2)
    rebuild_index(conn)


def _v3(conn: sqlite3.Connection) -> None:
    _run_script(conn, _V3)


# v4: covering indexes, so the statistics read indexes only, never the comment texts.
_V4 = """
DROP INDEX comments_round_unit;
CREATE INDEX comments_tally ON comments(round_id, unit_id, disposition, work_item);
CREATE INDEX comments_clause_tally ON comments(round_id, clause_ref)
"""


def _v4(conn: sqlite3.Connection) -> None:
    _run_script(conn, _V4)


# v5: the day each version was formed and the notes on changes in tables of their own (were JSON in settings).
_V5 = """
ALTER TABLE versions ADD COLUMN formed_on TEXT;
CREATE TABLE change_notes (
    from_version INTEGER NOT NULL,
    to_version INTEGER NOT NULL,
    change_key TEXT NOT NULL,
    note TEXT NOT NULL,
    PRIMARY KEY (from_version, to_version, change_key)
)
"""


def _json_setting(conn: sqlite3.Connection, key: str) -> dict:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    try:
        value = json.loads(row[0]) if row else {}
    except ValueError:
        value = {}
    return value if isinstance(value, dict) else {}


def _v5(conn: sqlite3.Connection) -> None:
    _run_script(conn, _V5)
    for number, day in _json_setting(conn, "version_dates").items():
        if str(number).isdigit() and isinstance(day, str):
            conn.execute("UPDATE versions SET formed_on = ? WHERE number = ?", [day[:10], int(number)])
    for pair, notes in _json_setting(conn, "change_notes").items():
        numbers = str(pair).split("→")
        if len(numbers) != 2 or not all(n.isdigit() for n in numbers) or not isinstance(notes, dict):
            continue
        conn.executemany("INSERT OR REPLACE INTO change_notes(from_version, to_version, change_key, note) "
                         "VALUES (?, ?, ?, ?)", [(int(numbers[0]), int(numbers[1]), str(key), str(note))
                                                 for key, note in notes.items() if str(note).strip()])
    conn.execute("DELETE FROM settings WHERE key IN ('version_dates', 'change_notes')")


# v6: the number each comment bears in every document, fixed once a document has gone out.
_V6 = """
CREATE TABLE comment_numbers (
    comment_id INTEGER PRIMARY KEY REFERENCES comments(id) ON DELETE CASCADE,
    number INTEGER NOT NULL UNIQUE
)
"""


def _v6(conn: sqlite3.Connection) -> None:
    _run_script(conn, _V6)


MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _v1, 2: _v2, 3: _v3, 4: _v4, 5: _v5, 6: _v6}


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> tuple[int, int]:
    """Run the missing migrations, each in its own transaction; return (from, to)."""
    start = schema_version(conn)
    for version in range(start + 1, target + 1):
        conn.execute("BEGIN")
        try:
            MIGRATIONS[version](conn)
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:  # a file from before the id
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    return start, max(start, target)
