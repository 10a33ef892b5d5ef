"""A whole consultation in three rounds, scripted the way a drafting office runs it.

Round 1: written, on the first draft (forms out, forms back, decisions). Revision: the
second draft, its redline. Round 2: written again, the forms listing only the changed
clauses, each unit's letter saying how its round-1 comments were handled. Revision: the
third draft. Round 3: public, on the third draft. Every round reads its own draft.
"""
from datetime import date

import pytest
from openpyxl import load_workbook

from exports.forms import CLAUSE_SHEET, FORM_SHEET, collect_forms, form_context, write_forms
from exports.letter import letter_content, write_letter
from exports.public_comments import import_public_comments
from exports.redline import write_redline
from feedback.outline import parse_lines
from feedback.revision import FlagKind
from feedback.vocabulary import Disposition, RoundMethod
from storage.project import Project
from storage.versions import (changed_refs, comments_on_clause, consistency_findings, import_revision,
                              set_change_note)
from tests.fixtures.fill_forms import fill_form
from tests.fixtures.revised_drafts import FIRST_DRAFT, SECOND_DRAFT, THIRD_DRAFT
from tests.test_public_comments import write_xlsx
from tests.test_redline import _docx_paragraphs, _expected


def _options(path):
    return [row[0] for row in load_workbook(path)[CLAUSE_SHEET].iter_rows(values_only=True)]


def _decide(project, body_start, disposition, reason=""):
    comment = next(c for c in project.comments() if c.body.startswith(body_start))
    project.set_disposition(comment.id, disposition, reason=reason or None, handler="起草组")
    return comment


@pytest.fixture
def project(tmp_path):
    project = Project.create(tmp_path / "三轮.yjt", parse_lines(FIRST_DRAFT))
    project.update_plan(title="某市提高教育质量三年行动计划", drafting_unit="某市教育局")
    project.add_units([dict(name="市财政局", category="市级部门"), dict(name="市住建局", category="市级部门"),
                       dict(name="市公安局", category="市级部门")])
    yield project
    project.close()


def test_three_rounds(project, tmp_path):
    units = {u.name: u.id for u in project.units()}
    # -- round 1: written, on the first draft ----------------------------------------------------
    project.add_round(sent_on=date(2023, 4, 1), deadline=date(2023, 4, 12), recipients=list(units.values()))
    forms1 = {p.stem.split("—")[0]: p for p in write_forms(project, tmp_path / "第一轮", blank=False)}
    assert "二（三）8 推动民办幼儿园规范发展" in _options(forms1["市财政局"])
    back = [fill_form(forms1["市财政局"], [("二（二）3 改善学校办学条件", "建议将“每年划拨专门资金”改为“统筹安排资金”。", "", ""),
                                           ("总体意见", "建议压缩篇幅。", "", "")], out=tmp_path / "财政1.xlsx"),
            fill_form(forms1["市住建局"], [("二（三）8", "建议删除本条，民办园另行规范。", "", "")],
                      out=tmp_path / "住建1.xlsx"),
            fill_form(forms1["市公安局"], no_comments=True, out=tmp_path / "公安1.xlsx")]
    assert [r.status for r in collect_forms(project, back)] == ["imported", "imported", "no_comments"]
    adopted = _decide(project, "建议将“每年划拨", Disposition.ADOPTED)
    _decide(project, "建议压缩篇幅", Disposition.REJECTED, "篇幅已较精简")
    deleted = _decide(project, "建议删除本条", Disposition.ADOPTED)

    # -- the second draft ------------------------------------------------------------------------
    import_revision(project, parse_lines(SECOND_DRAFT), formed_on=date(2023, 4, 20), note="吸收第一轮意见")
    for key, note in (("→二（一）2", "落实劳动教育新要求"), ("二（二）4→二（二）5+二（二）6", "分列两项任务"),
                      ("二（三）→二（三）", "与国家文件表述一致"), ("二（三）6+二（三）7→二（三）8", "内容相近，合并")):
        set_change_note(project, 1, 2, key, note)
    findings = consistency_findings(project, 1, 2)
    assert [f.line() for f in findings] == []  # every change has a comment or a note; every adopted comment acted on
    redline = write_redline(project, 1, 2, tmp_path / "第二稿（修订）.docx")
    assert _docx_paragraphs(redline.path, accept=True) == _expected(project, 2)
    assert _docx_paragraphs(redline.path, accept=False) == _expected(project, 1)
    assert redline.changed == 6 and redline.comments == 6

    # -- round 2: written, on the second draft, only the changed clauses -------------------------
    project.add_round(sent_on=date(2023, 4, 25), deadline=date(2023, 5, 5), recipients=list(units.values()))
    assert project.version_for_round(2) == 2 and project.version_for_round(1) == 1
    assert form_context(project, 1).version == 1  # round 1's forms would still be the first draft's
    changed = changed_refs(project, 2)
    assert changed == ["二（一）2", "二（二）4", "二（二）5", "二（二）6", "二（三）", "二（三）8"]
    forms2 = {p.stem.split("—")[0]: p for p in write_forms(project, tmp_path / "第二轮", round_number=2, blank=False,
                                             changed_only=True)}
    options = _options(forms2["市财政局"])
    assert [o.split(" ")[0] for o in options] == ["总体意见", *changed]
    note = load_workbook(forms2["市财政局"])[FORM_SHEET]["A5"].value
    assert "只列出第2稿较第1稿修改和新增的6个条款" in note and "第2稿" in note
    # the unit's round-2 letter says how its round-1 comments were handled
    letter = letter_content(project, 2, unit_id=units["市财政局"])
    text = "\n".join(p.text for p in letter.paragraphs)
    assert letter.addressee == "市财政局："
    assert "贵单位在第1轮征求意见中提出意见建议2条，我们逐条进行了研究：采纳1条，未采纳1条。" in text
    assert "关于二（二）3（现为二（二）4）：“建议将‘每年划拨专门资金’改为‘统筹安排资金’。”已采纳。" in text
    assert "关于总体意见：“建议压缩篇幅。”未采纳，理由：篇幅已较精简。" in text
    housing = "\n".join(p.text for p in letter_content(project, 2, unit_id=units["市住建局"]).paragraphs)
    assert "关于二（三）8（该条已删除）：" in housing
    assert "贵单位" not in "\n".join(p.text for p in letter_content(project, 2).paragraphs)  # the general letter
    write_letter(project, 2, tmp_path / "致市财政局.docx", unit_id=units["市财政局"])
    # the forms come back; references are read in the second draft: 二（三）8 is now the merged task
    back2 = [fill_form(forms2["市财政局"], [("二（一）2 实施劳动教育提质行动", "建议明确课外劳动实践的要求。", "", ""),
                                            ("二（三）8", "建议合并后保留幼小衔接的表述。", "", "")],
                       out=tmp_path / "财政2.xlsx"),
             fill_form(forms2["市住建局"], no_comments=True, out=tmp_path / "住建2.xlsx")]
    assert [r.status for r in collect_forms(project, back2, round_number=2)] == ["imported", "no_comments"]
    round2 = project.comments(round_number=2)
    assert [c.clause_ref for c in round2] == ["二（一）2", "二（三）8"]
    labour = _decide(project, "建议明确课外劳动", Disposition.ADOPTED)
    _decide(project, "建议合并后保留", Disposition.REJECTED, "合并后的表述已包含幼小衔接")

    # -- the third draft -------------------------------------------------------------------------
    import_revision(project, parse_lines(THIRD_DRAFT), formed_on=date(2023, 5, 10))
    assert not [f for f in consistency_findings(project, 2, 3) if f.kind is FlagKind.ADOPTED_UNCHANGED]
    redline3 = write_redline(project, 2, 3, tmp_path / "第三稿（修订）.docx", author="某市教育局起草组")
    assert _docx_paragraphs(redline3.path, accept=True) == _expected(project, 3)
    assert _docx_paragraphs(redline3.path, accept=False) == _expected(project, 2)
    assert redline3.changed == 1 and redline3.comments == 1
    import zipfile

    comments_xml = zipfile.ZipFile(redline3.path).read("word/comments.xml").decode("utf-8")
    assert f"第{labour.id}号 市财政局（采纳）" in comments_xml
    # the whole way from the first draft to the third, in one document
    whole = write_redline(project, 1, 3, tmp_path / "第三稿对第一稿（修订）.docx", clean=False)
    assert _docx_paragraphs(whole.path, accept=True) == _expected(project, 3)
    assert _docx_paragraphs(whole.path, accept=False) == _expected(project, 1)

    # -- round 3: public, on the third draft -----------------------------------------------------
    table = write_xlsx(tmp_path / "网上留言.xlsx", [["家长甲", "劳动教育课时应当保证。", "二（一）2", "2023-05-15"],
                                                     ["家长乙", "劳动教育课时应当保证。", "二（一）2", "2023-05-16"]],
                       headers=["网名", "留言内容", "涉及条款", "留言时间"])
    report = import_public_comments(project, table, create_round=True)
    assert report.status == "imported" and report.comments == 1
    (public,) = [r for r in project.rounds() if r.method is RoundMethod.ONLINE]
    assert public.number == 3 and project.version_for_round(3) == 3
    assert project.comments(round_number=3)[0].clause_ref == "二（一）2"

    # comments of earlier rounds show on the matched clauses of the newest draft, with their round
    shown = comments_on_clause(project, 3, "二（二）4")
    assert [(c.comment.id, c.comment.round_number, c.origin) for c in shown] == [
        (adopted.id, 1, "第1稿二（二）3（该条已修改）")]
    on_task = comments_on_clause(project, 3, "二（一）2")
    assert [(c.comment.round_number, c.carried) for c in on_task] == [(3, False), (2, True)]
    assert deleted.id not in {c.comment.id for ref in ("二（三）8", "二（三）7") for c in comments_on_clause(project, 3, ref)}


def test_second_round_commands(project, tmp_path, capsys):
    from ui.cli import run

    project.add_round(recipients=[u.id for u in project.units()])
    comment = project.add_comment(round_number=1, unit_id=project.units()[0].id, clause_ref="二（二）3",
                                  body="建议统筹安排资金。").ids[0]
    project.set_disposition(comment, Disposition.ADOPTED)
    import_revision(project, parse_lines(SECOND_DRAFT))
    project.add_round(recipients=[u.id for u in project.units()])
    path = project.path
    project.close()
    assert run(["forms", str(path), "--out", str(tmp_path / "表"), "--round", "2", "--changed-only"]) == 0
    assert [o.split(" ")[0] for o in _options(next((tmp_path / "表").glob("市财政局—*.xlsx")))][1:] == \
        ["二（一）2", "二（二）4", "二（二）5", "二（二）6", "二（三）", "二（三）8"]
    capsys.readouterr()
    assert run(["forms", str(path), "--out", str(tmp_path / "表1"), "--round", "1", "--changed-only"]) == 2
    assert "第1稿之前没有草案，无法只列出修改的条款" in capsys.readouterr().err
    assert run(["letter", str(path), "--round", "2", "--unit", "市财政局", "--out", str(tmp_path / "函.docx"),
                "--force"]) == 0  # no deadline or contact in this project: the check lists them
    assert "（致市财政局）" in capsys.readouterr().out
    import docx

    text = "\n".join(p.text for p in docx.Document(str(tmp_path / "函.docx")).paragraphs)
    assert "关于二（二）3（现为二（二）4）：“建议统筹安排资金。”已采纳。" in text
    assert run(["letter", str(path), "--round", "2", "--unit", "市水利局", "--out", str(tmp_path / "x.docx")]) == 2
    assert "单位名单中没有“市水利局”" in capsys.readouterr().err
