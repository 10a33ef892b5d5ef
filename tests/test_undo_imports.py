"""Imports are commands too: undo takes away exactly what they added, redo puts back the same rows."""
from datetime import date

import pytest

from exports.forms import collect_forms, form_context, write_form
from exports.public_comments import import_public_comments
from feedback.commands import AddComments, EditRound, RecordedAction, ScriptedInteraction, execute
from feedback.errors import UserError
from feedback.outline import parse_lines
from feedback.version_commands import ImportRevision, RemoveVersion
from storage.demo import build_demo_project
from storage.journal import JOURNALED, Journal
from storage.project import Project, ProjectError
from storage.versions import ProjectVersions, changes_between, prepare_revision
from tests.fixtures.fill_forms import fill_form
from tests.fixtures.public_exports import write_public_export
from tests.fixtures.revised_drafts import FIRST_DRAFT, SECOND_DRAFT



def dump(project, tables=(*JOURNALED, "versions", "clauses", "clause_matches", "settings")) -> dict:
    """Every row of the tables an action may touch, with the search indexes' rows.

    The highest comment id ever given is left out: an undo does not give those ids out again.
    """
    rows = {table: list(project.db.execute(f"SELECT rowid, * FROM {table} ORDER BY rowid")) for table in tables}
    rows["change_notes"] = list(project.db.execute("SELECT * FROM change_notes ORDER BY 1, 2, 3"))
    rows["settings"] = list(project.db.execute("SELECT key, value FROM settings WHERE key != 'last_comment_id' "
                                               "ORDER BY key"))
    for index in ("comments_search", "clauses_search"):
        rows[index] = list(project.db.execute(f"SELECT rowid, * FROM {index} ORDER BY rowid"))
    return rows


@pytest.fixture
def demo(tmp_path):
    project = build_demo_project(tmp_path / "演示.yjt")
    yield project
    project.close()


def test_public_comments_undone_row_by_row_and_redone_with_the_same_ids(demo, tmp_path):
    path = write_public_export(tmp_path / "留言导出.xlsx", 60, near_duplicate=False)
    before = dump(demo)
    mapping = {"text": "留言", "submitter": "昵称", "clause": "所涉部分", "date": "时间"}
    command = RecordedAction(demo, "导入公众意见", lambda project: import_public_comments(
        project, path, mapping, create_round=True), Journal)
    change = execute(command, ScriptedInteraction())
    assert change.what == "comments" and len(change.ids) == 2 and {"units", "rounds", "replies"} <= set(change.also)
    after = dump(demo)
    assert len(after["public_submissions"]) == 61 and len(demo.rounds()) == 2
    assert [hit.id for hit in demo.search("睡眠时间")] == [max(change.ids)]

    undone = command.undo()
    assert dump(demo) == before  # the online round, the public unit, comments, submissions, index: all gone
    assert undone.message == "已撤销：导入公众意见" and demo.search("睡眠时间") == []
    command.do()
    assert dump(demo) == after
    assert [hit.id for hit in demo.search("睡眠时间")] == [max(change.ids)]


def test_collecting_forms_undone_exactly_even_a_replacement(demo, tmp_path):
    unit = next(u for u in demo.units() if u.name == "宁强县")
    form = write_form(form_context(demo), tmp_path / "宁强县.xlsx", unit)
    first = fill_form(form, [("三（二）4 加快教育信息化建设", "建议明确信息化建设的经费来源。", "", "")],
                      out=tmp_path / "宁强县（一）.xlsx")
    second = fill_form(form, [("总体意见", "建议压减任务数量。", "", "")], out=tmp_path / "宁强县（二）.xlsx")
    talk = ScriptedInteraction()

    def collecting(path):
        return RecordedAction(demo, "收集反馈表", lambda project: collect_forms(
            project, [path], round_number=1, confirm=lambda q: True, choose=lambda q, o: None), Journal)

    start = dump(demo)
    collect_first = collecting(first)
    assert execute(collect_first, talk) is not None and collect_first.result[0].taken
    middle = dump(demo)
    collect_second = collecting(second)  # the unit's corrected form replaces the first one's comment
    execute(collect_second, talk)
    assert collect_second.result[0].status == "replaced"
    end = dump(demo)
    assert [c.body for c in demo.comments(unit_id=unit.id)] == ["建议压减任务数量。"]

    collect_second.undo()
    assert dump(demo) == middle
    collect_first.undo()
    assert dump(demo) == start
    collect_first.do()
    collect_second.do()
    assert dump(demo) == end


def test_a_comment_undone_then_an_import_then_redo_never_clashes(demo, tmp_path):
    """The ids a comment had are not given to an import's comments, and redo restores the same rows."""
    talk = ScriptedInteraction()
    add = AddComments(demo, [dict(round_number=1, unit_id=demo.units()[0].id, clause_ref="总体意见", body="建议细化。")])
    added = execute(add, talk).ids
    add.undo()
    path = write_public_export(tmp_path / "留言.xlsx", 3, near_duplicate=False)
    imported = RecordedAction(demo, "导入公众意见", lambda project: import_public_comments(
        project, path, {"text": "留言"}, create_round=True), Journal)
    ids = execute(imported, talk).ids
    assert not set(ids) & set(added)
    add.do()  # what a redo of the first command does: no UNIQUE constraint failure
    assert demo.comment(added[0]).body == "建议细化。" and talk.messages == []
    imported.undo()
    imported.do()
    assert sorted(demo.comments_by_ids(ids)) == sorted(ids)


def test_importing_a_revision_is_undone_and_redone_with_the_same_rows(tmp_path):
    project = Project.create(tmp_path / "p.yjt", parse_lines(FIRST_DRAFT))
    store = ProjectVersions(project)
    before = dump(project)
    prepared = prepare_revision(parse_lines(SECOND_DRAFT), 1, project.clauses(1), source_file="第二稿.docx")
    command = ImportRevision(store, prepared, source_file="第二稿.docx", note="吸收第一轮意见",
                             formed_on=date(2023, 5, 6))
    assert execute(command, ScriptedInteraction()).ids == (2,)
    assert command.result.summary.startswith("第2稿与第1稿比对")
    after = dump(project)
    assert command.undo().message == "已撤销：导入修改稿“第二稿.docx”"
    assert dump(project) == before and [v.number for v in project.versions()] == [1]
    command.do()
    assert dump(project) == after
    project.close()


def test_removing_the_newest_version_asks_first_and_is_undone(tmp_path):
    project = Project.create(tmp_path / "p.yjt", parse_lines(FIRST_DRAFT))
    store = ProjectVersions(project)
    prepared = prepare_revision(parse_lines(SECOND_DRAFT), 1, project.clauses(1))
    execute(ImportRevision(store, prepared), ScriptedInteraction())
    store.set_change_note(1, 2, changes_between(project, 1, 2)[0].group.key, "按市财政局意见修改")
    store.set_date(2, date(2023, 5, 6))
    with_second = dump(project)

    declined = ScriptedInteraction(confirmations=[False])
    assert execute(RemoveVersion(store, 2), declined) is None and "删除第2稿吗" in declined.questions[0]
    assert [v.number for v in project.versions()] == [1, 2]
    first = ScriptedInteraction()
    assert execute(RemoveVersion(store, 1), first) is None and "只能删除最新的一稿" in first.messages[0]

    remove = RemoveVersion(store, 2)
    assert execute(remove, ScriptedInteraction()).message == "已删除第2稿"
    assert [v.number for v in project.versions()] == [1] and project.search("千兆光纤")[0].kind == "clause"
    remove.undo()
    assert dump(project) == with_second

    project.add_round(version_number=2)
    refused = ScriptedInteraction()
    assert execute(RemoveVersion(store, 2), refused) is None
    assert refused.messages == ["第1轮征求意见针对的是第2稿，不能删除这一稿。"]
    project.close()


def test_a_round_is_corrected_and_the_correction_undone(demo):
    before = demo.rounds()[0]
    recipients = sorted(r.unit_id for r in demo.replies(1))
    talk = ScriptedInteraction()
    backwards = EditRound(demo, 1, deadline=date(2023, 1, 1))
    assert execute(backwards, talk) is None and talk.messages == ["反馈截止日期不能早于发出日期。"]
    assert execute(EditRound(demo, 1, deadline=before.deadline), talk) is None  # nothing to change

    edit = EditRound(demo, 1, deadline=date(2023, 5, 5), note="延期一周")
    assert execute(edit, talk).message == "已修改第1轮"
    assert (demo.rounds()[0].deadline, demo.rounds()[0].note) == (date(2023, 5, 5), "延期一周")
    edit.undo()
    assert demo.rounds()[0] == before and sorted(r.unit_id for r in demo.replies(1)) == recipients
    with pytest.raises(UserError, match="未知的轮次字段"):
        EditRound(demo, 1, colour="红")


def test_no_database_message_reaches_the_user(demo):
    comment = demo.comment(1)
    with pytest.raises(ProjectError) as raised:
        demo.comments.restore(comment)  # already there: the database refuses
    assert "UNIQUE" not in str(raised.value) and "演示.yjt" in str(raised.value) and "未保存" in str(raised.value)
    assert isinstance(raised.value, UserError)
