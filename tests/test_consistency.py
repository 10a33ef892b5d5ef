"""The consistency check between the ledger and the text: four checks, each finding what it should and no more."""
from feedback.consistency import (FindingKind, RevisionData, adopted_without_change, change_without_comment,
                                  decided_both_ways, repeated_reasons, run_checks)
from feedback.ledger import Comment
from feedback.outline import parse_lines
from feedback.revision import FlagKind, change_groups, match_clauses
from feedback.vocabulary import Disposition
from storage.project import Project
from storage.versions import consistency_findings, import_revision, set_change_note
from tests.fixtures.revised_drafts import FIRST_DRAFT, SECOND_DRAFT


def comment(id, ref, disposition, reason="", unit="市财政局", body="建议修改。", round_number=1):
    return Comment(id, round_number, id, unit, "市级部门", ref, body, disposition=disposition, reason=reason)


def revision(comments, notes=None):
    old, new = parse_lines(FIRST_DRAFT), parse_lines(SECOND_DRAFT)
    groups = change_groups(match_clauses(old.clauses, new.clauses), [c.ref for c in old.clauses],
                           [c.ref for c in new.clauses])
    return RevisionData(groups, old, new, comments, notes or {})


def test_adopted_without_change_and_change_without_comment():
    comments = [comment(1, "一", Disposition.ADOPTED),  # 总体要求 was not touched
                comment(2, "二（二）3", Disposition.PARTLY_ADOPTED, "改为基本消除"),  # task 3 was modified
                comment(3, "二（一）1", Disposition.REJECTED, "不符合实际")]  # not adopted: nothing expected
    data = revision(comments)
    unchanged = adopted_without_change(data)
    assert [(f.kind, f.comment_ids, f.from_refs) for f in unchanged] == [(FlagKind.ADOPTED_UNCHANGED, [1], ["一"])]
    assert unchanged[0].severe
    without = change_without_comment(data)
    assert {f.change_key for f in without} == {"→二（一）2", "二（二）4→二（二）5+二（二）6", "二（三）→二（三）",
                                              "二（三）6+二（三）7→二（三）8", "二（三）8→"}
    # a note explains a change: its finding goes
    noted = change_without_comment(revision(comments, {"二（三）8→": "另行发文"}))
    assert "二（三）8→" not in {f.change_key for f in noted} and len(noted) == len(without) - 1


def test_the_same_clause_decided_both_ways():
    comments = [comment(1, "二（二）3", Disposition.ADOPTED, unit="市财政局"),
                comment(2, "二（二）3", Disposition.REJECTED, "已有规定", unit="市住建局"),
                comment(3, "二（二）4", Disposition.ADOPTED), comment(4, "二（二）4", Disposition.ADOPTED),
                comment(5, "总体意见", Disposition.ADOPTED), comment(6, "总体意见", Disposition.REJECTED, "不宜"),
                comment(7, "二（一）1", Disposition.PARTLY_ADOPTED, "部分"),
                comment(8, "二（一）1", Disposition.REJECTED, "不采纳", round_number=2)]  # another round
    found = decided_both_ways(comments)
    assert [(f.kind, f.from_refs, f.comment_ids) for f in found] == [(FindingKind.DECIDED_BOTH_WAYS, ["二（二）3"], [1, 2])]
    assert "市财政局（第1号）的意见采纳，市住建局（第2号）的意见未采纳" in found[0].message


def test_one_reason_pasted_on_unrelated_comments():
    pasted = "该意见与本计划的定位不一致，不予采纳。"
    comments = [comment(1, "二（一）1", Disposition.REJECTED, pasted, body="建议增加党建考核。"),
                comment(2, "二（二）3", Disposition.REJECTED, pasted + " ", body="建议提高经费标准。"),
                comment(3, "二（三）5", Disposition.REJECTED, "该意见与本计划的定位不一致,不予采纳", body="建议延长时限。"),
                comment(4, "三（一）", Disposition.REJECTED, "已采纳。"),  # stock phrase
                comment(5, "三（二）", Disposition.ADOPTED, "已采纳。"), comment(6, "三", Disposition.ADOPTED, "已采纳。"),
                # the same reason on comments about one clause is an answer to one question
                comment(7, "一", Disposition.REJECTED, "与上位法规定不符，不予采纳。"),
                comment(8, "一", Disposition.REJECTED, "与上位法规定不符，不予采纳。"),
                comment(9, "一", Disposition.REJECTED, "与上位法规定不符，不予采纳。")]
    found = repeated_reasons(comments)
    assert len(found) == 1 and found[0].kind is FindingKind.REPEATED_REASON
    assert found[0].comment_ids == [1, 2, 3] and found[0].from_refs == ["二（一）1", "二（二）3", "二（三）5"]
    assert "用在3条意见上" in found[0].message
    # fewer than three: not a pattern
    assert repeated_reasons(comments[:2]) == []
    assert [f.kind for f in run_checks(comments)] == [FindingKind.REPEATED_REASON]


def test_the_project_check_with_and_without_a_pair(tmp_path):
    with Project.create(tmp_path / "p.yjt", parse_lines(FIRST_DRAFT)) as project:
        project.add_unit("市财政局", "市级部门")
        project.add_unit("市住建局", "市级部门")
        project.add_round()
        a = project.add_comment(round_number=1, unit_id=1, clause_ref="一", body="建议细化。").ids[0]
        b = project.add_comment(round_number=1, unit_id=2, clause_ref="一", body="建议删除。").ids[0]
        project.set_disposition(a, Disposition.ADOPTED)
        project.set_disposition(b, Disposition.REJECTED, reason="本条为重点任务")
        only_ledger = consistency_findings(project)  # one version: the ledger checks alone
        assert [f.kind for f in only_ledger] == [FindingKind.DECIDED_BOTH_WAYS]
        import_revision(project, parse_lines(SECOND_DRAFT))
        set_change_note(project, 1, 2, "二（三）8→", "另行发文")
        kinds = [f.kind for f in consistency_findings(project, 1, 2)]
        assert kinds[0] is FlagKind.ADOPTED_UNCHANGED and kinds[-1] is FindingKind.DECIDED_BOTH_WAYS
        assert kinds.count(FlagKind.CHANGE_WITHOUT_COMMENT) == 5  # six changes, the deletion explained
        assert [f.kind for f in consistency_findings(project)] == kinds
