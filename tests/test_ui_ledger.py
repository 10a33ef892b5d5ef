"""The ledger page driven through its real widgets, checked against the project file."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtCore import QSettings, Qt  # noqa: E402

from feedback.commands import ScriptedInteraction, SetDisposition  # noqa: E402
from feedback.outline import parse_lines  # noqa: E402
from feedback.vocabulary import Disposition  # noqa: E402
from storage.project import Project  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.models import COLUMN_INDEX  # noqa: E402
from ui.settings import AppSettings  # noqa: E402
from storage.numbering import NUMBER_ORDER  # noqa: E402
from tests.conftest import type_text  # noqa: E402


def stored(path, comment_id):
    """The comment as the file has it, read through a second, read-only handle."""
    with Project.open(path, read_only=True) as other:
        return other.comment(comment_id)


def shown_ids(ledger):
    return list(ledger.model.ids)


def choose(combo, data):
    index = combo.findData(data)
    assert index >= 0
    combo.setCurrentIndex(index)


def select(ledger, comment_id):
    assert ledger.select_comment(comment_id)
    assert ledger.current_comment().id == comment_id


def test_filter_by_disposition_and_unit(window, demo_file):
    ledger = window.ledger
    stats = window.project.statistics()
    assert ledger.model.rowCount() == stats.comments_total == 32
    choose(ledger.disposition_filter, Disposition.REJECTED)
    rejected = [ledger.model.comment_at(r) for r in range(ledger.model.rowCount())]
    assert len(rejected) == stats.by_disposition["未采纳"]
    assert {c.disposition for c in rejected} == {Disposition.REJECTED}
    choose(ledger.disposition_filter, Disposition.IN_WORK)
    unit = next(u for u in window.project.units() if u.name == "市纪委监委机关")
    choose(ledger.unit_filter, unit.id)
    both = [ledger.model.comment_at(r) for r in range(ledger.model.rowCount())]
    assert len(both) == 3 and {(c.unit_name, c.disposition) for c in both} == {("市纪委监委机关", Disposition.IN_WORK)}
    assert "筛选出 3 条" in ledger.count_label.text()
    choose(ledger.category_filter, "县区")  # the unit list narrows to the category; the unit filter lapses
    assert ledger.unit_filter.currentData() is None
    assert ledger.model.rowCount() == 0


def test_choosing_a_clause_in_the_tree_filters_the_ledger(window):
    ledger = window.ledger
    project = window.project
    section = "三（十）"
    children = [c.ref for c in project.clauses() if c.parent_ref == section]
    expected = sum(project.statistics().by_clause.get(ref, 0) for ref in [section, *children])
    ledger.tree.setCurrentIndex(ledger.tree_model.index_of(section))
    assert ledger.model.rowCount() == expected == 7
    assert all(ledger.model.comment_at(r).clause_ref.startswith(section) for r in range(expected))
    assert ledger.tree_model.totals[section][0] == expected
    assert ledger.tree_model.totals[ledger.tree_model.ALL][0] == 32
    assert ledger.clause_chip.isVisible()
    ledger.clause_chip.click()
    assert ledger.model.rowCount() == 32


def test_search_box_uses_the_index(window, qtbot):
    ledger = window.ledger
    window.find_action.trigger()
    assert ledger.search.hasFocus()
    type_text(ledger.search, "校园")
    expected = window.project.comment_ids(query="校园", order=NUMBER_ORDER)
    assert expected
    qtbot.waitUntil(lambda: shown_ids(ledger) == expected, timeout=2000)


def test_changing_a_disposition_in_the_editor_then_undo_and_redo(window, demo_file, qtbot):
    ledger = window.ledger
    editor = ledger.panel.editor
    select(ledger, 1)
    assert stored(demo_file, 1).disposition is Disposition.ADOPTED
    rejected = next(b for b in editor.buttons.buttons() if b.text() == Disposition.REJECTED.label)
    qtbot.mouseClick(rejected, Qt.MouseButton.LeftButton)
    editor.reason.setFocus()
    type_text(editor.reason, "与预算法规定不一致。")
    qtbot.keyClick(editor.reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    comment = stored(demo_file, 1)
    assert (comment.disposition, comment.reason) == (Disposition.REJECTED, "与预算法规定不一致。")
    row = ledger.model.row_of(1)
    assert ledger.model.index(row, COLUMN_INDEX["disposition"]).data() == "未采纳"
    assert window.bridge.stack.count() == 1

    window.undo_action.trigger()
    assert stored(demo_file, 1).disposition is Disposition.ADOPTED
    assert ledger.model.index(row, COLUMN_INDEX["disposition"]).data() == "采纳"
    window.redo_action.trigger()
    assert stored(demo_file, 1).disposition is Disposition.REJECTED
    assert [h.field for h in window.project.history(1)].count("disposition") == 3


def test_a_change_refreshes_its_row_not_the_whole_ledger(window, qtbot):
    ledger = window.ledger
    select(ledger, 2)
    with qtbot.assertNotEmitted(ledger.model.modelReset):
        with qtbot.waitSignal(ledger.model.dataChanged) as changed:
            window.disposition_actions[4].trigger()  # Alt+5: 待处理
    assert changed.args[0].row() == ledger.model.row_of(2)
    assert ledger.tree_model.totals["三（九）"][1] == 1  # the tree counts it as open now


def test_missing_reason_cue_and_refusal(window, demo_file, talk, qtbot):
    ledger = window.ledger
    editor = ledger.panel.editor
    no_reason = next(c for c in window.project.comments() if not c.reason and c.disposition is Disposition.ADOPTED)
    select(ledger, no_reason.id)
    assert not editor.cue_visible
    editor.set_disposition(Disposition.REJECTED)
    assert editor.cue_visible and "理由" in editor.cue.text()
    assert editor.reason.property("missing") == "true"

    window.save_next_action.trigger()
    assert talk.messages and "须填写理由" in talk.messages[-1]
    assert stored(demo_file, no_reason.id).disposition is Disposition.ADOPTED
    assert window.bridge.stack.count() == 0
    assert ledger.current_comment().id == no_reason.id  # stays put

    editor.set_disposition(Disposition.IN_WORK)
    type_text(editor.reason, "属于工作层面的要求。")
    assert "哪项工作" in editor.cue.text() and editor.work_item.property("missing") == "true"
    type_text(editor.work_item, "教育督导工作")
    assert not editor.cue_visible


def test_number_keys_on_the_table(window, demo_file, qtbot):
    ledger = window.ledger
    editor = ledger.panel.editor
    select(ledger, 1)
    ledger.table.setFocus()
    qtbot.keyClick(ledger.table, Qt.Key.Key_0)
    assert stored(demo_file, 1).disposition is Disposition.PENDING
    qtbot.keyClick(ledger.table, Qt.Key.Key_3)  # 未采纳 owes a reason: the editor waits for it
    assert stored(demo_file, 1).disposition is Disposition.PENDING
    assert editor.disposition() is Disposition.REJECTED and editor.cue_visible and editor.reason.hasFocus()
    type_text(editor.reason, "已有专项规定。")
    qtbot.keyClick(editor.reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert stored(demo_file, 1).reason == "已有专项规定。"
    assert stored(demo_file, 1).handler == "起草组"  # the comment's own handler is kept

    select(ledger, 2)  # a reason typed, then a key: the typed reason is saved with it
    type_text(editor.reason, "与国家标准一致。")
    ledger.table.setFocus()
    qtbot.keyClick(ledger.table, Qt.Key.Key_2)
    comment = stored(demo_file, 2)
    assert (comment.disposition, comment.reason) == (Disposition.PARTLY_ADOPTED, "与国家标准一致。")


def test_selecting_several_rows_decides_them_together(window, demo_file, qtbot):
    ledger = window.ledger
    select(ledger, 1)
    ledger.table.selectRow(ledger.model.row_of(2))
    ledger.table.selectionModel().select(
        ledger.model.index(ledger.model.row_of(1), 0),
        ledger.table.selectionModel().SelectionFlag.Select | ledger.table.selectionModel().SelectionFlag.Rows)
    assert sorted(ledger.selected_ids()) == [1, 2]
    ledger.table.setFocus()
    qtbot.keyClick(ledger.table, Qt.Key.Key_0)
    assert {stored(demo_file, i).disposition for i in (1, 2)} == {Disposition.PENDING}
    window.undo_action.trigger()
    assert {stored(demo_file, i).disposition for i in (1, 2)} == {Disposition.ADOPTED}


def test_ctrl_enter_saves_and_moves_to_the_next_pending(window, demo_file, qtbot, talk):
    project = window.project
    for comment_id in (3, 9, 20):
        window.bridge.run(SetDisposition(project, comment_id, Disposition.PENDING))
    ledger = window.ledger
    select(ledger, 3)
    editor = ledger.panel.editor
    editor.set_disposition(Disposition.ADOPTED)
    editor.handler.clear()
    qtbot.keyClick(ledger.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert stored(demo_file, 3).disposition is Disposition.ADOPTED
    assert stored(demo_file, 3).handler == "王经办"  # asked once, remembered in the settings
    assert window.settings.handler == "王经办"
    assert ledger.current_comment().id == 9
    editor.set_disposition(Disposition.ADOPTED)
    window.save_next_action.trigger()
    assert ledger.current_comment().id == 20
    assert len([q for q in talk.questions if "经办人" in q]) == 1


def test_leaving_an_edited_comment_saves_it_or_asks(window, demo_file, talk):
    ledger = window.ledger
    editor = ledger.panel.editor
    order = ledger.model.ids  # the ledger's order: the comments' one numbering
    first, second, third = order[0], order[1], order[2]
    select(ledger, first)
    editor.reason.setPlainText("与上位文件表述一致。")
    ledger.move(1)
    assert stored(demo_file, first).reason == "与上位文件表述一致。"  # saved on the way out
    assert ledger.current_comment().id == second
    disposition = stored(demo_file, second).disposition
    other = Disposition.REJECTED if disposition is not Disposition.REJECTED else Disposition.PARTLY_ADOPTED
    editor.set_disposition(other)
    editor.reason.clear()
    talk.choices.append("继续填写")
    ledger.move(1)
    assert ledger.current_comment().id == second and editor.is_dirty()
    talk.choices.append("放弃修改")
    ledger.move(1)
    assert ledger.current_comment().id == third
    assert stored(demo_file, second).disposition is disposition


def test_delete_and_undo(window, demo_file, talk):
    ledger = window.ledger
    select(ledger, 5)
    talk.confirmations.append(True)
    ledger.delete_comment()
    assert ledger.model.rowCount() == 31 and ledger.model.row_of(5) is None
    assert ledger.tree_model.totals[ledger.tree_model.ALL][0] == 31
    window.undo_action.trigger()
    assert ledger.model.rowCount() == 32
    assert stored(demo_file, 5).body == window.project.comment(5).body


def test_sorting_orders_through_sql(window):
    ledger = window.ledger
    ledger.table.sortByColumn(COLUMN_INDEX["disposition"], Qt.SortOrder.AscendingOrder)
    dispositions = [ledger.model.comment_at(r).disposition for r in range(ledger.model.rowCount())]
    order = list(Disposition)
    assert [order.index(d) for d in dispositions] == sorted(order.index(d) for d in dispositions)
    ledger.table.sortByColumn(COLUMN_INDEX["clause"], Qt.SortOrder.DescendingOrder)
    positions = {c.ref: i for i, c in enumerate(window.project.clauses())}
    refs = [positions.get(ledger.model.comment_at(r).clause_ref, -1) for r in range(ledger.model.rowCount())]
    assert refs == sorted(refs, reverse=True)


def test_a_large_ledger_is_loaded_page_by_page(qtbot, tmp_path):
    lines = ["某市行动计划", "一、重点任务"] + [f"{i}.推进第{i}项工作。" for i in range(1, 41)]
    path = tmp_path / "big.yjt"
    project = Project.create(path, parse_lines(lines))
    project.add_units([dict(name=f"单位{i}", category="市级部门") for i in range(50)])
    project.add_round()
    refs = [c.ref for c in project.clauses() if c.level == 2]
    project.add_comments(dict(round_number=1, unit_id=1 + i % 50, clause_ref=refs[i % len(refs)],
                              body=f"第{i}条意见，建议修改。") for i in range(20000))
    project.close()
    settings = AppSettings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(settings, ScriptedInteraction(), remember_layout=False)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    assert window.open_project(path)
    model = window.ledger.model
    assert model.rowCount() == 20000
    assert model.fetches <= 2 and len(model._cache) <= 2 * model.PAGE
    window.ledger.table.scrollToBottom()
    qtbot.wait(50)
    assert model.fetches <= 4 and len(model._cache) <= 4 * model.PAGE
    window.ledger.select_comment(20000)
    assert window.ledger.panel.header.text().startswith(f"第{model.numbers[20000]}条")  # its number, not its id
    window.close_project()


def test_editing_what_a_comment_says_and_undo(window, demo_file, qtbot):
    from ui.comment_dialog import CommentEditDialog

    ledger = window.ledger
    select(ledger, 4)
    comment = ledger.current_comment()
    dialog = CommentEditDialog(comment, window.project.clauses(), window.project.units(), window)
    qtbot.addWidget(dialog)
    assert dialog.changed_fields() == {}
    dialog.clause.set_ref("三（九）23")
    dialog.body.setPlainText(comment.body + "（补充）")
    fields = dialog.changed_fields()
    assert set(fields) == {"clause_ref", "body"}
    from feedback.commands import EditComment

    window.bridge.run(EditComment(window.project, 4, **fields))
    assert stored(demo_file, 4).clause_ref == "三（九）23"
    assert ledger.tree_model.totals["三（九）23"][0] == 2
    assert "（补充）" in ledger.panel.body.toPlainText()
    window.undo_action.trigger()
    assert stored(demo_file, 4).clause_ref == "三（九）24"
    assert ledger.tree_model.totals["三（九）23"][0] == 1
