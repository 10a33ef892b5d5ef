"""The streaming .xlsx reader: the values openpyxl gives, from Excel's own ways of writing them."""
import re
import zipfile
from datetime import date, datetime, time

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.workbook.defined_name import DefinedName

from exports.xlsx_reader import XlsxBook, split_ref
from exports.xlsx_safety import SheetFileError

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_TYPE}.worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_TYPE}.sharedStrings+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{_TYPE}.styles+xml"/></Types>')
ROOT_RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>')


def package(path, sheet_xml: str, *, shared: list[str] | None = None, styles: str | None = None,
            workbook_extra: str = "") -> str:
    """A minimal .xlsx with one sheet “数据”, written part by part as Excel lays them out."""
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}"><workbookPr/>'
                           f'<sheets><sheet name="数据" sheetId="1" r:id="rId1"/></sheets>{workbook_extra}</workbook>',
        "xl/_rels/workbook.xml.rels":
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId3" Type="{RELS}/styles" Target="/xl/styles.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0"?><worksheet xmlns="{MAIN}">{sheet_xml}</worksheet>',
    }
    if shared is not None:
        parts["xl/sharedStrings.xml"] = f'<?xml version="1.0"?><sst xmlns="{MAIN}">{"".join(shared)}</sst>'
    if styles is not None:
        parts["xl/styles.xml"] = f'<?xml version="1.0"?><styleSheet xmlns="{MAIN}">{styles}</styleSheet>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return str(path)


def rows_of(path, sheet="数据", **options):
    with XlsxBook(path) as book:
        return list(book.iter_rows(sheet, **options))


def test_excel_cell_kinds_read_as_openpyxl_reads_them(tmp_path):
    shared = ["<si><t>普通文字</t></si>",
              # rich text in runs, with a phonetic hint that is not part of the text
              ('<si><r><rPr><b/></rPr><t>加粗</t></r><r><t xml:space="preserve"> 与正常</t></r>'
               '<rPh sb="0" eb="2"><t>かな</t></rPh></si>'),
              "<si><t>a&amp;b&lt;c</t></si>"]
    styles = ('<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>'
              '</numFmts><fonts count="1"><font/></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
              '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>'
              '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/></cellXfs>'
              '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>')
    sheet = ('<dimension ref="A1:E5"/><sheetData>'
             '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c><c r="D1" t="s"><v>2</v></c></row>'
             '<row r="2"><c r="A2"><v>12</v></c><c r="B2"><v>2.5</v></c><c r="C2" s="1"><v>45017</v></c>'
             '<c r="D2" s="2"><v>45018.5</v></c><c r="E2" t="b"><v>1</v></c></row>'
             # cells without a reference follow the one before; a row without one follows the row before
             '<row><c t="inlineStr"><is><t>第三行</t></is></c><c t="e"><v>#N/A</v></c><c/><c t="str"><v>文本结果</v></c></row>'
             '<row r="5"><c r="A5"><f>SUM(A2:B2)</f><v>14.5</v></c>'
             '<c r="B5"><f t="shared" ref="B5:C5" si="0">A5*2</f><v>29</v></c>'
             '<c r="C5"><f t="shared" si="0"/><v>58</v></c><c r="D5" s="1"/></row>'
             '<row r="9" ht="30" customHeight="1"/>'
             '</sheetData><mergeCells count="1"><mergeCell ref="A7:E7"/></mergeCells>')
    path = package(tmp_path / "种类.xlsx", sheet, shared=shared, styles=styles)
    assert rows_of(path) == [
        (1, ["普通文字", None, "加粗 与正常", "a&b<c"]),
        (2, [12, 2.5, datetime(2023, 4, 1), datetime(2023, 4, 2, 12, 0), True]),
        (3, ["第三行", "#N/A", None, "文本结果"]),
        (5, ["=SUM(A2:B2)", "=A5*2", "=B5*2"]),
    ]
    # what openpyxl makes of the same file
    ws = load_workbook(path)["数据"]
    assert [ws["C1"].value, ws["C2"].value, ws["B5"].value, ws["C5"].value] == \
        ["加粗 与正常", datetime(2023, 4, 1), "=A5*2", "=B5*2"]
    with XlsxBook(path) as book:
        content = book.read_sheet("数据")
    assert content.merged == ["A7:E7"] and content.dimension == "A1:E5"
    assert content.max_row == 5 and content.value("D2") == datetime(2023, 4, 2, 12, 0) and content.value("Z99") is None


def test_a_workbook_saved_by_openpyxl_reads_the_same_both_ways(tmp_path):
    workbook = Workbook()
    ws = workbook.active
    ws.title = "意见"
    ws.append(["序号", "意见内容", "日期", "数量", "是否"])
    ws.append([1, "建议增加体育课时\n第二行", date(2023, 4, 12), 3.75, False])
    ws.append([2, "=HYPERLINK(\"http://example.com\",\"点击\")", datetime(2023, 4, 13, 9, 30), -1, True])
    ws["G4"] = "远处的格"
    ws["B6"] = time(10, 30)
    hidden = workbook.create_sheet("隐藏")
    hidden["A1"] = "x"
    hidden.sheet_state = "veryHidden"
    ws.defined_names["YJT_UNIT"] = DefinedName("YJT_UNIT", attr_text="'意见'!$B$2")
    path = tmp_path / "保存.xlsx"
    workbook.save(path)

    expected = []
    for number, row in enumerate(load_workbook(path)["意见"].iter_rows(values_only=True), 1):
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        if values:
            expected.append((number, values))
    assert rows_of(path, "意见") == expected
    with XlsxBook(path) as book:
        assert book.sheetnames == ["意见", "隐藏"] and book.sheet_states["隐藏"] == "veryHidden"
        assert book.read_sheet("意见").names == {"YJT_UNIT": "'意见'!$B$2"}
        assert [values for _, values in book.iter_rows("意见", max_col=2)][:2] == [["序号", "意见内容"],
                                                                                [1, "建议增加体育课时\n第二行"]]


def test_a_document_type_declaration_is_refused_and_never_expanded(tmp_path):
    laughs = '<!ENTITY a "哈哈哈哈哈哈哈哈">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(6))
    path = tmp_path / "实体.xlsx"
    package(path, '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&g;</t></is></c></row></sheetData>')
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
        b'<?xml version="1.0"?>', f'<?xml version="1.0"?><!DOCTYPE worksheet [{laughs}]>'.encode())
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    with pytest.raises(SheetFileError, match="实体.xlsx.*文档类型声明"):
        rows_of(path)


@pytest.mark.parametrize("sheet, where", [
    ('<dimension ref="A1:E2000000"/><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>', "声明"),
    (('<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="1048577"><c r="A1048577"><v>2</v></c></row>'
      '</sheetData>'), ""),
])
def test_rows_beyond_excel_are_refused(tmp_path, sheet, where):
    path = package(tmp_path / "巨大.xlsx", sheet)
    with pytest.raises(SheetFileError, match=f"巨大.xlsx.*工作表“数据”{where}的行数超过 Excel 上限"):
        rows_of(path)


def test_columns_past_max_col_are_left_out(tmp_path):
    cells = "".join(f'<c r="{letter}1"><v>{n}</v></c>' for n, letter in enumerate("ABCDEFGH", 1))
    path = package(tmp_path / "宽.xlsx", f'<sheetData><row r="1">{cells}</row></sheetData>')
    assert rows_of(path, max_col=3) == [(1, [1, 2, 3])]
    with pytest.raises(ValueError):
        split_ref("B")


def test_sheet_scoped_names_count_every_sheet(tmp_path):
    names = ('<definedNames><definedName name="YJT_HEADER" localSheetId="0">\'数据\'!$A$8:$E$8</definedName>'
             '<definedName name="全局">\'数据\'!$A$1</definedName></definedNames>')
    path = package(tmp_path / "名称.xlsx", '<sheetData/>', workbook_extra=names)
    with XlsxBook(path) as book:
        assert book.read_sheet("数据").names == {"YJT_HEADER": "'数据'!$A$8:$E$8"}


def with_shared_strings(path):
    """Rewrite an openpyxl-saved workbook the way Excel saves it: text in a shared-string table."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    strings: list[str] = []
    inline = re.compile(rb'<c ([^>]*?)t="inlineStr"([^>]*)><is><t([^>]*)>(.*?)</t></is></c>', re.DOTALL)

    def shared(match):
        strings.append(match.group(4).decode())
        return b'<c %st="s"%s><v>%d</v></c>' % (match.group(1), match.group(2), len(strings) - 1)

    for name in [n for n in parts if n.startswith("xl/worksheets/sheet")]:
        parts[name] = inline.sub(shared, parts[name])
    items = "".join(f'<si><t xml:space="preserve">{text}</t></si>' for text in strings)
    parts["xl/sharedStrings.xml"] = f'<sst xmlns="{MAIN}" count="{len(strings)}">{items}</sst>'.encode()
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", f'<Relationship Id="rIdS" Type="{RELS}/sharedStrings" '
                             f'Target="sharedStrings.xml"/></Relationships>'.encode())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def test_shared_strings_rewrite_keeps_the_values(tmp_path):
    workbook = Workbook()
    workbook.active.append(["甲", "乙&丙", 3, "<尖括号>"])
    path = tmp_path / "共享.xlsx"
    workbook.save(path)
    before = rows_of(path, "Sheet")
    with_shared_strings(path)
    with zipfile.ZipFile(path) as archive:
        assert b't="s"' in archive.read("xl/worksheets/sheet1.xml")
    assert rows_of(path, "Sheet") == before == [(1, ["甲", "乙&丙", 3, "<尖括号>"])]
