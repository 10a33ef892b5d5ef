"""Reading .xlsx sheets quickly: cell values row by row, straight from the sheet's XML.

openpyxl builds an object per cell (and per shared string); checking a returned
form of 1,000 rows or importing a consultation export of 100,000 rows needs only
the values. ``XlsxBook`` reads the package with ``zipfile`` and lxml's streaming
parser, one row in memory at a time, and also gives what openpyxl's read-only
mode does not: merged ranges and the sheet's defined names.

Values come back as openpyxl gives them: text, int or float, bool, a datetime
for a date-formatted number, and a formula as the text typed (``=…``), never its
cached result. Rows beyond Excel's limit, declared or real, are refused
(``SheetFileError``); so are DTDs, which no spreadsheet writes: entities are
never expanded.

>>> import os, tempfile
>>> from openpyxl import Workbook
>>> workbook = Workbook()
>>> workbook.active.title = "反馈意见"
>>> workbook.active.append(["条款", "意见", 3, None, "=A1"])
>>> workbook.active.merge_cells("A3:B3")
>>> path = os.path.join(tempfile.mkdtemp(), "示例.xlsx")
>>> workbook.save(path)
>>> with XlsxBook(path) as book:
...     sheet = book.read_sheet("反馈意见")
>>> book.sheetnames, sheet.rows, sheet.merged, sheet.value("B1"), sheet.value("D9")
(['反馈意见'], {1: ['条款', '意见', 3, None, '=A1']}, ['A3:B3'], '意见', None)
"""
from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from lxml import etree

from exports.xlsx_safety import MAX_SHEET_COLUMNS, MAX_SHEET_ROWS, sheet_error

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PACKAGE_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_ROW, _CELL, _VALUE, _FORMULA, _INLINE = (_MAIN + t for t in ("row", "c", "v", "f", "is"))
_TEXT, _RUN, _STRING_ITEM = (_MAIN + t for t in ("t", "r", "si"))
_DIMENSION, _MERGE = _MAIN + "dimension", _MAIN + "mergeCell"
_DIGITS = "0123456789"
_ROWS_BEYOND_LIMIT = f"的行数超过 Excel 上限（{MAX_SHEET_ROWS:,} 行），文件可能已损坏"


class _HasDoctype(Exception):
    pass


def _parse(source, tags) -> Iterator:
    """End events of ``tags`` from an XML stream; entities never expanded, no network."""
    events = etree.iterparse(source, events=("end",), tag=tags, resolve_entities=False, no_network=True,
                             load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True)
    checked = False
    for _, element in events:
        if not checked:
            if element.getroottree().docinfo.doctype:
                raise _HasDoctype
            checked = True
        yield element


def _drop(element) -> None:
    """Forget an element read, and the ones read before it, or the parsed tree keeps growing."""
    element.clear()
    while element.getprevious() is not None:
        del element.getparent()[0]


def _text(item) -> str:
    """The text of a shared or inline string: plain text and rich-text runs, without phonetic hints."""
    parts = []
    for child in item:
        if child.tag == _TEXT:
            parts.append(child.text or "")
        elif child.tag == _RUN:
            for text in child.iterchildren(_TEXT):
                parts.append(text.text or "")
    return "".join(parts)


def _number(text: str):
    return float(text) if "." in text or "e" in text or "E" in text else int(text)


_COLUMNS: dict[str, int] = {}


def _column(letters: str) -> int:
    index = _COLUMNS.get(letters)
    if index is None:
        index = 0
        for letter in letters.upper():
            if not "A" <= letter <= "Z":
                raise ValueError(f"bad column {letters!r}")
            index = index * 26 + ord(letter) - 64
        if len(_COLUMNS) < 20_000:
            _COLUMNS[letters] = index
    return index


def split_ref(ref: str) -> tuple[int, int]:
    """``B7`` → (7, 2): row and column of a cell reference (``$`` allowed).

    >>> split_ref('B7'), split_ref('$AA$10')
    ((7, 2), (10, 27))
    """
    ref = ref.replace("$", "").upper()
    letters = ref.rstrip(_DIGITS)
    digits = ref[len(letters):]
    if not letters or not digits or len(letters) > 3:
        raise ValueError(f"not a cell reference: {ref!r}")
    return int(digits), _column(letters)


@dataclass
class SheetContent:
    """A whole sheet read: values of the rows that have any, merged ranges, defined names."""

    title: str
    rows: dict[int, list] = field(default_factory=dict)  # row number → values from column A on
    merged: list[str] = field(default_factory=list)  # e.g. "C8:D8", in file order
    names: dict[str, str] = field(default_factory=dict)  # the sheet's own defined names → what they refer to
    max_row: int = 0  # the last row holding a cell, even an empty styled one
    dimension: str = ""  # the used range the file declares

    def cell(self, row: int, column: int):
        values = self.rows.get(row)
        return values[column - 1] if values is not None and column <= len(values) else None

    def value(self, ref: str):
        return self.cell(*split_ref(ref))


class XlsxBook:
    """An .xlsx package open for reading sheets; use as a context manager.

    The caller checks the file first (``xlsx_safety.check_spreadsheet_file``: size,
    zip bombs, encryption). Broken XML or parts raise lxml, zipfile, KeyError,
    IndexError or ValueError errors, which callers turn into one line for the user.
    """

    def __init__(self, path):
        self.path = Path(path)
        self.name = self.path.name
        self._archive = zipfile.ZipFile(self.path)
        try:
            self._read_workbook()
        except BaseException:
            self._archive.close()
            raise
        self._strings: list[str] | None = None
        self._styles: tuple[set[int], set[int]] | None = None

    def __enter__(self) -> "XlsxBook":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._archive.close()

    # -- the workbook part ---------------------------------------------------------------

    def _elements(self, part: str, tags):
        with self._archive.open(part) as stream:
            head = stream.read(4096)
        try:
            if b"<!DOCTYPE" in head:
                raise _HasDoctype
            with self._archive.open(part) as stream:
                yield from _parse(stream, tags)
        except _HasDoctype:
            raise sheet_error(self.name, "表格中含有文档类型声明（DTD），不是正常的 Excel 文件") from None

    def _relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id → (type, part path) of a part (``xl/workbook.xml``)."""
        folder, base = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", base + ".rels")
        if rels not in self._names:
            return {}
        found = {}
        for element in self._elements(rels, _PACKAGE_RELATIONSHIP):
            target = element.get("Target") or ""
            if element.get("TargetMode") == "External":
                continue
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            found[element.get("Id")] = (element.get("Type") or "", posixpath.normpath(path))
        return found

    def _read_workbook(self) -> None:
        self._names = set(self._archive.namelist())
        part = "xl/workbook.xml"
        relationships = self._relationships(part)
        self._shared_strings_part = next((path for kind, path in relationships.values()
                                          if kind.endswith("/sharedStrings")), "xl/sharedStrings.xml")
        self._styles_part = next((path for kind, path in relationships.values() if kind.endswith("/styles")),
                                 "xl/styles.xml")
        self.sheetnames: list[str] = []
        self.sheet_states: dict[str, str] = {}
        self._parts: dict[str, str] = {}
        self._sheet_names: dict[str, dict[str, str]] = {}
        self.date1904 = False
        defined = []
        for element in self._elements(part, (_MAIN + "sheet", _MAIN + "definedName", _MAIN + "workbookPr")):
            if element.tag == _MAIN + "sheet":
                title = element.get("name") or ""
                relationship = relationships.get(element.get(_RELATIONSHIP_ID))
                if relationship is None or not relationship[0].endswith("/worksheet"):
                    continue  # a chart sheet or a dialog sheet: no cells
                self.sheetnames.append(title)
                self.sheet_states[title] = element.get("state") or "visible"
                self._parts[title] = relationship[1]
            elif element.tag == _MAIN + "definedName":
                defined.append((element.get("localSheetId"), element.get("name") or "", element.text or ""))
            else:
                self.date1904 = element.get("date1904") in ("1", "true")
        # sheet-scoped names count sheets as the workbook lists them, chart sheets included
        every_sheet = [element.get("name") or "" for element in self._elements(part, _MAIN + "sheet")]
        for local, name, text in defined:
            if local is not None and local.isdigit() and int(local) < len(every_sheet):
                self._sheet_names.setdefault(every_sheet[int(local)], {})[name] = text

    # -- strings and styles, read when a sheet needs them --------------------------------

    @property
    def strings(self) -> list[str]:
        if self._strings is None:
            strings = []
            if self._shared_strings_part in self._names:
                for item in self._elements(self._shared_strings_part, _STRING_ITEM):
                    strings.append(_text(item).replace("x005F_", ""))  # as openpyxl reads them
                    _drop(item)
            self._strings = strings
        return self._strings

    @property
    def date_styles(self) -> tuple[set[int], set[int]]:
        """Cell style indexes whose number format is a date, and those that are a duration."""
        if self._styles is None:
            from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format

            dates, durations = set(), set()
            if self._styles_part in self._names:
                custom: dict[int, str] = {}
                index = 0
                for element in self._elements(self._styles_part, (_MAIN + "numFmt", _MAIN + "xf")):
                    if element.tag == _MAIN + "numFmt":
                        custom[int(element.get("numFmtId", "0"))] = element.get("formatCode") or ""
                    elif element.getparent().tag == _MAIN + "cellXfs":
                        number_format = int(element.get("numFmtId", "0"))
                        code = custom.get(number_format) or builtin_format_code(number_format)
                        if is_date_format(code):
                            dates.add(index)
                        if is_timedelta_format(code):
                            durations.add(index)
                        index += 1
            self._styles = (dates, durations)
        return self._styles

    # -- sheets -----------------------------------------------------------------------------

    def iter_rows(self, title: str, *, max_col: int = MAX_SHEET_COLUMNS,
                  into: SheetContent | None = None) -> Iterator[tuple[int, list]]:
        """(row number, values of columns 1…``max_col``) for each row holding a value, in file order.

        Values stop at the row's last value; missing cells are None. ``into`` also
        collects the merged ranges, the declared dimension and the last row.
        """
        part = self._parts[title]
        strings = None
        dates, durations = ({str(index) for index in styles} for styles in self.date_styles)
        epoch = None
        shared_formulas: dict[str, tuple[str, str]] = {}
        row_number = 0
        last_row = 0
        columns = _COLUMNS
        for element in self._elements(part, (_ROW, _DIMENSION, _MERGE)):
            tag = element.tag
            if tag == _ROW:
                number = element.get("r")
                row_number = int(number) if number else row_number + 1
                if row_number > MAX_SHEET_ROWS or row_number < 1:
                    raise sheet_error(self.name, f"工作表“{title}”{_ROWS_BEYOND_LIMIT}")
                values: list = []
                column = 0
                for cell in element:
                    if cell.tag != _CELL:
                        continue  # an extension list
                    ref = cell.get("r")
                    if ref:
                        letters = ref.rstrip(_DIGITS)
                        column = columns.get(letters) or _column(letters)
                    else:
                        column += 1
                    last_row = row_number
                    if column > max_col:
                        if column > MAX_SHEET_COLUMNS:
                            raise sheet_error(self.name, f"工作表“{title}”的列数超过 Excel 上限，文件可能已损坏")
                        continue
                    kind = cell.get("t")
                    value = formula = None
                    if kind == "inlineStr":
                        for child in cell:
                            if child.tag == _INLINE:
                                first = child[0] if len(child) == 1 else None
                                value = (first.text or "") if first is not None and first.tag == _TEXT else _text(child)
                            elif child.tag == _FORMULA:
                                formula = child
                    else:
                        for child in cell:
                            if child.tag == _VALUE:
                                value = child.text
                            elif child.tag == _FORMULA:
                                formula = child
                        if formula is None:
                            if not value:
                                continue
                            if kind is None or kind == "n":
                                value = _number(value)
                                style = cell.get("s") or "0"
                                if style in dates:
                                    if epoch is None:
                                        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900
                                        epoch = CALENDAR_MAC_1904 if self.date1904 else CALENDAR_WINDOWS_1900
                                    value = self._date(value, epoch, style in durations)
                            elif kind == "s":
                                if strings is None:
                                    strings = self.strings
                                value = strings[int(value)]
                            elif kind == "b":
                                value = value.strip() not in ("0", "false", "")
                            elif kind == "d":
                                from openpyxl.utils.datetime import from_ISO8601

                                try:
                                    value = from_ISO8601(value)
                                except ValueError:
                                    pass
                            # "str" (a formula's text result) and "e" (an error such as #N/A) stay text
                    if formula is not None:
                        value = self._formula(formula, ref, shared_formulas)
                    if value is None:
                        continue
                    if column > len(values):
                        values.extend([None] * (column - len(values)))
                    values[column - 1] = value
                _drop(element)
                if values:
                    yield row_number, values
            elif tag == _DIMENSION:
                ref = element.get("ref") or ""
                if into is not None:
                    into.dimension = ref
                try:
                    declared = split_ref(ref.split(":")[-1])[0]
                except ValueError:
                    continue  # a wrong dimension changes nothing: rows are read as they are
                if declared > MAX_SHEET_ROWS:
                    raise sheet_error(self.name, f"工作表“{title}”声明{_ROWS_BEYOND_LIMIT}")
            elif into is not None:
                into.merged.append(element.get("ref") or "")
        if into is not None:
            into.max_row = last_row

    @staticmethod
    def _formula(formula, ref: str | None, shared: dict[str, tuple[str, str]]):
        text = "=" + (formula.text or "")
        if formula.get("t") == "shared":
            index = formula.get("si") or ""
            if index in shared and text == "=" and ref:
                from openpyxl.formula.translate import Translator

                origin_text, origin = shared[index]
                return Translator(origin_text, origin).translate_formula(ref.replace("$", ""))
            if text != "=" and ref:
                shared[index] = (text, ref.replace("$", ""))
        return text if text != "=" else None

    @staticmethod
    def _date(value, epoch, duration: bool):
        from openpyxl.utils.datetime import from_excel

        try:
            return from_excel(value, epoch, timedelta=duration)
        except (OverflowError, ValueError):
            return "#VALUE!"  # as openpyxl: a date serial out of range reads as an error

    def read_sheet(self, title: str, *, max_col: int = MAX_SHEET_COLUMNS) -> SheetContent:
        """The whole sheet; for sheets of bounded size (a returned form), not a 100,000-row export."""
        content = SheetContent(title, names=dict(self._sheet_names.get(title, {})))
        for number, values in self.iter_rows(title, max_col=max_col, into=content):
            content.rows[number] = values
        return content
