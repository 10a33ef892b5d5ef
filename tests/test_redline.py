"""The revised draft with Word revision marks: accept-all gives the new draft, reject-all the old one.

The documents are read back twice: by a small accept/reject over the WordprocessingML
written here, and — where LibreOffice is installed — through LibreOffice, which turns the
file into OpenDocument (its own reading of every revision), accepted and rejected the
same way over its tracked-change regions.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from datetime import date

import pytest
from lxml import etree

from exports.redline import clean_copy_path, write_redline
from feedback.outline import parse_lines
from feedback.revision import clause_reading
from feedback.vocabulary import Disposition
from storage.project import Project
from storage.versions import import_revision, set_change_note
from tests.fixtures.revised_drafts import FIRST_DRAFT, FIRST_RULES, SECOND_DRAFT, SECOND_RULES

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


# -- accept / reject over the document's XML ---------------------------------------------------

def _docx_paragraphs(path, accept: bool) -> list[str]:
    """The paragraphs' text with every revision accepted (or rejected); a paragraph whose mark is
    removed runs on into the next one, as in Word."""
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    dropped, kept = (f"{W}del", f"{W}ins") if accept else (f"{W}ins", f"{W}del")
    result, pending = [], ""
    for p in root.iter(f"{W}p"):
        text = pending
        for node in p.iter(f"{W}t", f"{W}delText"):
            inside = {a.tag for a in node.iterancestors() if a.tag in (f"{W}ins", f"{W}del")}
            if dropped in inside:
                continue
            if node.tag == f"{W}delText" and kept != f"{W}del":
                continue
            text += node.text or ""
        mark = p.find(f"{W}pPr/{W}rPr")
        removed = mark is not None and mark.find(dropped) is not None
        if removed:
            pending = text
        else:
            result.append(text)
            pending = ""
    if pending:
        result.append(pending)
    return [line for line in result if line.strip()]


def _expected(project, version: int) -> list[str]:
    draft = project.draft(version)
    lines = [draft.title]
    for clause in draft.clauses:
        lines += clause_reading(clause).split("\n")
    return [line for line in lines if line.strip()]


# -- the same through LibreOffice -------------------------------------------------------------

TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
BREAK = "\u2029"


def _odt_text(node, skip_tracked: bool = True) -> str:
    """The text of an OpenDocument element, paragraph ends as ``BREAK``, change marks as ``\\x00id\\x00``."""
    out = []

    def walk(element):
        tag = element.tag
        if tag == f"{TEXT}tracked-changes" and skip_tracked or tag == f"{OFFICE}annotation":
            return  # the regions are read apart; a Word comment is not text of the draft
        if tag == f"{TEXT}change":
            out.append(f"\x00D{element.get(TEXT + 'change-id')}\x00")
        elif tag == f"{TEXT}change-start":
            out.append(f"\x00S{element.get(TEXT + 'change-id')}\x00")
        elif tag == f"{TEXT}change-end":
            out.append(f"\x00E{element.get(TEXT + 'change-id')}\x00")
        elif tag == f"{TEXT}s":
            out.append(" " * int(element.get(TEXT + "c", "1")))
        elif tag == f"{TEXT}tab":
            out.append("\t")
        if element.text and tag not in (f"{TEXT}s",):
            out.append(element.text)
        for child in element:
            walk(child)
            if child.tail:
                out.append(child.tail)
        if tag in (f"{TEXT}p", f"{TEXT}h"):
            out.append(BREAK)

    walk(node)
    return "".join(out)


def _office_paragraphs(docx_path, tmp_path, accept: bool) -> list[str]:
    """Let LibreOffice read the .docx and write it as .odt; accept or reject its tracked changes."""
    profile = (tmp_path / "office-profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "odt",
                    "--outdir", str(tmp_path / "odt"), str(docx_path)], check=True, capture_output=True, timeout=180)
    with zipfile.ZipFile(tmp_path / "odt" / (docx_path.stem + ".odt")) as archive:
        root = etree.fromstring(archive.read("content.xml"))
    body = root.find(f"{OFFICE}body/{OFFICE}text")
    regions = {}
    for region in body.iter(f"{TEXT}changed-region"):
        change_id = region.get(f"{TEXT}id") or region.get("{http://www.w3.org/XML/1998/namespace}id")
        kind = region[0]
        content = [_odt_text(p).rstrip(BREAK) for p in kind if p.tag in (f"{TEXT}p", f"{TEXT}h")]
        regions[change_id] = (kind.tag.split("}")[1], BREAK.join(content))
    assert regions, "LibreOffice found no tracked changes"
    stream = _odt_text(body)
    tokens = re.split("(\x00[DSE][^\x00]*\x00)", stream)
    out, hidden = [], 0
    for token in tokens:
        if token.startswith("\x00"):
            mark, change_id = token[1], token[2:-1]
            kind, content = regions[change_id]
            if mark == "D" and not accept and kind == "deletion":
                out.append(content)
            elif mark == "S" and kind == "insertion" and not accept:
                hidden += 1
            elif mark == "E" and kind == "insertion" and not accept:
                hidden -= 1
            continue
        if not hidden:
            out.append(token)
    return [line for line in "".join(out).split(BREAK) if line.strip()]


office = pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice 未安装")


# -- the projects -----------------------------------------------------------------------------

@pytest.fixture
def plan_project(tmp_path):
    """The plan revised (insert, renumber, modify, split, merge, delete, heading reworded), with a
    comment adopted on the modified task and a note on the deletion."""
    project = Project.create(tmp_path / "plan.yjt", parse_lines(FIRST_DRAFT))
    project.add_unit("市财政局", "市级部门")
    project.add_unit("市住建局", "市级部门")
    project.add_round()
    first = project.add_comment(round_number=1, unit_id=1, clause_ref="二（二）3", body="建议改为统筹安排资金。").ids[0]
    project.set_disposition(first, Disposition.ADOPTED, reason="已按意见修改")
    second = project.add_comment(round_number=1, unit_id=2, clause_ref="二（二）3", body="全面消除表述过满。").ids[0]
    project.set_disposition(second, Disposition.PARTLY_ADOPTED, reason="改为基本消除")
    import_revision(project, parse_lines(SECOND_DRAFT), formed_on=date(2023, 5, 6))
    set_change_note(project, 1, 2, "二（三）8→", "民办园规范发展另行发文")
    yield project
    project.close()


MOVED_FIRST = ["某县农村公路管理办法（征求意见稿）", "一、总体要求", "1.坚持安全第一。养护与建设并重。",
               "2.坚持属地管理。县乡村分级负责。", "二、主要任务", "3.开展危桥改造。每年改造危桥五座。",
               "4.完善安保设施。在临水临崖路段设置护栏。", "三、保障措施", "5.加强资金保障。县财政每年安排养护资金。",
               "6.强化考核督导。纳入乡镇年度考核。\n考核结果向社会公开。"]
MOVED_SECOND = ["某县农村公路管理办法（征求意见稿）", "一、总体要求", "1.坚持安全第一。养护与建设并重。",
                "二、主要任务", "2.开展危桥改造。每年改造危桥十座。", "3.完善安保设施。在临水临崖路段设置护栏。",
                "三、保障措施", "4.坚持属地管理。县乡村分级负责。", "5.加强资金保障。县财政每年安排养护资金。",
                "6.强化考核督导。纳入乡镇年度考核。\n考核结果每年向社会公开。"]


def _project(tmp_path, name, first, second):
    project = Project.create(tmp_path / name, parse_lines(first))
    import_revision(project, parse_lines(second))
    return project


CASES = {"plan": (FIRST_DRAFT, SECOND_DRAFT), "rules": (FIRST_RULES, SECOND_RULES),
         "moved": (MOVED_FIRST, MOVED_SECOND)}


@pytest.mark.parametrize("case", list(CASES))
def test_accept_all_gives_new_text_reject_all_the_old(tmp_path, case):
    project = _project(tmp_path, f"{case}.yjt", *CASES[case])
    out = tmp_path / "修改稿（修订）.docx"
    result = write_redline(project, 1, 2, out)
    assert _docx_paragraphs(out, accept=True) == _expected(project, 2)
    assert _docx_paragraphs(out, accept=False) == _expected(project, 1)
    assert _docx_paragraphs(out, accept=True) != _docx_paragraphs(out, accept=False)
    # the clean copy beside it is the new draft, without revisions
    assert result.clean_path == tmp_path / "修改稿（清洁稿）.docx"
    clean = zipfile.ZipFile(result.clean_path).read("word/document.xml").decode("utf-8")
    assert "<w:ins " not in clean and "<w:del " not in clean
    assert _docx_paragraphs(result.clean_path, accept=False) == _expected(project, 2)
    project.close()


def test_every_revision_has_author_and_date_and_renumbering_is_shown(plan_project, tmp_path):
    out = tmp_path / "修订.docx"
    result = write_redline(plan_project, 1, 2, out, author="市教育局起草组")
    root = etree.fromstring(zipfile.ZipFile(out).read("word/document.xml"))
    revisions = list(root.iter(f"{W}ins", f"{W}del"))
    assert len(revisions) > 10
    ids = [r.get(f"{W}id") for r in revisions]
    assert len(ids) == len(set(ids))
    for revision in revisions:
        assert revision.get(f"{W}author") == "市教育局起草组"
        assert revision.get(f"{W}date") == "2023-05-06T09:00:00Z"  # the day the second draft was formed
    # 2.开展思政教育… became 3.: the old number deleted, the new one inserted, the rest untouched
    paragraph = next(p for p in root.iter(f"{W}p") if "开展思政教育" in "".join(p.itertext()))
    assert [d.text for d in paragraph.iter(f"{W}delText")] == ["2"]
    assert ["".join(i.itertext()) for i in paragraph.iter(f"{W}ins")] == ["3"]
    assert result.renumbered == 2 and result.changed == 6
    # a deleted clause loses its paragraph mark too, an inserted one gains one
    deleted = next(p for p in root.iter(f"{W}p") if "推动民办幼儿园" in "".join(p.itertext()))
    assert deleted.find(f"{W}pPr/{W}rPr/{W}del") is not None
    inserted = next(p for p in root.iter(f"{W}p") if "实施劳动教育" in "".join(p.itertext()))
    assert inserted.find(f"{W}pPr/{W}rPr/{W}ins") is not None


def test_changed_clauses_carry_comments_naming_the_ledger_entries(plan_project, tmp_path):
    out = tmp_path / "修订.docx"
    result = write_redline(plan_project, 1, 2, out)
    archive = zipfile.ZipFile(out)
    comments = etree.fromstring(archive.read("word/comments.xml"))
    texts = {c.get(f"{W}id"): "\n".join("".join(p.itertext()) for p in c.iter(f"{W}p"))
             for c in comments.iter(f"{W}comment")}
    assert len(texts) == result.comments == 6  # insert, modify, split, heading, merge, delete
    root = etree.fromstring(archive.read("word/document.xml"))
    anchored = {}
    for start in root.iter(f"{W}commentRangeStart"):
        paragraph = start.getparent()
        anchored[start.get(f"{W}id")] = "".join(t.text or "" for t in paragraph.iter(f"{W}t", f"{W}delText"))
    assert set(anchored) == set(texts)
    modified = next(i for i, text in anchored.items() if "改善学校办学条件" in text)
    assert texts[modified].splitlines() == [
        "修改（原二（二）3，现为二（二）4）", "依据意见：第1号 市财政局（采纳）；第2号 市住建局（部分采纳）"]
    deleted = next(i for i, text in anchored.items() if "推动民办幼儿园" in text)
    assert texts[deleted].splitlines() == ["删除（原二（三）8）", "无对应意见", "修改说明：民办园规范发展另行发文"]
    for comment in comments.iter(f"{W}comment"):
        assert comment.get(f"{W}author") == "起草组"
    # every start has its end and its reference
    ends = {e.get(f"{W}id") for e in root.iter(f"{W}commentRangeEnd")}
    references = {e.get(f"{W}id") for e in root.iter(f"{W}commentReference")}
    assert ends == references == set(texts)


def test_comments_cite_the_numbers_of_the_ledger_and_keep_them(plan_project, tmp_path):
    """The Word comments name comments by the one numbering (not by id), fixed once written."""
    from storage.numbering import comment_numbers, fixed_count

    general = plan_project.add_comment(round_number=1, unit_id=1, clause_ref="总体意见", body="建议精简篇幅。").ids[0]
    plan_project.set_disposition(general, Disposition.REJECTED, reason="篇幅已压缩")
    numbers = comment_numbers(plan_project)
    assert numbers == {general: 1, 1: 2, 2: 3}  # 总体意见 first within 市财政局; ids would say 3, 1, 2
    assert fixed_count(plan_project) == 0
    out = tmp_path / "修订.docx"
    write_redline(plan_project, 1, 2, out, clean=False)
    text = zipfile.ZipFile(out).read("word/comments.xml").decode("utf-8")
    assert "依据意见：第2号 市财政局（采纳）；第3号 市住建局（部分采纳）" in text
    assert "第1号 市财政局" not in text
    assert fixed_count(plan_project) == 3  # the revised draft went out: its numbers are kept


def test_official_format_is_reused(plan_project, tmp_path):
    from docx import Document

    from exports.official_format import resolved_font

    out = tmp_path / "修订.docx"
    write_redline(plan_project, 1, 2, out)
    document = Document(str(out))
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.top_margin.mm) == 37
    title = document.paragraphs[0]
    assert resolved_font(title).east_asia == "方正小标宋简体"
    part = next(p for p in document.paragraphs if p.text.startswith("一、"))
    assert resolved_font(part).east_asia == "黑体"
    task = next(p for p in document.paragraphs if "推进中小学校党建" in p.text)
    assert resolved_font(task).east_asia == "仿宋_GB2312" and resolved_font(task).size_pt == 16


def test_clean_copy_path():
    assert clean_copy_path("/x/修改稿（修订）.docx").name == "修改稿（清洁稿）.docx"
    assert clean_copy_path("/x/第二稿.docx").name == "第二稿（清洁稿）.docx"


@office
@pytest.mark.parametrize("case", ["plan", "moved"])
def test_libreoffice_reads_the_revisions_the_same_way(tmp_path, case):
    project = _project(tmp_path, f"{case}.yjt", *CASES[case])
    out = tmp_path / "redline.docx"
    write_redline(project, 1, 2, out, clean=False)
    assert _office_paragraphs(out, tmp_path, accept=True) == _expected(project, 2)
    assert _office_paragraphs(out, tmp_path, accept=False) == _expected(project, 1)
    project.close()


def test_redline_command(plan_project, tmp_path):
    from tests.test_cli_ledger import run

    path = plan_project.path
    plan_project.close()
    out = tmp_path / "修改稿（修订）.docx"
    stopped = run("redline", path, "--from", "1", "--to", "2", "--out", out)
    # the consistency check is listed before generating, and stops it without --force
    assert stopped.returncode == 1 and "提示：修改无对应意见：新增二（一）2" in stopped.stderr
    assert "生成修订稿前发现" in stopped.stderr and not out.exists()
    result = run("redline", path, "--from", "1", "--to", "2", "--out", out, "--force")
    assert result.returncode == 0, result.stderr
    assert "修改6处，序号调整2条，批注6条" in result.stdout and "修改稿（清洁稿）.docx" in result.stdout
    assert out.exists() and (tmp_path / "修改稿（清洁稿）.docx").exists()
    wrong = run("redline", path, "--out", tmp_path / "修订.pdf")
    assert wrong.returncode == 2 and "修订.pdf" in wrong.stderr and "Traceback" not in wrong.stderr
    missing = run("redline", path, "--from", "1", "--to", "5", "--out", out)
    assert missing.returncode == 2 and "第5稿" in missing.stderr


def test_annotation_ids_are_unique_and_unconfirmed_matches_are_mentioned(tmp_path):
    from tests.test_cli_ledger import run

    project = _project(tmp_path, "rules.yjt", FIRST_RULES, SECOND_RULES)
    out = tmp_path / "修订.docx"
    write_redline(project, 1, 2, out)
    archive = zipfile.ZipFile(out)
    document = etree.fromstring(archive.read("word/document.xml"))
    comments = etree.fromstring(archive.read("word/comments.xml"))
    revision_ids = [e.get(f"{W}id") for e in document.iter(f"{W}ins", f"{W}del")]
    comment_ids = [e.get(f"{W}id") for e in comments.iter(f"{W}comment")]
    assert comment_ids and not set(revision_ids) & set(comment_ids)
    path = project.path
    project.db.execute("UPDATE clause_matches SET confirmed = 0 WHERE id = (SELECT max(id) FROM clause_matches)")
    project.db.conn.commit()
    project.close()
    result = run("redline", path, "--out", tmp_path / "再次.docx", "--no-clean", "--force")
    assert result.returncode == 0 and "1项条款对应关系待确认" in result.stderr
    assert not (tmp_path / "再次（清洁稿）.docx").exists()


def test_a_moved_clause_is_deleted_where_it_was_and_inserted_where_it_is(tmp_path):
    project = _project(tmp_path, "moved.yjt", MOVED_FIRST, MOVED_SECOND)
    out = tmp_path / "修订.docx"
    write_redline(project, 1, 2, out, clean=False)
    archive = zipfile.ZipFile(out)
    root = etree.fromstring(archive.read("word/document.xml"))
    comments = etree.fromstring(archive.read("word/comments.xml"))
    texts = ["".join(c.itertext()) for c in comments.iter(f"{W}comment")]
    assert any(t.startswith("移至三4（序号调整）") for t in texts)
    assert any(t.startswith("由一2移至此处（序号调整）") for t in texts)
    moved = [p for p in root.iter(f"{W}p") if "坚持属地管理" in "".join(t.text or "" for t in p.iter(f"{W}t", f"{W}delText"))]
    assert len(moved) == 2
    assert moved[0].find(f"{W}pPr/{W}rPr/{W}del") is not None and moved[1].find(f"{W}pPr/{W}rPr/{W}ins") is not None
    project.close()


def test_comments_have_their_own_small_style(plan_project, tmp_path):
    from docx import Document

    out = tmp_path / "修订.docx"
    write_redline(plan_project, 1, 2, out)
    styles = Document(str(out)).styles
    assert styles["annotation text"].font.size.pt == 10.5
    clean = Document(str(tmp_path / "修订（清洁稿）.docx"))
    assert "annotation text" not in [s.name for s in clean.styles]


def test_an_article_of_several_paragraphs_reads_once(tmp_path):
    """A 管理办法's article with 款: its first 款 is the article's own text, printed once (not again
    as a paragraph of its own), in the revised draft and its clean copy, as the drafter wrote it."""
    from tests.fixtures.draft_shapes import regulation

    first = regulation()
    second = [line.replace("百分之二十五", "百分之二十") for line in first]
    project = _project(tmp_path, "条例.yjt", first, second)
    out = tmp_path / "条例（修订）.docx"
    result = write_redline(project, 1, 2, out)
    as_written = [project.draft(2).title] + [line.replace("　", "\u3000") for line in second[2:]]
    assert _docx_paragraphs(out, accept=True) == as_written
    assert _docx_paragraphs(result.clean_path, accept=False) == as_written
    assert _docx_paragraphs(out, accept=False) == [project.draft(1).title] + first[2:]
    # and no empty paragraph where the first 款 would have been
    for path in (out, result.clean_path):
        root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
        texts = ["".join(t.text or "" for t in p.iter(f"{W}t", f"{W}delText")) for p in root.iter(f"{W}p")]
        assert "" not in texts[2:-1], path.name  # the blank line under the title, the last paragraph mark
    project.close()
