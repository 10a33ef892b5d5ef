"""The 起草说明 page driven through its real widgets on the demo, checked against the file and the .docx."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

import docx  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402

from exports.explanation import explanation_content  # noqa: E402
from exports.official_format import STYLE_HEADING1  # noqa: E402
from feedback.commands import ScriptedInteraction, SetDisposition  # noqa: E402
from feedback.explanation_text import GROUP_BY_CLAUSE, GROUP_BY_UNIT, SectionKind  # noqa: E402
from feedback.vocabulary import Disposition  # noqa: E402
from storage import documents  # noqa: E402
from storage.project import Project  # noqa: E402
from ui.jobs import Job  # noqa: E402
import ui.explanation_page as explanation_page  # noqa: E402
from ui.explanation_page import DocumentDialog  # noqa: E402
from tests.conftest import type_text  # noqa: E402


@pytest.fixture
def talk():
    return ScriptedInteraction(choices=[None] * 10)  # after generating: neither open the file nor its folder


@pytest.fixture
def window(make_window, demo_file, talk):
    window = make_window(talk)
    assert window.open_project(demo_file)
    window.show_page("explanation")
    return window


@pytest.fixture
def page(window):
    return window.page("explanation")


@pytest.fixture
def saving_to(monkeypatch, tmp_path):
    """The generate dialog answered with a file in tmp_path (and a template when given)."""
    answers = {}

    def fake_exec(dialog):
        dialog.path.setText(str(answers["path"]))
        dialog.template.setText(str(answers.get("template", "")))
        if "round" in answers:
            dialog.round.setCurrentIndex(dialog.round.findData(answers["round"]))
        answers["rounds"] = [dialog.round.itemData(i) for i in range(dialog.round.count())]
        return 1

    monkeypatch.setattr(DocumentDialog, "exec", fake_exec)

    def answer(name, **more):
        answers.clear()
        answers.update(path=tmp_path / name, **more)
        return answers

    return answer


def stored_sections(path):
    with Project.open(path, read_only=True, backup=False) as other:
        return documents.list_sections(other)


def row_of(page, kind):
    return next(i for i, s in enumerate(page.sections) if s.kind is kind)


def generate(qtbot, page, button):
    button.click()
    job = page.last_job
    assert isinstance(job, Job)
    qtbot.waitUntil(lambda: job.done, timeout=20000)
    assert job.error is None, job.error
    return job.result


def headings(path):
    return [p.text for p in docx.Document(str(path)).paragraphs if p.style.style_id == STYLE_HEADING1]


def paragraphs(path):
    return [p.text for p in docx.Document(str(path)).paragraphs]


def test_typed_text_is_kept_in_the_project_and_shown_in_the_preview(window, page, demo_file, qtbot, tmp_path):
    page.section_list.setCurrentRow(row_of(page, SectionKind.NEXT_STEPS))
    page.editor.moveCursor(page.editor.textCursor().MoveOperation.End)
    type_text(page.editor, "同时做好政策解读工作。")
    qtbot.waitUntil(lambda: "同时做好政策解读工作。" in page.preview.toPlainText(), timeout=3000)
    # kept once typing pauses, without leaving the editor
    qtbot.waitUntil(lambda: stored_sections(demo_file)[3].body.endswith("同时做好政策解读工作。"), timeout=3000)
    assert page.editor.toPlainText().endswith("同时做好政策解读工作。")  # the save did not reload the editor
    preview = page.preview.toPlainText()  # typing redrew the text and left the attachment as it was
    assert preview.count("同时做好政策解读工作。") == 1 and preview.count("征求意见反馈情况") == 2
    assert all(row.body.splitlines()[0] in preview for row in page.attachment_rows)
    window.close_project()
    with Project.open(demo_file) as reopened:
        assert documents.list_sections(reopened)[3].body.endswith("印发实施。同时做好政策解读工作。")


def test_choosing_another_section_keeps_the_text_and_the_choice(page, demo_file):
    page.section_list.setCurrentRow(0)
    page.editor.setPlainText("第一部分的新文字。")
    page.section_list.setCurrentRow(2)  # at once, before typing paused
    assert stored_sections(demo_file)[0].body == "第一部分的新文字。"
    assert page.section_list.currentRow() == 2 and page.section_heading.text() == "三、起草过程"
    assert page.editor.toPlainText() == page.sections[2].body
    page.editor.setPlainText("{统计}")
    page.flush()
    # what is left is the demo's consistency check (one clause decided both ways), listed before generating
    assert "{统计}" not in page.warnings.text() and "同一条款处理不一：三（四）8：" in page.warnings.text()
    page.editor.setPlainText("没有统计的起草过程。")
    page.flush()
    assert "{统计}" in page.warnings.text() and page.warnings.isVisibleTo(page)


def test_text_left_unsaved_is_kept_when_the_project_closes(window, page, demo_file):
    page.section_list.setCurrentRow(0)
    page.editor.setPlainText("刚刚输入、还没停顿的文字。")
    assert page._dirty_body
    window.close_project()
    assert stored_sections(demo_file)[0].body == "刚刚输入、还没停顿的文字。"


def test_undo_and_redo_restore_sections_and_fields(window, page, demo_file):
    original = page.sections[0].body
    page.section_list.setCurrentRow(0)
    page.editor.setPlainText("改写后的起草背景。")
    page.flush()
    assert stored_sections(demo_file)[0].body == "改写后的起草背景。"
    window.undo_action.trigger()
    assert page.editor.toPlainText() == original
    assert stored_sections(demo_file)[0].body == original
    window.redo_action.trigger()
    assert page.editor.toPlainText() == "改写后的起草背景。"

    addressee = page.fields["addressee"]
    addressee.setFocus()
    addressee.selectAll()
    type_text(addressee, "汉中市人民政府")
    addressee.editingFinished.emit()
    assert window.project.plan().addressee == "汉中市人民政府"
    assert "汉中市人民政府：" in page.preview.toPlainText()
    window.undo_action.trigger()
    assert window.project.plan().addressee == "市政府" == addressee.text()
    assert "汉中市人民政府" not in page.preview.toPlainText()

    page.section_list.setCurrentRow(0)
    page.remove_button.click()  # asks first (the scripted answer is yes), then goes
    assert [s.title for s in page.sections] == ["主要内容", "起草过程", "下一步打算"]
    window.undo_action.trigger()
    assert [s.title for s in page.sections] == ["起草背景", "主要内容", "起草过程", "下一步打算"]
    assert page.sections[0].body == "改写后的起草背景。"


def test_reordered_sections_are_in_that_order_in_the_document(window, page, talk, qtbot, saving_to, demo_file):
    talk.texts.append("其他需要说明的事项")
    page.section_list.setCurrentRow(row_of(page, SectionKind.NEXT_STEPS))
    page.up_button.click()
    page.up_button.click()
    assert [s.title for s in page.sections] == ["起草背景", "下一步打算", "主要内容", "起草过程"]
    assert page.section_list.currentItem().text() == "二、下一步打算"  # the moved section stays chosen
    page.section_list.setCurrentRow(3)
    page.add_button.click()
    assert page.section_list.currentItem().text() == "五、其他需要说明的事项"
    type_text(page.editor, "无。")
    talk.texts.append("五、需要说明的其他事项")
    page.rename_button.click()
    expected = ["一、起草背景", "二、下一步打算", "三、主要内容", "四、起草过程", "五、需要说明的其他事项"]
    assert [page.section_list.item(i).text() for i in range(5)] == expected
    assert [s.title for s in stored_sections(demo_file)] == [h[2:] for h in expected]
    saving_to("说明.docx")
    path = generate(qtbot, page, page.generate_button)
    assert headings(path) == expected
    texts = paragraphs(path)
    assert texts[texts.index("五、需要说明的其他事项") + 1] == "无。"


def test_the_process_paragraph_carries_the_statistics_sentence(window, page, qtbot, saving_to):
    stats = window.project.statistics()
    page.section_list.setCurrentRow(row_of(page, SectionKind.PROCESS))
    preview = page.preview.toPlainText()
    process = preview[preview.index("三、起草过程"):preview.index("四、下一步打算")]
    assert stats.sentence in process
    assert stats.sentence in page.automatic.text()
    saving_to("说明.docx")
    texts = paragraphs(generate(qtbot, page, page.generate_button))
    paragraph = texts[texts.index("三、起草过程") + 1]
    assert paragraph == f"《行动计划》起草过程中，汉中市教育局{stats.sentence}"
    assert sum(t.count("结合实际起草了《行动计划》") for t in texts) == 1  # said once, in the background
    assert texts[texts.index("三、起草过程") + 2] == documents.process_text(window.project)

    # a decision in the ledger shows in the numbers of the preview at once
    adopted = window.project.comments(disposition=Disposition.ADOPTED)[0]
    window.bridge.run(SetDisposition(window.project, adopted.id, Disposition.PENDING))
    after = window.project.statistics().sentence
    assert after != stats.sentence and after in page.preview.toPlainText()
    assert stats.sentence not in page.preview.toPlainText()


def test_the_attachment_rows_are_the_comments_in_the_chosen_order(window, page, qtbot, saving_to, demo_file):
    comments = window.project.comments()
    assert sorted(r.comment_id for r in page.attachment_rows) == [c.id for c in comments]
    preview = page.preview.toPlainText()
    for comment in comments:
        assert comment.body.splitlines()[0] in preview
    saving_to("说明.docx")
    table = docx.Document(str(generate(qtbot, page, page.generate_button))).tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows[1:]]
    assert len(rows) == len(comments)
    assert sorted(r[3].split("\n")[0] for r in rows) == sorted(c.body.split("\n")[0] for c in comments)
    units = [r[1] for r in rows]
    assert units == [r.unit for r in page.attachment_rows]
    by_unit = [r.clause_ref for r in page.attachment_rows]

    index = page.grouping_box.findData(GROUP_BY_CLAUSE)
    page.grouping_box.setCurrentIndex(index)
    page.grouping_box.activated.emit(index)
    assert documents.attachment_grouping(window.project) == GROUP_BY_CLAUSE
    by_clause = [r.clause_ref for r in page.attachment_rows]
    assert sorted(by_clause) == sorted(by_unit) and by_clause != by_unit
    saving_to("按条款.docx")
    table = docx.Document(str(generate(qtbot, page, page.generate_button))).tables[0]
    assert [row.cells[2].text.split(" ")[0] for row in table.rows[1:]] == by_clause
    window.undo_action.trigger()
    assert documents.attachment_grouping(window.project) == GROUP_BY_UNIT
    assert page.grouping_box.currentData() == GROUP_BY_UNIT
    window.redo_action.trigger()
    window.close_project()
    with Project.open(demo_file, read_only=True) as reopened:
        assert documents.attachment_grouping(reopened) == GROUP_BY_CLAUSE


def test_ctrl_g_generates_through_a_job_and_offers_to_open(window, page, talk, qtbot, saving_to, monkeypatch):
    opened = []
    monkeypatch.setattr(explanation_page, "open_url", lambda url: opened.append(url.toLocalFile()))
    talk.choices[:] = ["打开"]
    saving_to("快捷键")  # .docx is added
    jobs_before = len(window.jobs)
    page.section_list.setFocus()
    qtbot.keyClick(page.section_list, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert len(window.jobs) == jobs_before + 1
    job = page.last_job
    qtbot.waitUntil(lambda: job.done, timeout=20000)
    assert job.result.name == "快捷键.docx" and job.result.is_file()
    assert opened == [str(job.result)]
    assert "已生成“快捷键.docx”。" in talk.questions[-1]


def test_letter_and_table_for_a_chosen_round(window, page, qtbot, saving_to):
    answers = saving_to("函.docx", round=1)
    path = generate(qtbot, page, page.letter_button)
    assert answers["rounds"] == [1]
    texts = paragraphs(path)
    assert any("关于征求" in t for t in texts) and "逾期未反馈视为无意见" in "".join(texts)
    window.announce(window.project.add_round(recipients=[1]))
    answers = saving_to("表.docx", round=1)
    path = generate(qtbot, page, page.table_button)
    assert answers["rounds"] == [None, 2, 1]  # all rounds, then the newest first
    rows = docx.Document(str(path)).tables[0].rows
    assert len(rows) - 1 == len(window.project.comments(round_number=1))


def test_a_bad_template_is_one_sentence_and_no_file(window, page, talk, qtbot, saving_to, tmp_path):
    template = tmp_path / "单位模板.docx"
    template.write_text("不是 Word 文件", encoding="utf-8")
    saving_to("说明.docx", template=template)
    page.generate_button.click()
    qtbot.waitUntil(lambda: page.last_job.done, timeout=20000)
    assert talk.messages[-1].startswith("模板") and "单位模板.docx" in talk.messages[-1]
    assert "\n" not in talk.messages[-1]
    assert not (tmp_path / "说明.docx").exists()


def test_a_read_only_project_can_be_previewed_and_generated_but_not_edited(make_window, qtbot, demo_file, talk,
                                                                              saving_to):
    window = make_window(talk)
    assert window.open_project(demo_file, read_only=True)
    window.show_page("explanation")
    page = window.page("explanation")
    assert page.editor.isReadOnly()
    assert not any(w.isEnabled() for w in (page.add_button, page.remove_button, page.up_button,
                                           page.down_button, page.rename_button, page.regenerate_button,
                                           page.fields["addressee"]))
    assert page.generate_button.isEnabled()
    page.editor.setPlainText("不会保存")
    page.flush()
    index = page.grouping_box.findData(GROUP_BY_CLAUSE)
    page.grouping_box.setCurrentIndex(index)
    page.grouping_box.activated.emit(index)  # shown and generated so, not written
    saving_to("只读.docx")
    path = generate(qtbot, page, page.generate_button)
    assert headings(path) == ["一、起草背景", "二、主要内容", "三、起草过程", "四、下一步打算"]
    window.close_project()
    with Project.open(demo_file, read_only=True) as other:
        assert other.db.execute("SELECT count(*) FROM document_sections").fetchone()[0] == 0
        assert documents.attachment_grouping(other) == GROUP_BY_UNIT


def test_a_long_attachment_is_cut_short_in_the_preview_only(page):
    content = explanation_content(page.project)
    shown = explanation_page.attachment_html(content, limit=5)
    assert shown.count("<tr>") == 1 + 5
    assert f"预览只显示前5行，共{len(content.rows)}条意见" in shown
    assert "rowspan" in explanation_page.attachment_html(content)  # a unit's rows share one cell, as in the document


def test_the_findings_before_generating_are_listed_one_a_line(page):
    lines = page.warnings.text().splitlines()
    assert len(lines) >= 2 and all(line.startswith("同一条款处理不一：") for line in lines[-2:])
