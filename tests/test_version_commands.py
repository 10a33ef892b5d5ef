"""The undoable version edits, without a window: do, undo, redo, refusals."""
from datetime import date

import pytest

from feedback.commands import ScriptedInteraction, execute
from feedback.outline import parse_lines
from feedback.revision import FlagKind
from feedback.version_commands import (ConfirmAllMatches, ConfirmMatch, EditVersionNote, SetChangeNote, SetMatch,
                                       SetVersionDate)
from storage.versions import (ProjectVersions, import_revision, revision_flags, stored_matches, unconfirmed_matches,
                              version_date, version_timeline)
from tests.fixtures.revised_drafts import SECOND_DRAFT
from tests.test_versions import consulted_project, grey_band_revision


@pytest.fixture
def project(tmp_path):
    project, _ = consulted_project(tmp_path / "p.yjt")
    yield project
    project.close()


def state(project):
    return [(m.from_ref, m.to_ref, m.relation.value, m.confirmed) for m in stored_matches(project, 1, 2)]


def test_the_note_of_a_version_is_edited_undone_and_redone(project):
    import_revision(project, parse_lines(SECOND_DRAFT), note="吸收反馈意见", formed_on=date(2023, 4, 20))
    store, talk = ProjectVersions(project), ScriptedInteraction()
    command = EditVersionNote(store, 2, "  吸收第一轮反馈意见 ")
    assert execute(command, talk).ids == (2,)
    assert store.note(2) == "吸收第一轮反馈意见"
    assert version_timeline(project)[-1].text == "2023年4月20日，根据反馈意见修改形成第2稿（吸收第一轮反馈意见）"
    assert command.undo().message == "已撤销：修改第2稿的说明"
    assert store.note(2) == "吸收反馈意见"
    command.do()
    assert store.note(2) == "吸收第一轮反馈意见"
    assert execute(EditVersionNote(store, 2, "吸收第一轮反馈意见"), talk) is None  # nothing to change


def test_the_date_of_a_version_falls_back_after_an_undo(project):
    store = ProjectVersions(project)
    command = SetVersionDate(store, 1, date(2023, 4, 5))
    execute(command, ScriptedInteraction())
    assert version_date(project, 1) == date(2023, 4, 5)
    command.undo()
    # nothing recorded again: the first draft is dated by the plan's drafting date
    assert store.recorded_date(1) is None and version_date(project, 1) == date(2023, 4, 3)


def test_confirming_a_match_is_undone_and_redone_in_order(project):
    import_revision(project, grey_band_revision())
    store, talk = ProjectVersions(project), ScriptedInteraction()
    before = state(project)
    confirm = ConfirmMatch(store, 1, 2, "二（三）7→二（三）7")
    assert execute(confirm, talk).what == "versions"
    confirmed = state(project)
    assert [(m.from_ref, m.to_ref) for m in unconfirmed_matches(project, 1, 2)] == [("二（三）8", "二（三）8")]
    delete = SetMatch(store, 1, 2, ["二（三）8"], [])
    assert delete.text == "将第1稿二（三）8标为删除"
    execute(delete, talk)
    after = state(project)
    assert ("二（三）8", None, "deleted", True) in after and (None, "二（三）8", "inserted", True) in after
    delete.undo()
    assert state(project) == confirmed
    confirm.undo()
    assert state(project) == before
    confirm.do()
    delete.do()
    assert state(project) == after
    # confirming a change again asks nothing and does nothing
    assert execute(ConfirmMatch(store, 1, 2, "二（三）7→二（三）7"), talk) is None and talk.messages == []


def test_a_change_that_is_gone_is_refused_in_a_sentence(project):
    import_revision(project, grey_band_revision())
    talk = ScriptedInteraction()
    assert execute(ConfirmMatch(ProjectVersions(project), 1, 2, "二（三）9→二（三）9"), talk) is None
    assert talk.messages == ["第1稿与第2稿之间没有“二（三）9→二（三）9”这一对应关系，可能已被更正。"]
    assert execute(SetMatch(ProjectVersions(project), 1, 2, ["二（三）6"], ["九"]), talk) is None
    assert talk.messages[-1] == "第2稿中没有条款“九”。"


def test_confirm_all_and_its_undo(project):
    import_revision(project, grey_band_revision())
    store = ProjectVersions(project)
    before = state(project)
    command = ConfirmAllMatches(store, 1, 2)
    execute(command, ScriptedInteraction())
    assert unconfirmed_matches(project, 1, 2) == []
    assert execute(ConfirmAllMatches(store, 1, 2), ScriptedInteraction()) is None
    command.undo()
    assert state(project) == before


def test_a_note_on_a_change_answers_its_flag_until_undone(project):
    import_revision(project, parse_lines(SECOND_DRAFT))
    key = "二（三）6+二（三）7→二（三）8"
    unexplained = [f.change_key for f in revision_flags(project, 1, 2) if f.kind is FlagKind.CHANGE_WITHOUT_COMMENT]
    assert key in unexplained
    command = SetChangeNote(ProjectVersions(project), 1, 2, key, "两条内容相近，合并表述。")
    execute(command, ScriptedInteraction())
    assert key not in [f.change_key for f in revision_flags(project, 1, 2)]
    command.undo()
    assert key in [f.change_key for f in revision_flags(project, 1, 2)]
