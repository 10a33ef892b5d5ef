"""The undoable commands, headless: each does, undoes and redoes on a real project file."""
from datetime import date

import pytest

from feedback.commands import (AddComments, DeleteComment, EditComment, RecordReply, ScriptedInteraction,
                               SetDisposition, SetDispositions, execute)
from feedback.outline import parse_lines
from feedback.vocabulary import Disposition, ReplyState
from storage.project import Project

LINES = ["某市行动计划", "一、总体要求", "坚持稳中求进。", "二、重点任务", "1.推进信息化建设。", "2.改善办学条件。"]


@pytest.fixture
def project(tmp_path):
    project = Project.create(tmp_path / "plan.yjt", parse_lines(LINES))
    project.add_units([dict(name="市公安局", category="市级部门"), dict(name="略阳县", category="县区"),
                       dict(name="市财政局", category="市级部门")])
    project.add_round(deadline=date(2023, 4, 12), recipients=[1, 2])
    project.add_comments([
        dict(round_number=1, unit_id=1, clause_ref="二1", body="建议增加5G应用。"),
        dict(round_number=1, unit_id=1, clause_ref="二2", body="建议明确经费来源。"),
    ])
    yield project
    project.close()


def reread(project, comment_id):
    """The comment as the file has it, through a second, read-only handle."""
    with Project.open(project.path, read_only=True) as other:
        return other.comment(comment_id)


def test_set_disposition_does_undoes_and_redoes(project):
    talk = ScriptedInteraction()
    command = SetDisposition(project, 1, Disposition.REJECTED, reason="与上位规划不符。", handler="张三")
    change = execute(command, talk)
    assert change.ids == (1,) and talk.messages == []
    stored = reread(project, 1)
    assert (stored.disposition, stored.reason, stored.handler) == (Disposition.REJECTED, "与上位规划不符。", "张三")
    assert stored.decided_on is not None

    command.undo()
    stored = reread(project, 1)
    assert (stored.disposition, stored.reason, stored.handler, stored.decided_on) == (
        Disposition.PENDING, "", "", None)
    command.do()
    assert reread(project, 1).disposition is Disposition.REJECTED
    fields = [entry.field for entry in project.history(1)]
    assert fields.count("disposition") == 3


def test_missing_reason_is_refused_through_the_interaction(project):
    talk = ScriptedInteraction()
    for disposition in (Disposition.REJECTED, Disposition.PARTLY_ADOPTED, Disposition.IN_WORK):
        assert execute(SetDisposition(project, 1, disposition), talk) is None
    assert len(talk.messages) == 3 and all("理由" in m for m in talk.messages)
    assert execute(SetDisposition(project, 1, Disposition.IN_WORK, reason="属于工作层面。"), talk) is None
    assert "哪项工作" in talk.messages[-1]
    assert reread(project, 1).disposition is Disposition.PENDING
    assert project.history(1) == []


def test_setting_what_is_already_there_does_nothing(project):
    assert execute(SetDisposition(project, 1, Disposition.PENDING), ScriptedInteraction()) is None


def test_several_dispositions_in_one_action(project):
    talk = ScriptedInteraction()
    command = SetDispositions(project, [1, 2], Disposition.ADOPTED, handler="李四")
    assert execute(command, talk).ids == (1, 2)
    assert {reread(project, i).disposition for i in (1, 2)} == {Disposition.ADOPTED}
    command.undo()
    assert {reread(project, i).disposition for i in (1, 2)} == {Disposition.PENDING}
    refused = SetDispositions(project, [1, 2], Disposition.REJECTED)
    assert execute(refused, talk) is None and "2条" in talk.messages[-1]


def test_edit_comment_and_undo(project):
    command = EditComment(project, 2, body="建议明确市级财政的经费来源。", clause_ref="二1")
    execute(command, ScriptedInteraction())
    stored = reread(project, 2)
    assert (stored.body, stored.clause_ref) == ("建议明确市级财政的经费来源。", "二1")
    command.undo()
    stored = reread(project, 2)
    assert (stored.body, stored.clause_ref) == ("建议明确经费来源。", "二2")


def test_edit_comment_to_an_unknown_clause_is_refused(project):
    talk = ScriptedInteraction()
    assert execute(EditComment(project, 2, clause_ref="九9"), talk) is None
    assert "九9" in talk.messages[0]
    assert reread(project, 2).clause_ref == "二2"


def test_add_comments_undo_and_redo_keep_numbers_and_replies(project):
    command = AddComments(project, [
        dict(round_number=1, unit_id=3, clause_ref="一", body="建议补充财政保障。"),
        dict(round_number=1, unit_id=3, clause_ref="二2", body="建议分年度安排。"),
    ])
    change = execute(command, ScriptedInteraction())
    assert change.ids == (3, 4)
    states = {r.unit_id: r.state for r in project.replies(1, today=date(2023, 4, 1))}
    assert states[3] is ReplyState.WITH_COMMENTS
    command.undo()
    assert project.comment_ids() == [1, 2]
    assert 3 not in {r.unit_id for r in project.replies(1)}  # it was not sent the draft before
    command.do()
    assert project.comment_ids() == [1, 2, 3, 4]
    assert reread(project, 4).body == "建议分年度安排。"
    assert project.search("分年度")[0].id == 4


def test_delete_comment_asks_first_and_undo_restores(project):
    execute(SetDisposition(project, 2, Disposition.ADOPTED), ScriptedInteraction())
    talk = ScriptedInteraction(confirmations=[False])
    assert execute(DeleteComment(project, 2), talk) is None
    assert "市公安局" in talk.questions[0]
    assert project.comment_ids() == [1, 2]
    command = DeleteComment(project, 2)
    execute(command, ScriptedInteraction())
    assert project.comment_ids() == [1]
    command.undo()
    assert reread(project, 2).disposition is Disposition.ADOPTED


def test_record_reply_and_undo(project):
    today = date(2023, 4, 20)
    command = RecordReply(project, 1, 2, ReplyState.NO_COMMENTS, replied_on=date(2023, 4, 10))
    execute(command, ScriptedInteraction())
    assert {r.unit_id: r.state for r in project.replies(1, today=today)}[2] is ReplyState.NO_COMMENTS
    command.undo()
    assert {r.unit_id: r.state for r in project.replies(1, today=today)}[2] is ReplyState.OVERDUE


def test_record_reply_refused_for_a_unit_with_comments(project):
    talk = ScriptedInteraction()
    assert execute(RecordReply(project, 1, 1, ReplyState.NO_COMMENTS), talk) is None
    assert "已有意见" in talk.messages[0]


def test_registry_edits_undo_and_redo_keeping_unit_numbers(project):
    from feedback.commands import AddCategory, AddRound, AddUnits, RemoveUnit, UpdateUnit

    talk = ScriptedInteraction()
    add = AddUnits(project, [dict(name="市审计局", category="市级部门", aliases=["审计局"])])
    unit_id = execute(add, talk).ids[0]
    reply = RecordReply(project, 1, unit_id, ReplyState.NO_COMMENTS)
    project.rounds.set_recipients(1, [1, 2, unit_id])
    assert execute(reply, talk) is not None
    reply.undo()
    add.undo()
    assert not project.find_units("审计局")
    add.do()  # redo: the same number, so the reply on the stack above still finds its unit
    assert project.unit(unit_id).name == "市审计局"

    rename = UpdateUnit(project, unit_id, name="汉中市审计局", aliases=[])
    execute(rename, talk)
    assert project.unit(unit_id).name == "汉中市审计局" and project.unit(unit_id).aliases == []
    rename.undo()
    assert project.unit(unit_id).name == "市审计局" and project.unit(unit_id).aliases == ["审计局"]

    remove = RemoveUnit(project, 2)  # 略阳县 received round 1 and answered 无意见
    project.set_reply(1, 2, ReplyState.NO_COMMENTS)
    assert execute(remove, ScriptedInteraction(confirmations=[False]), ) is None and project.unit(2)
    execute(remove, talk)
    assert not project.find_units("略阳县") and 2 not in {r.unit_id for r in project.replies(1)}
    remove.undo()
    assert project.unit(2).name == "略阳县"
    assert {r.unit_id: r.state for r in project.replies(1)}[2] is ReplyState.NO_COMMENTS
    assert execute(RemoveUnit(project, 1), talk) is None and "不能删除" in talk.messages[-1]

    category = AddCategory(project, "高校")
    execute(category, talk)
    assert "高校" in project.categories()
    category.undo()
    assert "高校" not in project.categories()

    new_round = AddRound(project, recipients=[1], new_units=[("市档案馆", "其他")], note="第二稿")
    assert execute(new_round, talk).ids == (2,)
    assert {r.unit_id for r in project.replies(2)} == {1, project.find_units("市档案馆")[0].id}
    new_round.undo()
    assert [r.number for r in project.rounds()] == [1] and not project.find_units("市档案馆")
    new_round.do()
    assert [r.number for r in project.rounds()] == [1, 2] and project.find_units("市档案馆")


def test_a_round_with_answers_cannot_be_taken_back(project):
    from feedback.commands import AddRound

    talk = ScriptedInteraction()
    new_round = AddRound(project, recipients=[1, 2])
    execute(new_round, talk)
    project.set_reply(2, 2, ReplyState.NO_COMMENTS)
    with pytest.raises(Exception, match="已有意见或反馈记录"):
        new_round.undo()
    assert [r.number for r in project.rounds()] == [1, 2]
