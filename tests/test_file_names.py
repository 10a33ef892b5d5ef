"""File names made from user data: safe on every system, unique, and a batch says what it wrote."""
from __future__ import annotations

from datetime import date

import openpyxl
import pytest

from exports.forms import UNIT_CELL, FormsIncomplete, write_forms
from exports.saving import MAX_NAME_BYTES, safe_file_name
from feedback.outline import parse_lines
from storage.project import Project
from ui.cli import run

# unit names as they come from registries and replies: a 300-character name, slashes both ways,
# Windows device names, characters Windows refuses, names differing only in case
NAMES = ["某" * 150 + "市" * 150, "办公室/综合科", "办公室\\综合科", "CON", "aux", "NUL.局", "COM1",
         '发改委:"规划科"*?', "市局<一>|", "ABC局", "abc局", "尾部有点.", "LPT9"]
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}


def test_names_are_safe_and_unique():
    taken: set[str] = set()
    names = [safe_file_name(n, ".xlsx", taken=taken) for n in NAMES]
    assert len({n.casefold() for n in names}) == len(NAMES)
    for name in names:
        assert not set(name) & set('/\\:*?"<>|')
        assert name.split(".")[0].upper() not in WINDOWS_RESERVED
        assert len(name) <= 85 and len(name.encode("utf-8")) <= MAX_NAME_BYTES
        assert not name[:-5].endswith((".", " "))
    assert names[1] == "办公室_综合科.xlsx" and names[2] == "办公室_综合科（2）.xlsx"
    assert names[10] == "abc局（2）.xlsx"


@pytest.fixture
def project(tmp_path):
    path = tmp_path / "项目.yjt"
    project = Project.create(path, parse_lines(["某市优化营商环境三年行动方案", "一、总体要求", "1.坚持问题导向。"]))
    project.update_plan(title="某市/某县优化营商环境三年行动方案")
    project.add_units([dict(name=n, category="市级部门") for n in NAMES])
    project.add_round(sent_on=date(2024, 3, 1), deadline=date(2024, 3, 15), recipients=[u.id for u in project.units()])
    yield project
    project.close()


def test_forms_for_hostile_unit_names_are_all_written(project, tmp_path):
    out = tmp_path / "反馈表"
    written = write_forms(project, out)
    assert len(written) == len(NAMES) + 1
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in written)
    units = {openpyxl.load_workbook(p).worksheets[0][UNIT_CELL].value for p in written}
    assert set(NAMES) <= units  # each form still names its unit in full
    single = write_forms(project, tmp_path / "合", single_workbook=True)
    assert "/" not in single[0].name and single[0].exists()


def test_a_batch_stopped_part_way_says_exactly_what_was_written(project, tmp_path, monkeypatch):
    import exports.forms

    real_save = exports.forms._save
    calls = []

    def failing(workbook, path, context=None):
        calls.append(path)
        if len(calls) == 4:
            raise OSError(28, "No space left on device")
        return real_save(workbook, path, context)

    monkeypatch.setattr(exports.forms, "_save", failing)
    with pytest.raises(FormsIncomplete) as caught:
        write_forms(project, tmp_path / "反馈表")
    message = str(caught.value)
    assert "磁盘空间已满" in message and "已写出3个" in message
    on_disk = sorted(p.name for p in (tmp_path / "反馈表").iterdir())
    assert len(on_disk) == 3 and all(f"“{name}”" in message for name in on_disk)
    calls.clear()  # the command line's batch stops at its fourth form too, and says so
    assert run(["forms", str(project.path), "--out", str(tmp_path / "命令行")]) == 2
    assert len(list((tmp_path / "命令行").iterdir())) == 3
