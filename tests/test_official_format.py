"""The GB/T 9704-2012 format, read back from written files with python-docx and lxml."""
from __future__ import annotations

import zipfile
from datetime import date

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Length
from lxml import etree

from exports.official_format import (CHARS_PER_LINE, FONT_BODY, FONT_HEITI, FONT_KAITI, FONT_LATIN, FONT_SONGTI,
                                     FONT_TITLE, LANDSCAPE, LINES_PER_PAGE, PORTRAIT, STYLE_LEAD2, STYLE_TABLE_HEADER,
                                     STYLE_TABLE_TEXT, Column, FullWidthRow, OfficialDocument, Span,
                                     char_pitch_pt, resolved_font, signature_left_indents, text_width)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TWIPS_PER_MM = 1440 / 25.4


def sample(tmp_path, page=PORTRAIT):
    doc = OfficialDocument(page=page)
    doc.title("《某某行动计划》起草情况说明")
    doc.addressee("市政府：")
    doc.body("现将起草情况说明如下：")
    doc.heading1("一、起草背景")
    doc.heading2("（一）总体考虑")
    doc.body("发挥领导小组作用。", lead="（一）加强组织领导。")
    doc.attachment_note(["征求意见反馈情况"])
    doc.signature("某某市教育局", date(2023, 4, 27))
    doc.attachment_page("征求意见反馈情况")
    doc.table([Column("序号", 12, "center"), Column("单位", 30), Column("意见", 114)],
              [["1", "市财政局", "建议修改。"], ["2", "市财政局", "建议补充。"], FullWidthRow("第2轮"),
               ["3", "洋县", [Span("删去", strike=True), Span("新增", underline=True)]]], merge_column=1)
    return doc.save(tmp_path / "sample.docx", title="样稿", author="某某市教育局")


def paragraph_with(document, text):
    return next(p for p in document.paragraphs if p.text == text)


def test_page_size_margins_and_grid(tmp_path):
    document = docx.Document(str(sample(tmp_path)))
    section = document.sections[0]
    assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)  # A4 as Word writes it
    for actual, millimetres in ((section.top_margin, 37), (section.bottom_margin, 35),
                                (section.left_margin, 28), (section.right_margin, 26)):
        assert abs(actual.mm - millimetres) < 0.1
    assert abs(Length(section.page_width - section.left_margin - section.right_margin).mm - 156) < 0.1
    assert abs(Length(section.page_height - section.top_margin - section.bottom_margin).mm - 225) < 0.1
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    pitch = int(grid.get(qn("w:linePitch")))
    assert pitch == 579 and pitch * LINES_PER_PAGE <= 225 * TWIPS_PER_MM < (pitch + 1) * LINES_PER_PAGE
    # Word's character pitch: the 3号 size plus charSpace/4096 pt; 28 of them fill the line
    char_pitch = 16 + int(grid.get(qn("w:charSpace"))) / 4096
    assert CHARS_PER_LINE * char_pitch <= 156 * 72 / 25.4 < (CHARS_PER_LINE + 1) * char_pitch


def test_body_lines_are_exactly_spaced_and_28_condensed_characters_fit(tmp_path):
    document = docx.Document(str(sample(tmp_path)))
    body = paragraph_with(document, "现将起草情况说明如下：")
    spacing = document.styles.element.find(f'{W}style[@{W}styleId="Normal"]/{W}pPr/{W}spacing')
    assert (spacing.get(qn("w:line")), spacing.get(qn("w:lineRule"))) == ("579", "exact")
    style = document.styles.element.find(f'{W}style[@{W}styleId="{body.style.style_id}"]')
    tracking = int(style.find(f"{W}rPr/{W}spacing").get(qn("w:val"))) / 20
    assert CHARS_PER_LINE * (16 + tracking) <= 156 * 72 / 25.4 < (CHARS_PER_LINE + 1) * (16 + tracking)
    indent = style.find(f"{W}pPr/{W}ind")
    assert indent.get(qn("w:firstLineChars")) == "200"
    assert abs(char_pitch_pt() * CHARS_PER_LINE - 156 * 72 / 25.4) < 0.01


@pytest.mark.parametrize("text, font, size, bold", [
    ("《某某行动计划》起草情况说明", FONT_TITLE, 22, False),
    ("市政府：", FONT_BODY, 16, False),
    ("现将起草情况说明如下：", FONT_BODY, 16, False),
    ("一、起草背景", FONT_HEITI, 16, False),
    ("（一）总体考虑", FONT_KAITI, 16, False),
    ("附件：征求意见反馈情况", FONT_BODY, 16, False),
    ("某某市教育局", FONT_BODY, 16, False),
    ("附件", FONT_HEITI, 16, False),
    ("征求意见反馈情况", FONT_TITLE, 22, False),
])
def test_fonts_and_sizes_per_element(tmp_path, text, font, size, bold):
    document = docx.Document(str(sample(tmp_path)))
    info = resolved_font(paragraph_with(document, text))
    assert (info.east_asia, info.size_pt, info.bold) == (font, size, bold)
    assert info.latin == FONT_LATIN


def test_a_run_in_level_2_heading_is_in_kaiti_and_the_rest_in_fangsong(tmp_path):
    document = docx.Document(str(sample(tmp_path)))
    paragraph = paragraph_with(document, "（一）加强组织领导。发挥领导小组作用。")
    lead, rest = paragraph.runs
    assert lead._r.rPr.find(qn("w:rStyle")).get(qn("w:val")) == STYLE_LEAD2
    assert resolved_font(paragraph, lead).east_asia == FONT_KAITI
    assert resolved_font(paragraph, rest).east_asia == FONT_BODY


def test_fonts_are_east_asian_fonts_in_every_style(tmp_path):
    document = docx.Document(str(sample(tmp_path)))
    for style in document.styles.element.findall(f"{W}style"):
        if not (style.get(qn("w:styleId")) or "").startswith("Gw"):
            continue
        fonts = style.find(f"{W}rPr/{W}rFonts")
        assert fonts.get(qn("w:eastAsia")) and fonts.get(qn("w:ascii")) and fonts.get(qn("w:hAnsi"))
        assert fonts.get(qn("w:asciiTheme")) is None and fonts.get(qn("w:eastAsiaTheme")) is None
    defaults = document.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert defaults.get(qn("w:eastAsia")) == FONT_BODY and defaults.get(qn("w:asciiTheme")) is None


def test_table_text_header_and_layout(tmp_path):
    document = docx.Document(str(sample(tmp_path)))
    table = document.tables[0]
    header = table.rows[0]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on each page
    head_cell = header.cells[0].paragraphs[0]
    assert head_cell.style.style_id == STYLE_TABLE_HEADER
    assert (resolved_font(head_cell).east_asia, resolved_font(head_cell).size_pt) == (FONT_HEITI, 12)
    body_cell = table.rows[1].cells[2].paragraphs[0]
    assert body_cell.style.style_id == STYLE_TABLE_TEXT
    assert (resolved_font(body_cell).east_asia, resolved_font(body_cell).size_pt) == (FONT_BODY, 12)
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.tag.split("}")[1] for b in borders} == {"top", "left", "bottom", "right", "insideH", "insideV"}
    assert all(b.get(qn("w:val")) == "single" for b in borders)
    widths = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert abs(sum(widths) - 156 * TWIPS_PER_MM) < 3
    # equal neighbours of the merge column are one cell; a full-width row spans all columns
    assert table.rows[1].cells[1]._tc is table.rows[2].cells[1]._tc
    assert table.rows[3]._tr.tc_lst[0].tcPr.find(qn("w:gridSpan")).get(qn("w:val")) == "3"
    spans = table.rows[4].cells[2].paragraphs[0].runs
    assert spans[0].font.strike and spans[1].font.underline


def test_rows_stay_whole_and_a_merged_cell_stays_with_its_rows(tmp_path):
    doc = OfficialDocument()
    long_comment = "建议修改。" * 400  # taller than half a page: it may break, or it could not be printed
    doc.table([Column("序号", 12, "center"), Column("单位", 30), Column("意见", 114)],
              [["1", "市财政局", "建议修改。"], ["2", "市财政局", "建议补充。"], ["3", "洋县", "建议删去。"],
               ["4", "勉县", long_comment], ["5", "勉县", "建议补充。"]], merge_column=1)
    table = docx.Document(str(doc.save(tmp_path / "t.docx"))).tables[0]

    def whole(row):
        return row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None

    def kept_with_next(row):
        return all(p._p.pPr.find(qn("w:keepNext")) is not None for cell in row._tr.tc_lst
                   for p in docx.table._Cell(cell, table).paragraphs)

    rows = table.rows[1:]
    assert [whole(r) for r in rows] == [True, True, True, False, True]
    # 市财政局's two rows go to the same page; 勉县's cannot both fit, so they are not tied together
    assert [kept_with_next(r) for r in rows] == [True, False, False, False, False]


def test_page_numbers_on_the_outer_side_of_odd_and_even_pages(tmp_path):
    path = sample(tmp_path)
    document = docx.Document(str(path))
    assert document.settings.odd_and_even_pages_header_footer
    with zipfile.ZipFile(path) as package:
        settings = etree.fromstring(package.read("word/settings.xml"))
    assert settings.find(f"{W}evenAndOddHeaders") is not None
    section = document.sections[0]
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        assert not footer.is_linked_to_previous
        paragraph = footer.paragraphs[0]
        xml = paragraph._p
        assert [i.text.strip() for i in xml.iter(qn("w:instrText"))] == ["PAGE"]
        assert [f.get(qn("w:fldCharType")) for f in xml.iter(qn("w:fldChar"))] == ["begin", "separate", "end"]
        assert paragraph.text == "— 1 —"
        assert xml.pPr.find(qn("w:jc")).get(qn("w:val")) == side
        info = resolved_font(paragraph)
        assert (info.east_asia, info.latin, info.size_pt) == (FONT_SONGTI, FONT_SONGTI, 14)


def test_signature_places_the_date_two_characters_right_of_the_unit(tmp_path):
    document = docx.Document(str(sample(tmp_path)))
    unit, when = paragraph_with(document, "某某市教育局"), paragraph_with(document, "2023年4月27日")
    unit_left = int(unit._p.pPr.find(qn("w:ind")).get(qn("w:leftChars"))) / 100
    date_left = int(when._p.pPr.find(qn("w:ind")).get(qn("w:leftChars"))) / 100
    assert date_left - unit_left == 2
    assert CHARS_PER_LINE - date_left - text_width("2023年4月27日") == 2  # the longer line 右空二字
    assert signature_left_indents("某某市人民政府办公室", "2023年4月27日") == (16, 18)  # unit 右空二字


def test_landscape_page_is_the_portrait_text_block_turned(tmp_path):
    document = docx.Document(str(sample(tmp_path, LANDSCAPE)))
    section = document.sections[0]
    assert (section.page_width.twips, section.page_height.twips) == (16838, 11906)
    assert section.orientation == 1
    assert abs(Length(section.page_width - section.left_margin - section.right_margin).mm - 225) < 0.1
    assert abs(Length(section.page_height - section.top_margin - section.bottom_margin).mm - 156) < 0.1


def test_the_file_says_nothing_of_how_it_was_made(tmp_path):
    path = sample(tmp_path)
    document = docx.Document(str(path))
    assert document.core_properties.author == "某某市教育局"
    assert document.core_properties.comments == ""
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
        blobs = b"".join(package.read(name) for name in names)
    assert b"python-docx" not in blobs
    assert not any("thumbnail" in name for name in names)
    fonts = etree.fromstring(zipfile.ZipFile(path).read("word/fontTable.xml"))
    alternatives = {f.get(qn("w:name")): f.find(qn("w:altName")).get(qn("w:val"))
                    for f in fonts if f.find(qn("w:altName")) is not None}
    assert alternatives[FONT_BODY] == "仿宋" and alternatives[FONT_KAITI] == "楷体"


def test_control_characters_in_text_are_dropped_not_fatal(tmp_path):
    doc = OfficialDocument()
    doc.body("甲\x0b乙\x07丙")
    doc.table([Column("意见", 156)], [["丁\x00戊"]])
    document = docx.Document(str(doc.save(tmp_path / "c.docx")))
    assert document.paragraphs[0].text == "甲乙丙"
    assert document.tables[0].rows[1].cells[0].text == "丁戊"
