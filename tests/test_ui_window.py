"""The window over a working day: it fits a laptop's screen, keeps the file safe, stays where the drafter
works, shows what was searched, lists clauses in reading order, and speaks Chinese throughout."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtCore import QCoreApplication, QPoint, QRect, QSettings, Qt  # noqa: E402
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QDialog, QWidget  # noqa: E402

from feedback.commands import ScriptedInteraction  # noqa: E402
from feedback.vocabulary import Disposition  # noqa: E402
from storage.project import Project  # noqa: E402
from tests.conftest import type_text  # noqa: E402
from ui.models import COLUMN_INDEX  # noqa: E402

# The window's client area on a 1366×768 laptop (taskbar and title bar taken off), and on a 1920×1080 screen.
LAPTOP = (1366, 768 - 40 - 30)
DESKTOP = (1920, 1080 - 40 - 30)


def settle(qtbot, window, size):
    window.resize(*size)
    qtbot.waitUntil(lambda: window.size().width() == size[0] and window.size().height() == size[1], timeout=2000)
    for _ in range(3):
        QApplication.processEvents()


def cut_off(window: QWidget) -> list[str]:
    """Visible widgets not wholly inside the window (those scrolled inside a scroll area aside)."""
    bounds = window.rect()
    problems = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window) or widget.isWindow() or widget.width() <= 0:
            continue
        scroller = widget.parentWidget()
        inside_scroll = False
        while scroller is not None and scroller is not window:
            if isinstance(scroller, QAbstractScrollArea) and widget is not scroller and \
                    scroller.viewport().isAncestorOf(widget):
                inside_scroll = True
                break
            scroller = scroller.parentWidget()
        if inside_scroll:
            continue
        rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
        if not bounds.adjusted(-1, -1, 1, 1).contains(rect):
            problems.append(f"{type(widget).__name__} {widget.objectName()} {rect.getRect()}")
    return problems


def fully_shown(widget: QWidget, window: QWidget) -> bool:
    rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    return widget.isVisible() and window.rect().contains(rect) and widget.visibleRegion().boundingRect().size() == \
        widget.size()


# -- 1. it fits ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [LAPTOP, DESKTOP], ids=["1366x768", "1920x1080"])
def test_nothing_is_cut_off_and_the_comment_has_room(window, qtbot, size):
    settle(qtbot, window, size)
    assert window.minimumSizeHint().width() <= size[0] and window.minimumSizeHint().height() <= size[1]
    assert cut_off(window) == []
    ledger = window.ledger
    editor = ledger.panel.editor
    for widget in (editor.save_button, editor.revert_button, editor.reason, editor.handler, window.statusBar(),
                   ledger.search, ledger.disposition_filter, ledger.count_label):
        assert fully_shown(widget, window), widget
    characters = ledger.table.columnWidth(COLUMN_INDEX["body"]) / ledger.table.fontMetrics().horizontalAdvance("中")
    assert characters >= 20  # the comment reads as a phrase, not a dozen characters
    lines = ledger.clause_view.viewport().height() / ledger.clause_view.fontMetrics().lineSpacing()
    assert lines >= 6  # the clause as a paragraph, not three lines of it
    for page in ("units", "statistics", "versions", "explanation"):
        window.show_page(page)
        QApplication.processEvents()
        assert cut_off(window) == [], page


def test_the_first_opening_fills_the_free_area_and_a_laptop_opens_maximised(qtbot, settings):
    from ui.main_window import MainWindow, fitted_size

    assert fitted_size(1920, 1040) == (1728, 936)  # most of a large screen
    assert fitted_size(1366, 728) == (1350, 688)  # all of a laptop's
    window = MainWindow(settings, ScriptedInteraction())
    qtbot.addWidget(window)
    area = window.screen().availableGeometry()
    assert area.contains(window.geometry())
    small = area.width() < 1440 or area.height() < 900
    assert window.opens_maximised == small


def test_the_layout_is_remembered_per_screen(qtbot, settings, demo_file):
    from ui.main_window import MainWindow

    window = MainWindow(settings, ScriptedInteraction())
    qtbot.addWidget(window)
    window.show()
    window.open_project(demo_file)
    window.resize(700, 500)
    window.close()
    size = window.screen().size()
    keys = settings.qsettings.allKeys()
    assert f"layout/geometry@{size.width()}x{size.height()}" in keys
    assert f"layout/ledger_splitter@{size.width()}x{size.height()}" in keys
    # a layout saved on another screen is not used on this one
    settings.qsettings.remove(f"layout/geometry@{size.width()}x{size.height()}")
    settings.set_layout("geometry@3840x2160", window.saveGeometry())
    again = MainWindow(settings, ScriptedInteraction())
    qtbot.addWidget(again)
    assert again.screen().availableGeometry().contains(again.geometry())


def test_dialogs_fit_the_screen(window, qtbot):
    from ui.comment_dialog import CommentEntryDialog, LetterSplitDialog
    from ui.help_dialog import HelpDialog

    area = window.screen().availableGeometry()
    project = window.project
    from ui.sheets import CollectReportDialog

    for dialog in (CommentEntryDialog(project.rounds(), project.units(), project.draft(), parent=window),
                   LetterSplitDialog(project.draft(), window), HelpDialog(window), CollectReportDialog([], window)):
        qtbot.addWidget(dialog)
        assert dialog.width() <= max(area.width(), dialog.minimumSizeHint().width())
        assert dialog.height() <= max(area.height(), dialog.minimumSizeHint().height())
        assert dialog.minimumSizeHint().height() <= LAPTOP[1] and dialog.minimumSizeHint().width() <= LAPTOP[0]


# -- 2. the file is safe ----------------------------------------------------------------------------------------------


def test_save_copy_writes_a_complete_copy_while_the_project_is_open(window, demo_file, tmp_path):
    ledger = window.ledger
    assert ledger.select_comment(3)
    window.disposition_actions[4].trigger()  # 待处理: a change made just before the copy is in it
    file_menu = window.menuBar().actions()[0].menu()
    assert window.save_copy_action in file_menu.actions() and window.save_copy_action.text() == "另存副本…"
    target = tmp_path / "外出" / "副本"
    target.parent.mkdir()
    assert window.save_copy(target)
    copy = target.with_suffix(".yjt")
    assert copy.is_file() and not copy.with_name(copy.name + "-wal").exists()
    with Project.open(copy, read_only=True) as other:
        assert other.count_comments() == window.project.count_comments() == 32
        assert other.comment(3).disposition is Disposition.PENDING
        assert [h.new_value for h in other.history(3)] == [h.new_value for h in window.project.history(3)]
    assert window.project is not None and not window.project.read_only  # the project stays open and editable
    talk = window.interaction
    assert not window.save_copy(demo_file)
    assert "就是当前项目文件" in talk.messages[-1]


# -- 3. entering comments ------------------------------------------------------------------------------------------------


def test_ctrl_i_opens_over_the_ledger_on_the_current_clause_and_returns_there(window, demo_file, qtbot):
    ledger = window.ledger
    assert ledger.select_comment(14)
    clause = ledger.current_comment().clause_ref
    dialog = window.enter_comments()
    qtbot.addWidget(dialog)
    assert window.current_page() == "ledger" and dialog.isVisible() and dialog.parent() is window
    assert dialog.clause.ref() == clause
    assert dialog.unit.unit_id() is None  # nobody is assumed to have written
    dialog.body.setPlainText("建议明确同步交付的验收主体。")
    dialog.accept()  # refused until a unit is chosen, nothing lost
    assert dialog.isVisible() and "请先选择单位" in dialog.cue.text()
    unit = next(u for u in window.project.units() if u.name == "市住建局")
    dialog.unit.set_unit(unit.id)
    dialog.body.setPlainText("建议明确同步交付的验收主体。")
    dialog.accept()
    assert window.current_page() == "ledger"
    entered = ledger.current_comment()
    assert (entered.body, entered.clause_ref, entered.unit_name) == ("建议明确同步交付的验收主体。", clause, "市住建局")
    with Project.open(demo_file, read_only=True) as other:
        assert other.count_comments() == 33


def test_ctrl_i_starts_typing_in_the_unit_box(window, qtbot):
    """Ctrl+I then the unit's name: the keys go to the unit box, not to the round list above it."""
    assert window.ledger.select_comment(14)
    dialog = window.enter_comments()
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None and dialog.isAncestorOf(QApplication.focusWidget()),
                    timeout=2000)
    assert dialog.focusWidget() is dialog.unit.lineEdit() or dialog.focusWidget() is dialog.unit
    type_text(QApplication.focusWidget(), "市住建局")
    assert dialog.unit.unit_id() == next(u.id for u in window.project.units() if u.name == "市住建局")
    dialog.unit.completer().popup().hide()  # the list of matches typing opened
    dialog.reject()
    QApplication.processEvents()

    from ui.comment_dialog import entry_dialog

    unit = next(u for u in window.project.units() if u.name == "市财政局")
    known = entry_dialog(window.project, round_number=1, unit_id=unit.id, parent=window)
    qtbot.addWidget(known)
    assert known.focusWidget() is known.body  # the unit known (a reply from the feedback grid): straight to the text


LETTER = ("市教育局：\n经研究，提出以下意见：\n"
          "一、第4条“市、县财政部门每年划拨专门资金”，建议修改为“统筹安排资金”。\n"
          "二、建议文稿整体压缩篇幅。\n特此函复。\n汉中市财政局\n2023年4月11日")


def test_a_pasted_letter_splits_at_once_and_a_near_sender_waits_for_confirmation(window, qtbot):
    from ui.comment_dialog import CommentEntryDialog, LetterSplitDialog, letters_module

    if letters_module() is None:
        pytest.skip("the letter splitter is not available")
    project = window.project
    split = LetterSplitDialog(project.draft(), window)
    qtbot.addWidget(split)
    split.letter.setFocus()
    QApplication.clipboard().setText(LETTER)
    split.letter.paste()
    qtbot.waitUntil(lambda: split.table.rowCount() == 2, timeout=2000)  # no button to press
    assert [split.table.item(r, 0).text() for r in range(2)] == ["三（二）4", "总体意见"]

    entry = CommentEntryDialog(project.rounds(), project.units(), project.draft(), round_number=1,
                               find_units=project.find_units, parent=window)
    qtbot.addWidget(entry)
    entry.take_split(split.split, split.comments())
    assert entry.unit.currentText() == "市财政局"  # 汉中市财政局 is not the registry's name: asked, not assumed
    assert not entry.unit_confirmed and entry.unit_cue.isVisibleTo(entry) and "汉中市财政局" in entry.unit_cue.text()
    entry.accept()
    assert entry.result() != QDialog.DialogCode.Accepted
    entry.unit_confirm.click()
    entry.accept()
    assert entry.result() == QDialog.DialogCode.Accepted and len(entry.items()) == 2


def test_an_exact_sender_needs_no_confirmation(window, qtbot):
    from ui.comment_dialog import CommentEntryDialog

    project = window.project
    entry = CommentEntryDialog(project.rounds(), project.units(), project.draft(), round_number=1,
                               find_units=project.find_units, parent=window)
    qtbot.addWidget(entry)
    unit = next(u for u in project.units() if u.name == "市财政局")
    entry.ask_unit_confirmation("市财政局", unit)
    assert entry.unit_confirmed and not entry.unit_cue.isVisibleTo(entry)
    entry.ask_unit_confirmation("财政局", unit)  # a part of the name is not the name
    assert not entry.unit_confirmed
    entry.ask_unit_confirmation("汉中市财政局", type(unit)(**{**unit.__dict__, "aliases": ["汉中市财政局"]}))
    assert entry.unit_confirmed  # a registered alias is as good as the name
    entry.ask_unit_confirmation("某某协会", None)
    assert not entry.unit_confirmed and "没有这个单位" in entry.unit_cue.text()


def test_ctrl_z_after_ctrl_enter_undoes_the_save_from_a_text_field(window, demo_file, qtbot):
    ledger = window.ledger
    editor = ledger.panel.editor
    assert ledger.select_comment(1)
    editor.set_disposition(Disposition.REJECTED)
    type_text(editor.reason, "与预算法规定不一致。")
    qtbot.keyClick(editor.reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    with Project.open(demo_file, read_only=True) as other:
        assert other.comment(1).disposition is Disposition.REJECTED
    editor.reason.setFocus()
    qtbot.keyClick(editor.reason, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    with Project.open(demo_file, read_only=True) as other:
        assert other.comment(1).disposition is Disposition.ADOPTED
    # while the field has typing of its own, Ctrl+Z undoes the typing
    type_text(editor.reason, "甲")
    qtbot.keyClick(editor.reason, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "甲" not in editor.reason.toPlainText()
    assert window.bridge.stack.canRedo()


def test_staying_to_finish_a_reason_keeps_the_ledger_tab(window, talk):
    ledger = window.ledger
    editor = ledger.panel.editor
    assert ledger.select_comment(1)
    editor.set_disposition(Disposition.REJECTED)  # a reason is owed
    talk.choices.append("继续填写")
    window.page_actions["statistics"].trigger()
    assert window.current_page() == "ledger"
    assert window.page_actions["ledger"].isChecked() and not window.page_actions["statistics"].isChecked()


# -- 4. the quote and the search hit are visible ------------------------------------------------------------------------


def test_the_clause_scrolls_to_the_quoted_words(window, qtbot):
    view = window.ledger.clause_view
    view.resize(320, 110)
    clause = max(window.project.clauses(), key=lambda c: len(c.text))
    quoted = clause.text[-12:-2]
    view.show_clause(clause.ref, quoted)
    QApplication.processEvents()
    assert view.verticalScrollBar().value() > 0
    found = view.document().find(quoted)
    assert not found.isNull()
    view.setTextCursor(found)
    assert view.viewport().rect().contains(view.cursorRect())
    view.show_clause(clause.ref, "")  # no quote: from the top
    assert view.verticalScrollBar().value() == 0


def test_search_hits_are_marked_in_the_table_and_the_clause(window, qtbot):
    from PySide6.QtGui import QColor

    from ui.comment_panel import HIT_COLOUR

    ledger = window.ledger
    settle(qtbot, window, LAPTOP)
    ledger.set_filter(query="资金")
    qtbot.waitUntil(lambda: ledger.model.rowCount() == 2, timeout=2000)
    assert ledger.hits.terms == ["资金"]
    image = ledger.table.viewport().grab().toImage()
    hit = QColor(HIT_COLOUR).rgb()
    marked = sum(1 for x in range(0, image.width(), 2) for y in range(0, image.height(), 2) if image.pixel(x, y) == hit)
    assert marked > 20
    assert HIT_COLOUR in ledger.panel.body.toHtml().lower() or "#ffc98f" in ledger.panel.body.toHtml().lower()
    ledger.set_filter(query="")
    image = ledger.table.viewport().grab().toImage()
    assert not any(image.pixel(x, y) == hit for x in range(0, image.width(), 2) for y in range(0, image.height(), 2))


def test_marked_spans_and_highlight():
    from ui.comment_panel import highlight, marked_spans, search_terms

    assert marked_spans("专门资金和专门人员", "专门人员", ["专门"]) == [(0, 2, "hit"), (5, 9, "quote")]
    assert search_terms(' 专门资金  "校园" ') == ["专门资金", "校园"]
    assert highlight("推进<5G>应用。", "5G") == \
        '推进&lt;<span style="background:#ffe08a">5G</span>&gt;应用。'


# -- 5. order, labels, history ------------------------------------------------------------------------------------------


def test_tied_clauses_in_the_chart_follow_the_draft(window):
    from feedback.clause_order import clause_positions

    window.show_page("statistics")
    page = window.page("statistics")
    bars = page.charts["clauses"].bars
    positions = clause_positions(window.project.clauses())
    refs = [bar.label.split(" ")[0] for bar in bars]
    counts = [bar.values[0] for bar in bars]
    assert counts == sorted(counts, reverse=True)
    ties = [(a, b) for (a, count_a), (b, count_b) in zip(zip(refs, counts), zip(refs[1:], counts[1:]))
            if count_a == count_b]
    assert len(ties) >= 5  # the demo has many clauses with as many comments
    assert all(positions[a] < positions[b] for a, b in ties), ties


def test_one_round_label_everywhere(window):
    rnd = window.project.rounds()[0]
    assert rnd.label.startswith("第1轮 书面征求")
    assert rnd.label.count("书面征求") == 1
    if rnd.sent_on:
        assert rnd.label.endswith(f"（{rnd.sent_on.year}年{rnd.sent_on.month}月{rnd.sent_on.day}日）")
    ledger = window.ledger
    assert ledger.round_filter.itemText(1) == rnd.label
    window.show_page("statistics")
    assert window.page("statistics").round.itemText(1) == rnd.label


def test_one_save_is_one_history_row_showing_old_and_new(window, demo_file, qtbot):
    ledger = window.ledger
    editor = ledger.panel.editor
    assert ledger.select_comment(1)
    editor.set_disposition(Disposition.REJECTED)
    type_text(editor.reason, "与预算法规定不一致。")
    ledger.save()
    with Project.open(demo_file, read_only=True) as other:
        rows = list(other.db.query("SELECT * FROM history WHERE comment_id = 1"))
        assert len(rows) == 1  # disposition, reason, decided_on: one action, one row
        fields = {h.field: (h.old_value, h.new_value) for h in other.history(1)}
    assert fields["disposition"] == ("adopted", "rejected")
    assert fields["reason"][1] == "与预算法规定不一致。"
    history = ledger.panel.history
    assert history.topLevelItemCount() == 1
    text = history.topLevelItem(0).text(1)
    assert "处理：采纳 → 未采纳" in text and "理由或说明：" in text and "→ 与预算法规定不一致。" in text
    assert ledger.panel.tabs.tabText(1) == "修改记录（1）"


# -- 6. Chinese throughout -------------------------------------------------------------------------------------------------


def test_qt_speaks_chinese_and_file_dialogs_are_qt_s_own_where_needed(qapp):
    from PySide6.QtCore import QLocale

    from ui.app import translate_qt

    app = QApplication.instance()
    assert translate_qt(app)
    assert QCoreApplication.translate("QFileDialog", "Look in:") == "查找范围："
    assert QCoreApplication.translate("QFileDialog", "Files of type:") == "文件类型："
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    assert QLocale().language() == QLocale.Language.Chinese
    from PySide6.QtWidgets import QFileDialog, QLabel

    dialog = QFileDialog(None, "打开项目", ".", "意见通项目 (*.yjt)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    labels = [label.text() for label in dialog.findChildren(QLabel)]
    assert labels and all("查找范围" in t or "文件名称" in t or "文件类型" in t for t in labels), labels
    dialog.deleteLater()
    if QLocale.system().language() != QLocale.Language.Chinese:
        assert app.testAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs)


def test_the_file_dialog_names_folders_in_chinese(qtbot, tmp_path):
    """The 类型 column of Qt's file dialog: “文件夹”, not “Folder” (absent from Qt's own translation)."""
    from PySide6.QtWidgets import QFileDialog, QFileSystemModel

    from ui.app import translate_qt

    assert translate_qt(QApplication.instance())
    (tmp_path / "反馈表").mkdir()
    dialog = QFileDialog(None, "选择文件夹", str(tmp_path))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    model = dialog.findChild(QFileSystemModel)
    folder = model.index(str(tmp_path / "反馈表"))
    qtbot.waitUntil(lambda: folder.isValid() and bool(model.data(folder.siblingAtColumn(2))), timeout=5000)
    assert model.data(folder.siblingAtColumn(2)) == "文件夹"


def test_qt_file_dialogs_open_as_large_as_the_screen_allows(window, qtbot, tmp_path):
    """Qt's own file dialog, opened over the window, is sized like the app's dialogs and centred on it."""
    from PySide6.QtWidgets import QFileDialog

    from ui.widgets import FileDialogSizer, size_file_dialogs

    size_file_dialogs(QApplication.instance())
    dialog = QFileDialog(window, "另存副本", str(tmp_path), "意见通项目 (*.yjt)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    default = dialog.size()
    dialog.show()
    qtbot.waitExposed(dialog)
    area = dialog.screen().availableGeometry()
    wanted = (min(FileDialogSizer.SIZE[0], area.width() - 40), min(FileDialogSizer.SIZE[1], area.height() - 60))
    assert (dialog.width(), dialog.height()) == (max(wanted[0], dialog.minimumSizeHint().width()),
                                                 max(wanted[1], dialog.minimumSizeHint().height()))
    assert dialog.width() > default.width()
    assert area.contains(dialog.geometry()), (area, dialog.geometry(), dialog.frameGeometry())
    dialog.resize(700, 480)  # the drafter's own size is kept while it stays open
    dialog.hide()
    dialog.show()
    assert dialog.size().width() == 700


def test_the_help_page_lists_the_shortcuts_and_the_workflow(window, qtbot):
    from PySide6.QtWidgets import QDialogButtonBox

    from ui.help_dialog import HelpDialog, shortcut_rows

    help_menu = window.menuBar().actions()[-1].menu()
    assert window.help_action in help_menu.actions()
    from PySide6.QtGui import QKeySequence

    def shown(*keys):  # as the menus show them (with Qt's Chinese names of keys once translated)
        return " / ".join(QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) for k in keys)

    rows = dict(shortcut_rows(window))
    assert rows[shown("Ctrl+I")] == "录入意见" and rows[shown("Ctrl+Shift+S")] == "另存副本"
    assert rows[shown("Ctrl+Return", "Ctrl+Enter")] == "保存处理并转到下一条待处理"
    assert rows[shown("Ctrl+Z")] == "撤销"
    dialog = HelpDialog(window)
    qtbot.addWidget(dialog)
    text = dialog.text.toPlainText()
    assert "工作流程" in text and "逐条处理" in text and "Ctrl+I" in text and "1 / 2 / 3 / 4" in text
    buttons = dialog.findChildren(QDialogButtonBox)[0].buttons()
    assert [b.text() for b in buttons] == ["关闭"]


def test_a_year_can_be_typed_into_a_date_box(qtbot):
    from datetime import date

    from ui.widgets import DateBox, parse_date

    box = DateBox(date(2024, 6, 1))
    qtbot.addWidget(box)
    box.resize(160, 30)
    box.show()
    box.activateWindow()
    qtbot.waitActive(box)
    line = box.lineEdit()
    qtbot.mouseClick(line, Qt.MouseButton.LeftButton, pos=QPoint(10, line.height() // 2))
    qtbot.wait(10)
    qtbot.keyClicks(box, "2023")
    assert box.date().toPython() == date(2023, 6, 1)
    QApplication.clipboard().setText("2023年4月10日")
    qtbot.keyClick(box, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert box.date().toPython() == date(2023, 4, 10)
    assert parse_date("2023.4.10") == parse_date("20230410") == date(2023, 4, 10)
    assert parse_date("4月10日") is None and parse_date("2023-02-30") is None


# -- 7. the start page --------------------------------------------------------------------------------------------------------


def test_a_recent_project_opens_with_one_click_or_enter(make_window, demo_file, qtbot):
    window = make_window()
    window.open_project(demo_file)
    window.close_project_to_start()
    recent = window.start_page.recent
    item = recent.item(0)
    rect = recent.visualItemRect(item)
    qtbot.mouseClick(recent.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.project is not None and window.current_page() == "ledger"
    window.close_project_to_start()
    recent.setFocus()
    recent.setCurrentRow(0)
    qtbot.keyClick(recent, Qt.Key.Key_Return)
    assert window.project is not None and window.current_page() == "ledger"
    # the comments have the keyboard: 2 sets 部分采纳 on the first, it is not typed into the search box
    assert window.focusWidget() is window.ledger.table
    qtbot.keyClick(window.ledger.table, Qt.Key.Key_2)
    assert window.ledger.search.text() == "" and window.ledger.panel.editor.disposition() is Disposition.PARTLY_ADOPTED


def test_a_selected_recent_project_stays_readable(make_window, demo_file, qtbot):
    from PySide6.QtGui import QColor

    window = make_window()
    window.open_project(demo_file)
    window.close_project_to_start()
    recent = window.start_page.recent
    recent.setCurrentRow(0)
    QApplication.processEvents()
    rect = recent.visualItemRect(recent.item(0))
    image = recent.viewport().grab(rect).toImage()
    pixels = [QColor(image.pixel(x, y)) for x in range(image.width()) for y in range(image.height())]
    selected = sum(1 for p in pixels if p.rgb() == QColor("#dbe7f5").rgb())
    dark = sum(1 for p in pixels if p.lightness() < 110)
    assert selected > len(pixels) // 2 and dark > 50  # the selection shows, and so does the text on it


@pytest.mark.parametrize("size", [LAPTOP, DESKTOP], ids=["1366x768", "1920x1080"])
def test_a_long_recent_path_wraps_inside_the_list(make_window, tmp_path, qtbot, size):
    """A project filed deep in a folder tree: its path wraps within the list, no sideways scroll bar."""
    from storage.demo import build_demo_project

    deep = tmp_path / "2023年度" / "教育质量三年行动计划征求意见" / "第一轮征求意见反馈汇总"
    deep.mkdir(parents=True)
    path = deep / "汉中市提高教育质量三年行动计划（征求意见稿）意见处理台账.yjt"
    build_demo_project(path).close()
    window = make_window()
    window.open_project(path)
    window.close_project_to_start()
    settle(qtbot, window, size)
    recent = window.start_page.recent
    assert not recent.horizontalScrollBar().isVisible()
    from PySide6.QtGui import QColor

    def text_at_right_edge() -> int:  # dark pixels in the list's last 8 columns: text running into the border
        qtbot.wait(50)
        image = recent.viewport().grab().toImage()
        return sum(1 for x in range(image.width() - 8, image.width()) for y in range(image.height())
                   if QColor(image.pixel(x, y)).lightness() < 110)

    assert text_at_right_edge() == 0


def test_start_page_counts_follow_the_projects(make_window, demo_file, qtbot, monkeypatch):
    import ui.main_window as main_window

    monkeypatch.setattr(main_window, "demo_path", lambda: demo_file)
    window = make_window()
    window.open_project(demo_file)
    units = len(window.project.units())
    window.close_project_to_start()
    qtbot.waitUntil(lambda: "32条意见" in window.start_page.demo_button.text(), timeout=2000)
    assert f"{units}个单位" in window.start_page.demo_button.text()
    with Project.open(demo_file) as project:
        project.add_comment(round_number=1, unit_id=project.units()[0].id, clause_ref="总体意见", body="建议精简篇幅。")
    window.show_start()
    qtbot.waitUntil(lambda: "33条意见（待处理1条）" in window.start_page.demo_button.text(), timeout=2000)
    assert "33条意见" in window.start_page.recent.item(0).text()


def test_a_saved_web_page_is_titled_by_the_document_not_its_menu():
    from feedback.outline import parse_lines

    lines = ["首页", "登录 退出", "政务公开", "汉中市提高教育质量三年行动计划（2023—2025年）", "（征求意见稿）",
             "为全面提高教育质量，制定本计划。", "一、总体要求", "坚持立德树人。", "二、工作目标", "到2025年，质量明显提升。"]
    draft = parse_lines(lines)
    assert draft.title == "汉中市提高教育质量三年行动计划（2023—2025年）（征求意见稿）"
    preamble = draft.clauses[0].text
    assert "登录" in preamble and "首页" in preamble  # kept where they were, not dropped
    assert parse_lines(lines[3:]).title == draft.title


@pytest.mark.parametrize("size", [(1366, 700), (1920, 1010)], ids=["1366x768", "1920x1080"])
def test_screenshots_at_a_laptop_s_and_a_desktop_s_size(tmp_path, monkeypatch, size):
    import logging
    import sys

    from PySide6.QtGui import QImage

    import ui.app
    import ui.main_window
    from ui.logs import log

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(ui.app, "data_dir", lambda: tmp_path)
    monkeypatch.setattr(ui.main_window, "data_dir", lambda: tmp_path)
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path / "config"))
    shot = tmp_path / "ledger.png"
    try:
        assert ui.app.run(None, demo=True, screenshot=str(shot), page="ledger", size=size) == 0
    finally:
        for handler in list(log.handlers):
            if str(tmp_path) in getattr(handler, "baseFilename", ""):
                log.removeHandler(handler)
                handler.close()
        logging.getLogger("yijiantong").handlers.clear()
    image = QImage(str(shot))
    assert (image.width(), image.height()) == size


def test_the_size_argument_reads_width_by_height(capsys):
    import main

    assert main._size("1366x768") == main._size("1366×768") == (1366, 768)
    with pytest.raises(SystemExit) as stopped:
        main.main(["--screenshot", "x.png", "--size", "宽"])
    assert stopped.value.code == 2
    assert "不是“宽x高”形式的大小" in capsys.readouterr().err


def test_the_filter_bar_keeps_its_width_when_a_filter_changes(window, qtbot):
    ledger = window.ledger
    settle(qtbot, window, LAPTOP)
    combos = (ledger.round_filter, ledger.category_filter, ledger.unit_filter, ledger.disposition_filter)
    before = [c.geometry() for c in combos] + [ledger.search.geometry()]
    unit = max(window.project.units(), key=lambda u: len(u.name))
    ledger.set_filter(unit_id=unit.id, disposition=Disposition.IN_WORK)
    QApplication.processEvents()
    assert [c.geometry() for c in combos] + [ledger.search.geometry()] == before
    assert ledger.unit_filter.view().minimumWidth() >= ledger.unit_filter.fontMetrics().horizontalAdvance(unit.name)


def test_a_recent_file_that_cannot_be_read_shows_no_counts(tmp_path):
    from ui.main_window import project_summary

    broken = tmp_path / "坏.yjt"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    assert project_summary(broken) is None
    assert project_summary(tmp_path / "不存在.yjt") is None


def test_history_of_files_from_before_shows_one_row_per_save(window, demo_file):
    """Older files kept a row per field; the fields of one save are still shown as one action."""
    project = window.project
    at = "2023-04-27T10:00:00"
    with project.transaction():
        project.db["history"].insert_all([
            {"comment_id": 2, "field": "disposition", "old_value": "pending", "new_value": "adopted", "who": "李",
             "at": at},
            {"comment_id": 2, "field": "handler", "old_value": "", "new_value": "李", "who": "李", "at": at},
            {"comment_id": 2, "field": "decided_on", "old_value": None, "new_value": "2023-04-27", "who": "李",
             "at": at}])
    ledger = window.ledger
    assert ledger.select_comment(3) and ledger.select_comment(2)
    history = ledger.panel.history
    assert history.topLevelItemCount() == 1
    assert history.topLevelItem(0).text(1).splitlines() == ["处理：待处理 → 采纳", "经办人：— → 李",
                                                            "处理日期：— → 2023-04-27"]
    assert [h.field for h in project.history(2)] == ["disposition", "handler", "decided_on"]


def test_closing_the_entry_dialog_does_not_lose_typed_comments_unasked(window, talk, qtbot):
    """Esc, 取消 or the title bar's close with comments typed: asked first; 取消 keeps them."""
    dialog = window.enter_comments()
    qtbot.addWidget(dialog)
    dialog.reject()  # nothing typed: closes without a question
    assert not dialog.isVisible() and talk.questions == []
    dialog = window.enter_comments()
    qtbot.addWidget(dialog)
    dialog.body.setPlainText("建议明确资金来源。")
    dialog.add_current()
    dialog.body.setPlainText("建议增加县区配套措施。")
    talk.choices = [None]  # 取消: back to the dialog
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and dialog.table.rowCount() == 1 and dialog.body.toPlainText()
    assert talk.questions[-1] == "还有2条意见没有录入，关闭后将不再保留。"
    talk.choices = ["放弃这些意见"]
    dialog.reject()
    assert not dialog.isVisible() and window.project.count_comments() == 32


def test_a_picture_of_a_project_open_in_another_window_does_not_wait_for_a_click(tmp_path, monkeypatch, demo_file,
                                                                                 capsys):
    """--screenshot while the drafter has the file open: read-only, said on stderr, never a hidden question."""
    import logging
    import sys

    from PySide6.QtGui import QImage

    import ui.app
    import ui.main_window
    from ui.logs import log

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(ui.app, "data_dir", lambda: tmp_path)
    monkeypatch.setattr(ui.main_window, "data_dir", lambda: tmp_path)
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path / "config"))
    shot = tmp_path / "ledger.png"
    with Project.open(demo_file):  # the drafter's own window holds the file
        try:
            assert ui.app.run(str(demo_file), demo=False, screenshot=str(shot), page="ledger", size=LAPTOP) == 0
        finally:
            for handler in list(log.handlers):
                if str(tmp_path) in getattr(handler, "baseFilename", ""):
                    log.removeHandler(handler)
                    handler.close()
            logging.getLogger("yijiantong").handlers.clear()
    assert QImage(str(shot)).width() == LAPTOP[0]
    assert "→ 以只读方式打开" in capsys.readouterr().err
