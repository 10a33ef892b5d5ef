"""Reading draft files: Word's automatic numbering, text encodings, hostile files."""
from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exports import draft_files
from exports.draft_files import (
    DraftFileError,
    check_office_zip,
    read_blocks,
    read_docx_blocks,
    read_text_blocks,
)
from feedback.numerals import format_number
from tests.fixtures.hostile_files import (
    document_xml_with_entities,
    replace_member,
    write_ole,
    write_zip,
    write_zip_bomb,
)
from tests.fixtures.make_docx import (
    PLAN_LEVELS,
    Level,
    add_list,
    add_list_definition,
    add_numbered_style,
    add_table,
    append_body_xml,
    build_numbered_docx,
    number_paragraph,
)

PLAN_ITEMS = [
    (0, "总体要求"),
    (None, "以习近平新时代中国特色社会主义思想为指导。"),
    (1, "指导思想"),
    (2, "推进学前教育普及普惠。（牵头单位：市教育局；责任单位：各县区政府）"),
    (3, "扩大普惠资源"),
    (4, "新建幼儿园"),
    (4, "改扩建幼儿园"),
    (3, "提高保教质量"),
    (2, "推进义务教育优质均衡。"),
    (0, "主要任务"),
    (1, "加强党的领导"),
    (2, "完善领导体制。"),
    (3, "健全工作机制"),
]


def texts(blocks):
    return [block.text for block in blocks if not block.is_table]


def single_list_docx(path, levels, ilvls, *, text="内容") -> Path:
    """A document with one list and one paragraph per level in ``ilvls``."""
    document = docx.Document()
    num_id = add_list(document, add_list_definition(document, levels))
    for ilvl in ilvls:
        number_paragraph(document.add_paragraph(text), num_id, ilvl)
    document.save(str(path))
    return Path(path)


# --- Word automatic numbering ----------------------------------------------------------


def test_plan_hierarchy_numbers_tables_and_no_header_footer(tmp_path):
    path = build_numbered_docx(
        tmp_path / "计划.docx", PLAN_ITEMS, title="汉中市教育高质量发展行动计划",
        tables={6: [["指标", "目标值"], ["普惠率", "90%"]]},
        header_text="页眉不应出现", footer_text="— 1 —页脚不应出现",
    )
    blocks = read_docx_blocks(path)
    assert texts(blocks) == [
        "汉中市教育高质量发展行动计划",
        "一、总体要求",
        "以习近平新时代中国特色社会主义思想为指导。",
        "（一）指导思想",
        "1.推进学前教育普及普惠。（牵头单位：市教育局；责任单位：各县区政府）",
        "（1）扩大普惠资源",
        "①新建幼儿园",
        "②改扩建幼儿园",
        "（2）提高保教质量",
        "2.推进义务教育优质均衡。",
        "二、主要任务",
        "（一）加强党的领导",
        "3.完善领导体制。",  # lvlRestart 0: tasks run on across sections
        "（1）健全工作机制",
    ]
    table_index = next(i for i, block in enumerate(blocks) if block.is_table)
    assert blocks[table_index - 1].text == "②改扩建幼儿园"
    assert blocks[table_index].rows == [["指标", "目标值"], ["普惠率", "90%"]]
    assert [b.auto_numbered for b in blocks[:3]] == [False, True, False]
    assert blocks[1].style == "Normal"
    assert not any("页眉" in t or "页脚" in t for t in texts(blocks))


@pytest.mark.parametrize("num_fmt, expected", [
    ("decimal", ["1", "2", "10", "11"]),
    ("chineseCounting", ["一", "二", "十", "十一"]),
    ("chineseCountingThousand", ["一", "二", "十", "十一"]),
    ("ideographTraditional", ["甲", "乙", "癸", "甲"]),
    ("decimalEnclosedCircle", ["①", "②", "⑩", "⑪"]),
    ("decimalFullWidth", ["１", "２", "１０", "１１"]),
    ("upperLetter", ["A", "B", "J", "K"]),
    ("lowerRoman", ["i", "ii", "x", "xi"]),
    ("chineseLegalSimplified", ["壹", "贰", "壹拾", "壹拾壹"]),
])
def test_number_formats(tmp_path, num_fmt, expected):
    path = single_list_docx(tmp_path / "f.docx", [Level(num_fmt, "%1、")], [0] * 11)
    shown = texts(read_docx_blocks(path))
    assert [shown[i] for i in (0, 1, 9, 10)] == [f"{number}、内容" for number in expected]


def test_bullets_get_no_glyph(tmp_path):
    path = single_list_docx(tmp_path / "b.docx", [Level("bullet", "\u2022")], [0, 0])
    blocks = read_docx_blocks(path)
    assert texts(blocks) == ["内容", "内容"]
    assert not any(block.auto_numbered for block in blocks)


@pytest.mark.parametrize("restart_after, expected_third_level", [
    (None, ["a]", "b]", "a]", "a]"]),  # default: after any higher level
    (1, ["a]", "b]", "c]", "a]"]),  # only after level 1 (ilvl 0)
    (0, ["a]", "b]", "c]", "d]"]),  # never
])
def test_level_restart(tmp_path, restart_after, expected_third_level):
    levels = [Level("decimal", "%1."), Level("decimal", "%2)"),
              Level("lowerLetter", "%3]", restart_after=restart_after)]
    ilvls = [0, 1, 2, 2, 1, 2, 0, 1, 2]
    shown = [t.removesuffix("内容") for t in texts(read_docx_blocks(
        single_list_docx(tmp_path / "r.docx", levels, ilvls)))]
    assert shown[:2] == ["1.", "1)"]
    assert [shown[i] for i in (4, 6, 7)] == ["2)", "2.", "1)"]
    assert [shown[i] for i in (2, 3, 5, 8)] == expected_third_level


def test_start_override_and_lists_sharing_a_definition(tmp_path):
    document = docx.Document()
    definition = add_list_definition(document, PLAN_LEVELS)
    first = add_list(document, definition)
    continued = add_list(document, definition)
    restarted = add_list(document, definition, start_overrides={0: 5})
    for num_id, text in [(first, "甲"), (first, "乙"), (continued, "丙"),
                         (restarted, "丁"), (restarted, "戊"), (first, "己")]:
        number_paragraph(document.add_paragraph(text), num_id, 0)
    document.save(str(tmp_path / "o.docx"))
    assert texts(read_docx_blocks(tmp_path / "o.docx")) == [
        "一、甲", "二、乙", "三、丙", "五、丁", "六、戊", "七、己"]


def test_level_override_replaces_the_definition(tmp_path):
    document = docx.Document()
    num_id = add_list(document, add_list_definition(document, PLAN_LEVELS),
                      level_overrides={0: Level("ideographTraditional", "%1、")})
    for ilvl in (0, 1, 0):
        number_paragraph(document.add_paragraph("项"), num_id, ilvl)
    document.save(str(tmp_path / "l.docx"))
    assert texts(read_docx_blocks(tmp_path / "l.docx")) == ["甲、项", "（一）项", "乙、项"]


def test_numbering_from_paragraph_styles(tmp_path):
    document = docx.Document()
    num_id = add_list(document, add_list_definition(document, PLAN_LEVELS))
    part = add_numbered_style(document, "条款一级", num_id)  # no ilvl: level 0
    section = add_numbered_style(document, "条款二级", num_id, 1)
    add_numbered_style(document, "条款二级变体", None, based_on="条款二级")
    document.add_paragraph("总体要求", style="条款一级")
    document.add_paragraph("指导思想", style="条款二级")
    document.add_paragraph("基本原则", style="条款二级变体")
    number_paragraph(document.add_paragraph("不编号的标题", style="条款一级"), "0")
    document.add_paragraph("主要任务", style="条款一级")
    number_paragraph(document.add_paragraph("降级的段落", style="条款一级"), None, 1)
    document.save(str(tmp_path / "s.docx"))
    blocks = read_docx_blocks(tmp_path / "s.docx")
    assert texts(blocks) == ["一、总体要求", "（一）指导思想", "（二）基本原则", "不编号的标题",
                             "二、主要任务", "（一）降级的段落"]
    assert [b.style for b in blocks[:3]] == ["条款一级", "条款二级", "条款二级变体"]
    assert part != section


def test_style_bound_to_a_level_by_pstyle(tmp_path):
    document = docx.Document()
    levels = (Level("chineseCounting", "%1、"), Level("chineseCounting", "（%2）", style_id="SectionHeading"))
    num_id = add_list(document, add_list_definition(document, levels))
    assert add_numbered_style(document, "SectionHeading", num_id) == "SectionHeading"
    number_paragraph(document.add_paragraph("总体要求"), num_id, 0)
    document.add_paragraph("指导思想", style="SectionHeading")
    document.save(str(tmp_path / "p.docx"))
    assert texts(read_docx_blocks(tmp_path / "p.docx")) == ["一、总体要求", "（一）指导思想"]


@pytest.mark.parametrize("definition_names_the_style", [True, False])
def test_numbering_style_link(tmp_path, definition_names_the_style):
    document = docx.Document()
    real = add_list_definition(document, PLAN_LEVELS,
                               style_link="PlanOutline" if definition_names_the_style else None)
    add_numbered_style(document, "PlanOutline", add_list(document, real), numbering_style=True)
    pointer = add_list(document, add_list_definition(document, num_style_link="PlanOutline"))
    for ilvl in (0, 1, 1, 0):
        number_paragraph(document.add_paragraph("标题"), pointer, ilvl)
    document.save(str(tmp_path / "k.docx"))
    assert texts(read_docx_blocks(tmp_path / "k.docx")) == ["一、标题", "（一）标题", "（二）标题", "二、标题"]


@pytest.mark.parametrize("legal, second", [(True, "1.1"), (False, "一.1")])
def test_legal_numbering_shows_arabic_numerals(tmp_path, legal, second):
    levels = [Level("chineseCounting", "第%1章"), Level("decimal", "%1.%2", legal=legal)]
    shown = texts(read_docx_blocks(single_list_docx(tmp_path / "g.docx", levels, [0, 1, 1, 0, 1])))
    assert shown[0] == "第一章内容"
    assert shown[1] == f"{second}内容"
    assert shown[4] == ("2.1内容" if legal else "二.1内容")


def test_higher_level_not_reached_shows_zero(tmp_path):
    levels = [Level("decimal", "%1."), Level("decimal", "%1.%2")]
    assert texts(read_docx_blocks(single_list_docx(tmp_path / "z.docx", levels, [1, 0])))[0] == "0.1内容"


def test_empty_numbered_paragraph_is_skipped_but_counted(tmp_path):
    path = build_numbered_docx(tmp_path / "e.docx", [(2, "甲"), (2, ""), (2, "  "), (2, "乙")])
    assert texts(read_docx_blocks(path)) == ["1.甲", "4.乙"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(min_value=0, max_value=4), min_size=1, max_size=40))
def test_plan_numbers_follow_the_hierarchy(tmp_path, raw_levels):
    ilvls, depth = [], 0
    for wanted in raw_levels:  # no level deeper than one below the previous
        depth = min(wanted, depth + 1) if ilvls else 0
        ilvls.append(depth)
    counts = [0] * 5
    expected = []
    for ilvl in ilvls:
        counts[ilvl] += 1
        for deeper in range(ilvl + 1, 5):
            if deeper != 2:  # tasks never restart
                counts[deeper] = 0
        level = PLAN_LEVELS[ilvl]
        number = format_number(counts[ilvl], level.num_fmt)
        expected.append(level.text.replace(f"%{ilvl + 1}", number) + "项")
    path = build_numbered_docx(tmp_path / "h.docx", [(ilvl, "项") for ilvl in ilvls])
    assert texts(read_docx_blocks(path)) == expected


# --- paragraph text and body structure --------------------------------------------------


def test_run_text_revisions_fields_and_hidden_text(tmp_path):
    document = docx.Document()
    append_body_xml(document, """<w:p>
      <w:r><w:t xml:space="preserve">甲</w:t><w:tab/><w:t>乙</w:t><w:br/><w:t>丙</w:t></w:r>
      <w:del w:id="1" w:author="a"><w:r><w:delText>删除的</w:delText></w:r></w:del>
      <w:ins w:id="2" w:author="a"><w:r><w:t>插入的</w:t></w:r></w:ins>
      <w:hyperlink w:anchor="x"><w:r><w:t>链接</w:t></w:r></w:hyperlink>
      <w:smartTag w:uri="urn:x" w:element="place"><w:r><w:t>汉中</w:t></w:r></w:smartTag>
      <w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r>
      <w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>显示</w:t></w:r>
      <w:sdt><w:sdtContent><w:r><w:t>控件</w:t></w:r></w:sdtContent></w:sdt>
      <w:fldSimple w:instr="PAGE"><w:r><w:t>7</w:t></w:r></w:fldSimple>
      <w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r>
      <w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>8</w:t></w:r>
      <w:r><w:fldChar w:fldCharType="end"/></w:r>
      <w:moveFrom w:id="3" w:author="a"><w:r><w:t>移走</w:t></w:r></w:moveFrom>
      <w:moveTo w:id="4" w:author="a"><w:r><w:t>移来</w:t></w:r></w:moveTo>
      <w:r><w:ruby><w:rubyPr/><w:rt><w:r><w:t>hàn</w:t></w:r></w:rt>
        <w:rubyBase><w:r><w:t>汉</w:t></w:r></w:rubyBase></w:ruby></w:r>
      <w:r><w:pict><v:shape><v:textbox><w:txbxContent>
        <w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>
      <w:r><w:noBreakHyphen/><w:t>完</w:t></w:r>
    </w:p>""")
    append_body_xml(document, "<w:sdt><w:sdtContent><w:p><w:r><w:t>块级控件中的段落</w:t></w:r></w:p>"
                              "</w:sdtContent></w:sdt>")
    document.save(str(tmp_path / "t.docx"))
    assert texts(read_docx_blocks(tmp_path / "t.docx")) == [
        "甲 乙丙插入的链接汉中显示控件78移来汉-完", "块级控件中的段落"]


def test_tables_merged_cells_and_numbering_inside(tmp_path):
    document = docx.Document()
    definition = add_list_definition(document, PLAN_LEVELS)
    num_id = add_list(document, definition)
    number_paragraph(document.add_paragraph("第一项"), num_id, 2)
    table = add_table(document, [["", "", ""], ["甲", "乙", ""], ["", "", ""]])
    table.cell(0, 0).merge(table.cell(0, 1)).text = "合并"
    table.cell(0, 2).text = "丙"
    table.cell(0, 2).merge(table.cell(1, 2))
    number_paragraph(table.cell(2, 0).paragraphs[0], num_id, 2)
    table.cell(2, 0).paragraphs[0].text = "表中任务"
    table.cell(2, 1).add_paragraph("第二段")
    number_paragraph(document.add_paragraph("第三项"), num_id, 2)
    document.save(str(tmp_path / "tb.docx"))
    blocks = read_docx_blocks(tmp_path / "tb.docx")
    assert texts(blocks) == ["1.第一项", "3.第三项"]
    assert blocks[1].rows == [["合并", "丙"], ["甲", "乙", ""], ["2.表中任务", "第二段", ""]]


def test_renamed_docx_is_read_by_content(tmp_path):
    source = build_numbered_docx(tmp_path / "a.docx", [(0, "总体要求")])
    for suffix in (".doc", ".txt"):
        renamed = tmp_path / f"a{suffix}"
        shutil.copyfile(source, renamed)
        assert texts(read_blocks(renamed)) == ["一、总体要求"]


def test_read_blocks_accepts_str_paths(tmp_path):
    path = build_numbered_docx(tmp_path / "a.docx", [(1, "指导思想")])
    assert texts(read_blocks(str(path))) == ["（一）指导思想"]


# --- text files -------------------------------------------------------------------------

LINES = ["汉中市教育高质量发展行动计划", "　　一、总体要求", "（一）指导思想"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_text_encodings(tmp_path, encoding):
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes("\r\n".join(LINES + ["生僻字𠀀"]).encode(encoding))
    assert texts(read_text_blocks(path)) == LINES + ["生僻字𠀀"]


def test_text_line_endings_and_blank_lines(tmp_path):
    path = tmp_path / "endings.txt"
    path.write_text("甲\r\n乙\r丙\n\n  \n丁\u2028戊\u2029己\r\n", encoding="utf-8", newline="")
    blocks = read_blocks(path)
    assert texts(blocks) == ["甲", "乙", "丙", "丁", "戊", "己"]
    assert not any(block.auto_numbered for block in blocks)


def test_text_in_a_guessed_encoding(tmp_path):
    path = tmp_path / "big5.txt"
    path.write_bytes("一、總體要求\n（一）指導思想。堅持黨的領導，推進教育現代化。".encode("big5"))
    assert texts(read_text_blocks(path)) == ["一、總體要求", "（一）指導思想。堅持黨的領導，推進教育現代化。"]


@given(st.lists(st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Co"),
                                      blacklist_characters="\ufeff\x85"), min_size=1), max_size=8),
       st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_text_round_trip(tmp_path, lines, encoding):
    path = tmp_path / "r.txt"
    path.write_bytes("\n".join(lines).encode(encoding))
    expected = [line for line in "\n".join(lines).splitlines() if line.strip()]
    if not expected:
        return
    assert texts(read_text_blocks(path)) == expected


# --- broken and hostile files -----------------------------------------------------------


def assert_refused(path, *reason_words, reader=read_blocks):
    with pytest.raises(DraftFileError) as caught:
        reader(path)
    message = str(caught.value)
    assert Path(path).name in message
    assert "\n" not in message
    assert any(word in message for word in reason_words), message
    return message


def test_missing_and_empty_files(tmp_path):
    assert_refused(tmp_path / "不存在.docx", "找不到文件")
    assert_refused(tmp_path / "不存在.txt", "找不到文件", reader=read_text_blocks)
    (tmp_path / "空.docx").write_bytes(b"")
    assert_refused(tmp_path / "空.docx", "为空")
    (tmp_path / "空.txt").write_bytes(b"")
    assert_refused(tmp_path / "空.txt", "为空")
    (tmp_path / "目录.docx").mkdir()
    assert_refused(tmp_path / "目录.docx", "文件夹")


def test_unsupported_and_pdf(tmp_path):
    (tmp_path / "草案.pdf").write_bytes(b"%PDF-1.7\n")
    assert "txt" in assert_refused(tmp_path / "草案.pdf", "PDF")
    (tmp_path / "草案.xyz").write_text("一、总体要求", encoding="utf-8")
    message = assert_refused(tmp_path / "草案.xyz", "不支持")
    assert ".docx" in message and ".txt" in message


def test_file_over_the_size_limit_is_not_read(tmp_path, monkeypatch):
    path = build_numbered_docx(tmp_path / "大文件.docx", [(0, "总体要求")])
    monkeypatch.setattr(draft_files, "MAX_FILE_BYTES", 1000)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read a file over the limit"))
    assert_refused(path, "过大")
    (tmp_path / "大文件.txt").write_bytes(b"x" * 1001)
    assert_refused(tmp_path / "大文件.txt", "过大")


def test_zip_bomb(tmp_path):
    path = write_zip_bomb(tmp_path / "炸弹.docx", megabytes=20)
    assert path.stat().st_size < 1024 * 1024
    assert_refused(path, "压缩炸弹")
    assert_refused(path, "压缩炸弹", reader=check_office_zip)


def test_unpacked_size_and_member_count_limits(tmp_path, monkeypatch):
    path = write_zip(tmp_path / "多.docx", {f"word/part{i}.xml": os.urandom(4096) for i in range(20)})
    monkeypatch.setattr(draft_files, "MAX_UNPACKED_BYTES", 40_000)
    assert_refused(path, "解压后")
    monkeypatch.setattr(draft_files, "MAX_UNPACKED_BYTES", 10**9)
    monkeypatch.setattr(draft_files, "MAX_ZIP_MEMBERS", 5)
    assert_refused(path, "超过 5 个")


def test_encrypted_and_old_format_ole_files(tmp_path):
    assert "密码" in assert_refused(write_ole(tmp_path / "加密.docx", encrypted=True), "加密")
    assert "Excel" in assert_refused(write_ole(tmp_path / "加密.xlsx", encrypted=True), "加密",
                                     reader=check_office_zip)
    assert_refused(write_ole(tmp_path / "改名.docx", encrypted=False), "旧版 Word 格式（.doc）")


def test_not_a_docx(tmp_path):
    (tmp_path / "随机.docx").write_bytes(os.urandom(4096))
    assert_refused(tmp_path / "随机.docx", "不是有效的 .docx 文件")
    write_zip(tmp_path / "无正文.docx", {"[Content_Types].xml": "<Types/>", "word/styles.xml": "<x/>"})
    assert_refused(tmp_path / "无正文.docx", "word/document.xml")
    write_zip(tmp_path / "表格.docx", {"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<x/>"})
    assert_refused(tmp_path / "表格.docx", "Excel")
    good = build_numbered_docx(tmp_path / "好.docx", [(0, "总体要求")])
    (tmp_path / "截断.docx").write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert_refused(tmp_path / "截断.docx", "不是有效的 .docx 文件")
    broken = replace_member(shutil.copyfile(good, tmp_path / "坏XML.docx"), "word/document.xml", b"<w:document")
    assert_refused(broken, "不是有效的 .docx 文件", reader=read_docx_blocks)


def test_random_bytes_are_not_text(tmp_path):
    (tmp_path / "乱码.txt").write_bytes(bytes(range(256)) * 8)
    assert_refused(tmp_path / "乱码.txt", "编码")


def test_xml_entities_are_never_expanded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("绝密内容", encoding="utf-8")
    good = build_numbered_docx(tmp_path / "好.docx", [(0, "总体要求")])
    hostile = replace_member(shutil.copyfile(good, tmp_path / "实体.docx"), "word/document.xml",
                             document_xml_with_entities(secret))
    assert_refused(hostile, "不是有效的 .docx 文件")  # libxml2 refuses the billion laughs
    # Without the expansion bomb, the external entity is still not fetched.
    xml = document_xml_with_entities(secret).replace(b"&lol9;", b"&lol1;")
    replace_member(hostile, "word/document.xml", xml)
    assert not any("绝密" in text or "lol" in text for text in texts(read_blocks(hostile)))


def test_check_office_zip_accepts_a_good_package(tmp_path):
    assert check_office_zip(build_numbered_docx(tmp_path / "好.docx", [(0, "总体要求")])) is None


# --- .doc and .wps ----------------------------------------------------------------------


def test_doc_without_libreoffice(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    write_ole(tmp_path / "旧稿.doc", encrypted=False)
    message = assert_refused(tmp_path / "旧稿.doc", "旧版 Word 格式（.doc）")
    assert "另存为 .docx" in message
    write_ole(tmp_path / "旧稿.wps", encrypted=False)
    assert_refused(tmp_path / "旧稿.wps", ".wps")


def fake_converter(tmp_path, script: str) -> str:
    path = tmp_path / "soffice"
    path.write_text("#!/bin/sh\n" + script + "\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


@pytest.mark.skipif(os.name != "posix", reason="the fake converter is a shell script")
def test_conversion_that_fails_or_hangs(tmp_path, monkeypatch):
    write_ole(tmp_path / "旧稿.doc", encrypted=False)
    failing = fake_converter(tmp_path, "exit 1")
    monkeypatch.setattr(shutil, "which", lambda name: failing)
    assert_refused(tmp_path / "旧稿.doc", "转换为 .docx 失败")
    hanging = fake_converter(tmp_path, "sleep 30")
    monkeypatch.setattr(shutil, "which", lambda name: hanging)
    monkeypatch.setattr(draft_files, "CONVERSION_TIMEOUT_SECONDS", 0.5)
    assert_refused(tmp_path / "旧稿.doc", "超时")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_doc_converted_by_libreoffice(tmp_path):
    source = build_numbered_docx(tmp_path / "稿.docx", PLAN_ITEMS[:4], title="行动计划")
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "doc",
                    "--outdir", str(tmp_path / "doc"), str(source)],
                   check=True, capture_output=True, timeout=120)
    legacy = tmp_path / "doc" / "稿.doc"
    assert legacy.read_bytes().startswith(bytes.fromhex("D0CF11E0A1B11AE1"))
    assert texts(read_blocks(legacy)) == [
        "行动计划", "一、总体要求", "以习近平新时代中国特色社会主义思想为指导。", "（一）指导思想",
        "1.推进学前教育普及普惠。（牵头单位：市教育局；责任单位：各县区政府）"]
