"""Reading a draft file into ``SourceBlock``s, the input of ``feedback.outline``.

Word documents (.docx; .doc and .wps through LibreOffice when it is installed), plain
text files and PDFs with a text layer (through pdfminer.six) are read. A paragraph's block starts with the number the reader
sees, also when Word's automatic numbering draws it (see ``exports.docx_numbering``).

Every failure is a ``DraftFileError`` whose message is one line of Chinese naming the
file and the reason; no other exception leaves the public functions.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import stat
import subprocess
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from exports.docx_numbering import ListNumbering, W_VAL, is_on
from exports.text_files import decode_text
from feedback.draft import Draft, SourceBlock, SourceBlocks
from feedback.errors import UserError
from feedback.outline import parse_blocks

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ZIP_MEMBERS = 10_000
# A member inflating this much, and to this size at least, is a zip bomb.
MAX_COMPRESSION_RATIO = 200
BOMB_MIN_BYTES = 10 * 1024 * 1024
CONVERSION_TIMEOUT_SECONDS = 120

_MB = 1024 * 1024
_LEGACY_FORMATS = {".doc": "旧版 Word 格式（.doc）", ".wps": "WPS 旧版格式（.wps）"}
_KNOWN_SUFFIXES = frozenset({".docx", ".txt", ".pdf", *_LEGACY_FORMATS})
_SUPPORTED = "Word 文档（.docx）、纯文本（.txt）或 PDF；装有 LibreOffice 时也可导入 .doc、.wps"
_ORIGINAL = "请导入原始的 Word 文档（.docx）或纯文本（.txt）"
_RESAVE = "请在 Word 或 WPS 中另存为 .docx 后再导入"

_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_ZIP_MAGIC = b"PK\x03\x04"
_PDF_MAGIC = b"%PDF"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")

_W_P = qn("w:p")
_W_TBL = qn("w:tbl")
_W_TR = qn("w:tr")
_W_TC = qn("w:tc")
_W_TR_PR = qn("w:trPr")
_W_SDT = qn("w:sdt")
_W_SDT_CONTENT = qn("w:sdtContent")
_W_CUSTOM_XML = qn("w:customXml")
_W_PPR = qn("w:pPr")
_W_PSTYLE = qn("w:pStyle")
_W_R = qn("w:r")
_W_RPR = qn("w:rPr")
_W_VANISH = qn("w:vanish")
_W_T = qn("w:t")
_W_TAB = qn("w:tab")
_W_PTAB = qn("w:ptab")
_W_NO_BREAK_HYPHEN = qn("w:noBreakHyphen")
_W_FOOTNOTE_REFERENCE = qn("w:footnoteReference")
_W_FOOTNOTE = qn("w:footnote")
_W_ID = qn("w:id")
_W_TYPE = qn("w:type")
_W_DEL = qn("w:del")
_W_OUTLINE_LVL = qn("w:outlineLvl")
_W_FLD_CHAR = qn("w:fldChar")
_W_FLD_CHAR_TYPE = qn("w:fldCharType")
_W_INSTR_TEXT = qn("w:instrText")
_W_FLD_SIMPLE = qn("w:fldSimple")
_W_INSTR = qn("w:instr")
_W_SDT_PR = qn("w:sdtPr")
_W_DOC_PART_GALLERY = qn("w:docPartGallery")
_W_TC_PR = qn("w:tcPr")
_W_V_MERGE = qn("w:vMerge")
_W_GRID_SPAN = qn("w:gridSpan")
_W_COMMENT = qn("w:comment")
_REVISION_TAGS = (qn("w:ins"), _W_DEL, qn("w:moveFrom"), qn("w:moveTo"))
# Styles of the entries of a contents list: TOC 1…9, 目录 1…9
_CONTENTS_STYLE_RE = re.compile(r"^(?:toc|目录)\s*\d$", re.IGNORECASE)
_BLOCKS = frozenset({_W_P, _W_TBL})
_ROWS = frozenset({_W_TR})
_CELLS = frozenset({_W_TC})
# Runs under these are not part of what the paragraph shows: deleted or moved-away
# revisions, text boxes anchored in it, ruby annotations, and the legacy duplicate of
# content Word also stores in a modern form.
_HIDDEN_CONTAINERS = frozenset({
    _W_DEL, qn("w:moveFrom"), qn("w:txbxContent"), qn("w:rt"),
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",
})


class DraftFileError(UserError):
    """A draft file that cannot be read.

    The message is one line of Chinese naming the file and the reason, e.g.
    ``无法读取“a.docx”：文件已加密（有密码保护），请先在 Word 中取消密码后另存为 .docx 再导入``.
    """


def _fail(name: str, reason: str) -> DraftFileError:
    return DraftFileError(f"无法读取“{name}”：{reason}")


@contextmanager
def _errors_reported(name: str, reason: str) -> Iterator[None]:
    """Turn any unexpected exception into a ``DraftFileError`` with ``reason``."""
    try:
        yield
    except DraftFileError:
        raise
    except MemoryError as exc:
        raise _fail(name, "文件过大，内存不足") from exc
    except Exception as exc:
        raise _fail(name, reason) from exc


def read_blocks(path) -> list[SourceBlock]:
    """The blocks of a draft file of any supported format, in document order.

    The format is told by the extension and checked against the content, so a Word
    document renamed to .doc or .txt is still read as one.
    """
    path = Path(path)
    name = path.name
    with _errors_reported(name, "文件内容已损坏，无法解析"):
        suffix = path.suffix.lower()
        if suffix not in _KNOWN_SUFFIXES:
            raise _fail(name, f"不支持“{suffix or '无扩展名'}”格式的文件，请导入{_SUPPORTED}")
        _checked_size(path, name)
        with open(path, "rb") as file:
            head = file.read(8)
        if head.startswith(_ZIP_MAGIC) or suffix == ".docx":
            return _read_docx(path, name)
        if head.startswith(_OLE_MAGIC) or suffix in _LEGACY_FORMATS:
            return _read_legacy(path, name)
        if head.startswith(_PDF_MAGIC) or suffix == ".pdf":
            return _read_pdf(path, name)
        return _read_text(path, name)


def read_docx_blocks(path) -> list[SourceBlock]:
    """The paragraphs and tables of the body of a .docx file, in document order.

    Headers, footers, footnotes and comments are not read.
    """
    path = Path(path)
    return _read_docx(path, path.name)


def read_text_blocks(path) -> list[SourceBlock]:
    """One block per non-blank line of a text file in UTF-8, GB18030, UTF-16 or a guessed encoding."""
    path = Path(path)
    return _read_text(path, path.name)


def check_office_zip(path) -> None:
    """Refuse an Office file (.docx, .xlsx) that is too big, a zip bomb, encrypted or no zip at all."""
    path = Path(path)
    with _errors_reported(path.name, "文件内容已损坏，无法解析"):
        _office_zip_names(path, path.name)


def _checked_size(path: Path, name: str) -> int:
    """The file's size, after refusing a missing, empty or oversized file without reading it."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise _fail(name, "找不到文件，可能已被移动、改名或删除") from None
    except PermissionError:
        raise _fail(name, "没有读取该文件的权限") from None
    except OSError:
        raise _fail(name, "无法打开文件") from None
    if stat.S_ISDIR(info.st_mode):
        raise _fail(name, "这是一个文件夹，不是文件")
    if not stat.S_ISREG(info.st_mode):
        raise _fail(name, "不是普通文件")
    if info.st_size == 0:
        raise _fail(name, "文件为空（0 字节）")
    if info.st_size > MAX_FILE_BYTES:
        raise _fail(name, f"文件过大（{info.st_size / _MB:.1f} MB），最大支持 {MAX_FILE_BYTES // _MB} MB")
    return info.st_size


def _office_zip_names(path: Path, name: str) -> list[str]:
    """The member names of an Office zip package, after the safety checks of ``check_office_zip``."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        app, modern, legacy = "Excel", path.suffix.lower(), ".xls"
    else:
        app, modern, legacy = "Word", ".docx", ".doc"
    _checked_size(path, name)
    with open(path, "rb") as file:
        head = file.read(len(_OLE_MAGIC))
    if head == _OLE_MAGIC:
        # An encrypted Office document is an OLE container holding an EncryptedPackage stream.
        if _ENCRYPTED_PACKAGE in path.read_bytes():
            raise _fail(name, f"文件已加密（有密码保护），请先在 {app} 中取消密码后另存为 {modern} 再导入")
        raise _fail(name, f"这是旧版 {app} 格式（{legacy}）的文件，只是扩展名为 {modern}，"
                          f"请在 {app} 或 WPS 中另存为 {modern} 后再导入")
    invalid = f"不是有效的 {modern} 文件"
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError) as exc:
        raise _fail(name, f"{invalid}（文件已损坏，或并非 {app} 文件）") from exc
    if len(members) > MAX_ZIP_MEMBERS:
        raise _fail(name, f"{invalid}（内含文件超过 {MAX_ZIP_MEMBERS} 个，疑似恶意文件）")
    unpacked = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise _fail(name, f"文件已加密（有密码保护），请先在 {app} 中取消密码后另存为 {modern} 再导入")
        if member.file_size > BOMB_MIN_BYTES and \
                member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1):
            raise _fail(name, f"{invalid}（压缩比异常，疑似压缩炸弹）")
        unpacked += member.file_size
    if unpacked > MAX_UNPACKED_BYTES:
        raise _fail(name, f"{invalid}（解压后超过 {MAX_UNPACKED_BYTES // _MB} MB，过大）")
    return [member.filename for member in members]


def _read_docx(path: Path, name: str) -> list[SourceBlock]:
    with _errors_reported(name, "不是有效的 .docx 文件（内容已损坏，无法解析）"):
        names = _office_zip_names(path, name)
        if "word/document.xml" not in names:
            if any(member.startswith("xl/") for member in names):
                raise _fail(name, "这是 Excel 表格，不是 Word 文档")
            if any(member.startswith("ppt/") for member in names):
                raise _fail(name, "这是 PowerPoint 演示文稿，不是 Word 文档")
            raise _fail(name, "不是有效的 .docx 文件（缺少正文 word/document.xml）")
        try:
            document = docx.Document(str(path))
        except ValueError as exc:  # python-docx's "not a Word file": a template or macro document
            raise _fail(name, f"不是普通的 Word 文档（可能是模板或启用宏的文档），{_RESAVE}") from exc
        body = document.element.body
        blocks = _BodyReader(document.part).read(body)
        revisions = sum(1 for _ in body.iter(*_REVISION_TAGS))
        comments_root = _related_root(document.part, RT.COMMENTS)
        comments = sum(1 for _ in comments_root.iter(_W_COMMENT)) if comments_root is not None else 0
        warnings = []
        if revisions or comments:
            held = "、".join(part for part in (f"{revisions}处修订" if revisions else "",
                                                f"{comments}条批注" if comments else "") if part)
            warnings.append(f"文件中仍有{held}；已按接受全部修订读取，批注未读入")
        return SourceBlocks(blocks, warnings)


def _related_root(part, relationship_type: str):
    """The XML root of a part related to ``part``, None when the package has none."""
    try:
        return part.part_related_by(relationship_type).element
    except KeyError:
        return None
    except AttributeError:  # a part with an unexpected content type is loaded as plain bytes
        return None


def _is_contents_control(sdt) -> bool:
    """A content control holding Word's table of contents."""
    gallery = sdt.find(f"{_W_SDT_PR}/{qn('w:docPartObj')}/{_W_DOC_PART_GALLERY}")
    return gallery is not None and "contents" in (gallery.get(W_VAL) or "").lower()


def _content(container, wanted: frozenset) -> Iterator:
    """The children of ``container`` with a tag in ``wanted``, looking through content controls."""
    for child in container:
        tag = child.tag
        if tag in wanted:
            yield child
        elif tag == _W_SDT:
            if _is_contents_control(child):
                continue
            content = child.find(_W_SDT_CONTENT)
            if content is not None:
                yield from _content(content, wanted)
        elif tag == _W_CUSTOM_XML:
            yield from _content(child, wanted)


def _paragraph_text(p, footnote=None) -> str:
    """The text a paragraph shows: its runs, also inside hyperlinks, insertions,
    fields and content controls; tabs as one space, line breaks as nothing.

    ``footnote(id)`` gives the mark shown for a footnote reference (none without it).
    """
    parts = []
    for run in p.iter(_W_R):
        container = run.getparent()
        while container is not p and container is not None:
            if container.tag in _HIDDEN_CONTAINERS:
                break
            container = container.getparent()
        else:
            for child in run:
                tag = child.tag
                if tag == _W_T:
                    if child.text:
                        parts.append(child.text)
                elif tag == _W_RPR:
                    if is_on(child.find(_W_VANISH)):  # hidden text
                        break
                elif tag == _W_TAB or tag == _W_PTAB:
                    parts.append(" ")
                elif tag == _W_NO_BREAK_HYPHEN:
                    parts.append("-")
                elif tag == _W_FOOTNOTE_REFERENCE and footnote is not None:
                    parts.append(footnote(child.get(_W_ID)))
    return "".join(parts)


def _footnote_texts(document_part) -> dict[str, str]:
    """The text of each footnote by its id (separators left out)."""
    try:
        part = document_part.part_related_by(RT.FOOTNOTES)
    except KeyError:
        return {}
    root = getattr(part, "element", None)
    if root is None:
        from docx.oxml import parse_xml  # the package's parser: no entities, no network

        root = parse_xml(part.blob)
    return {note.get(_W_ID): "".join(_paragraph_text(p) for p in note.iter(_W_P)).strip()
            for note in root.iter(_W_FOOTNOTE) if note.get(_W_TYPE) in (None, "normal")}


class _BodyReader:
    """Blocks of one document body, numbering its paragraphs as it goes."""

    def __init__(self, document_part) -> None:
        self._numbering = ListNumbering(_related_root(document_part, RT.NUMBERING),
                                        _related_root(document_part, RT.STYLES))
        self._footnotes = _footnote_texts(document_part)
        self._notes: list[str] = []  # the footnotes of the paragraph being read
        self._count = 0

    def _footnote(self, note_id: str | None) -> str:
        """Footnotes are numbered as Word shows them; their text is kept as a note of the paragraph."""
        text = self._footnotes.get(note_id or "")
        if text is None:
            return ""
        self._count += 1
        self._notes.append(f"注{self._count}：{text}")
        return f"[注{self._count}]"

    def read(self, body) -> list[SourceBlock]:
        blocks = []
        contents_depth = 0  # inside a TOC field: the contents list is no clause
        for element in _content(body, _BLOCKS):
            if element.tag == _W_P:
                contents_depth, inside = _contents_field(element, contents_depth)
                block = None if inside else self._paragraph(element)
            else:
                block = self._table(element)
            if block is not None:
                blocks.append(block)
        return blocks

    def _paragraph(self, p) -> SourceBlock | None:
        p_pr = p.find(_W_PPR)
        style_id = None
        own_outline = None
        if p_pr is not None:
            style = p_pr.find(_W_PSTYLE)
            style_id = style.get(W_VAL) if style is not None else None
            outline = p_pr.find(_W_OUTLINE_LVL)
            if outline is not None:
                own_outline = _int_or_none(outline.get(W_VAL))
        # The number is drawn, and counted, even when the paragraph is empty.
        number = self._numbering.number(p_pr, style_id)
        style_name = self._numbering.styles.name(style_id)
        if _CONTENTS_STYLE_RE.match(style_name):
            return None
        self._notes = []
        text = _paragraph_text(p, self._footnote if self._footnotes else None)
        if not text.strip():
            return None
        level = own_outline if own_outline is not None else self._numbering.styles.outline_level(style_id)
        return SourceBlock(text=number + text, style=style_name, auto_numbered=bool(number),
                           outline_level=level if level is not None and 0 <= level <= 8 else None,
                           notes=self._notes)

    def _table(self, tbl) -> SourceBlock | None:
        rows = []
        continued = []
        for tr in _content(tbl, _ROWS):
            if tr.find(f"{_W_TR_PR}/{_W_DEL}") is not None:  # a deleted row
                continue
            cells = []
            for tc in _content(tr, _CELLS):
                merge = tc.find(f"{_W_TC_PR}/{_W_V_MERGE}")
                if merge is not None and merge.get(W_VAL) in (None, "continue"):
                    continued.append((len(rows), len(cells)))
                cells.append(self._cell_text(tc))
            if any(cells):
                rows.append(cells)
            else:
                continued = [(r, c) for r, c in continued if r != len(rows)]
        return SourceBlock(rows=rows, continued=continued) if rows else None

    def _cell_text(self, tc) -> str:
        lines = []
        for element in _content(tc, _BLOCKS):
            if element.tag == _W_P:
                block = self._paragraph(element)
                if block is not None:
                    lines.append(block.text)
            else:
                nested = self._table(element)
                if nested is not None:
                    lines.extend(" ".join(cell for cell in row if cell) for row in nested.rows)
        return "\n".join(lines)


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _contents_field(p, depth: int) -> tuple[int, bool]:
    """Follow a TOC field through a paragraph: the new depth, and whether the paragraph is in it.

    ``depth`` counts the fields open since the TOC field began (0: not in one).
    """
    inside = depth > 0
    for element in p.iter(_W_FLD_CHAR, _W_INSTR_TEXT, _W_FLD_SIMPLE):
        if element.tag == _W_FLD_SIMPLE:
            if (element.get(_W_INSTR) or "").split()[:1] == ["TOC"]:
                inside = True
        elif element.tag == _W_INSTR_TEXT:
            if depth == 0 and (element.text or "").split()[:1] == ["TOC"]:
                depth, inside = 1, True
        elif depth > 0:
            kind = element.get(_W_FLD_CHAR_TYPE)
            if kind == "begin":
                depth += 1
            elif kind == "end":
                depth -= 1
    return depth, inside


def read_pdf_blocks(path) -> list[SourceBlock]:
    """One block per printed line of a PDF's text, page after page (page numbers included)."""
    path = Path(path)
    return _read_pdf(path, path.name)


def _read_pdf(path: Path, name: str) -> list[SourceBlock]:
    """The printed lines of a PDF with a text layer, top to bottom, page after page; an indented
    line keeps a leading full-width space. ``feedback.pdf_text`` rejoins them later."""
    # Imported here: only PDF drafts need it.
    from pdfminer.high_level import extract_pages
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    _checked_size(path, name)
    lines: list[str] = []
    edges: set[int] = set()
    pages = 0
    try:
        for page in extract_pages(str(path)):
            pages += 1
            first = len(lines) + 1
            lines += _printed_lines(page)
            edges |= {*range(first, first + 3), *range(len(lines) - 2, len(lines) + 1)}
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise _fail(name, f"PDF 文件已加密（有密码保护），{_ORIGINAL}") from exc
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError, ZeroDivisionError) as exc:
        raise _fail(name, f"PDF 文件已损坏，无法读取其中的文字；{_ORIGINAL}") from exc
    if sum(len(line.strip()) for line in lines) < 20:
        raise _fail(name, f"PDF 中没有可提取的文字（可能是扫描件），{_ORIGINAL}")
    return SourceBlocks((SourceBlock(text=line) for line in lines),
                        [f"草案取自 PDF（{pages}页），断行和页码已自动处理，请核对条款结构"], printed=True,
                        page_edges=frozenset(edges))


def _printed_lines(page) -> list[str]:
    """The text lines of one PDF page in reading order, indented ones marked by a leading 　."""
    from pdfminer.layout import LTTextLine

    found = []

    def walk(item) -> None:
        if isinstance(item, LTTextLine):
            text = item.get_text().strip()
            if text:
                found.append((item.y0, item.x0, item.height, text))
        elif hasattr(item, "__iter__"):
            for child in item:
                walk(child)

    walk(page)
    if not found:
        return []
    left = min(x for _, x, _, _ in found)
    found.sort(key=lambda line: (-round(line[0]), line[1]))
    return [("\u3000" if x - left >= 1.5 * height else "") + text for _, x, height, text in found]


def _read_text(path: Path, name: str) -> list[SourceBlock]:
    with _errors_reported(name, "文本内容无法读取"):
        _checked_size(path, name)
        text = _decode_text(path.read_bytes(), name)
        # splitlines knows \r\n, \r, \n and the Unicode line and paragraph separators.
        return [SourceBlock(text=line) for line in text.splitlines() if line.strip()]


def _decode_text(data: bytes, name: str) -> str:
    """Text in UTF-8 (with or without BOM), UTF-16, GB18030, or as guessed (``exports.text_files``)."""
    text = decode_text(data)
    if text is None:
        raise _fail(name, "无法识别文件的文字编码，或者这不是文本文件；请用记事本另存为 UTF-8 编码后再导入")
    return text


def _read_legacy(path: Path, name: str) -> list[SourceBlock]:
    """A .doc or .wps file, converted to .docx by LibreOffice when it is installed."""
    _checked_size(path, name)
    label = _LEGACY_FORMATS.get(path.suffix.lower(), _LEGACY_FORMATS[".doc"])
    converter = shutil.which("soffice") or shutil.which("libreoffice")
    if converter is None:
        raise _fail(name, f"是{label}，{_RESAVE}")
    with tempfile.TemporaryDirectory(prefix="draft-convert-") as work_dir:
        work = Path(work_dir)
        # A plain ASCII name spares the converter any trouble with the user's file name.
        source = work / ("draft" + (path.suffix.lower() or ".doc"))
        shutil.copyfile(path, source)
        converted = _convert_to_docx(converter, source, work, name)
        if converted is None:
            raise _fail(name, f"是{label}，自动转换为 .docx 失败，{_RESAVE}")
        return _read_docx(converted, name)


def _convert_to_docx(converter: str, source: Path, work: Path, name: str) -> Path | None:
    out_dir = work / "out"
    command = [
        converter,
        # A private profile: a LibreOffice the user has open would otherwise take the job.
        f"-env:UserInstallation={(work / 'profile').as_uri()}",
        "--headless", "--norestore", "--convert-to", "docx", "--outdir", str(out_dir), str(source),
    ]
    try:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError as exc:
        raise _fail(name, f"无法启动 LibreOffice 进行格式转换，{_RESAVE}") from exc
    try:
        process.wait(timeout=CONVERSION_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        _kill_process_tree(process)
        raise _fail(name, f"格式转换超时（{CONVERSION_TIMEOUT_SECONDS} 秒），{_RESAVE}") from None
    converted = out_dir / (source.stem + ".docx")
    return converted if converted.is_file() else None


def _kill_process_tree(process: subprocess.Popen) -> None:
    """Stop the converter and the office process it started."""
    if hasattr(os, "killpg"):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    else:
        process.kill()
    process.wait()


def load_draft(path, *, simplified: bool = False) -> Draft:
    """Read a draft file and parse it into its clause tree (``DraftFileError`` on bad input)."""
    return parse_blocks(read_blocks(path), simplified=simplified)
