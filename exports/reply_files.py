"""Reading a unit's reply in whatever form it came, into the comments of ``feedback.letters``.

A reply is a letter (.txt in any encoding, .docx, .doc/.wps through LibreOffice, a PDF
with a text layer, or pasted text), the draft sent back with Word revisions and
comments, a copy of the draft edited without tracking, or a Word feedback form (a table
of 章节条款 / 原文 / 修改意见 / 理由 / 建议修改为 with 填报单位 above it). Every file gives a
``feedback.letters.LetterSplit``; a file that cannot be read raises ``ReplyFileError``
with one Chinese line naming the file and the reason. Nothing here writes to a project.
"""
from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from lxml import etree

from exports.draft_files import DraftFileError, _checked_size, check_office_zip
from feedback.draft import Draft
from feedback.letters import (LetterSplit, RevisedParagraph, WordComment, comments_from_edited_copy,
                              comments_from_form_rows, comments_from_revisions, form_columns, is_form_header,
                              letter_date, split_letter)

TEXT_SUFFIXES = (".txt", ".text")
WORD_SUFFIXES = (".docx", ".docm")
LEGACY_SUFFIXES = {".doc": "旧版 Word 文档（.doc）", ".wps": "WPS 文字文档（.wps）", ".odt": "OpenDocument 文本（.odt）"}
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp", ".heic")
SHEET_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".xls", ".et")
REPLY_SUFFIXES = TEXT_SUFFIXES + WORD_SUFFIXES + tuple(LEGACY_SUFFIXES) + (".pdf",)
MAX_PDF_PAGES = 200
_EDITED_COPY_SHARE = 0.5  # a returned .docx holding at least this share of the draft's clauses is a copy of it

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*", b"BM")
_INSERTED = {f"{{{_W}}}ins", f"{{{_W}}}moveTo"}
_DELETED = {f"{{{_W}}}del", f"{{{_W}}}moveFrom"}
_UNIT_LINE_RE = re.compile(r"(?:填报|反馈|报送)单位(?:（盖章）|\(盖章\))?\s*[:：]\s*(?P<unit>[^\s:：]{2,40}?)"
                           r"(?=\s|$|填报人|联系人|联系电话|日期|填报日期|（盖章）|\(盖章\))")


class ReplyFileError(DraftFileError):
    """A reply file that cannot be read; the message names the file and the reason."""


def _fail(name: str, reason: str) -> ReplyFileError:
    return ReplyFileError(f"无法读取“{name}”：{reason}")


@dataclass
class Reply:
    """What one file said: its kind (来函, 修订稿, 修改稿, 反馈表) and its comments."""

    file: str
    kind: str
    letter: LetterSplit


def read_reply_text(text: str, draft: Draft, name: str = "粘贴的文字") -> Reply:
    """Pasted text or standard input: a letter, or 无意见 alone."""
    if not text.strip():
        raise _fail(name, "内容为空")
    return Reply(name, "来函", split_letter(text, draft))


def read_reply(path, draft: Draft) -> Reply:
    """A reply file of any supported kind, its comments placed on ``draft`` (the draft the unit was sent)."""
    path = Path(path)
    name = path.name
    suffix = path.suffix.lower()
    try:
        _checked_size(path, name)  # missing, a folder, empty or too big: refused before anything reads it
        with open(path, "rb") as file:
            head = file.read(8)
    except DraftFileError as error:
        raise ReplyFileError(str(error)) from None
    except OSError:
        raise _fail(name, "无法打开文件") from None
    if suffix in IMAGE_SUFFIXES or head.startswith(_IMAGE_MAGIC):
        raise _fail(name, "是图片，没有可读取的文字；请向来函单位索要 Word 版，或对照图片手工录入")
    if suffix in SHEET_SUFFIXES:
        raise _fail(name, "是表格文件：本项目发出的反馈表请用“收集反馈表”（collect）导入，"
                          "已有的意见处理表请用 import-public --map … 导入")
    try:
        if head.startswith(b"%PDF") or suffix == ".pdf":
            text = _pdf_text(path, name)
            form = _pdf_form(path)
            if form is not None:
                return Reply(name, "反馈表", _form_split(*form, draft))
            if any(is_form_header(line.split()) for line in text.splitlines()):
                raise _fail(name, "PDF 中的反馈表没有表格线，无法可靠地逐行读出；"
                                  "请向填报单位索要 Word 或 Excel 版，或对照原件手工录入")
            return Reply(name, "来函", split_letter(text, draft))
        if suffix == ".odt":  # a zip too, but not Word's
            return _read_legacy(path, name, draft)
        if head.startswith(b"PK\x03\x04") or suffix in WORD_SUFFIXES:
            return _read_word(path, name, draft)
        if head.startswith(b"\xd0\xcf\x11\xe0") or suffix in LEGACY_SUFFIXES:
            return _read_legacy(path, name, draft)
        if suffix in TEXT_SUFFIXES or not suffix:
            return Reply(name, "来函", split_letter(_plain_text(path, name), draft))
    except ReplyFileError:
        raise
    except DraftFileError as error:  # the same sentence, under the reply's own error
        raise ReplyFileError(str(error)) from error
    except MemoryError:
        raise _fail(name, "文件过大，内存不足") from None
    except Exception as error:  # noqa: BLE001 - a hostile file is one sentence, never a traceback
        raise _fail(name, f"文件内容已损坏，无法解析（{type(error).__name__}）") from error
    raise _fail(name, f"不支持“{suffix}”格式的来函，请使用 Word（.docx/.doc/.wps）、PDF 或纯文本（.txt）")


# -- text, PDF, legacy Word ---------------------------------------------------------------------


def _plain_text(path: Path, name: str) -> str:
    from exports.draft_files import _decode_text

    return _decode_text(path.read_bytes(), name)


def _pdf_text(path: Path, name: str) -> str:
    """The text layer of a PDF, line by line; a scan without one is refused in plain words.

    Characters are put back into lines by their baselines: punctuation set in a fallback
    font (the “” of a converted Word letter) sits in its own text chunk and would
    otherwise come out of order.
    """
    from pdfminer.high_level import extract_pages
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    pages: list[str] = []
    try:
        for number, page in enumerate(extract_pages(str(path)), 1):
            if number > MAX_PDF_PAGES:
                raise _fail(name, f"PDF 超过{MAX_PDF_PAGES}页，不像是一封来函")
            pages.append(_page_lines(page))
    except (PDFPasswordIncorrect, PDFEncryptionError) as error:
        raise _fail(name, "PDF 文件已加密（有密码保护），请取消密码后再导入") from error
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError, AttributeError) as error:
        raise _fail(name, "不是有效的 PDF 文件（内容已损坏，无法解析）") from error
    text = "\n".join(pages)
    if len(re.sub(r"\s", "", text)) < 4:
        raise _fail(name, "PDF 中没有文字层（可能是扫描件或图片），无法读取文字；"
                          "请向来函单位索要 Word 版，或对照原件手工录入")
    return text


def _pdf_form(path: Path) -> tuple[list[list[str]], int, list[str]] | None:
    """A feedback form printed to PDF: the rows of its first ruled table with a form's header row,
    that header's index and the lines printed above the table; None when there is none.

    A cell's printed lines are one text: a Chinese line wraps without a space.
    """
    import pdfplumber

    rows: list[list[str]] = []
    header_index, above = None, []
    with pdfplumber.open(str(path)) as pdf:
        for page in pdf.pages[:MAX_PDF_PAGES]:
            for table in page.find_tables():
                cells = [[re.sub(r"\s*\n\s*", "", cell or "").strip() for cell in row] for row in table.extract()]
                if header_index is None:
                    header_index = next((i for i, row in enumerate(cells[:3]) if is_form_header(row)), None)
                    if header_index is None:
                        continue
                    top = page.crop((0, 0, page.width, table.bbox[1])).extract_text() or ""
                    lines = [line for line in top.splitlines() if not is_form_header(line.split())]
                    above = ["".join(lines)] + lines  # 填报时间：2024年5月13 / 日: a wrapped line joined
                    rows = cells
                elif cells and len(cells[0]) == len(rows[0]):
                    rows += cells[1:] if is_form_header(cells[0]) else cells  # the table goes on over the page
    return None if header_index is None else (rows, header_index, above)


def _page_lines(page) -> str:
    from pdfminer.layout import LTChar

    chars = []

    def walk(item) -> None:
        if isinstance(item, LTChar):
            chars.append(item)
        elif hasattr(item, "__iter__"):
            for child in item:
                walk(child)

    walk(page)
    lines: list[list] = []  # [baseline, size, chars]
    for char in sorted(chars, key=lambda c: -c.matrix[5]):
        baseline, size = char.matrix[5], max(char.size, 1.0)
        line = next((line for line in lines if abs(line[0] - baseline) <= 0.3 * max(size, line[1])), None)
        if line is None:
            lines.append([baseline, size, [char]])
        else:
            line[2].append(char)
    rows = []  # text, left, right, size, baseline
    for baseline, size, members in sorted(lines, key=lambda line: -line[0]):
        members.sort(key=lambda c: c.x0)
        text, right = "", None
        for char in members:
            if right is not None and char.x0 - right > 0.8 * size:
                text += " "
            text += char.get_text()
            right = char.x1
        rows.append((text, members[0].x0, right, size, baseline))
    if not rows:
        return ""
    margin_left = min(row[1] for row in rows)
    margin_right = max(row[2] for row in rows)
    result = [rows[0][0]]
    for previous, row in zip(rows, rows[1:]):
        full = previous[2] >= margin_right - 3 * previous[3]
        flush = row[1] <= margin_left + 0.5 * row[3] and not row[0][:1].isspace()
        close = previous[4] - row[4] <= 1.6 * max(previous[3], row[3])  # no paragraph spacing between them
        if full and flush and close and not previous[0].rstrip().endswith(("。", "：", ":", "；", "！", "？")):
            result[-1] += row[0]  # a printed line wrapped, not a new paragraph
        else:
            result.append(row[0])
    return "\n".join(result)


def _read_legacy(path: Path, name: str, draft: Draft) -> Reply:
    from exports.draft_files import _convert_to_docx

    label = LEGACY_SUFFIXES.get(path.suffix.lower(), LEGACY_SUFFIXES[".doc"])
    converter = shutil.which("soffice") or shutil.which("libreoffice")
    resave = "请在 Word 或 WPS 中另存为 .docx 后再导入"
    if converter is None:
        raise _fail(name, f"是{label}，本机未安装 LibreOffice，无法自动转换；{resave}")
    with tempfile.TemporaryDirectory(prefix="reply-convert-") as work_dir:
        work = Path(work_dir)
        source = work / ("reply" + (path.suffix.lower() or ".doc"))
        shutil.copyfile(path, source)
        converted = _convert_to_docx(converter, source, work, name)
        if converted is None:
            raise _fail(name, f"是{label}，自动转换为 .docx 失败；{resave}")
        reply = _read_word(converted, name, draft)
    return reply


# -- Word ----------------------------------------------------------------------------------------


def _read_word(path: Path, name: str, draft: Draft) -> Reply:
    check_office_zip(path)
    with zipfile.ZipFile(path) as archive:
        members = set(archive.namelist())
        if "word/document.xml" not in members:
            if any(m.startswith("xl/") for m in members):
                raise _fail(name, "这是 Excel 表格，不是 Word 文档")
            raise _fail(name, "不是有效的 .docx 文件（缺少正文 word/document.xml）")
        document = archive.read("word/document.xml")
        comments_xml = archive.read("word/comments.xml") if "word/comments.xml" in members else None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    body = etree.fromstring(document, parser).find(f"{{{_W}}}body")
    if body is None:
        raise _fail(name, "不是有效的 .docx 文件（正文为空）")
    comments = _word_comments(comments_xml, parser) if comments_xml else {}
    paragraphs, anchors = _revised_paragraphs(body)
    revised = any(p.old != p.new for p in paragraphs)
    if revised or any(key in comments for key in anchors):
        word_comments = [WordComment(anchors[key][0], anchors[key][1], text, author)
                         for key, (text, author) in comments.items() if key in anchors]
        letter = comments_from_revisions(paragraphs, word_comments, draft)
        if letter.dated is None:
            letter.dated = _last_revision_date(body, etree.fromstring(comments_xml, parser) if comments_xml else None)
            if letter.dated is not None:
                letter.warnings.append(f"修订稿没有成文日期，收到日期取最后一处修订或批注的日期"
                                       f"（{letter.dated.isoformat()}）")
        return Reply(name, "修订稿", letter)
    table = _form_table(body)
    if table is not None:
        return Reply(name, "反馈表", _form_letter(body, table, draft))
    sheet = _feedback_sheet(body, draft)
    if sheet is not None:
        return Reply(name, "反馈单", sheet)
    texts = [p.new for p in paragraphs]
    copy = _edited_copy(path, draft)
    if copy is not None:
        return Reply(name, "修改稿", copy)
    letter = split_letter("\n".join(texts), draft)
    if body.find(f".//{{{_W}}}tbl") is not None:
        letter.warnings.append("文档中含有表格，表格中的文字已逐格当作段落读取，请人工核对意见的拆分")
    return Reply(name, "来函", letter)


def _local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _inside(element, stop, tags: set[str]) -> bool:
    for ancestor in element.iterancestors():
        if ancestor is stop:
            return False
        if ancestor.tag in tags:
            return True
    return False


def _revised_paragraphs(body) -> tuple[list[RevisedParagraph], dict[str, tuple[int, str]]]:
    """Every paragraph's text before and after the revisions; each comment's paragraph and anchored text."""
    paragraphs: list[RevisedParagraph] = []
    open_ranges: dict[str, list[str]] = {}
    anchors: dict[str, tuple[int, str]] = {}
    starts: dict[str, int] = {}
    for index, p in enumerate(body.iter(f"{{{_W}}}p")):
        old: list[str] = []
        new: list[str] = []
        authors: dict[str, None] = {}
        for element in p.iter():
            tag = _local(element)
            if tag in ("ins", "del", "moveTo", "moveFrom"):
                author = element.get(f"{{{_W}}}author", "")
                if author:
                    authors[author] = None
            elif tag == "t":
                text = element.text or ""
                new.append(text)
                if not _inside(element, p, _INSERTED):
                    old.append(text)
                    for key in open_ranges:
                        open_ranges[key].append(text)
            elif tag in ("delText", "moveFromText"):
                old.append(element.text or "")
                for key in open_ranges:
                    open_ranges[key].append(element.text or "")
            elif tag == "tab":
                new.append("\t")
                old.append("\t")
            elif tag == "commentRangeStart":
                key = element.get(f"{{{_W}}}id", "")
                open_ranges[key] = []
                starts[key] = index
            elif tag == "commentRangeEnd":
                key = element.get(f"{{{_W}}}id", "")
                if key in open_ranges:
                    anchors[key] = (starts[key], "".join(open_ranges.pop(key)))
            elif tag == "commentReference":
                key = element.get(f"{{{_W}}}id", "")
                if key not in anchors and key not in open_ranges:
                    anchors[key] = (index, "")  # a comment on a point, without a range
        paragraphs.append(RevisedParagraph("".join(old), "".join(new), tuple(a for a in authors if a)))
    for key, pieces in open_ranges.items():
        anchors[key] = (starts[key], "".join(pieces))
    return paragraphs, anchors


def _last_revision_date(*roots) -> date | None:
    """The day of the newest w:date on a revision or a comment (2024-05-12T16:30:00Z → 2024-05-12)."""
    days = []
    for root in roots:
        for element in root.iter() if root is not None else ():
            stamp = element.get(f"{{{_W}}}date") or ""
            try:
                days.append(date.fromisoformat(stamp[:10]))
            except ValueError:
                continue
    return max(days, default=None)


def _word_comments(data: bytes, parser) -> dict[str, tuple[str, str]]:
    root = etree.fromstring(data, parser)
    found = {}
    for comment in root.iter(f"{{{_W}}}comment"):
        lines = ["".join(t.text or "" for t in p.iter(f"{{{_W}}}t")) for p in comment.iter(f"{{{_W}}}p")]
        found[comment.get(f"{{{_W}}}id", "")] = ("\n".join(line for line in lines if line.strip()),
                                                  comment.get(f"{{{_W}}}author", ""))
    return found


def _cell_text(tc) -> str:
    """A cell's text, a paragraph or a line break (Shift+Enter) a new line."""
    def line(p) -> str:
        return "".join((e.text or "") if _local(e) == "t" else "\n"
                       for e in p.iter(f"{{{_W}}}t", f"{{{_W}}}br", f"{{{_W}}}cr"))

    return "\n".join(line(p) for p in tc.iter(f"{{{_W}}}p")).strip()


def _table_rows(tbl) -> list[list[str]]:
    return [[_cell_text(tc) for tc in tr.findall(f"{{{_W}}}tc")] for tr in tbl.findall(f"{{{_W}}}tr")]


def _form_table(body):
    """The first table whose header row (within its first three rows) is a feedback form's."""
    for tbl in body.iter(f"{{{_W}}}tbl"):
        rows = _table_rows(tbl)
        for index, row in enumerate(rows[:3]):
            if is_form_header(row):
                return tbl, index
    return None


def _form_letter(body, table, draft: Draft) -> LetterSplit:
    tbl, header_index = table
    above = []
    for element in body:
        if element is tbl:
            break
        if _local(element) == "p":
            above.append("".join(t.text or "" for t in element.iter(f"{{{_W}}}t")))
    return _form_split(_table_rows(tbl), header_index, above, draft)


def _form_split(rows: list[list[str]], header_index: int, above: list[str], draft: Draft) -> LetterSplit:
    """A feedback form's rows read as comments; ``above`` the lines printed above the table."""
    columns = form_columns(rows[header_index])
    answers = [{role: row[column] if column < len(row) else "" for role, column in columns.items()}
               for row in rows[header_index + 1:]]
    comments, warnings, said_none = comments_from_form_rows(answers, draft)
    # 填报单位 and the date: in a line above the table, or in the cells of the rows above the header
    above = list(above) + ["  ".join(row) for row in rows[:header_index]]
    unit = None
    for line in above:
        found = _UNIT_LINE_RE.search(line.replace("\u3000", " "))
        if found:
            unit = found.group("unit")
            break
    cells = [cell for row in rows[:header_index] for cell in row]
    if unit is None:
        for index, cell in enumerate(cells[:-1]):
            if re.sub(r"\s", "", cell).startswith(("填报单位", "反馈单位")) and cells[index + 1].strip():
                unit = cells[index + 1].strip()
                break
    dated = next((d for line in above for part in re.split(r"[\s:：]+", line) if (d := letter_date(part))), None)
    if unit is None:
        warnings.insert(0, "未能从反馈表中识别出填报单位")
    return LetterSplit(unit, said_none, comments, warnings, dated)


# 征求意见反馈单: a table of labels and values (单位名称 | 汉中市财政局 | 联系人 | …; 意见建议 | …)
_SHEET_UNIT_LABELS = ("单位名称", "反馈单位", "填报单位", "报送单位", "提出单位", "单位")
_SHEET_OPINION_LABELS = ("意见建议", "意见和建议", "意见及建议", "修改意见和建议", "修改意见", "具体修改意见",
                         "反馈意见", "具体意见", "意见", "建议")


def _feedback_sheet(body, draft: Draft) -> LetterSplit | None:
    """A 反馈单 read as a letter: the opinion cell split into comments (or 无意见), the unit from its
    单位名称 cell, the date from any cell; None when no table has an opinion label beside a value."""
    for tbl in body.iter(f"{{{_W}}}tbl"):
        rows = _table_rows(tbl)
        found: dict[str, str] = {}
        for row in rows:
            for label, value in zip(row, row[1:]):
                key = re.sub(r"[\s:：（）()]", "", label)
                if not value.strip() or re.sub(r"[\s:：（）()]", "", value) in _SHEET_UNIT_LABELS + _SHEET_OPINION_LABELS:
                    continue  # a header row (序号 | 单位 | 意见) is no label beside its value
                if key in _SHEET_UNIT_LABELS:
                    found.setdefault("unit", value.strip())
                elif key in _SHEET_OPINION_LABELS:
                    found.setdefault("opinion", value.strip())
        if "opinion" not in found or "unit" not in found:
            continue
        letter = split_letter(found["opinion"], draft)
        letter.unit_name_guess = _SEAL_WORDS_RE.sub("", found["unit"]).strip() or letter.unit_name_guess
        letter.warnings = [w for w in letter.warnings if "反馈单位" not in w]
        days = [d for row in rows for cell in row for part in re.split(r"[\s:：]+", cell) if (d := letter_date(part))]
        letter.dated = letter.dated or (max(days) if days else None)
        return letter
    return None


_SEAL_WORDS_RE = re.compile(r"[（(]\s*(?:盖章|公章)\s*[)）]")


def _edited_copy(path: Path, draft: Draft) -> LetterSplit | None:
    """The returned .docx read as a draft, compared with ``draft`` when it is a copy of it; else None."""
    from exports.draft_files import read_docx_blocks
    from feedback.outline import parse_blocks
    from feedback.revision import clause_body, comparison_key

    try:
        returned = parse_blocks(read_docx_blocks(path))
    except DraftFileError:
        return None
    sent_bodies = {comparison_key(clause_body(c)) for c in draft.clauses if clause_body(c)}
    same = sum(1 for c in returned.clauses if comparison_key(clause_body(c)) in sent_bodies)
    if len(draft.clauses) < 3 or same < _EDITED_COPY_SHARE * len(sent_bodies):
        return None
    return comments_from_edited_copy(draft, returned)


def word_tables(path) -> list[list[list[str]]]:
    """The tables of a Word document, each as rows of cell texts (a table inside a cell read on its own)."""
    path = Path(path)
    try:
        check_office_zip(path)
        with zipfile.ZipFile(path) as archive:
            document = archive.read("word/document.xml")
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        root = etree.fromstring(document, parser)
    except DraftFileError as error:
        raise ReplyFileError(str(error)) from error
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError) as error:
        raise _fail(path.name, "不是有效的 .docx 文件（内容已损坏，无法解析）") from error
    return [_table_rows(tbl) for tbl in root.iter(f"{{{_W}}}tbl")]
