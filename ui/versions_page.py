"""The versions page: the drafts of the plan, a revision imported and compared clause by clause, what to check.

Top, the versions (number, date formed, note, source file), with 导入修订稿… and
导出对照表…; the dates and notes are edited in place and feed the 起草过程. Middle,
two versions compared: each change (修改, 新增, 删除, 拆分, 合并, 序号调整) with the
old and new text, deletions struck through in red and insertions underlined in
green, and the adopted comments behind it; uncertain matches are confirmed or
corrected here or in the dialog shown after an import. Bottom, the flags:
采纳但未修改 and 修改无对应意见. Every edit is an undoable command
(``feedback.version_commands``) on the window's one undo stack.
"""
from __future__ import annotations

import html
import re
from collections import Counter
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QHBoxLayout, QLabel,
                               QPushButton, QSplitter, QTableWidget, QTableWidgetItem, QTextBrowser, QVBoxLayout,
                               QWidget)

from feedback.errors import UserError
from feedback.explanation_text import chinese_date
from feedback.ledger import Change
from feedback.revision import (ChangeGroup, Relation, clause_body, comparison_key,
                               describe_change, group_similarity, new_pieces, old_pieces)
from feedback.version_commands import (ConfirmAllMatches, ConfirmMatch, EditVersionNote, SetChangeNote, SetMatch,
                                       SetVersionDate)
from ui.style import ERROR, MUTED, WARNING, set_role
from ui.text import tr
from ui.widgets import file_dialogs, fit_to_screen, list_table

_DATA = Qt.ItemDataRole.UserRole + 1
_DELETED_STYLE = "color:#c62828; background:#fdecea; text-decoration: line-through;"
_INSERTED_STYLE = "color:#2e7d32; background:#e8f5e9; text-decoration: underline;"
_RELATION_COLOURS = {Relation.MODIFIED: "#1f5fa8", Relation.INSERTED: "#2e7d32", Relation.DELETED: "#c62828",
                     Relation.SPLIT: "#6a1b9a", Relation.MERGED: "#6a1b9a", Relation.RENUMBERED: "#6b7280",
                     Relation.SAME: "#9ca3af"}
_DATE_RE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
_CANDIDATES = 30  # clauses offered when a match is corrected, the most similar first


def parse_day(text: str) -> date | None:
    """A date typed into the versions list: ``2023-04-20``, ``2023/4/20`` or ``2023年4月20日``.

    >>> parse_day('2023年4月20日'), parse_day(' 2023-4-2 ')
    (datetime.date(2023, 4, 20), datetime.date(2023, 4, 2))
    >>> parse_day('四月') is None and parse_day('2023-02-30') is None
    True
    """
    found = _DATE_RE.match(text)
    if not found:
        return None
    try:
        return date(*(int(g) for g in found.groups()))
    except ValueError:
        return None


def _marked(pieces, style: str) -> str:
    parts = []
    for text, marked in pieces:
        text = html.escape(text).replace("\n", "<br>")
        parts.append(f'<span style="{style}">{text}</span>' if marked else text)
    return "".join(parts)


def diff_html(runs) -> tuple[str, str]:
    """The old and the new text as HTML: deletions struck through in red, insertions underlined in green.

    >>> from feedback.revision import char_diff
    >>> old, new = diff_html(char_diff('每年划拨专门资金', '统筹安排资金'))
    >>> 'line-through' in old and '每年划拨专门' in old, 'underline' in new and '统筹安排' in new
    (True, True)
    """
    return _marked(old_pieces(runs), _DELETED_STYLE), _marked(new_pieces(runs), _INSERTED_STYLE)


def _folded(change) -> bool:
    """A confirmed change of a 第一款 alone, without a note: the article's row shows it."""
    return change.relation.changed and change.restates_article and change.group.confirmed and not change.note


def similarity_text(change) -> str:
    """The text similarity (0–100) of a change's old and new clauses, where it says something."""
    if change.relation not in (Relation.MODIFIED, Relation.SPLIT, Relation.MERGED):
        return ""
    return f"{group_similarity(change.old_clauses, change.new_clauses):.0f}"


def _item(text: str, data=None, *, tip: str = "", colour: QColor | None = None, editable: bool = False,
          centred: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setData(_DATA, data)
    flags = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
    if editable:
        flags |= Qt.ItemFlag.ItemIsEditable
    item.setFlags(flags)
    if tip:
        item.setToolTip(tip)
    if colour is not None:
        item.setForeground(QBrush(colour))
    if centred:
        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
    return item


def _table(headers: list[str]) -> QTableWidget:
    table = list_table(headers)
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    set_role(label, "heading")
    return label


class MatchReviewDialog(QDialog):
    """The matches of a new version awaiting confirmation: accept, choose another clause, or new/deleted.

    Each button runs the page's command for the selected change; the list follows
    what is still unconfirmed. It does not block: the window stays usable.
    """

    def __init__(self, page: "VersionsPage", from_version: int, to_version: int):
        super().__init__(page)
        self.page, self.from_version, self.to_version = page, from_version, to_version
        self.setWindowTitle(tr("确认条款对应关系（第{0}稿→第{1}稿）").format(from_version, to_version))
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.table = _table([tr("原条款"), tr("修改后条款"), tr("判断"), tr("相似度")])
        for column, width in enumerate((150, 150, 80)):
            self.table.setColumnWidth(column, width)
        self.table.currentCellChanged.connect(lambda *args: self._show_selected())
        self.preview = QTextBrowser()
        self.preview.setOpenLinks(False)
        self.accept_button = QPushButton(tr("接受"))
        self.other_button = QPushButton(tr("改为其他条款…"))
        self.unmatched_button = QPushButton(tr("标为新增/删除"))
        self.all_button = QPushButton(tr("全部接受"))
        close = QPushButton(tr("关闭"))
        self.accept_button.clicked.connect(lambda: self._act(self.page.confirm_change))
        self.other_button.clicked.connect(lambda: self._act(self.page.correct_change))
        self.unmatched_button.clicked.connect(lambda: self._act(self.page.unmatch_change))
        self.all_button.clicked.connect(self._accept_all)
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        for button in (self.accept_button, self.other_button, self.unmatched_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.all_button)
        buttons.addWidget(close)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.preview)
        split.setSizes([200, 260])
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        fit_to_screen(self, 820, 600)
        self.groups: list[ChangeGroup] = []
        self.reload()

    def reload(self) -> None:
        """The changes still awaiting confirmation, the selection kept where it can be."""
        keep = self.current_key()
        self.groups = [c.group for c in self.page.changes_of(self.from_version, self.to_version)
                       if not c.group.confirmed]
        self.table.setRowCount(len(self.groups))
        for row, group in enumerate(self.groups):
            score = similarity_text(self.page.change_by_key(self.from_version, self.to_version, group.key))
            self.table.setItem(row, 0, _item("、".join(group.from_refs) or tr("（无）"), group.key))
            self.table.setItem(row, 1, _item("、".join(group.to_refs) or tr("（无）"), group.key))
            self.table.setItem(row, 2, _item(group.relation.label, group.key,
                                             colour=QColor(_RELATION_COLOURS[group.relation])))
            self.table.setItem(row, 3, _item(score, group.key))
        self.intro.setText(
            tr("第{0}稿中有{1}处条款对应关系不够确定，请逐条核对：接受、改为其他条款，或标为新增/删除。").format(
                self.to_version, len(self.groups)) if self.groups else tr("全部条款对应关系均已确认。"))
        keys = [g.key for g in self.groups]
        row = keys.index(keep) if keep in keys else (0 if keys else -1)
        if row >= 0:
            self.table.setCurrentCell(row, 0)
        for button in (self.accept_button, self.other_button, self.unmatched_button, self.all_button):
            button.setEnabled(bool(self.groups) and self.page.editable())
        self._show_selected()

    def current_key(self) -> str | None:
        row = self.table.currentRow()
        return self.groups[row].key if 0 <= row < len(self.groups) else None

    def select(self, key: str) -> bool:
        keys = [g.key for g in self.groups]
        if key not in keys:
            return False
        self.table.setCurrentCell(keys.index(key), 0)
        return True

    def _show_selected(self) -> None:
        key = self.current_key()
        change = self.page.change_by_key(self.from_version, self.to_version, key) if key else None
        self.preview.setHtml(self.page.change_html(change, self.from_version, self.to_version) if change else "")

    def _act(self, action) -> None:
        key = self.current_key()
        if key is not None:
            action(key, self.from_version, self.to_version)
            self.reload()

    def _accept_all(self) -> None:
        self.page.confirm_all(self.from_version, self.to_version)
        self.reload()


class VersionsPage(QWidget):
    """Draft versions: import a revision, compare any two versions, confirm matches, see what to check."""

    status = Signal(str)

    def __init__(self, window, parent=None):
        super().__init__(parent)
        self.window = window  # MainWindow: project, bridge, interaction, jobs, show_page, ledger
        self.project = None
        self.review: MatchReviewDialog | None = None
        self.last_job = None
        self._changes: list = []
        self._changes_pair: tuple[int, int] | None = None
        self._filling = False

        # -- the versions -------------------------------------------------------------------------
        self.versions_table = _table([tr("稿次"), tr("形成日期"), tr("说明"), tr("来源文件"), tr("条款数"),
                                      tr("征求意见"), tr("待确认对应")])
        self.versions_table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                            | QAbstractItemView.EditTrigger.EditKeyPressed)
        for column, width in enumerate((64, 130, 300, 330, 70, 110)):
            self.versions_table.setColumnWidth(column, width)
        self.versions_table.itemChanged.connect(self._version_edited)
        self.import_button = QPushButton(tr("导入修订稿…"))
        self.import_button.clicked.connect(lambda: self.import_revision())
        self.remove_button = QPushButton(tr("删除最新一稿"))
        self.remove_button.setToolTip(tr("导入错了文件时删除最新一稿（可撤销）"))
        self.remove_button.clicked.connect(lambda: self.remove_newest_version())
        self.export_button = QPushButton(tr("导出对照表…"))
        self.export_button.clicked.connect(lambda: self.export_comparison())
        self.redline_button = QPushButton(tr("导出修订稿…"))
        self.redline_button.setToolTip(tr("新一稿的 Word 文档，每处修改为修订标记并附批注，另写清洁稿"))
        self.redline_button.clicked.connect(lambda: self.export_redline())
        hint = QLabel(tr("双击“形成日期”或“说明”可修改，写入起草说明的起草过程。"))
        set_role(hint, "muted")
        head = QHBoxLayout()
        head.addWidget(_heading(tr("草案版本")))
        head.addSpacing(12)
        head.addWidget(self.import_button)
        head.addWidget(self.remove_button)
        head.addWidget(self.export_button)
        head.addWidget(self.redline_button)
        head.addStretch(1)
        head.addWidget(hint)
        self.timeline = QLabel()
        self.timeline.setWordWrap(True)
        self.timeline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        set_role(self.timeline, "muted")
        versions_box = QWidget()
        layout = QVBoxLayout(versions_box)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.addLayout(head)
        layout.addWidget(self.versions_table, 1)
        layout.addWidget(self.timeline)

        # -- two versions compared -------------------------------------------------------------------
        self.from_box = QComboBox()
        self.to_box = QComboBox()
        self.from_box.currentIndexChanged.connect(self._from_chosen)
        self.to_box.currentIndexChanged.connect(lambda *args: self._pair_chosen())
        self.show_unchanged = QCheckBox(tr("显示未修改的条款"))
        self.show_unchanged.toggled.connect(lambda *args: self.refresh_changes())
        self.summary = QLabel()
        set_role(self.summary, "muted")
        pickers = QHBoxLayout()
        pickers.addWidget(_heading(tr("逐条比对")))
        pickers.addSpacing(12)
        pickers.addWidget(self.from_box)
        pickers.addWidget(QLabel("→"))
        pickers.addWidget(self.to_box)
        pickers.addSpacing(12)
        pickers.addWidget(self.show_unchanged)
        pickers.addSpacing(12)
        pickers.addWidget(self.summary, 1)
        self.changes_table = _table([tr("原条款"), tr("修改后条款"), tr("变化"), tr("相似度"), tr("对应"),
                                     tr("依据意见")])
        for column, width in enumerate((150, 150, 70, 60, 64)):
            self.changes_table.setColumnWidth(column, width)
        self.changes_table.currentCellChanged.connect(lambda *args: self._show_change())
        self.diff_view = QTextBrowser()
        self.diff_view.setOpenLinks(False)
        self.diff_view.document().setDocumentMargin(10)
        self.confirm_button = QPushButton(tr("确认对应"))
        self.correct_button = QPushButton(tr("改为其他条款…"))
        self.unmatch_button = QPushButton(tr("标为新增/删除"))
        self.confirm_all_button = QPushButton(tr("全部确认"))
        self.note_button = QPushButton(tr("修改说明…"))
        self.confirm_button.clicked.connect(lambda: self._on_current(self.confirm_change))
        self.correct_button.clicked.connect(lambda: self._on_current(self.correct_change))
        self.unmatch_button.clicked.connect(lambda: self._on_current(self.unmatch_change))
        self.confirm_all_button.clicked.connect(lambda: self.confirm_all(*self.pair()) if self.pair() else None)
        self.note_button.clicked.connect(lambda: self._on_current(self.explain_change))
        actions = QHBoxLayout()
        for button in (self.confirm_button, self.correct_button, self.unmatch_button, self.confirm_all_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.note_button)
        left = QWidget()
        layout = QVBoxLayout(left)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.changes_table, 1)
        layout.addLayout(actions)
        self.compare_split = QSplitter(Qt.Orientation.Horizontal)
        self.compare_split.addWidget(left)
        self.compare_split.addWidget(self.diff_view)
        self.compare_split.setSizes([640, 800])
        self.compare_split.setChildrenCollapsible(False)
        compare_box = QWidget()
        layout = QVBoxLayout(compare_box)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.addLayout(pickers)
        layout.addWidget(self.compare_split, 1)

        # -- the flags -----------------------------------------------------------------------------------
        self.flags_table = _table([tr("类型"), tr("条款"), tr("说明"), tr("意见原文")])
        for column, width in enumerate((120, 210, 540)):
            self.flags_table.setColumnWidth(column, width)
        self.flags_table.doubleClicked.connect(lambda index: self.open_flag(index.row()))
        self.flags_count = QLabel()
        set_role(self.flags_count, "muted")
        flags_hint = QLabel(tr("双击一行：意见转到意见台账，修改转到上方的比对。"))
        set_role(flags_hint, "muted")
        head = QHBoxLayout()
        head.addWidget(_heading(tr("需要注意")))
        head.addSpacing(12)
        head.addWidget(self.flags_count)
        head.addStretch(1)
        head.addWidget(flags_hint)
        flags_box = QWidget()
        layout = QVBoxLayout(flags_box)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(head)
        layout.addWidget(self.flags_table, 1)

        self.split = QSplitter(Qt.Orientation.Vertical)
        for box in (versions_box, compare_box, flags_box):
            self.split.addWidget(box)
        self.split.setSizes([190, 470, 200])
        self.split.setStretchFactor(1, 1)
        self.split.setChildrenCollapsible(False)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.split)

    # -- a project comes and goes ---------------------------------------------------------------------

    def set_project(self, project) -> None:
        if self.review is not None:
            self.review.close()
            self.review = None
        self.project = project
        self._changes_pair = None
        for box in (self.from_box, self.to_box):  # the next project's versions, not this one's choice
            box.blockSignals(True)
            box.clear()
            box.blockSignals(False)
        self.refresh()

    def editable(self) -> bool:
        return self.project is not None and not self.project.read_only

    def refresh(self) -> None:
        """Everything again from the project file, keeping the chosen versions and change."""
        self.import_button.setEnabled(self.editable())
        self.remove_button.setEnabled(self.editable() and len(self._numbers()) > 1)
        if self.project is None:
            for table in (self.versions_table, self.changes_table, self.flags_table):
                table.setRowCount(0)
            self.diff_view.clear()
            return
        self._changes_pair = None
        self.refresh_versions()
        self._fill_pickers()
        self.refresh_changes()

    def apply_change(self, change: Change) -> None:
        if self.project is None:
            return
        self.refresh()
        if self.review is not None and self.review.isVisible():
            if self.review.to_version in self._numbers():
                self.review.reload()
            else:  # the version it reviews was taken away (an import undone)
                self.review.close()

    def _store(self):
        from storage.versions import ProjectVersions

        return ProjectVersions(self.project)

    def _run(self, command) -> Change | None:
        return self.window.bridge.run(command)

    # -- the versions list ------------------------------------------------------------------------------

    def refresh_versions(self) -> None:
        from storage.versions import version_overview, version_timeline

        overview = version_overview(self.project)
        warnings = {v.number: v.warnings for v in self.project.versions()}
        self._filling = True
        table = self.versions_table
        table.setRowCount(len(overview))
        editable = self.editable()
        for row, info in enumerate(overview):
            rounds = "、".join(tr("第{0}轮").format(n) for n in info.rounds)
            tip = "\n".join(warnings.get(info.number, []))
            cells = [
                _item(tr("第{0}稿").format(info.number), info.number, tip=tip),
                _item(chinese_date(info.formed_on) if info.formed_on else "", info.number, editable=editable,
                      tip=tr("双击修改，如 2023-04-20") if editable else ""),
                _item(info.note, info.number, editable=editable, tip=info.note),
                _item(info.source_file, info.number, tip=info.source_file),
                _item(str(info.clause_count), info.number, centred=True),
                _item(rounds, info.number),
                _item(tr("{0}处").format(info.unconfirmed) if info.unconfirmed else "", info.number,
                      colour=WARNING, centred=True),
            ]
            for column, item in enumerate(cells):
                table.setItem(row, column, item)
        table.setFixedHeight(table.horizontalHeader().height() + table.verticalHeader().defaultSectionSize()
                             * max(2, min(len(overview), 5)) + 4)
        self._filling = False
        steps = [entry.text for entry in version_timeline(self.project)]
        self.timeline.setText(tr("起草过程：") + "；".join(steps) + "。" if steps else "")

    def _version_edited(self, item: QTableWidgetItem) -> None:
        if self._filling or self.project is None:
            return
        number, column = item.data(_DATA), item.column()
        if column == 2:
            self.set_version_note(number, item.text())
        elif column == 1:
            self.set_version_date(number, item.text())

    def set_version_note(self, number: int, note: str) -> Change | None:
        change = self._run(EditVersionNote(self._store(), number, note))
        if change is None:
            self.refresh_versions()
        return change

    def set_version_date(self, number: int, text: str) -> Change | None:
        """The day version ``number`` was formed, as typed; empty forgets it."""
        when = parse_day(text) if text.strip() else None
        change = None
        if text.strip() and when is None:
            self.window.interaction.inform(tr("日期“{0}”无法识别，请写成 2023-04-20 或 2023年4月20日。").format(text))
        else:
            change = self._run(SetVersionDate(self._store(), number, when))
        if change is None:
            self.refresh_versions()
        return change

    # -- the pair compared --------------------------------------------------------------------------------

    def _numbers(self) -> list[int]:
        return [v.number for v in self.project.versions()] if self.project else []

    def _fill_pickers(self) -> None:
        numbers = self._numbers()
        keep_from, keep_to = self.from_box.currentData(), self.to_box.currentData()
        self.from_box.blockSignals(True)
        self.from_box.clear()
        for number in numbers[:-1]:
            self.from_box.addItem(tr("第{0}稿").format(number), number)
        index = self.from_box.findData(keep_from)
        self.from_box.setCurrentIndex(index if index >= 0 else self.from_box.count() - 1)
        self.from_box.blockSignals(False)
        self._fill_to(keep_to)

    def _fill_to(self, keep=None) -> None:
        start = self.from_box.currentData()
        self.to_box.blockSignals(True)
        self.to_box.clear()
        for number in self._numbers():
            if start is not None and number > start:
                self.to_box.addItem(tr("第{0}稿").format(number), number)
        index = self.to_box.findData(keep)
        self.to_box.setCurrentIndex(index if index >= 0 else (0 if self.to_box.count() else -1))
        self.to_box.blockSignals(False)

    def _from_chosen(self, *args) -> None:
        self._fill_to(self.to_box.currentData())
        self._pair_chosen()

    def _pair_chosen(self) -> None:
        self._changes_pair = None
        self.refresh_changes()

    def pair(self) -> tuple[int, int] | None:
        start, end = self.from_box.currentData(), self.to_box.currentData()
        return (start, end) if start is not None and end is not None else None

    def show_pair(self, from_version: int, to_version: int) -> None:
        """Compare these two versions (the pickers follow)."""
        self.from_box.blockSignals(True)
        self.from_box.setCurrentIndex(max(0, self.from_box.findData(from_version)))
        self.from_box.blockSignals(False)
        self._fill_to(to_version)
        self._pair_chosen()

    def changes_of(self, from_version: int, to_version: int) -> list:
        """Every clause's change between two versions (unchanged ones too), cached until the next refresh."""
        from storage.versions import changes_between

        if self._changes_pair != (from_version, to_version):
            self._changes = changes_between(self.project, from_version, to_version, include_unchanged=True)
            self._changes_pair = (from_version, to_version)
        return self._changes

    def change_by_key(self, from_version: int, to_version: int, key: str | None):
        return next((c for c in self.changes_of(from_version, to_version) if c.group.key == key), None)

    def adjacent(self, from_version: int, to_version: int) -> bool:
        """True when the two versions follow each other: only then are their matches kept and corrected."""
        numbers = self._numbers()
        return from_version in numbers and numbers.index(from_version) + 1 < len(numbers) and \
            numbers[numbers.index(from_version) + 1] == to_version

    def shown_changes(self) -> list:
        pair = self.pair()
        if pair is None:
            return []
        changes = [c for c in self.changes_of(*pair) if not _folded(c)]
        if self.show_unchanged.isChecked():
            return changes
        return [c for c in changes if c.relation is not Relation.SAME]

    def refresh_changes(self) -> None:
        """The list of changes of the chosen pair, the diff of the selected one, and the flags."""
        pair = self.pair()
        keep = self.current_key()
        table = self.changes_table
        if pair is None:
            table.setRowCount(0)
            self.summary.setText(tr("项目中只有一稿草案。导入修订稿后可与上一稿逐条比对。") if self.project else "")
            self.diff_view.setHtml(f'<p style="color:#6b7280">{html.escape(tr("还没有可比对的两稿草案。"))}</p>')
            self._update_buttons()
            self.refresh_flags()
            return
        changes = self.shown_changes()
        table.setRowCount(len(changes))
        counts: dict[Relation, int] = {}
        for change in self.changes_of(*pair):
            if not _folded(change):
                counts[change.relation] = counts.get(change.relation, 0) + 1
        for row, change in enumerate(changes):
            group = change.group
            key = group.key
            colour = QColor(_RELATION_COLOURS[group.relation])
            score = similarity_text(change)
            basis = "；".join(f"{c.unit_name}（{c.disposition.label}）" for c in change.comments)
            if change.note:
                basis = (basis + "；" if basis else "") + tr("说明：") + change.note
            cells = [
                _item("、".join(group.from_refs) or "—", key, tip=change.old_text[:300]),
                _item("、".join(group.to_refs) or "—", key, tip=change.new_text[:300]),
                _item(group.relation.label, key, colour=colour),
                _item(score, key, colour=MUTED),
                _item("" if group.confirmed else tr("待确认"), key, colour=WARNING),
                _item(basis, key, tip=basis),
            ]
            for column, item in enumerate(cells):
                table.setItem(row, column, item)
        order = [Relation.MODIFIED, Relation.INSERTED, Relation.DELETED, Relation.SPLIT, Relation.MERGED,
                 Relation.RENUMBERED, Relation.SAME]
        open_count = sum(1 for c in self.changes_of(*pair) if not c.group.confirmed)
        text = tr("第{0}稿→第{1}稿：").format(*pair) + "，".join(
            f"{r.label}{counts[r]}处" for r in order if counts.get(r))
        if open_count:
            text += tr("；{0}处对应待确认").format(open_count)
        self.summary.setText(text)
        keys = [c.group.key for c in changes]
        if keep in keys:
            table.setCurrentCell(keys.index(keep), 0)
        elif keys:  # first what awaits the drafter's confirmation
            table.setCurrentCell(next((i for i, c in enumerate(changes) if not c.group.confirmed), 0), 0)
        self._show_change()
        self.refresh_flags()

    def current_key(self) -> str | None:
        item = self.changes_table.item(self.changes_table.currentRow(), 0) if self.changes_table.rowCount() else None
        return item.data(_DATA) if item is not None else None

    def select_change(self, key: str) -> bool:
        """Select the change named ``key`` in the list (showing unchanged clauses when it is one)."""
        pair = self.pair()
        if pair is None:
            return False
        change = self.change_by_key(*pair, key)
        if change is None:
            return False
        if change.relation is Relation.SAME and not self.show_unchanged.isChecked():
            self.show_unchanged.setChecked(True)
        keys = [c.group.key for c in self.shown_changes()]
        self.changes_table.setCurrentCell(keys.index(key), 0)
        self.changes_table.scrollToItem(self.changes_table.item(keys.index(key), 0))
        return True

    def _update_buttons(self) -> None:
        pair = self.pair()
        key = self.current_key()
        change = self.change_by_key(*pair, key) if pair and key else None
        kept = bool(pair) and self.adjacent(*pair) and self.editable()
        self.confirm_button.setEnabled(kept and change is not None and not change.group.confirmed)
        self.correct_button.setEnabled(kept and change is not None)
        self.unmatch_button.setEnabled(kept and change is not None and bool(change.group.from_refs)
                                       and bool(change.group.to_refs))
        self.confirm_all_button.setEnabled(kept and any(not c.group.confirmed for c in self.changes_of(*pair)))
        self.note_button.setEnabled(self.editable() and change is not None and change.relation.changed)
        self.export_button.setEnabled(bool(pair))
        self.redline_button.setEnabled(bool(pair))
        tip = "" if not pair or self.adjacent(*pair) else tr("只有相邻两稿的对应关系可以确认或更正。")
        for button in (self.confirm_button, self.correct_button, self.unmatch_button, self.confirm_all_button):
            button.setToolTip(tip)

    def _show_change(self) -> None:
        pair = self.pair()
        key = self.current_key()
        change = self.change_by_key(*pair, key) if pair and key else None
        self.diff_view.setHtml(self.change_html(change, *pair) if change else "")
        self._update_buttons()

    def change_html(self, change, from_version: int, to_version: int) -> str:
        """One change as the diff view shows it: what happened, old text, new text, the comments behind it."""
        group = change.group
        old, new = diff_html(change.runs)
        muted = "color:#6b7280; margin:8px 0 2px 0;"
        state = "" if group.confirmed else f'　<span style="color:#b45309">{html.escape(tr("对应关系待确认"))}</span>'
        colour = _RELATION_COLOURS[group.relation]
        where = tr("第{0}稿 {1} → 第{2}稿 {3}").format(from_version, "、".join(group.from_refs) or "—",
                                                    to_version, "、".join(group.to_refs) or "—")
        similarity = similarity_text(change)
        if similarity:
            where += tr("（相似度{0}）").format(similarity)
        parts = [f'<p style="margin:0"><b style="color:{colour}">{html.escape(group.relation.label)}</b>　'
                 f'{html.escape(where)}{state}</p>']
        old_title = tr("原条款（第{0}稿 {1}）").format(from_version, "、".join(group.from_refs)) \
            if group.from_refs else tr("原条款（第{0}稿中没有）").format(from_version)
        new_title = tr("修改后条款（第{0}稿 {1}）").format(to_version, "、".join(group.to_refs)) \
            if group.to_refs else tr("修改后条款（第{0}稿中已删除）").format(to_version)
        parts.append(f'<p style="{muted}">{html.escape(old_title)}</p>')
        parts.append(f'<p style="line-height:150%; margin:0">{old or "—"}</p>')
        parts.append(f'<p style="{muted}">{html.escape(new_title)}</p>')
        parts.append(f'<p style="line-height:150%; margin:0">{new or "—"}</p>')
        if change.comments:
            parts.append(f'<p style="{muted}">{html.escape(tr("依据意见（第{0}稿征求意见时提出）").format(from_version))}</p>')
            for comment in change.comments:
                parts.append(f'<p style="margin:2px 0">{html.escape(comment.unit_name)}'
                             f'（{html.escape(comment.disposition.label)}）：{html.escape(comment.body)}</p>')
        if change.note:
            parts.append(f'<p style="{muted}">{html.escape(tr("修改说明"))}</p><p style="margin:0">'
                         f'{html.escape(change.note)}</p>')
        return "".join(parts)

    # -- confirming and correcting matches ----------------------------------------------------------------

    def _on_current(self, action) -> None:
        pair, key = self.pair(), self.current_key()
        if pair is not None and key is not None:
            action(key, *pair)

    def confirm_change(self, key: str, from_version: int, to_version: int) -> Change | None:
        """Accept a proposed match (a pair, a split or a merge) as it is."""
        return self._run(ConfirmMatch(self._store(), from_version, to_version, key))

    def confirm_all(self, from_version: int, to_version: int) -> Change | None:
        return self._run(ConfirmAllMatches(self._store(), from_version, to_version))

    def unmatch_change(self, key: str, from_version: int, to_version: int) -> Change | None:
        """The old clauses of the change were deleted and its new ones are new: no correspondence."""
        change = self.change_by_key(from_version, to_version, key)
        if change is None:
            return None
        group = change.group
        if not group.from_refs or not group.to_refs:  # already an insertion or a deletion: accept it
            return self.confirm_change(key, from_version, to_version)
        return self._run(SetMatch(self._store(), from_version, to_version, group.from_refs, []))

    def correct_change(self, key: str, from_version: int, to_version: int) -> Change | None:
        """Ask which clause of the other version the change's clauses really correspond to."""
        change = self.change_by_key(from_version, to_version, key)
        if change is None:
            return None
        group = change.group
        if group.from_refs:
            source, others = change.old_clauses, self.project.clauses(to_version)
            none_option = tr("（第{0}稿中没有对应条款：标为删除）").format(to_version)
            question = tr("第{0}稿“{1}”在第{2}稿中对应哪一条？").format(
                from_version, "、".join(group.from_refs), to_version)
        else:
            source, others = change.new_clauses, self.project.clauses(from_version)
            none_option = tr("（第{0}稿中没有对应条款：确为新增）").format(from_version)
            question = tr("第{0}稿“{1}”由第{2}稿的哪一条修改而来？").format(
                to_version, "、".join(group.to_refs), from_version)
        key_text = comparison_key("\n".join(clause_body(c) for c in source))
        from rapidfuzz import fuzz

        ranked = sorted(others, key=lambda c: -fuzz.ratio(key_text, comparison_key(clause_body(c))))[:_CANDIDATES]
        labels = {f"{c.ref}　{c.display}": c.ref for c in ranked}
        answer = self.window.interaction.choose(question, [*labels, none_option])
        if answer is None:
            return None
        chosen = [] if answer == none_option else [labels[answer]]
        if group.from_refs:
            command = SetMatch(self._store(), from_version, to_version, group.from_refs, chosen)
        elif chosen:
            command = SetMatch(self._store(), from_version, to_version, chosen, group.to_refs)
        else:
            return self.confirm_change(key, from_version, to_version)
        return self._run(command)

    def explain_change(self, key: str, from_version: int, to_version: int) -> Change | None:
        """Write the 修改说明 of a change (shown in the 修改对照表; it answers a 修改无对应意见 flag)."""
        change = self.change_by_key(from_version, to_version, key)
        if change is None:
            return None
        note = self.window.interaction.ask_text(
            tr("“{0}”的修改说明（写入修改对照表）：").format(describe_change(change.group)), change.note)
        if note is None:
            return None
        return self._run(SetChangeNote(self._store(), from_version, to_version, key, note))

    def review_matches(self, from_version: int, to_version: int) -> MatchReviewDialog:
        """Show the uncertain matches of two versions for confirmation (the dialog does not block)."""
        if self.review is not None:
            self.review.close()
        self.review = MatchReviewDialog(self, from_version, to_version)
        self.review.show()
        return self.review

    # -- the flags -----------------------------------------------------------------------------------------

    def flags(self) -> list:
        """The consistency check of the pair shown (``feedback.consistency.Finding``)."""
        from storage.versions import consistency_findings

        pair = self.pair()
        return consistency_findings(self.project, *pair) if pair and self.project is not None else []

    def refresh_flags(self) -> None:
        flags = self.flags()
        comments = self.project.comments_by_ids([i for f in flags for i in f.comment_ids]) if flags else {}
        table = self.flags_table
        table.setRowCount(len(flags))
        for row, flag in enumerate(flags):
            colour = ERROR if flag.severe else WARNING
            label = flag.kind.label
            refs = "、".join(flag.from_refs) + (" → " + "、".join(flag.to_refs) if flag.to_refs else "")
            if not flag.from_refs:
                refs = tr("新增") + " " + "、".join(flag.to_refs)
            body = "；".join(comments[i].body for i in flag.comment_ids if i in comments)
            cells = [_item(label, row, colour=colour), _item(refs, row, tip=refs), _item(flag.message, row,
                                                                                        tip=flag.message),
                     _item(body, row, tip=body)]
            for column, item in enumerate(cells):
                table.setItem(row, column, item)
        self._flags = flags
        kinds = Counter(f.kind.label for f in flags)
        self.flags_count.setText("，".join(tr("{0}{1}处").format(label, n) for label, n in kinds.items())
                                 if flags else (tr("没有需要注意的地方。") if self.pair() else ""))

    def open_flag(self, row: int) -> None:
        """An adopted comment goes to the ledger, selected; a change without a comment to its diff here."""
        flags = getattr(self, "_flags", [])
        if not 0 <= row < len(flags):
            return
        flag = flags[row]
        if flag.comment_ids:
            self.window.show_page("ledger")
            ledger = self.window.ledger
            comment_id = flag.comment_ids[0]
            if not ledger.select_comment(comment_id):  # hidden by a filter: show everything
                ledger.set_filter(round_number=None, category=None, unit_id=None, disposition=None,
                                  clause_ref=None, query="")
                ledger.select_comment(comment_id)
            return
        if flag.change_key:
            self.select_change(flag.change_key)
            self.changes_table.setFocus()

    # -- importing a revision ---------------------------------------------------------------------------------

    def import_revision(self, path=None, *, note: str | None = None):
        """Choose a revised draft, match it to the newest version off the UI thread, store it as the next
        version, then show the uncertain matches for confirmation. Returns the job (None when not started)."""
        if not self.editable():
            return None
        if path is None:
            folder = str(self.project.path.parent)
            path, _ = file_dialogs.getOpenFileName(self, tr("选择修订稿"), folder,
                                                  tr("草案 (*.docx *.txt *.doc *.wps);;所有文件 (*)"))
            if not path:
                return None
        source = Path(path)
        numbers = self._numbers()
        previous = numbers[-1] if numbers else None
        if note is None:
            note = self.window.interaction.ask_text(
                tr("第{0}稿的说明（写入起草过程，如“吸收第一轮反馈意见”，可留空）：").format(
                    (previous or 0) + 1), "")
            if note is None:
                return None
        old_clauses = self.project.clauses(previous) if previous is not None else []
        from ui.jobs import run_job

        def work(progress):
            from exports.draft_files import load_draft
            from storage.versions import prepare_revision

            progress(0.0)
            draft = load_draft(source, simplified=False)
            return prepare_revision(draft, previous, old_clauses, source_file=source.name,
                                    progress=progress)

        def done(prepared) -> None:
            self._store_revision(prepared, source.name, note)

        def failed(error) -> None:
            known = isinstance(error, UserError)
            self.window.interaction.inform(str(error) if known else tr("无法读取“{0}”：{1}").format(source.name, error))

        job = run_job(self, tr("正在读取并比对“{0}”…").format(source.name), work, on_done=done, on_error=failed)
        self.last_job = job
        self.window.jobs.append(job)
        return job

    def remove_newest_version(self) -> Change | None:
        """Take the newest version away (a wrong file imported), after asking; undoable."""
        from feedback.version_commands import RemoveVersion

        numbers = self._numbers()
        if not self.editable() or len(numbers) < 2:
            return None
        change = self.window.bridge.run(RemoveVersion(self._store(), numbers[-1]))
        if change is not None:
            self.refresh()
        return change

    def _store_revision(self, prepared, name: str, note: str) -> None:
        from feedback.version_commands import ImportRevision

        if self.project is None or self.project.read_only:
            return
        command = ImportRevision(self._store(), prepared, source_file=name, note=note)
        if self.window.bridge.run(command) is None:
            return
        result = command.result
        self.refresh()
        if result.from_version is not None:
            self.show_pair(result.from_version, result.version_number)
        self.status.emit(result.summary)
        for warning in result.warnings:
            self.window.interaction.inform(warning)
        if result.unconfirmed:
            self.review_matches(result.from_version, result.version_number)

    # -- the comparison table ------------------------------------------------------------------------------------

    def _checked(self, document: str, pair: tuple[int, int]) -> bool:
        """The check before generating, with the consistency check of the pair; the drafter decides."""
        from exports.explanation import document_findings
        from ui.explanation_page import go_ahead

        return go_ahead(self.window.interaction, document_findings(self.project, document, versions=pair))

    def export_comparison(self, path=None, *, include_renumbered: bool = False):
        """Write the 修改对照表 of the chosen pair as .docx (official format) or .xlsx, off the UI thread."""
        pair = self.pair()
        if pair is None or self.project is None:
            return None
        if path is None:
            suggestion = str(self.project.path.with_name(
                f"{self.project.path.stem}-修改对照表（第{pair[0]}稿与第{pair[1]}稿）.docx"))
            path, _ = file_dialogs.getSaveFileName(self, tr("导出修改对照表"), suggestion,
                                                  tr("Word 文档 (*.docx);;Excel 工作簿 (*.xlsx)"))
            if not path:
                return None
        target = Path(path)
        if target.suffix.lower() not in (".docx", ".xlsx"):
            self.window.interaction.inform(tr("“{0}”须以 .docx 或 .xlsx 结尾。").format(target.name))
            return None
        if not self._checked("comparison", pair):
            return None
        project_path = self.project.path
        from ui.jobs import run_job

        def work(progress):
            from exports.comparison import write_comparison
            from storage.project import Project

            # a handle of its own: the window's connection stays on the UI thread
            with Project.open(project_path, read_only=True, backup=False) as other:
                return write_comparison(other, *pair, target, include_renumbered=include_renumbered,
                                        progress=progress)

        def done(written) -> None:
            self.status.emit(tr("已导出修改对照表“{0}”。").format(Path(written).name))

        def failed(error) -> None:
            known = isinstance(error, UserError)
            self.window.interaction.inform(str(error) if known else tr("无法写出“{0}”：{1}").format(target.name, error))

        job = run_job(self, tr("正在导出修改对照表…"), work, on_done=done, on_error=failed)
        self.last_job = job
        self.window.jobs.append(job)
        return job

    def export_redline(self, path=None):
        """Write the newer draft of the chosen pair with revision marks, and its clean copy, off the UI thread."""
        pair = self.pair()
        if pair is None or self.project is None:
            return None
        if path is None:
            suggestion = str(self.project.path.with_name(f"{self.project.path.stem}-第{pair[1]}稿（修订）.docx"))
            path, _ = file_dialogs.getSaveFileName(self, tr("导出修订稿"), suggestion, tr("Word 文档 (*.docx)"))
            if not path:
                return None
        target = Path(path)
        if target.suffix.lower() != ".docx":
            self.window.interaction.inform(tr("“{0}”须以 .docx 结尾。").format(target.name))
            return None
        if not self._checked("redline", pair):
            return None
        from storage.numbering import fix_numbers

        fix_numbers(self.project)  # the revision notes cite the comments by number: kept for good
        project_path = self.project.path
        from ui.jobs import run_job

        def work(progress):
            from exports.redline import write_redline
            from storage.project import Project

            with Project.open(project_path, read_only=True, backup=False) as other:
                return write_redline(other, *pair, target, progress=progress)

        def done(result) -> None:
            self.status.emit(tr("已导出修订稿“{0}”（修改{1}处，批注{2}条）及清洁稿“{3}”。").format(
                result.path.name, result.changed, result.comments, result.clean_path.name))

        def failed(error) -> None:
            known = isinstance(error, UserError)
            self.window.interaction.inform(str(error) if known else tr("无法写出“{0}”：{1}").format(target.name, error))

        job = run_job(self, tr("正在导出修订稿…"), work, on_done=done, on_error=failed)
        self.last_job = job
        self.window.jobs.append(job)
        return job
