"""Whole drafts through the readers and the parser: the seed as text, GB18030 and auto-numbered
.docx; Word, PDF and command-line drafts of other shapes."""
import json
import re
import shutil
import subprocess
import sys
from collections import Counter

import pytest

from exports.draft_files import DraftFileError, load_draft
from feedback.units import guess_category
from feedback.vocabulary import ClauseKind
from tests.conftest import DEMO_DRAFT, ROOT
from tests.fixtures import draft_shapes
from tests.fixtures.make_docx import build_numbered_docx

_PART = re.compile(r"^[一二三四五六七八九十]+、")
_SECTION = re.compile(r"^[（(]?[一二三四五六七八九十]*[）)]")  # the seed lost one number: ）实施…
_TASK = re.compile(r"^\d+\.?")


def seed_items(lines):
    """The seed's paragraphs with their typed numbers taken off, for Word to number them."""
    items = []
    for line in lines[1:]:
        line = line.strip()
        if not line:
            continue
        for level, pattern in enumerate((_PART, _SECTION, _TASK)):
            if match := pattern.match(line):
                items.append((level, line[match.end():]))
                break
        else:
            items.append((None, line))
    return items


def assert_seed_outline(draft):
    kinds = Counter(c.kind for c in draft)
    assert (kinds[ClauseKind.PART], kinds[ClauseKind.SECTION]) == (4, 14)
    tasks = [c for c in draft if c.kind is ClauseKind.TASK]
    assert [t.number for t in tasks] == list(range(1, 29))
    assert all(t.lead_units and t.responsible_units for t in tasks)
    municipal = {n for n in draft.units() if guess_category(n, ("汉中",)).label == "市级部门"} - {"市教育局"}
    assert len(municipal) == 19 and {"市委组织部", "市委编办"} <= municipal


def test_seed_as_auto_numbered_docx(tmp_path, demo_lines):
    path = build_numbered_docx(tmp_path / "seed.docx", seed_items(demo_lines), title=demo_lines[0],
                               header_text="页眉文字不应出现", footer_text="— 1 —")
    draft = load_draft(path)
    assert_seed_outline(draft)
    assert draft.by_ref()["三（八）"].heading == "实施教学质量改进提升工程"  # Word numbers what the text lost
    assert "页眉" not in json.dumps(draft.to_json(), ensure_ascii=False)


def test_seed_as_text_in_gb18030_with_crlf(tmp_path, demo_lines):
    path = tmp_path / "seed.txt"
    path.write_bytes("\r\n".join(demo_lines).encode("gb18030"))
    assert_seed_outline(load_draft(path))


def test_table_stays_inside_its_clause(tmp_path):
    items = [(0, "重点任务"), (2, "建设学校。内容。"), (2, "培训教师。内容。")]
    path = build_numbered_docx(tmp_path / "t.docx", items, tables={1: [["项目", "年份"], ["新建学校", "2024"]]})
    draft = load_draft(path)
    assert draft.by_ref()["一1"].tables == [[["项目", "年份"], ["新建学校", "2024"]]]
    assert draft.by_ref()["一2"].tables == []


def run_cli(*args):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def test_outline_cli_json_and_text():
    result = run_cli("outline", str(DEMO_DRAFT), "--json")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert set(data) == {"title", "clauses", "warnings"}
    first_task = next(c for c in data["clauses"] if c["kind"] == "task")
    assert set(first_task) == {"ref", "label", "level", "kind", "heading", "text", "lead_units", "responsible_units"}
    assert first_task["ref"] == "三（一）1" and first_task["level"] == 3
    assert data["clauses"][1]["level"] == 1
    text = run_cli("outline", str(DEMO_DRAFT))
    assert text.returncode == 0 and "    [三（一）1] 1.推进中小学校党建创优行动" in text.stdout


@pytest.mark.parametrize("content, reason", [(b"", "空"), (b"PK\x03\x04garbage", "docx")])
def test_outline_cli_bad_input_is_one_line_exit_2(tmp_path, content, reason):
    path = tmp_path / "坏文件.docx"
    path.write_bytes(content)
    result = run_cli("outline", str(path))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "坏文件.docx" in result.stderr
    assert "Traceback" not in result.stderr


def test_outline_cli_simplified():
    result = run_cli("outline", str(DEMO_DRAFT), "--json", "--simplified")
    assert result.returncode == 0 and json.loads(result.stdout)["clauses"]


def test_missing_file_message_names_it(tmp_path):
    with pytest.raises(DraftFileError, match="不存在.docx"):
        load_draft(tmp_path / "不存在.docx")


# -- drafts of other shapes as Word documents (tests/fixtures/draft_shapes.py) -------------------


def test_heading_styles_give_levels_without_number_text(tmp_path):
    draft = load_draft(draft_shapes.heading_styles_docx(tmp_path / "预案.docx"))
    assert draft.title == "某县森林火灾应急预案"
    assert [(c.heading, c.level, c.kind) for c in draft] == [
        ("总则", 1, ClauseKind.HEADING), ("编制目的", 2, ClauseKind.HEADING), ("适用范围", 2, ClauseKind.HEADING),
        ("应急响应", 1, ClauseKind.HEADING), ("分级响应", 2, ClauseKind.HEADING), ("Ⅳ级响应", 3, ClauseKind.HEADING)]
    refs = draft.by_ref()
    assert refs["编制目的"].text == "为有效应对森林火灾，最大限度减少损失，制定本预案。"  # revisions accepted
    assert refs["编制目的"].parent_ref == "总则"
    assert refs["Ⅳ级响应"].text == "县森林防灭火指挥部办公室启动Ⅳ级响应。"
    said = [str(w) for w in draft.warnings]
    assert "文件中仍有2处修订、1条批注；已按接受全部修订读取，批注未读入" in said
    assert "建议明确范围" not in json.dumps(draft.to_json(), ensure_ascii=False)


def test_task_division_table_becomes_clauses_with_units(tmp_path):
    draft = load_draft(draft_shapes.action_plan_docx(tmp_path / "方案.docx"))
    assert [c.ref for c in draft][-6:] == ["附件1", "附件1一", "附件1一1", "附件1一2", "附件1二", "附件1二3"]
    refs = draft.by_ref()
    assert refs["附件1"].heading == "重点任务分工表" and refs["附件1"].kind is ClauseKind.ATTACHMENT
    assert refs["附件1一"].heading == "审批全链条优化"
    first, second, third = refs["附件1一1"], refs["附件1一2"], refs["附件1二3"]
    assert (first.heading, first.lead_units, first.responsible_units) == (
        "编制公布行政许可事项清单", ["县政务服务中心"], ["县司法局", "县级各有关部门"])
    assert first.text == "编制公布行政许可事项清单\n完成时限：2026年6月底前"
    assert second.lead_units == ["县政务服务中心"]  # the merged cell counts for both rows
    assert (third.lead_units, third.responsible_units) == (["县市场监管局"], ["县级各有关部门"])
    assert refs["二（一）"].lead_units == ["县政务服务中心"]


def test_fee_table_stays_in_its_article_as_readable_text(tmp_path):
    draft = load_draft(draft_shapes.regulation_docx(tmp_path / "条例.docx"))
    article = draft.by_ref()["第九条"]
    assert article.tables == [draft_shapes.FEE_TABLE]
    assert article.text == ("临时占用城市绿地的，应当按照下列标准缴纳补偿费：\n"
                            "绿地类别 ｜ 补偿标准（元/平方米·月）\n公园绿地 ｜ 20\n防护绿地 ｜ 10")
    assert draft.by_ref()["第十条"].parent_ref == "第三章"
    first = draft.by_ref()["第一条"]  # the Word footnote: a mark in the text, its words as a note after it
    assert first.text == ("为了促进城市绿化事业的发展，改善生态环境，根据有关法律、法规，结合本市实际，制定本条例。[注1]\n"
                          f"注1：{draft_shapes.FOOTNOTE_TEXT}")


needs_office = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")


@needs_office
def test_regulation_posted_as_pdf_reads_as_its_tree(tmp_path):
    source = draft_shapes.regulation_docx(tmp_path / "条例.docx", footnote=False)
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   capture_output=True, timeout=180, check=True)
    draft = load_draft(tmp_path / "条例.pdf")
    assert [c.ref for c in draft if c.kind in (ClauseKind.CHAPTER, ClauseKind.ARTICLE)] == [
        "第一章", "第一条", "第二条", "第二章", "第三条", "第四条", "第三章", "第九条", "第十条", "第四章", "第十一条"]
    refs = draft.by_ref()
    assert refs["第一条"].text == ("为了促进城市绿化事业的发展，改善生态环境，根据有关法律、法规，结合本市实际，"
                                "制定本条例。")  # a printed line rejoined
    assert refs["第四条第二款"].text == "改建居住区绿地率不得低于百分之二十五。"
    assert any("公园绿地" in c.text for c in draft if c.ref.startswith("第九条"))  # the table's lines stay in it
    figures = [c.text for c in draft if c.ref.startswith("第九条")]
    assert "20" in figures and "10" in figures  # a table's figures on lines of their own are no page numbers
    assert not any("删除" in str(w) and "页码" in str(w) for w in draft.warnings)
    assert refs["第十一条"].text == "本条例自　年　月　日起施行。"
    assert any("PDF" in str(w) for w in draft.warnings)


@needs_office
def test_one_page_pdf_loses_its_page_number_and_keeps_a_task_list(tmp_path):
    # an emergency plan numbered by Word (霍邱县新店镇突发公共事件总体应急预案), printed with a footer
    from tests.fixtures.make_docx import Level
    items = [(0, "总则"), (1, "编制目的"), (None, "为提高处置突发公共事件的能力，特制定本预案。"), (1, "编制依据"),
             (None, "《中华人民共和国突发事件应对法》等。"), (0, "组织体系"), (1, "领导机构"),
             (None, "镇人民政府是本镇突发公共事件应急管理工作的行政领导机构。")]
    source = build_numbered_docx(tmp_path / "预案.docx", items, title="某镇突发公共事件总体应急预案",
                                 levels=(Level("decimal", "%1 "), Level("decimal", "%1.%2 ")), footer_text="第 1 页")
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   capture_output=True, timeout=180, check=True)
    draft = load_draft(tmp_path / "预案.pdf")
    assert [c.ref for c in draft] == ["1", "1.1", "1.2", "2", "2.1"]
    assert draft.by_ref()["2.1"].text == "镇人民政府是本镇突发公共事件应急管理工作的行政领导机构。"
    assert any("页码1处" in str(w) for w in draft.warnings)


def test_pdf_without_text_is_refused_with_a_reason(tmp_path):
    import pypdf  # a test dependency: writes the test file

    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    path = tmp_path / "扫描件.pdf"
    with open(path, "wb") as file:
        writer.write(file)
    with pytest.raises(DraftFileError, match="扫描件.pdf.*没有可提取的文字"):
        load_draft(path)


def test_reshape_cli_fixes_a_stored_tree_and_refuses_in_one_line(tmp_path):
    source = tmp_path / "方案.txt"
    source.write_text("\n".join(["方案", "一、任务", "1.推进工作。", "2.落实责任。", "二、保障"]), encoding="utf-8")
    project = tmp_path / "方案.yjt"
    assert run_cli("new", str(project), "--draft", str(source)).returncode == 0
    joined = run_cli("reshape", str(project), "--join", "一2")
    assert joined.returncode == 0 and joined.stdout.strip() == "已将“2.落实责任”并入“1.推进工作”"
    refused = run_cli("reshape", str(project), "--split", "一1", "--line", "5")
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "只有2行" in refused.stderr
    from storage.project import Project

    with Project.open(project, read_only=True) as opened:
        assert [c.ref for c in opened.clauses()] == ["一", "一1", "二"]


def test_outline_cli_on_a_draft_of_another_shape(tmp_path):
    source = tmp_path / "预案.txt"
    source.write_text("\n".join(draft_shapes.emergency_plan()), encoding="utf-8")
    result = run_cli("outline", str(source), "--json")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert set(data) == {"title", "clauses", "warnings"}
    assert [c["ref"] for c in data["clauses"]][:3] == ["1", "1.1", "1.2"]
    assert {c["kind"] for c in data["clauses"]} == {"decimal", "point"}


def test_encrypted_or_broken_pdf_is_refused_with_a_reason(tmp_path):
    import pypdf  # a test dependency: writes the test file

    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("密码")
    path = tmp_path / "加密.pdf"
    with open(path, "wb") as file:
        writer.write(file)
    with pytest.raises(DraftFileError, match="加密.pdf.*已加密"):
        load_draft(path)
    broken = tmp_path / "损坏.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF")
    with pytest.raises(DraftFileError, match="损坏.pdf"):
        load_draft(broken)
