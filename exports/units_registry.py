"""The units registry as a spreadsheet or CSV: written out, read back, merged into a project.

Columns: 单位名称, 单位类别, 别名 (separated by 、), 联系人, 联系电话. Reading checks the
whole file first and changes nothing when any row is wrong.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font

from exports.saving import DocumentError, atomic_save
from exports.text_files import decode_text
from exports.xlsx_safety import (SheetFileError, cell_text, check_spreadsheet_file, csv_field, csv_text,
                                 guard_workbook, set_text, sheet_error)
from feedback.ledger import Change
from feedback.units import split_unit_names

COLUMNS = ("单位名称", "单位类别", "别名", "联系人", "联系电话")
_FIELDS = ("name", "category", "aliases", "contact_person", "phone")


@dataclass
class RegistryImport:
    """What reading a registry file found, before anything is written."""

    rows: list[dict]
    new_categories: list[str] = field(default_factory=list)


def write_registry(project, path) -> Path:
    """Write every unit of the project to ``path`` (.xlsx or .csv), whole or not at all; any other
    name (the project file itself, say) is refused."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise DocumentError(f"“{path.name}”须以 .xlsx 或 .csv 结尾。")
    rows = [(u.name, u.category, "、".join(u.aliases), u.contact_person, u.phone) for u in project.units()]

    def write_csv(target: str) -> None:
        with open(target, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            writer.writerows([csv_text(v) for v in row] for row in rows)

    def write_xlsx(target: str) -> None:
        book = Workbook()
        sheet = book.active
        sheet.title = "单位名录"
        sheet.append(COLUMNS)
        for cell in sheet[1]:
            cell.font = Font(name="黑体", bold=True)
            cell.alignment = Alignment(horizontal="center")
        for values in rows:
            sheet.append([None] * len(COLUMNS))
            for cell, value in zip(sheet[sheet.max_row], values):
                set_text(cell, value)
        for letter, width in zip("ABCDE", (30, 12, 30, 12, 16)):
            sheet.column_dimensions[letter].width = width
        sheet.freeze_panes = "A2"
        guard_workbook(book)
        book.save(target)

    return atomic_save(path, write_csv if suffix == ".csv" else write_xlsx, suffix=suffix)


def _table_rows(path: Path) -> list[list[str]]:
    name = path.name
    if path.suffix.lower() == ".csv":
        text = decode_text(path.read_bytes())
        if text is None:
            raise sheet_error(name, "无法识别文字编码，请另存为 UTF-8 编码的 CSV")
        try:  # Excel's "Unicode text" is UTF-16 with tabs; only the delimiter is guessed (the sniffer
            # misjudges doubled quotes "" in the last column when lines end in CR LF)
            delimiter = csv.Sniffer().sniff(text[:20_000], delimiters=",\t;").delimiter
        except csv.Error:
            delimiter = ","
        dialect = type("Registry", (csv.excel,), {"delimiter": delimiter})
        return [[csv_field(cell.strip()) for cell in row] for row in csv.reader(io.StringIO(text), dialect)]
    check_spreadsheet_file(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
        rows = [[cell_text(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)]
        book.close()
    except SheetFileError:
        raise
    except Exception as error:  # openpyxl raises many kinds on a broken workbook
        raise sheet_error(name, f"不是有效的 Excel 工作簿（{type(error).__name__}）") from error
    return rows


def read_registry(path, known_categories: list[str]) -> RegistryImport:
    """Read a registry file; ``SheetFileError`` naming the row when something is wrong."""
    path = Path(path)
    if not path.is_file():
        raise sheet_error(path.name, "找不到文件")
    rows = [r for r in _table_rows(path) if any(r)]
    if not rows:
        raise sheet_error(path.name, "文件中没有内容")
    header = [h.strip() for h in rows[0]]
    if "单位名称" not in header:
        raise sheet_error(path.name, "第1行应为表头，且须有“单位名称”一列")
    index = {column: header.index(column) for column in COLUMNS if column in header}
    result = RegistryImport(rows=[])
    seen: set[str] = set()
    for number, row in enumerate(rows[1:], start=2):
        values = {f: (row[index[c]] if c in index and index[c] < len(row) else "") for f, c in zip(_FIELDS, COLUMNS)}
        if not values["name"]:
            raise sheet_error(path.name, f"第{number}行缺少单位名称")
        if values["name"] in seen:
            raise sheet_error(path.name, f"第{number}行单位“{values['name']}”重复")
        seen.add(values["name"])
        values["category"] = values["category"] or "其他"
        if values["category"] not in known_categories and values["category"] not in result.new_categories:
            result.new_categories.append(values["category"])
        values["aliases"] = split_unit_names(values["aliases"]) if values["aliases"] else []
        result.rows.append(values)
    return result


def import_registry(project, path) -> Change:
    """Merge a registry file into the project in one action: new units added, known ones updated."""
    found = read_registry(path, project.categories())
    existing = {u.name: u for u in project.units()}
    touched: list[int] = []
    with project.transaction():
        for category in found.new_categories:
            project.units.add_category(category)
        new = [row for row in found.rows if row["name"] not in existing]
        if new:
            touched += project.add_units(new).ids
        for row in found.rows:
            unit = existing.get(row["name"])
            if unit is None:
                continue
            changes = {k: v for k, v in row.items() if k != "name" and v and v != getattr(unit, k)}
            if changes:
                project.units.update(unit.id, **changes)
                touched.append(unit.id)
    return Change("units", tuple(touched), f"已导入单位名录：新增{len(new)}个，更新{len(touched) - len(new)}个")
