"""The machine's faults in Chinese, naming the file: full disk, read-only place, a file gone;
``new`` built aside; the error log in the user's data folder.

Full disks and read-only places are real small file systems (tmpfs), so these tests need
root and skip without it."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
from contextlib import contextmanager
from pathlib import Path

import pytest

from storage.backups import list_backups
from storage.project import Project, ProjectError
from tests.test_project_file import ROOT, count, make_project
from ui.cli import run


def _mount(folder: Path, size: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                            capture_output=True)
    if result.returncode:
        pytest.skip("needs root to mount a small file system")


@contextmanager
def small_disk(folder: Path, size: str = "2m"):
    if os.name != "posix" or os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("needs root to mount a small file system")
    _mount(folder, size)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def read_only(folder: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)


def fill(folder: Path) -> None:
    """Take every free byte of the file system."""
    with open(folder / "填满.bin", "wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass


def test_a_full_disk_says_so_and_keeps_the_project_whole(tmp_path, capsys):
    with small_disk(tmp_path / "disk", "1m") as disk:
        path = disk / "项目.yjt"
        make_project(path, comments=3).close()
        fill(disk)
        project = Project.open(path)  # the backup could not be written: said, not listed empty
        assert any("未能备份" in n and "磁盘空间已满" in n for n in project.notices)
        assert list_backups(path) == []
        saved = 3
        with pytest.raises(ProjectError) as caught:
            for i in range(200):
                project.add_comment(round_number=1, unit_id=project.units()[0].id, clause_ref="总体意见",
                                    body=f"第{i}条很长的意见" * 400)
                saved += 1
        assert "项目.yjt" in str(caught.value) and "磁盘空间已满" in str(caught.value)
        project.close()
        assert count(path) == saved
        assert run(["stats", str(path)]) == 0  # reading still works
        assert run(["units", str(path), "--import", str(ROOT / "README.md")]) == 2
        assert "OperationalError" not in capsys.readouterr().err


def test_a_read_only_place_reads_and_refuses_writing_in_chinese(tmp_path, capsys):
    with small_disk(tmp_path / "share") as share:
        path = share / "共享项目.yjt"
        make_project(path, comments=4).close()
        read_only(share)
        capsys.readouterr()
        assert run(["stats", str(path)]) == 0
        assert run(["search", str(path), "压减"]) == 0
        assert run(["explain", str(path), "--out", str(tmp_path / "说明.docx"), "--force"]) == 0
        assert (tmp_path / "说明.docx").stat().st_size > 0
        capsys.readouterr()
        assert run(["units", str(path), "--import", str(tmp_path / "名录.xlsx")]) == 2
        err = capsys.readouterr().err
        assert "共享项目.yjt" in err and "只读" in err and "Error" not in err
        assert run(["explain", str(path), "--out", str(share / "说明.docx"), "--force"]) == 2
        err = capsys.readouterr().err
        assert "说明.docx" in err and "只读" in err
        with pytest.raises(ProjectError, match="所在位置不能写入"):
            Project.open(path)


def test_a_project_deleted_while_open_is_never_written_in_silence(tmp_path):
    path = tmp_path / "p.yjt"
    project = make_project(path)
    os.replace(path, tmp_path / "挪走了.yjt")
    with pytest.raises(ProjectError, match="“p.yjt”已被删除、移动或替换"):
        project.add_comment(round_number=1, unit_id=project.units()[0].id, clause_ref="总体意见", body="意见")
    project.close()
    assert count(tmp_path / "挪走了.yjt") == 0


SLOW_NEW = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    from storage.draft_versions import Versions
    def slow(self, *args, **kwargs):
        print("building", flush=True)
        time.sleep(60)
    Versions.insert = slow
    from ui.cli import run
    run(["new", {path!r}, "--draft", {draft!r}])
""")


def test_a_kill_during_new_leaves_no_husk(tmp_path):
    draft = tmp_path / "草案.txt"
    draft.write_text("某市优化营商环境三年行动方案\n一、总体要求\n1.坚持问题导向。\n", encoding="utf-8")
    path = tmp_path / "新项目.yjt"
    child = subprocess.Popen([sys.executable, "-c", SLOW_NEW.format(root=str(ROOT), path=str(path), draft=str(draft))],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "building"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert not path.exists()
    assert run(["new", str(path), "--draft", str(draft)]) == 0
    with Project.open(path) as project:
        assert project.plan().title and project.clauses()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".新建中")] == []  # the aside file tidied


def test_an_unexpected_error_goes_to_the_users_own_log(tmp_path, monkeypatch, capsys):
    import ui.cli.basic

    monkeypatch.setenv("YIJIANTONG_DATA", str(tmp_path / "数据"))

    def broken(args):
        raise ZeroDivisionError("意外")

    monkeypatch.setitem(ui.cli.basic.COMMANDS, "stats", broken)
    assert run(["stats", str(tmp_path / "p.yjt")]) == 2
    err = capsys.readouterr().err
    log = tmp_path / "数据" / "logs" / "yijiantong.log"
    assert str(log) in err and "ZeroDivisionError" in err
    assert "ZeroDivisionError: 意外" in log.read_text(encoding="utf-8")


def test_an_import_whose_file_vanished_never_says_imported(tmp_path, capsys):
    path = tmp_path / "p.yjt"
    make_project(path).close()
    capsys.readouterr()
    assert run(["collect", str(path), str(tmp_path / "已删除的反馈表.xlsx")]) == 1
    out = capsys.readouterr()
    assert "已删除的反馈表.xlsx" in out.out and "找不到" in out.out and "已导入" not in out.out
    assert run(["import-public", str(path), str(tmp_path / "已删除的导出表.csv")]) == 2
    err = capsys.readouterr().err
    assert "已删除的导出表.csv" in err and "已导入" not in err
    assert count(path) == 0


def test_a_full_disk_on_the_command_line_prints_no_english(tmp_path):
    """The program's log records go to the user's log, not to the console beside the Chinese line."""
    with small_disk(tmp_path / "disk", "1m") as disk:
        path = disk / "项目.yjt"
        make_project(path, comments=3).close()
        fill(disk)
        data = tmp_path / "数据"
        result = subprocess.run(
            [sys.executable, str(ROOT / "main.py"), "comment", str(path), "add", "--unit", "城固县",
             "--clause", "总体意见", "--text", "很长的意见" * 2000],
            capture_output=True, text=True, env={**os.environ, "YIJIANTONG_DATA": str(data)})
        assert result.returncode == 2
        assert "OperationalError" not in result.stderr and "failed" not in result.stderr
        assert result.stderr.count("错误：") == 1 and "项目.yjt" in result.stderr and "磁盘空间已满" in result.stderr
        assert "OperationalError" in (data / "logs" / "yijiantong.log").read_text(encoding="utf-8")
        assert count(path) == 3


def test_forms_are_written_from_a_project_on_a_read_only_share(tmp_path, capsys):
    with small_disk(tmp_path / "share") as share:
        path, first = share / "共享项目.yjt", share / "新项目.yjt"
        make_project(path, comments=2).close()
        make_project(first).close()
        assert run(["forms", str(path), "--out", str(tmp_path / "第一次")]) == 0  # the forms' keys are kept
        read_only(share)
        assert run(["forms", str(path), "--out", str(tmp_path / "反馈表")]) == 0
        assert sorted(p.name.split("—")[0] for p in (tmp_path / "反馈表").glob("*.xlsx")) == ["城固县", "市发展改革委", "空白"]
        capsys.readouterr()
        assert run(["forms", str(first), "--out", str(tmp_path / "无识别码")]) == 2  # none made yet: said so
        err = capsys.readouterr().err
        assert "新项目.yjt" in err and "只读" in err and err.count("\n") == 1
