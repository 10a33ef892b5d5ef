"""The 修改对照表 read back from .docx and .xlsx, and the revise / compare / matches commands."""
import argparse
import re
import shutil
import subprocess
import zipfile
from datetime import date

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from openpyxl import load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock

from ui.cli import versions as cli_versions
from exports.comparison import (COLUMN_HEADERS, LEGEND, SHEET_COLUMNS, build_comparison, clause_numbers,
                                comparison_rows, write_comparison)
from exports.official_format import FONT_BODY, FONT_HEITI, FONT_TITLE, DocumentError, resolved_font
from feedback.ledger import LedgerError
from feedback.outline import parse_lines
from storage.project import Project
from storage.versions import confirm_all, import_revision, set_change_note
from tests.fixtures.make_docx import build_numbered_docx
from tests.fixtures.revised_drafts import SECOND_DRAFT, TASK_3_REVISED
from tests.test_versions import consulted_project

NUMBER_RE = re.compile(r"^(?:([一二三四五六七八九十]+)、|（([一二三四五六七八九十]+)）|(\d+)\.)")


@pytest.fixture
def revised(tmp_path):
    project, _ = consulted_project(tmp_path / "p.yjt")
    import_revision(project, parse_lines(SECOND_DRAFT), source_file="第二稿.docx", formed_on=date(2023, 4, 20))
    yield project
    project.close()


def test_rows_of_the_comparison(revised):
    rows = comparison_rows(revised, 1, 2)
    assert [r.change.relation.label for r in rows] == ["新增", "修改", "拆分", "修改", "合并", "删除"]
    assert [r.note for r in rows] == [
        "新增", "修改（原二（二）3，现为二（二）4）\n依据意见：市财政局（采纳）", "拆分为2条\n依据意见：略阳县（部分采纳）",
        "修改", "由2条合并为1条", "删除\n依据意见：略阳县（采纳）"]
    set_change_note(revised, 1, 2, "二（三）6+二（三）7→二（三）8", "两条内容相近，合并表述。")
    assert comparison_rows(revised, 1, 2)[4].note == "由2条合并为1条\n两条内容相近，合并表述。"


def test_the_word_table_read_back(revised, tmp_path):
    path = write_comparison(revised, 1, 2, tmp_path / "对照表.docx")
    document = docx.Document(str(path))
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE and section.page_width > section.page_height
    title = document.paragraphs[0]
    assert title.text == "《某市提高教育质量三年行动计划》修改对照表"
    assert resolved_font(title).east_asia == FONT_TITLE
    assert document.paragraphs[1].text == "（第1稿与第2稿对照）"
    # the legend comes before the table: after it, it could stand alone on a page of its own
    body = [child for child in document.element.body if not child.tag.endswith("sectPr")]
    legend = next(p for p in document.paragraphs if p.text == LEGEND)
    assert body[-1] is document.tables[0]._tbl and body.index(legend._p) < len(body) - 1

    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == list(COLUMN_HEADERS)
    header_paragraph = table.rows[0].cells[1].paragraphs[0]
    assert resolved_font(header_paragraph).east_asia == FONT_HEITI
    assert len(table.rows) == 1 + 6
    # the clause's number in each draft in its own column, then the texts
    inserted, modified, split = ([c for i, c in enumerate(table.rows[n].cells) if i != 1] for n in (1, 2, 3))
    assert table.rows[2].cells[1].text == "原二（二）3\n现二（二）4"
    assert table.rows[1].cells[1].text.startswith("现")
    assert inserted[1].text == "" and inserted[2].text.startswith("2.实施劳动教育提质行动。")
    assert all(r.bold and r.underline for r in inserted[2].paragraphs[0].runs)
    assert modified[2].text == "4." + TASK_3_REVISED
    assert modified[3].text == "修改（原二（二）3，现为二（二）4）\n依据意见：市财政局（采纳）"
    struck = [r.text for r in modified[1].paragraphs[0].runs if r.font.strike]
    marked = [r.text for r in modified[2].paragraphs[0].runs if r.bold and r.underline]
    assert struck == ["3", "每年划拨专门", "全面"] and marked == ["4", "统筹安排", "基本"]
    body_paragraph = modified[1].paragraphs[0]
    for run in body_paragraph.runs:
        font = resolved_font(body_paragraph, run)
        assert font.east_asia == FONT_BODY and font.size_pt == 12.0
    # the split: one old clause beside two new ones, one paragraph each
    assert len(split[1].paragraphs) == 1 and len(split[2].paragraphs) == 2
    assert [p.text[:2] for p in split[2].paragraphs] == ["5.", "6."]
    assert modified[3]._tc.tcPr.find(qn("w:vAlign")).get(qn("w:val")) == "top"
    deleted = [c for i, c in enumerate(table.rows[6].cells) if i != 1]
    assert deleted[2].text == "" and all(r.font.strike for r in deleted[1].paragraphs[0].runs)


def test_the_workbook_read_back(revised, tmp_path):
    path = write_comparison(revised, 1, 2, tmp_path / "对照表.xlsx")
    book = load_workbook(path, rich_text=True)
    sheet = book["修改对照表"]
    assert sheet["A1"].value == "《某市提高教育质量三年行动计划》修改对照表（第1稿与第2稿对照）"
    assert [c.value for c in sheet[2]] == list(SHEET_COLUMNS)
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3, max_row=8)]
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5, 6]
    assert [r[6] for r in rows] == ["新增", "修改", "拆分", "修改", "合并", "删除"]
    assert rows[2][1:3] == ["二（二）4", "二（二）5、二（二）6"]
    assert rows[0][3] is None and rows[0][1] is None  # an insertion has no old clause: empty, not ""
    heights = [sheet.row_dimensions[n].height for n in range(3, 9)]  # sized to their text
    # a line of 11 pt CJK text takes 1.45 × 11 pt as LibreOffice sets the fallback fonts: rows of three
    # lines set at 14.5 pt a line showed two and a half
    lines = [1 + rows[i][5].count("\n") + (len(rows[i][5].splitlines()[-1]) > 17) for i in range(6)]
    assert all(h and h >= 1.45 * 11 * n for h, n in zip(heights, lines)) and max(heights) >= 29
    old_cell, new_cell = rows[1][3], rows[1][4]
    assert isinstance(old_cell, CellRichText) and isinstance(new_cell, CellRichText)
    assert str(new_cell) == "4." + TASK_3_REVISED
    struck = [b.text for b in old_cell if isinstance(b, TextBlock) and b.font.strike]
    marked = [b.text for b in new_cell if isinstance(b, TextBlock) and b.font.b and b.font.u == "single"]
    assert struck == ["3", "每年划拨专门", "全面"] and marked == ["4", "统筹安排", "基本"]
    assert rows[1][5] == "修改（原二（二）3，现为二（二）4）\n依据意见：市财政局（采纳）"
    assert sheet.cell(row=10, column=1).value == LEGEND
    assert sheet.freeze_panes == "A3" and sheet.page_setup.orientation == "landscape"


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    first = ["某计划", "=SUM(A1:A3)为贯彻落实有关要求，制定本计划。", "一、任务", "1.推进甲。加强甲工作。"]
    second = ["某计划", "=SUM(A1:A3)为贯彻落实有关要求，结合实际，制定本计划。", "一、任务",
              "1.推进甲。加强甲工作。", "2.@推进乙。"]
    project = Project.create(tmp_path / "p.yjt", parse_lines(first))
    import_revision(project, parse_lines(second))
    set_change_note(project, 1, 2, "前言→前言", "+1 按意见补充")
    path = write_comparison(project, 1, 2, tmp_path / "对照表.xlsx")
    project.close()
    book = load_workbook(path, rich_text=True)
    sheet = book.active
    old, new = sheet["D3"], sheet["E3"]
    assert old.value == "=SUM(A1:A3)为贯彻落实有关要求，制定本计划。" and old.data_type == "s"  # nothing struck: plain
    assert str(new.value).startswith("=SUM(A1:A3)") and new.data_type == "s"
    assert old.quotePrefix and new.quotePrefix
    assert sheet["F3"].value == "修改\n+1 按意见补充"
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in xml and "<f " not in xml


def test_versions_without_changes_say_so(tmp_path):
    project = Project.create(tmp_path / "p.yjt", parse_lines(SECOND_DRAFT))
    import_revision(project, parse_lines(SECOND_DRAFT))
    doc = build_comparison(project, 1, 2)
    assert doc.document.tables == []
    assert doc.document.paragraphs[-1].text == "第2稿与第1稿相比，条款内容没有修改。"
    project.close()


def test_saving_refuses_unknown_suffix_and_missing_folder(revised, tmp_path):
    with pytest.raises(DocumentError, match="须以 .docx 或 .xlsx 结尾"):
        write_comparison(revised, 1, 2, tmp_path / "对照表.pdf")
    with pytest.raises(DocumentError, match="不存在"):
        write_comparison(revised, 1, 2, tmp_path / "没有" / "对照表.xlsx")
    assert list(tmp_path.glob("*.xlsx")) == [] and list(tmp_path.glob(".保存中-*")) == []


# -- the commands ---------------------------------------------------------------------------

def parser():
    main = argparse.ArgumentParser()
    cli_versions.add_parsers(main.add_subparsers(dest="command"))
    return main


def run(argv):
    args = parser().parse_args(argv)
    return cli_versions.COMMANDS[args.command](args)


def numbered_items(lines):
    """A draft's lines as items of an auto-numbered .docx: the numbers go into numbering.xml."""
    items = []
    for line in lines[1:]:
        match = NUMBER_RE.match(line)
        if match is None:
            items.append((None, line))
        else:
            level = next(i for i, group in enumerate(match.groups()) if group)
            items.append((level, line[match.end():]))
    return items


def test_revise_compare_and_matches_on_the_command_line(tmp_path, capsys):
    project, _ = consulted_project(tmp_path / "p.yjt")
    project.close()
    draft = build_numbered_docx(tmp_path / "第二稿.docx", numbered_items(SECOND_DRAFT), title=SECOND_DRAFT[0])
    assert run(["revise", str(tmp_path / "p.yjt"), "--draft", str(draft), "--note", "吸收反馈意见",
                "--date", "2023-04-20"]) == 0
    out = capsys.readouterr().out
    assert "已导入第2稿“第二稿.docx”。" in out
    assert "第2稿与第1稿比对：未修改9条，修改2条，新增1条，删除1条，拆分1条，合并1条；序号调整2条。" in out
    assert "  二（二）4拆分为二（二）5、二（二）6" in out
    assert "采纳但未修改：市住建局对二（三）5（现为二（三）7）的意见已采纳，但该条款未作修改。" in out
    assert "待确认" not in out

    # the consistency check is listed before generating and stops it unless --force
    assert run(["compare", str(tmp_path / "p.yjt"), "--from", "1", "--to", "2", "--out",
                str(tmp_path / "对照表.docx")]) == 1
    err = capsys.readouterr().err
    assert "提示：采纳但未修改：市住建局对二（三）5（现为二（三）7）的意见已采纳" in err
    assert "生成修改对照表前发现" in err and not (tmp_path / "对照表.docx").exists()
    assert run(["compare", str(tmp_path / "p.yjt"), "--from", "1", "--to", "2", "--out",
                str(tmp_path / "对照表.docx"), "--force"]) == 0
    assert "共6处修改" in capsys.readouterr().out
    assert len(docx.Document(str(tmp_path / "对照表.docx")).tables[0].rows) == 7
    assert run(["compare", str(tmp_path / "p.yjt"), "--out", str(tmp_path / "对照表.xlsx"),
                "--include-renumbered", "--force"]) == 0
    assert "共8处修改" in capsys.readouterr().out
    with pytest.raises(LedgerError, match="须以 .docx 或 .xlsx 结尾"):
        run(["compare", str(tmp_path / "p.yjt"), "--out", str(tmp_path / "对照表.pdf")])
    with pytest.raises(LedgerError, match="项目中没有第5稿"):
        run(["compare", str(tmp_path / "p.yjt"), "--from", "1", "--to", "5", "--out", str(tmp_path / "x.docx")])

    assert run(["matches", str(tmp_path / "p.yjt"), "--set", "二（三）8=二（一）2"]) == 0
    out = capsys.readouterr().out
    assert "已设置条款对应关系：修改" in out and "待确认0项" in out
    assert run(["matches", str(tmp_path / "p.yjt"), "--all"]) == 0
    assert "二（三）8 → 二（一）2  修改" in capsys.readouterr().out
    with pytest.raises(LedgerError, match="应写成 原条款=新条款"):
        run(["matches", str(tmp_path / "p.yjt"), "--set", "二（三）8"])
    flags = "修改无对应意见：二（三）6、二（三）7合并为二（三）8"
    assert run(["matches", str(tmp_path / "p.yjt")]) == 0 and flags in capsys.readouterr().out
    assert run(["matches", str(tmp_path / "p.yjt"), "--explain", "二（三）8=两条内容相近，合并表述。"]) == 0
    out = capsys.readouterr().out
    assert "已保存修改说明" in out and flags not in out
    with pytest.raises(LedgerError, match="都没有条款“九”"):
        run(["matches", str(tmp_path / "p.yjt"), "--explain", "九=说明"])


def test_revise_refuses_a_bad_file_and_changes_nothing(tmp_path):
    from exports.draft_files import DraftFileError

    project, _ = consulted_project(tmp_path / "p.yjt")
    project.close()
    bad = tmp_path / "坏文件.docx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(DraftFileError):
        run(["revise", str(tmp_path / "p.yjt"), "--draft", str(bad)])
    with Project.open(tmp_path / "p.yjt", read_only=True) as project:
        assert [v.number for v in project.versions()] == [1]


@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftoppm")), reason="LibreOffice 或 poppler 未安装")
def test_the_word_table_renders(revised, tmp_path):
    path = write_comparison(revised, 1, 2, tmp_path / "对照表.docx")
    from exports.pdf_copy import pdf_copy

    pdf = pdf_copy(path)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info)
    assert size and float(size.group(1)) > float(size.group(2))  # landscape
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "修改对照表" in text and "统筹安排" in text and "依据意见" in text


def test_a_regulation_gets_one_row_per_changed_clause_with_its_numbers(tmp_path):
    from tests.fixtures.consultations import REGULATION_LINES

    revised = list(REGULATION_LINES)
    revised[4] = "第三条　市交通运输主管部门负责本市出租汽车客运管理工作，其所属的运输管理机构具体实施。"
    revised[9] = "（二）有取得从业资格证且无不良记录的驾驶员；"
    revised[11:12] = ["第五条　出租汽车经营权实行无偿使用。",
                      "第六条　出租汽车经营权实行期限制，期限为六年。"]
    revised = [re.sub("^第([六七八])条", lambda m: "第" + "七八九"["六七八".index(m.group(1))] + "条", line)
               if i > 12 else line for i, line in enumerate(revised)]
    project = Project.create(tmp_path / "办法.yjt", parse_lines(REGULATION_LINES))
    import_revision(project, parse_lines(revised))
    confirm_all(project, 1, 2)
    rows = comparison_rows(project, 1, 2)
    numbers = [clause_numbers(r.change) for r in rows]
    assert "第三条" in numbers and "第三条第一款" not in numbers  # the article once, not again as its 第一款
    assert "第四条第（二）项" in numbers  # an item says where it is
    assert "原第五条\n现第六条" in numbers
    path = write_comparison(project, 1, 2, tmp_path / "对照表.docx")
    table = docx.Document(str(path)).tables[0]
    assert [row.cells[1].text for row in table.rows[1:]] == numbers


def test_a_clause_table_stays_a_table_in_the_comparison(tmp_path):
    from feedback.draft import SourceBlock
    from feedback.outline import parse_blocks

    def draft(rate):
        return parse_blocks([SourceBlock("某某实施方案"), SourceBlock("一、重点任务"),
                             SourceBlock("1.推进设施建设。按下表完成。"),
                             SourceBlock(rows=[["序号", "任务", "完成时限"], ["1", "新建学校", rate]]),
                             SourceBlock("二、保障措施")])

    project = Project.create(tmp_path / "方案.yjt", draft("2024年底"))
    import_revision(project, draft("2025年6月"))
    path = write_comparison(project, 1, 2, tmp_path / "对照表.docx")
    project.close()
    row = docx.Document(str(path)).tables[0].rows[1]
    old_cell, new_cell = row.cells[2], row.cells[3]
    for cell in (old_cell, new_cell):
        assert len(cell.tables) == 1, cell.text
        nested = cell.tables[0]
        assert [c.text for c in nested.rows[0].cells] == ["序号", "任务", "完成时限"]
        assert " | " not in cell.text
    assert [c.text for c in old_cell.tables[0].rows[1].cells] == ["1", "新建学校", "2024年底"]
    marked = [r.text for p in new_cell.tables[0].rows[1].cells[2].paragraphs for r in p.runs if r.bold and r.underline]
    assert "".join(marked) and "".join(marked) in "2025年6月"
    assert old_cell.paragraphs[0].text.startswith("1.推进设施建设")
