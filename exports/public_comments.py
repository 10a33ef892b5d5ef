"""Importing the comments of a public consultation from a website's spreadsheet or CSV export.

Any .xlsx or .csv (UTF-8 with or without BOM, GB18030, UTF-16, or a guessed
encoding) is read; a column mapping says which column holds what (role → column
header); ``guess_mapping`` proposes one from the header names. Identical and nearly
identical submissions become one comment of the public unit whose ``submissions``
is their number; every submission is kept.

>>> guess_mapping(['序号', '网名', '留言内容', '涉及条款', '留言时间'])
{'text': '留言内容', 'submitter': '网名', 'clause': '涉及条款', 'date': '留言时间'}
>>> guess_mapping(['昵称', '留言', '所涉部分'])
{'text': '留言', 'submitter': '昵称', 'clause': '所涉部分'}
>>> parse_mapping('text=意见内容, submitter=姓名')
{'text': '意见内容', 'submitter': '姓名'}
>>> parse_date('2023/4/1 10:20'), parse_date('2023年4月12日'), parse_date('昨天')
('2023-04-01', '2023-04-12', None)
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from itertools import islice
from typing import Callable, Generator, Iterator

from exports import text_files
from exports.xlsx_safety import (SheetFileError, cell_text, check_row_number, check_spreadsheet_file,
                                 clean_cell_text, sheet_error)
from feedback.duplicates import group_duplicates
from feedback.progress import Cancelled, Progress
from feedback.ledger import LedgerError
from feedback.vocabulary import UNPLACED_CLAUSE_REF, Disposition

ROLES = {"text": "意见内容", "submitter": "提交人", "clause": "条款", "date": "日期"}
# An existing comment table (an earlier round's 意见采纳情况表, another office's) has these too.
TABLE_ROLES = {**ROLES, "unit": "单位", "disposition": "是否采纳", "reason": "采纳理由"}
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_COLUMNS = 200
MAX_SUBMISSION_CHARS = 10_000
_HEADER_SEARCH_ROWS = 20
# Header words per role, most telling first; a longer match wins over a shorter one.
_KEYWORDS = {
    "disposition": ("是否采纳", "采纳情况", "处理意见", "处理结果", "采纳意见", "办理情况"),
    "reason": ("采纳理由", "未采纳理由", "不采纳理由", "处理理由", "理由说明", "采纳说明", "理由"),
    "unit": ("意见提出单位", "提出单位", "反馈单位", "单位（个人）", "单位(个人)", "单位名称", "单位"),
    "clause": ("涉及条款", "所涉条款", "针对条款", "意见条款", "所属章节", "对应条款", "所涉部分", "涉及部分", "条款",
               "章节", "条目"),
    "date": ("提交时间", "留言时间", "发布时间", "反馈时间", "提交日期", "时间", "日期"),
    "submitter": ("提交人", "留言人", "反馈人", "提出人", "网名", "昵称", "姓名", "用户名", "署名", "用户", "作者"),
    "text": ("意见内容", "留言内容", "意见建议", "建议内容", "反馈内容", "具体意见", "意见", "建议", "留言", "内容",
             "正文"),
}
_DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def guess_mapping(headers) -> dict[str, str]:
    """A role → header mapping proposed from the header names (roles without a match left out)."""
    scored = []
    for header in headers:
        name = re.sub(r"\s+", "", str(header or ""))
        if not name:
            continue
        for role, words in _KEYWORDS.items():
            for rank, word in enumerate(words):
                if word in name:
                    exact = 1 if name == word else 0
                    scored.append((exact, len(word), -rank, role, str(header)))
                    break
    scored.sort(reverse=True)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for _, _, _, role, header in scored:
        if role not in mapping and header not in used:
            mapping[role] = header
            used.add(header)
    if "disposition" not in mapping:  # a unit or reason column counts only in a table of decisions
        mapping.pop("unit", None)
        mapping.pop("reason", None)
    return {role: mapping[role] for role in TABLE_ROLES if role in mapping}


def parse_mapping(text: str) -> dict[str, str]:
    """``text=意见内容,submitter=姓名`` as a dict; unknown roles are refused."""
    mapping = {}
    for part in re.split(r"[,，]", text or ""):
        if not part.strip():
            continue
        role, sep, header = part.partition("=")
        role, header = role.strip(), header.strip()
        if not sep or not header:
            raise LedgerError(f"列对应关系“{part.strip()}”应写成“角色=列名”，如 text=意见内容")
        if role not in TABLE_ROLES:
            raise LedgerError(f"未知的角色“{role}”，可用：{'、'.join(f'{k}（{v}）' for k, v in TABLE_ROLES.items())}")
        mapping[role] = header
    return mapping


def parse_date(value) -> str | None:
    """An ISO date from a cell: a date, or text such as 2023/4/1 or 2023年4月1日."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    match = _DATE_RE.search(str(value or ""))
    if not match:
        return None
    try:
        return date(*(int(g) for g in match.groups())).isoformat()
    except ValueError:
        return None


@dataclass
class PublicTable:
    """A sheet read: the header names and the data rows (with their row numbers in the file).

    ``checksum`` is the SHA-256 of the file as read, so importing the table later
    knows the file without opening it again.
    """

    file: str
    headers: list[str]
    rows: list[list]
    row_numbers: list[int]
    checksum: str = ""


def _header_index(rows: list[list]) -> int:
    for index, row in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        if sum(1 for v in row if cell_text(v)) >= 2:
            return index
    for index, row in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        if any(cell_text(v) for v in row):
            return index
    return 0


def _xlsx_rows(path: Path, sheet: str | None, progress) -> Iterator[tuple[list, int]]:
    """(values, row number) of each row holding a value, streamed from the sheet's XML."""
    from exports.xlsx_reader import XlsxBook

    check_spreadsheet_file(path)
    name = path.name
    try:
        book = XlsxBook(path)
    except SheetFileError:
        raise
    except Exception as error:
        raise sheet_error(name, "不是有效的 .xlsx 文件（内容已损坏，无法解析）") from error
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise sheet_error(name, f"没有名为“{sheet}”的工作表")
        if not book.sheetnames:
            raise sheet_error(name, "表格中没有工作表")
        seen = 0
        for number, row in book.iter_rows(sheet or book.sheetnames[0], max_col=MAX_COLUMNS):
            seen += 1
            if progress and seen % 5000 == 0:
                progress.check()
            if any(v is not None and v != "" for v in row):
                yield row, number
    except (SheetFileError, Cancelled):
        raise
    except MemoryError as error:
        raise sheet_error(name, "文件过大，内存不足") from error
    except Exception as error:
        raise sheet_error(name, "表格内容已损坏，无法读取") from error
    finally:
        book.close()


def decode_text(data: bytes, name: str) -> str:
    """CSV bytes as text (``exports.text_files``), or ``SheetFileError`` naming the file."""
    text = text_files.decode_text(data)
    if text is None:
        raise sheet_error(name, "不是文本格式的 CSV 文件" if b"\x00" in data[:4096]
                          else "无法识别文件的文字编码，请另存为 UTF-8 编码的 CSV 或 .xlsx")
    return text


def _csv_rows(path: Path, progress) -> Iterator[tuple[list, int]]:
    """(values, row number) of each row holding a value; the file is read whole (at most 50 MB)."""
    name = path.name
    try:
        size = path.stat().st_size
    except OSError:
        raise sheet_error(name, "找不到文件或无法打开") from None
    if size == 0:
        raise sheet_error(name, "文件为空（0 字节）")
    if size > MAX_FILE_BYTES:
        raise sheet_error(name, f"文件过大（{size / 1024 / 1024:.1f} MB），最大支持 {MAX_FILE_BYTES // 1024 // 1024} MB")
    data = path.read_bytes()
    text = decode_text(data, name)
    sample = text[:20_000]
    try:  # only the delimiter is guessed: the sniffer misjudges doubled quotes ("") when lines end in CR LF
        delimiter = csv.Sniffer().sniff(sample, delimiters=",\t;|").delimiter
    except csv.Error:
        delimiter = ","
    dialect = type("Export", (csv.excel,), {"delimiter": delimiter})
    csv.field_size_limit(MAX_FILE_BYTES)
    del data
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text), dialect), 1):
            check_row_number(number, name)
            if progress and number % 5000 == 0:
                progress.check()
            if any(v.strip() for v in row):
                yield row[:MAX_COLUMNS], number
    except csv.Error as error:
        raise sheet_error(name, f"CSV 格式有误（{error}）") from error


def _table_rows(path: Path, sheet: str | None, progress) -> tuple[list[str], Generator[tuple[list, int]]]:
    """The header names and a stream of the data rows after them (values, row number)."""
    suffix = path.suffix.lower()
    rows = _csv_rows(path, progress) if suffix in (".csv", ".txt", ".tsv") else _xlsx_rows(path, sheet, progress)
    first = list(islice(rows, _HEADER_SEARCH_ROWS))
    if not first:
        raise sheet_error(path.name, "表格中没有内容")
    head = _header_index([row for row, _ in first])
    headers = [cell_text(v) for v in first[head][0]]

    def data_rows():
        yield from first[head + 1:]
        yield from rows

    return headers, data_rows()


def read_public_table(path, *, sheet: str | None = None,
                      progress: Progress | None = None) -> PublicTable:
    """The header row and data rows of an .xlsx (first sheet unless named) or .csv file."""
    path = Path(path)
    headers, stream = _table_rows(path, sheet, progress)
    rows, numbers = [], []
    for row, number in stream:
        rows.append(row)
        numbers.append(number)
    return PublicTable(path.name, headers, rows, numbers, _file_checksum(path))


def _file_checksum(path: Path) -> str:
    try:
        with open(path, "rb") as file:
            return hashlib.file_digest(file, "sha256").hexdigest()
    except OSError:
        raise sheet_error(path.name, "找不到文件或无法打开") from None


def _table_checksum(table: PublicTable) -> str:
    """A fingerprint of a table made without a file: its headers and rows."""
    digest = hashlib.sha256(repr(table.headers).encode("utf-8"))
    for row in table.rows:
        digest.update(repr(row).encode("utf-8"))
    return digest.hexdigest()


def _column(headers: list[str], wanted: str, file_name: str) -> int:
    cleaned = [re.sub(r"\s+", "", h) for h in headers]
    key = re.sub(r"\s+", "", wanted)
    if key in cleaned:
        return cleaned.index(key)
    if re.fullmatch(r"[A-Za-z]{1,2}", key):  # a column letter
        from openpyxl.utils import column_index_from_string

        return column_index_from_string(key.upper()) - 1
    raise sheet_error(file_name, f"表头中没有“{wanted}”这一列（现有：{'、'.join(h for h in headers if h)}）")


@dataclass
class PublicImportReport:
    file: str
    round_number: int
    status: str  # imported or unchanged
    rows: int = 0
    submissions: int = 0
    comments: int = 0
    largest_group: int = 0
    skipped_blank: int = 0
    truncated: int = 0
    mapping: dict = field(default_factory=dict)
    message: str = ""
    duplicate_groups: int = 0  # comments standing for more than one submission
    already: int = 0           # submissions an earlier export brought (recognised by content)
    warnings: list = field(default_factory=list)

    def to_json(self) -> dict:
        return dict(self.__dict__)


def import_public_comments(project, path, mapping: dict[str, str] | None = None, *,
                           round_number: int | None = None, create_round: bool = False, sheet: str | None = None,
                           threshold: float = 90,
                           progress: Progress | None = None) -> PublicImportReport:
    """Read a consultation export, group duplicates and add the groups as comments.

    ``path`` is the file, or the ``PublicTable`` already read from it by
    ``read_public_table`` (then the file is not opened again and ``sheet`` is unused).
    ``mapping`` (role → column header; ``text`` required) defaults to ``guess_mapping``.
    The same file imported again changes nothing. A ``progress`` the user stops
    raises ``Cancelled`` before anything is written.
    """
    from exports.forms import ClauseResolver, clause_options
    from storage.intake import (PublicGroup, apply_public_comments, imported_submissions, online_round,
                                public_file_imported, submission_key)

    if isinstance(path, PublicTable):
        table = path
        file_name, headers = table.file, table.headers
        stream = (pair for pair in zip(table.rows, table.row_numbers))
    else:
        table = None
        path = Path(path)
        file_name = path.name
        headers, stream = _table_rows(path, sheet, progress)
    mapping = dict(mapping or guess_mapping(headers))
    if "text" not in mapping:
        raise sheet_error(file_name, "未指定意见内容所在的列（text=列名）")
    columns = {role: _column(headers, header, file_name) for role, header in mapping.items()}
    try:
        number = online_round(project, round_number, create=False)
    except LedgerError:
        if not create_round or round_number is not None:
            raise
        number = None  # made with the comments, in one action
    if table is None:
        checksum = _file_checksum(path)
    else:
        checksum = table.checksum or _table_checksum(table)
    if number is not None and public_file_imported(project, number, checksum):
        stream.close()
        return PublicImportReport(file_name, number, "unchanged", mapping=mapping,
                                  message=f"“{file_name}”已导入过，未作改动")

    text_at, submitter_at, clause_at, date_at = (columns.get(role, MAX_COLUMNS) for role in ROLES)
    texts, submissions = [], []
    rows = blank = truncated = 0
    parsed_dates: dict = {}
    for row, row_number in stream:
        rows += 1
        width = len(row)
        text = clean_cell_text(cell_text(row[text_at] if text_at < width else None))
        if not text:
            blank += 1
            continue
        if len(text) > MAX_SUBMISSION_CHARS:
            text = text[:MAX_SUBMISSION_CHARS]
            truncated += 1
        when = row[date_at] if date_at < width else None
        if when is not None:
            # a few distinct dates or times recur over 100,000 rows
            when = parsed_dates[when] if when in parsed_dates else parsed_dates.setdefault(when, parse_date(when))
        texts.append(text)
        submissions.append({"text": text,
                            "submitter": cell_text(row[submitter_at])[:200] if submitter_at < width else "",
                            "submitted_on": when,
                            "clause_text": cell_text(row[clause_at])[:200] if clause_at < width else "",
                            "source_row": row_number})
    if not texts:
        raise sheet_error(file_name, f"“{mapping['text']}”列中没有意见内容")
    dated = sum(1 for t in texts[:200] if len(t) <= 30 and parse_date(t))
    date_warning = (f"“{mapping['text']}”列的内容多为日期或时间，请确认列对应是否正确"
                    if dated * 2 > min(len(texts), 200) else "")

    # what an earlier export of the same consultation already brought (by content, not by file)
    already = 0
    joins: dict[int, list[dict]] = {}
    if number is not None:
        known, bodies = imported_submissions(project, number)
        if known:
            fresh_texts, fresh = [], []
            for text, submission in zip(texts, submissions):
                key = submission_key(submission["submitter"], submission["submitted_on"], text)
                if known.get(key, 0) > 0:
                    known[key] -= 1
                    already += 1
                elif key[2] in bodies:  # the same text as a comment already made: one more 人次 of it
                    joins.setdefault(bodies[key[2]], []).append(submission)
                else:
                    fresh_texts.append(text)
                    fresh.append(submission)
            texts, submissions = fresh_texts, fresh
    if number is not None and not texts and not joins:
        stream.close()
        return PublicImportReport(file_name, number, "unchanged", rows=rows, mapping=mapping, already=already,
                                  message=f"“{file_name}”中的{already}条网上意见均已导入过，未作改动")

    groups = group_duplicates(texts, threshold=threshold, progress=progress) if texts else []
    rounds = {r.number: r for r in project.rounds()}
    version = rounds[number].version_number if number is not None else None
    resolver = ClauseResolver((ref, heading) for _, ref, heading in clause_options(project.clauses(version)))
    resolved: dict[str, str] = {}
    public_groups = []
    for group in groups:
        members = [submissions[i] for i in group.members]
        refs = Counter()
        for member in members:
            clause_text = member["clause_text"]
            if clause_text:
                if clause_text not in resolved:
                    resolved[clause_text] = resolver.resolve(clause_text) or UNPLACED_CLAUSE_REF
                refs[resolved[clause_text]] += 1
        placed = [(count, ref) for ref, count in refs.items() if ref != UNPLACED_CLAUSE_REF]
        clause_ref = max(placed)[1] if placed else UNPLACED_CLAUSE_REF
        dates = [m["submitted_on"] for m in members if m["submitted_on"]]
        public_groups.append(PublicGroup(body=texts[group.representative], clause_ref=clause_ref,
                                         received_on=date.fromisoformat(min(dates)) if dates else None,
                                         submissions=members))
    with project.transaction():
        if number is None:
            number = online_round(project, None, create=True)
        ids = apply_public_comments(project, public_groups, round_number=number, file_name=file_name,
                                    checksum=checksum, joins=joins)
    largest = max((g.count for g in groups), default=0)
    duplicate_groups = sum(1 for g in groups if g.count > 1)
    joined = sum(len(m) for m in joins.values())
    message = (f"“{file_name}”：{len(texts)}条网上意见归并为{len(ids)}条意见"
               f"（其中{duplicate_groups}组为相同或相近的意见，最多的一组有{largest}人次提出），已记入第{number}轮")
    if joined:
        message += f"；另有{joined}条与已有意见相同，已计入其人次"
    if already:
        message += f"；{already}条此前已导入（按内容识别），已略过"
    if blank:
        message += f"；{blank}行意见内容为空，已略过"
    if truncated:
        message += f"；{truncated}条意见超过{MAX_SUBMISSION_CHARS:,}字，只保留了前{MAX_SUBMISSION_CHARS:,}字"
    if date_warning:
        message += f"；注意：{date_warning}"
    return PublicImportReport(file_name, number, "imported", rows=rows, submissions=len(texts) + joined,
                              comments=len(ids), largest_group=largest, skipped_blank=blank, truncated=truncated,
                              mapping=mapping, message=message, duplicate_groups=duplicate_groups,
                              already=already, warnings=[date_warning] if date_warning else [])


# -- existing comment tables: an earlier round's 意见采纳情况表, another office's table ----------------

# Published disposition wordings, most specific first; ``None`` marks a wording that must be asked.
_DISPOSITION_WORDS: tuple[tuple[str, Disposition | None], ...] = (
    ("部分或全部采纳", None), ("予以解释说明", None), ("解释说明", None), ("作出说明", None), ("已解释", None),
    ("部分采纳", Disposition.PARTLY_ADOPTED), ("部分吸收", Disposition.PARTLY_ADOPTED),
    ("部分采用", Disposition.PARTLY_ADOPTED),
    ("不予采纳", Disposition.REJECTED), ("未予采纳", Disposition.REJECTED), ("暂不采纳", Disposition.REJECTED),
    ("不采纳", Disposition.REJECTED), ("未采纳", Disposition.REJECTED), ("不予采用", Disposition.REJECTED),
    ("未采用", Disposition.REJECTED),
    ("转有关部门", Disposition.IN_WORK), ("转相关部门", Disposition.IN_WORK), ("下一步工作中", Disposition.IN_WORK),
    ("工作中落实", Disposition.IN_WORK), ("工作中考虑", Disposition.IN_WORK), ("在工作中", Disposition.IN_WORK),
    ("同意采纳", Disposition.ADOPTED), ("予以采纳", Disposition.ADOPTED), ("已采纳", Disposition.ADOPTED),
    ("吸收采纳", Disposition.ADOPTED), ("全部采纳", Disposition.ADOPTED), ("已吸收", Disposition.ADOPTED),
    ("采纳", Disposition.ADOPTED),
)
_EXACT_DISPOSITIONS = {"是": Disposition.ADOPTED, "否": Disposition.REJECTED, "采用": Disposition.ADOPTED,
                       "待处理": Disposition.PENDING, "": Disposition.PENDING}


GENERIC_WORK = "相关工作"
_WORK_NAMED_RE = re.compile(r"在([^，。；,;在]{2,20}?工作)中")
_UNNAMED_WORKS = ("下一步工作", "今后工作", "日常工作", "实际工作", "具体工作", "相关工作", "工作实践")


def _work_named(reason: str) -> str:
    """The work a published reason names (将在古树名木日常养护工作中落实 → 古树名木日常养护工作), else
    ``GENERIC_WORK``: 转有关部门研究 names none, and is no work's name."""
    found = _WORK_NAMED_RE.search(reason)
    name = found.group(1) if found else ""
    return name if name and not name.endswith(_UNNAMED_WORKS) else GENERIC_WORK


def disposition_of(text: str) -> Disposition | None:
    """The disposition a published table's wording means, or None when it must be asked.

    >>> [disposition_of(w).label for w in ('是', '予以采纳', '部分采纳', '不予采纳', '暂不采纳', '转有关部门研究',
    ...                                      '在下一步工作中考虑')]
    ['采纳', '采纳', '部分采纳', '未采纳', '未采纳', '在工作中落实', '在工作中落实']
    >>> disposition_of('部分或全部采纳') is None, disposition_of('予以解释说明') is None, disposition_of('待研究') is None
    (True, True, True)
    """
    key = re.sub(r"[\s。.，,、;；:：!！]", "", clean_cell_text(text or ""))
    if key in _EXACT_DISPOSITIONS:
        return _EXACT_DISPOSITIONS[key]
    for label in Disposition:
        if key == label.label:
            return label
    return next((disposition for word, disposition in _DISPOSITION_WORDS if word in key), None)


@dataclass
class TableIntake:
    """An existing comment table read: the comments as ``AddComments`` takes them, and what to tell."""

    file: str
    round_number: int
    items: list[dict]
    notes: list[str] = field(default_factory=list)


def _docx_table(path: Path) -> tuple[list[str], list[tuple[list, int]]]:
    """The header and rows of the first table of a Word document that has a comment column."""
    from exports.reply_files import word_tables

    for rows in word_tables(path):
        for index, row in enumerate(rows[:3]):
            if "text" in guess_mapping(row):
                return row, [(r, number) for number, r in enumerate(rows[index + 1:], index + 2)]
    raise sheet_error(path.name, "文档中没有带“意见内容”一列的表格")


def read_comment_table(project, path, mapping: dict[str, str], *, round_number: int,
                       choose: Callable[[str, list[str]], str | None] | None = None,
                       public_unit_id: int | None = None) -> TableIntake:
    """An existing comment table (.xlsx, .csv or a .docx table) read into comments with their decisions.

    ``mapping`` (role → header) needs ``text`` and ``unit`` — or ``submitter`` for a table of
    comments from the public (反馈人 朱**), filed under ``public_unit_id`` with the person named
    in the source; ``disposition`` and ``reason`` bring the published decision along. A unit or a
    disposition wording that is not certain is asked through ``choose`` (question, options →
    option or None); unanswered, the whole table is refused naming the row and the wording.
    Nothing is written here.
    """
    from exports.forms import ClauseResolver, clause_options
    from feedback.matching import UnitIndex

    path = Path(path)
    name = path.name
    if "text" not in mapping:
        raise LedgerError(f"“{name}”：请用 --map 指定{TABLE_ROLES['text']}所在的列（text=列名）")
    by_person = "unit" not in mapping and "submitter" in mapping and public_unit_id is not None
    if "unit" not in mapping and not by_person:
        raise LedgerError(f"“{name}”：请用 --map 指定{TABLE_ROLES['unit']}所在的列（unit=列名；"
                          "个人提出的意见用 submitter=列名）")
    rounds = {r.number: r for r in project.rounds()}
    if round_number not in rounds:
        raise LedgerError(f"没有第{round_number}轮征求意见。")
    if path.suffix.lower() in (".docx", ".docm"):
        headers, stream = _docx_table(path)
    else:
        headers, stream = _table_rows(path, None, None)
    columns = {role: _column(headers, header, name) for role, header in mapping.items()}
    version = rounds[round_number].version_number
    resolver = ClauseResolver([(ref, heading) for _, ref, heading in clause_options(project.clauses(version))],
                              project.draft(version))
    units = {u.id: u for u in project.units()}
    index = UnitIndex(list(units.values()), project.localities())
    labels = [d.label for d in Disposition if d is not Disposition.PENDING]
    ask = choose or (lambda question, options: None)
    unit_of: dict[str, int] = {}
    disposition_for: dict[str, Disposition] = {}
    placed: dict[str, tuple[str | None, str]] = {}
    items, notes = [], []

    def cell(row: list, role: str) -> str:
        at = columns.get(role)
        return clean_cell_text(cell_text(row[at])) if at is not None and at < len(row) else ""

    for row, number in stream:
        body = cell(row, "text")
        if not body:
            continue
        typed_unit = cell(row, "unit")
        person = cell(row, "submitter")
        if by_person:
            unit_of[typed_unit] = public_unit_id
        if typed_unit not in unit_of:
            match = index.match(typed_unit) if typed_unit else None
            if match is not None and match.status in ("exact", "alias", "equivalent", "place"):
                unit_of[typed_unit] = match.unit_id
            else:
                options = [units[i] for i, _ in match.candidates] if match and match.candidates else list(units.values())
                picked = ask(f"“{name}”第{number}行的单位“{typed_unit}”是名单中的哪个单位？", [u.name for u in options])
                if picked is None:
                    raise LedgerError(f"“{name}”第{number}行的单位“{typed_unit or '（空）'}”不在单位名单中或无法确定，"
                                      "请先在单位名单中添加，或在表中写明名单中的名称")
                unit_of[typed_unit] = next(u.id for u in options if u.name == picked)
        wording = cell(row, "disposition")
        if wording not in disposition_for:
            disposition = disposition_of(wording)
            if disposition is None:
                picked = ask(f"“{name}”第{number}行的处理结果“{wording}”是哪一种？", labels)
                if picked is None:
                    raise LedgerError(f"“{name}”第{number}行的处理结果“{wording}”不能确定是{'、'.join(labels)}中的哪一种，"
                                      "请在表中改写后再导入")
                disposition = Disposition.from_label(picked)
            disposition_for[wording] = disposition
        disposition = disposition_for[wording]
        reason = cell(row, "reason")
        if disposition is Disposition.IN_WORK and not reason:
            reason = wording  # 转有关部门研究: the published words are the explanation
        work = _work_named(reason) if disposition is Disposition.IN_WORK else ""
        if disposition is Disposition.IN_WORK and work == GENERIC_WORK:
            notes.append(f"第{number}行“{reason[:30]}”未写明在哪项工作中落实，已记为“{GENERIC_WORK}”，请补写")
        if disposition.needs_reason and not reason:
            notes.append(f"第{number}行“{wording}”未写理由，已记为“{Disposition.PENDING.label}”，请补写理由后再处理")
            disposition = Disposition.PENDING
        clause_text = cell(row, "clause")
        ref, how = placed.setdefault(clause_text, resolver.place(clause_text) if clause_text else (None, ""))
        if clause_text and ref is None:
            notes.append(f"第{number}行条款“{clause_text[:30]}”未能定位（{how}），已记为“{UNPLACED_CLAUSE_REF}”")
        when = parse_date(row[columns["date"]]) if "date" in columns and columns["date"] < len(row) else None
        items.append(dict(round_number=round_number, unit_id=unit_of[typed_unit], clause_ref=ref or UNPLACED_CLAUSE_REF,
                          body=body, disposition=disposition, reason=reason,
                          work_item=work,
                          received_on=date.fromisoformat(when) if when else None,
                          source=f"意见表“{name}”第{number}行" + (f"（{person}）" if person else "")))
    if not items:
        raise sheet_error(name, f"“{mapping['text']}”列中没有意见内容")
    return TableIntake(name, round_number, items, notes)
