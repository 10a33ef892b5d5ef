"""Matching the clauses of two versions, the consistency check and the character diff (no files)."""
import re
from collections import Counter
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedback.draft import Clause
from feedback.outline import parse_lines
from feedback.progress import Progress
from feedback.revision import (ACCEPT_SCORE, CONFIDENT_SCORE, NEAR_SCORE, ChangeGroup, ClauseMatch, FlagKind,
                               Relation, change_groups, char_diff, check_consistency, clause_body, clause_reading,
                               describe_change, diff_text, diff_tokens, match_clauses, new_pieces, old_pieces,
                               relation_for)
from feedback.vocabulary import GENERAL_CLAUSE_REF, ClauseKind, Disposition
from tests.fixtures.revised_drafts import (EXPECTED_MATCHES, FIRST_DRAFT, FIRST_RULES, SECOND_DRAFT, SECOND_RULES,
                                           TASK_3, TASK_3_REVISED, large_draft_lines, large_draft_tasks,
                                           revise_large_draft)


def renumbered(lines):
    """Lines with the tasks 1. 2. … numbered again straight through."""
    number, result = 0, []
    for line in lines:
        match = re.match(r"^(\d+)\.", line)
        if match:
            number += 1
            line = f"{number}." + line[match.end():]
        result.append(line)
    return result


def triples(matches):
    return [(m.from_ref, m.to_ref, m.relation.value) for m in matches]


def match(first, second):
    return match_clauses(parse_lines(first).clauses, parse_lines(second).clauses)


def test_a_revision_that_inserts_renumbers_modifies_splits_merges_and_deletes():
    matches = match(FIRST_DRAFT, SECOND_DRAFT)
    assert triples(matches) == EXPECTED_MATCHES
    assert all(m.confirmed for m in matches)
    scores = {(m.from_ref, m.to_ref): m.score for m in matches}
    assert scores[("二（一）2", "二（一）3")] == 100.0  # renumbered only
    assert CONFIDENT_SCORE <= scores[("二（二）3", "二（二）4")] < 100.0
    assert scores[("二（二）4", "二（二）5")] == scores[("二（二）4", "二（二）6")] >= CONFIDENT_SCORE


def test_identical_versions_match_clause_for_clause():
    matches = match(FIRST_DRAFT, FIRST_DRAFT)
    refs = [c.ref for c in parse_lines(FIRST_DRAFT).clauses]
    assert triples(matches) == [(ref, ref, "same") for ref in refs]


def test_an_inserted_article_renumbers_the_articles_after_it():
    matches = match(FIRST_RULES, SECOND_RULES)
    assert triples(matches) == [
        ("第一条", "第一条", "same"), ("第二条", "第二条", "same"), ("第三条", "第三条", "same"),
        ("第四条", "第四条", "same"), (None, "第五条", "inserted"), ("第五条", "第六条", "renumbered"),
        ("第六条", "第七条", "renumbered"), ("第七条", "第八条", "renumbered"), ("第八条", "第九条", "renumbered")]


def test_a_clause_moved_to_another_section_is_found_by_its_words():
    lines = list(FIRST_DRAFT)
    moved = lines.pop(7)  # task 2 goes to the end of section （三）
    lines.insert(lines.index("三、保障措施"), moved)
    matches = {m.from_ref: m for m in match(FIRST_DRAFT, renumbered(lines))}
    assert (matches["二（一）2"].to_ref, matches["二（一）2"].relation) == ("二（三）8", Relation.RENUMBERED)
    assert (matches["二（二）3"].to_ref, matches["二（二）3"].relation) == ("二（二）2", Relation.RENUMBERED)


def test_a_heavily_reworded_clause_waits_for_confirmation():
    lines = list(FIRST_DRAFT)
    lines[14] = "7.加强幼儿园教师培训。按标准开展幼儿园教职工全员培训，落实培训经费。"
    lines[15] = "8.推动民办学校健康发展。开展民办学校办学行为专项检查。"
    changed = [m for m in match(FIRST_DRAFT, lines) if m.relation is not Relation.SAME]
    assert triples(changed) == [("二（三）7", "二（三）7", "modified"), ("二（三）8", "二（三）8", "modified")]
    for m in changed:
        assert ACCEPT_SCORE <= m.score < CONFIDENT_SCORE and not m.confirmed


def test_a_reworded_heading_alone_under_its_parent_is_matched_unconfirmed():
    lines = list(FIRST_DRAFT)
    lines[17] = "（一）强化组织保障"
    changed = [m for m in match(FIRST_DRAFT, lines) if m.relation is not Relation.SAME]
    assert triples(changed) == [("三（一）", "三（一）", "modified")]
    assert not changed[0].confirmed


def test_unrelated_new_wording_is_a_deletion_and_an_insertion():
    lines = list(FIRST_DRAFT)
    lines[17] = "（一）健全工作协调机制"
    changed = [m for m in match(FIRST_DRAFT, lines) if m.relation is not Relation.SAME]
    assert triples(changed) == [(None, "三（一）", "inserted"), ("三（一）", None, "deleted")]
    assert all(m.confirmed and m.score < NEAR_SCORE for m in changed)


def test_a_near_miss_deletion_and_insertion_wait_for_confirmation():
    lines = list(FIRST_DRAFT)
    del lines[15]  # task 8 goes; a looser version of it appears in section （一）
    lines.insert(8, "3.引导民办幼儿园规范办园，开展年度检查。")
    changed = [m for m in match(FIRST_DRAFT, renumbered(lines)) if m.relation.changed]
    assert triples(changed) == [(None, "二（一）3", "inserted"), ("二（三）8", None, "deleted")]
    assert all(not m.confirmed and NEAR_SCORE <= m.score < ACCEPT_SCORE for m in changed)


def test_changed_units_note_counts_as_a_modification():
    lines = [line.replace("责任单位：市财政局、市人社局", "责任单位：市财政局") if line.startswith("3.") else line
             for line in FIRST_DRAFT]
    changed = [m for m in match(FIRST_DRAFT, lines) if m.relation is not Relation.SAME]
    assert triples(changed) == [("二（二）3", "二（二）3", "modified")]


def test_progress_is_reported_in_order():
    seen = []
    match_clauses(parse_lines(FIRST_DRAFT).clauses, parse_lines(SECOND_DRAFT).clauses,
                  progress=Progress(lambda done, total: seen.append(done / total)))
    assert seen == sorted(seen) and len(seen) >= 3


# -- groups and relations ------------------------------------------------------------------

def test_change_groups_join_splits_and_merges():
    groups = change_groups(match(FIRST_DRAFT, SECOND_DRAFT))
    changed = [(g.from_refs, g.to_refs, g.relation.value) for g in groups if g.relation.changed]
    assert changed == [([], ["二（一）2"], "inserted"), (["二（二）3"], ["二（二）4"], "modified"),
                       (["二（二）4"], ["二（二）5", "二（二）6"], "split"), (["二（三）"], ["二（三）"], "modified"),
                       (["二（三）6", "二（三）7"], ["二（三）8"], "merged"), (["二（三）8"], [], "deleted")]
    assert [describe_change(g) for g in groups if g.relation.changed] == [
        "新增二（一）2", "二（二）3（现为二（二）4）修改", "二（二）4拆分为二（二）5、二（二）6", "二（三）修改",
        "二（三）6、二（三）7合并为二（三）8", "删除二（三）8"]
    assert [g.key for g in groups if g.relation is Relation.SPLIT] == ["二（二）4→二（二）5+二（二）6"]


def test_relation_of_a_drafters_own_pairing():
    old = parse_lines(FIRST_DRAFT).by_ref()
    new = parse_lines(SECOND_DRAFT).by_ref()
    assert relation_for([old["二（一）2"]], [new["二（一）3"]]) is Relation.RENUMBERED
    assert relation_for([old["二（二）3"]], [new["二（二）4"]]) is Relation.MODIFIED
    assert relation_for([old["二（二）4"]], [new["二（二）5"], new["二（二）6"]]) is Relation.SPLIT
    assert relation_for([], [new["二（一）2"]]) is Relation.INSERTED


def test_what_a_clause_reads():
    new = parse_lines(SECOND_DRAFT).by_ref()
    assert clause_reading(new["二（二）4"]) == "4." + TASK_3_REVISED
    assert clause_body(parse_lines(FIRST_DRAFT).by_ref()["二（二）3"]) == TASK_3
    assert clause_reading(new["二（三）"]) == "（三）实施学前教育普及普惠工程"
    rules = parse_lines(SECOND_RULES).by_ref()
    assert clause_reading(rules["第六条"]) == "第六条\u3000学校应当定期开展安全教育和应急疏散演练，每学期不少于两次。"


# -- the consistency check -----------------------------------------------------------------

def comment(id, unit, ref, disposition):
    return SimpleNamespace(id=id, unit_name=unit, clause_ref=ref, disposition=disposition)


def test_adopted_but_unchanged_and_changes_without_comment():
    old, new = parse_lines(FIRST_DRAFT), parse_lines(SECOND_DRAFT)
    groups = change_groups(match(FIRST_DRAFT, SECOND_DRAFT), [c.ref for c in old], [c.ref for c in new])
    comments = [
        comment(1, "市财政局", "二（二）3", Disposition.ADOPTED),  # modified: acted on
        comment(2, "市住建局", "二（三）5", Disposition.ADOPTED),  # renumbered only: flagged
        comment(3, "略阳县", "二（二）4", Disposition.PARTLY_ADOPTED),  # split: acted on
        comment(4, "洋县", "三（一）", Disposition.PARTLY_ADOPTED),  # unchanged: flagged
        comment(5, "市公安局", "三（二）", Disposition.REJECTED),  # not adopted: not checked
        comment(6, "市纪委", "二（三）8", Disposition.IN_WORK),  # deleted, but not an adoption
        comment(7, "城固县", GENERAL_CLAUSE_REF, Disposition.ADOPTED),  # general: not checked
        comment(8, "市委组织部", "二（一）1", Disposition.ADOPTED),  # a new task follows it: acted on
        comment(9, "市教育局", "二", Disposition.ADOPTED),  # a clause under it changed: acted on
    ]
    flags = check_consistency(groups, old, new, comments)
    unchanged = [(f.comment_ids, f.from_refs, f.to_refs) for f in flags if f.kind is FlagKind.ADOPTED_UNCHANGED]
    assert unchanged == [([2], ["二（三）5"], ["二（三）7"]), ([4], ["三（一）"], ["三（一）"])]
    assert flags[0].message == "市住建局对二（三）5（现为二（三）7）的意见已采纳，但该条款未作修改。"
    without = [(f.from_refs, f.to_refs) for f in flags if f.kind is FlagKind.CHANGE_WITHOUT_COMMENT]
    # the 二（二）3 change is the 市财政局 comment's, the split 略阳县's, the insertion 市委组织部's;
    # everything under 二 is covered by comment 9, so take it away to see the bare changes
    assert without == []
    bare = check_consistency(groups, old, new, [c for c in comments if c.id != 9])
    assert [(f.from_refs, f.to_refs) for f in bare if f.kind is FlagKind.CHANGE_WITHOUT_COMMENT] == [
        (["二（三）"], ["二（三）"]), (["二（三）6", "二（三）7"], ["二（三）8"]), (["二（三）8"], [])]
    assert bare[-1].message == "删除二（三）8，没有对应的采纳意见，请补充修改说明。"
    assert bare[-1].change_key == "二（三）8→"


# -- the character diff -----------------------------------------------------------------------

def test_tokens_keep_numbers_and_latin_words_whole():
    assert diff_tokens("2023年底达到95%，建设5G网络") == ["2023", "年", "底", "达", "到", "95%", "，", "建", "设",
                                                       "5", "G", "网", "络"]


def test_diff_groups_into_runs():
    runs = char_diff("每年划拨专门资金用于薄弱学校改造，到2025年底全面消除大班额。",
                     "统筹安排资金用于薄弱学校改造，到2025年底基本消除大班额。")
    assert [(r.op, r.old, r.new) for r in runs] == [
        ("replace", "每年划拨专门", "统筹安排"), ("equal", "资金用于薄弱学校改造，到2025年底", ""),
        ("replace", "全面", "基本"), ("equal", "消除大班额。", "")]
    assert old_pieces(runs)[0] == ("每年划拨专门", True)
    assert new_pieces(runs)[0] == ("统筹安排", True)
    assert diff_text(runs) == "[-每年划拨专门-]{+统筹安排+}资金用于薄弱学校改造，到2025年底[-全面-]{+基本+}消除大班额。"


def test_diff_of_a_number_replaces_the_whole_number():
    assert diff_text(char_diff("培育骨干教师800人", "培育骨干教师1000人")) == "培育骨干教师[-800-]{+1000+}人"


def test_diff_of_insertions_and_deletions_only():
    assert [(r.op, r.new) for r in char_diff("", "新增")] == [("insert", "新增")]
    assert [(r.op, r.old) for r in char_diff("删除", "")] == [("delete", "删除")]
    assert char_diff("", "") == []


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="推进教育学校2025年，。AB（）\n", max_size=40),
       st.text(alphabet="推进教育学校2025年，。AB（）\n", max_size=40))
def test_diff_rebuilds_both_texts(old, new):
    runs = char_diff(old, new)
    assert "".join(text for text, _ in old_pieces(runs)) == old
    assert "".join(text for text, _ in new_pieces(runs)) == new
    # no two changes side by side, and no empty run
    for first, second in zip(runs, runs[1:]):
        assert not (first.op != "equal" and second.op != "equal")
    assert all(r.old or r.new for r in runs)


def test_regulation_article_kind_and_reading():
    clause = Clause("第五条", "第五条", 1, ClauseKind.ARTICLE, "", "学校应当……")
    assert clause_reading(clause).startswith("第五条\u3000")
    assert ChangeGroup(["第五条"], ["第六条"], Relation.RENUMBERED, 100, True).key == "第五条→第六条"
    assert ClauseMatch("第五条", "第六条", Relation.RENUMBERED, 100).confirmed


# -- generated drafts at scale -------------------------------------------------------------

@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_designed_change_of_a_generated_revision_is_found(seed):
    parts = large_draft_tasks(200, seed=seed)
    revised, designed = revise_large_draft(parts, seed=seed + 100)
    old, new = parse_lines(large_draft_lines(parts)), parse_lines(large_draft_lines(revised))
    matches = match_clauses(old.clauses, new.clauses)
    found = Counter(g.relation.value for g in change_groups(matches) if g.relation.changed)
    assert found == designed and sum(designed.values()) > 10
    assert all(m.confirmed for m in matches)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["keep", "drop", "twice", "new"]), st.integers(0, 30)),
                min_size=len(FIRST_DRAFT), max_size=len(FIRST_DRAFT)))
def test_every_clause_is_in_exactly_one_change(edits):
    lines = [FIRST_DRAFT[0]]
    for line, (edit, number) in zip(FIRST_DRAFT[1:], edits):
        if edit in ("keep", "twice"):
            lines.append(line)
        if edit == "twice":
            lines.append(line)
        if edit == "new":
            lines.append(f"{number % 9 + 1}.新的任务{number}。开展第{number}项工作。")
    old, new = parse_lines(FIRST_DRAFT), parse_lines(renumbered(lines))
    groups = change_groups(match_clauses(old.clauses, new.clauses))
    assert sorted(r for g in groups for r in g.from_refs) == sorted(c.ref for c in old.clauses)
    assert sorted(r for g in groups for r in g.to_refs) == sorted(c.ref for c in new.clauses)
