"""The feedback form (征求意见反馈表): written per unit, read back and checked when returned.

A form is an .xlsx workbook whose sheet “反馈意见” has the plan, the unit, the round,
the deadline and the contact on top, a “无修改意见” choice, short instructions, and
rows to fill: 条款 (a drop-down of the round's clauses), 意见建议, 修改后表述, 理由依据.
Headers are locked, answer cells open. A very hidden sheet holds the identifiers
(plan, draft version, round, unit) and a keyed checksum over them, so a returned
form is recognised and tampering is detected.

Reading checks a returned form the way standards bodies check comment forms:
headings unchanged, no merged cells in the answer area, known clauses, sane text
lengths; a form failing any check is rejected whole with the sheet and the cell.

>>> resolver = ClauseResolver([('三（二）4', '加快教育信息化建设'), ('三（二）', '实施办学条件巩固提升工程')])
>>> resolver.resolve('三（二）4 加快教育信息化建设'), resolver.resolve('三 (二) 4'), resolver.resolve('总体意见')
('三（二）4', '三（二）4', '总体意见')
>>> resolver.resolve('三（二）4 完全无关的话') is None
True
"""
from __future__ import annotations

import hashlib
import hmac
import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.datavalidation import DataValidation

from exports.saving import DocumentError, atomic_save, safe_file_name
from exports.xlsx_safety import (MAX_SHEET_ROWS, guard_workbook, SheetFileError, cell_text, check_spreadsheet_file, set_text,
                                 sheet_error)
from feedback.progress import Cancelled, Progress
from feedback.ledger import LedgerError
from feedback.letters import is_comment_not_wording, proposed_wording
from feedback.vocabulary import (GENERAL_CLAUSE_REF, UNPLACED_CLAUSE_REF, ClauseKind, Disposition, ReplyState,
                                 RoundMethod)

FORM_SHEET = "反馈意见"
CLAUSE_SHEET = "条款列表"
ID_SHEET = "识别信息"
FORM_FORMAT = "yjt-form-1"
BLANK_SHEET = "空白表"

HEADER_ROW = 6
FIRST_ANSWER_ROW = HEADER_ROW + 1
HEADERS = ("序号", "条款", "意见建议", "修改后表述", "理由依据")
COLUMN_WIDTHS = (11, 32, 50, 40, 30)
# Fixed labels above the table: their cell and text.
LABELS = {"A2": "填报单位", "D2": "反馈截止", "A3": "填报人", "D3": "联系电话", "A4": "无修改意见"}
UNIT_CELL, FILLER_CELL, PHONE_CELL, NO_COMMENTS_CELL, DEADLINE_CELL = "B2", "B3", "E3", "B4", "E2"
YES, NO = "是", "否"
DEFAULT_ANSWER_ROWS = 60
MAX_ANSWER_ROWS = 10_000
MAX_TEXT_CHARS = 5_000
MAX_UNIT_NAME_CHARS = 100
MAX_FORM_UNPACKED_BYTES = 40 * 1024 * 1024

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_BODY_FONT = Font(name="仿宋", size=12)
_LABEL_FONT = Font(name="黑体", size=12)
_HEADER_FONT = Font(name="黑体", size=12, bold=True)
_TITLE_FONT = Font(name="黑体", size=16, bold=True)
_NOTE_FONT = Font(name="宋体", size=10.5)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_ANSWER_FILL = PatternFill("solid", fgColor="FFF9DB")
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT_CENTER = Alignment(horizontal="left", vertical="center", wrap_text=True)
_OPEN = Protection(locked=False)
_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")


# -- clause references, read leniently ------------------------------------------------


def _ref_key(text: str) -> str:
    """Full/half width, spaces and bracket shapes do not matter."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", text).replace("〔", "(").replace("〕", ")").replace("．", ".")


class ClauseResolver:
    """Turns what a unit wrote in the 条款 column into a clause reference.

    Accepts the drop-down text (``三（二）4 加快教育信息化建设``), the bare reference
    in either width and with spaces (``三(二)4``), and 总体意见. With a ``draft``, a
    clause written by hand (``第三部分第（二）项第4条``) is resolved the way letters are
    (``place``).
    """

    def __init__(self, clauses: Iterable[tuple[str, str]], draft=None):
        self._references = None
        if draft is not None:
            from feedback.references import ReferenceResolver

            self._references = ReferenceResolver(draft)
        self._by_key: dict[str, str] = {}
        self._headings: dict[str, str] = {}
        for ref, heading in [(GENERAL_CLAUSE_REF, ""), *clauses]:
            self._by_key.setdefault(_ref_key(ref), ref)
            self._headings[ref] = _ref_key(heading)
            if heading:
                self._by_key.setdefault(_ref_key(f"{ref}{heading}"), ref)
        self._longest_first = sorted(self._by_key, key=len, reverse=True)

    def resolve(self, text: str) -> str | None:
        key = _ref_key(text).rstrip("。.")
        if not key:
            return None
        if key in self._by_key:
            return self._by_key[key]
        for candidate in self._longest_first:
            if not key.startswith(candidate):
                continue
            rest = key[len(candidate):].lstrip("、.:：,，-—")
            ref = self._by_key[candidate]
            heading = self._headings.get(ref, "")
            if rest[:1].isdigit():
                continue
            if heading and (heading.startswith(rest) or rest.startswith(heading)):
                return ref
        return None

    def place(self, text: str) -> tuple[str | None, str]:
        """The clause ``text`` names and a note on how it was read, or (None, why not)."""
        ref = self.resolve(text)
        if ref is not None or self._references is None:
            return ref, ""
        match = self._references.resolve(text)
        if match.certain:
            return match.ref, f"条款“{text[:30]}”按条款编号识别为“{match.ref}”"
        return None, match.reason or "草案中找不到该条款"


def clause_option(ref: str, heading: str) -> str:
    """The drop-down text of a clause: its reference and heading."""
    return f"{ref} {heading}".strip() if heading else ref


def clause_options(clauses) -> list[tuple[str, str, str]]:
    """(option text, ref, heading) for 总体意见 and every numbered clause of a draft."""
    options = [(GENERAL_CLAUSE_REF, GENERAL_CLAUSE_REF, "")]
    for clause in clauses:
        heading = clause.heading if clause.kind is not ClauseKind.PREAMBLE else ""
        options.append((clause_option(clause.ref, heading), clause.ref, heading))
    return options


# -- identifiers -------------------------------------------------------------------


@dataclass(frozen=True)
class FormIdentity:
    """What a form says about itself, in its very hidden sheet."""

    sheet: str
    plan_id: str
    version: int
    round_number: int
    unit_id: int  # 0 for a blank form
    unit_name: str
    signature: str = ""

    def payload(self) -> str:
        return "|".join([FORM_FORMAT, self.sheet, self.plan_id, str(self.version), str(self.round_number),
                         str(self.unit_id), self.unit_name])

    def signed(self, secret: str) -> "FormIdentity":
        return FormIdentity(self.sheet, self.plan_id, self.version, self.round_number, self.unit_id,
                            self.unit_name, _sign(secret, self.payload()))

    @property
    def is_blank(self) -> bool:
        return self.unit_id == 0


def _sign(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), payload.encode("utf-8"), hashlib.sha256).hexdigest()[:24]


_ID_COLUMNS = ("工作表", "项目标识", "稿次", "轮次", "单位编号", "单位名称", "校验码")


# -- writing ---------------------------------------------------------------------------


@dataclass
class FormContext:
    """Everything a form shows, gathered once per round."""

    plan_title: str
    plan_id: str
    secret: str
    round_number: int
    round_title: str
    version: int
    deadline: date | None
    contact: str
    options: list[tuple[str, str, str]]
    short_name: str = ""  # the 文稿简称 of the file names: 行动计划, 办法 …
    drafting_unit: str = ""  # named in each file's properties
    scope: str = ""  # what the clause list holds when it is not the whole draft


def default_round(project) -> int:
    """The round forms are for: the newest written round, else the newest round."""
    rounds = project.rounds()
    if not rounds:
        raise LedgerError("项目中还没有征求意见轮次，请先建立一轮征求意见。")
    written = [r for r in rounds if r.method is not RoundMethod.ONLINE]
    return (written or rounds)[-1].number


def form_context(project, round_number: int | None = None, *, changed_only: bool = False) -> FormContext:
    """What the forms of a round show; ``changed_only``: the clause list holds only the clauses
    the round's draft changed against the draft before (other references are still read back)."""
    from feedback.explanation_text import short_name
    from storage.intake import form_keys

    number = default_round(project) if round_number is None else round_number
    rnd = next((r for r in project.rounds() if r.number == number), None)
    if rnd is None:
        raise LedgerError(f"没有第{number}轮征求意见。")
    plan = project.plan()
    plan_id, secret = form_keys(project)
    contact = "，".join(part for part in (
        f"联系人：{plan.contact_person}" if plan.contact_person else "",
        f"电话：{plan.contact_phone}" if plan.contact_phone else "") if part)
    return FormContext(plan_title=plan.title or project.draft(rnd.version_number).title, plan_id=plan_id,
                       secret=secret, round_number=number, round_title=rnd.title, version=rnd.version_number,
                       deadline=rnd.deadline, contact=contact,
                       short_name=short_name(plan).strip("《》"), drafting_unit=plan.drafting_unit,
                       **_clause_list(project, rnd.version_number, changed_only))


def _clause_list(project, version: int, changed_only: bool) -> dict:
    clauses = project.clauses(version)
    if not changed_only:
        return {"options": clause_options(clauses)}
    from storage.versions import changed_refs

    changed = set(changed_refs(project, version))
    options = clause_options([c for c in clauses if c.ref in changed])
    scope = (f"本表“条款”列表只列出第{version}稿较第{version - 1}稿修改和新增的{len(changed)}个条款，"
             f"对其他条款的意见请填写条款编号；")
    return {"options": options, "scope": scope}


def _chinese_date(value: date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else "—"


def _sheet_title(name: str, taken: set[str]) -> str:
    base = _SHEET_TITLE_BAD.sub("", name).strip("'") or "单位"
    title = base[:31]
    counter = 2
    while title in taken or title in (CLAUSE_SHEET, ID_SHEET):
        suffix = f"（{counter}）"
        title = base[:31 - len(suffix)] + suffix
        counter += 1
    taken.add(title)
    return title


def _new_form_workbook(context: FormContext) -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    clauses = workbook.create_sheet(CLAUSE_SHEET)
    for row, (option, _, _) in enumerate(context.options, 1):
        set_text(clauses.cell(row=row, column=1), option)
    clauses.sheet_state = "veryHidden"
    identities = workbook.create_sheet(ID_SHEET)
    identities.append(list(_ID_COLUMNS))
    identities.sheet_state = "veryHidden"
    workbook.defined_names["YJT_CLAUSES"] = DefinedName(
        "YJT_CLAUSES", attr_text=f"'{CLAUSE_SHEET}'!$A$1:$A${len(context.options)}")
    return workbook


def _add_form_sheet(workbook: Workbook, context: FormContext, title: str, unit_id: int, unit_name: str,
                    answer_rows: int) -> None:
    ws = workbook.create_sheet(title, index=len(workbook.sheetnames) - 2)
    last_row = HEADER_ROW + answer_rows
    for index, width in enumerate(COLUMN_WIDTHS, 1):
        ws.column_dimensions[get_column_letter(index)].width = width

    ws.merge_cells("A1:E1")
    ws["A1"] = form_title(context.plan_title)
    ws["A1"].font = _TITLE_FONT
    ws["A1"].alignment = _CENTER
    ws.row_dimensions[1].height = 36

    for ref, text in LABELS.items():
        ws[ref] = text
        ws[ref].font = _LABEL_FONT
        ws[ref].alignment = _CENTER
        ws[ref].fill = _HEADER_FILL
    ws.merge_cells("B2:C2")
    ws.merge_cells("B3:C3")
    unit = ws[UNIT_CELL]
    if unit_id:
        set_text(unit, unit_name)
    else:  # a blank form: the unit types its name
        unit.protection = _OPEN
        unit.fill = _ANSWER_FILL
        unit.number_format = "@"
    unit.font = _BODY_FONT
    unit.alignment = _LEFT_CENTER
    ws[DEADLINE_CELL] = _chinese_date(context.deadline)
    ws[DEADLINE_CELL].font = _BODY_FONT
    ws[DEADLINE_CELL].alignment = _LEFT_CENTER
    for ref in (FILLER_CELL, PHONE_CELL, NO_COMMENTS_CELL):
        ws[ref].protection = _OPEN
        ws[ref].fill = _ANSWER_FILL
        ws[ref].font = _BODY_FONT
        ws[ref].number_format = "@"
        ws[ref].alignment = _LEFT_CENTER
    ws[NO_COMMENTS_CELL] = NO
    ws[NO_COMMENTS_CELL].alignment = _CENTER
    ws.merge_cells("C4:E4")
    ws["C4"] = "←如对征求意见稿无修改意见，请在左侧选择“是”，下表不必填写。"
    ws["C4"].font = _NOTE_FONT
    ws["C4"].alignment = _LEFT_CENTER
    ws.merge_cells("A5:E5")
    contact = f"如有疑问请联系起草单位（{context.contact}）。" if context.contact else ""
    ws["A5"] = ("填写说明：1. 每条意见填一行，在“条款”列下拉选择所针对的条款，针对全文的意见选“总体意见”；"
                f"{context.scope}"
                "2. “修改后表述”写明建议的具体文字，“理由依据”写明修改理由；"
                f"3. 请勿修改表头、增删列或合并单元格，行数不够可插入行；4. 本表对应{context.round_title}、"
                f"征求意见稿第{context.version}稿，请于{_chinese_date(context.deadline)}前反馈。{contact}")
    ws["A5"].font = _NOTE_FONT
    ws["A5"].alignment = _LEFT_CENTER
    ws.row_dimensions[5].height = 54
    for row in (2, 3, 4):
        ws.row_dimensions[row].height = 24
        for column in range(1, 6):
            ws.cell(row=row, column=column).border = _BORDER

    for column, text in enumerate(HEADERS, 1):
        cell = ws.cell(row=HEADER_ROW, column=column, value=text)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = _CENTER
        cell.border = _BORDER
    ws.row_dimensions[HEADER_ROW].height = 24
    for row in range(FIRST_ANSWER_ROW, last_row + 1):
        number = ws.cell(row=row, column=1, value=row - HEADER_ROW)
        number.font = _BODY_FONT
        number.alignment = _CENTER
        number.border = _BORDER
        for column in range(2, 6):
            cell = ws.cell(row=row, column=column)
            cell.protection = _OPEN
            cell.font = _BODY_FONT
            cell.alignment = _WRAP_TOP
            cell.border = _BORDER
            cell.number_format = "@"
        # no fixed height: an empty row prints one line high, a filled one grows with its text

    clause_list = DataValidation(type="list", formula1="YJT_CLAUSES", allow_blank=True, errorStyle="warning",
                                 showErrorMessage=True, showInputMessage=True,
                                 promptTitle="条款", prompt="请从下拉列表选择所针对的条款",
                                 errorTitle="条款", error="请从下拉列表中选择条款；也可填写条款编号，如“三（二）4”。")
    clause_list.add(f"B{FIRST_ANSWER_ROW}:B{last_row}")
    yes_no = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True, showErrorMessage=True,
                            errorTitle="无修改意见", error="请选择“是”或“否”。")
    yes_no.add(NO_COMMENTS_CELL)
    length = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(MAX_TEXT_CHARS),
                            allow_blank=True, showErrorMessage=True, errorTitle="内容过长",
                            error=f"每格不超过{MAX_TEXT_CHARS}字，较长的意见请分多行填写。")
    length.add(f"C{FIRST_ANSWER_ROW}:E{last_row}")
    for validation in (clause_list, yes_no, length):
        ws.add_data_validation(validation)

    for name, ref in (("YJT_UNIT", UNIT_CELL), ("YJT_NO_COMMENTS", NO_COMMENTS_CELL),
                      ("YJT_HEADER", f"A{HEADER_ROW}:E{HEADER_ROW}")):
        ws.defined_names[name] = DefinedName(name, attr_text=f"'{title}'!{_absolute(ref)}")

    ws.freeze_panes = f"A{FIRST_ANSWER_ROW}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_area = f"A1:E{last_row}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top, ws.page_margins.bottom = 0.6, 0.75
    ws.page_margins.header, ws.page_margins.footer = 0.3, 0.3  # the footer inside the bottom margin
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.insertRows = False
    ws.protection.selectLockedCells = False
    ws.protection.selectUnlockedCells = False

    identity = FormIdentity(title, context.plan_id, context.version, context.round_number, unit_id,
                            unit_name).signed(context.secret)
    ids = workbook[ID_SHEET]
    ids.append([identity.sheet, identity.plan_id, identity.version, identity.round_number, identity.unit_id,
                identity.unit_name, identity.signature])


def _absolute(ref: str) -> str:
    """``B2`` → ``$B$2``, ``A6:E6`` → ``$A$6:$E$6``."""
    return ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", part) for part in ref.split(":"))


def _save(workbook: Workbook, path: Path, context: FormContext | None = None) -> Path:
    guard_workbook(workbook)
    if context is not None:
        from exports.ledger_xlsx import set_workbook_properties

        set_workbook_properties(workbook, form_title(context.plan_title), context.drafting_unit)
    workbook.security = WorkbookProtection(lockStructure=True)
    workbook.active = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    return atomic_save(path, workbook.save, suffix=".xlsx")




BLANK_FILE_UNIT = "空白"


def form_file_name(unit_name: str | None, short: str, *, folder=None, taken: set[str] | None = None) -> str:
    """``单位—文稿简称—反馈表.xlsx``, safe on every system and unique within ``taken``; the blank
    form for units not on the list says so.

    >>> form_file_name('市财政局', '行动计划'), form_file_name(None, '办法')
    ('市财政局—行动计划—反馈表.xlsx', '空白—办法—反馈表（名单外单位填写）.xlsx')
    >>> form_file_name('办公室/综合科', '办法')
    '办公室_综合科—办法—反馈表.xlsx'
    """
    tail = "反馈表" if unit_name else "反馈表（名单外单位填写）"
    parts = [unit_name or BLANK_FILE_UNIT, short.strip("《》")] if short else [unit_name or BLANK_FILE_UNIT]
    return safe_file_name("—".join([*parts, tail]), ".xlsx", folder=folder, taken=taken, fallback="单位")


def form_title(plan_title: str) -> str:
    """``《…》征求意见反馈表`` (the title style of every document: 书名号, no draft mark)."""
    from feedback.explanation_text import plain_title

    title = plain_title(plan_title)
    return f"《{title}》征求意见反馈表" if title else "征求意见反馈表"


def write_form(context: FormContext, path, unit=None, *, answer_rows: int = DEFAULT_ANSWER_ROWS) -> Path:
    """One form for ``unit`` (a ``feedback.ledger.Unit``), or a blank form when None."""
    workbook = _new_form_workbook(context)
    title = FORM_SHEET
    _add_form_sheet(workbook, context, title, unit.id if unit else 0, unit.name if unit else "", answer_rows)
    return _save(workbook, Path(path), context)


def form_units(project, round_number: int) -> list:
    """The units a round's forms go to: its recipients, else every unit but the public."""
    from feedback.vocabulary import UnitCategory

    recipients = {r.unit_id for r in project.replies(round_number)}
    units = [u for u in project.units() if u.category != UnitCategory.PUBLIC.label]
    return [u for u in units if u.id in recipients] if recipients else units


def write_forms(project, out_dir, *, round_number: int | None = None, single_workbook: bool = False,
                blank: bool = True, answer_rows: int = DEFAULT_ANSWER_ROWS,
                progress: Progress | None = None, changed_only: bool = False) -> list[Path]:
    """Forms for every unit of a round (one file each, or one workbook with a sheet each).

    A blank form for units not in the registry comes too. A ``progress`` the user
    stops leaves no file behind. Returns the files written.
    """
    context = form_context(project, round_number, changed_only=changed_only)
    out = Path(out_dir)
    units = form_units(project, context.round_number)
    entries: list = [*units, None] if blank else list(units)
    total = len(entries)
    written: list[Path] = []
    try:
        if single_workbook:
            workbook = _new_form_workbook(context)
            taken: set[str] = set()
            for done, unit in enumerate(entries, 1):
                title = _sheet_title(unit.name if unit else BLANK_SHEET, taken)
                _add_form_sheet(workbook, context, title, unit.id if unit else 0, unit.name if unit else "",
                                answer_rows)
                if progress:
                    progress.step(done, total)
            name = safe_file_name(f"{form_title(context.plan_title)}（第{context.round_number}轮）", ".xlsx",
                                  folder=out)
            written.append(_save(workbook, out / name, context))
        else:
            names: set[str] = set()
            for done, unit in enumerate(entries, 1):
                name = form_file_name(unit.name if unit else None, context.short_name, folder=out, taken=names)
                written.append(write_form(context, out / name, unit, answer_rows=answer_rows))
                if progress:
                    progress.step(done, total)
    except Cancelled:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    except (OSError, DocumentError) as error:
        raise FormsIncomplete(out, written, error) from error
    return written


class FormsIncomplete(DocumentError):
    """Writing the forms stopped part-way (a full disk, a folder gone): says exactly what was written."""

    def __init__(self, folder: Path, written: list[Path], error: Exception):
        from storage.faults import os_reason

        self.written = written
        reason = os_reason(error) if isinstance(error, OSError) else str(error).rstrip("。")
        names = "、".join(f"“{p.name}”" for p in written[:5]) + ("等" if len(written) > 5 else "")
        done = f"已写出{len(written)}个：{names}" if written else "一个也未写出"
        super().__init__(f"反馈表未能全部写出（{reason}），在“{folder}”中{done}。")


# -- reading and checking -----------------------------------------------------------------


class FormRejected(Exception):
    """A returned form that imports nothing; the message names the file, the sheet and the cell."""


@dataclass
class FormRow:
    row: int
    clause_ref: str
    body: str
    proposed_wording: str
    reason: str


@dataclass
class FormAnswers:
    """One sheet of a returned form, checked."""

    identity: FormIdentity
    unit_name: str  # as typed in the form (blank forms) or as printed
    no_comments: bool
    rows: list[FormRow]
    filler: str = ""
    phone: str = ""
    notes: list[str] = field(default_factory=list)

    def checksum(self, unit_id: int) -> str:
        """A checksum of the answers, the same however often the file is saved again."""
        data = [unit_id, self.identity.round_number, self.no_comments,
                [[r.clause_ref, r.body, r.proposed_wording] for r in self.rows]]
        return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode("utf-8")).hexdigest()


def _reject(file_name: str, reason: str) -> FormRejected:
    return FormRejected(f"反馈表“{file_name}”被退回：{reason}")


def _load(path: Path) -> dict:
    """Every worksheet of a returned form, read whole: title → ``SheetContent``, in workbook order.

    Read straight from the XML (``exports.xlsx_reader``), not through openpyxl's
    cell objects: a form of 1,000 rows reads in a fraction of the time.
    """
    from lxml.etree import LxmlError

    from exports.xlsx_reader import XlsxBook

    check_spreadsheet_file(path)
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(member.file_size for member in archive.infolist())
    if unpacked > MAX_FORM_UNPACKED_BYTES:
        raise sheet_error(path.name, f"文件过大（解压后 {unpacked // (1024 * 1024)} MB），不像是反馈表")
    try:
        with XlsxBook(path) as book:
            # the identifiers need 7 columns, a form sheet one past its headers
            width = max(len(_ID_COLUMNS), len(HEADERS) + 1)
            return {title: book.read_sheet(title, max_col=width) for title in book.sheetnames}
    except SheetFileError:
        raise
    except MemoryError as error:
        raise sheet_error(path.name, "文件过大，内存不足") from error
    except (LxmlError, zipfile.BadZipFile, OSError, EOFError, KeyError, IndexError, ValueError, TypeError,
            AttributeError) as error:
        raise sheet_error(path.name, "不是有效的 .xlsx 文件（内容已损坏，无法解析）") from error


def _identities(sheets: dict, file_name: str) -> list[FormIdentity]:
    if ID_SHEET not in sheets:
        raise _reject(file_name, "不是意见通生成的反馈表（缺少识别信息），请使用发出的反馈表填写")
    content = sheets[ID_SHEET]
    identities = []
    for number in sorted(content.rows)[:1000]:
        if number < 2:
            continue
        values = [cell_text(content.cell(number, column)) for column in range(1, len(_ID_COLUMNS) + 1)]
        if not any(values):
            continue
        try:
            identities.append(FormIdentity(values[0], values[1], _whole(values[2]), _whole(values[3]),
                                           _whole(values[4]), values[5], values[6]))
        except (TypeError, ValueError):
            raise _reject(file_name, "反馈表的识别信息被改动，请使用原发的反馈表") from None
    if not identities:
        raise _reject(file_name, "不是意见通生成的反馈表（缺少识别信息），请使用发出的反馈表填写")
    return identities


def _whole(text: str) -> int:
    """An identifier number as saved: ``3``, or ``3.0`` from a spreadsheet program that stores numbers as floats."""
    number = float(text)
    if not number.is_integer():
        raise ValueError(text)
    return int(number)


_CELL_REF_RE = re.compile(r"[A-Z]{1,3}[1-9]\d{0,6}")


def _named_cell(ws, name: str, default: str) -> str:
    """Where a defined name of the sheet points now (Excel moves it when rows are inserted)."""
    text = ws.names.get(name)
    if not text:
        return default
    ref = text.rpartition("!")[2].replace("$", "").split(":")[0].strip()
    return ref if _CELL_REF_RE.fullmatch(ref) else default  # “#REF!” after the cell was deleted


def read_form(path, *, resolver_for: Callable[[FormIdentity], ClauseResolver],
              check_identity: Callable[[FormIdentity], str | None]) -> list[FormAnswers]:
    """The checked answers of every sheet of a returned form.

    ``check_identity`` says why a sheet's identifiers are not acceptable here (other
    plan, other round), or None. Raises ``FormRejected`` or ``SheetFileError``.
    """
    path = Path(path)
    name = path.name
    sheets = _load(path)
    identities = _identities(sheets, name)
    answers = []
    for identity in identities:
        reason = check_identity(identity)
        if reason:
            raise _reject(name, reason)
        if identity.sheet not in sheets:
            raise _reject(name, f"找不到工作表“{identity.sheet}”，请勿删除或改名工作表")
        answers.append(_read_sheet(sheets[identity.sheet], identity, name, resolver_for(identity)))
    return answers


def _read_sheet(ws, identity: FormIdentity, file_name: str, resolver: ClauseResolver) -> FormAnswers:
    """One form sheet (``xlsx_reader.SheetContent``) checked: layout first, then row by row."""
    sheet = ws.title

    def fail(reason: str) -> FormRejected:
        return _reject(file_name, f"工作表“{sheet}”{reason}")

    if ws.max_row > MAX_SHEET_ROWS:
        raise fail(f"的行数超过 Excel 上限（{MAX_SHEET_ROWS:,} 行），文件可能已损坏")
    header_ref = _named_cell(ws, "YJT_HEADER", f"A{HEADER_ROW}")
    header_row = int(re.sub(r"[A-Z]", "", header_ref))
    shift = header_row - HEADER_ROW
    if shift < 0:
        raise fail("表头以上的行被删除，请使用原发的反馈表")
    if ws.max_row - header_row > MAX_ANSWER_ROWS:
        raise fail(f"填写超过{MAX_ANSWER_ROWS}行，请分表填写")
    for ref, text in LABELS.items():
        column, row = re.match(r"([A-Z]+)(\d+)", ref).groups()
        moved = f"{column}{int(row) + (shift if int(row) >= HEADER_ROW else 0)}"
        if cell_text(ws.value(moved)) != text:
            raise fail(f"第{moved[1:]}行被改动（{moved} 应为“{text}”）")
    for column, text in enumerate(HEADERS, 1):
        letter = get_column_letter(column)
        if cell_text(ws.cell(header_row, column)) != text:
            raise fail(f"第{header_row}行表头被改动（{letter}{header_row} 应为“{text}”）")
    if cell_text(ws.cell(header_row, len(HEADERS) + 1)):
        raise fail(f"第{header_row}行表头被改动（F{header_row} 应为空，请勿增加列）")
    for coord in dict.fromkeys(ws.merged):  # the same range listed twice is looked at once
        try:
            merged = CellRange(coord)
        except (TypeError, ValueError):
            raise fail(f"的合并单元格“{coord[:20]}”无法识别，请取消合并后再反馈") from None
        if merged.max_row >= header_row and merged.min_col <= len(HEADERS):
            where = "表头" if merged.min_row == header_row else "答复区域"
            raise fail(f"第{merged.min_row}行{where}有合并单元格（{merged.coord}），请取消合并后再反馈")

    unit_name = cell_text(ws.value(_named_cell(ws, "YJT_UNIT", UNIT_CELL)))
    if len(unit_name) > MAX_UNIT_NAME_CHARS:
        raise fail(f"的填报单位名称过长（{UNIT_CELL}）")
    no_comments_ref = _named_cell(ws, "YJT_NO_COMMENTS", NO_COMMENTS_CELL)
    no_comments_text = cell_text(ws.value(no_comments_ref))
    if no_comments_text not in ("", YES, NO, "无修改意见", "√", "✓", "☑"):
        raise fail(f"“无修改意见”一栏只能选“是”或“否”（{no_comments_ref} 现为“{no_comments_text[:20]}”）")
    no_comments = no_comments_text not in ("", NO)
    filler = cell_text(ws.value(FILLER_CELL))[:100]
    phone = cell_text(ws.value(PHONE_CELL))[:100]

    rows: list[FormRow] = []
    notes: list[str] = []
    resolved: dict[str, tuple[str | None, str]] = {}
    for row in sorted(number for number in ws.rows if number > header_row):
        values = ws.rows[row]
        if len(values) < len(HEADERS):
            values = values + [None] * (len(HEADERS) - len(values))
        clause_text, comment, proposed, reason = (cell_text(value) for value in values[1:len(HEADERS)])
        for letter, text in (("C", comment), ("D", proposed), ("E", reason)):
            if len(text) > MAX_TEXT_CHARS:
                raise fail(f"第{row}行内容过长（{letter}{row} 共{len(text)}字，每格不超过{MAX_TEXT_CHARS}字）")
        if not (comment or proposed or reason):
            if clause_text:
                notes.append(f"第{row}行只选了条款、未填写意见，已略过")
            continue
        if len(clause_text) > 200:
            raise fail(f"第{row}行条款不是草案中的条款（B{row}）")
        if clause_text:
            # the same few drop-down texts come back on most rows
            ref, how = resolved[clause_text] if clause_text in resolved else resolved.setdefault(
                clause_text, resolver.place(clause_text))
            if ref is None:
                ref = UNPLACED_CLAUSE_REF
                notes.append(f"第{row}行条款“{clause_text[:30]}”未能定位（{how}），已记为“{UNPLACED_CLAUSE_REF}”，"
                             "请在台账中指定条款")
            elif how:
                notes.append(f"第{row}行{how}")
        else:
            ref = UNPLACED_CLAUSE_REF
            notes.append(f"第{row}行未选择条款，已记为“{UNPLACED_CLAUSE_REF}”")
        if not comment and not proposed:
            raise fail(f"第{row}行只填写了理由，未填写意见建议（C{row}）")
        if not comment and is_comment_not_wording(proposed):
            # 建议将…改为… typed into 修改后表述: a comment, whose proposal is what follows 改为
            comment, proposed = proposed, proposed_wording(proposed)
            notes.append(f"第{row}行“修改后表述”一栏填写的是意见，已作为意见内容")
        body = comment or f"建议修改为：{proposed}"
        if reason:
            body += f"\n理由：{reason}"
        rows.append(FormRow(row, ref, body, proposed or proposed_wording(comment), reason))  # 改为“…” in 意见建议
    if no_comments and rows:
        raise fail(f"选择了“无修改意见”，但填写了{len(rows)}条意见，请二者选一")
    if not no_comments and not rows:
        raise fail("既未填写意见，也未选择“无修改意见”")
    return FormAnswers(identity, unit_name, no_comments, rows, filler, phone, notes)


# -- collecting: reading many forms and applying them to the project ------------------------


class Question(str):
    """A yes/no question for ``confirm``; ``kind`` is ``replace`` or ``unit``."""

    kind: str = ""

    def __new__(cls, text: str, kind: str):
        question = super().__new__(cls, text)
        question.kind = kind
        return question


@dataclass
class FileReport:
    """What happened to one returned file.

    ``status``: ``imported``, ``no_comments``, ``replaced``, ``unchanged`` (taken), or
    ``rejected``, ``declined`` (not taken).
    """

    file: str
    status: str
    message: str
    units: list[str] = field(default_factory=list)
    round_number: int | None = None
    comments: int = 0
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # a replacement: kept, changed, reopened, added, removed

    @property
    def taken(self) -> bool:
        return self.status in ("imported", "no_comments", "replaced", "unchanged")

    def to_json(self) -> dict:
        return {"file": self.file, "status": self.status, "message": self.message, "units": self.units,
                "round": self.round_number, "comments": self.comments, "notes": self.notes,
                **({"counts": self.counts} if self.counts else {})}


_NOT_A_REPLY = frozenset({"thumbs.db", "desktop.ini", ".ds_store"})  # what systems leave in folders


def _lock_file_reason(name: str) -> str | None:
    """The report of an office program's lock file (``~$…`` of Excel and WPS, ``.~lock.…#`` of
    LibreOffice): it means a form is still open, perhaps with unsaved answers."""
    if name.startswith("~$") or (name.startswith(".~lock.") and name.endswith("#")):
        return (f"“{name}”是表格软件打开反馈表时留下的锁定文件，不是反馈表；"
                "对应的反馈表可能仍在编辑中，请保存并关闭后再收取")
    return None


def form_files(paths: Iterable) -> list[Path]:
    """Every file among ``paths``, folders searched, so each gets a report: a reply saved as
    .xls, .et or .ods is told plainly, never skipped, and so is a lock file (a form still open
    in Excel or WPS). Only the folders' own system files are left out."""
    found: list[Path] = []
    for item in paths:
        item = Path(item)
        if item.is_dir():
            found += sorted(p for p in item.rglob("*") if p.is_file() and p.name.lower() not in _NOT_A_REPLY)
        else:
            found.append(item)
    return list(dict.fromkeys(found))


@dataclass
class _Accepted:
    path: Path
    sheets: list[tuple[FormAnswers, int, str]]  # answers, unit id, unit name
    notes: list[str]


def collect_forms(project, paths: Sequence, *, round_number: int | None = None,
                  confirm: Callable[[str], bool] | None = None,
                  choose: Callable[[str, list[str]], int | None] | None = None,
                  progress: Progress | None = None,
                  received_on: date | None = None) -> list[FileReport]:
    """Read, check and apply returned forms; one report per file, in order.

    ``confirm(question)`` answers yes/no questions (replacing a unit's earlier
    answers, accepting a unit name that was matched loosely); ``choose(question,
    options)`` picks one of several units (None: none). Without them the cautious
    answer is taken. A ``progress`` the user stops ends it before anything
    is written (raises ``Cancelled``). Each file is applied whole or not at all.
    """
    from feedback.matching import UnitIndex
    from storage.intake import FormIntake, apply_form, collected_checksums, form_keys

    confirm = confirm or (lambda question: False)
    choose = choose or (lambda question, options: None)
    number = default_round(project) if round_number is None else round_number
    rounds = {r.number: r for r in project.rounds()}
    if number not in rounds:
        raise LedgerError(f"没有第{number}轮征求意见。")
    plan_id, secret = form_keys(project)
    plan_title = project.plan().title
    units = {u.id: u for u in project.units()}
    index = UnitIndex(list(units.values()), project.localities())
    resolvers: dict[int, ClauseResolver] = {}

    def resolver_for(identity: FormIdentity) -> ClauseResolver:
        version = identity.version
        if version not in resolvers:
            resolvers[version] = ClauseResolver([(ref, heading) for _, ref, heading in
                                                 clause_options(project.clauses(version))], project.draft(version))
        return resolvers[version]

    def check_identity(identity: FormIdentity) -> str | None:
        if not hmac.compare_digest(identity.signed(secret).signature, identity.signature or ""):
            if identity.plan_id != plan_id:
                return f"不是本项目{('《' + plan_title + '》') if plan_title else ''}的反馈表"
            return "反馈表的识别信息被改动（校验码不符），请使用原发的反馈表"
        if identity.round_number != number:
            return f"这是第{identity.round_number}轮征求意见的反馈表，本次收集的是第{number}轮"
        if identity.version != rounds[number].version_number:
            return f"反馈表对应征求意见稿第{identity.version}稿，与第{number}轮的第{rounds[number].version_number}稿不符"
        if identity.unit_id and identity.unit_id not in units:
            return f"填报单位“{identity.unit_name}”已不在单位名单中"
        return None

    files = form_files(paths)
    reports: dict[Path, FileReport] = {}
    accepted: list[_Accepted] = []
    total = len(files)
    for done, path in enumerate(files, 1):
        try:
            lock = _lock_file_reason(path.name)
            if lock:
                raise FormRejected(lock)
            answers = read_form(path, resolver_for=resolver_for, check_identity=check_identity)
            sheets, notes = [], []
            for item in answers:
                unit_id, unit_name, note = _resolve_unit(item, units, index, path.name, confirm, choose)
                if note:
                    notes.append(note)
                notes += [f"工作表“{item.identity.sheet}”{n}" if len(answers) > 1 else n for n in item.notes]
                sheets.append((item, unit_id, unit_name))
            seen = [unit_id for _, unit_id, _ in sheets]
            if len(set(seen)) < len(seen):
                raise _reject(path.name, "同一单位在文件中出现了多次")
            accepted.append(_Accepted(path, sheets, notes))
        except (FormRejected, SheetFileError) as error:
            reports[path] = FileReport(path.name, "rejected", str(error))
        if progress:
            progress.step(done, total)

    # Decide replacements before writing anything, then write everything in one transaction.
    checksums = collected_checksums(project, number)
    plans: list[tuple[_Accepted, list[FormIntake], str]] = []
    for item in accepted:
        intakes, states = [], []
        for answers, unit_id, unit_name in item.sheets:
            checksum = answers.checksum(unit_id)
            previous = checksums.get(unit_id)
            if previous and previous[0] == checksum:
                states.append("unchanged")
                continue
            replace = False
            if previous:
                question = Question(
                    f"“{unit_name}”第{number}轮的反馈表已收集过（{previous[1]}条意见，其中{previous[2]}条已处理），"
                    f"用“{item.path.name}”的内容替换吗？", "replace")
                if not confirm(question):
                    states.append("declined")
                    break
                replace = True
            received = received_on or date.today()
            comments = [dict(clause_ref=row.clause_ref, body=row.body, proposed_wording=row.proposed_wording,
                             received_on=received, source=f"反馈表“{item.path.name}”第{row.row}行")
                        for row in answers.rows]
            keep = _edited_decisions(project, number, unit_id, unit_name, comments, confirm) if replace else {}
            intakes.append(FormIntake(round_number=number, unit_id=unit_id, file_name=item.path.name,
                                      checksum=checksum, no_comments=answers.no_comments, comments=comments,
                                      replace=replace, received_on=received, keep_decisions=keep))
            states.append("replaced" if replace else ("no_comments" if answers.no_comments else "imported"))
            checksums[unit_id] = (checksum, len(comments), 0)
        names = [unit_name for _, _, unit_name in item.sheets]
        if "declined" in states:
            reports[item.path] = FileReport(item.path.name, "declined",
                                            f"反馈表“{item.path.name}”未导入：未同意替换“{'、'.join(names)}”已收集的意见",
                                            names, number)
            continue
        plans.append((item, intakes, states))

    if plans:
        with project.transaction():
            for item, intakes, states in plans:
                reports[item.path] = _apply_file(project, item, intakes, states, number, apply_form)
    return [reports[path] for path in files if path in reports]


def _apply_file(project, item: _Accepted, intakes, states, number: int, apply_form) -> FileReport:
    from storage.intake import IntakeCounts

    names = [unit_name for _, _, unit_name in item.sheets]
    name = item.path.name
    try:
        with project.transaction():  # a savepoint: this file whole or not at all
            counts = sum((apply_form(project, intake) for intake in intakes), IntakeCounts())
    except LedgerError as error:
        return FileReport(name, "rejected", f"反馈表“{name}”被退回：{error}", names, number)
    added = sum(len(intake.comments) for intake in intakes)
    who = "、".join(names)
    if all(state == "unchanged" for state in states):
        return FileReport(name, "unchanged", f"反馈表“{name}”：与已收集的内容相同，未作改动", names, number,
                          notes=item.notes)
    if "replaced" in states:
        message = f"反馈表“{name}”：已用新反馈表替换{who}的意见（{replacement_summary(counts)}）"
        status = "replaced"
    elif all(state in ("no_comments", "unchanged") for state in states):
        message = f"反馈表“{name}”：已记录{who}{ReplyState.NO_COMMENTS.label}"
        status = "no_comments"
    else:
        message = f"反馈表“{name}”：已导入{who}的{added}条意见"
        status = "imported"
    counts_json = {k: getattr(counts, k) for k in ("kept", "changed", "reopened", "added", "removed")}
    return FileReport(name, status, message, names, number, added, item.notes,
                      counts_json if status == "replaced" else {})


def replacement_summary(counts) -> str:
    """``现3条：保留2条，修改1条（1条退回待处理），新增0条；删除0条``."""
    reopened = f"（{counts.reopened}条退回待处理）" if counts.reopened else ""
    return (f"现{counts.total}条：保留{counts.kept}条，修改{counts.changed}条{reopened}，新增{counts.added}条；"
            f"删除{counts.removed}条")


def _edited_decisions(project, number: int, unit_id: int, unit_name: str, rows: list[dict], confirm) -> dict:
    """For each decided comment a resubmitted row edits: keep its decision? (``Question`` kind ``edited``)."""
    from storage.intake import pair_resubmission, previous_comments

    old = {c.id: c for c in previous_comments(project, number, unit_id)}
    keep = {}
    for row, comment_id in pair_resubmission(list(old.values()), rows).edited:
        comment = old[comment_id]
        if comment.disposition is Disposition.PENDING:
            continue
        keep[comment_id] = bool(confirm(Question(
            f"“{unit_name}”对{comment.clause_ref}的意见（已{comment.disposition.label}）在新反馈表中改为："
            f"“{row['body'][:60]}”。保留原处理结果吗？（否则退回待处理）", "edited")))
    return keep


def _resolve_unit(answers: FormAnswers, units: dict, index, file_name: str, confirm, choose):
    """The registry unit a sheet belongs to: its own, or the one a blank form names."""
    identity = answers.identity
    if not identity.is_blank:
        return identity.unit_id, units[identity.unit_id].name, ""
    typed = answers.unit_name
    if not typed:
        raise _reject(file_name, f"工作表“{identity.sheet}”是空白反馈表，但未填写填报单位（{UNIT_CELL}）")
    match = index.match(typed)
    if match.status in ("exact", "alias"):
        return match.unit_id, units[match.unit_id].name, ""
    if match.status == "equivalent":
        unit = units[match.unit_id]
        if confirm(Question(f"空白反馈表“{file_name}”的填报单位“{typed}”是“{unit.name}”吗？", "unit")):
            return unit.id, unit.name, f"填报单位“{typed}”已识别为“{unit.name}”"
        raise _reject(file_name, f"填报单位“{typed}”未确认为“{unit.name}”")
    if match.status in ("ambiguous", "fuzzy"):
        options = [units[unit_id] for unit_id, _ in match.candidates if unit_id in units]
        picked = choose(f"空白反馈表“{file_name}”的填报单位“{typed}”是哪个单位？", [u.name for u in options])
        if picked is not None and 0 <= picked < len(options):
            unit = options[picked]
            return unit.id, unit.name, f"填报单位“{typed}”已按选择识别为“{unit.name}”"
        names = "、".join(u.name for u in options[:5])
        raise _reject(file_name, f"填报单位“{typed}”无法确定是哪个单位（可能是：{names}），请写明单位全称")
    raise _reject(file_name, f"填报单位“{typed}”不在单位名单中，请先在单位名单中添加该单位")
