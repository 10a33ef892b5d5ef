"""The tree shown before a project is created from a draft: warnings, doubts, fixing, undo."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from feedback.outline import parse_lines  # noqa: E402
from tests.fixtures import draft_shapes  # noqa: E402
from ui.draft_preview import DraftPreviewDialog  # noqa: E402


def refs(dialog):
    return [c.ref for c in dialog.draft().clauses]


def test_preview_fixes_the_tree_and_undoes(qtbot):
    draft = parse_lines(["方案", "一、任务", "1.推进工作。", "第二段正文。", "2.落实责任。", "二、保障"])
    dialog = DraftPreviewDialog(draft, "方案.txt")
    qtbot.addWidget(dialog)
    assert dialog.tree.topLevelItemCount() == 2 and dialog.tree.topLevelItem(0).childCount() == 2
    dialog.select("一2")
    dialog.join_button.click()
    assert refs(dialog) == ["一", "一1", "二"] and "并入" in dialog.message.text()
    assert dialog.current_ref() == "一1" and dialog.text.toPlainText() == "推进工作。\n第二段正文。\n2.落实责任。"
    dialog.split_at(2)
    assert refs(dialog) == ["一", "一1", "一2", "二"]
    dialog.select("二")
    dialog.lower_button.click()
    assert [(c.ref, c.level) for c in dialog.draft().clauses][-1] == ("一二", 2)
    dialog.raise_button.click()
    dialog.select("一")
    dialog.raise_button.click()
    assert "最高一级" in dialog.message.text()
    for _ in range(3):
        dialog.undo()
    assert refs(dialog) == ["一", "一1", "二"]
    dialog.undo()
    assert refs(dialog) == [c.ref for c in draft.clauses] and not dialog.undo_button.isEnabled()


def test_preview_says_plainly_when_the_result_looks_wrong(qtbot):
    dialog = DraftPreviewDialog(parse_lines(["标题"] + ["没有编号的一段很长的正文内容。" * 8] * 20), "怪.txt")
    qtbot.addWidget(dialog)
    assert dialog.doubts.isVisibleTo(dialog) and "前言" in dialog.doubts.text()
    assert dialog.warnings.count() == 1
    fine = DraftPreviewDialog(parse_lines(draft_shapes.special_plan()), "规划.txt")
    qtbot.addWidget(fine)
    assert not fine.doubts.isVisibleTo(fine) and "共13个条款" in fine.summary.text()


@pytest.mark.parametrize("accepted", [True, False])
def test_a_project_is_created_from_the_draft_as_fixed_or_not_at_all(make_window, tmp_path, qtbot, monkeypatch,
                                                                    accepted):
    from feedback.outline_commands import change_level
    import ui.draft_preview

    source = tmp_path / "规划.txt"
    source.write_text("\n".join(draft_shapes.parts_plan()), encoding="utf-8")
    shown = []

    def review(parent, draft, name):
        shown.append(name)
        if not accepted:
            return None
        draft.clauses = change_level(draft.clauses, "第二部分", +1).clauses
        return draft

    monkeypatch.setattr(ui.draft_preview, "review_draft", review)
    window = make_window()
    job = window.import_draft(source, tmp_path / "规划.yjt", review=True)
    qtbot.waitUntil(lambda: job.done, timeout=10000)
    assert shown == ["规划.txt"]
    if accepted:
        assert window.project.draft().by_ref()["第二部分"].parent_ref == "第一部分"
    else:
        assert window.project is None and not (tmp_path / "规划.yjt").exists()


def test_the_ledger_tree_is_fixed_afterwards_with_undo(make_window, tmp_path):
    from feedback.outline_commands import ReshapeOutline
    from storage.project import Project
    from ui import outline_menu

    draft = parse_lines(["方案", "一、任务", "1.推进工作。", "2.落实责任。", "二、保障"])
    path = tmp_path / "方案.yjt"
    with Project.create(path, draft) as project:
        unit = project.add_unit("市公安局", "市级部门").ids[0]
        project.add_round()
        project.add_comment(round_number=1, unit_id=unit, clause_ref="一2", body="建议细化。")
    window = make_window()
    assert window.open_project(path)
    page = window.ledger
    texts = [text for text, _ in outline_menu.reshape_actions(window.project, "一2")]
    assert texts == ["升一级", "降一级", "并入上一条"]
    join = outline_menu.reshape_actions(window.project, "一2")[2][1]
    change = window.bridge.run(ReshapeOutline(window.project, None, join))
    assert change.what == "clauses"
    assert [c.ref for c in window.project.clauses()] == ["一", "一1", "二"]
    assert window.project.comments()[0].clause_ref == "一1"
    assert page.tree_model.index_of("一2") is None or not page.tree_model.index_of("一2").isValid()
    window.bridge.stack.undo()
    assert [c.ref for c in window.project.clauses()] == ["一", "一1", "一2", "二"]
    assert window.project.comments()[0].clause_ref == "一2"
    assert page.tree_model.index_of("一2").isValid()
