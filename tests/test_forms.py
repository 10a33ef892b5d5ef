"""Feedback forms written, filled in the way units fill them, and collected."""
import json
import shutil
import zipfile
from argparse import Namespace
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from exports.forms import (CLAUSE_SHEET, FIRST_ANSWER_ROW, FORM_SHEET, HEADER_ROW, ID_SHEET, collect_forms,
                           read_form, write_form, write_forms, form_context)
from feedback.progress import Cancelled, Progress
from feedback.outline import parse_lines
from feedback.vocabulary import Disposition, ReplyState, RoundMethod
from storage.project import Project
from tests.fixtures.fill_forms import edit_cell, fill_form, insert_rows, merge_cells, tamper_identity

TODAY = date(2023, 4, 20)
BEFORE_DEADLINE = date(2023, 4, 10)
OPTION_TASK4 = "三（二）4 加快教育信息化建设"


@pytest.fixture
def project(tmp_path, demo_lines):
    project = Project.create(tmp_path / "计划.yjt", parse_lines(demo_lines))
    project.update_plan(title="汉中市提高教育质量三年行动计划", contact_person="张珊", contact_phone="0916-2626670")
    project.add_units([dict(name="市财政局", category="市级部门"), dict(name="市公安局", category="市级部门"),
                       dict(name="汉台区", category="县区"), dict(name="市第一中学", category="局属单位"),
                       dict(name="市体育局", category="市级部门")])
    ids = {u.name: u.id for u in project.units()}
    recipients = [ids[n] for n in ("市财政局", "市公安局", "汉台区", "市第一中学")]
    project.add_round(sent_on=date(2023, 4, 1), deadline=date(2023, 4, 12), recipients=recipients)
    yield project
    project.close()


def unit_id(project, name):
    return next(u.id for u in project.units() if u.name == name)


def test_a_form_is_locked_except_the_answers_and_knows_itself(project, tmp_path):
    files = write_forms(project, tmp_path / "forms")
    assert sorted(p.name for p in files) == sorted(
        ["市财政局—行动计划—反馈表.xlsx", "市公安局—行动计划—反馈表.xlsx", "汉台区—行动计划—反馈表.xlsx",
         "市第一中学—行动计划—反馈表.xlsx", "空白—行动计划—反馈表（名单外单位填写）.xlsx"])
    workbook = load_workbook(tmp_path / "forms" / "市财政局—行动计划—反馈表.xlsx")
    ws = workbook[FORM_SHEET]
    assert workbook[ID_SHEET].sheet_state == "veryHidden" and workbook[CLAUSE_SHEET].sheet_state == "veryHidden"
    assert workbook.security.lockStructure
    assert ws.protection.sheet and not ws.protection.password
    assert ws["B2"].value == "市财政局" and ws["B2"].protection.locked
    assert [c.value for c in ws[HEADER_ROW]] == ["序号", "条款", "意见建议", "修改后表述", "理由依据"]
    assert ws[f"A{HEADER_ROW}"].protection.locked and ws[f"A{HEADER_ROW}"].font.name == "黑体"
    assert not ws[f"C{FIRST_ANSWER_ROW}"].protection.locked and ws[f"C{FIRST_ANSWER_ROW}"].font.name == "仿宋"
    assert not ws["B4"].protection.locked and ws["B4"].value == "否"
    options = [row[0] for row in workbook[CLAUSE_SHEET].iter_rows(values_only=True)]
    assert options[0] == "总体意见" and OPTION_TASK4 in options and "三（十）28 深化教育评价改革" in options
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert {dv.formula1 for dv in lists} == {"YJT_CLAUSES", '"是,否"'}
    assert f"B{FIRST_ANSWER_ROW}" in str(next(dv.sqref for dv in lists if dv.formula1 == "YJT_CLAUSES"))
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert "2023年4月12日" in ws["E2"].value and "张珊" in ws["A5"].value
    blank = load_workbook(tmp_path / "forms" / "空白—行动计划—反馈表（名单外单位填写）.xlsx")[FORM_SHEET]
    assert blank["B2"].value is None and not blank["B2"].protection.locked


def test_collecting_takes_good_forms_and_rejects_each_mistake_whole(project, tmp_path):
    forms = tmp_path / "forms"
    write_forms(project, forms)
    back = tmp_path / "back"
    back.mkdir()
    fill_form(forms / "市财政局—行动计划—反馈表.xlsx", [
        (OPTION_TASK4, "=SUM(A1:A3) 建议明确经费来源", "市、县财政部门每年安排专项资金", "便于落实"),
        ("三 (二) 3", "建议补充学位建设的时限。", "", ""),
        (None, "-建议总体上压减任务数量", "", "")], out=back / "市财政局.xlsx")
    fill_form(forms / "市公安局—行动计划—反馈表.xlsx", no_comments=True, out=back / "市公安局.xlsx")
    edit_cell(forms / "汉台区—行动计划—反馈表.xlsx", f"C{HEADER_ROW}", "意见", out=back / "汉台区.xlsx")
    filled = fill_form(forms / "市第一中学—行动计划—反馈表.xlsx",
                       [(OPTION_TASK4, "建议增加", "", ""), ("总体意见", "很好", "", "")],
                       out=tmp_path / "一中.xlsx")
    merge_cells(filled, "C8:D8", out=back / "市第一中学.xlsx")
    fill_form(forms / "空白—行动计划—反馈表（名单外单位填写）.xlsx", [("总体意见", "建议增加体育课时", "", "")],
              unit_name="汉中市体育局", out=back / "体育局.xlsx")
    questions = []

    def confirm(question):
        questions.append((question.kind, str(question)))
        return True

    reports = collect_forms(project, [back], confirm=confirm, received_on=TODAY)
    by_file = {r.file: r for r in reports}
    assert [r.file for r in reports] == sorted(p.name for p in back.iterdir())
    assert by_file["市财政局.xlsx"].status == "imported" and by_file["市财政局.xlsx"].comments == 3
    assert by_file["市财政局.xlsx"].notes == [f"第{FIRST_ANSWER_ROW + 2}行未选择条款，已记为“待定位”"]
    assert by_file["市公安局.xlsx"].status == "no_comments"
    assert by_file["汉台区.xlsx"].message == \
        "反馈表“汉台区.xlsx”被退回：工作表“反馈意见”第6行表头被改动（C6 应为“意见建议”）"
    assert by_file["市第一中学.xlsx"].status == "rejected"
    assert "第8行答复区域有合并单元格（C8:D8）" in by_file["市第一中学.xlsx"].message
    assert by_file["体育局.xlsx"].status == "imported" and by_file["体育局.xlsx"].units == ["市体育局"]
    assert questions == [("unit", "空白反馈表“体育局.xlsx”的填报单位“汉中市体育局”是“市体育局”吗？")]

    comments = project.comments(order="c.id")
    assert [(c.unit_name, c.clause_ref) for c in comments] == [  # files in name order: 体育局.xlsx first
        ("市体育局", "总体意见"), ("市财政局", "三（二）4"), ("市财政局", "三（二）3"), ("市财政局", "待定位")]
    comments = comments[1:]
    assert comments[0].body == "=SUM(A1:A3) 建议明确经费来源\n理由：便于落实"
    assert comments[0].proposed_wording == "市、县财政部门每年安排专项资金"
    assert comments[0].source == f"反馈表“市财政局.xlsx”第{FIRST_ANSWER_ROW}行" and comments[0].received_on == TODAY
    states = {r.unit_name: r.state for r in project.replies(1, today=BEFORE_DEADLINE)}
    assert states == {"市财政局": ReplyState.WITH_COMMENTS, "市公安局": ReplyState.NO_COMMENTS,
                      "汉台区": ReplyState.NONE, "市第一中学": ReplyState.NONE, "市体育局": ReplyState.WITH_COMMENTS}
    stats = project.statistics(1, today=BEFORE_DEADLINE)
    assert (stats.comments_total, stats.replied_with_comments, stats.replied_no_comments, stats.not_replied) == \
        (4, 2, 1, 2)
    assert stats.by_unit == {"市财政局": 3, "市体育局": 1}

    again = collect_forms(project, [back / "市财政局.xlsx", back / "市公安局.xlsx"], confirm=confirm)
    assert [r.status for r in again] == ["unchanged", "unchanged"]
    assert project.count_comments() == 4


def test_a_changed_resubmission_replaces_after_confirmation_and_keeps_decisions(project, tmp_path):
    form = write_form(form_context(project), tmp_path / "市财政局.xlsx", project.unit(unit_id(project, "市财政局")))
    first = fill_form(form, [(OPTION_TASK4, "建议一", "", ""), ("总体意见", "建议二", "", "")], out=tmp_path / "v1.xlsx")
    assert collect_forms(project, [first])[0].status == "imported"
    kept = project.comments()[0]
    project.set_disposition(kept.id, Disposition.ADOPTED, handler="起草组")
    second = fill_form(form, [(OPTION_TASK4, "建议一", "", ""), ("总体意见", "建议三", "", "")],
                       out=tmp_path / "v2.xlsx")
    asked = []
    declined = collect_forms(project, [second], confirm=lambda q: asked.append(q) or False)
    assert declined[0].status == "declined" and not declined[0].taken
    assert asked[0].kind == "replace" and "1条已处理" in asked[0]
    assert [c.body for c in project.comments()] == ["建议一", "建议二"]
    replaced = collect_forms(project, [second], confirm=lambda q: True)
    assert replaced[0].status == "replaced"
    comments = project.comments()
    assert [c.body for c in comments] == ["建议一", "建议三"]
    assert comments[0].id == kept.id and comments[0].disposition is Disposition.ADOPTED
    no_comments = fill_form(form, no_comments=True, out=tmp_path / "v3.xlsx")
    assert collect_forms(project, [no_comments], confirm=lambda q: True)[0].status == "replaced"
    assert project.count_comments() == 0
    assert project.replies(1)[0].state is ReplyState.NO_COMMENTS


@pytest.mark.parametrize("mistake, expected", [
    ("tampered", "反馈表的识别信息被改动（校验码不符），请使用原发的反馈表"),
    ("both", "选择了“无修改意见”，但填写了1条意见，请二者选一"),
    ("empty", "既未填写意见，也未选择“无修改意见”"),
    ("too_long", "第7行内容过长（C7 共5001字，每格不超过5000字）"),
    ("label", "第4行被改动（A4 应为“无修改意见”）"),
])
def test_each_mistake_is_reported_with_its_cell_and_imports_nothing(project, tmp_path, mistake, expected):
    form = write_form(form_context(project), tmp_path / "市财政局.xlsx", project.unit(unit_id(project, "市财政局")))
    rows = [(OPTION_TASK4, "建议一", "", "")]
    if mistake == "tampered":
        fill_form(form, rows)
        tamper_identity(form, 5, unit_id(project, "市公安局"))
    elif mistake == "both":
        fill_form(form, rows, no_comments=True)
    elif mistake == "too_long":
        fill_form(form, [(OPTION_TASK4, "长" * 5001, "", "")])
    elif mistake == "label":
        fill_form(form, rows)
        edit_cell(form, "A4", "无意见")
    report = collect_forms(project, [form])[0]
    assert report.status == "rejected"
    assert report.message.startswith("反馈表“市财政局.xlsx”被退回：")
    assert expected in report.message
    assert project.count_comments() == 0
    assert project.replies(1, today=BEFORE_DEADLINE)[0].state is ReplyState.NONE


def test_forms_of_another_round_or_plan_are_refused(project, tmp_path, demo_lines):
    project.add_round(method=RoundMethod.WRITTEN, recipients=[unit_id(project, "市财政局")])
    later = write_forms(project, tmp_path / "round2", round_number=2, blank=False)[0]
    fill_form(later, [(OPTION_TASK4, "建议", "", "")])
    report = collect_forms(project, [later], round_number=1)[0]
    assert report.message == "反馈表“市财政局—行动计划—反馈表.xlsx”被退回：这是第2轮征求意见的反馈表，本次收集的是第1轮"
    other = Project.create(tmp_path / "另一个.yjt", parse_lines(demo_lines), title="另一个计划")
    other.add_units([dict(name="市财政局", category="市级部门")])
    other.add_round(recipients=[u.id for u in other.units()])
    foreign = write_forms(other, tmp_path / "other", blank=False)[0]
    other.close()
    fill_form(foreign, [(OPTION_TASK4, "建议", "", "")])
    report = collect_forms(project, [foreign], round_number=1)[0]
    assert report.message == ("反馈表“市财政局—计划—反馈表.xlsx”被退回："
                              "不是本项目《汉中市提高教育质量三年行动计划》的反馈表")
    assert project.count_comments() == 0


def test_blank_forms_match_names_or_are_rejected(project, tmp_path):
    blank = write_form(form_context(project), tmp_path / "空白.xlsx")
    cases = {"市财政局": ("imported", "市财政局"), "市气象局": ("rejected", None), "": ("rejected", None)}
    for typed, (status, unit) in cases.items():
        filled = fill_form(blank, [("总体意见", f"{typed}的意见", "", "")], unit_name=typed or None,
                           out=tmp_path / f"填好{typed or '无名'}.xlsx")
        report = collect_forms(project, [filled], confirm=lambda q: False)[0]
        assert report.status == status, report.message
        assert report.units == ([unit] if unit else [])
    assert "“市气象局”不在单位名单中" in collect_forms(project, [tmp_path / "填好市气象局.xlsx"])[0].message
    assert "未填写填报单位（B2）" in collect_forms(project, [tmp_path / "填好无名.xlsx"])[0].message
    fuzzy = fill_form(blank, [("总体意见", "意见", "", "")], unit_name="市第一中字", out=tmp_path / "错字.xlsx")
    offered = []
    report = collect_forms(project, [fuzzy], choose=lambda q, options: offered.append(options) or 0)[0]
    assert offered == [["市第一中学"]] and report.status == "imported" and report.units == ["市第一中学"]
    assert report.notes == ["填报单位“市第一中字”已按选择识别为“市第一中学”"]


def test_rows_inserted_above_the_table_and_a_single_workbook(project, tmp_path):
    form = write_form(form_context(project), tmp_path / "市公安局.xlsx", project.unit(unit_id(project, "市公安局")))
    fill_form(form, [(OPTION_TASK4, "建议", "", "")])
    insert_rows(form, 5, 2)
    assert collect_forms(project, [form])[0].status == "imported"
    (book,) = write_forms(project, tmp_path / "book", single_workbook=True)
    workbook = load_workbook(book)
    assert workbook.sheetnames[:5] == ["市财政局", "市公安局", "汉台区", "市第一中学", "空白表"]
    fill_form(book, [("总体意见", "汉台区意见", "", "")], sheet="汉台区")
    fill_form(book, no_comments=True, sheet="市第一中学")
    for sheet in ("市财政局", "市公安局"):
        fill_form(book, no_comments=True, sheet=sheet)
    fill_form(book, [("总体意见", "体育局意见", "", "")], sheet="空白表", unit_name="市体育局")
    report = collect_forms(project, [book], confirm=lambda q: True)[0]
    assert report.status == "replaced" and set(report.units) == {"市财政局", "市公安局", "汉台区", "市第一中学",
                                                                  "市体育局"}
    assert {c.unit_name for c in project.comments()} == {"汉台区", "市体育局"}


def _bomb(path):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", b"\0" * (60 * 1024 * 1024))


def _huge_rows(path):
    workbook = Workbook()
    workbook.active["A1"] = "x"
    workbook.save(path)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
        b'<c r="A1"', b'</row><row r="2000000"><c r="A2000000"').replace(b"<row r=\"1\">", b"<row r=\"1\"><c r=\"B1\"/>")
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


@pytest.mark.parametrize("kind, reason", [
    ("random", "不是有效的 .xlsx 文件"),
    ("bomb", "压缩"),
    ("encrypted", "文件已加密"),
    ("docx", "这是 Word 文档，不是 Excel 表格"),
    ("plain", "不是意见通生成的反馈表"),
    ("rows", "Excel 上限"),
    ("xls", "旧版 Excel 格式"),
])
def test_hostile_or_broken_files_give_one_line_and_change_nothing(project, tmp_path, kind, reason):
    path = tmp_path / ("坏文件.xls" if kind == "xls" else "坏文件.xlsx")
    if kind == "random":
        path.write_bytes(bytes(range(256)) * 40)
    elif kind == "bomb":
        _bomb(path)
    elif kind == "encrypted":
        path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 512 + "EncryptedPackage".encode("utf-16-le"))
    elif kind == "docx":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("word/document.xml", "<w:document/>")
    elif kind == "plain":
        Workbook().save(path)
    elif kind == "rows":
        _huge_rows(path)
    elif kind == "xls":
        path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 512)
    report = collect_forms(project, [path])[0]
    assert report.status == "rejected" and "坏文件" in report.message and reason in report.message
    assert "\n" not in report.message
    assert project.count_comments() == 0


def test_cancelling_writes_nothing(project, tmp_path):
    seen = []
    with pytest.raises(Cancelled):  # stopped after the second form
        write_forms(project, tmp_path / "out", progress=Progress(lambda done, total: seen.append(done),
                                                                cancelled=lambda: len(seen) >= 2))
    assert list((tmp_path / "out").glob("*.xlsx")) == []
    forms = write_forms(project, tmp_path / "forms")
    fill_form(forms[0], [(OPTION_TASK4, "建议", "", "")])
    with pytest.raises(Cancelled):
        collect_forms(project, forms[:1], progress=Progress(cancelled=lambda: True))
    assert project.count_comments() == 0


def test_collect_command_reports_each_file_and_exits_1_on_rejection(project, tmp_path, capsys):
    from ui.cli.sheets import run_collect, run_forms

    path = project.path
    project.close()
    assert run_forms(Namespace(project=path, out=tmp_path / "f", round=None, single_workbook=False)) == 0
    fill_form(tmp_path / "f" / "市财政局—行动计划—反馈表.xlsx", [(OPTION_TASK4, "建议", "", "")])
    edit_cell(tmp_path / "f" / "汉台区—行动计划—反馈表.xlsx", "B6", "条")
    capsys.readouterr()
    finance, district = tmp_path / "f" / "市财政局—行动计划—反馈表.xlsx", tmp_path / "f" / "汉台区—行动计划—反馈表.xlsx"
    status = run_collect(Namespace(project=path, paths=[finance, district],
                                   round=None, json=True, replace=False))
    result = json.loads(capsys.readouterr().out)
    assert status == 1
    assert [(r["file"], r["status"], r["comments"]) for r in result] == [
        ("市财政局—行动计划—反馈表.xlsx", "imported", 1), ("汉台区—行动计划—反馈表.xlsx", "rejected", 0)]
    fill_form(tmp_path / "f" / "市财政局—行动计划—反馈表.xlsx", [(OPTION_TASK4, "建议改了", "", "")])
    args = Namespace(project=path, paths=[finance], round=None, json=False, replace=False)
    assert run_collect(args) == 1 and "--replace" in capsys.readouterr().err
    args.replace = True
    assert run_collect(args) == 0 and "已用新反馈表替换市财政局的意见" in capsys.readouterr().out


def test_read_form_gives_rows_with_their_cells(project, tmp_path):
    form = write_form(form_context(project), tmp_path / "f.xlsx", project.unit(unit_id(project, "市财政局")))
    fill_form(form, [("三（二）４", "全角数字", "", ""), ("三(二)4 加快教育信息化建设", "半角括号", "", "")])
    from exports.forms import ClauseResolver, clause_options

    resolver = ClauseResolver((r, h) for _, r, h in clause_options(project.clauses()))
    (answers,) = read_form(form, resolver_for=lambda identity: resolver, check_identity=lambda identity: None)
    assert [(r.row, r.clause_ref, r.body) for r in answers.rows] == [
        (FIRST_ANSWER_ROW, "三（二）4", "全角数字"), (FIRST_ANSWER_ROW + 1, "三（二）4", "半角括号")]
    assert answers.filler == "李明" and not answers.no_comments


def test_a_form_saved_the_way_excel_saves_it_is_read_the_same(project, tmp_path):
    """Excel and WPS keep text in a shared-string table, not in the cells as openpyxl does."""
    from tests.test_xlsx_reader import with_shared_strings

    form = write_form(form_context(project), tmp_path / "市财政局.xlsx", project.unit(unit_id(project, "市财政局")))
    rows = [(OPTION_TASK4, "建议明确经费来源", "市、县财政部门每年安排专项资金", "便于落实"),
            ("总体意见", "=SUM(A1:A3) 建议压减任务数量", "", "")]
    fill_form(form, rows, out=tmp_path / "openpyxl.xlsx")
    excel = with_shared_strings(fill_form(form, rows, out=tmp_path / "excel.xlsx"))
    with zipfile.ZipFile(excel) as archive:
        assert "xl/sharedStrings.xml" in archive.namelist()
    from exports.forms import ClauseResolver, clause_options

    resolver = ClauseResolver((r, h) for _, r, h in clause_options(project.clauses()))
    read = [read_form(path, resolver_for=lambda identity: resolver, check_identity=lambda identity: None)[0]
            for path in (tmp_path / "openpyxl.xlsx", excel)]
    assert read[0].rows == read[1].rows and read[0].checksum(1) == read[1].checksum(1)
    assert [r.body for r in read[1].rows] == ["建议明确经费来源\n理由：便于落实", "=SUM(A1:A3) 建议压减任务数量"]
    merged = with_shared_strings(merge_cells(tmp_path / "openpyxl.xlsx", "C7:D7", out=tmp_path / "合并.xlsx"))
    report = collect_forms(project, [merged])[0]
    assert report.status == "rejected" and "第7行答复区域有合并单元格（C7:D7）" in report.message
    assert collect_forms(project, [excel])[0].status == "imported" and project.count_comments() == 2


def test_a_defined_name_lost_by_a_deleted_cell_falls_back_to_the_printed_place(project, tmp_path):
    form = write_form(form_context(project), tmp_path / "市财政局.xlsx", project.unit(unit_id(project, "市财政局")))
    fill_form(form, [(OPTION_TASK4, "建议", "", "")])
    with zipfile.ZipFile(form) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b"$B$4<", b"#REF!<")
    assert b"#REF!" in parts["xl/workbook.xml"]
    with zipfile.ZipFile(form, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert collect_forms(project, [form])[0].status == "imported"


def test_a_form_declaring_entities_is_refused_in_one_line(project, tmp_path):
    form = write_form(form_context(project), tmp_path / "市财政局.xlsx", project.unit(unit_id(project, "市财政局")))
    fill_form(form, [(OPTION_TASK4, "建议", "", "")])
    with zipfile.ZipFile(form) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/worksheets/sheet1.xml"] = b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + parts["xl/worksheets/sheet1.xml"]
    with zipfile.ZipFile(form, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    report = collect_forms(project, [form])[0]
    assert report.status == "rejected" and "市财政局.xlsx" in report.message and "文档类型声明" in report.message
    assert "\n" not in report.message and project.count_comments() == 0


def test_forms_are_named_unit_short_title_form_and_titled_like_every_document(project, tmp_path):
    project.update_plan(title="汉中市提高教育质量三年行动计划（2023—2025年）（征求意见稿）")
    files = write_forms(project, tmp_path / "forms")
    assert "市财政局—行动计划—反馈表.xlsx" in {p.name for p in files}
    ws = load_workbook(tmp_path / "forms" / "市财政局—行动计划—反馈表.xlsx")[FORM_SHEET]
    assert ws["A1"].value == "《汉中市提高教育质量三年行动计划（2023—2025年）》征求意见反馈表"
    assert ws.page_margins.footer < ws.page_margins.bottom  # the page number inside the margin, not clipped
    project.update_plan(drafting_unit="汉中市教育局")
    written = write_forms(project, tmp_path / "again", blank=False)[0]
    assert load_workbook(written).properties.creator == "汉中市教育局"


@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdfinfo")), reason="LibreOffice is not installed")
def test_the_blank_form_prints_on_the_pages_its_rows_need(project, tmp_path):
    import re
    import subprocess

    blank = next(p for p in write_forms(project, tmp_path / "forms") if p.name.startswith("空白"))
    from exports.pdf_copy import pdf_copy

    info = subprocess.run(["pdfinfo", str(pdf_copy(blank))], capture_output=True, text=True).stdout
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) <= 2  # 60 empty rows; once 4 pages
