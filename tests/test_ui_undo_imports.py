"""In the window, imports are on the one undo stack: a wrong revision or a CSV is taken back with 撤销."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from feedback.commands import AddComments  # noqa: E402
from storage.project import Project  # noqa: E402
from tests.fixtures.public_exports import write_public_export  # noqa: E402
from tests.test_ui_sheets import import_public  # noqa: E402
from tests.test_ui_versions import imported, revised_docx  # noqa: E402,F401 - the fixture


def test_comment_undone_then_public_import_then_redo(window, qtbot, talk, tmp_path, demo_file):
    """Enter a comment, undo, import public comments, redo: once `UNIQUE constraint failed` and history wiped."""
    stack = window.bridge.stack
    ledger = window.ledger
    rows = ledger.model.rowCount()
    unit = window.project.units()[0]
    window.bridge.run(AddComments(window.project, [dict(round_number=1, unit_id=unit.id, clause_ref="总体意见",
                                                        body="建议细化考核办法。")]))
    assert ledger.model.rowCount() == rows + 1
    stack.undo()
    assert ledger.model.rowCount() == rows

    import_public(window, qtbot, write_public_export(tmp_path / "留言.xlsx", campaign=20))
    assert ledger.model.rowCount() == rows + 2 and len(window.project.rounds()) == 2
    assert stack.canUndo() and not stack.canRedo()  # the import replaced what was undone
    assert stack.undoText() == "导入公众意见“留言.xlsx”"

    stack.undo()
    assert ledger.model.rowCount() == rows and len(window.project.rounds()) == 1
    assert window.ledger.round_filter.findData(2) < 0  # the pages heard of the round going too
    stack.redo()
    assert ledger.model.rowCount() == rows + 2 and len(window.project.rounds()) == 2
    assert not any("无法" in m or "UNIQUE" in m for m in talk.messages)
    with Project.open(demo_file, read_only=True, backup=False) as other:  # written to the file, not only shown
        assert other.count_comments() == rows + 2


def test_a_wrong_revision_is_undone_and_the_newest_version_removed(window, qtbot, talk, revised_docx):
    stack = window.bridge.stack
    page = imported(window, qtbot, revised_docx)
    assert [v.number for v in window.project.versions()] == [1, 2]
    assert stack.undoText() == "导入修改稿“第二稿.docx”"
    stack.undo()
    assert [v.number for v in window.project.versions()] == [1]
    assert page.versions_table.rowCount() == 1 and not page.remove_button.isEnabled()
    stack.redo()
    assert [v.number for v in window.project.versions()] == [1, 2] and page.remove_button.isEnabled()

    page.remove_button.click()
    assert "删除第2稿吗" in talk.questions[-1]
    assert [v.number for v in window.project.versions()] == [1]
    stack.undo()
    assert [v.number for v in window.project.versions()] == [1, 2] and page.versions_table.rowCount() == 2


def test_a_round_is_corrected_in_its_dialog_and_the_overdue_count_follows(window, qtbot):
    from datetime import date

    from PySide6.QtCore import QDate

    window.show_page("units")
    page = window.page("units")
    today = date(2023, 4, 27)
    overdue = window.project.statistics(1, today=today).overdue
    page.rounds_table.setCurrentCell(0, 0)
    dialog = page.edit_round()
    assert dialog.windowTitle() == "修改第1轮" and dialog.note.text() == window.project.rounds()[0].note
    checked = sum(dialog.recipients.item(i).checkState() == dialog.recipients.item(i).checkState().Checked
                  for i in range(dialog.recipients.count()))
    assert checked == len(window.project.replies(1))
    dialog.deadline.setDate(QDate(2023, 5, 31))  # the deadline was extended: nobody is overdue yet
    dialog.accept()
    assert window.project.rounds()[0].deadline == date(2023, 5, 31)
    assert window.project.statistics(1, today=today).overdue == 0 < overdue
    assert page.rounds_table.item(0, 4).text() == "2023-05-31"
    window.bridge.stack.undo()
    assert window.project.statistics(1, today=today).overdue == overdue
    assert page.rounds_table.item(0, 4).text() != "2023-05-31"


def test_a_refusal_no_page_caught_is_its_own_sentence(tmp_path, monkeypatch):
    """The window catches the one base class: a user error is shown as it is, not as a fault."""
    import sys

    from feedback.ledger import LedgerError
    from ui.logs import install_excepthook

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    shown = []
    install_excepthook(shown.append, tmp_path)
    try:
        raise LedgerError("“未采纳”须填写理由或说明。")
    except LedgerError:
        sys.excepthook(*sys.exc_info())
    assert shown == ["“未采纳”须填写理由或说明。"] and not (tmp_path / "logs").exists()
