"""Versions in the project file: importing a revision, stored matches, confirmations, carried comments, history."""
import json
from datetime import date

import pytest

from feedback.ledger import LedgerError
from feedback.outline import parse_lines
from feedback.revision import FlagKind, Relation
from feedback.vocabulary import GENERAL_CLAUSE_REF, Disposition, ReplyState, RoundMethod
from storage import versions
from storage.demo import DEMO_DATA, DEMO_DRAFT, build_demo_project
from storage.project import Project
from storage.versions import (carried_comments, changes_between, comments_on_clause, confirm_all, confirm_match,
                              import_revision, map_forward, rematch, revision_flags, set_change_note, set_match,
                              set_version_date, stored_matches, unconfirmed_matches, version_overview,
                              version_timeline)
from tests.fixtures.revised_drafts import EXPECTED_MATCHES, FIRST_DRAFT, SECOND_DRAFT, THIRD_DRAFT


def consulted_project(path):
    """The first draft, three units, round 1 with four decided comments."""
    project = Project.create(path, parse_lines(FIRST_DRAFT), source_file="初稿.docx")
    project.update_plan(title="某市提高教育质量三年行动计划", drafting_unit="某市教育局", drafted_on=date(2023, 4, 3))
    project.add_units([dict(name="市财政局", category="市级部门"), dict(name="市住建局", category="市级部门"),
                       dict(name="略阳县", category="县区"), dict(name="洋县", category="县区")])
    ids = {u.name: u.id for u in project.units()}
    project.add_round(sent_on=date(2023, 4, 10), deadline=date(2023, 4, 12), recipients=ids.values())
    project.add_comments([
        dict(round_number=1, unit_id=ids["市财政局"], clause_ref="二（二）3", body="建议改为统筹安排资金。",
             disposition=Disposition.ADOPTED),
        dict(round_number=1, unit_id=ids["市住建局"], clause_ref="二（三）5", body="建议明确建设标准。",
             disposition=Disposition.ADOPTED),
        dict(round_number=1, unit_id=ids["略阳县"], clause_ref="二（二）4", body="建议分为两条。",
             disposition=Disposition.PARTLY_ADOPTED, reason="已将平台建设单列。"),
        dict(round_number=1, unit_id=ids["略阳县"], clause_ref="二（三）8", body="建议删除。",
             disposition=Disposition.ADOPTED),
        dict(round_number=1, unit_id=ids["市财政局"], clause_ref=GENERAL_CLAUSE_REF, body="建议压减篇幅。",
             disposition=Disposition.REJECTED, reason="篇幅适中。"),
    ])
    project.set_reply(1, ids["洋县"], ReplyState.NO_COMMENTS)
    return project, ids


@pytest.fixture
def project(tmp_path):
    project, _ = consulted_project(tmp_path / "p.yjt")
    yield project
    project.close()


def triples(matches):
    return [(m.from_ref, m.to_ref, m.relation.value) for m in matches]


def test_a_revision_becomes_version_2_with_its_matches_stored(project):
    result = import_revision(project, parse_lines(SECOND_DRAFT), source_file="第二稿.docx", note="吸收反馈意见",
                             formed_on=date(2023, 4, 20))
    assert result.version_number == 2 and result.from_version == 1
    assert [(v.number, v.source_file, v.note) for v in project.versions()] == [
        (1, "初稿.docx", "初稿"), (2, "第二稿.docx", "吸收反馈意见")]
    rows = list(project.db.query("SELECT from_version, to_version, from_ref, to_ref, relation, confirmed "
                                 "FROM clause_matches ORDER BY id"))
    assert [(r["from_ref"], r["to_ref"], r["relation"]) for r in rows] == EXPECTED_MATCHES
    assert {(r["from_version"], r["to_version"], r["confirmed"]) for r in rows} == {(1, 2, 1)}
    assert triples(result.matches) == EXPECTED_MATCHES and all(m.id for m in result.matches)
    assert result.summary == "第2稿与第1稿比对：未修改9条，修改2条，新增1条，删除1条，拆分1条，合并1条；序号调整2条。"
    assert result.change.what == "versions" and result.change.ids == (2,)


def test_the_flags_of_a_revision(project):
    result = import_revision(project, parse_lines(SECOND_DRAFT))
    assert [(f.kind, f.from_refs, f.to_refs) for f in result.flags] == [
        (FlagKind.ADOPTED_UNCHANGED, ["二（三）5"], ["二（三）7"]),
        (FlagKind.CHANGE_WITHOUT_COMMENT, [], ["二（一）2"]),
        (FlagKind.CHANGE_WITHOUT_COMMENT, ["二（三）"], ["二（三）"]),
        (FlagKind.CHANGE_WITHOUT_COMMENT, ["二（三）6", "二（三）7"], ["二（三）8"])]
    assert result.flags[0].message == "市住建局对二（三）5（现为二（三）7）的意见已采纳，但该条款未作修改。"
    # a note on a change answers its flag
    set_change_note(project, 1, 2, "二（三）6+二（三）7→二（三）8", "两条内容相近，合并表述。")
    assert len(revision_flags(project, 1, 2)) == 3
    assert versions.change_notes(project, 1, 2) == {"二（三）6+二（三）7→二（三）8": "两条内容相近，合并表述。"}


def test_changes_between_two_versions_carry_their_comments(project):
    import_revision(project, parse_lines(SECOND_DRAFT))
    changes = changes_between(project, 1, 2)
    assert [(c.group.from_refs, c.group.to_refs, c.relation.value) for c in changes] == [
        ([], ["二（一）2"], "inserted"), (["二（二）3"], ["二（二）4"], "modified"),
        (["二（二）4"], ["二（二）5", "二（二）6"], "split"), (["二（三）"], ["二（三）"], "modified"),
        (["二（三）6", "二（三）7"], ["二（三）8"], "merged"), (["二（三）8"], [], "deleted")]
    assert [[(c.unit_name, c.disposition.label) for c in change.comments] for change in changes] == [
        [], [("市财政局", "采纳")], [("略阳县", "部分采纳")], [], [], [("略阳县", "采纳")]]
    split = changes[2]
    assert split.old_text.startswith("4.加快教育信息化建设。")
    assert split.new_text.count("\n") == 1 and split.new_text.startswith("5.加快教育信息化建设。")
    assert len(changes_between(project, 1, 2, include_renumbered=True)) == len(changes) + 2
    assert len(changes_between(project, 1, 2, include_unchanged=True)) == len(changes) + 2 + 9


def test_a_bad_revision_changes_nothing(project, monkeypatch):
    with pytest.raises(LedgerError, match="“空白.docx”中没有识别出条款"):
        import_revision(project, parse_lines([]), source_file="空白.docx")

    def broken(*args):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(versions, "_write_matches", broken)
    with pytest.raises(RuntimeError):
        import_revision(project, parse_lines(SECOND_DRAFT), source_file="第二稿.docx")
    assert [v.number for v in project.versions()] == [1]
    assert project.db.execute("SELECT count(*) FROM clauses").fetchone()[0] == len(parse_lines(FIRST_DRAFT).clauses)
    assert project.db.execute("SELECT count(*) FROM clause_matches").fetchone()[0] == 0


def test_a_different_document_is_imported_with_a_warning(project):
    result = import_revision(project, parse_lines(["某市学校安全管理办法", "第一条　为了规范管理，制定本办法。",
                                                   "第二条　本办法自发布之日起施行。"]), source_file="别的文件.docx")
    assert result.warnings == ["“别的文件.docx”与第1稿相同或相近的条款很少，请确认是否为同一文件的修改稿。"]


def grey_band_revision():
    lines = list(FIRST_DRAFT)
    lines[14] = "7.加强幼儿园教师培训。按标准开展幼儿园教职工全员培训，落实培训经费。"
    lines[15] = "8.推动民办学校健康发展。开展民办学校办学行为专项检查。"
    return parse_lines(lines)


def test_unconfirmed_matches_are_listed_and_confirmed(project):
    import_revision(project, grey_band_revision())
    unsure = unconfirmed_matches(project, 1, 2)
    assert triples(unsure) == [("二（三）7", "二（三）7", "modified"), ("二（三）8", "二（三）8", "modified")]
    change = confirm_match(project, unsure[0].id)
    assert change.what == "versions"
    assert triples(unconfirmed_matches(project, 1, 2)) == [("二（三）8", "二（三）8", "modified")]
    confirm_all(project, 1, 2)
    assert unconfirmed_matches(project, 1, 2) == []
    assert version_overview(project)[1].unconfirmed == 0
    with pytest.raises(LedgerError, match="没有编号为999的条款对应关系"):
        confirm_match(project, 999)


def test_the_drafter_corrects_a_match(project):
    import_revision(project, parse_lines(SECOND_DRAFT))
    # the deleted task 8 was in fact rewritten as the new task 2
    set_match(project, 1, 2, ["二（三）8"], ["二（一）2"])
    stored = stored_matches(project, 1, 2)
    assert ("二（三）8", "二（一）2", "modified") in triples(stored)
    assert not any(m.relation in (Relation.INSERTED, Relation.DELETED) for m in stored)
    assert all(m.confirmed for m in stored)
    # undo the split: task 4 became task 5 only, task 6 is new
    set_match(project, 1, 2, ["二（二）4"], ["二（二）5"])
    stored = triples(stored_matches(project, 1, 2))
    assert ("二（二）4", "二（二）5", "modified") in stored and (None, "二（二）6", "inserted") in stored
    assert not any(t[2] == "split" for t in stored)
    # a split set by hand
    set_match(project, 1, 2, ["二（二）4"], ["二（二）5", "二（二）6"])
    assert [t for t in triples(stored_matches(project, 1, 2)) if t[0] == "二（二）4"] == [
        ("二（二）4", "二（二）5", "split"), ("二（二）4", "二（二）6", "split")]
    # taking one piece of a merge leaves the other piece modified
    set_match(project, 1, 2, ["二（三）7"], [])
    matches = stored_matches(project, 1, 2)
    stored = triples(matches)
    assert ("二（三）6", "二（三）8", "modified") in stored and ("二（三）7", None, "deleted") in stored
    scores = {(m.from_ref, m.to_ref): m.score for m in matches}
    assert scores[("二（三）7", None)] == 0.0 and 50 < scores[("二（三）6", "二（三）8")] < 100
    with pytest.raises(LedgerError, match="不能把多个条款对应到多个条款"):
        set_match(project, 1, 2, ["二（三）6", "二（三）7"], ["二（三）7", "二（三）8"])
    with pytest.raises(LedgerError, match="第2稿中没有条款“九”"):
        set_match(project, 1, 2, ["二（三）6"], ["九"])
    rematch(project, 1, 2)
    assert triples(stored_matches(project, 1, 2)) == EXPECTED_MATCHES


def test_comments_stay_on_version_1_and_show_on_the_matched_clauses(project):
    import_revision(project, parse_lines(SECOND_DRAFT))
    ids = {u.name: u.id for u in project.units()}
    project.add_round(version_number=2, method=RoundMethod.MEETING, sent_on=date(2023, 5, 6),
                      recipients=[ids["市财政局"], ids["略阳县"]])
    project.add_comments([
        dict(round_number=2, unit_id=ids["市财政局"], clause_ref="二（二）5", body="建议明确平台建设主体。",
             disposition=Disposition.ADOPTED),
        dict(round_number=2, unit_id=ids["略阳县"], clause_ref="二（一）2", body="建议明确课时要求。",
             disposition=Disposition.ADOPTED)])
    # round-1 comments keep their version-1 clause
    assert [c.clause_ref for c in project.comments(round_number=1)][:4] == ["二（二）3", "二（三）5", "二（二）4", "二（三）8"]
    on_piece = comments_on_clause(project, 2, "二（二）5")
    assert [(c.comment.body, c.carried, c.origin) for c in on_piece] == [
        ("建议明确平台建设主体。", False, "第2稿二（二）5"),
        ("建议分为两条。", True, "第1稿二（二）4（该条已拆分）")]
    assert [c.origin for c in comments_on_clause(project, 2, "二（二）6")] == ["第1稿二（二）4（该条已拆分）"]
    assert [c.origin for c in comments_on_clause(project, 2, "二（二）4")] == ["第1稿二（二）3（该条已修改）"]
    assert [c.origin for c in comments_on_clause(project, 2, "二（三）7")] == ["第1稿二（三）5（序号已调整）"]
    assert comments_on_clause(project, 2, "二（三）8") == []  # the deleted task 8's comment shows nowhere
    assert [c.comment.body for c in comments_on_clause(project, 2, GENERAL_CLAUSE_REF)] == ["建议压减篇幅。"]
    assert comments_on_clause(project, 1, "二（二）4")[0].carried is False

    # version 3 changes only the new task 2: both rounds carry through
    import_revision(project, parse_lines(THIRD_DRAFT))
    assert [(c.comment.round_number, c.origin) for c in comments_on_clause(project, 3, "二（二）5")] == [
        (2, "第2稿二（二）5"), (1, "第1稿二（二）4（该条已拆分）")]
    assert [(c.comment.round_number, c.origin) for c in comments_on_clause(project, 3, "二（一）2")] == [
        (2, "第2稿二（一）2（该条已修改）")]
    assert map_forward(project, 1, 3)["二（二）3"] == [("二（二）4", Relation.MODIFIED)]
    assert map_forward(project, 1, 3)["二（一）2"] == [("二（一）3", Relation.RENUMBERED)]
    everything = carried_comments(project, 3)
    assert sum(len(v) for v in everything.values()) == 7
    for ref, entries in everything.items():
        assert sorted(entries, key=lambda e: (e.carried, -e.version_number, e.comment.id)) == \
            comments_on_clause(project, 3, ref)

    # round 2 is checked against version 3: its adoption on 二（二）5 was not carried out
    assert [(f.kind, f.from_refs) for f in revision_flags(project, 2, 3)] == [
        (FlagKind.ADOPTED_UNCHANGED, ["二（二）5"])]


def test_statistics_per_round_and_overall_on_two_rounds(project):
    import_revision(project, parse_lines(SECOND_DRAFT))
    ids = {u.name: u.id for u in project.units()}
    project.add_round(version_number=2, sent_on=date(2023, 5, 6), deadline=date(2023, 5, 10),
                      recipients=[ids["市财政局"], ids["洋县"]])
    project.add_comment(round_number=2, unit_id=ids["市财政局"], clause_ref="二（二）5", body="建议明确主体。",
                        disposition=Disposition.ADOPTED)
    today = date(2023, 5, 20)
    first, second, overall = (project.statistics(1, today=today), project.statistics(2, today=today),
                              project.statistics(today=today))
    assert (first.comments_total, second.comments_total, overall.comments_total) == (5, 1, 6)
    assert first.by_disposition["采纳"] == 3 and first.by_disposition["部分采纳"] == 1
    assert overall.by_disposition["采纳"] == 4
    assert second.units_consulted == {"市级部门": 1, "县区": 1} and second.overdue == 1
    assert overall.units_consulted == {"市级部门": 2, "县区": 2}
    # 洋县 said 无意见 in round 1 and let round 2 pass: over both rounds it had no comments
    assert overall.replied_no_comments == 1 and overall.overdue == 0
    assert second.sentence == ("书面征求了1个市级有关部门、1个县区的意见建议，共收集意见建议1条，其中：采纳1条；"
                               "其他部门、单位无修改意见（其中1个单位逾期未反馈，视为无意见）。")


def test_the_drafting_history(project):
    import_revision(project, parse_lines(SECOND_DRAFT), note="吸收第一轮反馈意见", formed_on=date(2023, 4, 20))
    project.add_round(version_number=2, method=RoundMethod.MEETING, sent_on=date(2023, 4, 25))
    import_revision(project, parse_lines(THIRD_DRAFT))
    assert [(e.date, e.text) for e in version_timeline(project)] == [
        (date(2023, 4, 3), "2023年4月3日，形成征求意见稿（第1稿）"),
        (date(2023, 4, 10), "2023年4月10日至4月12日，就第1稿书面征求有关单位意见"),
        (date(2023, 4, 20), "2023年4月20日，根据反馈意见修改形成第2稿（吸收第一轮反馈意见）"),
        (date(2023, 4, 25), "2023年4月25日起，就第2稿召开座谈会听取意见"),
        (None, "根据反馈意见修改形成第3稿")]
    set_version_date(project, 3, date(2023, 4, 27))
    assert version_timeline(project)[-1].text == "2023年4月27日，根据反馈意见修改形成第3稿"
    overview = version_overview(project)
    assert [(v.number, v.rounds, v.formed_on) for v in overview] == [
        (1, (1,), date(2023, 4, 3)), (2, (2,), date(2023, 4, 20)), (3, (), date(2023, 4, 27))]
    assert overview[0].clause_count == len(parse_lines(FIRST_DRAFT).clauses)


def test_version_pairs_are_checked(project):
    with pytest.raises(LedgerError, match="项目中没有第2稿"):
        changes_between(project, 1, 2)
    import_revision(project, parse_lines(SECOND_DRAFT))
    with pytest.raises(LedgerError, match="比对须从前一稿到后一稿"):
        changes_between(project, 2, 1)


def test_revising_the_demo_consultation(tmp_path):
    """The Hanzhong draft revised on five tasks with comments and one without."""
    demo = build_demo_project(tmp_path / "demo.yjt")
    draft = demo.draft(1)
    acted_on = ["三（二）3", "三（二）4", "三（九）23", "三（七）14", "三（十）27"]
    lines = DEMO_DRAFT.read_text(encoding="utf-8").splitlines()
    for ref in acted_on + ["三（三）6"]:
        heading = draft.by_ref()[ref].heading
        index = next(i for i, line in enumerate(lines) if heading + "。" in line)
        lines[index] = lines[index].replace(heading + "。", heading + "。切实", 1)
    result = import_revision(demo, parse_lines(lines), source_file="第二稿.txt", note="吸收反馈意见")
    assert {r for r, n in result.counts.items() if n} == {Relation.SAME, Relation.MODIFIED}
    assert result.counts[Relation.MODIFIED] == 6 and result.unconfirmed == []

    data = json.loads(DEMO_DATA.read_text(encoding="utf-8"))
    adopting = [c for c in data["comments"] if c["disposition"] in ("adopted", "partly")]
    expected = [(c["unit"], c["clause_ref"]) for c in adopting if c["clause_ref"] not in acted_on]
    unchanged = [f for f in result.flags if f.kind is FlagKind.ADOPTED_UNCHANGED]
    names = {c.id: c.unit_name for c in demo.comments()}
    assert [(names[f.comment_ids[0]], f.from_refs[0]) for f in unchanged] == expected
    assert len(unchanged) == len(adopting) - 9 == 13  # nine adopted comments were on the five tasks
    assert [(f.from_refs, f.to_refs) for f in result.flags if f.kind is FlagKind.CHANGE_WITHOUT_COMMENT] == [
        (["三（三）6"], ["三（三）6"])]
    demo.close()


def test_where_comments_show_on_the_newest_draft(project):
    """The ledger's clause tree shows version 2; round-1 comments sit on the clauses theirs became."""
    import_revision(project, parse_lines(SECOND_DRAFT))
    ids = {u.name: u.id for u in project.units()}
    project.add_round(version_number=2, recipients=[ids["市财政局"]])
    project.add_comment(round_number=2, unit_id=ids["市财政局"], clause_ref="二（二）5", body="建议明确平台建设主体。")
    places = versions.comment_places(project)
    assert places.version_number == 2 and places.round_versions == {1: 1, 2: 2}
    assert places.origins("二（二）5") == [(2, ["二（二）5"]), (1, ["二（二）4"])]
    assert places.origins("二（二）4") == [(2, ["二（二）4"]), (1, ["二（二）3"])]
    assert places.origins("二（三）8") == [(2, ["二（三）8"]), (1, ["二（三）6", "二（三）7"])]

    def bodies(ref):
        return [c.body for c in project.comments(clause_origins=places.origins(ref))]

    assert bodies("二（二）5") == ["建议分为两条。", "建议明确平台建设主体。"]
    assert bodies("二（二）6") == ["建议分为两条。"]
    assert bodies("二（二）4") == ["建议改为统筹安排资金。"]
    assert bodies("二（三）7") == ["建议明确建设标准。"]  # made on 二（三）5, renumbered
    assert bodies("二（三）8") == []  # the round-1 comment on the old 二（三）8 was on a deleted clause
    assert len(bodies("二")) == 4 and bodies(GENERAL_CLAUSE_REF) == ["建议压减篇幅。"]

    counts = versions.clause_comment_counts(project, places)
    assert counts["二（二）5"] == (2, 1)  # the split clause's comment counts on its first piece only
    assert "二（二）6" not in counts and counts["二（二）4"] == (1, 0) and counts["二（三）7"] == (1, 0)
    assert counts["第1稿二（三）8"] == (1, 0)  # no clause of version 2 has it, the whole still does
    assert sum(total for total, _ in counts.values()) == project.count_comments() == 6
    # with one version, the counts are the plain counts per clause
    single, _ = consulted_project(project.path.parent / "q.yjt")
    assert versions.clause_comment_counts(single, versions.comment_places(single)) == single.comments.clause_counts()
    single.close()


def test_a_prepared_revision_is_stored_only_on_the_version_it_was_matched_to(project):
    prepared = versions.prepare_revision(parse_lines(SECOND_DRAFT), 1, project.clauses(1), source_file="第二稿.docx")
    assert triples(prepared.matches) == EXPECTED_MATCHES
    assert [v.number for v in project.versions()] == [1]  # nothing stored yet
    import_revision(project, parse_lines(THIRD_DRAFT))
    with pytest.raises(LedgerError, match="“第二稿.docx”比对后项目中的草案已有变化，请重新导入"):
        versions.save_revision(project, prepared, source_file="第二稿.docx")
    assert [v.number for v in project.versions()] == [1, 2]


def test_the_note_and_the_recorded_date_of_a_version(project):
    import_revision(project, parse_lines(SECOND_DRAFT))
    assert versions.set_version_note(project, 2, " 吸收反馈意见 ").ids == (2,)
    assert project.versions()[1].note == "吸收反馈意见"
    assert versions.recorded_version_date(project, 1) is None
    assert versions.version_date(project, 1) == date(2023, 4, 3)  # the plan's drafting date stands in
    with pytest.raises(LedgerError, match="项目中没有第3稿"):
        versions.set_version_note(project, 3, "不存在")


def test_any_two_versions_compare_clause_by_clause(project):
    import_revision(project, parse_lines(SECOND_DRAFT))
    import_revision(project, parse_lines(THIRD_DRAFT))
    # 1 → 3 is matched afresh (only neighbouring versions keep matches); 2 → 3 changed one clause
    assert [(c.group.from_refs, c.group.to_refs, c.relation.value) for c in changes_between(project, 2, 3)] == [
        (["二（一）2"], ["二（一）2"], "modified")]
    across = changes_between(project, 1, 3)
    assert [(c.group.from_refs, c.group.to_refs, c.relation.value) for c in across] == [
        (c.group.from_refs, c.group.to_refs, c.relation.value) for c in changes_between(project, 1, 2)]
    inserted = across[0]
    assert inserted.relation is Relation.INSERTED and "（含课外实践）" in inserted.new_text
    assert [(r.op, r.new) for r in changes_between(project, 2, 3)[0].runs if r.op != "equal"] == [
        ("insert", "（含课外实践）")]


def test_the_drafting_history_is_told_in_date_order(project):
    """A round on the first draft sent after the second was formed (a unit asked late about the draft
    it had) is told after the second draft, as it happened."""
    import_revision(project, parse_lines(SECOND_DRAFT), formed_on=date(2023, 4, 20))
    project.add_round(version_number=1, sent_on=date(2023, 4, 25), deadline=date(2023, 4, 30))
    texts = [e.text for e in version_timeline(project)]
    assert texts == ["2023年4月3日，形成征求意见稿（第1稿）", "2023年4月10日至4月12日，就第1稿书面征求有关单位意见",
                     "2023年4月20日，根据反馈意见修改形成第2稿", "2023年4月25日至4月30日，就第1稿书面征求有关单位意见"]
