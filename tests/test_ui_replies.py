"""Replies in the window: the sender chosen by the drafter when nothing matches, the round the unit
was sent, the letter's date; files dropped onto the ledger read by the same reader, undoable."""
import pytest

from feedback.outline import parse_lines
from feedback.vocabulary import ReplyState, RoundMethod
from storage.project import Project
from tests.fixtures import replies


@pytest.fixture
def project_file(tmp_path):
    path = tmp_path / "供水方案.yjt"
    with Project.create(path, parse_lines(replies.draft_lines())) as project:
        for name in ("财政局", "县委宣传部", "民政局"):
            project.add_unit(name, "市级部门")
        project.add_round(recipients=[1, 2])  # 书面征求 to 财政局 and 县委宣传部
        project.add_round(method=RoundMethod.ONLINE)
    return path


@pytest.fixture
def opened(make_window, project_file):
    window = make_window()
    assert window.open_project(project_file)
    return window


def test_a_letter_whose_sender_matches_nothing_makes_the_drafter_choose(opened, qtbot, tmp_path):
    from ui.comment_dialog import reply_dialog

    letter = replies.letter_docx(tmp_path / "气象局.docx", replies.FINANCE_LETTER.replace("某某县财政局", "某某县气象局"))
    dialog = reply_dialog(opened, letter)
    qtbot.addWidget(dialog)
    assert dialog.unit.unit_id() is None and dialog.round.currentData() is None  # nothing taken by default
    assert "某某县气象局" in dialog.cue.text() and dialog.table.rowCount() == 3
    dialog.accept()
    assert dialog.result() != dialog.DialogCode.Accepted and "请先选择单位" in dialog.cue.text()
    dialog.unit.set_unit(3)  # 民政局, which was sent no round: the drafter picks the round too, and is warned
    assert dialog.round.currentData() is None
    dialog.round.setCurrentIndex(dialog.round.findData(1))
    assert "没有征求“民政局”" in dialog.cue.text()


def test_the_round_and_date_follow_the_letter(opened, qtbot, tmp_path):
    from ui.comment_dialog import file_entry, reply_dialog

    dialog = reply_dialog(opened, replies.letter_docx(tmp_path / "财政局.docx", replies.FINANCE_LETTER))
    qtbot.addWidget(dialog)
    assert dialog.unit.currentText() == "财政局" and dialog.round.currentData() == 1
    assert dialog.received.date().toPython().isoformat() == "2024-05-08"
    dialog.accept()
    file_entry(opened, dialog)
    logged = opened.project.comments()
    assert [(c.round_number, c.clause_ref) for c in logged] == [(1, "二（二）4"), (1, "二（一）2"), (1, "二（一）2")]
    opened.undo_action.trigger()
    assert opened.project.comments() == []


def test_files_dropped_onto_the_ledger_go_through_the_reader(opened, qtbot, tmp_path, monkeypatch):
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent

    from ui.comment_dialog import CommentEntryDialog

    # the letter is signed with a county prefix: the drafter confirms the unit it was matched to
    monkeypatch.setattr(CommentEntryDialog, "exec", lambda self: (self.confirm_unit(), self.accept(), self.result())[2])
    revised = replies.revised_docx(tmp_path / "方案（修订）.docx", author="Administrator", comment_author="微软用户")
    no_comments = replies.letter_docx(tmp_path / "宣传部复函.docx", replies.NO_COMMENT_LETTER)
    page = opened.ledger
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(no_comments))])
    enter = QDragEnterEvent(QPointF(10, 10).toPoint(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    page.dragEnterEvent(enter)
    assert enter.isAccepted()
    page.dropEvent(QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                              Qt.KeyboardModifier.NoModifier))
    qtbot.waitUntil(lambda: any(r.state is ReplyState.NO_COMMENTS for r in opened.project.replies(1)), timeout=5000)
    # a returned draft names no unit: the dialog waits for the drafter, who picks 财政局
    monkeypatch.setattr(CommentEntryDialog, "exec",
                        lambda self: (self.unit.set_unit(1), self.accept(), self.result())[2])
    page.take_reply_files([revised])
    logged = opened.project.comments()
    assert [c.clause_ref for c in logged] == ["二（一）2", "二（二）4", "三（一）5"]
    assert all(c.round_number == 1 and c.unit_name == "财政局" for c in logged)
    assert "作者：Administrator" in logged[1].source
    opened.undo_action.trigger()
    assert opened.project.comments() == []


def test_a_scan_dropped_is_told_in_one_sentence(make_window, project_file, tmp_path):
    from feedback.commands import ScriptedInteraction

    talk = ScriptedInteraction()
    window = make_window(talk)
    window.open_project(project_file)
    window.ledger.take_reply_files([replies.scanned_pdf(tmp_path / "扫描件.pdf")])
    assert len(talk.messages) == 1 and "扫描件.pdf" in talk.messages[0] and "没有文字层" in talk.messages[0]


def test_a_reply_file_read_from_the_entry_dialog(opened, qtbot, tmp_path):
    from ui.comment_dialog import entry_dialog

    dialog = entry_dialog(opened.project, parent=opened)
    qtbot.addWidget(dialog)
    form = replies.feedback_form_docx(tmp_path / "表.docx", "某某县财政局")
    assert dialog.read_file(form)
    assert dialog.unit.currentText() == "财政局" and dialog.round.currentData() == 1
    assert dialog.table.rowCount() == 2 and dialog.source.text() == "反馈表“表.docx”"
    assert not dialog.read_file(replies.scanned_pdf(tmp_path / "扫描.pdf"))
    assert "没有文字层" in dialog.cue.text() and dialog.table.rowCount() == 2


def test_an_adoption_table_through_the_import_dialog(make_window, project_file, tmp_path):
    from openpyxl import Workbook

    from exports.public_comments import read_public_table
    from feedback.commands import ScriptedInteraction
    from feedback.vocabulary import Disposition

    workbook = Workbook()
    workbook.active.append(["序号", "单位（个人）", "条款", "意见内容", "是否采纳", "采纳理由"])
    workbook.active.append(["1", "某某县财政局", "第4条", "建议统筹安排资金。", "予以采纳", ""])
    workbook.active.append(["2", "县委宣传部", "第2条", "建议公开检测结果。", "部分或全部采纳", "已在第2条中明确。"])
    path = tmp_path / "采纳情况表.xlsx"
    workbook.save(path)
    talk = ScriptedInteraction(choices=["部分采纳"])  # the ambiguous wording is asked
    window = make_window(talk)
    window.open_project(project_file)
    dialog = window.sheets.ask_mapping(path, read_public_table(path))
    assert dialog.mapping() == {"text": "意见内容", "clause": "条款", "unit": "单位（个人）",
                                "disposition": "是否采纳", "reason": "采纳理由"}
    dialog.round_box.setCurrentIndex(dialog.round_box.findData(1))
    dialog.accept()
    logged = [(c.unit_name, c.clause_ref, c.disposition) for c in window.project.comments()]
    assert logged == [("财政局", "二（二）4", Disposition.ADOPTED), ("县委宣传部", "二（一）2", Disposition.PARTLY_ADOPTED)]
    assert any("部分或全部采纳" in q for q in talk.questions)
    window.undo_action.trigger()
    assert window.project.comments() == []
