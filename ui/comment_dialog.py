"""Dialogs for entering and correcting comments, including the paste-a-letter splitter."""
from __future__ import annotations

from datetime import date

import ui.qt_fixes  # noqa: F401 - guards PySide6 6.12's reference leak before any Qt call
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QCompleter, QDateEdit, QDialog, QDialogButtonBox,
                               QFormLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPlainTextEdit,
                               QPushButton, QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from feedback.draft import Clause, Draft
from feedback.ledger import Comment, Round, Unit
from feedback.vocabulary import GENERAL_CLAUSE_REF, UNPLACED_CLAUSE_REF
from ui.style import set_role
from ui.text import tr
from ui.widgets import DateBox, dialog_buttons, fit_to_screen


def letters_module():
    """``feedback.letters`` when it is available (the splitter is optional)."""
    try:
        from feedback import letters
    except ImportError:
        return None
    return letters if hasattr(letters, "split_letter") else None


def _searchable(combo: QComboBox) -> None:
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    completer = combo.completer()
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)


class ClausePicker(QComboBox):
    """Choose a clause of the draft, 总体意见 or 待定位; type to search."""

    def __init__(self, clauses: list[Clause], parent=None):
        super().__init__(parent)
        self.addItem(tr("总体意见（针对草案整体）"), GENERAL_CLAUSE_REF)
        self.addItem(tr("待定位（暂不确定条款）"), UNPLACED_CLAUSE_REF)
        for clause in clauses:
            indent = "　" * (clause.level - 1)
            self.addItem(f"{indent}{clause.display}", clause.ref)
            self.setItemData(self.count() - 1, clause.ref, Qt.ItemDataRole.ToolTipRole)
        self.setMaxVisibleItems(20)
        _searchable(self)
        self.setMinimumContentsLength(24)

    def ref(self) -> str:
        index = self.findText(self.currentText(), Qt.MatchFlag.MatchExactly)
        if index >= 0:
            return self.itemData(index)
        return self.currentData() or UNPLACED_CLAUSE_REF

    def set_ref(self, ref: str) -> None:
        index = self.findData(ref)
        self.setCurrentIndex(index if index >= 0 else 1)


class UnitPicker(QComboBox):
    """Choose a unit from the registry; type part of its name to search."""

    def __init__(self, units: list[Unit], parent=None):
        super().__init__(parent)
        for unit in units:
            self.addItem(unit.name, unit.id)
            self.setItemData(self.count() - 1, unit.category, Qt.ItemDataRole.ToolTipRole)
        _searchable(self)
        self.setMinimumContentsLength(16)

    def unit_id(self) -> int | None:
        index = self.findText(self.currentText(), Qt.MatchFlag.MatchExactly)
        return self.itemData(index) if index >= 0 else None

    def set_unit(self, unit_id: int | None) -> None:
        index = self.findData(unit_id)
        if index >= 0:
            self.setCurrentIndex(index)


def _date_edit(value: date | None) -> QDateEdit:
    return DateBox(value)


def _text_box(lines: int) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 14)
    return box


class CommentEditDialog(QDialog):
    """Correct what a comment says or where it belongs (not its decision)."""

    def __init__(self, comment: Comment, clauses: list[Clause], units: list[Unit], parent=None):
        super().__init__(parent)
        self.setWindowTitle(tr("修改意见（第{0}条）").format(comment.id))
        self.comment = comment
        self.unit = UnitPicker(units)
        self.unit.set_unit(comment.unit_id)
        self.clause = ClausePicker(clauses)
        self.clause.set_ref(comment.clause_ref)
        self.body = _text_box(6)
        self.body.setPlainText(comment.body)
        self.quoted = QLineEdit(comment.quoted_text)
        self.proposed = _text_box(3)
        self.proposed.setPlainText(comment.proposed_wording)
        self.received = _date_edit(comment.received_on)
        self._shown_date = self.received.date().toPython()
        self.source = QLineEdit(comment.source)
        form = QFormLayout()
        form.addRow(tr("单位"), self.unit)
        form.addRow(tr("条款"), self.clause)
        form.addRow(tr("意见内容"), self.body)
        form.addRow(tr("针对原文"), self.quoted)
        form.addRow(tr("建议修改为"), self.proposed)
        form.addRow(tr("收到日期"), self.received)
        form.addRow(tr("来源"), self.source)
        buttons = dialog_buttons(self, tr("保存"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        fit_to_screen(self, 620, 520)

    def changed_fields(self) -> dict:
        """The fields that differ from the comment, ready for ``EditComment``."""
        received = self.received.date().toPython()
        if self.comment.received_on is None and received == self._shown_date:
            received = None  # the date box shows today for a comment without a date; untouched, it stays so
        values = {"unit_id": self.unit.unit_id() or self.comment.unit_id, "clause_ref": self.clause.ref(),
                  "body": self.body.toPlainText().strip(), "quoted_text": self.quoted.text().strip(),
                  "proposed_wording": self.proposed.toPlainText().strip(),
                  "received_on": received, "source": self.source.text().strip()}
        return {k: v for k, v in values.items() if getattr(self.comment, k) != v}


class LetterSplitDialog(QDialog):
    """Paste a reply letter; see it split into comments placed on clauses; correct; take them."""

    def __init__(self, draft: Draft, parent=None):
        super().__init__(parent)
        self.setWindowTitle(tr("粘贴来函拆分"))
        self.draft = draft
        self.split = None
        self.letter = QPlainTextEdit()
        self.letter.setPlaceholderText(tr("把单位的反馈意见函全文粘贴到这里，随即拆分为逐条意见。"))
        self._split_timer = QTimer(self)  # split as soon as the letter is pasted, and again after edits
        self._split_timer.setSingleShot(True)
        self._split_timer.setInterval(200)
        self._split_timer.timeout.connect(self.run_split)
        self.letter.textChanged.connect(self._split_timer.start)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.warnings = QLabel()
        set_role(self.warnings, "cue")
        self.warnings.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([tr("条款"), tr("意见内容"), tr("针对原文"), tr("建议修改为")])
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 110)
        self.table.setColumnWidth(2, 140)
        self.table.setColumnWidth(3, 160)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.letter)
        top_layout.addWidget(self.summary)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.warnings)
        bottom_layout.addWidget(self.table)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        buttons = dialog_buttons(self, tr("加入待录入列表"))
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        layout.addWidget(buttons)
        fit_to_screen(self, 860, 640)

    def run_split(self) -> None:
        self._split_timer.stop()
        letters = letters_module()
        if not self.letter.toPlainText().strip():
            self.split = None
            self.summary.setText("")
            self.table.setRowCount(0)
            return
        self.split = letters.split_letter(self.letter.toPlainText(), self.draft)
        split = self.split
        unit = split.unit_name_guess or tr("（未能识别）")
        if split.no_comments:
            self.summary.setText(tr("来函单位：{0}。来函表示无修改意见。").format(unit))
        else:
            self.summary.setText(tr("来函单位：{0}。拆分出{1}条意见，请核对条款。").format(unit, len(split.comments)))
        self.warnings.setText("\n".join(split.warnings))
        self.warnings.setVisible(bool(split.warnings))
        self.table.setRowCount(0)
        for comment in split.comments:
            row = self.table.rowCount()
            self.table.insertRow(row)
            for column, value in enumerate((comment.clause_ref, comment.text, comment.quoted_text,
                                            comment.proposed_wording)):
                self.table.setItem(row, column, QTableWidgetItem(value))

    def comments(self) -> list[dict]:
        """The rows as corrected in the table."""
        result = []
        for row in range(self.table.rowCount()):
            cells = [(self.table.item(row, c).text() if self.table.item(row, c) else "").strip() for c in range(4)]
            if cells[1]:
                result.append(dict(clause_ref=cells[0] or UNPLACED_CLAUSE_REF, body=cells[1], quoted_text=cells[2],
                                   proposed_wording=cells[3]))
        return result


class CommentEntryDialog(QDialog):
    """Enter one unit's comments for a round: type them one by one, or paste its letter."""

    def __init__(self, rounds: list[Round], units: list[Unit], draft: Draft, *, round_number: int | None = None,
                 unit_id: int | None = None, clause_ref: str | None = None, find_units=None, parent=None):
        super().__init__(parent)
        self.setWindowTitle(tr("录入意见"))
        self.draft = draft
        self.find_units = find_units
        self.no_comments_letter = False
        self.unit_confirmed = True
        self.change = None  # what taking the entries changed, once accepted
        self.round = QComboBox()
        for rnd in rounds:
            self.round.addItem(rnd.label, rnd.number)
        if round_number is not None:
            self.round.setCurrentIndex(max(0, self.round.findData(round_number)))
        else:
            self.round.setCurrentIndex(self.round.count() - 1)
        self.unit = UnitPicker(units)
        self.unit.set_unit(unit_id)
        if unit_id is None:  # no unit is assumed: the first of the registry is not who wrote
            self.unit.setCurrentIndex(-1)
            self.unit.lineEdit().setPlaceholderText(tr("选择或输入提出意见的单位"))
        self.received = _date_edit(None)
        self.source = QLineEdit(tr("书面反馈"))

        self.clause = ClausePicker(draft.clauses)
        if clause_ref:
            self.clause.set_ref(clause_ref)
        self.body = _text_box(4)
        self.quoted = QLineEdit()
        self.quoted.setPlaceholderText(tr("意见针对的原文词句（可不填）"))
        self.proposed = _text_box(2)
        add_button = QPushButton(tr("加入列表"))
        add_button.clicked.connect(self.add_current)
        self.letter_button = QPushButton(tr("粘贴来函拆分…"))
        if letters_module() is None:
            self.letter_button.setEnabled(False)
            self.letter_button.setToolTip(tr("来函拆分功能在此版本中不可用"))
        self.letter_button.clicked.connect(self.paste_letter)

        self.unit_cue = QLabel()  # a sender read from a letter that is not exactly a registered unit
        set_role(self.unit_cue, "cue")
        self.unit_cue.setWordWrap(True)
        self.unit_cue.hide()
        self.unit_confirm = QPushButton(tr("确认单位"))
        self.unit_confirm.clicked.connect(self.confirm_unit)
        self.unit_confirm.hide()
        self.unit.activated.connect(lambda *_: self.confirm_unit())
        unit_row = QHBoxLayout()
        unit_row.addWidget(self.unit, 1)
        unit_row.addWidget(self.unit_confirm)
        head = QFormLayout()
        head.addRow(tr("轮次"), self.round)
        head.addRow(tr("单位"), unit_row)
        head.addRow("", self.unit_cue)
        dates = QHBoxLayout()
        dates.addWidget(self.received)
        dates.addWidget(QLabel(tr("来源")))
        dates.addWidget(self.source, 1)
        head.addRow(tr("收到日期"), dates)

        one = QGroupBox(tr("一条意见"))
        one_form = QFormLayout(one)
        one_form.addRow(tr("条款"), self.clause)
        one_form.addRow(tr("意见内容"), self.body)
        one_form.addRow(tr("针对原文"), self.quoted)
        one_form.addRow(tr("建议修改为"), self.proposed)
        actions = QHBoxLayout()
        actions.addWidget(self.letter_button)
        actions.addStretch(1)
        actions.addWidget(add_button)
        one_form.addRow(actions)

        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([tr("条款"), tr("意见内容"), tr("针对原文"), tr("建议修改为")])
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 110)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        remove_button = QPushButton(tr("移出列表"))
        remove_button.clicked.connect(self.remove_selected)
        self.count_label = QLabel()
        set_role(self.count_label, "muted")
        list_row = QHBoxLayout()
        list_row.addWidget(self.count_label, 1)
        list_row.addWidget(remove_button)

        self.buttons = dialog_buttons(self)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(one)
        layout.addWidget(self.table, 1)
        layout.addLayout(list_row)
        layout.addWidget(self.buttons)
        fit_to_screen(self, 760, 640)
        self._update_count()

    def _update_count(self) -> None:
        count = self.table.rowCount()
        self.count_label.setText(tr("待录入{0}条").format(count))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            tr("录入{0}条意见").format(count) if count else tr("录入"))

    def add_row(self, clause_ref: str, body: str, quoted: str = "", proposed: str = "") -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column, value in enumerate((clause_ref, body, quoted, proposed)):
            self.table.setItem(row, column, QTableWidgetItem(value))
        self._update_count()

    def add_current(self) -> bool:
        body = self.body.toPlainText().strip()
        if not body:
            return False
        self.add_row(self.clause.ref(), body, self.quoted.text().strip(), self.proposed.toPlainText().strip())
        self.body.clear()
        self.quoted.clear()
        self.proposed.clear()
        self.body.setFocus()
        return True

    def remove_selected(self) -> None:
        for row in sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(row)
        self._update_count()

    def paste_letter(self) -> None:
        dialog = LetterSplitDialog(self.draft, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.split is None:
            return
        self.take_split(dialog.split, dialog.comments())

    def take_split(self, split, comments: list[dict]) -> None:
        """Use a split letter: its unit when it is known (to be confirmed unless exact), its comments into the list."""
        if split.unit_name_guess and self.find_units:
            found = self.find_units(split.unit_name_guess)
            if found:
                self.unit.set_unit(found[0].id)
            self.ask_unit_confirmation(split.unit_name_guess, found[0] if found else None)
        self.no_comments_letter = split.no_comments and not comments
        for item in comments:
            self.add_row(item["clause_ref"], item["body"], item.get("quoted_text", ""),
                         item.get("proposed_wording", ""))

    def ask_unit_confirmation(self, sender: str, unit: Unit | None) -> None:
        """A letter signed ``sender``: unless that is the unit's exact name (or alias), it waits for the user's word."""
        if unit is not None and sender.strip() in (unit.name, *unit.aliases):
            self.confirm_unit()
            return
        unit_name = unit.name if unit is not None else None
        self.unit_confirmed = False
        self.unit_cue.setText(tr("来函落款为“{0}”，与单位名录中的“{1}”不完全一致，请核对单位后点“确认单位”。").format(
            sender, unit_name) if unit_name else tr("来函落款为“{0}”，单位名录中没有这个单位，请选择单位。").format(sender))
        self.unit_cue.show()
        self.unit_confirm.show()
        self.unit.setProperty("missing", "true")
        self.unit.style().unpolish(self.unit)
        self.unit.style().polish(self.unit)

    def confirm_unit(self) -> None:
        self.unit_confirmed = True
        self.unit_cue.hide()
        self.unit_confirm.hide()
        self.unit.setProperty("missing", "false")
        self.unit.style().unpolish(self.unit)
        self.unit.style().polish(self.unit)

    def accept(self) -> None:
        if not self.unit_confirmed or (self.unit.unit_id() is None and (
                self.table.rowCount() or self.body.toPlainText().strip() or self.no_comments_letter)):
            if self.unit_confirmed:
                self.unit_cue.setText(tr("请选择提出意见的单位。"))
            self.unit_cue.show()
            self.unit.setFocus()
            return
        self.add_current()
        super().accept()

    def items(self) -> list[dict]:
        """The comments entered, as ``AddComments`` takes them."""
        unit_id = self.unit.unit_id()
        round_number = self.round.currentData()
        received = self.received.date().toPython()
        source = self.source.text().strip()
        result = []
        for row in range(self.table.rowCount()):
            cells = [(self.table.item(row, c).text() if self.table.item(row, c) else "").strip() for c in range(4)]
            if cells[1]:
                result.append(dict(round_number=round_number, unit_id=unit_id,
                                   clause_ref=cells[0] or UNPLACED_CLAUSE_REF, body=cells[1], quoted_text=cells[2],
                                   proposed_wording=cells[3], received_on=received, source=source))
        return result


def open_entry(window, parent, *, round_number: int | None = None, unit_id: int | None = None,
               clause_ref: str | None = None) -> CommentEntryDialog | None:
    """Open 录入意见 over ``parent`` (not blocking); what it takes goes into the project as one action."""
    from feedback.commands import AddComments, RecordReply
    from feedback.vocabulary import ReplyState

    project = window.project
    rounds = project.rounds()
    if not rounds:
        window.interaction.inform(tr("请先在“征求轮次”中建立一轮征求意见。"))
        return None
    dialog = CommentEntryDialog(rounds, project.units(), project.draft(), round_number=round_number,
                                unit_id=unit_id, clause_ref=clause_ref, find_units=project.find_units, parent=parent)

    def take() -> None:
        items = dialog.items()
        if items:
            dialog.change = window.bridge.run(AddComments(project, items))
        elif dialog.no_comments_letter and dialog.unit.unit_id() is not None:
            dialog.change = window.bridge.run(RecordReply(project, dialog.round.currentData(), dialog.unit.unit_id(),
                                          ReplyState.NO_COMMENTS, replied_on=dialog.received.date().toPython()))

    dialog.accepted.connect(take)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog
