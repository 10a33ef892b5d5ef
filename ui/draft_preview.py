"""The clause tree of a draft shown before a project is created from it, to check and fix.

The drafter sees every clause with its level, units and length, the warnings of the
import, and — plainly, on top — why the result may be wrong (almost everything in 前言,
numbering gaps, one huge clause). A clause can be raised or lowered, joined into the one
above, or split at the line of its text where the cursor is; every change can be undone.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QKeySequence, QShortcut
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QLabel, QListWidget, QPlainTextEdit, QPushButton, QSplitter,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from feedback.draft import Clause, Draft
from feedback.ledger import LedgerError
from feedback.outline_commands import Reshaped, change_level, join_with_previous, split_at_line
from ui.style import ERROR, WARNING, set_role
from ui.text import tr
from ui.widgets import dialog_buttons

_DOUBT = "请检查："


class DraftPreviewDialog(QDialog):
    """The parsed tree of ``draft`` with its warnings; ``draft()`` is the tree as fixed."""

    def __init__(self, draft: Draft, source_name: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(tr("检查条款结构") + (f" — {source_name}" if source_name else ""))
        self.resize(980, 640)
        self._draft = draft
        self._clauses: list[Clause] = list(draft.clauses)
        self._history: list[list[Clause]] = []

        doubts = [str(w) for w in draft.warnings if _DOUBT in str(w)]
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.doubts = QLabel("\n".join(d.replace(_DOUBT, "") for d in doubts))
        self.doubts.setWordWrap(True)
        self.doubts.setVisible(bool(doubts))
        self.doubts.setStyleSheet(f"color: {ERROR.name()}; font-weight: bold;")

        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([tr("条款"), tr("引用"), tr("字数"), tr("牵头单位"), tr("责任单位")])
        self.tree.setColumnWidth(0, 280)
        self.tree.setColumnWidth(1, 120)
        self.tree.setColumnWidth(2, 50)
        self.tree.currentItemChanged.connect(self._show_current)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setPlaceholderText(tr("选中左侧条款查看正文；在正文中点到某一行后可从该行拆分"))
        self.warnings = QListWidget()
        self.warnings.setWordWrap(True)
        for warning in draft.warnings:
            self.warnings.addItem(str(warning))
        warnings_label = QLabel(tr("读取时的处理和提示（{0}条）").format(len(draft.warnings)))
        set_role(warnings_label, "muted")

        self.raise_button = QPushButton(tr("升一级"))
        self.lower_button = QPushButton(tr("降一级"))
        self.join_button = QPushButton(tr("并入上一条"))
        self.split_button = QPushButton(tr("从光标所在行拆分"))
        self.undo_button = QPushButton(tr("撤销"))
        self.raise_button.clicked.connect(lambda: self._apply(lambda c, r: change_level(c, r, -1)))
        self.lower_button.clicked.connect(lambda: self._apply(lambda c, r: change_level(c, r, +1)))
        self.join_button.clicked.connect(lambda: self._apply(join_with_previous))
        self.split_button.clicked.connect(self._split)
        self.undo_button.clicked.connect(self.undo)
        QShortcut(QKeySequence.StandardKey.Undo, self, activated=self.undo)
        self.message = QLabel()
        set_role(self.message, "muted")

        tools = QHBoxLayout()
        for button in (self.raise_button, self.lower_button, self.join_button, self.split_button, self.undo_button):
            tools.addWidget(button)
        tools.addStretch(1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.text, 3)
        right_layout.addWidget(warnings_label)
        right_layout.addWidget(self.warnings, 2)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.tree)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.doubts)
        layout.addLayout(tools)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)
        layout.addWidget(dialog_buttons(self, tr("确认并新建项目")))
        self._fill()

    # -- the tree --------------------------------------------------------------------------

    def draft(self) -> Draft:
        """The draft as fixed in this dialog."""
        return Draft(title=self._draft.title, clauses=list(self._clauses), warnings=list(self._draft.warnings),
                     style=self._draft.style)

    def _fill(self, select: str | None = None) -> None:
        self.tree.clear()
        items: dict[str, QTreeWidgetItem] = {}
        chosen = None
        for clause in self._clauses:
            item = QTreeWidgetItem([clause.display, clause.ref, str(len(clause.text)),
                                    "、".join(clause.lead_units), "、".join(clause.responsible_units)])
            item.setData(0, Qt.ItemDataRole.UserRole, clause.ref)
            if len(clause.text) >= 3000:
                item.setForeground(2, QBrush(WARNING))
            parent = items.get(clause.parent_ref or "")
            (parent.addChild(item) if parent else self.tree.addTopLevelItem(item))
            items[clause.ref] = item
            if clause.ref == select:
                chosen = item
        self.tree.expandAll()
        if chosen is not None:
            self.tree.setCurrentItem(chosen)
        levels = max((c.level for c in self._clauses), default=0)
        title = self._draft.title or tr("（未识别出标题）")
        self.summary.setText(tr("标题：{0}　共{1}个条款，{2}级；请核对层级和编号，有误可在此调整后再新建项目。")
                             .format(title, len(self._clauses), levels))
        self.undo_button.setEnabled(bool(self._history))

    def current_ref(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item else None

    def select(self, ref: str) -> None:
        """Make ``ref`` the current clause."""
        for item in self.tree.findItems("*", Qt.MatchFlag.MatchWildcard | Qt.MatchFlag.MatchRecursive):
            if item.data(0, Qt.ItemDataRole.UserRole) == ref:
                self.tree.setCurrentItem(item)
                return

    def _show_current(self, *_args) -> None:
        ref = self.current_ref()
        clause = next((c for c in self._clauses if c.ref == ref), None)
        self.text.setPlainText(clause.text if clause else "")

    # -- changes ---------------------------------------------------------------------------

    def _apply(self, operation) -> Reshaped | None:
        ref = self.current_ref()
        if ref is None:
            self.message.setText(tr("请先在左侧选中一个条款。"))
            return None
        try:
            shaped = operation(self._clauses, ref)
        except LedgerError as error:
            self.message.setText(str(error))
            return None
        self._history.append(self._clauses)
        self._clauses = shaped.clauses
        self.message.setText(shaped.message)
        self._fill(select=shaped.ref_map.get(ref, ref))
        return shaped

    def _split(self) -> Reshaped | None:
        line = self.text.textCursor().blockNumber()
        return self._apply(lambda clauses, ref: split_at_line(clauses, ref, line,
                                                              regulation=self._draft.style == "regulation"))

    def split_at(self, line: int) -> Reshaped | None:
        """Split the current clause before ``line`` of its text (as the button does at the cursor)."""
        block = self.text.document().findBlockByNumber(line)
        cursor = self.text.textCursor()
        cursor.setPosition(block.position())
        self.text.setTextCursor(cursor)
        return self._split()

    def undo(self) -> None:
        if not self._history:
            return
        ref = self.current_ref()
        self._clauses = self._history.pop()
        self.message.setText(tr("已撤销"))
        self._fill(select=ref)


def review_draft(parent: QWidget | None, draft: Draft, source_name: str = "") -> Draft | None:
    """Show the tree before a project is made of it; the draft as fixed, or None when cancelled."""
    dialog = DraftPreviewDialog(draft, source_name, parent)
    return dialog.draft() if dialog.exec() == QDialog.DialogCode.Accepted else None
