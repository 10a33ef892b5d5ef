"""The documents as LibreOffice prints them: no more pages than their text needs.

The measure is the same document laid out with nothing kept together (no row kept
whole, no rows kept with the next, no merged cells): the pages the text itself needs.
Skipped where LibreOffice or poppler's pdfinfo is missing.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from exports.adoption_table import write_adoption_table
from exports.explanation import write_explanation
from feedback.vocabulary import Disposition
from storage.demo import build_demo_project
from tests.fixtures.consultations import taxi_regulation

pytestmark = pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdfinfo")),
                                reason="LibreOffice or pdfinfo is not installed")

_KEEPS = re.compile(r'<w:keepNext/>|<w:cantSplit/>|<w:vMerge w:val="restart"/>|<w:vMerge/>')


def free_flow_copy(path: Path) -> Path:
    """The document with every keep and merge taken out."""
    target = path.with_name(path.stem + "-free.docx")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = _KEEPS.sub("", data.decode("utf-8")).encode("utf-8")
            out.writestr(item, data)
    return target


def pages(*paths: Path) -> list[int]:
    from exports.pdf_copy import pdf_copy

    for path in paths:
        pdf_copy(path)
    counts = []
    for path in paths:
        info = subprocess.run(["pdfinfo", str(path.with_suffix(".pdf"))], check=True, capture_output=True,
                              text=True).stdout
        counts.append(int(re.search(r"Pages:\s+(\d+)", info).group(1)))
    return counts


def test_the_demo_adoption_table_takes_no_more_pages_than_its_text_needs(tmp_path):
    project = build_demo_project(tmp_path / "demo.yjt")
    table = write_adoption_table(project, tmp_path / "table.docx")
    portrait = write_adoption_table(project, tmp_path / "portrait.docx", landscape=False)
    explanation = write_explanation(project, tmp_path / "explanation.docx")
    project.close()
    documents = [table, portrait, explanation]
    counts = pages(*documents, *map(free_flow_copy, documents))
    kept, free = counts[:3], counts[3:]
    assert kept[0] <= free[0] and kept[1] <= free[1] and kept[2] <= free[2], (kept, free)
    assert kept[0] <= 6  # the demo's 32 comments, landscape


def test_one_unit_with_many_long_comments_breaks_across_pages(tmp_path):
    """Ten long comments of one unit: once its rows could not break and filled four pages half."""
    project = taxi_regulation(tmp_path / "出租汽车.yjt")
    unit = next(u for u in project.units() if u.name == "市财政局")
    long = "建议进一步明确出租汽车经营权有偿使用费的收取标准、收取程序和资金用途，并与现行财政管理规定相衔接。" * 3
    project.add_comments([dict(round_number=1, unit_id=unit.id, clause_ref="第五条", body=f"{n}.{long}",
                               disposition=Disposition.REJECTED, reason="有偿使用费的标准由市政府另行规定。" * 2)
                          for n in range(1, 11)])
    table = write_adoption_table(project, tmp_path / "table.docx", landscape=False)
    landscape = write_explanation(project, tmp_path / "explanation.docx", landscape=True)
    project.close()
    kept_table, kept_explanation, free_table, free_explanation = pages(
        table, landscape, free_flow_copy(table), free_flow_copy(landscape))
    assert kept_table <= free_table and kept_explanation <= free_explanation
