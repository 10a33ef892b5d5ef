"""The versions page driven through its real widgets on the demo: a revision imported, compared, confirmed, exported."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

import docx  # noqa: E402
from PySide6.QtCore import QSettings, Qt  # noqa: E402

from feedback.commands import ScriptedInteraction  # noqa: E402
from feedback.revision import FlagKind, Relation  # noqa: E402
from storage.demo import DEMO_DRAFT  # noqa: E402
from storage.project import Project  # noqa: E402
from storage.versions import stored_matches, unconfirmed_matches  # noqa: E402
from tests.fixtures.revised_drafts import revise_demo_lines  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.settings import AppSettings  # noqa: E402
from ui.versions_page import diff_html, parse_day  # noqa: E402

UNCERTAIN = "三（七）19→三（七）18"  # the reworded task 19 (now 18) awaits confirmation


@pytest.fixture
def revised_docx(tmp_path):
    """The demo draft as revised after round 1, saved as a plain Word document."""
    document = docx.Document()
    for line in revise_demo_lines(DEMO_DRAFT.read_text(encoding="utf-8").splitlines()):
        if line.strip():
            document.add_paragraph(line)
    path = tmp_path / "第二稿.docx"
    document.save(path)
    return path


@pytest.fixture
def talk():
    return ScriptedInteraction(texts=["吸收第一轮反馈意见"])


def imported(window, qtbot, path):
    """Show the page and import ``path`` through its action, waiting for the job."""
    window.show_page("versions")
    page = window.page("versions")
    job = page.import_revision(path)
    assert job is not None
    qtbot.waitUntil(lambda: job.done, timeout=20000)
    return page


def cells(table, column):
    return [table.item(row, column).text() for row in range(table.rowCount())]


def test_a_revision_is_imported_and_compared_clause_by_clause(window, qtbot, talk, revised_docx):
    page = imported(window, qtbot, revised_docx)
    # the note was asked for and the version listed
    assert talk.questions[0].startswith("第2稿的说明")
    assert [v.number for v in window.project.versions()] == [1, 2]
    assert cells(page.versions_table, 0) == ["第1稿", "第2稿"]
    assert cells(page.versions_table, 2)[1] == "吸收第一轮反馈意见"
    assert cells(page.versions_table, 3)[1] == "第二稿.docx"
    assert "根据反馈意见修改形成第2稿（吸收第一轮反馈意见）" in page.timeline.text()
    # the diff view lists every change, 序号调整 included
    assert page.pair() == (1, 2)
    rows = list(zip(cells(page.changes_table, 0), cells(page.changes_table, 1), cells(page.changes_table, 2)))
    assert ("三（二）3", "三（二）3", "修改") in rows and ("三（二）4", "三（二）4", "修改") in rows
    assert ("—", "三（三）6", "新增") in rows and ("三（五）9", "—", "删除") in rows
    assert ("三（七）16、三（七）17", "三（七）16", "合并") in rows
    assert ("三（十）28", "三（十）27、三（十）28", "拆分") in rows
    assert ("三（九）23", "三（九）22", "序号调整") in rows
    assert {r[2] for r in rows} == {"修改", "新增", "删除", "合并", "拆分", "序号调整"}
    assert cells(page.changes_table, 4).count("待确认") == 1
    page.show_unchanged.setChecked(True)
    assert "未修改" in cells(page.changes_table, 2)
    # the selected change: deletions struck through in red, insertions underlined in green
    assert page.select_change("三（二）4→三（二）4")
    shown = page.diff_view.toHtml()
    assert "line-through" in shown and "underline" in shown
    assert "每年划拨专门资金" in page.diff_view.toPlainText() and "统筹安排资金" in page.diff_view.toPlainText()
    assert "市财政局（采纳）" in page.diff_view.toPlainText()
    assert "市财政局（采纳）" in cells(page.changes_table, 5)[page.changes_table.currentRow()]


def test_the_flags_list_and_going_to_the_comment(window, qtbot, revised_docx):
    page = imported(window, qtbot, revised_docx)
    flags = page.flags()
    unchanged = [f for f in flags if f.kind is FlagKind.ADOPTED_UNCHANGED]
    # 市财政局 asked for “按规定” in task 23, adopted, and the task did not change
    row = next(i for i, f in enumerate(flags) if f.from_refs == ["三（九）23"] and f.kind is FlagKind.ADOPTED_UNCHANGED)
    assert cells(page.flags_table, 0)[row] == "采纳但未修改"
    assert cells(page.flags_table, 3)[row] == "建议补充“按规定”的表述。"
    assert "市财政局对三（九）23（现为三（九）22）的意见已采纳" in cells(page.flags_table, 2)[row]
    assert all(f.from_refs[0] not in ("三（二）3", "三（二）4") for f in unchanged)  # acted on
    explained = [cells(page.flags_table, 1)[i] for i, f in enumerate(flags)
                 if f.kind is FlagKind.CHANGE_WITHOUT_COMMENT]
    assert "新增 三（三）6" in explained and "三（五）9" in explained
    assert "三（七）16、三（七）17 → 三（七）16" in explained
    # double-click: the ledger, with the comment selected
    window.ledger.set_filter(disposition="rejected")
    page.open_flag(row)
    assert window.current_page() == "ledger"
    comment = window.ledger.current_comment()
    assert (comment.unit_name, comment.clause_ref) == ("市财政局", "三（九）23")
    # a change without a comment goes to its diff; a note on it answers the flag
    window.show_page("versions")
    merged = next(i for i, f in enumerate(page.flags()) if f.change_key == "三（七）16+三（七）17→三（七）16")
    page.open_flag(merged)
    assert page.current_key() == "三（七）16+三（七）17→三（七）16"
    window.interaction.texts.append("两项职责相近，合并表述。")
    page.note_button.click()
    assert "三（七）16+三（七）17→三（七）16" not in [f.change_key for f in page.flags()]
    assert "说明：两项职责相近，合并表述。" in cells(page.changes_table, 5)[page.changes_table.currentRow()]
    window.undo_action.trigger()
    assert "三（七）16+三（七）17→三（七）16" in [f.change_key for f in page.flags()]


def test_the_uncertain_match_is_confirmed_in_the_dialog_and_undone(window, qtbot, revised_docx, demo_file):
    page = imported(window, qtbot, revised_docx)
    review = page.review
    assert review is not None and review.isVisible()
    assert [g.key for g in review.groups] == [UNCERTAIN]
    assert "line-through" in review.preview.toHtml()
    review.accept_button.click()
    assert review.groups == [] and not review.accept_button.isEnabled()
    with Project.open(demo_file, read_only=True) as other:  # in the file
        assert unconfirmed_matches(other, 1, 2) == []
    assert cells(page.versions_table, 6)[1] == ""
    window.undo_action.trigger()
    assert [(m.from_ref, m.to_ref) for m in unconfirmed_matches(window.project, 1, 2)] == [("三（七）19", "三（七）18")]
    assert [g.key for g in review.groups] == [UNCERTAIN]
    assert cells(page.versions_table, 6)[1] == "1处"
    window.redo_action.trigger()
    assert unconfirmed_matches(window.project, 1, 2) == []


def test_choosing_another_clause_or_none(window, qtbot, talk, revised_docx):
    page = imported(window, qtbot, revised_docx)
    review = page.review
    before = [(m.from_ref, m.to_ref, m.relation, m.confirmed) for m in stored_matches(window.project, 1, 2)]
    # the drafter says the old task 19 is the new task 17 (in fact the old 18): the question lists clauses
    talk.choices.append("三（七）17　17.激发学校办学活力")
    review.other_button.click()
    assert talk.questions[-1] == "第1稿“三（七）19”在第2稿中对应哪一条？"
    matches = stored_matches(window.project, 1, 2)
    assert ("三（七）19", "三（七）17", Relation.MODIFIED) in [(m.from_ref, m.to_ref, m.relation) for m in matches]
    assert (None, "三（七）18", Relation.INSERTED) in [(m.from_ref, m.to_ref, m.relation) for m in matches]
    window.undo_action.trigger()
    assert [(m.from_ref, m.to_ref, m.relation, m.confirmed) for m in stored_matches(window.project, 1, 2)] == before
    # or: no counterpart at all, deleted and inserted
    review.unmatched_button.click()
    pairs = [(m.from_ref, m.to_ref, m.relation) for m in stored_matches(window.project, 1, 2)]
    assert ("三（七）19", None, Relation.DELETED) in pairs and (None, "三（七）18", Relation.INSERTED) in pairs
    assert review.groups == []


def test_the_comparison_table_is_exported_and_read_back(window, qtbot, revised_docx, tmp_path):
    page = imported(window, qtbot, revised_docx)
    target = tmp_path / "对照表.docx"
    window.interaction.choices.append("仍然生成")  # past the check before generating
    job = page.export_comparison(target)
    assert "修改无对应意见" in window.interaction.questions[-1]
    qtbot.waitUntil(lambda: job.done, timeout=20000)
    assert job.error is None
    document = docx.Document(target)
    table = document.tables[0]
    header = [cell.text for cell in table.rows[0].cells]
    assert header == ["序号", "条款", "原条款", "修改后条款", "修改说明/依据意见"]
    rows = [[cell.text for i, cell in enumerate(row.cells) if i != 1] for row in table.rows[1:]]
    changed = [row for row in rows if "统筹安排资金" in row[2]]
    assert len(changed) == 1 and "每年划拨专门资金" in changed[0][1]
    assert "市财政局（采纳）" in changed[0][3]
    assert len(rows) == 7  # 2 modified, 1 new, 1 deleted, 1 merged, 1 reworded, 1 split; renumbering not listed
    struck = [run.text for cell in table.columns[2].cells for p in cell.paragraphs for run in p.runs
              if run.font.strike]
    assert "每年划拨专门" in "".join(struck)
    # a wrong suffix is refused in a sentence, nothing written
    assert page.export_comparison(tmp_path / "对照表.pdf") is None
    assert window.interaction.messages[-1] == "“对照表.pdf”须以 .docx 或 .xlsx 结尾。"


def test_a_file_that_is_not_a_draft_changes_nothing(window, qtbot, talk, tmp_path):
    bad = tmp_path / "坏文件.docx"
    bad.write_bytes(b"not a zip at all")
    page = imported(window, qtbot, bad)
    assert talk.messages == ["无法读取“坏文件.docx”：不是有效的 .docx 文件（文件已损坏，或并非 Word 文件）"]
    assert [v.number for v in window.project.versions()] == [1]
    assert page.pair() is None and page.changes_table.rowCount() == 0


def test_version_note_and_date_edited_in_the_list_and_undone(window, qtbot, revised_docx):
    page = imported(window, qtbot, revised_docx)
    page.versions_table.item(1, 1).setText("2023年4月20日")
    assert "2023年4月20日，根据反馈意见修改形成第2稿" in page.timeline.text()
    page.versions_table.item(1, 2).setText("吸收反馈意见，精简表述")
    assert window.project.versions()[1].note == "吸收反馈意见，精简表述"
    window.undo_action.trigger()
    assert window.project.versions()[1].note == "吸收第一轮反馈意见"
    assert cells(page.versions_table, 2)[1] == "吸收第一轮反馈意见"
    page.versions_table.item(1, 1).setText("四月下旬")
    assert window.interaction.messages[-1] == "日期“四月下旬”无法识别，请写成 2023-04-20 或 2023年4月20日。"
    assert cells(page.versions_table, 1)[1] == "2023年4月20日"


def test_the_ledger_shows_version_2_with_round_1_comments_on_the_matched_clauses(window, qtbot, revised_docx):
    imported(window, qtbot, revised_docx)
    window.show_page("ledger")
    ledger = window.ledger
    tree = ledger.tree_model
    assert tree.index_of("三（三）6").data() == "6.加强学前教育师资保障"  # the new task of version 2
    # 市财政局's comment was made on task 23 of version 1; version 2 calls it task 22
    ledger.set_filter(clause_ref="三（九）22")
    assert [c.unit_name for c in map(ledger.model.comment_at, range(ledger.model.rowCount()))] == ["市财政局"]
    assert tree.totals["三（九）22"][0] == 1 and tree.totals["三（九）23"][0] == 2
    # beside it, the clause it was made on: version 1's task 23
    assert ledger.current_comment().clause_ref == "三（九）23"
    assert "23.加强骨干教师孵化" in ledger.clause_view.toPlainText()
    # the split task 28 shows its comment on both pieces; the whole counts it once
    ledger.set_filter(clause_ref="三（十）28")
    assert ledger.model.rowCount() == 1 and ledger.current_comment().unit_name == "市考核办"
    assert tree.totals[tree.ALL][0] == window.project.statistics().comments_total == 32


def test_helpers():
    assert parse_day("2023/4/20").isoformat() == "2023-04-20" and parse_day("2023-13-01") is None
    from feedback.revision import char_diff

    old, new = diff_html(char_diff("到2023年底完成", "到2025年底基本完成"))
    assert "2023" in old and "line-through" in old and "2025" in new and "基本" in new


def test_a_read_only_project_is_compared_and_exported_but_not_changed(qtbot, tmp_path, demo_file):
    from feedback.outline import parse_lines
    from storage.versions import import_revision

    with Project.open(demo_file) as project:
        import_revision(project, parse_lines(revise_demo_lines(DEMO_DRAFT.read_text(encoding="utf-8").splitlines())))
    settings = AppSettings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(settings, ScriptedInteraction(), remember_layout=False)
    qtbot.addWidget(window)
    window.show()
    assert window.open_project(demo_file, read_only=True)
    window.show_page("versions")
    page = window.page("versions")
    assert page.pair() == (1, 2) and page.current_key() == UNCERTAIN  # what awaits confirmation comes first
    assert not page.import_button.isEnabled() and page.export_button.isEnabled()
    assert not any(b.isEnabled() for b in (page.confirm_button, page.correct_button, page.unmatch_button,
                                           page.confirm_all_button, page.note_button))
    assert not page.versions_table.item(1, 2).flags() & Qt.ItemFlag.ItemIsEditable
    assert page.import_revision(tmp_path / "任意.docx") is None
    window.close_project()
