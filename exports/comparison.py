"""The 修改对照表: the clauses one version changed, old text beside new, with the comments behind each change.

As a Word document in the official format (landscape A4, one table: 序号 | 条款 (its
number in the old and the new draft) | 原条款 | 修改后条款 | 修改说明/依据意见) and as an
Excel workbook, one row per changed clause (a 款 repeating its article's text is the
article's row). In the old text the words
taken out are struck through; in the new text the words put in are bold and
underlined. The last column names the change and the comments behind it (unit and
disposition, from the ledger), then the drafter's own note.

>>> COLUMN_HEADERS
('序号', '条款', '原条款', '修改后条款', '修改说明/依据意见')
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from feedback.progress import Progress, silent
from exports.official_format import (LANDSCAPE, SIZE_SMALL_4, STYLE_ADDRESSEE, STYLE_TABLE_TEXT, Column,
                                     DocumentError, OfficialDocument, Span, atomic_save, xml_safe)
from exports.xlsx_safety import MAX_CELL_CHARS, clean_cell_text, needs_text_guard, set_text
from feedback.explanation_text import quoted_title
from feedback.revision import DiffRun, Relation, new_pieces, old_pieces
from storage.versions import VersionChange, changes_between


COLUMN_HEADERS = ("序号", "条款", "原条款", "修改后条款", "修改说明/依据意见")
# millimetres, scaled to the 225 mm landscape text block
COLUMNS = [Column("序号", 12, "center"), Column("条款", 24, "center"), Column("原条款", 72, "both"),
           Column("修改后条款", 72, "both"), Column("修改说明/依据意见", 45, "left")]
LEGEND = "说明：原条款中删去的文字以删除线标示，修改后条款中增加的文字以加粗下划线标示；仅因增删条款而顺延序号的条款未列出。"
SHEET_TITLE = "修改对照表"


def comparison_title(project) -> str:
    """``《…》修改对照表``."""
    return f"{quoted_title(project.plan())}修改对照表"


def versions_caption(from_version: int, to_version: int) -> str:
    return f"（第{from_version}稿与第{to_version}稿对照）"


def change_caption(change: VersionChange) -> str:
    """What was done, in words: ``修改``, ``新增``, ``删除``, ``拆分为2条``, ``由2条合并``, with renumbering.

    >>> from feedback.revision import ChangeGroup
    >>> change_caption(VersionChange(ChangeGroup(['二（二）3'], ['二（二）4'], Relation.MODIFIED, 90, True), [], [], []))
    '修改（原二（二）3，现为二（二）4）'
    """
    group = change.group
    if group.relation is Relation.SPLIT:
        return f"拆分为{len(group.to_refs)}条"
    if group.relation is Relation.MERGED:
        return f"由{len(group.from_refs)}条合并为1条"
    if group.relation in (Relation.MODIFIED, Relation.RENUMBERED, Relation.SAME):
        if group.from_refs != group.to_refs:
            return f"{group.relation.label}（原{'、'.join(group.from_refs)}，现为{'、'.join(group.to_refs)}）"
        return group.relation.label
    return group.relation.label


def clause_numbers(change: VersionChange) -> str:
    """The clause's number in the old and the new draft: ``二（二）3``, or ``原二（二）3`` and ``现二（二）4``
    on two lines.

    >>> from feedback.revision import ChangeGroup
    >>> clause_numbers(VersionChange(ChangeGroup(['第六条'], ['第七条'], Relation.MODIFIED, 90, True), [], [], []))
    '原第六条\\n现第七条'
    >>> clause_numbers(VersionChange(ChangeGroup([], ['第八条'], Relation.INSERTED, 0, True), [], [], []))
    '现第八条'
    """
    old, new = "、".join(change.group.from_refs), "、".join(change.group.to_refs)
    if old == new:
        return old
    return "\n".join(part for part in (f"原{old}" if old else "", f"现{new}" if new else "") if part)


def basis_text(change: VersionChange) -> str:
    """``依据意见：市财政局（采纳）；市住建局（部分采纳）``, or empty."""
    if not change.comments:
        return ""
    return "依据意见：" + "；".join(f"{c.unit_name}（{c.disposition.label}）" for c in change.comments)


def note_text(change: VersionChange) -> str:
    """The whole 修改说明/依据意见 cell: what was done, the comments behind it, the drafter's note."""
    lines = [change_caption(change)]
    basis = basis_text(change)
    if basis:
        lines.append(basis)
    if change.note:
        lines.append(change.note)
    return "\n".join(lines)


@dataclass
class ComparisonRow:
    """One row of the table: the change, its diff and the texts of its cells."""

    number: int
    change: VersionChange
    runs: list[DiffRun]

    @property
    def old_text(self) -> str:
        return self.change.old_text

    @property
    def new_text(self) -> str:
        return self.change.new_text

    @property
    def note(self) -> str:
        return note_text(self.change)

    def old_spans(self) -> list[Span]:
        return [Span(xml_safe(text), strike=deleted) for text, deleted in old_pieces(self.runs)]

    def new_spans(self) -> list[Span]:
        return [Span(xml_safe(text), bold=inserted, underline=inserted) for text, inserted in new_pieces(self.runs)]

    def cells(self) -> list:
        return [str(self.number), clause_numbers(self.change), self.old_spans(), self.new_spans(),
                xml_safe(self.note)]


def _texts(clauses) -> tuple[str, ...]:
    return tuple(c.text.strip() for c in clauses)


def _repeats_its_article(change: VersionChange, changes: Sequence[VersionChange]) -> bool:
    """A 款 whose text is its article's own text (the first 款), the article changed alike."""
    parents = {c.parent_ref for c in [*change.old_clauses, *change.new_clauses]}
    for other in changes:
        if other is change or not parents & {c.ref for c in [*other.old_clauses, *other.new_clauses]}:
            continue
        if _texts(other.old_clauses) == _texts(change.old_clauses) and \
                _texts(other.new_clauses) == _texts(change.new_clauses):
            return True
    return False


def comparison_rows(project, from_version: int, to_version: int, *, include_renumbered: bool = False,
                    progress: Progress | None = None) -> list[ComparisonRow]:
    """The rows of the table, in draft order (see ``storage.versions.changes_between``),
    one per changed clause."""
    changes = changes_between(project, from_version, to_version, include_renumbered=include_renumbered,
                              progress=progress)
    changes = [c for c in changes if not _repeats_its_article(c, changes)]
    return [ComparisonRow(number, change, change.runs) for number, change in enumerate(changes, start=1)]


def build_comparison(project, from_version: int, to_version: int, *, include_renumbered: bool = False,
                     progress: Progress | None = None) -> OfficialDocument:
    """The landscape Word document: title, which versions, the legend, the table."""
    report = silent(progress)
    rows = comparison_rows(project, from_version, to_version, include_renumbered=include_renumbered,
                           progress=report.part(0, 0.6))
    doc = OfficialDocument(page=LANDSCAPE)
    doc.title(comparison_title(project), blank_after=False)
    doc.paragraph(versions_caption(from_version, to_version), STYLE_ADDRESSEE).alignment = WD_ALIGN_PARAGRAPH.CENTER
    report(0.7, "正在生成对照表")
    if rows:
        # above the table in the table's size: below it, it could stand alone on a last page
        doc.paragraph(LEGEND, STYLE_TABLE_TEXT).paragraph_format.space_after = Pt(6)
        table = doc.table(COLUMNS, [row.cells() for row in rows], font_size=SIZE_SMALL_4)
        _align_rows_top(table)
        _nested_tables(table, (2, 3))
    else:
        doc.blank_line()
        doc.body(f"第{to_version}稿与第{from_version}稿相比，条款内容没有修改。")
    return doc


TABLE_SEPARATOR = " | "  # how a clause's table rows read in its text (``feedback.revision.clause_body``)


def _nested_tables(table, columns: Sequence[int]) -> None:
    """In the text columns, the lines of a clause's table (cells joined by `` | ``) become a
    table inside the cell again, each cell keeping its marks (struck, bold and underlined)."""
    for row in table.rows[1:]:
        for index in columns:
            _cell_tables(row.cells[index]._tc)


def _cell_tables(tc) -> None:
    paragraphs = tc.findall(qn("w:p"))
    group: list = []
    for paragraph in [*paragraphs, None]:
        if paragraph is not None and TABLE_SEPARATOR in "".join(t.text or "" for t in paragraph.iter(qn("w:t"))):
            group.append(paragraph)
            continue
        if group:
            _replace_with_table(tc, group)
            group = []


def _split_runs(paragraph) -> list[list]:
    """The runs of one table line, cut at each separator into the runs of each cell."""
    import copy

    cells: list[list] = [[]]
    for run in paragraph.findall(qn("w:r")):
        text_element = run.find(qn("w:t"))
        pieces = (text_element.text or "").split(TABLE_SEPARATOR) if text_element is not None else [""]
        for number, piece in enumerate(pieces):
            if number:
                cells.append([])
            if piece:
                piece_run = copy.deepcopy(run)
                piece_run.find(qn("w:t")).text = piece
                cells[-1].append(piece_run)
    return cells


def _replace_with_table(tc, paragraphs: list) -> None:
    import copy

    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    lines = [_split_runs(p) for p in paragraphs]
    width = max(len(cells) for cells in lines)
    cell_width = tc.tcPr.find(qn("w:tcW"))
    total = int(cell_width.get(qn("w:w"))) - 170 if cell_width is not None else 4000
    column = max(total // width, 200)
    border = 'w:val="single" w:sz="2" w:space="0" w:color="auto"'
    nested = parse_xml(
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblW w:w="{column * width}" w:type="dxa"/><w:tblBorders>'
        f'<w:top {border}/><w:left {border}/><w:bottom {border}/><w:right {border}/><w:insideH {border}/>'
        f'<w:insideV {border}/></w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>'
        + "".join(f'<w:gridCol w:w="{column}"/>' for _ in range(width)) + "</w:tblGrid></w:tbl>")
    for paragraph, cells in zip(paragraphs, lines):
        row = parse_xml(f'<w:tr {nsdecls("w")}/>')
        p_pr = paragraph.find(qn("w:pPr"))
        for runs in cells + [[]] * (width - len(cells)):
            cell = parse_xml(f'<w:tc {nsdecls("w")}><w:tcPr><w:tcW w:w="{column}" w:type="dxa"/></w:tcPr>'
                             f'<w:p/></w:tc>')
            cell_paragraph = cell.find(qn("w:p"))
            if p_pr is not None:
                cell_p_pr = copy.deepcopy(p_pr)
                jc = cell_p_pr.find(qn("w:jc"))
                if jc is not None:  # a short cell justified would be spread over its width
                    jc.set(qn("w:val"), "left")
                cell_paragraph.append(cell_p_pr)
            for run in runs:
                cell_paragraph.append(run)
            row.append(cell)
        nested.append(row)
    paragraphs[0].addprevious(nested)
    for paragraph in paragraphs:
        tc.remove(paragraph)
    if nested.getnext() is None:  # a cell ends with a paragraph
        tc.append(parse_xml(f'<w:p {nsdecls("w")}/>'))


def _align_rows_top(table) -> None:
    """Body cells aligned to the top: a long clause broken across pages keeps the 修改说明 beside its start."""
    for row in table.rows[1:]:
        for cell in row.cells:
            v_align = cell._tc.tcPr.find(qn("w:vAlign"))
            if v_align is not None:
                v_align.set(qn("w:val"), "top")


def write_comparison_docx(project, from_version: int, to_version: int, path, *, include_renumbered: bool = False,
                          progress: Progress | None = None) -> Path:
    """Write the Word 修改对照表 to ``path`` (whole or not at all) and return the path."""
    report = silent(progress)
    doc = build_comparison(project, from_version, to_version, include_renumbered=include_renumbered,
                           progress=report)
    report(0.9, "正在保存")
    result = doc.save(path, title=comparison_title(project), author=project.plan().drafting_unit)
    report(1.0, "已完成")
    return result


# -- the workbook -------------------------------------------------------------------------

SHEET_COLUMNS = ("序号", "原条款编号", "修改后条款编号", "原条款", "修改后条款", "修改说明/依据意见", "修改类型")
_SHEET_WIDTHS = (6, 14, 14, 56, 56, 36, 10)
_LINE_POINTS = 16.0  # one line of 11 pt 仿宋 or its fallback CJK fonts (taller leading) as LibreOffice sets it
_ROW_PADDING = 3.0  # the cell's top and bottom margins


def _display_width(text: str) -> float:
    """Width in spreadsheet characters: a Chinese character counts two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def row_height_points(texts: Sequence[str], widths: Sequence[float]) -> float:
    """The height a row of wrapped cells needs to show all its lines (Excel fits its own
    rows, LibreOffice and printing use the height written).

    >>> row_height_points(['一二三四五六七八九十'], [11])
    35.0
    """
    lines = 1
    for text, width in zip(texts, widths):
        per_line = max(width - 1, 1)
        count = sum(max(1, -(-int(_display_width(line)) // int(per_line))) for line in (text or "").split("\n"))
        lines = max(lines, count)
    return lines * _LINE_POINTS + _ROW_PADDING


def _rich_cell(cell, pieces: Sequence[tuple[str, bool]], marked) -> None:
    """Text with marked runs (struck through, or bold and underlined); always a string, never a formula."""
    from openpyxl.cell.rich_text import CellRichText, TextBlock

    plain = clean_cell_text("".join(text for text, _ in pieces))
    if not plain:
        return  # an empty cell stays without a value, not an empty string
    if not any(flag for _, flag in pieces) or len("".join(t for t, _ in pieces)) > MAX_CELL_CHARS:
        set_text(cell, plain)
        return
    runs = []
    for text, flag in pieces:
        text = clean_cell_text(text)
        if text:
            runs.append(TextBlock(marked, text) if flag else text)
    cell.value = CellRichText(runs)
    cell.data_type = "s"
    if needs_text_guard(plain):
        cell.quotePrefix = True


def build_comparison_workbook(project, from_version: int, to_version: int, *, include_renumbered: bool = False,
                              progress: Progress | None = None):
    """The openpyxl workbook: a title row, the header, one row per change."""
    from openpyxl import Workbook
    from openpyxl.cell.text import InlineFont
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    from exports.ledger_xlsx import set_workbook_properties

    report = silent(progress)
    rows = comparison_rows(project, from_version, to_version, include_renumbered=include_renumbered,
                           progress=report.part(0, 0.6))
    report(0.7, "正在生成表格")
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    width = len(SHEET_COLUMNS)
    set_text(sheet.cell(row=1, column=1), comparison_title(project) + versions_caption(from_version, to_version))
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(row=1, column=1).font = Font(name="方正小标宋简体", size=16)
    sheet.cell(row=1, column=1).alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 30
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for column, header in enumerate(SHEET_COLUMNS, start=1):
        cell = sheet.cell(row=2, column=column, value=header)
        cell.font = Font(name="黑体", bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    deleted = InlineFont(rFont="仿宋_GB2312", strike=True, color="FFC00000")
    inserted = InlineFont(rFont="仿宋_GB2312", b=True, u="single", color="FF0070C0")
    body_font = Font(name="仿宋_GB2312", size=11)
    wrap = Alignment(vertical="top", wrap_text=True)
    for offset, row in enumerate(rows):
        number = 3 + offset
        sheet.cell(row=number, column=1, value=row.number)
        _rich_cell(sheet.cell(row=number, column=4), old_pieces(row.runs), deleted)
        _rich_cell(sheet.cell(row=number, column=5), new_pieces(row.runs), inserted)
        from_refs, to_refs = "、".join(row.change.group.from_refs), "、".join(row.change.group.to_refs)
        for column, text in ((2, from_refs), (3, to_refs), (6, row.note), (7, row.change.relation.label)):
            if text:
                set_text(sheet.cell(row=number, column=column), text)
        sheet.row_dimensions[number].height = row_height_points(
            ["", from_refs, to_refs, row.old_text, row.new_text, row.note, ""], _SHEET_WIDTHS)
        for column in range(1, width + 1):
            cell = sheet.cell(row=number, column=column)
            cell.font = body_font
            cell.alignment = Alignment(horizontal="center", vertical="top") if column == 1 else wrap
            cell.border = border
    if rows:
        legend_row = 3 + len(rows) + 1
        set_text(sheet.cell(row=legend_row, column=1), LEGEND)
        sheet.merge_cells(start_row=legend_row, start_column=1, end_row=legend_row, end_column=width)
        sheet.cell(row=legend_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[legend_row].height = row_height_points([LEGEND], [sum(_SHEET_WIDTHS)])
    for column, size in enumerate(_SHEET_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = size
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "2:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    set_workbook_properties(book, comparison_title(project), project.plan().drafting_unit)
    return book


def write_comparison_xlsx(project, from_version: int, to_version: int, path, *, include_renumbered: bool = False,
                          progress: Progress | None = None) -> Path:
    """Write the Excel 修改对照表 to ``path`` (whole or not at all) and return the path."""
    report = silent(progress)
    book = build_comparison_workbook(project, from_version, to_version, include_renumbered=include_renumbered,
                                     progress=report)
    report(0.9, "正在保存")
    result = _save_workbook(book, path)
    report(1.0, "已完成")
    return result


def _save_workbook(book, path) -> Path:
    """Save through a temporary file beside ``path``; a failure is one Chinese sentence naming it."""
    from exports.xlsx_safety import guard_workbook

    guard_workbook(book)
    return atomic_save(path, book.save, suffix=".xlsx")


def write_comparison(project, from_version: int, to_version: int, path, *, include_renumbered: bool = False,
                     progress: Progress | None = None) -> Path:
    """Write the 修改对照表 as .docx or .xlsx, by the suffix of ``path``."""
    suffix = Path(path).suffix.lower()
    if suffix == ".docx":
        return write_comparison_docx(project, from_version, to_version, path,
                                     include_renumbered=include_renumbered, progress=progress)
    if suffix == ".xlsx":
        return write_comparison_xlsx(project, from_version, to_version, path,
                                     include_renumbered=include_renumbered, progress=progress)
    raise DocumentError(f"“{Path(path).name}”须以 .docx 或 .xlsx 结尾。")


__all__ = ["COLUMN_HEADERS", "COLUMNS", "SHEET_COLUMNS", "ComparisonRow", "comparison_rows", "comparison_title",
           "build_comparison", "build_comparison_workbook", "write_comparison", "write_comparison_docx",
           "write_comparison_xlsx", "change_caption", "note_text"]
