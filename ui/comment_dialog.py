"""Dialogs for entering and correcting comments, including the paste-a-letter splitter."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QCompleter, QDateEdit, QDialog, QDialogButtonBox,
                               QFormLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPlainTextEdit,
                               QPushButton, QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from feedback.draft import Clause, Draft
from feedback.ledger import Comment, Round, Unit
from feedback.vocabulary import GENERAL_CLAUSE_REF, UNPLACED_CLAUSE_REF
from ui.style import set_role
from ui.text import tr
from ui.widgets import DateBox, dialog_buttons, file_dialogs, fit_to_screen


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
        self.set_clauses(clauses)
        _searchable(self)
        self.setMinimumContentsLength(24)

    def set_clauses(self, clauses: list[Clause]) -> None:
        """The clauses of the draft to choose from (another round's draft when the round changes)."""
        self.clear()
        self.addItem(tr("总体意见（针对草案整体）"), GENERAL_CLAUSE_REF)
        self.addItem(tr("待定位（暂不确定条款）"), UNPLACED_CLAUSE_REF)
        for clause in clauses:
            indent = "　" * (clause.level - 1)
            self.addItem(f"{indent}{clause.display}", clause.ref)
            self.setItemData(self.count() - 1, clause.ref, Qt.ItemDataRole.ToolTipRole)
        self.setMaxVisibleItems(20)

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
                 unit_id: int | None = None, clause_ref: str | None = None, find_units=None, replies=None,
                 localities=(), draft_for=None, parent=None):
        """``replies`` (every round's recipients) let the round follow the unit it was sent to;
        ``draft_for(round number)`` gives the draft a round was on, so clauses are that draft's."""
        super().__init__(parent)
        self.setWindowTitle(tr("录入意见"))
        self.draft = draft
        self.find_units = find_units
        self.units = list(units)
        self.replies = list(replies or [])
        self.localities = tuple(localities)
        self.draft_for = draft_for
        self.no_comments_letter = False
        self.unit_confirmed = True
        self.change = None  # what taking the entries changed, once accepted
        self.round = QComboBox()
        for rnd in rounds:
            self.round.addItem(rnd.label, rnd.number)
        if round_number is not None:
            self.round.setCurrentIndex(max(0, self.round.findData(round_number)))
        elif len(rounds) == 1:
            self.round.setCurrentIndex(0)
        else:
            self.round.setCurrentIndex(-1)  # the round follows the unit: never the newest by default
        self.unit = UnitPicker(units)
        self.unit.set_unit(unit_id)
        if unit_id is None:  # no unit is assumed: the first of the registry is not who wrote
            self.unit.setCurrentIndex(-1)
            self.unit.lineEdit().setPlaceholderText(tr("选择或输入提出意见的单位"))
        self.cue = QLabel()  # what is still to choose (unit, round) and what reading a letter found
        set_role(self.cue, "cue")
        self.cue.setWordWrap(True)
        self.cue.hide()
        self.received = _date_edit(None)
        self.source = QLineEdit(tr("书面反馈"))

        self.clause = ClausePicker(draft.clauses)
        if clause_ref:
            self.clause.set_ref(clause_ref)
        self._asked_ref = clause_ref  # kept until the round's own draft is listed: it may be only there
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
        self.file_button = QPushButton(tr("读取来函文件…"))
        self.file_button.setToolTip(tr("Word、WPS、PDF、文本格式的来函，退回的修订稿，Word 反馈表"))
        self.file_button.clicked.connect(self.choose_file)

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
        head.addRow(self.cue)
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
        actions.addWidget(self.file_button)
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
        self.unit.currentIndexChanged.connect(self._unit_changed)
        self.round.currentIndexChanged.connect(self._round_changed)
        if unit_id is not None and round_number is None:
            self._unit_changed()
        self._round_changed()
        self._asked_ref = None
        # typing starts where the drafter begins: who wrote, or (the unit known) what they wrote
        (self.unit if unit_id is None else self.body).setFocus()

    def _unit_changed(self, *args) -> None:
        """The round the unit was sent (asked when it was sent several, or none)."""
        from feedback.matching import reply_round

        unit_id = self.unit.unit_id()
        if unit_id is None or not self.replies:
            return
        numbers = [self.round.itemData(i) for i in range(self.round.count())]
        current = self.round.currentData()
        choice = reply_round(numbers, self.replies, unit_id)
        if choice.number is not None and current not in choice.candidates:
            self.round.setCurrentIndex(self.round.findData(choice.number))
        elif choice.number is None and current not in choice.candidates:
            self.round.setCurrentIndex(-1)
        self._round_changed()

    def _round_changed(self, *args) -> None:
        from feedback.matching import reply_round

        number = self.round.currentData()
        if number is not None and self.draft_for is not None:
            draft = self.draft_for(number)
            if draft is not self.draft and [c.ref for c in draft.clauses] != [c.ref for c in self.draft.clauses]:
                chosen = self.clause.ref()
                if chosen == UNPLACED_CLAUSE_REF and self._asked_ref:
                    chosen = self._asked_ref
                self.draft = draft
                self.clause.set_clauses(draft.clauses)
                self.clause.set_ref(chosen)  # the same clause when this draft has it, else 待定位: never another
        unit_id = self.unit.unit_id()
        notes = []
        if number is None:
            notes.append(tr("请选择这份反馈属于哪一轮。"))
        elif unit_id is not None and self.replies and not reply_round([number], self.replies, unit_id, number).sent:
            notes.append(tr("注意：{0}没有征求“{1}”的意见。").format(self.round.currentText(), self.unit.currentText()))
        if self.unit.unit_id() is None:
            notes.insert(0, self._sender_note or tr("请选择提出意见的单位。"))
        notes += self.letter_notes
        self.cue.setText("\n".join(notes))
        self.cue.setVisible(bool(notes))

    _sender_note = ""
    letter_notes: list[str] = []  # what reading the letter found worth telling
    def _update_count(self) -> None:
        count = self.table.rowCount()
        self.count_label.setText(tr("待录入{0}条").format(count))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            tr("录入{0}条意见").format(count) if count else tr("录入"))

    def add_row(self, clause_ref: str, body: str, quoted: str = "", proposed: str = "", note: str = "") -> None:
        """One comment into the list; ``note`` (where in the clause, who wrote it) goes with its source."""
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column, value in enumerate((clause_ref, body, quoted, proposed)):
            self.table.setItem(row, column, QTableWidgetItem(value))
        if note:
            self.table.item(row, 1).setData(Qt.ItemDataRole.UserRole, note)
            self.table.item(row, 1).setToolTip(note)
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

    def choose_file(self) -> None:

        path, _ = file_dialogs.getOpenFileName(self, tr("选择来函文件"), "", tr(
            "来函 (*.docx *.doc *.wps *.pdf *.txt);;所有文件 (*)"))
        if path:
            self.read_file(path)

    def read_file(self, path) -> bool:
        """A reply file read against this round's draft into the list (its unit, date and comments)."""
        from exports.draft_files import DraftFileError
        from exports.reply_files import read_reply

        try:
            reply = read_reply(path, self.draft)
        except DraftFileError as error:
            self.letter_notes = [str(error)]
            self._round_changed()
            return False
        self.source.setText(f"{reply.kind}“{reply.file}”")
        self.take_split(reply.letter, reply_rows(reply.letter))
        self.letter_notes = list(reply.letter.warnings)
        self._round_changed()
        return True

    def paste_letter(self) -> None:
        dialog = LetterSplitDialog(self.draft, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.split is None:
            return
        self.take_split(dialog.split, dialog.comments())

    def take_split(self, split, comments: list[dict]) -> None:
        """Use a split letter: its unit when the registry says so for certain, its date, its comments.

        A sender matching no unit (or only loosely) leaves the unit box empty with a cue: the
        drafter chooses; the unit already in the box is not kept silently. A sender that is not
        exactly a unit's name or alias waits for the drafter's confirmation.
        """
        from feedback.matching import UnitIndex

        guess = split.unit_name_guess
        if guess:
            match = UnitIndex(self.units, self.localities).match(guess)
            if match.status in ("exact", "alias", "equivalent", "place"):
                self._sender_note = ""
                self.unit.set_unit(match.unit_id)
                self.ask_unit_confirmation(guess, next(u for u in self.units if u.id == match.unit_id))
            else:
                self.unit.setCurrentIndex(-1)
                self.unit.setEditText("")
                names = [u.name for u in self.units if u.id in {i for i, _ in match.candidates}]
                self._sender_note = (tr("来函单位“{0}”可能是：{1}，请选择单位。").format(guess, "、".join(names[:5]))
                                     if names else tr("来函单位“{0}”不在单位名单中，请选择单位。").format(guess))
        if getattr(split, "dated", None):
            self.received.setDate(QDate(split.dated))
        self._unit_changed()
        self._round_changed()
        self.no_comments_letter = split.no_comments and not comments
        for item in comments:
            self.add_row(item["clause_ref"], item["body"], item.get("quoted_text", ""),
                         item.get("proposed_wording", ""), item.get("note", ""))

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
        typed = self.table.rowCount() or self.body.toPlainText().strip() or self.no_comments_letter
        if typed and (self.unit.unit_id() is None or self.round.currentData() is None):
            self._round_changed()  # the cue lists what is still to choose
            missing = tr("单位") if self.unit.unit_id() is None else tr("轮次")
            self.cue.setText(tr("请先选择{0}。").format(missing) + ("\n" + self.cue.text() if self.cue.text() else ""))
            self.cue.show()
            (self.unit if self.unit.unit_id() is None else self.round).setFocus()
            return  # nothing is filed under a unit or round nobody chose, and nothing typed is lost
        if not self.unit_confirmed:  # a sender read from a letter, not yet confirmed
            self.unit_cue.show()
            self.unit.setFocus()
            return
        self.add_current()
        super().accept()

    # asks before typed comments are thrown away (``Interaction.choose``); None: closed without asking
    ask = None

    def reject(self) -> None:
        """取消, Esc or the title bar's close: comments typed or read but not yet taken are not lost unasked."""
        waiting = self.table.rowCount() + (1 if self.body.toPlainText().strip() else 0)
        if waiting and self.ask is not None:
            discard = tr("放弃这些意见")
            if self.ask(tr("还有{0}条意见没有录入，关闭后将不再保留。").format(waiting),
                           [discard, tr("取消")]) != discard:
                return
        super().reject()

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
                note = self.table.item(row, 1).data(Qt.ItemDataRole.UserRole)
                result.append(dict(round_number=round_number, unit_id=unit_id,
                                   clause_ref=cells[0] or UNPLACED_CLAUSE_REF, body=cells[1], quoted_text=cells[2],
                                   proposed_wording=cells[3], received_on=received,
                                   source=f"{source}（{note}）" if note else source))
        return result


# -- one unit's reply, typed, pasted or from a file, into the ledger through the undoable commands ------


def entry_dialog(project, *, round_number: int | None = None, unit_id: int | None = None,
                 clause_ref: str | None = None, parent=None) -> CommentEntryDialog:
    """The entry dialog on ``project``: the round follows the unit, clauses are the round's draft."""
    draft = project.rounds.draft_for(round_number) if round_number is not None else project.draft()
    return CommentEntryDialog(project.rounds(), project.units(), draft, round_number=round_number, unit_id=unit_id,
                              clause_ref=clause_ref, find_units=project.find_units, replies=project.replies(),
                              localities=project.localities(), draft_for=project.rounds.draft_for, parent=parent)


def file_entry(window, dialog: CommentEntryDialog) -> None:
    """Log what an accepted entry dialog holds as one action: its comments (``AddComments``) or a 无意见
    (``RecordReply``); ``dialog.change`` tells what changed."""
    from feedback.commands import AddComments, RecordReply
    from feedback.vocabulary import ReplyState

    items = dialog.items()
    if items:
        dialog.change = window.bridge.run(AddComments(window.project, items))
    elif dialog.no_comments_letter and dialog.unit.unit_id() is not None:
        dialog.change = window.bridge.run(RecordReply(window.project, dialog.round.currentData(), dialog.unit.unit_id(),
                                                      ReplyState.NO_COMMENTS,
                                                      replied_on=dialog.received.date().toPython()))


def reply_rows(letter) -> list[dict]:
    """The comments of a read reply as rows of the entry dialog, note and author kept."""
    return [dict(clause_ref=c.clause_ref, body=c.text, quoted_text=c.quoted_text, proposed_wording=c.proposed_wording,
                 note="，".join(x for x in (c.note, f"作者：{c.author}" if c.author else "") if x))
            for c in letter.comments]


def reply_dialog(window, path) -> CommentEntryDialog | None:
    """The entry dialog filled from a reply file (letter, returned draft, Word form) for the drafter to check.

    The file is read against the draft of the round its unit was sent, when unit and round
    are certain; a file that cannot be read is told in one sentence and gives None.
    """
    from pathlib import Path

    from exports.draft_files import DraftFileError
    from exports.reply_files import read_reply
    from feedback.matching import ACCEPTED, UnitIndex, reply_round, unit_from_authors, unit_from_file_name

    project = window.project
    try:
        reply = read_reply(path, project.draft())
        unit_id = round_number = None
        guess = reply.letter.unit_name_guess
        index = UnitIndex(project.units(), project.localities())
        if guess:
            match = index.match(guess)
            if match.status in ACCEPTED:
                unit_id = match.unit_id
        elif reply.letter.authors:  # a returned draft: Word's user name is often the unit's
            unit_id = unit_from_authors(index, reply.letter.authors)[0]
        if unit_id is None and not guess:  # 绿化办法（市财政局修改意见）.docx
            unit_id = unit_from_file_name(index, Path(path).stem)
        if unit_id is not None:
            rounds = project.rounds()  # a round sent after the letter's date is not the one it answers
            round_number = reply_round([r.number for r in rounds], project.replies(), unit_id,
                                       dated=reply.letter.dated, sent_on={r.number: r.sent_on for r in rounds}).number
        versions = {r.number: r.version_number for r in project.rounds()}
        if round_number is not None and versions[round_number] != project.versions()[-1].number:
            reply = read_reply(path, project.draft(versions[round_number]))
    except DraftFileError as error:
        window.interaction.inform(str(error))
        return None
    dialog = entry_dialog(project, round_number=round_number, unit_id=unit_id, parent=window)
    dialog.ask = window.interaction.choose
    dialog.source.setText(f"{reply.kind}“{reply.file}”")
    dialog.take_split(reply.letter, reply_rows(reply.letter))
    dialog.letter_notes = list(reply.letter.warnings)
    dialog._round_changed()
    return dialog


def import_comment_table(window, path, mapping: dict[str, str], round_number: int | None) -> bool:
    """An existing comment table (with 单位, 是否采纳, 采纳理由 columns) into the ledger through ``AddComments``.

    Ambiguous units and disposition wordings are asked; anything unreadable is told in one sentence.
    """
    from exports.draft_files import DraftFileError
    from exports.public_comments import read_comment_table
    from exports.xlsx_safety import SheetFileError
    from feedback.commands import AddComments
    from feedback.ledger import LedgerError

    if round_number is None:
        window.interaction.inform(tr("请选择这张意见表记入哪一轮征求意见。"))
        return False
    try:
        intake = read_comment_table(window.project, path, mapping, round_number=round_number,
                                    choose=window.interaction.choose)
    except (LedgerError, SheetFileError, DraftFileError) as error:
        window.interaction.inform(str(error))
        return False
    if window.bridge.run(AddComments(window.project, intake.items)) is None:
        return False
    decided = sum(1 for item in intake.items if item["disposition"].value != "pending")
    text = tr("“{0}”：已导入{1}条意见，其中{2}条带有原表的处理结果，记入第{3}轮。").format(
        intake.file, len(intake.items), decided, round_number)
    window.interaction.inform("\n".join([text, *intake.notes]))
    return True


def open_entry(window, parent, *, round_number: int | None = None, unit_id: int | None = None,
               clause_ref: str | None = None) -> CommentEntryDialog | None:
    """Open 录入意见 over ``parent`` (not blocking); what it takes goes into the project as one action."""
    if not window.project.rounds():
        window.interaction.inform(tr("请先在“征求轮次”中建立一轮征求意见。"))
        return None
    dialog = entry_dialog(window.project, round_number=round_number, unit_id=unit_id, clause_ref=clause_ref,
                          parent=parent)
    dialog.ask = window.interaction.choose
    dialog.accepted.connect(lambda: file_entry(window, dialog))
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog
