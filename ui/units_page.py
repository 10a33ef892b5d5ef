"""Units and rounds: the registry of consulted units, the rounds, and who has replied."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QFormLayout,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPushButton, QSplitter, QTableWidget, QTableWidgetItem, QTabWidget,
                               QVBoxLayout, QWidget)

from feedback.commands import AddCategory, AddRound, AddUnits, EditRound, RecordReply, RemoveUnit, UpdateUnit
from feedback.ledger import Change, Round, Unit
from feedback.vocabulary import ReplyState, RoundMethod
from ui.style import REPLY_COLOURS, REPLY_SHORT, set_role
from ui.text import tr
from ui.widgets import DateBox, dialog_buttons, fit_to_screen, list_table

_ID_ROLE = Qt.ItemDataRole.UserRole + 1


def _item(text: str, data=None, *, align_right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled)
    if data is not None:
        item.setData(_ID_ROLE, data)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _table(headers: list[str]) -> QTableWidget:
    table = list_table(headers)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 12)
    return table


class UnitDialog(QDialog):
    """Add or edit one unit of the registry."""

    def __init__(self, categories: list[str], unit: Unit | None = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle(tr("修改单位") if unit else tr("添加单位"))
        self.name = QLineEdit(unit.name if unit else "")
        self.category = QComboBox()
        self.category.addItems(categories)
        if unit:
            self.category.setCurrentText(unit.category)
        self.aliases = QLineEdit("、".join(unit.aliases) if unit else "")
        self.aliases.setPlaceholderText(tr("其他写法，用顿号分隔，例如：市公安局、汉中市公安局"))
        self.contact = QLineEdit(unit.contact_person if unit else "")
        self.phone = QLineEdit(unit.phone if unit else "")
        self.note = QLineEdit(unit.note if unit else "")
        form = QFormLayout()
        form.addRow(tr("单位名称"), self.name)
        form.addRow(tr("类别"), self.category)
        form.addRow(tr("别名"), self.aliases)
        form.addRow(tr("联系人"), self.contact)
        form.addRow(tr("电话"), self.phone)
        form.addRow(tr("备注"), self.note)
        buttons = dialog_buttons(self, tr("保存"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(460, 0)

    def values(self) -> dict:
        aliases = [a.strip() for a in self.aliases.text().replace(",", "、").replace("，", "、").split("、")]
        return dict(name=self.name.text().strip(), category=self.category.currentText(),
                    aliases=[a for a in aliases if a], contact_person=self.contact.text().strip(),
                    phone=self.phone.text().strip(), note=self.note.text().strip())


class RoundDialog(QDialog):
    """A new round: how, when, by when, and to whom (the registry plus the units the draft names)."""

    def __init__(self, units: list[Unit], proposed: list[tuple[str, str]], parent=None, *,
                 current: Round | None = None, recipients: set[int] | None = None):
        """A new round; with ``current``, that round to correct (its recipients checked)."""
        super().__init__(parent)
        self.setWindowTitle(tr("修改第{0}轮").format(current.number) if current else tr("新建一轮征求意见"))
        self.method = QComboBox()
        for method in RoundMethod:
            self.method.addItem(method.label, method)
        self.sent = DateBox()
        self.deadline = DateBox(QDate.currentDate().addDays(10).toPython())
        self.note = QLineEdit()
        self.recipients = QListWidget()
        for unit in units:
            item = QListWidgetItem(f"{unit.name}　〔{unit.category}〕")
            item.setData(_ID_ROLE, ("unit", unit.id))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = recipients is None or unit.id in recipients
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.recipients.addItem(item)
        for name, category in proposed:
            item = QListWidgetItem(tr("{0}　〔{1}，草案中提到，将登记〕").format(name, category))
            item.setData(_ID_ROLE, ("new", (name, category)))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.recipients.addItem(item)
        all_button = QPushButton(tr("全选"))
        all_button.clicked.connect(lambda: self._check_all(True))
        none_button = QPushButton(tr("全不选"))
        none_button.clicked.connect(lambda: self._check_all(False))
        form = QFormLayout()
        form.addRow(tr("方式"), self.method)
        form.addRow(tr("发出日期"), self.sent)
        form.addRow(tr("反馈截止"), self.deadline)
        form.addRow(tr("备注"), self.note)
        row = QHBoxLayout()
        row.addWidget(QLabel(tr("发送单位")), 1)
        row.addWidget(all_button)
        row.addWidget(none_button)
        if current is not None:
            self.method.setCurrentIndex(max(0, self.method.findData(current.method)))
            for edit, day in ((self.sent, current.sent_on), (self.deadline, current.deadline)):
                if day is not None:
                    edit.setDate(QDate(day.year, day.month, day.day))
            self.note.setText(current.note)
        buttons = dialog_buttons(self, tr("保存") if current else tr("建立"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.recipients, 1)
        layout.addWidget(buttons)
        fit_to_screen(self, 520, 600)

    def _check_all(self, checked: bool) -> None:
        for i in range(self.recipients.count()):
            self.recipients.item(i).setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def chosen(self) -> tuple[list[int], list[tuple[str, str]]]:
        """(ids of registered units, (name, category) of units to register) that are checked."""
        ids, new = [], []
        for i in range(self.recipients.count()):
            item = self.recipients.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                kind, value = item.data(_ID_ROLE)
                (ids if kind == "unit" else new).append(value)
        return ids, new


class UnitsPage(QWidget):
    """The registry, the rounds and the reply matrix."""

    status = Signal(str)

    def __init__(self, window, parent=None):
        super().__init__(parent)
        self.window = window
        self.project = None
        self.today = date.today()

        # -- registry ---------------------------------------------------------------------
        self.units_table = _table([tr("单位名称"), tr("类别"), tr("别名"), tr("联系人"), tr("电话"), tr("备注")])
        self.units_table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        for column, width in enumerate((220, 90, 220, 90, 120)):
            self.units_table.setColumnWidth(column, width)
        self.units_table.doubleClicked.connect(lambda: self.edit_unit())
        self.registry_buttons = []
        registry_bar = QHBoxLayout()
        for text, slot in ((tr("添加单位…"), self.add_unit), (tr("修改…"), self.edit_unit),
                           (tr("删除"), self.remove_unit), (tr("添加类别…"), self.add_category),
                           (tr("登记草案中提到的单位"), self.register_named_units)):
            button = QPushButton(text)
            button.clicked.connect(lambda checked=False, s=slot: s())
            registry_bar.addWidget(button)
            self.registry_buttons.append(button)
        registry_bar.addStretch(1)
        self.units_count = QLabel()
        set_role(self.units_count, "muted")
        registry_bar.addWidget(self.units_count)
        registry = QWidget()
        layout = QVBoxLayout(registry)
        layout.addLayout(registry_bar)
        layout.addWidget(self.units_table)

        # -- rounds ----------------------------------------------------------------------------
        self.rounds_table = _table([tr("轮次"), tr("方式"), tr("草案"), tr("发出日期"), tr("反馈截止"),
                                    tr("发送单位"), tr("备注")])
        self.rounds_table.horizontalHeader().setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        for column, width in enumerate((70, 110, 80, 110, 110, 90)):
            self.rounds_table.setColumnWidth(column, width)
        add_round = QPushButton(tr("新建一轮…"))
        add_round.clicked.connect(self.add_round)
        edit_round = QPushButton(tr("修改所选一轮…"))
        edit_round.setToolTip(tr("更正方式、发出日期、反馈截止日期、备注或发送单位（截止日期决定逾期的统计）"))
        edit_round.clicked.connect(lambda: self.edit_round())
        self.rounds_table.doubleClicked.connect(lambda: self.edit_round())
        self.round_buttons = [add_round, edit_round]
        rounds_bar = QHBoxLayout()
        rounds_bar.addWidget(add_round)
        rounds_bar.addWidget(edit_round)
        rounds_bar.addStretch(1)
        rounds = QWidget()
        layout = QVBoxLayout(rounds)
        layout.addLayout(rounds_bar)
        layout.addWidget(self.rounds_table)

        # -- replies -----------------------------------------------------------------------------
        self.matrix = _table([])
        self.matrix.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.matrix.doubleClicked.connect(lambda: self.enter_comments())
        self.summary_round = QComboBox()
        self.summary_round.currentIndexChanged.connect(self.refresh_summary)
        self.summary = _table([])
        self.summary.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.reply_buttons = []
        reply_bar = QHBoxLayout()
        for text, slot in ((tr("记为无意见"), lambda: self.record_reply(ReplyState.NO_COMMENTS)),
                           (tr("记为未反馈"), lambda: self.record_reply(ReplyState.NONE)),
                           (tr("录入意见…"), self.enter_comments)):
            button = QPushButton(text)
            button.clicked.connect(lambda checked=False, s=slot: s())
            reply_bar.addWidget(button)
            self.reply_buttons.append(button)
        reply_bar.addStretch(1)
        hint = QLabel(tr("选择单位在某一轮的格子，再点按钮；双击格子录入意见。"))
        set_role(hint, "muted")
        reply_bar.addWidget(hint)
        summary_box = QWidget()
        layout = QVBoxLayout(summary_box)
        layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        title = QLabel(tr("按类别统计"))
        set_role(title, "heading")
        head.addWidget(title)
        head.addWidget(self.summary_round)
        head.addStretch(1)
        layout.addLayout(head)
        layout.addWidget(self.summary)
        replies = QWidget()
        layout = QVBoxLayout(replies)
        layout.addLayout(reply_bar)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.matrix)
        split.addWidget(summary_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout.addWidget(split)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(replies, tr("反馈情况"))
        self.tabs.addTab(registry, tr("单位名单"))
        self.tabs.addTab(rounds, tr("征求轮次"))
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        outer.addWidget(self.tabs)

    # -- filling ----------------------------------------------------------------------------------

    def set_project(self, project) -> None:
        self.project = project
        read_only = bool(project and project.read_only)
        for button in self.registry_buttons + self.round_buttons + self.reply_buttons:
            button.setEnabled(not read_only)
        self.refresh()

    def refresh(self) -> None:
        if self.project is None:
            return
        self.today = date.today()
        self.refresh_units()
        self.refresh_rounds()
        self.refresh_matrix()

    def refresh_units(self) -> None:
        units = self.project.units()
        table = self.units_table
        table.setRowCount(len(units))
        for row, unit in enumerate(units):
            for column, text in enumerate((unit.name, unit.category, "、".join(unit.aliases), unit.contact_person,
                                           unit.phone, unit.note)):
                table.setItem(row, column, _item(text, unit.id))
        counts = {}
        for unit in units:
            counts[unit.category] = counts.get(unit.category, 0) + 1
        self.units_count.setText(tr("共{0}个单位：{1}").format(
            len(units), "，".join(f"{k}{v}个" for k, v in counts.items())))

    def refresh_rounds(self) -> None:
        rounds = self.project.rounds()
        recipients = {}
        for reply in self.project.replies(today=self.today):
            recipients[reply.round_number] = recipients.get(reply.round_number, 0) + 1
        table = self.rounds_table
        table.setRowCount(len(rounds))
        for row, rnd in enumerate(rounds):
            values = (tr("第{0}轮").format(rnd.number), rnd.method.label, tr("第{0}稿").format(rnd.version_number),
                      rnd.sent_on.isoformat() if rnd.sent_on else "—",
                      rnd.deadline.isoformat() if rnd.deadline else "—",
                      str(recipients.get(rnd.number, 0)), rnd.note)
            for column, text in enumerate(values):
                table.setItem(row, column, _item(text, rnd.number))
        self.summary_round.blockSignals(True)
        chosen = self.summary_round.currentData()
        self.summary_round.clear()
        self.summary_round.addItem(tr("全部轮次"), None)
        for rnd in rounds:
            self.summary_round.addItem(rnd.label, rnd.number)
        self.summary_round.setCurrentIndex(max(0, self.summary_round.findData(chosen)))
        self.summary_round.blockSignals(False)

    def refresh_matrix(self) -> None:
        """Unit × round: the reply state of each unit in each round it was sent."""
        project = self.project
        units = project.units()
        rounds = project.rounds()
        replies = {(r.round_number, r.unit_id): r for r in project.replies(today=self.today)}
        by_unit = project.statistics(today=self.today).by_unit
        table = self.matrix
        selected = (table.currentRow(), table.currentColumn())
        table.clear()
        headers = [tr("单位"), tr("类别"), tr("意见数")] + [rnd.label for rnd in rounds]
        table.setColumnCount(len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.setRowCount(len(units))
        bold = QFont(self.font())
        bold.setBold(True)
        for row, unit in enumerate(units):
            table.setItem(row, 0, _item(unit.name, unit.id))
            table.setItem(row, 1, _item(unit.category, unit.id))
            count = by_unit.get(unit.name, 0)
            table.setItem(row, 2, _item(str(count) if count else "", unit.id, align_right=True))
            for column, rnd in enumerate(rounds, start=3):
                reply = replies.get((rnd.number, unit.id))
                if reply is None:
                    cell = _item(tr("未发送"), (rnd.number, unit.id))
                    cell.setForeground(QBrush(Qt.GlobalColor.lightGray))
                else:
                    text = tr(REPLY_SHORT[reply.state])
                    if reply.replied_on and reply.state is ReplyState.NO_COMMENTS:
                        text += f"（{reply.replied_on.month}月{reply.replied_on.day}日）"
                    cell = _item(text, (rnd.number, unit.id))
                    cell.setForeground(QBrush(REPLY_COLOURS[reply.state]))
                    if reply.state is ReplyState.WITH_COMMENTS:
                        cell.setFont(bold)
                    cell.setToolTip(reply.state.label)
                table.setItem(row, column, cell)
        table.setColumnWidth(0, 230)
        table.setColumnWidth(1, 90)
        table.setColumnWidth(2, 70)
        for column in range(3, table.columnCount()):
            table.setColumnWidth(column, 150)
        table.horizontalHeader().setStretchLastSection(True)
        if rounds and 0 <= selected[0] < table.rowCount():
            table.setCurrentCell(selected[0], max(selected[1], 3))
        self.refresh_summary()

    def refresh_summary(self, *args) -> None:
        if self.project is None:
            return
        stats = self.project.statistics(self.summary_round.currentData(), today=self.today)
        states = [ReplyState.WITH_COMMENTS, ReplyState.NO_COMMENTS, ReplyState.OVERDUE, ReplyState.NONE]
        table = self.summary
        table.clear()
        headers = [tr("类别"), tr("征求单位")] + [s.label for s in states] + [tr("意见数")]
        table.setColumnCount(len(headers))
        table.setHorizontalHeaderLabels(headers)
        categories = list(stats.units_consulted)
        table.setRowCount(len(categories) + 1)
        for row, category in enumerate(categories + [tr("合计")]):
            if row < len(categories):
                counts = stats.reply_by_category.get(category, {})
                values = [stats.units_consulted.get(category, 0)] + [counts.get(s.label, 0) for s in states] + \
                    [stats.by_category.get(category, 0)]
            else:
                values = [sum(stats.units_consulted.values()), stats.replied_with_comments,
                          stats.replied_no_comments, stats.overdue, stats.not_replied, stats.comments_total]
            cells = [_item(category)] + [_item(str(value), align_right=True) for value in values]
            for column, cell in enumerate(cells):
                if row == len(categories):
                    font = cell.font()
                    font.setBold(True)
                    cell.setFont(font)
                table.setItem(row, column, cell)
        table.setColumnWidth(0, 120)
        for column in range(1, table.columnCount()):
            table.setColumnWidth(column, 130)
        table.horizontalHeader().setStretchLastSection(False)
        height = table.horizontalHeader().sizeHint().height() + table.verticalHeader().length() + 4
        table.setFixedHeight(height)

    def apply_change(self, change) -> None:
        if self.project is None:
            return
        if change.what in ("units", "categories"):
            self.refresh()
        elif change.what == "rounds":
            self.refresh_rounds()
            self.refresh_matrix()
        elif change.what in ("replies", "comments"):
            self.refresh_matrix()

    # -- registry actions --------------------------------------------------------------------------

    def _run(self, command) -> bool:
        """A registry edit as an undoable command on the window's one undo stack."""
        return self.window.bridge.run(command) is not None

    def _selected_unit(self) -> Unit | None:
        row = self.units_table.currentRow()
        if row < 0:
            return None
        return self.project.unit(self.units_table.item(row, 0).data(_ID_ROLE))

    def add_unit(self) -> None:
        dialog = UnitDialog(self.project.categories(), parent=self)
        if dialog.exec():
            values = dialog.values()
            self._run(AddUnits(self.project, [values]))

    def edit_unit(self) -> None:
        unit = self._selected_unit()
        if unit is None or self.project.read_only:
            return
        dialog = UnitDialog(self.project.categories(), unit, parent=self)
        if dialog.exec():
            self._run(UpdateUnit(self.project, unit.id, **dialog.values()))

    def remove_unit(self) -> None:
        unit = self._selected_unit()
        if unit is None:
            return
        self._run(RemoveUnit(self.project, unit.id))

    def add_category(self) -> None:
        name = self.window.interaction.ask_text(tr("新的单位类别名称（例如：高校、行业协会）："))
        if name:
            self._run(AddCategory(self.project, name))

    def _unregistered_named_units(self) -> list[tuple[str, str]]:
        return [(name, category) for name, category in self.project.units.propose_recipients()
                if not self.project.find_units(name)]

    def register_named_units(self) -> None:
        missing = self._unregistered_named_units()
        if not missing:
            self.window.interaction.inform(tr("草案中提到的单位都已在名单中。"))
            return
        names = "、".join(name for name, _ in missing)
        if self.window.interaction.confirm(
                tr("草案中提到的以下{0}个单位尚未登记，按推测的类别登记吗？\n{1}").format(len(missing), names)):
            self._run(AddUnits(self.project, [dict(name=n, category=c) for n, c in missing],
                               tr("登记草案中提到的{0}个单位").format(len(missing))))

    # -- rounds and replies ----------------------------------------------------------------------------

    def add_round(self) -> None:
        dialog = RoundDialog(self.project.units(), self._unregistered_named_units(), self)
        if not dialog.exec():
            return
        ids, new = dialog.chosen()
        method = dialog.method.currentData()
        sent, deadline = dialog.sent.date().toPython(), dialog.deadline.date().toPython()
        note = dialog.note.text().strip()
        if self._run(AddRound(self.project, recipients=ids, new_units=new, method=method, sent_on=sent,
                              deadline=deadline, note=note)) and new:
            self.window.announce(Change("units", (), tr("已登记{0}个单位").format(len(new))))

    def edit_round(self, number: int | None = None) -> RoundDialog | None:
        """Correct the chosen round (dates, method, note, recipients) in the round dialog; undoable."""
        if number is None:
            item = self.rounds_table.item(self.rounds_table.currentRow(), 0)
            number = item.data(_ID_ROLE) if item is not None else None
        current = next((r for r in self.project.rounds() if r.number == number), None) if self.project else None
        if current is None or self.project.read_only:
            return None
        recipients = {r.unit_id for r in self.project.replies(number)}
        dialog = RoundDialog(self.project.units(), [], self, current=current, recipients=recipients)
        dialog.accepted.connect(lambda: self._run(EditRound(
            self.project, number, recipients=dialog.chosen()[0], method=dialog.method.currentData(),
            sent_on=dialog.sent.date().toPython(), deadline=dialog.deadline.date().toPython(),
            note=dialog.note.text().strip())))
        self.round_dialog = dialog
        dialog.open()
        return dialog

    def selected_cell(self) -> tuple[int, int] | None:
        """(round number, unit id) of the chosen matrix cell (the last round when a unit column is chosen)."""
        row, column = self.matrix.currentRow(), self.matrix.currentColumn()
        rounds = self.project.rounds() if self.project else []
        if row < 0 or not rounds:
            return None
        if column < 3:
            column = 2 + len(rounds)
        data = self.matrix.item(row, column).data(_ID_ROLE)
        return data if isinstance(data, tuple) else None

    def select_cell(self, round_number: int, unit_id: int) -> None:
        for row in range(self.matrix.rowCount()):
            if self.matrix.item(row, 0).data(_ID_ROLE) == unit_id:
                for column in range(3, self.matrix.columnCount()):
                    if self.matrix.item(row, column).data(_ID_ROLE) == (round_number, unit_id):
                        self.matrix.setCurrentCell(row, column)
                        return

    def record_reply(self, state: ReplyState) -> None:
        cell = self.selected_cell()
        if cell is None or self.project.read_only:
            return
        round_number, unit_id = cell
        replied_on = self.today if state is ReplyState.NO_COMMENTS else None
        self.window.bridge.run(RecordReply(self.project, round_number, unit_id, state, replied_on=replied_on))

    def enter_comments(self):
        """录入意见 for the selected unit and round of the matrix."""
        from ui.comment_dialog import open_entry

        if self.project is None or self.project.read_only:
            return None
        cell = self.selected_cell()
        round_number, unit_id = cell if cell else (None, None)
        return open_entry(self.window, self, round_number=round_number, unit_id=unit_id)
