"""Returned .xlsx forms read the way people fill them: clauses typed by hand, rows that cannot be
placed, comments in the wrong column, forms saved again by another spreadsheet program."""
from datetime import date

import pytest

from exports.forms import collect_forms, form_context, write_form
from feedback.outline import parse_lines
from feedback.vocabulary import UNPLACED_CLAUSE_REF
from storage.project import Project
from tests.fixtures import replies
from tests.fixtures.fill_forms import edit_cell, fill_form


@pytest.fixture
def project(tmp_path, demo_lines):
    project = Project.create(tmp_path / "计划.yjt", parse_lines(demo_lines))
    project.add_units([dict(name="市财政局", category="市级部门"), dict(name="市公安局", category="市级部门")])
    project.add_round(sent_on=date(2023, 4, 1), deadline=date(2023, 4, 12), recipients=[1, 2])
    yield project
    project.close()


def form_for(project, tmp_path, name="市财政局"):
    unit = next(u for u in project.units() if u.name == name)
    return write_form(form_context(project), tmp_path / f"{name}.xlsx", unit)


def test_a_clause_typed_by_hand_is_resolved_like_a_letters(project, tmp_path):
    form = fill_form(form_for(project, tmp_path), [("第三部分第（二）项第4条", "建议明确资金来源。", "", "")])
    report = collect_forms(project, [form])[0]
    assert report.status == "imported"
    assert [c.clause_ref for c in project.comments()] == ["三（二）4"]
    assert any("第7行" in note and "三（二）4" in note for note in report.notes)


def test_a_row_that_cannot_be_placed_comes_in_unplaced_with_the_valid_rows(project, tmp_path):
    form = fill_form(form_for(project, tmp_path), [("三（二）4 加快教育信息化建设", "建议一", "", ""),
                                                  ("第三部分第（九）条第23项", "建议二", "", ""),
                                                  ("第三部分第（二十）条第99项", "建议三", "", "")])
    report = collect_forms(project, [form])[0]
    assert report.status == "imported" and report.comments == 3
    assert [c.clause_ref for c in project.comments()] == ["三（二）4", "三（九）23", UNPLACED_CLAUSE_REF]
    note = next(n for n in report.notes if "第9行" in n)
    assert "第三部分第（二十）条第99项" in note and UNPLACED_CLAUSE_REF in note


def test_a_comment_typed_into_the_proposed_wording_column(project, tmp_path):
    form = fill_form(form_for(project, tmp_path),
                     [("三（二）4 加快教育信息化建设", "", "建议将“每年划拨专门资金”改为“统筹安排资金”", "")])
    report = collect_forms(project, [form])[0]
    comment = project.comments()[0]
    assert comment.body == "建议将“每年划拨专门资金”改为“统筹安排资金”"
    assert comment.proposed_wording == "统筹安排资金" and not comment.body.startswith("建议修改为")
    assert any("修改后表述" in n for n in report.notes)


def test_structural_tampering_is_still_refused_whole_naming_the_cell(project, tmp_path):
    form = fill_form(form_for(project, tmp_path), [("第三部分第（二）项第4条", "建议一", "", "")])
    edit_cell(form, "D6", "建议")
    report = collect_forms(project, [form])[0]
    assert report.status == "rejected" and "D6" in report.message and project.count_comments() == 0


def test_a_form_saved_again_by_libreoffice_comes_in(project, tmp_path):
    form = fill_form(form_for(project, tmp_path), [("第三部分第（二）项第4条", "建议明确资金来源。", "", "")])
    saved = replies.convert(form, "xlsx:Calc MS Excel 2007 XML")
    if saved is None:
        pytest.skip("LibreOffice is not installed")
    report = collect_forms(project, [saved])[0]
    assert report.status == "imported", report.message
    assert [(c.unit_name, c.clause_ref) for c in project.comments()] == [("市财政局", "三（二）4")]


def test_identifiers_saved_as_decimals_are_read(project, tmp_path):
    """A spreadsheet program that turned the identifier numbers into text “1.0” still gives the same form."""
    from tests.fixtures.fill_forms import tamper_identity

    form = fill_form(form_for(project, tmp_path), [("三（二）4 加快教育信息化建设", "建议一", "", "")])
    for column in (3, 4, 5):
        tamper_identity(form, column, "1.0")
    report = collect_forms(project, [form])[0]
    assert report.status == "imported", report.message
