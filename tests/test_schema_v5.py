"""Versions' dates and notes on changes moved from JSON in settings to tables of their own (schema 5)."""
import json
import sqlite3
from datetime import date

from feedback.outline import parse_lines
from storage import versions
from storage.project import Project
from storage.schema import SCHEMA_VERSION, migrate, schema_version
from tests.fixtures.revised_drafts import FIRST_DRAFT, SECOND_DRAFT


def test_a_version_4_file_keeps_its_dates_and_notes_after_the_upgrade(tmp_path):
    path = tmp_path / "旧项目.yjt"
    project = Project.create(path, parse_lines(FIRST_DRAFT))
    versions.import_revision(project, parse_lines(SECOND_DRAFT))
    key = versions.changes_between(project, 1, 2)[0].group.key
    project.close()
    # the file as version 4 wrote it: the two tables' contents as JSON in settings
    conn = sqlite3.connect(path)
    conn.executescript("DROP TABLE change_notes; DROP TABLE comment_numbers; ALTER TABLE versions DROP COLUMN formed_on; PRAGMA user_version = 4")
    conn.execute("INSERT INTO settings(key, value) VALUES ('version_dates', ?)",
                 [json.dumps({"2": "2023-05-06"})])
    conn.execute("INSERT INTO settings(key, value) VALUES ('change_notes', ?)",
                 [json.dumps({"1→2": {key: "吸收市财政局意见。"}}, ensure_ascii=False)])
    conn.commit()
    conn.close()

    with Project.open(path, backup=False) as upgraded:
        assert schema_version(upgraded.db.conn) == SCHEMA_VERSION == 6
        assert versions.version_date(upgraded, 2) == date(2023, 5, 6)
        assert versions.change_notes(upgraded, 1, 2) == {key: "吸收市财政局意见。"}
        assert upgraded.db.execute("SELECT count(*) FROM settings WHERE key IN ('version_dates', 'change_notes')"
                                   ).fetchone()[0] == 0
        versions.set_change_note(upgraded, 1, 2, key, "")
        assert versions.change_notes(upgraded, 1, 2) == {}
    assert (tmp_path / "旧项目.格式4备份.yjt").is_file()  # the file as it was, kept before the upgrade


def test_a_new_file_has_the_tables():
    conn = sqlite3.connect(":memory:")
    assert migrate(conn) == (0, 6)
    columns = [row[1] for row in conn.execute("PRAGMA table_info(versions)")]
    assert "formed_on" in columns and conn.execute("SELECT count(*) FROM change_notes").fetchone()[0] == 0
