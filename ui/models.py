"""Qt models over the project: the clause tree and the lazy comment ledger.

The ledger model holds only the ordered ids of the comments that pass the
filters and loads the comments themselves a page at a time, so a ledger of
100,000 comments opens and scrolls as fast as one of 30.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QFont, QStandardItem, QStandardItemModel

from feedback.draft import Clause
from feedback.ledger import Comment
from feedback.vocabulary import GENERAL_CLAUSE_REF, UNPLACED_CLAUSE_REF, Disposition
from storage.numbering import comment_numbers
from ui.style import DISPOSITION_BACKGROUNDS, DISPOSITION_COLOURS, ERROR, MUTED, WARNING
from ui.text import tr

COMMENT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
REF_ROLE = Qt.ItemDataRole.UserRole + 3
_TIP_ROLE = Qt.ItemDataRole.UserRole + 4

_CATEGORY_POSITION = "(SELECT k.position FROM categories k WHERE k.name = u.category)"
_CLAUSE_POSITION = "(SELECT k.position FROM clauses k WHERE k.ref = c.clause_ref AND k.version_id = r.version_id)"
_DISPOSITION_ORDER = "CASE c.disposition " + " ".join(
    f"WHEN '{d.value}' THEN {i}" for i, d in enumerate(Disposition)) + " END"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    order: tuple[str, ...]  # SQL expressions over comments c, rounds r, units u
    width: int


COLUMNS = (
    Column("id", "序号", ("c.id",), 52),  # shown and sorted by the one numbering of every document
    Column("unit", "单位", (_CATEGORY_POSITION, "u.id"), 124),
    Column("clause", "条款", (_CLAUSE_POSITION,), 86),
    Column("disposition", "处理", (_DISPOSITION_ORDER,), 92),
    Column("body", "意见内容", ("c.body",), 360),
    Column("reason", "理由或说明", ("c.reason",), 220),
    Column("category", "类别", (_CATEGORY_POSITION,), 76),
    Column("round", "轮次", ("r.number",), 48),
    Column("handler", "经办人", ("c.handler",), 70),
)
COLUMN_INDEX = {column.key: i for i, column in enumerate(COLUMNS)}


def one_line(text: str, limit: int = 200) -> str:
    """Text for a table cell: on one line, cut at ``limit`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def group_badge(submissions: int) -> str:
    """The mark of a comment standing for a group of public submissions.

    >>> group_badge(10001), group_badge(1)
    ('〔×10001〕', '')
    """
    return f"〔×{submissions}〕" if submissions > 1 else ""


class CommentTableModel(QAbstractTableModel):
    """The comments passing the current filters, in the chosen order, loaded page by page."""

    PAGE = 100
    CACHE = 3000

    def __init__(self, parent=None):
        super().__init__(parent)
        self.project = None
        self.filters: dict[str, Any] = {}
        self.ids: list[int] = []
        self._rows: dict[int, int] | None = None
        self._cache: OrderedDict[int, Comment] = OrderedDict()
        self._sort_column = COLUMN_INDEX["id"]
        self._sort_order = Qt.SortOrder.AscendingOrder
        self.numbers: dict[int, int] = {}
        self._numbers_of: tuple | None = None
        self.fetches = 0  # how many pages were read; the tests watch it stay small
        self._earlier: dict[int, int] = {}  # round → its draft, for rounds on a draft older than the newest

    # -- what is shown ---------------------------------------------------------

    def set_project(self, project) -> None:
        self.project = project
        self.filters = {}
        self.reload()

    def set_filters(self, **filters) -> None:
        self.filters = {k: v for k, v in filters.items() if v not in (None, "")}
        self.reload()

    def order_sql(self) -> str:
        direction = " DESC" if self._sort_order == Qt.SortOrder.DescendingOrder else ""
        parts = [expr + direction for expr in COLUMNS[self._sort_column].order]
        if COLUMNS[self._sort_column].key != "id":
            parts.append("c.id")
        return ", ".join(parts)

    @property
    def marks_drafts(self) -> bool:
        """Whether clause references of earlier rounds carry their draft (``三（二）4〔第1稿〕``)."""
        return bool(self._earlier)

    def reload(self) -> None:
        """Fetch the ids again (filters or order changed, comments added or removed)."""
        self.beginResetModel()
        self.ids = self.project.comment_ids(order=self.order_sql(), **self.filters) if self.project else []
        # rounds held on an earlier draft than the newest: their clause references are marked with the draft
        rounds = self.project.rounds() if self.project else []
        newest = max((v.number for v in self.project.versions()), default=0) if self.project else 0
        self._earlier = {r.number: r.version_number for r in rounds if r.version_number < newest}
        self._load_numbers()
        if COLUMNS[self._sort_column].key == "id":  # 序号 is the comments' number, not their id
            self.ids.sort(key=lambda i: self.numbers.get(i, 0),
                          reverse=self._sort_order == Qt.SortOrder.DescendingOrder)
        self._rows = None
        self._cache.clear()
        self.endResetModel()

    def _load_numbers(self) -> None:
        """The comments' numbers (``storage.numbering``), read again for another project or
        when comments were added or removed."""
        if self.project is None:
            self.numbers, self._numbers_of = {}, None
            return
        key = (id(self.project), self.project.count_comments())
        if key != self._numbers_of:
            self.numbers, self._numbers_of = comment_numbers(self.project), key

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self._sort_column, self._sort_order = column, order
        self.reload()

    def refresh(self, ids: Sequence[int]) -> bool:
        """Show the current state of these comments; True when rows came or went (ids reloaded)."""
        if not self.project or not ids:
            return False
        fresh = self.project.comments_by_ids(list(ids))
        rows = self.row_index() if len(ids) > 20 else self._rows_of(ids)
        came_or_went = any((i in rows) != (i in fresh) for i in ids)
        if came_or_went:
            self.reload()
            return True
        for comment_id, comment in fresh.items():
            if comment_id in rows:
                self._cache[comment_id] = comment
                row = rows[comment_id]
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        return False

    # -- rows ----------------------------------------------------------------------

    def row_index(self) -> dict[int, int]:
        if self._rows is None:
            self._rows = {comment_id: row for row, comment_id in enumerate(self.ids)}
        return self._rows

    def _rows_of(self, ids: Sequence[int]) -> dict[int, int]:
        """Rows of a few ids without indexing every row (a list scan in C is quick enough)."""
        if self._rows is not None:
            return {i: self._rows[i] for i in ids if i in self._rows}
        found = {}
        for comment_id in ids:
            try:
                found[comment_id] = self.ids.index(comment_id)
            except ValueError:
                pass
        return found

    def row_of(self, comment_id: int) -> int | None:
        return self._rows_of([comment_id]).get(comment_id)

    def comment_at(self, row: int) -> Comment | None:
        if not 0 <= row < len(self.ids):
            return None
        comment_id = self.ids[row]
        comment = self._cache.get(comment_id)
        if comment is None:
            start = row - row % self.PAGE
            page = self.ids[start:start + self.PAGE]
            self.fetches += 1
            for key, value in self.project.comments_by_ids(page).items():
                self._cache[key] = value
            while len(self._cache) > self.CACHE:
                self._cache.popitem(last=False)
            comment = self._cache.get(comment_id)
        else:
            self._cache.move_to_end(comment_id)
        return comment

    # -- QAbstractTableModel ---------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(COLUMNS[section].header)
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role == ID_ROLE:
            return self.ids[index.row()]
        comment = self.comment_at(index.row())
        if comment is None:
            return None
        key = COLUMNS[index.column()].key
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "id":
                return str(self.numbers.get(comment.id, ""))
            if key == "clause" and comment.round_number in self._earlier:
                return f"{comment.clause_ref}〔第{self._earlier[comment.round_number]}稿〕"
            return self._display(comment, key)
        if role == COMMENT_ROLE:
            return comment
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "body":
                if comment.submissions > 1:  # a group of identical or near-identical public comments
                    return tr("{0}人次提出相同或相近的意见，处理意见对这一组全部适用：\n{1}").format(
                        comment.submissions, comment.body)
                return comment.body
            if key == "clause" and comment.round_number in self._earlier:
                return tr("第{0}轮的意见，针对第{1}稿的{2}").format(
                    comment.round_number, self._earlier[comment.round_number], comment.clause_ref)
            if key == "reason":
                return comment.reason or (tr("尚未填写理由或说明") if comment.reason_missing else None)
            if key == "disposition" and comment.reason_missing:
                return tr("“{0}”尚未填写理由或说明").format(comment.disposition.label)
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if key == "disposition":
                return QBrush(DISPOSITION_COLOURS[comment.disposition])
            if key == "reason" and comment.reason_missing:
                return QBrush(ERROR)
            if key in ("id", "round", "category", "handler"):
                return QBrush(MUTED)
            return None
        if role == Qt.ItemDataRole.BackgroundRole and key == "disposition":
            return QBrush(DISPOSITION_BACKGROUNDS[comment.disposition])
        if role == Qt.ItemDataRole.FontRole and key == "disposition" and \
                comment.disposition is Disposition.PENDING:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and key in ("id", "round"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _display(comment: Comment, key: str) -> str:
        if key == "id":
            return str(comment.id)
        if key == "round":
            return str(comment.round_number)
        if key == "unit":
            return comment.unit_name
        if key == "category":
            return comment.category
        if key == "clause":
            return comment.clause_ref
        if key == "body":
            return group_badge(comment.submissions) + one_line(comment.body)
        if key == "disposition":
            return comment.disposition.label + (" ！" if comment.reason_missing else "")
        if key == "reason":
            if comment.reason_missing:
                return tr("（缺理由）")
            text = comment.reason
            if comment.disposition is Disposition.IN_WORK and comment.work_item:
                text = f"〔{comment.work_item}〕{text}"
            return one_line(text)
        if key == "handler":
            return comment.handler
        return ""


def clause_counts(project) -> dict[str, tuple[int, int]]:
    """Comments per clause reference: (all, still 待处理), from one grouped query."""
    return project.clause_counts()


class ClauseTreeModel(QStandardItemModel):
    """The clauses of the newest draft, each with its number of comments and of those 待处理.

    Column 1 counts the clause with everything under it (a section shows the
    comments on its tasks); when the clause itself has comments as well as its
    children, their own number follows in brackets. Column 2 marks the open ones.
    """

    ALL = "__all__"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setHorizontalHeaderLabels([tr("条款"), tr("意见"), tr("待处理")])
        self._items: dict[str, QStandardItem] = {}
        self._children: dict[str, list[str]] = {}
        self._parents: dict[str, str | None] = {}
        self.totals: dict[str, tuple[int, int, int, int]] = {}

    def set_clauses(self, clauses: Sequence[Clause]) -> None:
        self.removeRows(0, self.rowCount())
        self._items.clear()
        self.totals = {}  # new rows: every count is written afresh
        self._children = {self.ALL: []}
        self._parents = {}
        root = self._row(self.ALL, tr("全部意见"), None, bold=True)
        self.appendRow(root)
        for clause in clauses:
            parent_ref = clause.parent_ref if clause.parent_ref in self._items else self.ALL
            row = self._row(clause.ref, clause.display, clause)
            self._items[parent_ref].appendRow(row)
            self._children.setdefault(parent_ref, []).append(clause.ref)
            self._parents[clause.ref] = parent_ref
        for ref in (GENERAL_CLAUSE_REF, UNPLACED_CLAUSE_REF):
            if ref not in self._items:
                root[0].appendRow(self._row(ref, tr(ref), None))
                self._children[self.ALL].append(ref)
                self._parents[ref] = self.ALL

    def _row(self, ref: str, text: str, clause: Clause | None, bold: bool = False) -> list[QStandardItem]:
        item = QStandardItem(text)
        item.setData(ref, REF_ROLE)
        item.setEditable(False)
        item.setData(f"{clause.ref}　{clause.display}" if clause is not None else text, _TIP_ROLE)
        if bold:
            font = item.font()
            font.setBold(True)
            item.setFont(font)
        count, pending = QStandardItem(""), QStandardItem("")
        for cell in (count, pending):
            cell.setEditable(False)
            cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            cell.setData(ref, REF_ROLE)
        pending.setForeground(QBrush(WARNING))
        self._items[ref] = item
        return [item, count, pending]

    def update_counts(self, own: dict[str, tuple[int, int]]) -> None:
        """Write the counts; ``own`` is per reference (all, pending), as ``clause_counts`` gives it."""
        shown, self.totals = self.totals, {}

        def walk(ref: str) -> tuple[int, int]:
            total, pending = own.get(ref, (0, 0))
            if ref == self.ALL:
                total = sum(t for t, _ in own.values())
                pending = sum(p for _, p in own.values())
                for child in self._children.get(ref, []):
                    walk(child)
            else:
                for child in self._children.get(ref, []):
                    child_total, child_pending = walk(child)
                    total += child_total
                    pending += child_pending
            own_total, own_pending = own.get(ref, (0, 0)) if ref != self.ALL else (total, pending)
            self.totals[ref] = (total, pending, own_total, own_pending)
            if shown.get(ref) != self.totals[ref]:  # only the rows whose numbers changed are redrawn
                self._show(ref, total, pending, own_total)
            return total, pending

        walk(self.ALL)

    def _show(self, ref: str, total: int, pending: int, own_total: int) -> None:
        item = self._items[ref]
        parent = item.parent() or self.invisibleRootItem()
        count_item = parent.child(item.row(), 1)
        pending_item = parent.child(item.row(), 2)
        if total == 0:
            text = ""
        elif 0 < own_total < total:
            text = tr("{0}（本条{1}）").format(total, own_total)
        else:
            text = str(total)
        count_item.setText(text)
        pending_item.setText(f"● {pending}" if pending else "")
        tip = tr("共{0}条意见，其中本条{1}条；{2}条待处理").format(total, own_total, pending) if total else \
            tr("没有意见")
        item.setToolTip(item.data(_TIP_ROLE) + "\n" + tip)
        count_item.setToolTip(tip)
        pending_item.setToolTip(tip)
        colour = None if total else QBrush(MUTED)
        item.setForeground(colour if colour is not None else QBrush())

    def index_of(self, ref: str | None) -> QModelIndex:
        item = self._items.get(ref or self.ALL)
        return item.index() if item else QModelIndex()

    def ref_at(self, index: QModelIndex) -> str | None:
        ref = index.data(REF_ROLE)
        return None if ref in (None, self.ALL) else ref
