"""The drafting explanation: its editable sections, its generated text, the Word file read back."""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
from datetime import date

import docx
import pytest

from exports.adoption_table import GROUP_BY_CLAUSE, adoption_rows
from ui.cli.documents import run_explain
from exports.explanation import (ATTACHMENT_TITLE, explanation_content, explanation_preview_text,
                                 explanation_warnings, write_explanation)
from exports.official_format import DocumentError, STYLE_HEADING1, STYLE_TITLE
from feedback.explanation_text import SectionKind
from feedback.ledger import LedgerError
from feedback.outline import parse_lines
from feedback.vocabulary import Disposition, ReplyState, RoundMethod, UnitCategory
from storage import documents
from storage.project import Project

DRAFT_LINES = [
    "某某市提高教育质量三年行动计划（2023—2025年）（征求意见稿）",
    "为进一步提高全市教育质量，现结合实际，制定本行动计划。",
    "一、重点任务",
    "（一）实施党建示范提升工程",
    "1.推进中小学校党建创优行动。深入推进校长负责制。（牵头单位：市教育局；责任单位：市委组织部）",
    "2.开展思政教育精品培育行动。扎实推进思政课建设。",
    "（二）实施办学条件巩固提升工程",
    "3.改善学校办学条件。持续改善办学条件。",
    "二、组织保障",
    "（一）加强组织领导。发挥领导小组作用。",
    "（二）强化资金保障。落实经费投入责任。",
]
UNITS = [("市公安局", UnitCategory.MUNICIPAL), ("市财政局", UnitCategory.MUNICIPAL),
         ("市纪委监委机关", UnitCategory.MUNICIPAL), ("洋县", UnitCategory.COUNTY), ("勉县", UnitCategory.COUNTY),
         ("某某中学", UnitCategory.AFFILIATED), ("某某职业技术学院", UnitCategory.OTHER)]


def build_consultation(path) -> Project:
    """A small consultation: 7 units in 4 categories, one round, 6 comments of every kind,
    one unit with no comments and one overdue (the deadline is in the past)."""
    project = Project.create(path, parse_lines(DRAFT_LINES))
    project.update_plan(title="某某市提高教育质量三年行动计划（2023—2025年）", drafting_unit="某某市教育局",
                        addressee="市政府", contact_person="张三", contact_phone="2626670",
                        drafted_on=date(2023, 4, 3), written_on=date(2023, 4, 27))
    project.add_units([{"name": name, "category": category.label} for name, category in UNITS])
    ids = {u.name: u.id for u in project.units()}
    project.add_round(method=RoundMethod.WRITTEN, sent_on=date(2023, 4, 10), deadline=date(2023, 4, 12),
                      recipients=ids.values())

    def comment(unit, ref, body, disposition, reason="", work_item="", proposed=""):
        return dict(round_number=1, unit_id=ids[unit], clause_ref=ref, body=body, disposition=disposition,
                    reason=reason, work_item=work_item, proposed_wording=proposed)

    project.add_comments([
        comment("市财政局", "一（一）1", "建议补充“按规定”的表述。", Disposition.ADOPTED, proposed="按规定推进"),
        comment("市财政局", "总体意见", "建议压缩篇幅。", Disposition.REJECTED, reason="篇幅已按要求控制。"),
        comment("市公安局", "一（一）2", "建议增加校园安全内容。", Disposition.IN_WORK,
                reason="另有专项部署。", work_item="校园安全管理工作"),
        comment("洋县", "一（二）3", "建议明确资金来源 <含特殊字符 & 符号>。", Disposition.PARTLY_ADOPTED,
                reason="明确由市县分担。"),
        comment("某某中学", "二", "建议增加督导内容。", Disposition.PENDING),
        comment("市纪委监委机关", "一（一）1", "建议增加清廉学校建设内容。", Disposition.IN_WORK,
                reason="另有专项方案。", work_item="清廉学校建设"),
    ])
    project.set_reply(1, ids["勉县"], ReplyState.NO_COMMENTS, replied_on=date(2023, 4, 11))
    return project


@pytest.fixture
def project(tmp_path):
    project = build_consultation(tmp_path / "consultation.yjt")
    yield project
    project.close()


def document_text(path) -> list[str]:
    """Every paragraph of the body, in order, tables left out."""
    return [p.text for p in docx.Document(str(path)).paragraphs]


def attachment_table(path):
    return docx.Document(str(path)).tables[0]


def sentence_numbers(text: str) -> dict[str, int]:
    """The counts the generated count sentence states."""
    found = {"total": int(re.search(r"共收集意见建议(\d+)条", text).group(1))}
    for label in ("部分采纳", "未采纳"):
        match = re.search(label + r"(\d+)条", text)
        found[label] = int(match.group(1)) if match else 0
    match = re.search(r"(?<![部分未])采纳(\d+)条", text)
    found["采纳"] = int(match.group(1)) if match else 0
    found["在工作中落实"] = sum(int(n) for n in re.findall(r"(\d+)条建议将在", text))
    match = re.search(r"尚有(\d+)条正在研究处理", text)
    found["待处理"] = int(match.group(1)) if match else 0
    for noun in ("市级有关部门", "县区", "局属单位"):
        match = re.search(r"(\d+)个" + noun, text)
        found[noun] = int(match.group(1)) if match else 0
    return found


# -- the sections kept in the project ------------------------------------------

def test_default_sections_are_written_once_and_edits_are_kept(project):
    sections = documents.list_sections(project)
    assert [s.title for s in sections] == ["起草背景", "主要内容", "起草过程", "下一步打算"]
    assert [s.kind for s in sections] == [SectionKind.BACKGROUND, SectionKind.CONTENT, SectionKind.PROCESS,
                                          SectionKind.NEXT_STEPS]
    assert documents.list_sections(project) == sections  # not written twice
    change = documents.save_section(project, sections[0].id, title="二、文件起草背景", body="根据部署起草。\n")
    assert change.what == "sections" and change.ids == (sections[0].id,)
    first = documents.list_sections(project)[0]
    assert (first.title, first.body) == ("文件起草背景", "根据部署起草。")  # the number is given by position
    assert documents.save_section(project, first.id, body="根据部署起草。").ids == ()


def test_sections_can_be_added_moved_removed_and_reset(project):
    documents.add_section(project, "其他需要说明的事项", "无。", position=1)
    titles = [s.title for s in documents.list_sections(project)]
    assert titles == ["起草背景", "其他需要说明的事项", "主要内容", "起草过程", "下一步打算"]
    last = documents.list_sections(project)[-1]
    documents.move_section(project, last.id, 0)
    sections = documents.list_sections(project)
    assert [s.title for s in sections][:2] == ["下一步打算", "起草背景"]
    assert [s.position for s in sections] == list(range(5))
    documents.remove_section(project, sections[2].id)
    assert "其他需要说明的事项" not in [s.title for s in documents.list_sections(project)]
    documents.reset_sections(project)
    assert [s.title for s in documents.list_sections(project)] == ["起草背景", "主要内容", "起草过程", "下一步打算"]


def test_bad_section_edits_are_refused_and_change_nothing(project):
    sections = documents.list_sections(project)
    with pytest.raises(LedgerError, match="标题不能为空"):
        documents.save_section(project, sections[0].id, title="  一、 ")
    with pytest.raises(LedgerError, match="已不存在"):
        documents.save_section(project, 99999, body="x")
    custom = documents.add_section(project, "补充说明", "正文").ids[0]
    with pytest.raises(LedgerError, match="自行添加"):
        documents.regenerate_section(project, custom)
    assert documents.list_sections(project)[0] == sections[0]


def test_main_content_is_drafted_from_the_outline_and_can_be_regenerated(project):
    content = next(s for s in documents.list_sections(project) if s.kind is SectionKind.CONTENT)
    assert content.body.startswith("{简称}共分为两个部分：一是重点任务；二是组织保障。")
    assert "明确了两个方面3项任务：一是实施党建示范提升工程，包括推进中小学校党建创优行动、开展思政教育精品培育行动" \
        in content.body
    assert "组织保障部分，包括加强组织领导、强化资金保障两个方面。" in content.body
    documents.save_section(project, content.id, body="自己写的内容。")
    documents.regenerate_section(project, content.id)
    assert documents.section(project, content.id).body.startswith("{简称}共分为两个部分")


def test_a_read_only_project_gets_the_defaults_without_writing(tmp_path):
    build_consultation(tmp_path / "p.yjt").close()
    with Project.open(tmp_path / "p.yjt", read_only=True) as read_only:
        sections = documents.list_sections(read_only)
        assert [s.id for s in sections] == [0, 0, 0, 0]
        assert read_only.db.execute("SELECT count(*) FROM document_sections").fetchone()[0] == 0
        assert write_explanation(read_only, tmp_path / "out.docx").exists()


# -- the generated text ------------------------------------------------------------

def test_numbers_in_the_document_equal_the_statistics(project, tmp_path):
    path = write_explanation(project, tmp_path / "说明.docx")
    text = "\n".join(document_text(path))
    stats = project.statistics()
    assert stats.sentence in text
    numbers = sentence_numbers(text)
    assert numbers["total"] == stats.comments_total == 6
    for label in ("采纳", "部分采纳", "未采纳", "在工作中落实", "待处理"):
        assert numbers[label] == stats.by_disposition[label], label
    assert numbers["市级有关部门"] == stats.units_consulted[UnitCategory.MUNICIPAL.label] == 3
    assert numbers["县区"] == stats.units_consulted[UnitCategory.COUNTY.label] == 2
    assert numbers["局属单位"] == stats.units_consulted[UnitCategory.AFFILIATED.label] == 1


def test_the_drafters_words_stay_and_the_numbers_follow_the_ledger(project, tmp_path):
    process = next(s for s in documents.list_sections(project) if s.kind is SectionKind.PROCESS)
    documents.save_section(project, process.id,
                           body="{起草单位}起草了{简称}，报分管领导审阅后，{统计}\n{过程}")
    before = "\n".join(document_text(write_explanation(project, tmp_path / "a.docx")))
    pending = project.comments(disposition=Disposition.PENDING)[0]
    project.set_disposition(pending.id, Disposition.ADOPTED)
    after = "\n".join(document_text(write_explanation(project, tmp_path / "b.docx")))
    assert "某某市教育局起草了《行动计划》，报分管领导审阅后，书面征求了" in after
    assert sentence_numbers(before)["采纳"] + 1 == sentence_numbers(after)["采纳"]
    assert sentence_numbers(after)["待处理"] == 0
    assert "{统计}" not in after and "{过程}" not in after
    assert "2023年4月10日至4月12日，就第1稿书面征求有关单位意见" in after


def test_the_drafting_history_names_every_version_and_round(project, tmp_path):
    from storage.versions import import_revision, set_version_date

    documents.add_section(project, "附：起草经过", "{过程}")
    revised = [line.replace("持续改善办学条件", "全面改善办学条件") for line in DRAFT_LINES]
    import_revision(project, parse_lines(revised), note="吸收反馈意见", formed_on=date(2023, 4, 20))
    project.add_round(method=RoundMethod.MEETING, sent_on=date(2023, 5, 6), recipients=[1])
    set_version_date(project, 1, date(2023, 4, 3))
    expected = ("起草过程中，共形成2稿，开展2轮征求意见：2023年4月3日，形成征求意见稿（第1稿）；"
                "2023年4月10日至4月12日，就第1稿书面征求有关单位意见；"
                "2023年4月20日，根据反馈意见修改形成第2稿（吸收反馈意见）；2023年5月6日起，就第2稿召开座谈会听取意见。")
    assert documents.process_text(project) == expected
    content = explanation_content(project, attachment=False)
    process = next(s for s in content.sections if s.title == "起草过程")
    assert process.paragraphs[-1].text == expected
    texts = document_text(write_explanation(project, tmp_path / "说明.docx"))
    assert texts.count(expected) == 2  # in 起草过程 and in the drafter's own section using {过程}
    assert texts[texts.index("三、起草过程") + 2] == expected
    assert project.statistics().sentence in texts[texts.index("三、起草过程") + 1]


def test_the_attachment_grouping_is_kept_in_the_project(project, tmp_path):
    assert documents.attachment_grouping(project) == "unit"
    change = documents.set_attachment_grouping(project, GROUP_BY_CLAUSE)
    assert change.what == "sections"
    with pytest.raises(LedgerError, match="分组方式"):
        documents.set_attachment_grouping(project, "category")
    path = project.path
    project.close()
    with Project.open(path) as reopened:
        assert documents.attachment_grouping(reopened) == GROUP_BY_CLAUSE
        reopened.db["settings"].insert({"key": "explanation_grouping", "value": "不是JSON"}, pk="key",
                                       replace=True)
        assert documents.attachment_grouping(reopened) == "unit"


def test_the_document_reads_as_an_explanation(project, tmp_path):
    path = write_explanation(project, tmp_path / "说明.docx")
    document = docx.Document(str(path))
    paragraphs = [p for p in document.paragraphs if p.text]
    texts = [p.text for p in paragraphs]
    # the long title is cut into two even lines before the bracket
    assert texts[0] == "《某某市提高教育质量三年行动计划\n（2023—2025年）》起草情况说明"
    assert texts[1] == "市政府："
    assert texts[2] == ("现将《某某市提高教育质量三年行动计划（2023—2025年）》（以下简称《行动计划》）"
                        "起草情况作以下说明：")
    headings = [p.text for p in paragraphs if p.style.style_id == STYLE_HEADING1]
    assert headings == ["一、起草背景", "二、主要内容", "三、起草过程", "四、下一步打算"]
    assert "为进一步提高全市教育质量，某某市教育局结合实际起草了《行动计划》。" in texts
    note = texts.index("附件：" + ATTACHMENT_TITLE)
    assert texts[note + 1: note + 3] == ["某某市教育局", "2023年4月27日"]
    label = next(p for p in paragraphs if p.text == "附件")
    assert label.paragraph_format.page_break_before
    title = paragraphs[paragraphs.index(label) + 1]
    assert title.text == ATTACHMENT_TITLE and title.style.style_id == STYLE_TITLE
    assert document.core_properties.author == "某某市教育局"


def test_the_attachment_rows_are_the_comments(project, tmp_path):
    path = write_explanation(project, tmp_path / "说明.docx")
    table = attachment_table(path)
    header, *rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert header == ["序号", "单位", "条款", "意见建议", "采纳情况", "理由/说明"]
    comments = {c.body: c for c in project.comments()}
    assert len(rows) == len(comments) == 6
    assert [r[0] for r in rows] == [str(n) for n in range(1, 7)]
    for number, unit, clause, body, disposition, note in rows:
        comment = comments[body.split("\n")[0]]
        assert unit == comment.unit_name
        assert clause.startswith(comment.clause_ref)
        assert disposition == comment.disposition.label
        if comment.disposition is Disposition.IN_WORK:
            assert note.startswith(f"将在{comment.work_item.removesuffix('工作')}工作中抓好落实。")
        else:
            assert note == comment.reason
    adopted = next(r for r in rows if r[4] == Disposition.ADOPTED.label)
    assert adopted[3] == "建议补充“按规定”的表述。\n建议修改为：按规定推进"
    assert any("<含特殊字符 & 符号>" in r[3] for r in rows)
    # grouped by unit: a unit's rows together, in the order of the unit list
    units = [r[1] for r in rows]
    assert units == ["市公安局", "市财政局", "市财政局", "市纪委监委机关", "洋县", "某某中学"]
    unit_cells = [row.cells[1]._tc for row in table.rows[1:]]
    assert unit_cells[1] is unit_cells[2]  # merged: one cell over the unit's two rows


def test_grouped_by_clause_the_rows_follow_the_draft(project, tmp_path):
    path = write_explanation(project, tmp_path / "说明.docx", group_by=GROUP_BY_CLAUSE)
    refs = [row.cells[2].text.split(" ")[0] for row in attachment_table(path).rows[1:]]
    assert refs == ["总体意见", "一（一）1", "一（一）1", "一（一）2", "一（二）3", "二"]
    with pytest.raises(LedgerError, match="分组方式"):
        adoption_rows(project, group_by="category")


def test_units_without_comments_are_named_after_the_table(project, tmp_path):
    texts = document_text(write_explanation(project, tmp_path / "说明.docx"))
    assert "以下1个单位无修改意见：勉县。" in texts
    assert "以下1个单位逾期未反馈，视为无意见：某某职业技术学院。" in texts
    stats = project.statistics()
    assert stats.replied_no_comments == 1 and stats.overdue == 1


def test_preview_text_says_what_the_document_says(project, tmp_path):
    preview = explanation_preview_text(project)
    texts = document_text(write_explanation(project, tmp_path / "说明.docx"))
    for line in texts[:6] + [t for t in texts if "共收集意见建议" in t]:
        assert line.strip() in preview
    assert "附件" in preview and "市财政局" in preview
    assert "附件" not in explanation_preview_text(project, attachment=False).split("附件：")[-1]


def test_warnings_name_what_is_missing(project):
    process = next(s for s in documents.list_sections(project) if s.kind is SectionKind.PROCESS)
    documents.save_section(project, process.id, body="手写的统计：共32条。")
    warnings = explanation_warnings(project)
    assert any("{统计}" in w for w in warnings)
    assert "有1条意见尚未处理（待处理）：某某中学。" in warnings
    content = explanation_content(project, attachment=False)
    assert content.rows == []


def test_an_unwritable_path_fails_in_one_sentence_and_writes_nothing(project, tmp_path):
    with pytest.raises(DocumentError, match="不存在"):
        write_explanation(project, tmp_path / "没有的文件夹" / "说明.docx")
    with pytest.raises(DocumentError, match=r"\.docx"):
        write_explanation(project, tmp_path / "说明.doc")
    assert list(tmp_path.glob("*.doc*")) == []


def test_the_command_writes_the_file_and_reports_errors_in_one_line(project, tmp_path, capsys):
    out = tmp_path / "说明.docx"
    args = argparse.Namespace(project=str(project.path), out=str(out), template=None, group_by="clause")
    assert run_explain(args) == 1  # one comment still 待处理: listed, nothing written
    assert not out.exists() and "待处理" in capsys.readouterr().err
    args.force = True
    assert run_explain(args) == 0
    assert out.exists() and "已生成起草情况说明" in capsys.readouterr().out
    args = argparse.Namespace(project=str(tmp_path / "没有.yjt"), out=str(out), template=None, group_by="unit")
    assert run_explain(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and err.count("\n") == 1


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_the_document_converts_to_pdf(project, tmp_path):
    path = write_explanation(project, tmp_path / "explanation.docx")
    from exports.pdf_copy import pdf_copy

    pdf = pdf_copy(path)
    assert pdf.exists()
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        assert 3 <= pages <= 5  # about two pages of text, the attachment on its own page
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "起草情况说明" in re.sub(r"\s", "", text)
        assert re.search(r"—\s*1\s*—", text)
