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


def test_a_first_paragraph_asks_for_no_note_of_its_own(measures):
    """第五条 split into two 款: its 第一款 is its own first paragraph, not a new text to explain;
    the article's change and the new 第二款 are."""
    from storage.versions import consistency_findings

    lines = [f.line() for f in consistency_findings(measures, 1, 2)]
    assert "修改无对应意见：第四条（现为第五条）修改，没有对应的采纳意见，请补充修改说明。" in lines
    assert "修改无对应意见：新增第五条第二款，没有对应的采纳意见，请补充修改说明。" in lines
    assert not [line for line in lines if "第一款" in line], lines


def test_an_article_gaining_paragraphs_counts_as_one_change(measures, tmp_path):
    result = write_redline(measures, 1, 2, tmp_path / "修改稿（修订）.docx")
    assert result.changed == result.comments == 10


def test_the_comparison_table_has_no_row_repeating_an_article(measures, tmp_path):
    from openpyxl import load_workbook

    from exports.comparison import write_comparison

    out = write_comparison(measures, 1, 2, tmp_path / "对照表.xlsx")
    cells = [str(c) for row in load_workbook(out).active.iter_rows(values_only=True) for c in row if c]
    split = "窨井设施的设计和施工应当符合国家有关技术规范。"
    assert sum(1 for c in cells if split in c) == 1, cells  # the new 第五条, beside the old 第四条


def test_a_round_on_changed_clauses_lists_the_article_not_its_first_paragraph(measures):
    from storage.versions import changed_refs

    assert changed_refs(measures, 2) == ["第一条", "第四条", "第五条", "第五条第二款", "第六条第（二）项",
                                         "第六条第（三）项", "第六条第（四）项", "第七条", "第十一条"]


def test_a_note_without_its_clause_is_refused_with_the_form_to_use(measures):
    from tests.test_cli_ledger import run

    path = measures.path
    measures.close()
    result = run("matches", path, "--explain", "=拆分为两款")
    assert result.returncode == 2
    assert result.stderr.strip() == "错误：“=拆分为两款”应写成 条款=修改说明，如 二（三）8=两条内容相近，合并表述。"
    deleted = run("matches", path, "--explain", "1:第五条=与第四条重复，删除")
    assert deleted.returncode == 0 and "已保存修改说明（删除第五条）" in deleted.stdout


def test_the_revision_report_counts_an_article_gaining_paragraphs_once(tmp_path):
    from feedback.revision import describe_change

    project = Project.create(tmp_path / "窨井.yjt", parse_lines(FIRST))
    result = import_revision(project, parse_lines(SECOND))
    assert result.summary == "第2稿与第1稿比对：未修改15条，修改6条，新增3条，删除1条；序号调整0条。"
    assert not [g for g in result.groups if g.relation.changed and "第一款" in describe_change(g)]
    project.close()


def test_a_comment_on_an_articles_first_paragraph_is_behind_the_articles_change(tmp_path):
    from exports.redline import comment_text
    from feedback.vocabulary import Disposition
    from storage.versions import changes_between, consistency_findings

    reworded = [line.replace("本办法适用于本市市区", "本办法适用于本市行政区域内") for line in FIRST]
    project = Project.create(tmp_path / "窨井.yjt", parse_lines(FIRST))
    project.add_unit("市住建局", "市级部门")
    project.add_round(recipients=[1])
    comment = project.add_comment(round_number=1, unit_id=1, clause_ref="第二条第一款",
                                  body="建议适用范围扩大到全市行政区域。").ids[0]
    project.set_disposition(comment, Disposition.ADOPTED)
    import_revision(project, parse_lines(reworded))
    assert [f.line() for f in consistency_findings(project, 1, 2)] == []
    (change,) = changes_between(project, 1, 2)
    assert change.group.from_refs == ["第二条"] and "第1号 市住建局（采纳）" in comment_text(change)
    result = write_redline(project, 1, 2, tmp_path / "修订.docx")
    assert result.changed == result.comments == 1
    assert _docx_paragraphs(result.path, accept=True) == reworded
    project.close()
