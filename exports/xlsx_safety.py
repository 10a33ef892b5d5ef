"""Cells that stay text, and the bounds every spreadsheet we read must keep.

Text typed by units and citizens goes into our workbooks as string cells, never as
formulas: a value starting with ``=``, ``+``, ``-`` or ``@`` (also after a tab or a
line break) gets an explicit string type and the quote-prefix style, so Excel and
WPS neither run it now nor after someone edits the cell.

>>> needs_text_guard('=1+1'), needs_text_guard('建议增加'), needs_text_guard('\\t=A1')
(True, False, True)
>>> clean_cell_text('a\\x00b\\x07c')
'abc'
>>> bool(has_control_characters('第一行\\n第二行')), bool(has_control_characters('建议增加'))
(True, False)
>>> cell_text(12.0), cell_text(None), cell_text('  三（二）4 ')
('12', '', '三（二）4')
"""
from __future__ import annotations

import re
import zipfile
from datetime import date, datetime, time
from pathlib import Path

from openpyxl.cell import WriteOnlyCell

from feedback.errors import UserError

MAX_CELL_CHARS = 32_767
MAX_SHEET_ROWS = 1_048_576
MAX_SHEET_COLUMNS = 16_384

# Characters XML 1.0 cannot hold; openpyxl refuses them.
_ILLEGAL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# A quick look for any character below a space (tabs and line breaks included), at C speed:
# text without one needs no cleaning.
has_control_characters = re.compile(r"[\x00-\x1f]").search
# What makes a spreadsheet treat typed text as a formula, also behind leading blanks.
_FORMULA_STARTS = frozenset("=+-@")
_LEADING_BLANKS = " \t\r\n\u3000"
_TRUNCATED = "…（超出单元格上限，已截断）"


class SheetFileError(UserError):
    """A spreadsheet that cannot be read; one line of Chinese naming the file and the reason."""


def sheet_error(name: str, reason: str) -> SheetFileError:
    return SheetFileError(f"无法读取“{name}”：{reason}")


def needs_text_guard(text: str) -> bool:
    """True when a spreadsheet would take ``text`` for a formula."""
    if not text:
        return False
    head = text[0]
    if head in _FORMULA_STARTS:
        return True
    if head in _LEADING_BLANKS:
        stripped = text.lstrip(_LEADING_BLANKS)
        return bool(stripped) and stripped[0] in _FORMULA_STARTS
    return False


def clean_cell_text(text: str) -> str:
    """``text`` as a cell can hold it: no XML-illegal control characters, at most 32,767 characters."""
    if _ILLEGAL_RE.search(text):
        text = _ILLEGAL_RE.sub("", text)
    if len(text) > MAX_CELL_CHARS:
        text = text[:MAX_CELL_CHARS - len(_TRUNCATED)] + _TRUNCATED
    return text


def set_text(cell, text: str) -> None:
    """Put user text into a cell of an ordinary worksheet as a string, never a formula."""
    text = clean_cell_text(text or "")
    cell.value = text
    cell.data_type = "s"
    if needs_text_guard(text):
        cell.quotePrefix = True


def guarded_cell(worksheet, text: str, style=None) -> WriteOnlyCell:
    """A write-only string cell for text a spreadsheet would otherwise read as a formula.

    ``style`` is a prepared ``StyleArray`` (copied, with quote-prefix set).
    """
    cell = WriteOnlyCell(worksheet, text)
    cell.data_type = "s"
    if style is not None:
        cell._style = style.__copy__()
    cell.quotePrefix = True
    return cell


def guard_workbook(workbook) -> None:
    """Every cell of every sheet that would hold a formula or formula-like text becomes quoted text.

    The program writes no formulas into cells (lists and checks are data validations), so a
    formula cell can only be user text that slipped past ``set_text``: a plan title in a
    heading, a unit name in a sheet. Run on an ordinary workbook before it is saved.
    """
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and (cell.data_type == "f" or needs_text_guard(value)):
                    cell.data_type = "s"
                    cell.quotePrefix = True


def csv_text(value) -> str:
    """A CSV field Excel and WPS open as the text it is: formula-like text gets a leading apostrophe.

    >>> csv_text('=1+1'), csv_text('-3条'), csv_text('市公安局'), csv_text(12)
    ("'=1+1", "'-3条", '市公安局', '12')
    """
    text = "" if value is None else str(value)
    return "'" + text if needs_text_guard(text) else text


def csv_field(text: str) -> str:
    """A field written by ``csv_text`` read back: the apostrophe before formula-like text dropped.

    >>> csv_field("'=A1"), csv_field("'张三")
    ('=A1', "'张三")
    """
    return text[1:] if text.startswith("'") and needs_text_guard(text[1:]) else text


def cell_text(value) -> str:
    """What a cell read back holds, as text: numbers without a useless ``.0``, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def check_spreadsheet_file(path) -> None:
    """Refuse a file that is not a safe .xlsx workbook before openpyxl opens it.

    Size, unpacked size, zip-bomb ratio and encryption are checked the same way as
    for Word drafts (``exports.draft_files.check_office_zip``); then the package must
    hold a workbook. Raises ``SheetFileError``.
    """
    path = Path(path)
    name = path.name
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise sheet_error(name, "这是旧版 Excel 格式（.xls），请在 Excel 或 WPS 中另存为 .xlsx 后再导入")
    if suffix in (".et", ".ett"):
        raise sheet_error(name, "这是 WPS 表格格式（.et），请在 WPS 中另存为 Excel 工作簿（.xlsx）后再导入")
    if suffix in (".ods", ".fods"):
        raise sheet_error(name, "这是 OpenDocument 表格（.ods），请在 WPS、LibreOffice 或 Excel 中另存为 .xlsx 后再导入")
    if suffix not in (".xlsx", ".xlsm"):
        raise sheet_error(name, f"不支持“{suffix or '无扩展名'}”格式，请使用 Excel 工作簿（.xlsx）")
    from exports.draft_files import DraftFileError, check_office_zip

    try:
        check_office_zip(path)
    except DraftFileError as error:
        raise SheetFileError(str(error)) from None
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise sheet_error(name, "不是有效的 .xlsx 文件（文件已损坏）") from error
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise sheet_error(name, "这是 Word 文档，不是 Excel 表格")
        raise sheet_error(name, "不是有效的 .xlsx 文件（缺少工作簿 xl/workbook.xml）")


def check_row_number(row: int, name: str) -> None:
    """Refuse a sheet whose rows go beyond what Excel allows (a hostile or broken file)."""
    if row > MAX_SHEET_ROWS:
        raise sheet_error(name, f"工作表声明的行数超过 Excel 上限（{MAX_SHEET_ROWS:,} 行），文件可能已损坏")
