"""The summary ledger export, read back cell by cell and in its XML."""
import re
import shutil
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook

from exports.ledger_xlsx import LEDGER_HEADERS, LEDGER_SHEET, REPLIES_SHEET, REPLY_HEADERS, export_ledger
from feedback.progress import Cancelled, Progress
from feedback.outline import parse_lines
from feedback.vocabulary import Disposition, ReplyState
from storage.project import Project

TODAY = date(2023, 4, 20)
FORMULA_TEXTS = ["=1+1", "+SUM(A1:A2)", "-2+3", "@cmd", "\t=A1", "\r\n=HYPERLINK(\"http://x\",\"y\")", " =1"]


@pytest.fixture
def project(tmp_path, demo_lines):
    project = Project.create(tmp_path / "计划.yjt", parse_lines(demo_lines), title="测试计划")
    project.add_units([dict(name="市财政局", category="市级部门"), dict(name="汉台区", category="县区"),
                       dict(name="市公安局", category="市级部门")])
    ids = {u.name: u.id for u in project.units()}
    project.add_round(deadline=date(2023, 4, 12), recipients=ids.values())
    project.add_comments([
        dict(round_number=1, unit_id=ids["市财政局"], clause_ref="三（二）4", body="建议明确资金来源。" * 8,
             proposed_wording="市、县财政每年安排"),
        dict(round_number=1, unit_id=ids["汉台区"], clause_ref="总体意见", body="建议压减任务。"),
        *[dict(round_number=1, unit_id=ids["汉台区"], clause_ref="待定位", body=text,
               proposed_wording=text) for text in FORMULA_TEXTS]])
    first, second = project.comment_ids()[:2]
    project.set_disposition(first, Disposition.IN_WORK, reason="已有专项安排", work_item="年度预算编制",
                            handler="王五", decided_on=date(2023, 4, 18))
    project.set_disposition(second, Disposition.REJECTED, reason="任务均有依据", handler="王五",
                            decided_on=date(2023, 4, 19))
    project.set_reply(1, ids["市公安局"], ReplyState.NO_COMMENTS, replied_on=date(2023, 4, 10))
    yield project
    project.close()


def test_every_comment_is_a_row_with_its_decision(project, tmp_path):
    out = tmp_path / "汇总处理表.xlsx"
    project.update_plan(drafting_unit="某某市教育局")
    assert export_ledger(project, out, today=TODAY) == 9
    workbook = load_workbook(out)
    assert workbook.sheetnames == [LEDGER_SHEET, REPLIES_SHEET]
    ws = workbook[LEDGER_SHEET]
    assert ws["A1"].value == "《测试计划》征求意见汇总处理表"
    assert workbook.properties.creator == "某某市教育局"
    assert workbook.properties.title == "《测试计划》征求意见汇总处理表"
    assert tuple(c.value for c in ws[2]) == LEDGER_HEADERS
    rows = [tuple(c.value for c in row) for row in ws.iter_rows(min_row=3)]
    assert rows[0] == (1, "市财政局", "市级部门", "三（二）4 加快教育信息化建设", "建议明确资金来源。" * 8, "市、县财政每年安排",
                       "在工作中落实", "将在年度预算编制工作中抓好落实。已有专项安排", "王五", "2023-04-18")
    assert rows[1] == (2, "汉台区", "县区", "总体意见", "建议压减任务。", None, "未采纳", "任务均有依据", "王五", "2023-04-19")
    assert [r[6] for r in rows[2:]] == ["待处理"] * 7
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref == "A2:J11"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$2:$2" and ws.print_options.gridLines
    assert ws["E3"].alignment.wrap_text and ws["E3"].font.name == "仿宋" and ws["A2"].font.name == "黑体"
    assert ws.row_dimensions[3].height > 15  # the long comment gets the lines it needs

    replies = workbook[REPLIES_SHEET]
    assert replies["A1"].value == project.statistics(today=TODAY).sentence
    assert tuple(c.value for c in replies[2]) == REPLY_HEADERS
    assert [tuple(c.value for c in row)[1:] for row in replies.iter_rows(min_row=3)] == [
        ("市财政局", "市级部门", 1, "已反馈（有意见）", None, 1),
        ("市公安局", "市级部门", 1, "已反馈（无意见）", "2023-04-10", 0),
        ("汉台区", "县区", 1, "已反馈（有意见）", None, 8)]


def test_formula_text_stays_text_in_the_cells_and_the_xml(project, tmp_path):
    out = tmp_path / "l.xlsx"
    export_ledger(project, out, today=TODAY)
    ws = load_workbook(out)[LEDGER_SHEET]
    bodies = [row[4] for row in ws.iter_rows(min_row=5)]  # the ledger keeps bodies stripped
    proposals = [row[5] for row in ws.iter_rows(min_row=5)]  # and other texts as typed
    assert [c.value for c in bodies] == [text.strip() for text in FORMULA_TEXTS]
    assert [c.value for c in proposals] == FORMULA_TEXTS
    assert all(c.data_type == "s" and c.quotePrefix for c in bodies + proposals)
    with zipfile.ZipFile(out) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml
    for row in range(5, 12):
        assert re.search(rf'<c r="E{row}"[^>]* t="inlineStr"', xml)
        assert re.search(rf'<c r="F{row}"[^>]* t="inlineStr"', xml)


def test_the_filtered_view_and_cancelling(project, tmp_path):
    out = tmp_path / "未采纳.xlsx"
    assert export_ledger(project, out, disposition=Disposition.REJECTED, today=TODAY) == 1
    ws = load_workbook(out)[LEDGER_SHEET]
    assert [row[4] for row in ws.iter_rows(min_row=3, values_only=True)] == ["建议压减任务。"]
    assert export_ledger(project, tmp_path / "汉台区.xlsx", category="县区") == \
        len(project.comment_ids(category="县区")) == 8
    with pytest.raises(Cancelled):
        export_ledger(project, tmp_path / "cancel.xlsx", progress=Progress(cancelled=lambda: True))
    assert not list(tmp_path.glob("cancel.xlsx*"))
    before = out.read_bytes()
    with pytest.raises(Cancelled):  # a cancelled export over an earlier file leaves that file as it was
        export_ledger(project, out, progress=Progress(cancelled=lambda: True))
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.glob("*xlsx*")) == ["未采纳.xlsx", "汉台区.xlsx"]  # no temporary left


def test_a_ledger_open_in_excel_is_one_sentence(project, tmp_path, monkeypatch):
    import os

    from exports.official_format import DocumentError

    def refuse(source, target):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(DocumentError, match="汇总表.xlsx.*Excel 或 WPS 中打开"):
        export_ledger(project, tmp_path / "汇总表.xlsx")
    assert list(tmp_path.glob("*xlsx*")) == []


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")
def test_renders_to_a_landscape_pdf(project, tmp_path):
    out = tmp_path / "l.xlsx"
    export_ledger(project, out, today=TODAY)
    from exports.pdf_copy import pdf_copy

    pdf = pdf_copy(out)
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)", pdf.read_bytes())
    width, height = float(box.group(1)), float(box.group(2))
    assert width > height and abs(width - 842) < 2  # A4 landscape
