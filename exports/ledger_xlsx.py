"""The summary ledger (征求意见汇总处理表) as an .xlsx workbook.

Sheet 1 lists the comments (all, or the filtered view: the same filters as
``Project.comment_ids``) with auto-filter, frozen header, wrapped text and an A4
landscape print setup repeating the header; sheet 2 gives each unit's reply status.

It streams (openpyxl write-only mode), so 100,000 comments take little memory.
Body cells carry no style of their own: the workbook's default cell format is the
body format (仿宋, wrapped, top-aligned), which keeps the export nearly as fast as
writing bare values; printed grid lines draw the table. The header row is built
from prepared styled cells, and text a spreadsheet would take for a formula is
written as a quote-prefixed string cell.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Callable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList

from exports.saving import DocumentError, atomic_save
from exports.xlsx_safety import (MAX_CELL_CHARS, clean_cell_text, guarded_cell, has_control_characters,
                                 needs_text_guard)
from exports.adoption_table import UNPLACED_CAPTION, disposition_note
from feedback.duplicates import Cancelled
from feedback.explanation_text import plain_title, quoted_title
from feedback.vocabulary import UNPLACED_CLAUSE_REF, ClauseKind
from storage.faults import os_reason
from storage.numbering import fix_numbers

LEDGER_SHEET = "意见汇总处理表"
REPLIES_SHEET = "各单位反馈情况"
LEDGER_HEADERS = ("序号", "提出单位", "单位类别", "条款", "意见内容", "修改建议", "处理意见", "理由/说明", "处理人", "日期")
LEDGER_WIDTHS = (6, 20, 10, 24, 52, 34, 11, 40, 9, 11)
REPLY_HEADERS = ("序号", "单位", "单位类别", "轮次", "反馈情况", "反馈日期", "意见条数")
REPLY_WIDTHS = (6, 34, 12, 8, 18, 12, 10)
HEADER_ROW = 2
_CHUNK = 2000
_GUARD_STARTS = frozenset("=+-@ \t\r\n\u3000")

_BODY_FONT = Font(name="仿宋", size=11)
_BODY_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
_HEADER_FONT = Font(name="黑体", size=11, bold=True)
_TITLE_FONT = Font(name="黑体", size=16, bold=True)
_NOTE_FONT = Font(name="仿宋", size=11)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_THIN = Side(style="thin", color="808080")
_HEADER_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


# Characters per line of each wrapped column (width minus padding); a CJK character
# counts two, estimated from its UTF-8 length at C speed.
_WRAPPED = tuple((index, max(LEDGER_WIDTHS[index] - 1.5, 1)) for index in (1, 3, 4, 5, 7))
_LINE_POINTS = 14.5


def _display_width(text: str) -> float:
    return len(text) + (len(text.encode("utf-8")) - len(text)) / 2


def _row_height(row: list) -> float | None:
    """The height (points) a row of wrapped text needs, None for a single line."""
    lines = 1
    for index, per_line in _WRAPPED:
        text = row[index]
        if text.__class__ is not str:
            text = getattr(text, "value", None) or ""
        if "\n" in text:
            count = sum(-(-_display_width(part) // per_line) or 1 for part in text.split("\n"))
        elif len(text) * 2 <= per_line:
            continue
        else:  # one paragraph, the usual case
            count = -(-_display_width(text) // per_line)
        if count > lines:
            lines = count
    return min(lines * _LINE_POINTS + 3, 409) if lines > 1 else None


def _use_body_format_by_default(workbook: Workbook) -> StyleArray:
    """Make the default cell format (style 0) the body format; return it.

    Cells written without a style then look like body cells, at no cost per cell.
    """
    workbook._fonts = IndexedList([_BODY_FONT])
    workbook._alignments = IndexedList([Alignment(), _BODY_ALIGNMENT])
    body = StyleArray()
    body.alignmentId = 1
    workbook._cell_styles = IndexedList([body])
    # LibreOffice takes a cell without a style from the Normal cell style instead
    normal = workbook._named_styles["Normal"]
    normal.font = _BODY_FONT
    normal.alignment = _BODY_ALIGNMENT
    return body


def _styled(ws, value, *, font=None, fill=None, border=None, alignment=None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value)
    if isinstance(value, str) and needs_text_guard(value):  # a plan title typed as ``=…``
        cell.data_type = "s"
        cell.quotePrefix = True
    if font:
        cell.font = font
    if fill:
        cell.fill = fill
    if border:
        cell.border = border
    cell.alignment = alignment or _BODY_ALIGNMENT
    return cell


def _text(ws, text: str, body: StyleArray):
    """User text for a plain cell: as it is, or a guarded string cell when it looks like a formula."""
    return guarded_cell(ws, text, body) if text and needs_text_guard(text) else text


def _setup_sheet(ws, widths, title_rows: str, body: StyleArray) -> None:
    for index, width in enumerate(widths, 1):
        dimension = ws.column_dimensions[get_column_letter(index)]
        dimension.width = width
        # LibreOffice formats a cell without a style of its own like its column
        dimension._style = StyleArray(body)
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.print_title_rows = title_rows
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def _header(ws, headers) -> list:
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    return [_styled(ws, text, font=_HEADER_FONT, fill=_HEADER_FILL, border=_HEADER_BORDER, alignment=center)
            for text in headers]


def ledger_title(plan) -> str:
    """``《…》征求意见汇总处理表``: the title style of every document (no draft mark).

    >>> from feedback.ledger import Plan
    >>> ledger_title(Plan(title='某某行动计划（征求意见稿）'))
    '《某某行动计划》征求意见汇总处理表'
    """
    return f"{quoted_title(plan)}征求意见汇总处理表" if plain_title(plan.title) else "征求意见汇总处理表"


def set_workbook_properties(workbook: Workbook, title: str, unit: str) -> None:
    """The file's own properties: its title and the drafting unit (never the library's name)."""
    from datetime import datetime, timezone

    props = workbook.properties
    props.title = title
    props.creator = unit or "意见通"
    props.lastModifiedBy = unit or "意见通"
    props.created = props.modified = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)


def _clause_titles(project) -> dict[tuple[int, str], str]:
    """(version, ref) → ``ref heading`` for the clause column."""
    titles = {}
    for version in {r.version_number for r in project.rounds()}:
        for clause in project.clauses(version):
            heading = clause.heading if clause.kind is not ClauseKind.PREAMBLE else ""
            titles[(version, clause.ref)] = f"{clause.ref} {heading}".strip()
    return titles


def export_ledger(project, path, *, order: str | None = None, today: date | None = None,
                  progress: Callable[[int, int], bool] | None = None, **filters) -> int:
    """Write the ledger of the comments matching ``filters`` (all when none); return the row count.

    序号 is the project's one numbering (``storage.numbering``), the rows in its order
    unless ``order`` says otherwise. ``progress(done, total)`` returning False stops
    and leaves no file (raises ``Cancelled``).
    """
    path = Path(path)
    numbers = fix_numbers(project)
    if order is None:  # in the order of the numbers, sorted here rather than by the database
        ids = sorted(project.comment_ids(order="c.id", **filters), key=numbers.__getitem__)
    else:
        ids = project.comment_ids(order=order, **filters)
    version_of = {r.number: r.version_number for r in project.rounds()}
    titles = _clause_titles(project)
    plan = project.plan()
    workbook = Workbook(write_only=True)
    body = _use_body_format_by_default(workbook)

    ws = workbook.create_sheet(LEDGER_SHEET)
    _setup_sheet(ws, LEDGER_WIDTHS, f"{HEADER_ROW}:{HEADER_ROW}", body)
    last = HEADER_ROW + len(ids)
    ws.auto_filter.ref = f"A{HEADER_ROW}:J{max(last, HEADER_ROW + 1)}"
    ws.print_area = f"A1:J{max(last, HEADER_ROW)}"
    title = ledger_title(plan)
    ws.append([_styled(ws, title, font=_TITLE_FONT, alignment=Alignment(vertical="center"))])
    ws.append(_header(ws, LEDGER_HEADERS))

    total = len(ids)
    row_number = HEADER_ROW
    dimensions = ws.row_dimensions
    for start in range(0, total, _CHUNK):
        chunk = ids[start:start + _CHUNK]
        comments = project.comments_by_ids(chunk)
        for comment_id in chunk:
            c = comments[comment_id]
            row_number += 1
            unit = c.unit_name if c.submissions <= 1 else f"{c.unit_name}（{c.submissions}人次）"
            clause = UNPLACED_CAPTION if c.clause_ref == UNPLACED_CLAUSE_REF else \
                titles.get((version_of.get(c.round_number), c.clause_ref), c.clause_ref)
            reason = disposition_note(c)
            row = [numbers[comment_id], unit, c.category, clause, c.body, c.proposed_wording,
                   c.disposition.label, reason, c.handler, c.decided_on.isoformat() if c.decided_on else None]
            for index in (1, 2, 3, 4, 5, 7, 8):
                text = row[index]
                if not text:
                    row[index] = None
                    continue
                if len(text) > MAX_CELL_CHARS or has_control_characters(text):
                    text = row[index] = clean_cell_text(text)
                if text[0] in _GUARD_STARTS and needs_text_guard(text):
                    row[index] = guarded_cell(ws, text, body)
            # Excel fits wrapped rows itself, LibreOffice and printing need the height written
            height = _row_height(row)
            if height:  # the writer reads a row's attributes as a mapping; a plain one is cheapest
                dimensions[row_number] = {"ht": str(height), "customHeight": "1"}
            ws.append(row)
            if height:
                del dimensions[row_number]
        if progress and progress(min(start + _CHUNK, total), total) is False:
            cancelled = True
            break
    else:
        cancelled = False
        _write_replies(workbook, project, today, body)
    set_workbook_properties(workbook, title, plan.drafting_unit)

    def write(temporary: str) -> None:
        workbook.save(temporary)  # also when cancelled: closes the streams it opened
        if cancelled:
            raise Cancelled

    try:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise DocumentError(f"无法建立文件夹“{path.parent}”：{os_reason(error)}。") from error
        atomic_save(path, write, suffix=".xlsx")
    except DocumentError:
        for sheet in workbook.worksheets:  # never saved: close its streams now, not noisily at exit
            if not sheet.closed:
                sheet.close()
        raise
    return total


def _write_replies(workbook: Workbook, project, today: date | None, body: StyleArray) -> None:
    ws = workbook.create_sheet(REPLIES_SHEET)
    _setup_sheet(ws, REPLY_WIDTHS, f"{HEADER_ROW}:{HEADER_ROW}", body)
    replies = project.replies(today=today)
    ws.auto_filter.ref = f"A{HEADER_ROW}:G{HEADER_ROW + max(len(replies), 1)}"
    statistics = project.statistics(today=today)
    ws.append([_styled(ws, statistics.sentence, font=_NOTE_FONT,
                       alignment=Alignment(wrap_text=False, vertical="center"))])
    ws.append(_header(ws, REPLY_HEADERS))
    by_round = {}
    for number, reply in enumerate(replies, 1):
        if reply.round_number not in by_round:
            by_round[reply.round_number] = project.statistics(reply.round_number, today=today).by_unit
        count = by_round[reply.round_number].get(reply.unit_name, 0)
        ws.append([number, _text(ws, reply.unit_name, body), _text(ws, reply.category, body),
                   reply.round_number, reply.state.label,
                   reply.replied_on.isoformat() if reply.replied_on else None, count])

