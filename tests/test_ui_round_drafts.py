"""Each round's own draft in the window: the entry dialog's clauses follow the chosen round."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from feedback.outline import parse_lines  # noqa: E402
from feedback.vocabulary import RoundMethod  # noqa: E402
from storage.project import Project  # noqa: E402
from storage.versions import import_revision  # noqa: E402
from tests.fixtures.revised_drafts import FIRST_DRAFT, SECOND_DRAFT  # noqa: E402
from ui.comment_dialog import CommentEntryDialog  # noqa: E402


@pytest.fixture
def two_rounds(tmp_path):
    project = Project.create(tmp_path / "p.yjt", parse_lines(FIRST_DRAFT))
    project.add_unit("市财政局", "市级部门")
    project.add_round()
    import_revision(project, parse_lines(SECOND_DRAFT))
    project.add_round(method=RoundMethod.WRITTEN, version_number=2)
    yield project
    project.close()


def test_the_round_decides_the_draft(two_rounds):
    assert two_rounds.version_for_round(1) == 1 and two_rounds.version_for_round(2) == 2
    assert "二（三）8" in {c.ref for c in two_rounds.draft_for_round(1).clauses}
    assert [c.ref for c in two_rounds.draft_for_round(2).clauses] == [c.ref for c in two_rounds.clauses(2)]
    with pytest.raises(Exception, match="没有第3轮"):
        two_rounds.draft_for_round(3)


def test_the_entry_dialog_lists_the_clauses_of_the_chosen_rounds_draft(two_rounds, qtbot):
    project = two_rounds
    dialog = CommentEntryDialog(project.rounds(), project.units(), project.draft(), round_number=1,
                                draft_for=project.draft_for_round)
    qtbot.addWidget(dialog)

    def task_texts():
        return [dialog.clause.itemText(i).strip() for i in range(dialog.clause.count())
                if dialog.clause.itemData(i) == "二（二）3"]

    assert task_texts() == ["3.改善学校办学条件"]  # round 1: the first draft's task 3
    assert dialog.draft.title and len(dialog.draft.clauses) == len(project.clauses(1))
    dialog.round.setCurrentIndex(dialog.round.findData(2))
    assert len(dialog.draft.clauses) == len(project.clauses(2))
    assert task_texts() == []  # the second draft numbers its tasks on: 二（二）4 is now the revised one
    dialog.clause.set_ref("二（一）2")
    assert dialog.clause.currentText().strip().startswith("2.实施劳动教育")  # only in the second draft


def test_the_clause_asked_for_survives_the_switch_to_the_round_s_draft(two_rounds, qtbot):
    """Ctrl+I on a round-1 comment: the dialog starts on the newest draft, lists round 1's, keeps the clause."""
    project = two_rounds
    only_first = CommentEntryDialog(project.rounds(), project.units(), project.draft(), round_number=1,
                                    clause_ref="二（二）3", draft_for=project.draft_for_round)
    qtbot.addWidget(only_first)
    assert len(only_first.draft.clauses) == len(project.clauses(1))
    assert only_first.clause.ref() == "二（二）3"  # not 总体意见, not 待定位: the clause the drafter was on
    both = CommentEntryDialog(project.rounds(), project.units(), project.draft(), round_number=1,
                              clause_ref="二（二）4", draft_for=project.draft_for_round)
    qtbot.addWidget(both)
    assert both.clause.ref() == "二（二）4"
    both.round.setCurrentIndex(both.round.findData(2))
    assert both.clause.ref() == "二（二）4"  # in both drafts: kept when the round changes
    only_first.round.setCurrentIndex(only_first.round.findData(2))
    assert only_first.clause.ref() == "待定位"  # not in the second draft: left to place, never another clause


def test_comments_of_an_earlier_draft_are_marked_in_the_ledger(window, qtbot, tmp_path):
    from PySide6.QtCore import Qt

    from ui.models import COLUMN_INDEX

    path = tmp_path / "两稿.yjt"
    with Project.create(path, parse_lines(FIRST_DRAFT)) as project:
        project.add_unit("市财政局", "市级部门")
        project.add_round()
        project.add_comment(round_number=1, unit_id=1, clause_ref="二（二）3", body="建议统筹安排资金。")
        import_revision(project, parse_lines(SECOND_DRAFT))
        project.add_round(version_number=2)
        project.add_comment(round_number=2, unit_id=1, clause_ref="二（二）4", body="建议保留原表述。")
    window.open_project(path)
    model = window.ledger.model
    column = COLUMN_INDEX["clause"]
    shown = [model.data(model.index(row, column)) for row in range(model.rowCount())]
    assert shown == ["二（二）3〔第1稿〕", "二（二）4"]
    tip = model.data(model.index(0, column), Qt.ItemDataRole.ToolTipRole)
    assert tip == "第1轮的意见，针对第1稿的二（二）3"
    table = window.ledger.table
    for longest in ("二（二）3〔第1稿〕", "三（十）27〔第1稿〕"):  # read in full, not cut to “二（二）3…”
        assert table.fontMetrics().horizontalAdvance(longest) + 8 <= table.columnWidth(column)
    # on the newest draft's clause 二（二）4 both show: the round-1 comment was made on its old number
    window.ledger.set_filter(clause_ref="二（二）4")
    assert model.rowCount() == 2


def test_forms_of_a_later_round_can_list_only_the_changed_clauses(make_window, qtbot, tmp_path):
    from openpyxl import load_workbook

    from exports.forms import CLAUSE_SHEET
    from feedback.commands import ScriptedInteraction
    from tests.test_ui_sheets import export_forms

    path = tmp_path / "两稿.yjt"
    with Project.create(path, parse_lines(FIRST_DRAFT)) as project:
        project.add_unit("市财政局", "市级部门")
        project.add_round()
        import_revision(project, parse_lines(SECOND_DRAFT))
        project.add_round(version_number=2)
    talk = ScriptedInteraction(choices=["第2轮（书面征求）", "每个单位一个文件（1个单位，另附空白表）",
                                        "只列第2稿修改和新增的条款（6条）"])
    window = make_window(talk)
    window.open_project(path)
    files = export_forms(window, qtbot, tmp_path / "表")
    assert talk.questions == ["为哪一轮征求意见生成反馈表？", "反馈表的形式：", "反馈表“条款”列表列出："]
    options = [row[0] for row in load_workbook(next((tmp_path / "表").glob("市财政局—*.xlsx")))[CLAUSE_SHEET].iter_rows(values_only=True)]
    assert len(files) == 2 and [o.split(" ")[0] for o in options] == [
        "总体意见", "二（一）2", "二（二）4", "二（二）5", "二（二）6", "二（三）", "二（三）8"]
