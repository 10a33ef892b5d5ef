"""The project file: schema versions, transactions, units, rounds, replies, comments, history, search."""
import sqlite3
from datetime import date

import pytest

from feedback.ledger import LedgerError
from feedback.outline import parse_lines
from feedback.vocabulary import Disposition, ReplyState, RoundMethod
from storage.backups import list_backups
from storage.demo import build_demo_project
from storage.project import Project, ProjectError, ProjectLockedError
from storage.schema import SCHEMA_VERSION, migrate, schema_version


@pytest.fixture
def demo(tmp_path):
    project = build_demo_project(tmp_path / "demo.yjt")
    yield project
    project.close()


def small_project(path):
    draft = parse_lines(["某行动计划", "一、总体要求", "1.推进甲。内容甲。（牵头单位：市教育局；责任单位：市财政局）",
                         "2.推进乙。内容乙。"])
    project = Project.create(path, draft)
    project.add_units([dict(name="市财政局", category="市级部门"), dict(name="略阳县", category="县区")])
    project.add_round(sent_on=date(2023, 4, 10), deadline=date(2023, 4, 12),
                      recipients=[u.id for u in project.units()])
    return project


def test_file_settings_no_side_journal_and_foreign_keys(tmp_path):
    project = small_project(tmp_path / "p.yjt")
    assert project.db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert project.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL: every commit on disk
    assert project.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert schema_version(project.db.conn) == SCHEMA_VERSION
    project.close()


def test_older_schema_upgrades_after_a_backup_copy(tmp_path):
    path = tmp_path / "old.yjt"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=1)  # a file written by the first version
    conn.execute("INSERT INTO plan(id, title, created_at) VALUES (1, '旧计划', '2023-01-01')")
    conn.execute("INSERT INTO versions(number, imported_at) VALUES (1, '2023-01-01')")
    conn.execute("INSERT INTO units(name, category) VALUES ('市公安局', '市级部门')")
    conn.execute("INSERT INTO rounds(number, version_id) VALUES (1, 1)")
    conn.execute("INSERT INTO comments(round_id, unit_id, clause_ref, body, created_at) "
                 "VALUES (1, 1, '总体意见', '建议加强校园安全', '2023-01-01')")
    conn.close()
    with Project.open(path) as project:
        assert schema_version(project.db.conn) == SCHEMA_VERSION
        assert [h.id for h in project.search("校园安全")] == [1]  # the index was built for old comments
    backup = tmp_path / "old.格式1备份.yjt"
    assert backup.exists()
    assert schema_version(sqlite3.connect(backup)) == 1


def test_newer_schema_is_refused_with_a_message(tmp_path):
    path = tmp_path / "new.yjt"
    small_project(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(ProjectError, match="更新版本"):
        Project.open(path)


def test_not_a_project_file_is_refused(tmp_path):
    path = tmp_path / "x.yjt"
    path.write_text("hello")
    with pytest.raises(ProjectError, match="不是意见通项目文件"):
        Project.open(path)


def test_a_failed_action_leaves_the_file_as_before(tmp_path):
    project = small_project(tmp_path / "p.yjt")
    unit = project.units()[0].id
    items = [dict(round_number=1, unit_id=unit, clause_ref="一1", body="意见一"),
             dict(round_number=1, unit_id=unit, clause_ref="九9", body="不存在的条款")]
    with pytest.raises(LedgerError, match="九9"):
        project.add_comments(items)
    assert project.count_comments() == 0
    # a crash inside the transaction rolls back everything written so far
    with pytest.raises(RuntimeError):
        with project.transaction():
            project.db["units"].insert({"name": "临时单位", "category": "其他"})
            raise RuntimeError("crash")
    assert "临时单位" not in [u.name for u in project.units()]
    project.close()


def test_disposition_without_required_reason_is_refused_and_history_kept(demo):
    comment = demo.comments(disposition=Disposition.ADOPTED)[0]
    with pytest.raises(LedgerError, match="理由"):
        demo.set_disposition(comment.id, Disposition.REJECTED)
    with pytest.raises(LedgerError, match="工作"):
        demo.set_disposition(comment.id, Disposition.IN_WORK, reason="另行部署")
    change = demo.set_disposition(comment.id, Disposition.REJECTED, reason="与上位政策不符", who="李明")
    assert change.what == "comments" and change.ids == (comment.id,)
    assert demo.comment(comment.id).disposition is Disposition.REJECTED
    history = {h.field: h for h in demo.history(comment.id)}
    assert history["disposition"].old_value == "adopted" and history["disposition"].new_value == "rejected"
    assert history["reason"].new_value == "与上位政策不符" and history["disposition"].who == "李明"


def test_overdue_only_after_the_deadline(tmp_path):
    project = small_project(tmp_path / "p.yjt")
    county = next(u for u in project.units() if u.name == "略阳县")
    on_deadline = {r.unit_name: r.state for r in project.replies(1, today=date(2023, 4, 12))}
    after = {r.unit_name: r.state for r in project.replies(1, today=date(2023, 4, 13))}
    assert on_deadline["略阳县"] is ReplyState.NONE and after["略阳县"] is ReplyState.OVERDUE
    assert project.statistics(today=date(2023, 4, 12)).overdue == 0
    assert project.statistics(today=date(2023, 4, 13)).overdue == 2
    project.set_reply(1, county.id, ReplyState.NO_COMMENTS)
    stats = project.statistics(today=date(2023, 4, 13))
    assert (stats.replied_no_comments, stats.overdue) == (1, 1)
    with pytest.raises(LedgerError):
        project.set_reply(1, county.id, ReplyState.OVERDUE)
    project.close()


def test_comment_makes_its_unit_a_replier_with_comments(tmp_path):
    project = small_project(tmp_path / "p.yjt")
    finance = next(u for u in project.units() if u.name == "市财政局")
    project.add_comment(round_number=1, unit_id=finance.id, clause_ref="一1", body="建议修改")
    states = {r.unit_name: r.state for r in project.replies(1, today=date(2023, 4, 13))}
    assert states["市财政局"] is ReplyState.WITH_COMMENTS
    with pytest.raises(LedgerError, match="已有意见"):
        project.set_reply(1, finance.id, ReplyState.NO_COMMENTS)
    project.close()


def test_demo_counts(demo):
    stats = demo.statistics(today=date(2023, 4, 27))
    assert stats.units_consulted == {"市级部门": 19, "县区": 11, "局属单位": 33, "其他": 1}
    assert stats.comments_total == 32 == sum(stats.by_disposition.values())
    assert stats.by_disposition["采纳"] == 20 and stats.by_disposition["在工作中落实"] == 4
    assert "共收集意见建议32条" in stats.sentence
    assert "市公安局1条建议将在校园安全管理工作中抓好落实" in stats.sentence
    assert stats.by_unit["市纪委监委机关"] == 3
    assert stats.by_clause["三（十）27"] == 5


def test_recipients_proposed_from_the_draft(demo):
    proposed = demo.units.propose_recipients()
    municipal = [name for name, category in proposed if category == "市级部门"]
    assert len(municipal) == 19 and "市教育局" not in municipal
    assert {"市委组织部", "市委编办"} <= set(municipal)


def test_unit_names_match_tolerantly_and_script_insensitively(demo):
    for spelling in ("公安局", "市公安局", "汉中市公安局", "漢中市公安局"):
        assert [u.name for u in demo.find_units(spelling)] == ["市公安局"], spelling
    assert [u.name for u in demo.find_units("汉中市职业技术学院")] == ["汉中职业技术学院"]


def test_search_uses_the_index_and_finds_short_and_long_substrings(demo):
    plan = demo.db.execute("EXPLAIN QUERY PLAN SELECT rowid FROM comments_search WHERE comments_search MATCH '\"安 全\"'").fetchall()
    assert any("VIRTUAL TABLE INDEX" in str(row) for row in plan)
    hits = demo.search("安全")
    assert hits and all("安全" in demo.comment(h.id).body + demo.comment(h.id).reason for h in hits)
    clause_hits = demo.search("督导")
    assert {h.kind for h in clause_hits} == {"comment", "clause"}
    assert "四（三）" in [h.ref for h in clause_hits if h.kind == "clause"]
    assert [h.ref for h in demo.search("校外培训预收费") if h.kind == "comment"] == ["三（十）27"]
    assert demo.search("不存在的词语组合") == []
    # reasons are searched too, and edits are re-indexed at once
    comment = demo.comments()[0]
    demo.set_disposition(comment.id, Disposition.REJECTED, reason="与省级文件口径不一致")
    assert [h.id for h in demo.search("省级文件口径")] == [comment.id]


def test_second_writer_is_refused_and_may_read(tmp_path):
    path = tmp_path / "p.yjt"
    first = small_project(path)
    with pytest.raises(ProjectLockedError, match="只读"):
        Project.open(path)
    reader = Project.open(path, read_only=True)
    assert reader.units()[0].name == "市财政局"
    with pytest.raises(LedgerError, match="只读"):
        reader.add_unit("市公安局", "市级部门")
    reader.close()
    first.close()
    Project.open(path).close()  # free again once the first closed


def test_backups_on_open_keep_the_last_ten(tmp_path):
    path = tmp_path / "p.yjt"
    small_project(path).close()
    for _ in range(12):
        Project.open(path).close()
    assert len(list_backups(path)) == 10


def test_delete_and_restore_comment_keeps_its_id(demo):
    comment = demo.comments()[5]
    demo.comments.delete(comment.id)
    assert demo.search(comment.body[:6]) == [] or all(h.id != comment.id for h in demo.search(comment.body[:6]))
    demo.comments.restore(comment)
    assert demo.comment(comment.id) == comment


def test_rounds_on_versions_and_methods(tmp_path):
    project = small_project(tmp_path / "p.yjt")
    with pytest.raises(LedgerError, match="截止"):
        project.add_round(sent_on=date(2023, 5, 2), deadline=date(2023, 5, 1))
    project.add_round(method=RoundMethod.ONLINE, deadline=date(2023, 5, 30))
    assert [r.title for r in project.rounds()] == ["第1轮（书面征求）", "第2轮（网上公开）"]
    project.close()


def test_clause_filter_takes_the_clause_and_everything_under_it(tmp_path):
    lines = ["计划", "一、任务"] + [f"{n}.任务{n}。内容。" for n in range(1, 13)] + ["二、保障", "（一）领导。内容。"]
    project = Project.create(tmp_path / "p.yjt", parse_lines(lines))
    project.add_units([dict(name="市财政局", category="市级部门")])
    unit = project.units()[0].id
    project.add_round(recipients=[unit])
    project.add_comments([dict(round_number=1, unit_id=unit, clause_ref=ref, body=f"关于{ref}")
                          for ref in ("一1", "一10", "一", "二（一）")])
    assert [c.clause_ref for c in project.comments(clause_ref="一1")] == ["一1"]
    assert sorted(c.clause_ref for c in project.comments(clause_ref="一")) == ["一", "一1", "一10"]
    assert project.count_comments(clause_ref="二") == 1
    project.close()


def test_leaving_in_work_clears_the_work_item_but_history_keeps_it(demo):
    comment = demo.comments(disposition=Disposition.IN_WORK)[0]
    demo.set_disposition(comment.id, Disposition.ADOPTED)
    assert demo.comment(comment.id).work_item == ""
    assert any(h.field == "work_item" and h.old_value == comment.work_item for h in demo.history(comment.id))


def test_clause_counts_add_up_to_the_comments(demo):
    counts = demo.comments.clause_counts()
    assert sum(total for total, _ in counts.values()) == demo.count_comments() == 32
    assert all(pending == 0 for _, pending in counts.values())  # the demo is fully decided
    demo.set_disposition(1, Disposition.PENDING)
    ref = demo.comment(1).clause_ref
    assert demo.comments.clause_counts()[ref][1] == 1


def test_reading_leaves_nothing_beside_the_file_and_writes_nothing(tmp_path):
    path = tmp_path / "plan.yjt"
    small_project(path).close()
    with Project.open(path, read_only=True) as reader:
        with pytest.raises(LedgerError):
            reader.add_unit("市审计局", "市级部门")
        with pytest.raises(sqlite3.DatabaseError):
            reader.db.execute("DELETE FROM units")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.yjt"]


def _indexed_form_one_by_one(text):
    """The index text of one comment as first defined: NFKC, OpenCC, letters and digits, pairs."""
    import unicodedata

    from feedback.text import to_simplified

    if text and not text.isascii():
        text = to_simplified(unicodedata.normalize("NFKC", text))
    chars = "".join(ch for ch in (text or "").lower() if ch.isalnum())
    return " ".join([a + b for a, b in zip(chars, chars[1:])] + [chars[-1]]) if chars else ""


def test_indexing_many_texts_at_once_gives_each_its_own_form():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from storage.search import indexed_forms

    # Traditional phrases, full-width and compatibility forms, combining marks, the batch separator, newlines
    letters = st.sampled_from(list("臺灣後來發現乾隆頭髮計算機軟體資訊雲裡霧裡ＡＢＣ１２３①ｶﾞ㍿ﬁ́̈e\u0301Σς_，。 \n\x1f\x00aZ9"))
    texts = st.lists(st.text(alphabet=letters, max_size=12), max_size=30)

    @settings(max_examples=300, deadline=None)
    @given(texts)
    def check(batch):
        assert indexed_forms(batch) == [_indexed_form_one_by_one(text) for text in batch]

    check()


def test_comments_added_in_bulk_are_found_in_either_script(tmp_path):
    project = small_project(tmp_path / "p.yjt")
    unit = project.units()[0].id
    ref = project.clauses()[1].ref
    bodies = ["建議加強臺灣同胞來漢就業的後續服務", "乾隆年间的\x1f碑刻应予保护", "第一行\n第二行：头发", "ＡＢＣ１２３全角字母"]
    project.add_comments([dict(round_number=1, unit_id=unit, clause_ref=ref, body=body) for body in bodies])
    ids = {c.body: c.id for c in project.comments()}
    assert [h.id for h in project.search("台湾同胞")] == [ids[bodies[0]]]
    assert [h.id for h in project.search("後續服務")] == [ids[bodies[0]]]
    assert [h.id for h in project.search("乾隆年间的碑刻")] == [ids[bodies[1]]]
    assert [h.id for h in project.search("第一行第二行")] == [ids[bodies[2]]]
    assert [h.id for h in project.search("abc123")] == [ids[bodies[3]]]
    project.close()


def test_comments_by_ids_are_the_comments_one_by_one(demo):
    demo.set_disposition(3, Disposition.PENDING)
    ids = demo.comment_ids()
    many = demo.comments_by_ids(ids)
    assert list(many) == ids or sorted(many) == sorted(ids)
    assert all(many[i] == demo.comment(i) for i in ids)
