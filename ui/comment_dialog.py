"""Dialogs for entering and correcting comments, including the paste-a-letter splitter."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QCompleter, QDateEdit, QDialog, QDialogButtonBox,
                               QFormLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPlainTextEdit,
                               QPushButton, QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from feedback.draft import Clause, Draft
from feedback.ledger import Comment, Round, Unit
from feedback.vocabulary import GENERAL_CLAUSE_REF, UNPLACED_CLAUSE_REF
from ui.style import set_role
from ui.text import tr
from ui.widgets import dialog_buttons


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
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDate(QDate(value) if value else QDate.currentDate())
    return edit


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
        self.resize(620, 520)

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
        self.letter.setPlaceholderText(tr("把单位的反馈意见函全文粘贴到这里，然后点“拆分”。"))
        split_button = QPushButton(tr("拆分"))
        split_button.clicked.connect(self.run_split)
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
        row = QHBoxLayout()
        row.addWidget(self.summary, 1)
        row.addWidget(split_button)
        top_layout.addLayout(row)
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
        self.resize(860, 640)

    def run_split(self) -> None:
        letters = letters_module()
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
                 unit_id: int | None = None, find_units=None, parent=None):
        super().__init__(parent)
        self.setWindowTitle(tr("录入意见"))
        self.draft = draft
        self.find_units = find_units
        self.no_comments_letter = False
        self.round = QComboBox()
        for rnd in rounds:
            self.round.addItem(tr(rnd.title), rnd.number)
        if round_number is not None:
            self.round.setCurrentIndex(max(0, self.round.findData(round_number)))
        else:
            self.round.setCurrentIndex(self.round.count() - 1)
        self.unit = UnitPicker(units)
        self.unit.set_unit(unit_id)
        self.received = _date_edit(None)
        self.source = QLineEdit(tr("书面反馈"))

        self.clause = ClausePicker(draft.clauses)
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

        head = QFormLayout()
        head.addRow(tr("轮次"), self.round)
        head.addRow(tr("单位"), self.unit)
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
        self.resize(760, 720)
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
        """Use a split letter: its unit when it is known, its comments into the list."""
        if split.unit_name_guess and self.find_units:
            found = self.find_units(split.unit_name_guess)
            if found:
                self.unit.set_unit(found[0].id)
        self.no_comments_letter = split.no_comments and not comments
        for item in comments:
            self.add_row(item["clause_ref"], item["body"], item.get("quoted_text", ""),
                         item.get("proposed_wording", ""))

    def accept(self) -> None:
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
