"""The ledger page: clause tree, comment table and the selected comment's editor."""
from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QComboBox, QFrame, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QMenu, QSplitter, QStyle, QStyledItemDelegate, QStyleOptionViewItem,
                               QTableView, QToolButton, QTreeView, QVBoxLayout, QWidget)

from feedback.commands import DeleteComment, EditComment, SetDisposition, SetDispositions
from feedback.ledger import Change, Comment
from feedback.vocabulary import Disposition
from ui.comment_panel import DISPOSITION_KEYS, HIT_COLOUR, ClauseView, CommentPanel, marked_spans, search_terms
from ui.models import COLUMN_INDEX, COLUMNS, ClauseTreeModel, CommentTableModel, clause_counts
from ui.style import set_role
from ui.text import tr

_KEY_DISPOSITIONS = {getattr(Qt.Key, f"Key_{key}"): disposition for disposition, key in DISPOSITION_KEYS.items()}


# Columns shown only while the comment itself keeps this many pixels: its text comes first.
_OPTIONAL_COLUMNS = ("reason", "category", "handler")
_BODY_ROOM = 380
# The three panes' shares of the page's width when no layout was saved: tree, table, clause and decision.
_PANE_SHARES = (0.18, 0.47, 0.35)


class LedgerTable(QTableView):
    """The comment table; bare number keys set the disposition of the selected rows."""

    disposition_key = Signal(object)
    resized = Signal()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.resized.emit()

    def keyPressEvent(self, event) -> None:
        disposition = _KEY_DISPOSITIONS.get(event.key())
        if disposition is not None and event.modifiers() in (Qt.KeyboardModifier.NoModifier,
                                                              Qt.KeyboardModifier.KeypadModifier):
            self.disposition_key.emit(disposition)
            return
        super().keyPressEvent(event)


class HitDelegate(QStyledItemDelegate):
    """Table cells with the words searched for marked, as the clause text marks them."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.terms: list[str] = []

    def paint(self, painter, option, index) -> None:
        text = index.data(Qt.ItemDataRole.DisplayRole)
        spans = marked_spans(text, "", self.terms) if self.terms and isinstance(text, str) else []
        if not spans:
            super().paint(painter, option, index)
            return
        option = QStyleOptionViewItem(option)
        self.initStyleOption(option, index)
        option.text = ""
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, option.widget).adjusted(2, 0, -2, 0)
        metrics = option.fontMetrics
        shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
        painter.save()
        painter.setClipRect(rect)
        baseline = rect.top() + (rect.height() + metrics.ascent() - metrics.descent()) // 2
        for start, end, _ in spans:
            if start >= len(shown):
                break
            left = rect.left() + metrics.horizontalAdvance(shown[:start])
            width = metrics.horizontalAdvance(shown[start:min(end, len(shown))])
            painter.fillRect(left, rect.top() + 3, width, rect.height() - 6, QColor(HIT_COLOUR))
        foreground = index.data(Qt.ItemDataRole.ForegroundRole)
        if option.state & QStyle.StateFlag.State_Selected:
            painter.setPen(option.palette.color(QPalette.ColorRole.HighlightedText))
        elif foreground is not None:
            painter.setPen(QColor(foreground.color() if hasattr(foreground, "color") else foreground))
        else:
            painter.setPen(option.palette.color(QPalette.ColorRole.Text))
        painter.drawText(rect.left(), baseline, shown)
        painter.restore()


class LedgerPage(QWidget):
    """Where the drafter spends the day: find a comment, read the clause, decide, next."""

    status = Signal(str)

    def __init__(self, window, parent=None):
        super().__init__(parent)
        self.window = window  # MainWindow: project, bridge, settings, interaction
        self.project = None
        self.units: dict[int, str] = {}
        self._current_id: int | None = None
        self._returning = False
        self.places = None  # with a later draft: where earlier rounds' comments show (storage.versions)
        self._view_version: int | None = None  # the earlier draft the clause view reads, None for the newest

        # -- filters ----------------------------------------------------------------
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("搜索意见、引用原文、理由（Ctrl+F）"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(240)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(250)
        self._search_timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(self._search_timer.start)
        self.search.returnPressed.connect(self.apply_filters)
        self.round_filter = QComboBox()
        self.category_filter = QComboBox()
        self.unit_filter = QComboBox()
        self.unit_filter.setMaxVisibleItems(25)
        self.disposition_filter = QComboBox()
        self.disposition_filter.addItem(tr("全部处理状态"), None)
        for disposition in Disposition:
            self.disposition_filter.addItem(disposition.label, disposition)
        # fixed widths: the bar does not shift whenever a filter changes; the lists open as wide as they need
        for combo, characters in ((self.round_filter, 8), (self.category_filter, 6), (self.unit_filter, 10),
                                  (self.disposition_filter, 8)):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(characters)
            combo.currentIndexChanged.connect(self.apply_filters)
        self.category_filter.currentIndexChanged.connect(self._fill_unit_filter)
        self.clause_chip = QToolButton()
        self.clause_chip.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.clause_chip.setToolTip(tr("取消按条款筛选"))
        self.clause_chip.clicked.connect(lambda: self.tree.setCurrentIndex(self.tree_model.index_of(None)))
        self.clause_chip.hide()
        self.count_label = QLabel()
        set_role(self.count_label, "muted")
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.count_label.setMinimumWidth(  # as wide as its widest wording: the filters do not move with the count
            self.count_label.fontMetrics().horizontalAdvance(tr("筛选出 {0} 条（共 {1} 条）").format(99999, 99999)))
        bar = QHBoxLayout()
        bar.setContentsMargins(8, 6, 8, 6)
        bar.setSpacing(6)
        bar.addWidget(self.search, 2)
        for combo in (self.round_filter, self.category_filter, self.unit_filter, self.disposition_filter):
            bar.addWidget(combo)
        bar.addWidget(self.clause_chip)
        bar.addStretch(1)
        bar.addWidget(self.count_label)

        # -- clause tree ------------------------------------------------------------------
        self.tree_model = ClauseTreeModel(self)
        self.tree = QTreeView()
        self.tree.setModel(self.tree_model)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(False)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tree.setIndentation(14)
        from ui import outline_menu  # 升一级 / 降一级 / 并入上一条 / 拆分 on a clause

        outline_menu.install(self)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.selectionModel().currentChanged.connect(self._clause_chosen)

        # -- comment table -----------------------------------------------------------------
        self.model = CommentTableModel(self)
        self.table = LedgerTable()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        self.table.horizontalHeader().setHighlightSections(False)
        self.table.horizontalHeader().setStretchLastSection(False)
        for i, column in enumerate(COLUMNS):
            self.table.setColumnWidth(i, column.width)
        # the comment's text takes the width the other columns leave
        self.table.horizontalHeader().setSectionResizeMode(COLUMN_INDEX["body"], QHeaderView.ResizeMode.Stretch)
        self.table.resized.connect(self._fit_columns)
        self.model.modelReset.connect(self._fit_clause_column)
        self.hits = HitDelegate(self.table)
        for key in ("body", "reason"):
            self.table.setItemDelegateForColumn(COLUMN_INDEX[key], self.hits)
        self._sized = False  # the panes get their shares of the width when first shown, unless restored
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.disposition_key.connect(self.set_disposition)

        # -- the right-hand side --------------------------------------------------------------
        self.clause_view = ClauseView()
        self.panel = CommentPanel()
        self.panel.editor.save_requested.connect(self.save_and_next)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self._framed(self.clause_view, tr("条款原文")))
        right.addWidget(self.panel)
        right.setStretchFactor(0, 1)
        right.setStretchFactor(1, 1)
        right.setSizes([300, 520])
        right.setChildrenCollapsible(False)
        self.right_splitter = right

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self._framed(self.tree, tr("草案条款")))
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setSizes([int(1440 * share) for share in _PANE_SHARES])
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setStyleSheet("color: #d6dbe1;")
        layout.addWidget(line)
        layout.addWidget(self.splitter, 1)
        self.setAcceptDrops(True)  # reply files dropped onto the ledger

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._sized and self.width() > 0:
            self._sized = True
            self.splitter.setSizes([int(self.width() * share) for share in _PANE_SHARES])
            self.right_splitter.setSizes([self.height() * 9 // 20, self.height() * 11 // 20])

    def _fit_clause_column(self) -> None:
        """Room for a reference marked with its draft (三（十）27〔第1稿〕) once there is a later draft."""
        index = COLUMN_INDEX["clause"]
        sample = "三（十）27" + ("〔第1稿〕" if self.model.marks_drafts else "")
        wanted = self.table.fontMetrics().horizontalAdvance(sample) + 16
        if self.table.columnWidth(index) < wanted:
            self.table.setColumnWidth(index, wanted)
            self._fit_columns()

    def _fit_columns(self) -> None:
        """Show the optional columns, in order, only while the comment's text keeps its room."""
        header = self.table.horizontalHeader()
        spare = self.table.viewport().width() - _BODY_ROOM - sum(
            header.sectionSize(i) for i, column in enumerate(COLUMNS)
            if column.key != "body" and column.key not in _OPTIONAL_COLUMNS and not header.isSectionHidden(i))
        for key in _OPTIONAL_COLUMNS:
            width = header.sectionSize(COLUMN_INDEX[key]) or COLUMNS[COLUMN_INDEX[key]].width
            fits = spare >= width
            self.table.setColumnHidden(COLUMN_INDEX[key], not fits)
            if fits:
                spare -= width

    @staticmethod
    def _framed(widget: QWidget, title: str) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        label = QLabel(title)
        label.setStyleSheet("padding: 6px 10px; font-weight: bold; color: #374151; background: #f3f4f6;"
                            "border-bottom: 1px solid #e5e7eb;")
        layout.addWidget(label)
        layout.addWidget(widget, 1)
        return box

    # -- reply files dropped onto the ledger ----------------------------------------------------

    def _dropped_files(self, mime) -> list:
        from pathlib import Path

        if self.project is None or self.project.read_only or not mime.hasUrls():
            return []
        return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]

    def dragEnterEvent(self, event) -> None:
        if self._dropped_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:
        paths = self._dropped_files(event.mimeData())
        if paths:
            event.acceptProposedAction()
            QTimer.singleShot(0, lambda: self.take_reply_files(paths))  # the drag ends before any dialog

    def take_reply_files(self, paths) -> None:
        """Each file through the reply reader into the entry dialog; returned .xlsx forms to 收集反馈表."""
        from ui.comment_dialog import file_entry, reply_dialog

        forms = [p for p in paths if p.suffix.lower() in (".xlsx", ".xlsm")]
        if forms:
            self.window.sheets.collect_paths(forms)
        for path in paths:
            if path in forms:
                continue
            dialog = reply_dialog(self.window, path)
            if dialog is not None and dialog.exec():
                file_entry(self.window, dialog)

    # -- a project comes and goes ------------------------------------------------------------

    def set_project(self, project) -> None:
        self.panel.editor.load(None)  # an edit of the previous project was saved or dropped by now
        self.project = project
        self._current_id = None
        self._load_clauses()
        self.fill_filters()
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.model.project = project
        if project is None:
            self.model.reload()
            self._show(None)
            return
        self.apply_filters()
        self.refresh_counts()
        self.panel.editor.set_read_only(bool(project and project.read_only))
        self.table.setColumnHidden(COLUMN_INDEX["round"], len(project.rounds()) <= 1)
        if self.model.rowCount():
            self.go_to_row(0)

    def fill_filters(self) -> None:
        """The choices of the filter boxes, keeping what was chosen where it still exists."""
        project = self.project
        self.units = {u.id: u.name for u in project.units()} if project else {}
        combos = (self.round_filter, self.category_filter, self.disposition_filter)
        for combo in combos + (self.unit_filter,):
            combo.blockSignals(True)
        try:
            chosen = self.round_filter.currentData()
            self.round_filter.clear()
            self.round_filter.addItem(tr("全部轮次"), None)
            for rnd in (project.rounds() if project else []):
                self.round_filter.addItem(rnd.label, rnd.number)
            self.round_filter.setCurrentIndex(max(0, self.round_filter.findData(chosen)))
            chosen = self.category_filter.currentData()
            self.category_filter.clear()
            self.category_filter.addItem(tr("全部类别"), None)
            for name in (project.categories() if project else []):
                self.category_filter.addItem(name, name)
            self.category_filter.setCurrentIndex(max(0, self.category_filter.findData(chosen)))
            self._fill_unit_filter()
            for combo in combos:
                self._widen_list(combo)
        finally:
            for combo in combos + (self.unit_filter,):
                combo.blockSignals(False)

    @staticmethod
    def _widen_list(combo: QComboBox) -> None:
        """The open list as wide as its longest entry, the box itself staying as it is."""
        view = combo.view()
        metrics = view.fontMetrics()
        widest = max((metrics.horizontalAdvance(combo.itemText(i)) for i in range(combo.count())), default=0)
        view.setMinimumWidth(widest + 40)

    def _fill_unit_filter(self) -> None:
        chosen = self.unit_filter.currentData()
        category = self.category_filter.currentData()
        self.unit_filter.blockSignals(True)
        self.unit_filter.clear()
        self.unit_filter.addItem(tr("全部单位"), None)
        for unit in (self.project.units() if self.project else []):
            if category in (None, unit.category):
                self.unit_filter.addItem(unit.name, unit.id)
        self.unit_filter.setCurrentIndex(max(0, self.unit_filter.findData(chosen)))
        self.unit_filter.blockSignals(False)
        self._widen_list(self.unit_filter)

    # -- filtering ---------------------------------------------------------------------------

    def filters(self) -> dict:
        return dict(round_number=self.round_filter.currentData(), category=self.category_filter.currentData(),
                    unit_id=self.unit_filter.currentData(), disposition=self.disposition_filter.currentData(),
                    query=self.search.text().strip() or None, **self._clause_filter())

    def _load_clauses(self) -> None:
        """The tree shows the newest draft; with an earlier one, comments of its rounds show on the clauses
        theirs became (``storage.versions.comment_places``)."""
        from storage.versions import comment_places

        project = self.project
        clauses = project.clauses() if project else []
        self.clause_view.set_clauses(clauses)
        self._view_version = None
        self.tree_model.set_clauses(clauses)
        self.tree.expandToDepth(1)
        self.places = comment_places(project) if project is not None and len(project.versions()) > 1 else None

    def _clause_filter(self) -> dict:
        ref = self.tree_model.ref_at(self.tree.currentIndex())
        if ref and self.places is not None:
            return {"clause_ref": None, "clause_origins": self.places.origins(ref)}
        return {"clause_ref": ref}

    def apply_filters(self, *args) -> None:
        if self.project is None:
            return
        if not self.leave_comment():
            return
        keep = self._current_id
        self.model.set_filters(**self.filters())
        self.hits.terms = search_terms(self.search.text())
        ref = self.tree_model.ref_at(self.tree.currentIndex())
        self.clause_chip.setText(tr("条款：{0}  ✕").format(ref) if ref else "")
        self.clause_chip.setVisible(bool(ref))
        self._update_count()
        row = self.model.row_of(keep) if keep is not None else None
        if row is None and self.model.rowCount():
            row = 0
        if row is not None:
            self.go_to_row(row)
        else:
            self._show(None)

    def _update_count(self) -> None:
        shown = self.model.rowCount()
        total = self.tree_model.totals.get(ClauseTreeModel.ALL, (shown,))[0] if self.tree_model.totals else shown
        active = any(v not in (None, "") for v in self.filters().values())
        self.count_label.setText(tr("筛选出 {0} 条（共 {1} 条）").format(shown, total) if active
                                 else tr("共 {0} 条意见").format(shown))

    def set_filter(self, **values) -> None:
        """Choose filters from code (the tests, the statistics page): round_number, category, unit_id, disposition."""
        combos = {"round_number": self.round_filter, "category": self.category_filter,
                  "unit_id": self.unit_filter, "disposition": self.disposition_filter}
        for key, value in values.items():
            if key == "query":
                self.search.setText(value or "")
                continue
            if key == "clause_ref":
                self.tree.setCurrentIndex(self.tree_model.index_of(value))
                continue
            combo = combos[key]
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            combo.blockSignals(False)
            if key == "category":
                self._fill_unit_filter()
        self.apply_filters()

    def _clause_chosen(self, current: QModelIndex, previous: QModelIndex) -> None:
        self.apply_filters()
        ref = self.tree_model.ref_at(current)
        if ref and self.model.rowCount() == 0:
            self.clause_view.show_clause(ref)

    def current_clause_ref(self) -> str | None:
        """The clause being read: the selected comment's, else the one chosen in the tree."""
        comment = self.current_comment()
        return comment.clause_ref if comment is not None else self.tree_model.ref_at(self.tree.currentIndex())

    def show_entered(self, change: Change | None) -> None:
        """After 录入意见: the first comment entered selected (when the filters show it), the table in focus."""
        if change is not None and change.what == "comments" and change.ids:
            self.select_comment(min(change.ids))
        self.table.setFocus()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # -- the selected comment -----------------------------------------------------------------

    def current_comment(self) -> Comment | None:
        index = self.table.currentIndex()
        return self.model.comment_at(index.row()) if index.isValid() else None

    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        if not rows and self.table.currentIndex().isValid():
            rows = [self.table.currentIndex().row()]
        return [self.model.ids[row] for row in rows]

    def go_to_row(self, row: int) -> None:
        """Make ``row`` the one selected row (selectRow would add to a selection while Ctrl is held)."""
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)

    def select_comment(self, comment_id: int) -> bool:
        row = self.model.row_of(comment_id)
        if row is None:
            return False
        self.go_to_row(row)
        return True

    def _row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if self._returning:
            return
        if previous.isValid() and not self.leave_comment():
            self._returning = True
            self.table.selectionModel().setCurrentIndex(
                previous, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            self._returning = False
            return
        self._show(self.model.comment_at(current.row()) if current.isValid() else None)

    def _show(self, comment: Comment | None) -> None:
        self._current_id = comment.id if comment else None
        history = self.project.history(comment.id) if comment and self.project else []
        terms = search_terms(self.search.text())
        self.panel.show_comment(comment, history, self.window.settings.handler, self.units, terms,
                                number=self.model.numbers.get(comment.id) if comment else None)
        if comment is not None and comment.submissions > 1:  # one decision for the whole group
            self.panel.header.setText(self.panel.header.text() + tr("　共{0}人次提出").format(comment.submissions))
        # a comment of an earlier round is read beside the clause it was made on, in that draft
        made_on = self.places.round_versions.get(comment.round_number) if comment and self.places else None
        wanted = made_on if self.places is not None and made_on != self.places.version_number else None
        if wanted != self._view_version and self.project is not None:
            self._view_version = wanted
            self.clause_view.set_clauses(self.project.clauses(wanted))
        if comment is not None:
            self.clause_view.show_clause(comment.clause_ref, comment.quoted_text, terms)
        else:
            self.clause_view.show_clause(self.tree_model.ref_at(self.tree.currentIndex()), "", terms)

    def leave_comment(self) -> bool:
        """Before another comment is shown: save the editor if it was edited; False keeps the user here."""
        editor = self.panel.editor
        if not editor.is_dirty() or self.project is None or self.project.read_only:
            return True
        if editor.problem() is None:
            return self.save()
        answer = self.window.interaction.choose(
            tr("第{0}条意见的处理尚未保存：{1}").format(self.model.numbers.get(editor.comment.id, editor.comment.id),
                                                 editor.problem()),
            [tr("继续填写"), tr("放弃修改")])
        if answer == tr("放弃修改"):
            editor.revert()
            return True
        return False

    # -- deciding ----------------------------------------------------------------------------------

    def _handler(self) -> str:
        return self.window.ensure_handler()

    def save(self) -> bool:
        """Save the editor as one command; False when the ledger refused it."""
        editor = self.panel.editor
        comment = editor.comment
        if comment is None or self.project is None or self.project.read_only:
            return False
        if not editor.is_dirty():
            return True
        disposition, reason, work_item, handler = editor.values()
        if not handler:
            handler = self._handler()
        command = SetDisposition(self.project, comment.id, disposition, reason=reason, work_item=work_item,
                                 handler=handler, who=handler)
        change = self.window.bridge.run(command)
        if change is None:
            return False
        return True

    def save_and_next(self) -> None:
        """Ctrl+Enter: save the editor and go on to the next comment still 待处理."""
        if not self.save():
            return
        self.next_pending()

    def next_pending(self) -> None:
        current = self.table.currentIndex().row()
        filters = {k: v for k, v in self.model.filters.items() if k != "disposition"}
        pending = self.project.comment_ids(order=self.model.order_sql(), disposition=Disposition.PENDING, **filters)
        rows = self.model.row_index()
        candidates = sorted(rows[i] for i in pending if i in rows and i != self._current_id)
        if not candidates:
            self.status.emit(tr("没有待处理的意见了。"))
            return
        after = [r for r in candidates if r > current]
        row = after[0] if after else candidates[0]
        self.go_to_row(row)

    def set_disposition(self, disposition: Disposition) -> None:
        """A disposition key: decide the selected comments, or prepare the editor when a reason is owed."""
        if self.project is None or self.project.read_only:
            return
        ids = self.selected_ids()
        if not ids:
            return
        handler = self.window.settings.handler
        editor = self.panel.editor
        if len(ids) == 1 and editor.is_dirty() and editor.comment is not None and editor.comment.id == ids[0]:
            editor.set_disposition(disposition)  # keep what was typed: the key only changes the disposition
            if editor.problem() is None:
                self.save()
            return
        if len(ids) == 1:
            comment = self.current_comment()
            needs_text = (disposition.needs_reason and not comment.reason.strip()) or (
                disposition is Disposition.IN_WORK and not comment.work_item.strip())
            if needs_text:
                editor.set_disposition(disposition)
                self.panel.tabs.setCurrentIndex(0)
                target = editor.reason if not editor.reason.toPlainText().strip() else editor.work_item
                target.setFocus()
                self.status.emit(tr("请填写理由或说明，然后按 Ctrl+Enter 保存。"))
                return
            command = SetDisposition(self.project, comment.id, disposition,
                                     handler=None if comment.handler else (handler or None), who=handler)
        else:
            command = SetDispositions(self.project, ids, disposition, who=handler)
        self.window.bridge.run(command)

    def move(self, step: int) -> None:
        row = self.table.currentIndex().row() + step
        if 0 <= row < self.model.rowCount():
            self.go_to_row(row)

    def edit_comment(self) -> None:
        from ui.comment_dialog import CommentEditDialog

        comment = self.current_comment()
        if comment is None or self.project is None or self.project.read_only:
            return
        clauses = self.project.draft_for_round(comment.round_number).clauses  # the draft its round consulted on
        dialog = CommentEditDialog(comment, clauses, self.project.units(), self)
        if dialog.exec():
            fields = dialog.changed_fields()
            if fields:
                self.window.bridge.run(EditComment(self.project, comment.id, who=self.window.settings.handler,
                                                   **fields))

    def delete_comment(self) -> None:
        comment = self.current_comment()
        if comment is None or self.project is None or self.project.read_only:
            return
        self.window.bridge.run(DeleteComment(self.project, comment.id))

    def _context_menu(self, point) -> None:
        if self.project is None:
            return
        menu = QMenu(self)
        for action in self.window.disposition_actions:
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.window.edit_comment_action)
        menu.addAction(self.window.delete_comment_action)
        menu.exec(self.table.viewport().mapToGlobal(point))

    # -- after a change -----------------------------------------------------------------------------

    def refresh_counts(self) -> None:
        if self.project is not None:
            if self.places is not None:
                from storage.versions import clause_comment_counts

                self.tree_model.update_counts(clause_comment_counts(self.project, self.places))
            else:
                self.tree_model.update_counts(clause_counts(self.project))
        self._update_count()

    def apply_change(self, change: Change) -> None:
        """Refresh only what ``change`` names."""
        if self.project is None:
            return
        if change.what == "comments":
            keep = self._current_id
            row_before = self.table.currentIndex().row()
            reloaded = self.model.refresh(change.ids)
            self.refresh_counts()
            if reloaded:
                if keep is not None and self.model.row_of(keep) is not None:
                    self.select_comment(keep)
                elif self.model.rowCount():
                    row = min(max(row_before, 0), self.model.rowCount() - 1)
                    self.go_to_row(row)
                    self._show(self.model.comment_at(row))
                else:
                    self._show(None)
            elif keep in change.ids:
                self._show(self.model.comment_at(self.model.row_of(keep)))
            elif len(change.ids) == 1 and self.model.row_of(change.ids[0]) is not None:
                self.select_comment(change.ids[0])  # an undo shows what it undid
        elif change.what == "versions":  # a new draft, or matches corrected: comments move with them
            from storage.versions import comment_places

            newest = self.project.versions()[-1].number
            if newest != (self.places.version_number if self.places is not None else 1):
                self._load_clauses()
            elif self.places is not None:
                self.places = comment_places(self.project)
            self.refresh_counts()
            self.apply_filters()
        elif change.what == "clauses":  # the tree fixed by hand: clauses and comments moved
            self._load_clauses()
            self.refresh_counts()
            self.apply_filters()
        elif change.what in ("units", "rounds", "categories", "plan"):
            self.fill_filters()
            if change.what == "rounds" and self.places is not None:  # a round on the newest draft, say
                from storage.versions import comment_places

                self.places = comment_places(self.project)
            if change.what == "units":
                self.units = {u.id: u.name for u in self.project.units()}
            if change.what == "rounds":  # a second round (an online one, say) makes the round column worth showing
                self.table.setColumnHidden(COLUMN_INDEX["round"], len(self.project.rounds()) <= 1)

    def state(self) -> dict:
        return {"splitter": self.splitter.saveState(), "right": self.right_splitter.saveState(),
                "table": self.table.horizontalHeader().saveState()}

    def restore_state(self, state: dict) -> None:
        if state.get("splitter") is not None:
            self._sized = self.splitter.restoreState(state["splitter"])
        if state.get("right") is not None:
            self.right_splitter.restoreState(state["right"])
        if state.get("table") is not None:
            self.table.horizontalHeader().restoreState(state["table"])
