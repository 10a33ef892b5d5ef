"""The official fonts and what stands in for them; a PDF copy of each document."""
from __future__ import annotations

import shutil
import zipfile

import pytest
from lxml import etree

from exports.official_format import FONT_BODY, FONT_TITLE, OfficialDocument
from tests.fixtures.consultations import taxi_regulation
from ui.cli import run

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def font_table(path) -> dict[str, dict[str, str]]:
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("word/fontTable.xml"))
    return {f.get(W + "name"): {child.tag[len(W):]: child.get(W + "val") for child in f} for f in root}


def test_the_font_table_names_a_fallback_chain_for_every_official_font(tmp_path):
    doc = OfficialDocument()
    doc.title("《某某办法》起草情况说明")
    doc.body("正文。")
    fonts = font_table(doc.save(tmp_path / "说明.docx"))
    chains = {FONT_BODY: ["仿宋", "FangSong"], FONT_TITLE: ["华文中宋", "STZhongsong"],
              "楷体_GB2312": ["楷体", "KaiTi"], "黑体": ["SimHei"]}
    for name, chain in chains.items():
        seen, current = [], name
        while current in fonts and fonts[current].get("altName"):
            current = fonts[current]["altName"]
            seen.append(current)
        assert seen == chain, name
        assert fonts[name]["charset"] == "86" and len(fonts[name]["panose1"]) == 20
    # the order Word's schema asks for inside each entry
    with zipfile.ZipFile(tmp_path / "说明.docx") as archive:
        root = etree.fromstring(archive.read("word/fontTable.xml"))
    entry = next(f for f in root if f.get(W + "name") == FONT_BODY)
    assert [child.tag[len(W):] for child in entry] == ["altName", "panose1", "charset", "family", "pitch"]


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_a_pdf_copy_beside_the_document(tmp_path, capsys):
    taxi_regulation(tmp_path / "出租汽车.yjt").close()
    out = tmp_path / "表.docx"
    assert run(["table", str(tmp_path / "出租汽车.yjt"), "--out", str(out), "--pdf"]) == 0
    pdf = tmp_path / "表.pdf"
    assert pdf.read_bytes().startswith(b"%PDF") and f"已生成 PDF 副本：{pdf}" in capsys.readouterr().out


def test_without_libreoffice_the_pdf_copy_is_one_sentence(tmp_path, monkeypatch, capsys):
    import exports.pdf_copy

    taxi_regulation(tmp_path / "出租汽车.yjt").close()
    monkeypatch.setattr(exports.pdf_copy, "converter", lambda: None)
    assert run(["table", str(tmp_path / "出租汽车.yjt"), "--out", str(tmp_path / "表.docx"), "--pdf"]) == 2
    err = capsys.readouterr().err
    assert err == "错误：未安装 LibreOffice，无法为“表.docx”生成 PDF 副本。\n"
