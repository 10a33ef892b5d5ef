"""Writing into a folder that cannot be written: one Chinese line naming the file and why, exit 2.

The folder is made read-only by its mode; where that does not stop the user (root), a
read-only folder of the system (/sys) stands in, and without one the tests skip.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from feedback.outline import parse_lines
from storage.project import Project
from storage.versions import import_revision
from tests.fixtures.regulation_revision import FIRST, SECOND
from tests.test_cli_ledger import run


def _writable(folder: Path) -> bool:
    try:
        handle, name = tempfile.mkstemp(dir=folder)
    except OSError:
        return False
    os.close(handle)
    os.unlink(name)
    return True


@pytest.fixture
def read_only_folder(tmp_path):
    folder = tmp_path / "只读"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        if _writable(folder):
            system = Path("/sys")
            if not system.is_dir() or _writable(system):
                pytest.skip("没有可用的只读文件夹")
            folder = system
        yield folder
    finally:
        (tmp_path / "只读").chmod(0o755)


@pytest.fixture
def project_path(tmp_path):
    project = Project.create(tmp_path / "窨井.yjt", parse_lines(FIRST))
    project.add_unit("市公安局", "市级部门")
    project.add_round(recipients=[1])
    import_revision(project, parse_lines(SECOND))
    project.add_round(recipients=[1])
    path = project.path
    project.close()
    return path


@pytest.mark.parametrize("command, name", [
    (("redline", "--force", "--out", "{}/修订.docx"), "修订.docx"),
    (("compare", "--force", "--out", "{}/对照表.docx"), "对照表.docx"),
    (("compare", "--force", "--out", "{}/对照表.xlsx"), "对照表.xlsx"),
    (("letter", "--force", "--round", "2", "--unit", "市公安局", "--out", "{}/函.docx"), "函.docx"),
    (("forms", "--round", "2", "--changed-only", "--out", "{}"), "市公安局"),
    (("forms", "--round", "2", "--out", "{}/第二轮"), "第二轮"),
    (("ledger", "--out", "{}/汇总表.xlsx"), "汇总表.xlsx"),
    (("ledger", "--out", "{}/汇总/汇总表.xlsx"), "汇总"),
])
def test_a_read_only_folder_is_one_chinese_line(project_path, read_only_folder, command, name):
    args = [a.format(read_only_folder) for a in command]
    result = run(args[0], project_path, *args[1:])
    assert result.returncode == 2, result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("错误：")]
    assert len(errors) == 1 and name in errors[0] and "权限" in errors[0], result.stderr
    assert "Traceback" not in result.stderr and "Permission denied" not in result.stderr
    assert "Exception" not in result.stderr


@pytest.mark.parametrize("command, name", [
    (("new", "{}/新项目.yjt", "--draft", "{draft}"), "新项目.yjt"),
    (("demo-project", "{}/演示.yjt"), "演示.yjt"),
    (("units", "{project}", "--export", "{}/名录.xlsx"), "名录.xlsx"),
    (("units", "{project}", "--export", "{}/名录.csv"), "名录.csv"),
])
def test_a_project_or_registry_in_a_read_only_folder_is_one_chinese_line(project_path, read_only_folder, tmp_path,
                                                                         command, name):
    from tests.fixtures.regulation_revision import write_txt

    draft = write_txt(FIRST, tmp_path / "草案.txt")
    result = run(*[a.format(read_only_folder, draft=draft, project=project_path) for a in command])
    assert result.returncode == 2, result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("错误：")]
    assert len(errors) == 1 and name in errors[0] and "Traceback" not in result.stderr, result.stderr


def test_a_project_in_a_missing_folder_is_one_chinese_line(tmp_path):
    from tests.fixtures.regulation_revision import write_txt

    result = run("new", tmp_path / "没有" / "新项目.yjt", "--draft", write_txt(FIRST, tmp_path / "草案.txt"))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == f"错误：无法建立“新项目.yjt”：文件夹“{tmp_path / '没有'}”不存在。"
