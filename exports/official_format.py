"""The official document format (GB/T 9704-2012) shared by every Word document written.

A4 paper, margins 37/35/28/26 mm (top/bottom/left/right) giving a 156 × 225 mm text
block of 22 lines × 28 characters; title 2号 方正小标宋简体 centred; body 3号 仿宋_GB2312
with a two-character first-line indent; level-1 headings 黑体, level-2 楷体_GB2312;
page numbers 4号 ``— 1 —`` at the outer side (odd pages right, even pages left).
Chinese fonts are East-Asian fonts (``w:eastAsia``), Latin text in Times New Roman.

Everything is expressed as named paragraph styles (公文标题, 公文正文, 一级标题 …), so a
drafter who opens the file in Word or WPS finds the format in the style list.

>>> doc = OfficialDocument()
>>> _ = doc.title('《某某行动计划》起草情况说明')
>>> _ = doc.body('正文。')
>>> table = doc.table([Column('序号', 12, 'center'), Column('意见', 144)], [['1', '建议修改。']])
>>> [c.text for c in table.rows[1].cells]
['1', '建议修改。']
>>> resolved_font(doc.document.paragraphs[0]).east_asia, resolved_font(doc.document.paragraphs[1]).size_pt
('方正小标宋简体', 16.0)
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterable, Sequence, Union
from xml.sax.saxutils import escape

import docx
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from exports.saving import DocumentError, atomic_save  # noqa: F401 (both part of this module's interface)




# -- the page --------------------------------------------------------------------

TWIPS_PER_MM = 1440 / 25.4
TWIPS_PER_PT = 20
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28


@dataclass(frozen=True)
class PageGeometry:
    """Paper size and margins in millimetres."""

    width: float
    height: float
    top: float
    bottom: float
    left: float
    right: float
    header: float = 15
    footer: float = 25  # page number's dash about 7 mm below the text block

    @property
    def text_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def text_height(self) -> float:
        return self.height - self.top - self.bottom

    @property
    def landscape(self) -> bool:
        return self.width > self.height


PORTRAIT = PageGeometry(210, 297, top=37, bottom=35, left=28, right=26)
# A landscape table page is the portrait page turned: the binding edge goes to the top.
LANDSCAPE = PageGeometry(297, 210, top=28, bottom=26, left=35, right=37)

# -- fonts and sizes ---------------------------------------------------------------

FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_HEITI = "黑体"
FONT_KAITI = "楷体_GB2312"
FONT_SONGTI = "宋体"
FONT_LATIN = "Times New Roman"

SIZE_2 = 22.0  # 2号: the title
SIZE_3 = 16.0  # 3号: body and headings
SIZE_4 = 14.0  # 4号: page numbers
SIZE_SMALL_4 = 12.0  # 小四: table text

@dataclass(frozen=True)
class FontFallback:
    """A font table entry: the font to use where ``name`` is missing, and what it looks like
    (PANOSE class, GB2312 character set, family and pitch), so Word and WPS pick the nearest."""

    name: str
    alternative: str
    panose: str
    family: str = "modern"
    pitch: str = "fixed"


# The chains: 仿宋_GB2312 → 仿宋 → FangSong; 方正小标宋简体 → 华文中宋 → STZhongsong;
# 楷体_GB2312 → 楷体 → KaiTi; 黑体 → SimHei; 宋体 → SimSun.
FONT_FALLBACKS = (
    FontFallback(FONT_TITLE, "华文中宋", "02000000000000000000", "script", "variable"),
    FontFallback("华文中宋", "STZhongsong", "02010600040101010101", "auto", "variable"),
    FontFallback(FONT_BODY, "仿宋", "02010609030101010101"),
    FontFallback("仿宋", "FangSong", "02010609060101010101"),
    FontFallback(FONT_KAITI, "楷体", "02010609030101010101"),
    FontFallback("楷体", "KaiTi", "02010609060101010101"),
    FontFallback(FONT_HEITI, "SimHei", "02010609060101010101"),
    FontFallback(FONT_SONGTI, "SimSun", "02010600030101010101", "auto", "variable"),
)


def line_pitch_twips() -> int:
    """The exact line spacing that puts 22 lines in the portrait text block: 579 twips (28.95 pt)."""
    return math.floor(PORTRAIT.text_height * TWIPS_PER_MM / LINES_PER_PAGE)


def char_pitch_pt() -> float:
    """The width of one grid character: 28 of them fill the 156 mm line."""
    return PORTRAIT.text_width * TWIPS_PER_MM / CHARS_PER_LINE / TWIPS_PER_PT


def char_space() -> int:
    """``w:docGrid/@w:charSpace``: the grid pitch minus the 3号 font size, in 1/4096 pt."""
    return math.floor((char_pitch_pt() - SIZE_3) * 4096)


def chars_twips(chars: float) -> int:
    """A width of ``chars`` grid characters in twips (for the fallback of ``w:…Chars``)."""
    return round(chars * char_pitch_pt() * TWIPS_PER_PT)


# -- styles ------------------------------------------------------------------------

STYLE_NORMAL = "Normal"
STYLE_TITLE = "GwTitle"
STYLE_BODY = "GwBody"
STYLE_ADDRESSEE = "GwAddressee"
STYLE_HEADING1 = "GwHeading1"
STYLE_HEADING2 = "GwHeading2"
STYLE_HEADING3 = "GwHeading3"
STYLE_ATTACHMENT_NOTE = "GwAttachmentNote"
STYLE_SIGNATURE = "GwSignature"
STYLE_ATTACHMENT_LABEL = "GwAttachmentLabel"
STYLE_TABLE_TEXT = "GwTableText"
STYLE_TABLE_HEADER = "GwTableHeader"
STYLE_PAGE_NUMBER = "GwPageNumber"
STYLE_LEAD2 = "GwLead2"  # character style: a run-in level-2 heading in 楷体
STYLE_LEAD3 = "GwLead3"  # character style: a run-in level-3 heading


@dataclass(frozen=True)
class _StyleSpec:
    name: str
    font: str
    size: float
    kind: str = "paragraph"
    align: str = ""  # w:jc
    first_line_chars: int = 0
    outline: int | None = None
    bold: bool = False
    latin: str = FONT_LATIN
    grid: bool = True  # exact 28.95 pt lines, 28 characters to the line
    keep_next: bool = False
    auto_space: bool = True  # Word's extra space between Chinese and digits


_STYLES: dict[str, _StyleSpec] = {
    STYLE_BODY: _StyleSpec("公文正文", FONT_BODY, SIZE_3, align="both", first_line_chars=2),
    STYLE_TITLE: _StyleSpec("公文标题", FONT_TITLE, SIZE_2, align="center", keep_next=True),
    STYLE_ADDRESSEE: _StyleSpec("主送机关", FONT_BODY, SIZE_3, align="left", keep_next=True),
    STYLE_HEADING1: _StyleSpec("一级标题", FONT_HEITI, SIZE_3, align="both", first_line_chars=2, outline=0,
                               keep_next=True),
    STYLE_HEADING2: _StyleSpec("二级标题", FONT_KAITI, SIZE_3, align="both", first_line_chars=2, outline=1,
                               keep_next=True),
    STYLE_HEADING3: _StyleSpec("三级标题", FONT_BODY, SIZE_3, align="both", first_line_chars=2, outline=2),
    # indented paragraph by paragraph: the hanging indent depends on the attachment number
    STYLE_ATTACHMENT_NOTE: _StyleSpec("附件说明", FONT_BODY, SIZE_3, align="left"),
    # placed by a left indent; without the automatic space around digits the date is as
    # wide as its characters, so its end falls where it was computed
    STYLE_SIGNATURE: _StyleSpec("落款", FONT_BODY, SIZE_3, align="left", auto_space=False),
    STYLE_ATTACHMENT_LABEL: _StyleSpec("附件标注", FONT_HEITI, SIZE_3, align="left", keep_next=True),
    STYLE_TABLE_TEXT: _StyleSpec("表格文字", FONT_BODY, SIZE_SMALL_4, align="left", grid=False),
    STYLE_TABLE_HEADER: _StyleSpec("表格标题行", FONT_HEITI, SIZE_SMALL_4, align="center", grid=False),
    STYLE_PAGE_NUMBER: _StyleSpec("页码", FONT_SONGTI, SIZE_4, latin=FONT_SONGTI, grid=False),
    STYLE_LEAD2: _StyleSpec("二级标题文字", FONT_KAITI, SIZE_3, kind="character"),
    STYLE_LEAD3: _StyleSpec("三级标题文字", FONT_BODY, SIZE_3, kind="character"),
}


def _fonts_xml(east_asia: str, latin: str = FONT_LATIN) -> str:
    return (f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{east_asia}" w:cs="{latin}" '
            f'w:hint="eastAsia"/>')


def _size_xml(size: float) -> str:
    half_points = round(size * 2)
    return f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'


# The 28 characters of a line: 3号 characters 0.3 pt closer (15.7 pt each), so that 28 fit
# the 156 mm line in every word processor. Word and WPS would also get there through the
# character grid, but LibreOffice gives each 16 pt character two cells of a 15.79 pt grid;
# the official paragraphs therefore do not snap to the grid and are spaced exactly.
TRACKING_TWENTIETHS = -6


def _spacing_xml(grid: bool) -> str:
    if grid:
        return f'<w:spacing w:before="0" w:after="0" w:line="{line_pitch_twips()}" w:lineRule="exact"/>'
    return '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'


def _tracking_xml(size: float) -> str:
    return f'<w:spacing w:val="{TRACKING_TWENTIETHS}"/>' if size == SIZE_3 else ""


def _style_xml(style_id: str, spec: _StyleSpec) -> str:
    rpr = (_fonts_xml(spec.font, spec.latin) + ("<w:b/><w:bCs/>" if spec.bold else "")
           + _tracking_xml(spec.size) + _size_xml(spec.size))
    if spec.kind == "character":
        return (f'<w:style {nsdecls("w")} w:type="character" w:customStyle="1" w:styleId="{style_id}">'
                f'<w:name w:val="{spec.name}"/><w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="1"/>'
                f'<w:qFormat/><w:rPr>{rpr}</w:rPr></w:style>')
    ppr = ""
    if spec.keep_next:
        ppr += "<w:keepNext/>"
    if not spec.auto_space:
        ppr += '<w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>'
    ppr += '<w:snapToGrid w:val="0"/>'
    ppr += _spacing_xml(spec.grid)
    if spec.first_line_chars:
        ppr += (f'<w:ind w:firstLineChars="{spec.first_line_chars * 100}" '
                f'w:firstLine="{chars_twips(spec.first_line_chars)}"/>')
    if spec.align:
        ppr += f'<w:jc w:val="{spec.align}"/>'
    if spec.outline is not None:
        ppr += f'<w:outlineLvl w:val="{spec.outline}"/>'
    return (f'<w:style {nsdecls("w")} w:type="paragraph" w:customStyle="1" w:styleId="{style_id}">'
            f'<w:name w:val="{spec.name}"/><w:basedOn w:val="{STYLE_NORMAL}"/>'
            f'<w:next w:val="{STYLE_BODY}"/><w:qFormat/><w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>')


def _install_styles(document: Document) -> None:
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        styles.remove(defaults)
    styles.insert(0, parse_xml(
        f'<w:docDefaults {nsdecls("w")}><w:rPrDefault><w:rPr>{_fonts_xml(FONT_BODY)}<w:kern w:val="2"/>'
        f'{_size_xml(SIZE_3)}<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        f'<w:pPrDefault><w:pPr>{_spacing_xml(False)}</w:pPr></w:pPrDefault></w:docDefaults>'))
    normal = styles.find(f'{qn("w:style")}[@{qn("w:styleId")}="{STYLE_NORMAL}"]')
    if normal is None:
        normal = parse_xml(f'<w:style {nsdecls("w")} w:type="paragraph" w:default="1" w:styleId="Normal">'
                           f'<w:name w:val="Normal"/><w:qFormat/></w:style>')
        styles.append(normal)
    for child in list(normal):
        if child.tag in (qn("w:pPr"), qn("w:rPr")):
            normal.remove(child)
    normal.append(parse_xml(f'<w:pPr {nsdecls("w")}><w:snapToGrid w:val="0"/>{_spacing_xml(True)}'
                            f'<w:jc w:val="both"/></w:pPr>'))
    normal.append(parse_xml(f'<w:rPr {nsdecls("w")}>{_fonts_xml(FONT_BODY)}{_tracking_xml(SIZE_3)}'
                            f'{_size_xml(SIZE_3)}</w:rPr>'))
    for style_id, spec in _STYLES.items():
        old = styles.find(f'{qn("w:style")}[@{qn("w:styleId")}="{style_id}"]')
        if old is not None:
            styles.remove(old)
        styles.append(parse_xml(_style_xml(style_id, spec)))


def _register_fonts(document: Document) -> None:
    """Name the official fonts in the font table, each with the font to use where it is
    missing (``FONT_FALLBACKS``); an entry already there gains what it lacks."""
    try:
        part = document.part.part_related_by(RT.FONT_TABLE)
    except KeyError:
        return
    root = etree.fromstring(part.blob)
    fonts = {f.get(qn("w:name")): f for f in root.findall(qn("w:font"))}
    for fallback in FONT_FALLBACKS:
        font = fonts.get(fallback.name)
        if font is None:
            font = etree.SubElement(root, qn("w:font"))
            font.set(qn("w:name"), fallback.name)
        values = (("w:altName", fallback.alternative), ("w:panose1", fallback.panose), ("w:charset", "86"),
                  ("w:family", fallback.family), ("w:pitch", fallback.pitch))
        for position, (tag, value) in enumerate(values):
            element = font.find(qn(tag))
            if element is None:  # in the schema's order: altName, panose1, charset, family, pitch
                element = etree.Element(qn(tag))
                font.insert(position, element)
            element.set(qn("w:val"), value)
    # a font table is a plain part to python-docx: its bytes are replaced whole
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _set_settings(document: Document) -> None:
    document.settings.odd_and_even_pages_header_footer = True
    settings = document.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")


def _drop_thumbnail(document: Document) -> None:
    rels = document.part.package.rels
    for rel_id, rel in list(rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            rels.pop(rel_id)


def set_page(section, page: PageGeometry = PORTRAIT) -> None:
    """Paper, margins and the 22 × 28 character grid of one section."""
    from docx.enum.section import WD_ORIENT

    section.orientation = WD_ORIENT.LANDSCAPE if page.landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(page.width), Mm(page.height)
    section.top_margin, section.bottom_margin = Mm(page.top), Mm(page.bottom)
    section.left_margin, section.right_margin = Mm(page.left), Mm(page.right)
    section.header_distance, section.footer_distance = Mm(page.header), Mm(page.footer)
    section.gutter = 0
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = etree.SubElement(sect_pr, qn("w:docGrid"))
    grid.attrib.clear()
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(line_pitch_twips()))
    grid.set(qn("w:charSpace"), str(char_space()))


def page_number_xml(odd: bool) -> str:
    """The footer paragraph ``— PAGE —``: odd pages right, even pages left, one character in."""
    side = 'w:right="280" w:rightChars="100"' if odd else 'w:left="280" w:leftChars="100"'
    run = lambda inner: f"<w:r>{inner}</w:r>"  # noqa: E731 - one-line helper
    return (f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="{STYLE_PAGE_NUMBER}"/>'
            f'<w:ind {side}/><w:jc w:val="{"right" if odd else "left"}"/></w:pPr>'
            + run('<w:t xml:space="preserve">— </w:t>')
            + run('<w:fldChar w:fldCharType="begin"/>')
            + run('<w:instrText xml:space="preserve"> PAGE </w:instrText>')
            + run('<w:fldChar w:fldCharType="separate"/>')
            + run("<w:t>1</w:t>")
            + run('<w:fldChar w:fldCharType="end"/>')
            + run('<w:t xml:space="preserve"> —</w:t>') + "</w:p>")


def set_page_numbers(section) -> None:
    """Separate odd and even footers, each with the page number at the outer side."""
    for footer, odd in ((section.footer, True), (section.even_page_footer, False)):
        footer.is_linked_to_previous = False
        element = footer._element
        for child in list(element):
            element.remove(child)
        element.append(parse_xml(page_number_xml(odd)))


def apply_official_format(document: Document, *, page: PageGeometry = PORTRAIT) -> Document:
    """Give a python-docx document the official styles, page, grid and page numbers."""
    _install_styles(document)
    _register_fonts(document)
    _set_settings(document)
    _drop_thumbnail(document)
    for section in document.sections:
        set_page(section, page)
        set_page_numbers(section)
    return document


def set_properties(document: Document, *, title: str = "", author: str = "") -> None:
    """The file's own properties: its title and the drafting unit, nothing else."""
    from datetime import datetime, timezone

    props = document.core_properties
    props.title = title
    props.author = author
    props.last_modified_by = author
    props.comments = ""
    props.subject = ""
    props.keywords = ""
    props.category = ""
    props.revision = 1
    now = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)
    props.created = props.modified = now
    _name_application(document)


_EXTENDED = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"


def _name_application(document: Document) -> None:
    """docProps/app.xml names 意见通 and its version, not the word processor the template came from."""
    from feedback import __version__

    for part in document.part.package.iter_parts():
        if str(part.partname) != "/docProps/app.xml":
            continue
        root = etree.fromstring(part.blob)
        for name in ("Application", "AppVersion"):  # AppVersion holds a word processor's own numbering
            for element in root.findall(_EXTENDED + name):
                root.remove(element)
        etree.SubElement(root, _EXTENDED + "Application").text = f"意见通 {__version__}"
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# -- text helpers ------------------------------------------------------------------

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Text without the control characters an XML file cannot hold.

    >>> xml_safe('a\\x07b\\tc')
    'ab\\tc'
    """
    return _XML_INVALID.sub("", text or "")


def text_width(text: str) -> float:
    """How many grid characters a text is wide: Chinese 1, Latin letters and digits ½.

    >>> text_width('汉中市教育局'), text_width('2023年4月27日')
    (6, 6.5)
    """
    return sum(1 if unicodedata.east_asian_width(ch) in "WFA" else 0.5 for ch in text)


def signature_indents(unit: str, when: str) -> tuple[float, float]:
    """Right indents (in characters) of the unit and the date under it.

    GB/T 9704 for a document without seal: the unit 右空二字; the date on the next
    line starts two characters right of the unit's first character; a date longer
    than that moves the unit left instead, the date keeping 右空二字.

    >>> signature_indents('汉中市教育局', '2023年4月27日')
    (4.5, 2)
    >>> signature_indents('汉中市人民政府办公室', '2023年4月27日')
    (2, 3.5)
    """
    unit_width, date_width = text_width(unit), text_width(when)
    if unit_width >= date_width + 2:
        return 2, 2 + unit_width - date_width - 2
    return 2 + date_width + 2 - unit_width, 2


def signature_left_indents(unit: str, when: str) -> tuple[float, float]:
    """The same places as left indents: the date starts exactly two characters after the unit.

    >>> signature_left_indents('汉中市教育局', '2023年4月27日')
    (17.5, 19.5)
    """
    unit_right, date_right = signature_indents(unit, when)
    return (max(0.0, CHARS_PER_LINE - unit_right - text_width(unit)),
            max(0.0, CHARS_PER_LINE - date_right - text_width(when)))


def title_width(page: PageGeometry = PORTRAIT) -> int:
    """How many 2号 title characters a line holds: 20 portrait, 28 landscape."""
    return math.floor(page.text_width * 72 / 25.4 / SIZE_2)


_TITLE_BREAK_RE = re.compile(r"(?=[（(《])|(?<=[》）)的])")


def title_lines(title: str, max_width: float) -> list[str]:
    """A title too long for one line cut into two at a natural place (before a bracket,
    after 》 or 的), the two lines as even as possible; else left to the word processor.

    >>> title_lines('《汉中市提高教育质量三年行动计划（2023—2025年）》起草情况说明', 20)
    ['《汉中市提高教育质量三年行动计划', '（2023—2025年）》起草情况说明']
    >>> title_lines('《某某计划》起草情况说明', 20)
    ['《某某计划》起草情况说明']
    """
    if text_width(title) <= max_width:
        return [title]
    best = None
    for match in _TITLE_BREAK_RE.finditer(title):
        first, second = title[:match.start()], title[match.start():]
        widths = text_width(first), text_width(second)
        if first and second and max(widths) <= max_width:
            score = abs(widths[0] - widths[1])
            if best is None or score < best[0]:
                best = (score, [first, second])
    return best[1] if best else [title]


# -- tables ------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    """A table column: its header, width in millimetres, and alignment (left/center/both)."""

    header: str
    width_mm: float
    align: str = "left"


@dataclass(frozen=True)
class Span:
    """A piece of cell text with its own look, e.g. deleted words struck through."""

    text: str
    bold: bool = False
    underline: bool = False
    strike: bool = False
    font: str = ""


@dataclass(frozen=True)
class FullWidthRow:
    """A row of one cell across the whole table, e.g. a group heading."""

    text: str
    bold: bool = True


CellValue = Union[str, Sequence[Span], None]


def _run_xml(span: Span, size_xml: str) -> str:
    rpr = ""
    if span.font:
        rpr += _fonts_xml(span.font)
    if span.bold:
        rpr += "<w:b/><w:bCs/>"
    if span.strike:
        rpr += "<w:strike/>"
    rpr += size_xml
    if span.underline:
        rpr += '<w:u w:val="single"/>'
    rpr = f"<w:rPr>{rpr}</w:rPr>" if rpr else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(xml_safe(span.text))}</w:t></w:r>'


def _cell_paragraphs(value: CellValue) -> list[list[Span]]:
    """A cell value as paragraphs of spans: a line break starts a new paragraph."""
    spans = [Span(value)] if isinstance(value, str) else list(value or [])
    paragraphs: list[list[Span]] = [[]]
    for span in spans:
        pieces = span.text.split("\n")
        for index, piece in enumerate(pieces):
            if index:
                paragraphs.append([])
            if piece:
                paragraphs[-1].append(Span(piece, span.bold, span.underline, span.strike, span.font))
    return paragraphs


def _cell_xml(value: CellValue, width: int, style: str, align: str, size_xml: str,
              merge: str = "", grid_span: int = 1, keep_next: bool = False) -> str:
    tc_pr = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if grid_span > 1:
        tc_pr += f'<w:gridSpan w:val="{grid_span}"/>'
    if merge:
        tc_pr += f'<w:vMerge w:val="{merge}"/>' if merge == "restart" else "<w:vMerge/>"
    tc_pr += '<w:vAlign w:val="center"/>'
    keep = "<w:keepNext/>" if keep_next else ""
    p_pr = f'<w:pPr><w:pStyle w:val="{style}"/>{keep}<w:jc w:val="{align}"/></w:pPr>'
    body = "".join(f"<w:p>{p_pr}{''.join(_run_xml(s, size_xml) for s in spans)}</w:p>"
                   for spans in ([[]] if merge == "continue" else _cell_paragraphs(value)))
    return f"<w:tc><w:tcPr>{tc_pr}</w:tcPr>{body}</w:tc>"


def _plain_cell_body(text: str, p_pr: str, run_open: str) -> str:
    """The paragraphs of a plain-text cell, without building spans (the common, fast case)."""
    return "".join(f'<w:p>{p_pr}{run_open}{escape(line)}</w:t></w:r></w:p>' if line else f"<w:p>{p_pr}</w:p>"
                   for line in xml_safe(text).split("\n"))


def _plain(value: CellValue) -> str:
    return value if isinstance(value, str) else "".join(s.text for s in (value or []))


_CELL_MARGINS_MM = 3.0  # left and right cell margins together (85 twips each), rounded up
_TABLE_LINE = 1.3  # the height of a table line in font sizes (single spacing with the font's leading)


def row_height_mm(values: Sequence[CellValue], widths_mm: Sequence[float], font_size: float = SIZE_SMALL_4) -> float:
    """About how tall a row prints: its longest cell's lines, each character counted as a Chinese one.

    >>> round(row_height_mm(['1', '一二三四五六七八九十一二'], [10, 30]), 1)
    11.0
    """
    char_mm = font_size / 72 * 25.4
    lines = 1
    for value, width in zip(values, widths_mm):
        per_line = max(1, int((width - _CELL_MARGINS_MM) / char_mm))
        text = _plain(value)
        lines = max(lines, sum(max(1, -(-len(line) // per_line)) for line in text.split("\n")))
    return lines * font_size * _TABLE_LINE / 72 * 25.4


def _merged_groups_kept(rows: Sequence, heights: Sequence[float], merge_column: int | None,
                        limit: float) -> list[bool]:
    """For each row, whether it keeps with the next: rows sharing a merged cell, together shorter than ``limit``.

    >>> _merged_groups_kept([['1', '甲'], ['2', '甲'], ['3', '乙']], [5, 5, 5], 1, 100)
    [True, False, False]
    """
    keys = [None if isinstance(row, FullWidthRow) or merge_column is None or merge_column >= len(row)
            else _plain(row[merge_column]) for row in rows]
    kept = [False] * len(rows)
    start = 0
    while start < len(rows):
        end = start
        while end + 1 < len(rows) and keys[start] and keys[end + 1] == keys[start]:
            end += 1
        if end > start and sum(heights[start:end + 1]) < limit:
            for index in range(start, end):
                kept[index] = True
        start = end + 1
    return kept


KEPT_FRACTION = 0.2
"""The most of a page a block kept whole (a row, a unit's merged rows) may take."""


def _merged_rows(rows: Sequence, keep_next: Sequence[bool], merge_column: int | None) -> list[bool]:
    """For each row, whether its ``merge_column`` cell is merged with its neighbours:
    the rows of a group kept together (and the last of them).

    >>> _merged_rows([['1', '甲'], ['2', '甲'], ['3', '乙'], ['4', '乙']], [True, False, False, False], 1)
    [True, True, False, False]
    """
    merged = [False] * len(rows)
    if merge_column is None:
        return merged
    for index, keep in enumerate(keep_next):
        if keep:
            merged[index] = merged[index + 1] = True
    return merged


def table_xml(columns: Sequence[Column], rows: Iterable[Sequence[CellValue] | FullWidthRow], *,
              text_width_mm: float = PORTRAIT.text_width, merge_column: int | None = None,
              font_size: float = SIZE_SMALL_4, header: bool = True,
              text_height_mm: float = PORTRAIT.text_height) -> str:
    """The WordprocessingML of a whole table, built as one string (fast for thousands of rows).

    Borders on every cell, the header row repeated on each page, fixed column widths
    scaled to the text block. Consecutive equal cells of ``merge_column`` are merged and
    their rows kept on one page only when together they take less than ``KEPT_FRACTION``
    of the page (a merged cell cannot break in every word processor); a longer group
    keeps its name in each row and breaks where the page ends. A row as short is kept
    whole, a longer one may break. So no page ends more than that fraction early.
    """
    total = sum(c.width_mm for c in columns) or 1
    widths_mm = [c.width_mm * text_width_mm / total for c in columns]
    widths = [round(w * TWIPS_PER_MM) for w in widths_mm]
    whole_row = kept_group = text_height_mm * KEPT_FRACTION
    size_xml = "" if font_size == SIZE_SMALL_4 else _size_xml(font_size)
    border = 'w:val="single" w:sz="4" w:space="0" w:color="auto"'
    parts = [
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders><w:top {border}/><w:left {border}/><w:bottom {border}/><w:right {border}/>'
        f'<w:insideH {border}/><w:insideV {border}/></w:tblBorders><w:tblLayout w:type="fixed"/>'
        f'<w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
        f'<w:bottom w:w="28" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>'
        f'<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
        f'w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>'
        + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths) + "</w:tblGrid>"]
    if header:
        parts.append("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
                     + "".join(_cell_xml(c.header, w, STYLE_TABLE_HEADER, "center", size_xml)
                               for c, w in zip(columns, widths)) + "</w:tr>")
    # the fixed parts of a plain cell, per column
    cell_open = [f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
                 for w in widths]
    cell_ppr = [f'<w:pPr><w:pStyle w:val="{STYLE_TABLE_TEXT}"/><w:jc w:val="{c.align}"/></w:pPr>' for c in columns]
    kept_ppr = [f'<w:pPr><w:pStyle w:val="{STYLE_TABLE_TEXT}"/><w:keepNext/><w:jc w:val="{c.align}"/></w:pPr>'
                for c in columns]
    rows = list(rows)
    heights = [0.0 if isinstance(row, FullWidthRow) else row_height_mm(row, widths_mm, font_size) for row in rows]
    keep_next = _merged_groups_kept(rows, heights, merge_column, kept_group)
    merged = _merged_rows(rows, keep_next, merge_column)
    run_open = f'<w:r>{"<w:rPr>" + size_xml + "</w:rPr>" if size_xml else ""}<w:t xml:space="preserve">'
    previous: str | None = None
    for number, row in enumerate(rows):
        if isinstance(row, FullWidthRow):
            previous = None
            parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>"
                         + _cell_xml([Span(row.text, bold=row.bold)], sum(widths), STYLE_TABLE_TEXT, "left",
                                     size_xml, grid_span=len(columns)) + "</w:tr>")
            continue
        cells = []
        for index, (column, width) in enumerate(zip(columns, widths)):
            value = row[index] if index < len(row) else ""
            merge = ""
            if index == merge_column and merged[number]:
                text = _plain(value)
                merge = "continue" if text and text == previous else "restart"
                previous = text
            elif index == merge_column:
                previous = None
            if merge or not isinstance(value, str):
                cells.append(_cell_xml(value, width, STYLE_TABLE_TEXT, column.align, size_xml, merge,
                                       keep_next=keep_next[number]))
            else:
                ppr = kept_ppr[index] if keep_next[number] else cell_ppr[index]
                cells.append(cell_open[index] + _plain_cell_body(value, ppr, run_open) + "</w:tc>")
        whole = heights[number] < whole_row
        parts.append(("<w:tr><w:trPr><w:cantSplit/></w:trPr>" if whole else "<w:tr>") + "".join(cells) + "</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)


# -- the document ---------------------------------------------------------------------

class OfficialDocument:
    """A Word document in the official format, written paragraph by paragraph.

    Each method appends one element and returns it (a python-docx ``Paragraph`` or
    ``Table``), so callers can adjust it further.
    """

    def __init__(self, document: Document | None = None, *, page: PageGeometry = PORTRAIT):
        self.document = document if document is not None else docx.Document()
        self.page = page
        apply_official_format(self.document, page=page)

    # paragraphs
    def paragraph(self, text: str = "", style: str = STYLE_BODY, *, lead: str = "",
                  lead_style: str = STYLE_LEAD2) -> Paragraph:
        """A paragraph in ``style``; ``lead`` is a run-in heading before ``text`` in ``lead_style``."""
        paragraph = self.document.add_paragraph(style=None)
        paragraph._p.get_or_add_pPr().get_or_add_pStyle().val = style
        if lead:
            run = paragraph.add_run(xml_safe(lead))
            run._r.get_or_add_rPr().get_or_add_rStyle().val = lead_style
        if text:
            paragraph.add_run(xml_safe(text))
        return paragraph

    def title(self, text: str, *, blank_after: bool = True) -> Paragraph:
        """The title, centred, cut into two even lines when long, followed by the blank
        line GB/T 9704 puts under it."""
        paragraph = self.paragraph("\n".join(title_lines(xml_safe(text), title_width(self.page))), STYLE_TITLE)
        if blank_after:
            self.blank_line()
        return paragraph

    def addressee(self, text: str) -> Paragraph:
        return self.paragraph(text, STYLE_ADDRESSEE)

    def body(self, text: str, *, lead: str = "", level: int = 0) -> Paragraph:
        """A body paragraph; a run-in heading of level 2 (楷体) or 3 in ``lead``."""
        return self.paragraph(text, STYLE_BODY, lead=lead, lead_style=STYLE_LEAD3 if level == 3 else STYLE_LEAD2)

    def heading1(self, text: str) -> Paragraph:
        return self.paragraph(text, STYLE_HEADING1)

    def heading2(self, text: str) -> Paragraph:
        return self.paragraph(text, STYLE_HEADING2)

    def heading3(self, text: str) -> Paragraph:
        return self.paragraph(text, STYLE_HEADING3)

    def blank_line(self) -> Paragraph:
        return self.paragraph("", STYLE_NORMAL)

    def attachment_note(self, names: Sequence[str]) -> list[Paragraph]:
        """``附件：…`` under the body after a blank line; several attachments numbered 1. 2. …,
        wrapped lines aligned with the first character of the name. Kept on the page of
        the signature that follows, so that no page holds the signature alone."""
        names = [n for n in names if n]
        if not names:
            return []
        self._keep_last_with_next()
        self.blank_line().paragraph_format.keep_with_next = True
        paragraphs = []
        for index, name in enumerate(names):
            number = f"{index + 1}." if len(names) > 1 else ""
            text = ("附件：" if index == 0 else "") + number + name
            left = 5 + text_width(number)  # 2 characters in, then 附件：
            hanging = left - (2 if index == 0 else 5)
            paragraph = self.paragraph(text, STYLE_ATTACHMENT_NOTE)
            set_indent(paragraph, left=left, hanging=hanging)
            paragraph.paragraph_format.keep_with_next = True
            paragraphs.append(paragraph)
        return paragraphs

    def signature(self, unit: str, when: date | str) -> list[Paragraph]:
        """The drafting unit and the date, after a blank line, placed as GB/T 9704 says,
        kept together with the last lines above them."""
        from feedback.explanation_text import chinese_date

        when_text = when if isinstance(when, str) else chinese_date(when)
        unit_left, date_left = signature_left_indents(unit, when_text)
        self._keep_last_with_next()
        self.blank_line().paragraph_format.keep_with_next = True
        result = []
        for text, left in ((unit, unit_left), (when_text, date_left)):
            paragraph = self.paragraph(text, STYLE_SIGNATURE)
            set_indent(paragraph, left=left)
            result.append(paragraph)
        result[0].paragraph_format.keep_with_next = True
        return result

    def _keep_last_with_next(self) -> None:
        paragraphs = self.document.element.body.findall(qn("w:p"))
        if paragraphs:
            Paragraph(paragraphs[-1], self.document._body).paragraph_format.keep_with_next = True

    def new_section(self, page: PageGeometry) -> None:
        """Go on on a new page with another page set-up (a landscape table after portrait text)."""
        from docx.enum.section import WD_SECTION

        section = self.document.add_section(WD_SECTION.NEW_PAGE)
        set_page(section, page)
        set_page_numbers(section)
        self.page = page

    def attachment_page(self, title: str, number: int | None = None, *,
                        page: PageGeometry | None = None) -> list[Paragraph]:
        """A new page: ``附件`` (or ``附件2``) top left in 黑体, the attachment title centred on line 3.
        With ``page`` (e.g. ``LANDSCAPE``) the attachment starts a section of that page set-up."""
        new_section = page is not None and page != self.page
        if new_section:
            self.new_section(page)
        label = self.paragraph(f"附件{number or ''}", STYLE_ATTACHMENT_LABEL)
        label.paragraph_format.page_break_before = not new_section
        self.blank_line()
        heading = self.paragraph(title, STYLE_TITLE)
        self.blank_line()
        return [label, heading]

    def table(self, columns: Sequence[Column], rows: Iterable[Sequence[CellValue] | FullWidthRow], *,
              merge_column: int | None = None, font_size: float = SIZE_SMALL_4, header: bool = True) -> Table:
        """A bordered table across the text block, built directly as XML (see ``table_xml``)."""
        element = parse_xml(table_xml(columns, rows, text_width_mm=self.page.text_width,
                                      merge_column=merge_column, font_size=font_size, header=header,
                                      text_height_mm=self.page.text_height))
        body = self.document.element.body
        sect_pr = body.find(qn("w:sectPr"))
        if sect_pr is not None:
            sect_pr.addprevious(element)
        else:
            body.append(element)
        return Table(element, self.document._body)

    def save(self, path, *, title: str = "", author: str = "") -> Path:
        set_properties(self.document, title=title, author=author)
        return save_document(self.document, path)


def set_indent(paragraph: Paragraph, *, left: float = 0, right: float = 0, hanging: float = 0) -> None:
    """Indents in grid characters, written both as characters and as twips for older readers."""
    p_pr = paragraph._p.get_or_add_pPr()
    ind = p_pr.find(qn("w:ind"))
    if ind is None:
        ind = etree.SubElement(p_pr, qn("w:ind"))
        # w:ind comes before w:jc in the schema's order
        jc = p_pr.find(qn("w:jc"))
        if jc is not None:
            jc.addprevious(ind)
    if left:
        ind.set(qn("w:left"), str(chars_twips(left)))
        ind.set(qn("w:leftChars"), str(round(left * 100)))
    if right:
        ind.set(qn("w:right"), str(chars_twips(right)))
        ind.set(qn("w:rightChars"), str(round(right * 100)))
    if hanging:
        ind.set(qn("w:hanging"), str(chars_twips(hanging)))
        ind.set(qn("w:hangingChars"), str(round(hanging * 100)))
    else:
        ind.set(qn("w:firstLine"), "0")
        ind.set(qn("w:firstLineChars"), "0")


def save_document(document: Document, path) -> Path:
    """Write the file whole or not at all; a failure is one Chinese sentence naming it."""
    return atomic_save(path, document.save)




# -- reading the format back ------------------------------------------------------------

@dataclass(frozen=True)
class FontInfo:
    """The font a run is shown in, after styles and document defaults are applied."""

    east_asia: str | None
    latin: str | None
    size_pt: float | None
    bold: bool


def _rpr_values(rpr) -> dict:
    values: dict = {}
    if rpr is None:
        return values
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is not None:
        if fonts.get(qn("w:eastAsia")):
            values["east_asia"] = fonts.get(qn("w:eastAsia"))
        if fonts.get(qn("w:ascii")):
            values["latin"] = fonts.get(qn("w:ascii"))
    size = rpr.find(qn("w:sz"))
    if size is not None:
        values["size_pt"] = int(size.get(qn("w:val"))) / 2
    bold = rpr.find(qn("w:b"))
    if bold is not None:
        values["bold"] = bold.get(qn("w:val")) not in ("0", "false")
    return values


def _style_chain_values(styles, style_id: str | None) -> dict:
    values: dict = {}
    seen = set()
    while style_id and style_id not in seen:
        seen.add(style_id)
        style = styles.find(f'{qn("w:style")}[@{qn("w:styleId")}="{style_id}"]')
        if style is None:
            break
        for key, value in _rpr_values(style.find(qn("w:rPr"))).items():
            values.setdefault(key, value)
        based = style.find(qn("w:basedOn"))
        style_id = based.get(qn("w:val")) if based is not None else None
    return values


def resolved_font(paragraph: Paragraph, run=None) -> FontInfo:
    """The effective East-Asian font, Latin font, size and weight of a run (the first
    run by default): direct formatting, then its character style, then the paragraph
    style chain, then the document defaults."""
    styles = paragraph.part.package.main_document_part.styles.element
    if run is None:
        runs = paragraph.runs
        run = runs[0] if runs else None
    values: dict = {}
    if run is not None:
        rpr = run._r.rPr
        values.update(_rpr_values(rpr))
        if rpr is not None and rpr.find(qn("w:rStyle")) is not None:
            for key, value in _style_chain_values(styles, rpr.find(qn("w:rStyle")).get(qn("w:val"))).items():
                values.setdefault(key, value)
    p_style = paragraph._p.pPr.find(qn("w:pStyle")) if paragraph._p.pPr is not None else None
    style_id = p_style.get(qn("w:val")) if p_style is not None else STYLE_NORMAL
    for key, value in _style_chain_values(styles, style_id).items():
        values.setdefault(key, value)
    defaults = styles.find(f'{qn("w:docDefaults")}/{qn("w:rPrDefault")}/{qn("w:rPr")}')
    for key, value in _rpr_values(defaults).items():
        values.setdefault(key, value)
    return FontInfo(values.get("east_asia"), values.get("latin"), values.get("size_pt"), values.get("bold", False))
