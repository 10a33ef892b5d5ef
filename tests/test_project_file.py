"""The .yjt file alone is the project; backups restore; only our files are touched."""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

import feedback
from feedback.outline import parse_lines
from storage.backups import (KEEP, BackupError, backup_dir, backup_infos, copy_database, list_backups,
                             make_backup, restore_backup)
from storage.project import Project, ProjectError
from storage.schema import APPLICATION_ID, SCHEMA_VERSION
from ui.cli import run

ROOT = Path(__file__).resolve().parents[1]
DRAFT = ["某市优化营商环境三年行动方案", "一、总体要求", "1.坚持问题导向。", "二、重点任务", "2.压减审批时限。",
         "3.推行告知承诺制。"]


def make_project(path, comments: int = 0) -> Project:
    project = Project.create(path, parse_lines(DRAFT))
    project.add_units([dict(name="市发展改革委", category="市级部门"), dict(name="城固县", category="县区")])
    project.add_round(sent_on=date(2024, 3, 1), deadline=date(2024, 3, 15),
                      recipients=[u.id for u in project.units()])
    for i in range(comments):
        project.add_comment(round_number=1, unit_id=project.units()[i % 2].id, clause_ref=project.clauses()[-1].ref if i % 2 else "总体意见",
                            body=f"建议第{i + 1}条：压减审批时限至{i + 3}个工作日。")
    return project


def count(path, table="comments") -> int:
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def digest(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def side_files(path) -> list[str]:
    return sorted(p.name for p in Path(path).parent.iterdir()
                  if p.name.startswith(Path(path).name + "-"))


# -- 2. the file alone is the project ------------------------------------------------------------

def test_a_copy_taken_while_the_project_is_open_holds_every_saved_action(tmp_path):
    path = tmp_path / "营商环境.yjt"
    project = make_project(path)
    for i in range(20):
        project.add_comment(round_number=1, unit_id=project.units()[0].id, clause_ref="总体意见",
                            body=f"意见{i}")
        assert side_files(path) == []  # no journal or log beside the file between actions
    shutil.copy(path, tmp_path / "邮件附件.yjt")  # the file alone, while the window has it open
    assert count(tmp_path / "邮件附件.yjt") == 20
    with Project.open(tmp_path / "邮件附件.yjt", read_only=True) as copy:
        assert len(copy.comments()) == 20
    project.close()


WRITER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    from storage.project import Project
    project = Project.open({path!r}, backup=False)
    unit = project.units()[0].id
    for i in range({n}):
        project.add_comment(round_number=1, unit_id=unit, clause_ref="总体意见", body=f"崩溃前的意见{{i}}")
        print(i + 1, flush=True)
    {tail}
""")


def run_writer(path, n, tail="time.sleep(60)"):
    return subprocess.Popen([sys.executable, "-c", WRITER.format(root=str(ROOT), path=str(path), n=n, tail=tail)],
                            stdout=subprocess.PIPE, text=True)


def test_after_kill_9_the_file_alone_holds_every_saved_comment(tmp_path):
    path = tmp_path / "p.yjt"
    make_project(path).close()
    writer = run_writer(path, 20)
    lines = [writer.stdout.readline() for _ in range(20)]
    assert lines[-1].strip() == "20"
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    shutil.copy(path, tmp_path / "拷走的.yjt")
    assert count(tmp_path / "拷走的.yjt") == 20
    with Project.open(path) as project:  # and the crashed file opens as it was
        assert len(project.comments()) == 20


HOT_JOURNAL = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, {root!r})
    from storage.project import Project
    project = Project.open({path!r}, backup=False)
    project.db.execute("PRAGMA cache_size = 5")  # pages reach the file before the commit
    unit = project.units()[0].id
    with project.transaction():
        for i in range(3000):
            project.db["comments"].insert(dict(round_id=1, unit_id=unit, clause_ref="总体意见",
                                               body="未提交的意见" * 20, created_at="2024-03-02"))
        os.kill(os.getpid(), signal.SIGKILL)
""")


def crash_inside_an_action(path):
    subprocess.run([sys.executable, "-c", HOT_JOURNAL.format(root=str(ROOT), path=str(path))])
    assert Path(str(path) + "-journal").stat().st_size > 0  # the crash left a hot journal


def test_a_crashed_actions_journal_is_rolled_back_on_its_own_file(tmp_path):
    path = tmp_path / "p.yjt"
    make_project(path, comments=5).close()
    crash_inside_an_action(path)
    with Project.open(path) as project:
        assert len(project.comments()) == 5 and project.notices == [] and project.damage is None
    assert side_files(path) == []


def test_a_leftover_journal_is_never_replayed_onto_another_copy(tmp_path):
    path = tmp_path / "p.yjt"
    make_project(path, comments=5).close()
    older = tmp_path / "older.yjt"
    shutil.copy(path, older)
    with Project.open(path, backup=False) as project:  # more work after the copy was taken
        for i in range(30):
            project.add_comment(round_number=1, unit_id=project.units()[0].id, clause_ref="总体意见",
                                body=f"后来的意见{i}" * 10)
    crash_inside_an_action(path)
    shutil.copy(older, path)  # the drafter puts the older copy back over the crashed file
    with Project.open(path) as project:
        assert len(project.comments()) == 5
        assert project.damage is None
        assert project.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert "不属于它的日志文件" in project.notices[0]
    assert not Path(str(path) + "-journal").exists()


def test_an_older_project_file_in_wal_mode_is_brought_into_the_one_file(tmp_path):
    path = tmp_path / "旧版.yjt"
    make_project(path, comments=3).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA application_id = 0")  # as files were written before the id
    conn.close()
    with Project.open(path) as project:
        assert project.db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert project.db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        project.add_comment(round_number=1, unit_id=project.units()[0].id, clause_ref="总体意见", body="新")
    assert count(path) == 4 and side_files(path) == []


# -- 3. backups that restore ----------------------------------------------------------------------

def test_restoring_any_backup_the_oldest_included_works(tmp_path):
    path = tmp_path / "p.yjt"
    make_project(path).close()
    for i in range(KEEP + 2):
        with Project.open(path) as project:  # each opening backs the file up as it was
            project.add_comment(round_number=1, unit_id=project.units()[0].id, clause_ref="总体意见",
                                body=f"第{i + 1}次打开时的意见")
    infos = backup_infos(path)
    assert len(infos) == KEEP
    assert [i.comments for i in infos] == list(range(KEEP + 1, 1, -1))  # newest first
    oldest = infos[-1]
    restore_backup(path, oldest.path)
    assert count(path) == oldest.comments
    with Project.open(path, backup=False) as project:
        assert len(project.comments()) == oldest.comments
    newest = backup_infos(path)[0]
    assert newest.label == "恢复前" and newest.comments == KEEP + 2  # what was replaced is kept


def test_an_interrupted_backup_is_never_listed_and_a_damaged_one_is_not_written(tmp_path):
    path = tmp_path / "p.yjt"
    make_project(path, comments=2).close()
    folder = backup_dir(path)
    folder.mkdir()
    (folder / ".写入中-p-20240301-101010-000000.yjt").write_bytes(b"SQLite format 3\x00" + b"\x00" * 50)
    assert list_backups(path) == []
    make_backup(path)
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []  # the leftover tidied
    broken = tmp_path / "broken.yjt"
    broken.write_bytes(path.read_bytes()[:4096])  # a file cut short
    with pytest.raises(BackupError):
        copy_database(broken, folder / "p-20240301-111111-000000.yjt")
    assert len(list_backups(path)) == 1


def test_the_backups_command_lists_and_restores(tmp_path, capsys):
    path = tmp_path / "营商环境.yjt"
    make_project(path, comments=4).close()
    Project.open(path).close()
    with Project.open(path) as project:
        project.add_comment(round_number=1, unit_id=project.units()[0].id, clause_ref="总体意见", body="新增")
    Project.open(path).close()
    assert run(["backups", str(path)]) == 0
    listing = capsys.readouterr().out
    assert "  1. " in listing and "  2. " in listing and "意见 5 条" in listing and "意见 4 条" in listing
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d  [\d.]+ (KB|MB)：", listing) and "单位 2 个" in listing
    assert run(["backups", str(path), "--restore", "2"]) == 0
    assert "已恢复第2份备份" in capsys.readouterr().out
    assert count(path) == 4
    assert run(["backups", str(path), "--restore", "9"]) == 2
    assert "只有" in capsys.readouterr().err
    with Project.open(path, backup=False):
        assert run(["backups", str(path), "--restore", "1"]) == 2
        assert "另一个窗口" in capsys.readouterr().err


# -- 4. only our files -------------------------------------------------------------------------------

def foreign_database(path, application_id=0) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO contacts(name) VALUES ('张三')")
    conn.execute(f"PRAGMA application_id = {application_id}")
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("application_id", [0, 0x4750_4B47])
def test_another_programs_sqlite_file_is_refused_unchanged(tmp_path, application_id, capsys):
    path = tmp_path / "通讯录.yjt"
    foreign_database(path, application_id)
    before = digest(path)
    with pytest.raises(ProjectError, match="“通讯录.yjt”不是意见通项目文件"):
        Project.open(path)
    assert run(["import-public", str(path), str(tmp_path / "x.xlsx")]) == 2
    assert run(["stats", str(path)]) == 2
    assert "不是意见通项目文件" in capsys.readouterr().err
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["通讯录.yjt"]


def test_a_newer_file_is_refused_unchanged_naming_both_versions(tmp_path):
    path = tmp_path / "新版.yjt"
    make_project(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE settings SET value = '9.1.0' WHERE key = 'app_version'")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(ProjectError) as caught:
        Project.open(path)
    message = str(caught.value)
    assert "9.1.0" in message and feedback.__version__ in message and "新版.yjt" in message
    assert digest(path) == before and side_files(path) == []
    assert not backup_dir(path).exists()


def test_the_writing_version_is_recorded(tmp_path):
    with make_project(tmp_path / "p.yjt") as project:
        assert project.db.execute("SELECT value FROM settings WHERE key = 'app_version'").fetchone()[0] \
            == feedback.__version__


def damage(path, pages=None) -> None:
    """Scribble over the comments' pages (or ``pages``), as a failing disk would."""
    conn = sqlite3.connect(path)
    if pages is None:
        pages = [r[0] for r in conn.execute("SELECT pageno FROM dbstat WHERE name = 'comments'")]
    conn.close()
    data = bytearray(Path(path).read_bytes())
    size = int.from_bytes(data[16:18], "big")
    for number in pages:
        offset = (number - 1) * size
        data[offset + 8:offset + 400] = os.urandom(392)
    Path(path).write_bytes(bytes(data))


def test_a_damaged_file_opens_read_only_and_the_last_good_backup_is_offered(tmp_path, capsys):
    path = tmp_path / "p.yjt"
    make_project(path, comments=30).close()
    Project.open(path).close()  # a good backup
    damage(path)
    with Project.open(path) as project:
        assert project.read_only
        assert "已损坏" in project.damage and "以只读方式打开" in project.damage
        assert "--restore 1" in project.damage
    assert len(list_backups(path)) == 1  # the damaged file did not push out a good backup
    assert run(["backups", str(path), "--restore", "1"]) == 0
    with Project.open(path) as project:
        assert not project.read_only and len(project.comments()) == 30


def test_a_file_damaged_beyond_reading_names_the_backup_to_restore(tmp_path):
    path = tmp_path / "p.yjt"
    make_project(path, comments=3).close()
    Project.open(path).close()
    damage(path, pages=[1])
    with pytest.raises(ProjectError, match="“p.yjt”(已损坏|不是意见通)"):
        Project.open(path)


def test_reading_commands_work_right_after_a_crash_inside_an_action(tmp_path, capsys):
    path = tmp_path / "p.yjt"
    make_project(path, comments=5).close()
    crash_inside_an_action(path)
    assert run(["stats", str(path), "--json"]) == 0
    assert '"comments_total": 5' in capsys.readouterr().out
    assert side_files(path) == []
