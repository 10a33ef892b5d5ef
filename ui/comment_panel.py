"""The right-hand side of the ledger: the clause's text, the comment, its decision and its history."""
from __future__ import annotations

import html

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (QButtonGroup, QFormLayout, QFrame, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPlainTextEdit, QPushButton, QSizePolicy, QTabWidget, QTextBrowser, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from feedback.draft import Clause
from feedback.ledger import Comment, HistoryEntry, LedgerError, check_disposition
from feedback.vocabulary import COMMENT_FIELD_LABELS as FIELD_NAMES
from feedback.vocabulary import GENERAL_CLAUSE_REF, UNPLACED_CLAUSE_REF, Disposition
from ui.style import set_role
from ui.text import tr

# The keys that set a disposition; the same on the table (bare) and everywhere (with Alt).
DISPOSITION_KEYS = {
    Disposition.ADOPTED: "1",
    Disposition.PARTLY_ADOPTED: "2",
    Disposition.REJECTED: "3",
    Disposition.IN_WORK: "4",
    Disposition.PENDING: "0",
}



QUOTE_COLOUR = "#ffe08a"
HIT_COLOUR = "#ffc98f"


def search_terms(query: str | None) -> list[str]:
    """The words of a search, as the clause text and the table mark them.

    >>> search_terms(' 专门资金  "校园" ')
    ['专门资金', '校园']
    """
    return [t for t in (w.strip('"“”') for w in (query or "").split()) if t]


def marked_spans(text: str, quoted: str = "", terms: list[str] = ()) -> list[tuple[int, int, str]]:
    """(start, end, kind) of the quoted words (first place, kind ``quote``) and every search hit (``hit``).

    >>> marked_spans("专门资金和专门人员", "专门人员", ["专门"])
    [(0, 2, 'hit'), (5, 9, 'quote')]
    """
    kinds = [""] * len(text)
    for term in terms:
        at = text.find(term)
        while term and at >= 0:
            kinds[at:at + len(term)] = ["hit"] * len(term)
            at = text.find(term, at + len(term))
    quoted = quoted.strip()
    at = text.find(quoted) if quoted else -1
    if at >= 0:
        kinds[at:at + len(quoted)] = ["quote"] * len(quoted)
    spans, start = [], 0
    for i in range(1, len(text) + 1):
        if i == len(text) or kinds[i] != kinds[start]:
            if kinds[start]:
                spans.append((start, i, kinds[start]))
            start = i
    return spans


def highlight(text: str, quoted: str, terms: list[str] = ()) -> str:
    """``text`` as HTML with the first occurrence of ``quoted`` marked, search hits too.

    >>> highlight('推进<5G>应用。', '5G')
    '推进&lt;<span style="background:#ffe08a">5G</span>&gt;应用。'
    """
    parts, at = [], 0
    for start, end, kind in marked_spans(text, quoted, list(terms)):
        parts.append(html.escape(text[at:start], quote=False))
        colour = QUOTE_COLOUR if kind == "quote" else HIT_COLOUR
        span = f'<span style="background:{colour}">{html.escape(text[start:end], quote=False)}</span>'
        parts.append(span)
        at = end
    parts.append(html.escape(text[at:], quote=False))
    return "".join(parts)


class ClauseView(QTextBrowser):
    """The clause a comment is on, as it reads in the draft, with the quoted words marked."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.document().setDocumentMargin(10)
        self.clauses: dict[str, Clause] = {}
        self.children: dict[str, list[Clause]] = {}

    def set_clauses(self, clauses: list[Clause]) -> None:
        self.clauses = {c.ref: c for c in clauses}
        self.children = {}
        for clause in clauses:
            self.children.setdefault(clause.parent_ref, []).append(clause)
        self.clear()

    def show_clause(self, ref: str | None, quoted: str = "", terms: list[str] = ()) -> None:
        """Show the clause; scrolled to the quoted words when they are in it; search hits marked."""
        self._show_clause(ref, quoted, terms)
        self.verticalScrollBar().setValue(0)
        found = self.document().find(quoted.strip()) if quoted.strip() else None
        if found is not None and not found.isNull():
            place = self.cursorRect(found)
            if place.bottom() > self.viewport().height() - 8:  # below the fold: bring it to the upper third
                self.verticalScrollBar().setValue(place.top() - self.viewport().height() // 3)

    def _show_clause(self, ref: str | None, quoted: str = "", terms: list[str] = ()) -> None:
        if not ref:
            self.setHtml(f'<p style="color:#6b7280">{html.escape(tr("选择一条意见或一个条款，这里显示条款原文。"))}</p>')
            return
        clause = self.clauses.get(ref)
        if clause is None:
            note = {GENERAL_CLAUSE_REF: tr("这条意见针对草案整体，不对应具体条款。"),
                    UNPLACED_CLAUSE_REF: tr("这条意见尚未对应到条款，可在“修改意见”中指定条款。")}.get(
                ref, tr("条款“{0}”不在最新一稿草案中。").format(ref))
            self.setHtml(f'<h3>{html.escape(tr(ref) if ref in (GENERAL_CLAUSE_REF, UNPLACED_CLAUSE_REF) else ref)}'
                         f'</h3><p style="color:#6b7280">{html.escape(note)}</p>')
            return
        parts = [f'<p style="color:#6b7280; margin:0">{html.escape(clause.ref)}</p>',
                 f'<h3 style="margin-top:4px">{html.escape(clause.display)}</h3>']
        body = clause.text
        if clause.heading and body.startswith(clause.heading):  # the heading is already the title
            rest = body[len(clause.heading):].lstrip("。.．:： ")
            body = rest if quoted.strip() not in clause.heading or not quoted.strip() else body
        if body:
            parts.append(f'<p style="line-height:150%">{highlight(body, quoted, terms)}</p>')
        for child in self.children.get(clause.ref, []):
            parts.append(f'<p style="color:#374151; margin:2px 0">{html.escape(child.display)}</p>')
        if clause.lead_units or clause.responsible_units:
            units = tr("牵头单位：{0}；责任单位：{1}").format(
                "、".join(clause.lead_units) or "—", "、".join(clause.responsible_units) or "—")
            parts.append(f'<p style="color:#6b7280">{html.escape(units)}</p>')
        self.setHtml("".join(parts))


class DecisionEditor(QWidget):
    """Disposition, reason, work item and handler of one comment, with the missing-reason cue."""

    save_requested = Signal()
    edited = Signal()
    read_only = False

    def __init__(self, parent=None):
        super().__init__(parent)
        self._loading = False
        self._saved: tuple | None = None
        self._saved_handler_default = False  # the handler shown is the settings' name, not the comment's
        self.comment: Comment | None = None

        self.buttons = QButtonGroup(self)
        self.buttons.setExclusive(True)
        row = QHBoxLayout()
        row.setSpacing(4)
        for disposition in (Disposition.ADOPTED, Disposition.PARTLY_ADOPTED, Disposition.REJECTED,
                            Disposition.IN_WORK, Disposition.PENDING):
            button = QPushButton(disposition.label)
            button.setCheckable(True)
            button.setProperty("disposition", disposition.value)
            button.setToolTip(tr("{0}（快捷键 {1}，或 Alt+{1}）").format(
                disposition.label, DISPOSITION_KEYS[disposition]))
            button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
            self.buttons.addButton(button)
            row.addWidget(button)
        self.buttons.buttonToggled.connect(self._changed)

        self.reason = QPlainTextEdit()
        self.reason.setProperty("missing", "false")
        self.reason.setPlaceholderText(tr("未采纳、部分采纳、在工作中落实须说明理由"))
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        self.reason.textChanged.connect(self._changed)
        self.work_item = QLineEdit()
        self.work_item.setProperty("missing", "false")
        self.work_item.setPlaceholderText(tr("例如：校园安全管理工作"))
        self.work_item.textChanged.connect(self._changed)
        self.work_item_label = QLabel(tr("落实工作"))
        self.handler = QLineEdit()
        self.handler.setPlaceholderText(tr("经办人姓名"))
        self.handler.textChanged.connect(self._changed)

        for field in (self.reason, self.work_item, self.handler):
            field.installEventFilter(self)

        self.cue = QLabel()
        set_role(self.cue, "cue")
        self.cue.setWordWrap(True)
        self.cue.hide()
        self.save_button = QPushButton(tr("保存并转到下一条待处理"))
        self.save_button.setToolTip(tr("Ctrl+Enter"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save_requested)
        self.revert_button = QPushButton(tr("还原"))
        self.revert_button.clicked.connect(self.revert)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(tr("处理"), row)
        form.addRow(tr("理由或说明"), self.reason)
        form.addRow(self.work_item_label, self.work_item)
        last = QHBoxLayout()  # the handler beside the buttons: one row less on a laptop's screen
        last.addWidget(self.handler, 1)
        last.addSpacing(12)
        last.addWidget(self.revert_button)
        last.addWidget(self.save_button)
        form.addRow(tr("经办人"), last)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.cue)
        self.load(None)

    def eventFilter(self, watched, event) -> bool:
        """Ctrl+Z in a field with nothing of its own to undo is the window's 撤销 (the last save, say)."""
        if event.type() == QEvent.Type.ShortcutOverride and (
                event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo)):
            document = watched.document() if isinstance(watched, QPlainTextEdit) else None
            undo = event.matches(QKeySequence.StandardKey.Undo)
            if document is not None:
                own = document.isUndoAvailable() if undo else document.isRedoAvailable()
            else:
                own = watched.isUndoAvailable() if undo else watched.isRedoAvailable()
            if not own:
                event.ignore()
                return True  # not the field's: the shortcut goes to the window
        return super().eventFilter(watched, event)

    # -- the values ------------------------------------------------------------------

    def disposition(self) -> Disposition | None:
        button = self.buttons.checkedButton()
        return Disposition(button.property("disposition")) if button else None

    def set_disposition(self, disposition: Disposition) -> None:
        for button in self.buttons.buttons():
            if button.property("disposition") == disposition.value:
                button.setChecked(True)

    def values(self) -> tuple[Disposition, str, str, str]:
        disposition = self.disposition() or Disposition.PENDING
        work_item = self.work_item.text().strip() if disposition is Disposition.IN_WORK else ""
        return disposition, self.reason.toPlainText().strip(), work_item, self.handler.text().strip()

    def load(self, comment: Comment | None, default_handler: str = "") -> None:
        """Show ``comment``'s decision; the handler defaults to the settings' name."""
        self._loading = True
        self.comment = comment
        try:
            if comment is None:
                self.buttons.setExclusive(False)
                for button in self.buttons.buttons():
                    button.setChecked(False)
                self.buttons.setExclusive(True)
                self.reason.setPlainText("")
                self.work_item.setText("")
                self.handler.setText("")
            else:
                self.set_disposition(comment.disposition)
                self.reason.setPlainText(comment.reason)
                self.work_item.setText(comment.work_item)
                self.handler.setText(comment.handler or default_handler)
        finally:
            self._loading = False
        self._saved = self.values() if comment else None
        self._saved_handler_default = comment is not None and not comment.handler
        self.setEnabled(comment is not None and not self.read_only)
        self._update_cue()

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        self.setEnabled(self.comment is not None and not read_only)

    def is_dirty(self) -> bool:
        if self.comment is None or self._saved is None:
            return False
        now, saved = self.values(), self._saved
        if self._saved_handler_default:  # a defaulted handler alone is no edit
            now, saved = now[:3], saved[:3]
        return now != saved

    def problem(self) -> str | None:
        """The ledger's objection to the current values, or None."""
        disposition, reason, work_item, _ = self.values()
        try:
            check_disposition(disposition, reason, work_item)
        except LedgerError as error:
            return str(error)
        return None

    def revert(self) -> None:
        self.load(self.comment, self.handler.text() if self._saved_handler_default else "")

    def mark_saved(self, comment: Comment) -> None:
        self.load(comment)

    # -- the cue -------------------------------------------------------------------------

    def _changed(self, *args) -> None:
        if self._loading:
            return
        self._update_cue()
        self.edited.emit()

    def _update_cue(self) -> None:
        disposition = self.disposition()
        in_work = disposition is Disposition.IN_WORK
        self.work_item.setVisible(in_work)
        self.work_item_label.setVisible(in_work)
        problem = self.problem() if self.comment is not None else None
        reason_missing = bool(problem) and disposition is not None and disposition.needs_reason and \
            not self.reason.toPlainText().strip()
        work_missing = bool(problem) and in_work and not self.work_item.text().strip()
        for widget, missing in ((self.reason, reason_missing), (self.work_item, work_missing)):
            if widget.property("missing") != ("true" if missing else "false"):
                widget.setProperty("missing", "true" if missing else "false")
                widget.style().unpolish(widget)
                widget.style().polish(widget)
        self.cue.setText(problem or "")
        self.cue.setVisible(bool(problem))
        dirty = self.is_dirty()
        self.revert_button.setEnabled(dirty)

    @property
    def cue_visible(self) -> bool:
        """True while the red missing-reason cue is up."""
        return not self.cue.isHidden()


class CommentPanel(QWidget):
    """The selected comment: who said what about which words, the decision editor, the history."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.header = QLabel()
        set_role(self.header, "heading")
        self.header.setWordWrap(True)
        self.meta = QLabel()
        set_role(self.meta, "muted")
        self.meta.setWordWrap(True)
        self.body = QTextBrowser()
        self.body.setFrameShape(QFrame.Shape.StyledPanel)
        self.body.document().setDocumentMargin(8)
        self.editor = DecisionEditor()
        self.history = QTreeWidget()
        self.history.setHeaderLabels([tr("时间"), tr("修改（原为 → 改为）"), tr("经办人")])
        self.history.setRootIsDecorated(False)
        self.history.setAlternatingRowColors(True)
        self.history.setWordWrap(True)
        self.history.setUniformRowHeights(False)
        self.history.header().setStretchLastSection(False)
        self.history.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.history.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.history.header().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)

        decision = QWidget()
        decision_layout = QVBoxLayout(decision)
        decision_layout.setContentsMargins(8, 8, 8, 8)
        decision_layout.addWidget(self.editor)
        decision_layout.addStretch(1)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(decision, tr("处理"))
        self.tabs.addTab(self.history, tr("修改记录"))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 6)
        layout.setSpacing(4)
        layout.addWidget(self.header)
        layout.addWidget(self.meta)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.tabs, 0)
        self.show_comment(None, [], "")

    def show_comment(self, comment: Comment | None, history: list[HistoryEntry], default_handler: str,
                     unit_names: dict[int, str] | None = None, terms: list[str] = (),
                     number: int | None = None) -> None:
        if comment is None:
            self.header.setText(tr("未选择意见"))
            self.meta.setText(tr("在中间的台账中选择一条意见，在这里填写处理意见。"))
            self.body.setHtml("")
            self.editor.load(None)
            self.history.clear()
            self.tabs.setTabText(1, tr("修改记录"))
            return
        self.header.setText(tr("第{0}条　{1}").format(number or comment.id, comment.unit_name))
        received = comment.received_on.isoformat() if comment.received_on else tr("未记录")
        self.meta.setText(tr("{0} · 第{1}轮 · 条款 {2} · 收到 {3}{4}").format(
            comment.category, comment.round_number, comment.clause_ref, received,
            f" · {comment.source}" if comment.source else ""))
        parts = [f'<p style="line-height:150%">{highlight(comment.body, "", terms)}</p>']
        if comment.quoted_text:
            parts.append(f'<p style="color:#6b7280">{html.escape(tr("针对原文："))}'
                         f'<span style="background:#ffe08a">{html.escape(comment.quoted_text)}</span></p>')
        if comment.proposed_wording:
            parts.append(f'<p><b>{html.escape(tr("建议修改为："))}</b>{html.escape(comment.proposed_wording)}</p>')
        self.body.setHtml("".join(parts))
        self.editor.load(comment, default_handler)
        self._show_history(history, unit_names or {})

    def _show_history(self, history: list[HistoryEntry], unit_names: dict[int, str]) -> None:
        """One row per action, newest first: each field it changed as old → new."""
        self.history.clear()
        actions = self._group_actions(history)
        for entries in reversed(actions):
            lines = [history_line(e, unit_names) for e in entries]
            item = QTreeWidgetItem([entries[0].at.replace("T", " ")[:16], "\n".join(lines), entries[0].who])
            item.setToolTip(1, "\n".join(lines))
            self.history.addTopLevelItem(item)
        self.tabs.setTabText(1, tr("修改记录（{0}）").format(len(actions)) if actions else tr("修改记录"))

    @staticmethod
    def _group_actions(history: list[HistoryEntry]) -> list[list[HistoryEntry]]:
        """The entries of each action together (files from before kept a row per field, one moment per save)."""
        groups: list[list[HistoryEntry]] = []
        for entry in history:
            last = groups[-1] if groups else None
            if last and (last[-1].action == entry.action or (
                    (last[-1].at, last[-1].who) == (entry.at, entry.who)
                    and entry.field not in {e.field for e in last})):
                last.append(entry)
            else:
                groups.append([entry])
        return groups


def history_line(entry: HistoryEntry, unit_names: dict[int, str]) -> str:
    """``处理：待处理 → 未采纳``."""
    def shown(value: str | None) -> str:
        if value is None or value == "":
            return "—"
        if entry.field == "disposition":
            try:
                return Disposition(value).label
            except ValueError:
                return value
        if entry.field == "unit_id" and value.isdigit():
            return unit_names.get(int(value), value)
        return " ".join(value.split())

    return f"{tr(FIELD_NAMES.get(entry.field, entry.field))}：{shown(entry.old_value)} → {shown(entry.new_value)}"
