"""The redline of a 管理办法 revised after a round: articles of several 款 read once, as written.

The expected texts are the drafts' own lines (``tests/fixtures/regulation_revision.py``), not
the clause tree read back, so a paragraph written twice shows.
"""
from __future__ import annotations

import pytest

from exports.redline import write_redline
from storage.project import Project
from storage.versions import import_revision
from feedback.outline import parse_lines
from tests.fixtures.regulation_revision import FIRST, SECOND
from tests.test_redline import _docx_paragraphs, _office_paragraphs, office


@pytest.fixture
def measures(tmp_path):
    project = Project.create(tmp_path / "窨井.yjt", parse_lines(FIRST))
    import_revision(project, parse_lines(SECOND))
    yield project
    project.close()


def test_articles_of_several_paragraphs_read_once(measures, tmp_path):
    result = write_redline(measures, 1, 2, tmp_path / "修改稿（修订）.docx")
    assert _docx_paragraphs(result.path, accept=True) == SECOND
    assert _docx_paragraphs(result.path, accept=False) == FIRST
    assert _docx_paragraphs(result.clean_path, accept=True) == SECOND


@office
def test_libreoffice_reads_the_measures_redline_the_same_way(measures, tmp_path):
    result = write_redline(measures, 1, 2, tmp_path / "redline.docx", clean=False)
    assert _office_paragraphs(result.path, tmp_path, accept=True) == SECOND
    assert _office_paragraphs(result.path, tmp_path, accept=False) == FIRST


def _raw_paragraphs(path) -> list[str]:
    """Every paragraph's text as written (insertions and deletions both), blank ones included."""
    import zipfile

    from lxml import etree

    from tests.test_redline import W
    root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    return ["".join(t.text or "" for t in p.iter(f"{W}t", f"{W}delText")) for p in root.iter(f"{W}p")]


def test_no_blank_paragraph_in_the_body(measures, tmp_path):
    result = write_redline(measures, 1, 2, tmp_path / "修改稿（修订）.docx")
    for path in (result.path, result.clean_path):
        body = _raw_paragraphs(path)[2:]  # the title, the blank line under it
        assert "" not in body[:-1], path.name
