"""The check before generating: each missing item named, generation stopped unless forced."""
from __future__ import annotations

import argparse
from datetime import date

import pytest

from exports.explanation import document_findings
from feedback.preflight import CHECKS, Finding, preflight
from feedback.vocabulary import UNPLACED_CLAUSE_REF, Disposition, RoundMethod
from storage import documents
from tests.fixtures.consultations import bare_project, taxi_regulation
from ui.cli.documents import run_explain, run_table


@pytest.fixture
def complete(tmp_path):
    project = taxi_regulation(tmp_path / "出租汽车.yjt")
    yield project
    project.close()


def codes(findings):
    return [f.code for f in findings]


def test_a_complete_consultation_has_nothing_to_report(complete):
    for document in ("explanation", "table", "answers", "comparison"):
        assert document_findings(complete, document) == [], document
    assert document_findings(complete, "letter", round_number=1) == []


def test_a_bare_project_names_every_missing_part(tmp_path):
    project = bare_project(tmp_path / "空.yjt")
    findings = document_findings(project, "explanation")
    assert codes(findings) == ["plan.drafting_unit", "plan.addressee", "plan.written_on", "empty.rounds",
                               "empty.comments", "dates.version"]
    messages = "\n".join(f.message for f in findings)
    for words in ("起草单位", "我单位", "主送机关", "审定机关", "成文日期", "征求意见轮次", "0条",
                  "第1稿没有起草日期"):
        assert words in messages
    project.update_plan(title="")
    assert "plan.title" in codes(document_findings(project, "table"))


def test_unplaced_and_pending_comments_are_named_with_their_units(complete):
    ids = {u.name: u.id for u in complete.units()}
    complete.add_comment(round_number=1, unit_id=ids["南浔区"], clause_ref=UNPLACED_CLAUSE_REF,
                         body="第九条的表述不清楚。")
    findings = {f.code: f.message for f in document_findings(complete, "table")}
    assert findings["comments.unplaced"] == "有1条意见尚未对应到条款（待定位）：南浔区。"
    assert findings["comments.pending"] == "有1条意见尚未处理（待处理）：南浔区。"
    assert "comments.unplaced" not in codes(document_findings(complete, "table", round_number=2))


def test_a_reason_owed_and_not_written_is_found(complete):
    comment = complete.comments()[0]
    complete.db["comments"].update(comment.id, {"disposition": Disposition.REJECTED.value, "reason": ""})
    assert "comments.reason" in codes(document_findings(complete, "explanation"))


def test_dates_out_of_order(complete):
    complete.update_plan(written_on=date(2021, 7, 1), drafted_on=date(2021, 7, 20))
    found = codes(document_findings(complete, "explanation"))
    assert "dates.plan" in found and found.count("dates.written") == 2
    complete.rounds.update(2, sent_on=date(2021, 7, 1), deadline=date(2021, 7, 26))
    assert "dates.rounds" in codes(document_findings(complete, "table"))


def test_a_round_still_open_and_an_empty_section(complete):
    ids = {u.name: u.id for u in complete.units()}
    complete.add_round(method=RoundMethod.WRITTEN, sent_on=date(2021, 8, 1), deadline=date(2099, 8, 10),
                       recipients=[ids["市公安局"]])
    found = {f.code: f.message for f in document_findings(complete, "explanation")}
    assert found["rounds.open"] == "第3轮征求意见尚未截止（截止日期2099年8月10日），还有1个单位未反馈。"
    section = documents.list_sections(complete)[0]
    documents.save_section(complete, section.id, body="")
    assert f"“{section.title}”部分没有内容。" in [f.message for f in document_findings(complete, "explanation")]


def test_a_letter_needs_its_deadline_and_recipients(tmp_path):
    project = bare_project(tmp_path / "函.yjt")
    project.update_plan(title="某某办法", drafting_unit="某某局")
    project.add_round(method=RoundMethod.WRITTEN)
    assert codes(document_findings(project, "letter", round_number=1)) == [
        "plan.contact", "round.deadline", "round.sent_on", "empty.recipients"]


def test_a_check_is_one_function_added_to_the_list(complete):
    def ledger_and_text_agree(ctx):
        return [Finding("consistency", "台账与正文不一致。")] if ctx.document == "explanation" else []

    assert codes(preflight(complete, "explanation", checks=[*CHECKS, ledger_and_text_agree])) == ["consistency"]
    CHECKS.append(ledger_and_text_agree)
    try:
        assert codes(document_findings(complete, "explanation")) == ["consistency"]
    finally:
        CHECKS.remove(ledger_and_text_agree)


def test_the_commands_stop_with_status_1_unless_forced(tmp_path, capsys):
    project = bare_project(tmp_path / "空.yjt")
    project.close()
    out = tmp_path / "说明.docx"
    args = argparse.Namespace(project=str(tmp_path / "空.yjt"), out=str(out), template=None, group_by="unit",
                              force=False, round=None)
    assert run_explain(args) == 1
    err = capsys.readouterr().err
    assert not out.exists() and "尚未填写主送机关" in err and "--force" in err
    assert run_table(argparse.Namespace(**{**vars(args), "out": str(tmp_path / "表.docx")})) == 1
    assert not (tmp_path / "表.docx").exists()
    args.force = True
    assert run_explain(args) == 0 and out.exists()
    assert "提示：尚未填写主送机关" in capsys.readouterr().err


def test_unplaced_comments_never_print_as_unplaced(complete, tmp_path):
    from exports.adoption_table import adoption_rows

    ids = {u.name: u.id for u in complete.units()}
    complete.add_comment(round_number=1, unit_id=ids["南浔区"], clause_ref=UNPLACED_CLAUSE_REF,
                         body="表述不清楚。")
    assert all(UNPLACED_CLAUSE_REF not in row.clause for row in adoption_rows(complete))
    args = argparse.Namespace(project=str(complete.path), out=str(tmp_path / "表.docx"), template=None,
                              group_by="unit", force=True, round=None)
    complete.close()
    assert run_table(args) == 0
    import docx

    text = "".join(c.text for t in docx.Document(args.out).tables for r in t.rows for c in r.cells)
    assert UNPLACED_CLAUSE_REF not in text and "未指明条款" in text


def test_the_ledger_against_the_text_is_checked_before_generating(complete, tmp_path, capsys):
    """The consistency check's findings are listed by every document telling how comments were
    handled, with comments named by the numbers the ledger shows (not their ids)."""
    ids = {u.name: u.id for u in complete.units()}
    added = complete.add_comment(round_number=1, unit_id=ids["市财政局"], clause_ref="第三条",
                                 body="建议删除本条。").ids[0]
    complete.set_disposition(added, Disposition.REJECTED, reason="本条为上位法规定")
    expected = "同一条款处理不一：第三条：市公安局（第1号）的意见采纳，市财政局（第2号）的意见未采纳，请核对处理是否前后一致。"
    assert added == 8  # by id it would be 第8号
    for document in ("explanation", "table", "answers", "comparison", "redline"):
        found = {f.code: f.message for f in document_findings(complete, document)}
        assert found.get("consistency.decided_both_ways") == expected, document
    assert "consistency.decided_both_ways" not in codes(document_findings(complete, "letter", round_number=1))
    args = argparse.Namespace(project=str(complete.path), out=str(tmp_path / "表.docx"), template=None,
                              group_by="unit", force=False, round=None)
    complete.close()
    # asking to look again, it is listed but does not stop the document
    assert run_table(args) == 0 and (tmp_path / "表.docx").exists()
    assert f"提示：{expected}" in capsys.readouterr().err
