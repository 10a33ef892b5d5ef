"""The undoable edits of the drafting explanation, without a window: each does, undoes and redoes exactly."""
from __future__ import annotations

from datetime import date

import pytest

from feedback.commands import ScriptedInteraction, execute
from feedback.document_commands import (AddSection, EditPlan, EditSection, MoveSection, RegenerateSection,
                                        RemoveSection, SetAttachmentGrouping)
from feedback.explanation_text import GROUP_BY_CLAUSE, GROUP_BY_UNIT, SectionKind
from feedback.outline import parse_lines
from storage import documents
from storage.project import Project

DRAFT = ["某市推进教育数字化行动方案（征求意见稿）", "为推进教育数字化，现结合实际，制定本方案。", "一、总体要求",
         "坚持应用为王。", "二、重点任务", "（一）建设智慧校园", "1.建设智慧校园。到2025年建成50所。",
         "2.培养数字教师。开展全员培训。"]


@pytest.fixture
def project(tmp_path):
    project = Project.create(tmp_path / "p.yjt", parse_lines(DRAFT))
    yield project
    project.close()


def snapshot(project):
    return [(s.id, s.title, s.body, s.kind) for s in documents.list_sections(project)]


def redo(command):
    """What the undo stack does on redo: ``do`` again, without a second check."""
    return command.do()


def test_editing_a_section_is_kept_and_undone_exactly(project):
    talk = ScriptedInteraction()
    before = snapshot(project)
    process = next(s for s in documents.list_sections(project) if s.kind is SectionKind.PROCESS)
    edit = EditSection(project, documents, process.id, title="三、文件起草过程", body="起草了{简称}，{统计}\r\n")
    change = execute(edit, talk)
    assert change.what == "sections" and change.ids == (process.id,)
    stored = documents.section(project, process.id)
    assert (stored.title, stored.body) == ("文件起草过程", "起草了{简称}，{统计}")
    assert edit.text == "修改“起草过程”"
    edit.undo()
    assert snapshot(project) == before
    redo(edit)
    assert documents.section(project, process.id).body == "起草了{简称}，{统计}"
    # the same text again is no edit at all; an empty title is refused before anything is written
    assert execute(EditSection(project, documents, process.id, body="起草了{简称}，{统计}\n"), talk) is None
    assert execute(EditSection(project, documents, process.id, title=" 三、 "), talk) is None
    assert talk.messages == ["标题不能为空。"]
    assert documents.section(project, process.id).title == "文件起草过程"


def test_a_rename_is_one_undoable_step(project):
    talk = ScriptedInteraction()
    first = documents.list_sections(project)[0]
    rename = EditSection(project, documents, first.id, title="文件起草背景")
    assert rename.text == "重命名为“文件起草背景”"
    execute(rename, talk)
    assert documents.section(project, first.id).title == "文件起草背景"
    assert documents.section(project, first.id).body == first.body
    rename.undo()
    assert documents.section(project, first.id) == first


def test_adding_removing_and_moving_sections_undo_and_redo(project):
    talk = ScriptedInteraction()
    original = snapshot(project)
    add = AddSection(project, documents, "其他需要说明的事项", "无。", position=2)
    added_id = execute(add, talk).ids[0]
    assert [s.title for s in documents.list_sections(project)][2] == "其他需要说明的事项"
    add.undo()
    assert snapshot(project) == original
    redo(add)  # the same section with the same id, so later commands still find it
    assert documents.list_sections(project)[2].id == added_id

    move = MoveSection(project, documents, added_id, 0)
    execute(move, talk)
    assert [s.id for s in documents.list_sections(project)][0] == added_id
    assert execute(MoveSection(project, documents, added_id, 0), talk) is None  # already there

    remove = RemoveSection(project, documents, added_id)
    talk.confirmations.append(False)
    assert execute(remove, talk) is None  # the user said no
    assert "其他需要说明的事项" in talk.questions[-1]
    assert execute(remove, talk).ids == (added_id,)
    assert added_id not in [s.id for s in documents.list_sections(project)]
    remove.undo()
    assert documents.list_sections(project)[0].id == added_id
    move.undo()
    add.undo()
    assert snapshot(project) == original


def test_regenerating_asks_and_undo_brings_back_the_drafters_words(project):
    talk = ScriptedInteraction()
    content = next(s for s in documents.list_sections(project) if s.kind is SectionKind.CONTENT)
    execute(EditSection(project, documents, content.id, body="自己写的主要内容。"), talk)
    regenerate = RegenerateSection(project, documents, content.id)
    talk.confirmations.append(False)
    assert execute(regenerate, talk) is None
    assert documents.section(project, content.id).body == "自己写的主要内容。"
    execute(regenerate, talk)
    assert documents.section(project, content.id).body == content.body
    assert execute(RegenerateSection(project, documents, content.id), talk) is None
    assert talk.messages[-1] == "“主要内容”已是自动生成的内容。"
    regenerate.undo()
    assert documents.section(project, content.id).body == "自己写的主要内容。"
    own = execute(AddSection(project, documents, "补充说明", "正文"), talk).ids[0]
    assert execute(RegenerateSection(project, documents, own), talk) is None
    assert "自行添加" in talk.messages[-1]


def test_plan_fields_and_the_grouping_are_undoable(project):
    talk = ScriptedInteraction()
    plan = EditPlan(project, addressee="市政府", drafting_unit="某市教育局", written_on=date(2023, 4, 27))
    assert plan.text == "修改文稿信息"
    change = execute(plan, talk)
    assert change.what == "plan" and "主送机关" in change.message
    assert (project.plan().addressee, project.plan().written_on) == ("市政府", date(2023, 4, 27))
    assert execute(EditPlan(project, addressee="市政府"), talk) is None  # nothing to change
    plan.undo()
    assert (project.plan().addressee, project.plan().drafting_unit, project.plan().written_on) == ("", "", None)
    redo(plan)
    assert project.plan().drafting_unit == "某市教育局"
    assert execute(EditPlan(project, colour="红"), talk) is None
    assert talk.messages[-1] == "未知的计划字段：colour"

    grouping = SetAttachmentGrouping(project, documents, GROUP_BY_CLAUSE)
    execute(grouping, talk)
    assert documents.attachment_grouping(project) == GROUP_BY_CLAUSE
    assert execute(SetAttachmentGrouping(project, documents, GROUP_BY_CLAUSE), talk) is None
    grouping.undo()
    assert documents.attachment_grouping(project) == GROUP_BY_UNIT
