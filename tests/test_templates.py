"""Templates: the shipped defaults, a bureau's own .docx with placeholders, and bad templates."""
from __future__ import annotations

import argparse
import zipfile

import docx
import pytest

from exports.adoption_table import write_adoption_table
from ui.cli.documents import run_table
from exports.explanation import write_explanation
from exports.letter import write_letter
from exports.official_format import FONT_BODY, FONT_TITLE, resolved_font
from exports.templates import (DEFAULT_FOLDER, TEMPLATE_FILES, TemplateError, build_default_templates,
                               default_template)
from tests.test_explanation import build_consultation


@pytest.fixture
def project(tmp_path):
    project = build_consultation(tmp_path / "consultation.yjt")
    yield project
    project.close()


def all_text(path) -> str:
    with zipfile.ZipFile(path) as package:
        return "".join(package.read(n).decode("utf-8") for n in package.namelist()
                       if n.startswith("word/") and n.endswith(".xml"))


def paragraph_texts(path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs]


def test_the_shipped_templates_are_what_the_builder_makes(tmp_path):
    built = build_default_templates(tmp_path)
    assert sorted(p.name for p in built) == sorted(TEMPLATE_FILES.values())
    for kind, name in TEMPLATE_FILES.items():
        shipped = default_template(kind)
        assert shipped.parent == DEFAULT_FOLDER and shipped.exists(), f"run: python -m exports.templates ({name})"
        with zipfile.ZipFile(shipped) as old, zipfile.ZipFile(tmp_path / name) as new:
            for part in ("word/document.xml", "word/styles.xml", "word/footer1.xml", "word/settings.xml"):
                if part in new.namelist():
                    assert old.read(part) == new.read(part), f"{name}: {part} differs; rebuild the templates"


def test_the_default_explanation_template_is_filled_completely(project, tmp_path):
    out = write_explanation(project, tmp_path / "说明.docx", template=default_template("explanation"))
    text = all_text(out)
    assert "{{" not in text and "{%" not in text
    lines = paragraph_texts(out)
    assert lines[0] == "《某某市提高教育质量三年行动计划\n（2023—2025年）》起草情况说明"
    assert project.statistics().sentence in "".join(lines)
    assert ["一、起草背景", "二、主要内容", "三、起草过程", "四、下一步打算"] == [l for l in lines if l[:2] in
                                                                  ("一、", "二、", "三、", "四、")]
    assert "以下1个单位无修改意见：勉县。" in lines
    table = docx.Document(str(out)).tables[0]
    assert len(table.rows) == 1 + len(project.comments())
    assert table.rows[0].cells[3].text == "意见建议"
    assert {r.cells[3].text.split("\n")[0] for r in table.rows[1:]} == {c.body for c in project.comments()}


def test_the_filled_defaults_keep_the_official_format(project, tmp_path):
    out = write_explanation(project, tmp_path / "说明.docx", template=default_template("explanation"))
    document = docx.Document(str(out))
    section = document.sections[0]
    assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)
    assert abs(section.top_margin.mm - 37) < 0.1 and abs(section.left_margin.mm - 28) < 0.1
    paragraphs = [p for p in document.paragraphs if p.text]
    assert (resolved_font(paragraphs[0]).east_asia, resolved_font(paragraphs[0]).size_pt) == (FONT_TITLE, 22)
    assert resolved_font(paragraphs[2]).east_asia == FONT_BODY
    unit = next(p for p in paragraphs if p.text.strip() == "某某市教育局")
    date_line = next(p for p in paragraphs if p.text.strip() == "2023年4月27日")
    assert date_line.text.count("\u3000") - unit.text.count("\u3000") == 2  # the date two characters in
    assert document.settings.odd_and_even_pages_header_footer


def test_the_letter_and_table_templates(project, tmp_path):
    letter = write_letter(project, 1, tmp_path / "函.docx", template=default_template("letter"))
    assert "{{" not in all_text(letter)
    assert "各县区、市级有关部门、局属各单位、某某职业技术学院：" in paragraph_texts(letter)
    assert any("于2023年4月12日前" in t for t in paragraph_texts(letter))
    args = argparse.Namespace(project=str(project.path), out=str(tmp_path / "表.docx"), round=None,
                              group_by="clause", template=str(default_template("adoption_table")), force=True)
    assert run_table(args) == 0
    table = docx.Document(str(tmp_path / "表.docx")).tables[0]
    # by clause the rows keep the one numbering of the comments (the order of the table by unit)
    assert sorted(int(r.cells[0].text) for r in table.rows[1:]) == list(range(1, 7))
    assert table.rows[1].cells[2].text == "总体意见"
    assert docx.Document(str(tmp_path / "表.docx")).sections[0].orientation == 1


def bureau_template(path, *paragraphs, rows=None) -> str:
    """A .docx as a bureau would type it in Word."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if rows:
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        for row, values in zip(table.rows, rows):
            for cell, value in zip(row.cells, values):
                cell.text = value
    document.save(path)
    return str(path)


def test_a_bureaus_own_template_is_filled(project, tmp_path):
    template = bureau_template(
        tmp_path / "本局模板.docx", "{{ plan.title }}起草说明", "致：{{ plan.addressee }}", "{{ statistics.sentence }}",
        "共{{ statistics.comments_total }}条，采纳{{ statistics.adopted }}条。", "{{ signature_date }}",
        rows=[["单位", "意见", "结果"], ["{%tr for c in comments %}", "", ""],
              ["{{ c.unit }}", "{{ c.body }}", "{{ c.disposition }}"], ["{%tr endfor %}", "", ""]])
    out = write_explanation(project, tmp_path / "说明.docx", template=template)
    lines = paragraph_texts(out)
    stats = project.statistics()
    assert lines[0] == "某某市提高教育质量三年行动计划（2023—2025年）起草说明"
    assert lines[1] == "致：市政府"
    assert lines[2] == stats.sentence
    assert lines[3] == f"共{stats.comments_total}条，采纳{stats.by_disposition['采纳']}条。"
    table = docx.Document(str(out)).tables[0]
    assert len(table.rows) == 1 + stats.comments_total
    assert any("<含特殊字符 & 符号>" in row.cells[1].text for row in table.rows)  # escaped, kept
    assert "{{" not in all_text(out)


@pytest.mark.parametrize("text, message", [
    ("{{ plan.nonexistent }}", "字段“nonexistent”不存在"),
    ("{{ plan.title ", "占位符写法有误"),
    ("{% for c in comments %}{{ c.unit }}", "占位符写法有误"),
])
def test_a_bad_template_is_refused_in_one_sentence_and_writes_nothing(project, tmp_path, text, message):
    template = bureau_template(tmp_path / "坏模板.docx", text)
    with pytest.raises(TemplateError, match=message) as caught:
        write_explanation(project, tmp_path / "说明.docx", template=template)
    assert "坏模板.docx" in str(caught.value) and "\n" not in str(caught.value)
    assert not (tmp_path / "说明.docx").exists()


def test_a_template_that_is_no_docx_is_refused(project, tmp_path):
    fake = tmp_path / "模板.docx"
    fake.write_text("这不是 Word 文件", encoding="utf-8")
    with pytest.raises(TemplateError, match="模板"):
        write_adoption_table(project, tmp_path / "表.docx", template=fake)
    with pytest.raises(TemplateError, match=r"\.docx"):
        write_adoption_table(project, tmp_path / "表.docx", template=tmp_path / "模板.dotx")
    assert not (tmp_path / "表.docx").exists()
