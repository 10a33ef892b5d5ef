"""The 表格 menu driven through the window: forms out and back, the ledger workbook, public comments."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import date  # noqa: E402

import pytest  # noqa: E402

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from openpyxl import load_workbook  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QDialogButtonBox  # noqa: E402

from exports.forms import HEADER_ROW, form_context, write_form  # noqa: E402
from exports.ledger_xlsx import LEDGER_SHEET  # noqa: E402
from feedback.commands import ScriptedInteraction  # noqa: E402
from feedback.vocabulary import Disposition, ReplyState, RoundMethod  # noqa: E402
from storage.intake import PUBLIC_UNIT_NAME  # noqa: E402
from storage.project import Project  # noqa: E402
from tests.fixtures.fill_forms import edit_cell, fill_form  # noqa: E402
from tests.fixtures.public_exports import CAMPAIGN, write_public_export  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.models import COLUMN_INDEX  # noqa: E402
from ui.settings import AppSettings  # noqa: E402

TASK4 = "三（二）4 加快教育信息化建设"
BEFORE_DEADLINE = date(2023, 4, 11)


class ScriptedFiles:
    """File and folder choosers with answers given in advance (None: the user cancelled)."""

    def __init__(self, folder=None, files=(), file=None, save=None):
        self.answers = {"folder": folder, "files": list(files), "file": file, "save": save}
        self.titles = []

    def folder(self, title, start):
        self.titles.append(title)
        return self.answers["folder"]

    def open_files(self, title, start, filters):
        self.titles.append(title)
        return self.answers["files"]

    def open_file(self, title, start, filters):
        self.titles.append(title)
        return self.answers["file"]

    def save_file(self, title, suggestion, filters):
        self.titles.append(title)
        return self.answers["save"]


def run(window, qtbot, action, files):
    """Trigger a menu action with scripted file choosers and wait for its job."""
    window.sheets.files = files
    window.sheets.job = None
    action.trigger()
    assert window.sheets.job is not None, "the action started no job"
    qtbot.waitUntil(lambda: window.sheets.job.done, timeout=60000)
    return window.sheets.job


def export_forms(window, qtbot, folder):
    job = run(window, qtbot, window.sheets.export_forms_action, ScriptedFiles(folder=folder))
    assert job.error is None
    return job.result


def report_rows(window):
    dialog = window.sheets.report_dialog
    assert dialog is not None and dialog.isVisible()
    return {row[0]: row for row in dialog.rows()}


def replies(path):
    with Project.open(path, read_only=True) as other:
        return {r.unit_name: r.state for r in other.replies(1, today=BEFORE_DEADLINE)}


def test_forms_go_out_and_come_back_through_the_menu(window, qtbot, talk, tmp_path, demo_file):
    forms = tmp_path / "反馈表"
    files = export_forms(window, qtbot, forms)
    units = window.project.units()
    assert len(files) == len(units) + 1  # every recipient, and a blank form for units outside the registry
    assert (forms / "宁强县—行动计划—反馈表.xlsx").is_file()
    assert (forms / "空白—行动计划—反馈表（名单外单位填写）.xlsx").is_file()
    assert talk.questions[0] == "反馈表的形式："
    assert window.sheets.folder_button.isVisible() and window.sheets.last_output == forms
    assert str(len(files)) in window.statusBar().currentMessage()

    back = tmp_path / "返回"
    back.mkdir()
    fill_form(forms / "宁强县—行动计划—反馈表.xlsx", [(TASK4, "建议明确信息化建设的经费来源。", "", "便于落实"),
                                    ("总体意见", "建议压减任务数量。", "", "")], out=back / "宁强县.xlsx")
    fill_form(forms / "空白—行动计划—反馈表（名单外单位填写）.xlsx", no_comments=True, unit_name="汉中市镇巴县",
              out=back / "镇巴县（空白表）.xlsx")
    edit_cell(forms / "汉中市艺术学校—行动计划—反馈表.xlsx", f"C{HEADER_ROW}", "意见", out=back / "艺术学校.xlsx")
    ledger = window.ledger
    rows_before = ledger.model.rowCount()
    task4_before = ledger.tree_model.totals["三（二）4"][0]

    job = run(window, qtbot, window.sheets.collect_forms_action, ScriptedFiles(files=sorted(back.iterdir())))
    assert job.error is None
    assert "汉中市镇巴县" in next(q for q in talk.questions if "空白反馈表" in q)  # asked through the seam
    rows = report_rows(window)
    assert rows["宁强县.xlsx"][1:3] == ["宁强县", "已导入2条"]
    assert rows["镇巴县（空白表）.xlsx"][1:3] == ["镇巴县", "无意见"]
    assert "已识别为“镇巴县”" in rows["镇巴县（空白表）.xlsx"][3]
    assert rows["艺术学校.xlsx"][2:] == ["已拒收", "工作表“反馈意见”第6行表头被改动（C6 应为“意见建议”）"]
    assert "收取2个" in window.sheets.report_dialog.summary.text()

    assert ledger.model.rowCount() == rows_before + 2
    assert ledger.tree_model.totals["三（二）4"][0] == task4_before + 1
    states = replies(demo_file)
    assert (states["宁强县"], states["镇巴县"], states["汉中市艺术学校"]) == (
        ReplyState.WITH_COMMENTS, ReplyState.NO_COMMENTS, ReplyState.NONE)
    assert window.sheets.collect_forms_action.isEnabled() and window.disposition_actions[0].isEnabled()

    # the unit sends a changed form: replacing its answers is asked first, and “no” changes nothing
    fill_form(forms / "宁强县—行动计划—反馈表.xlsx", [(TASK4, "建议明确信息化建设的经费来源。", "", "便于落实")],
              out=back / "宁强县（修改）.xlsx")
    talk.confirmations[:] = [False]
    window.sheets.report_dialog.close()
    run(window, qtbot, window.sheets.collect_forms_action, ScriptedFiles(files=[back / "宁强县（修改）.xlsx"]))
    assert "已收集过" in talk.questions[-1] and "替换" in talk.questions[-1]
    assert report_rows(window)["宁强县（修改）.xlsx"][2] == "未导入"
    assert ledger.model.rowCount() == rows_before + 2


def test_a_rejected_file_leaves_the_project_unchanged(window, qtbot, tmp_path, demo_file):
    unit = next(u for u in window.project.units() if u.name == "宁强县")
    form = write_form(form_context(window.project), tmp_path / "forms" / "宁强县.xlsx", unit)
    bad = fill_form(form, [("三（二）4", "建议", "", "")], out=tmp_path / "宁强县.xlsx")
    edit_cell(bad, "D6", "建议")  # the layout tampered with: refused whole (an unknown clause only goes 待定位)
    before_states, before_stats = replies(demo_file), window.project.statistics(today=BEFORE_DEADLINE)
    rows_before = window.ledger.model.rowCount()

    run(window, qtbot, window.sheets.collect_forms_action, ScriptedFiles(files=[bad]))
    row = report_rows(window)["宁强县.xlsx"]
    assert row[2] == "已拒收" and "D6" in row[3] and "表头被改动" in row[3]
    assert window.ledger.model.rowCount() == rows_before
    assert replies(demo_file) == before_states
    with Project.open(demo_file, read_only=True) as other:
        assert other.statistics(today=BEFORE_DEADLINE) == before_stats
        assert other.db.execute("SELECT count(*) FROM collected_files").fetchone()[0] == 0
    assert "导入意见0条" in window.statusBar().currentMessage()


def test_the_ledger_workbook_is_the_filtered_view_or_everything(window, qtbot, talk, tmp_path):
    ledger = window.ledger
    ledger.set_filter(disposition=Disposition.REJECTED)
    shown = ledger.model.rowCount()
    assert 0 < shown < 32
    talk.choices[:] = []  # asked which comments, the first answer offered is the view
    view = tmp_path / "未采纳.xlsx"
    job = run(window, qtbot, window.sheets.export_ledger_action, ScriptedFiles(save=view))
    assert job.result == shown and talk.questions[-1] == "导出哪些意见？"
    sheet = load_workbook(view)[LEDGER_SHEET]
    assert sheet.max_row - 2 == shown and {sheet.cell(r, 7).value for r in range(3, sheet.max_row + 1)} == {"未采纳"}

    talk.choices[:] = ["全部32条"]
    everything = tmp_path / "全部"  # the suffix is added
    job = run(window, qtbot, window.sheets.export_ledger_action, ScriptedFiles(save=everything))
    assert job.result == 32 and load_workbook(tmp_path / "全部.xlsx")[LEDGER_SHEET].max_row == 34
    assert window.sheets.last_output == tmp_path


def import_public(window, qtbot, path, choose=None):
    """Through the menu: the file, the mapping dialog (``choose(dialog)`` sets columns), the import."""
    run(window, qtbot, window.sheets.import_public_action, ScriptedFiles(file=path))
    dialog = window.sheets.mapping_dialog
    assert dialog is not None and dialog.isVisible()
    if choose:
        choose(dialog)
    window.sheets.job = None
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: window.sheets.job is not None and window.sheets.job.done, timeout=60000)
    return dialog


def test_public_comments_through_the_mapping_dialog(window, qtbot, talk, tmp_path, demo_file, monkeypatch):
    from exports import public_comments

    path = write_public_export(tmp_path / "留言导出.xlsx")
    seen = {}
    reads = []
    table_rows = public_comments._table_rows
    monkeypatch.setattr(public_comments, "_table_rows", lambda *a, **k: reads.append(a[0]) or table_rows(*a, **k))

    def choose(dialog):
        seen["guessed"] = dialog.mapping()
        seen["rounds"] = [dialog.round_box.itemText(i) for i in range(dialog.round_box.count())]
        dialog.set_column("text", None)
        seen["refused"] = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
        dialog.set_column("text", "留言")
        dialog.set_column("clause", None)
        dialog.set_column("clause", "所涉部分")
        seen["header"] = dialog.preview.horizontalHeaderItem(2).text()
        seen["preview"] = dialog.preview.item(0, 2).text()

    rows_before = window.ledger.model.rowCount()
    import_public(window, qtbot, path, choose)
    assert seen["guessed"] == {"text": "留言", "submitter": "昵称", "clause": "所涉部分", "date": "时间"}
    assert reads == [path]  # read once for the preview; the import uses what was read
    assert seen["rounds"] == ["新建一轮（网上公开）", "第1轮（书面征求）"]
    assert seen["refused"] is False
    assert seen["header"] == "留言\n→ 意见内容" and seen["preview"] == CAMPAIGN
    message = talk.messages[-1]
    assert "502条网上意见" in message and "归并为2条意见" in message and "其中1组" in message and "501人次" in message
    assert window.ledger.model.rowCount() == rows_before + 2
    rounds = window.project.rounds()
    assert [r.method for r in rounds] == [RoundMethod.WRITTEN, RoundMethod.ONLINE]
    assert not window.ledger.table.isColumnHidden(COLUMN_INDEX["round"])
    assert window.ledger.round_filter.findData(2) >= 0
    with Project.open(demo_file, read_only=True) as other:
        group = next(c for c in other.comments(round_number=2) if c.submissions > 1)
        assert (group.unit_name, group.clause_ref, group.submissions) == (PUBLIC_UNIT_NAME, "三（四）8", 501)


def test_a_disposition_on_a_duplicate_group_applies_to_all_its_members(window, qtbot, talk, tmp_path, demo_file):
    import_public(window, qtbot, write_public_export(tmp_path / "留言.xlsx"))
    ledger = window.ledger
    ledger.set_filter(round_number=2)
    group_row = next(r for r in range(ledger.model.rowCount()) if ledger.model.comment_at(r).submissions > 1)
    group = ledger.model.comment_at(group_row)
    body = ledger.model.index(group_row, COLUMN_INDEX["body"])
    assert body.data().startswith("〔×501〕" + CAMPAIGN[:6])  # one entry with its count
    assert "501人次" in ledger.model.data(body, 3)  # the tooltip says the decision covers the group
    ledger.select_comment(group.id)
    assert ledger.panel.header.text().endswith("共501人次提出")
    ledger.table.setFocus()
    window.disposition_actions[0].trigger()  # 设为“采纳”
    with Project.open(demo_file, read_only=True) as other:
        members = other.db.execute(
            "SELECT c.disposition, count(*) FROM public_submissions s JOIN comments c ON c.id = s.comment_id "
            "WHERE s.comment_id = ? GROUP BY c.disposition", [group.id]).fetchall()
        assert members == [(Disposition.ADOPTED.value, 501)]
        assert other.statistics(2).by_disposition[Disposition.ADOPTED.label] == 1
    assert ledger.model.index(group_row, COLUMN_INDEX["disposition"]).data() == "采纳"


def test_a_broken_public_file_is_one_sentence_and_nothing_changes(window, qtbot, talk, tmp_path, demo_file):
    path = tmp_path / "留言.xlsx"
    path.write_bytes(bytes(range(256)) * 20)
    job = run(window, qtbot, window.sheets.import_public_action, ScriptedFiles(file=path))
    assert job.error is not None and window.sheets.mapping_dialog is None
    assert len(talk.messages) == 1 and "留言.xlsx" in talk.messages[0] and "\n" not in talk.messages[0]
    assert window.project.count_comments() == 32 and len(window.project.rounds()) == 1


def test_the_menu_follows_the_project(qtbot, tmp_path, demo_file):
    settings = AppSettings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(settings, ScriptedInteraction(), remember_layout=False)
    qtbot.addWidget(window)
    sheets = window.sheets
    assert not any(a.isEnabled() for a in sheets.project_actions)
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "表格(&S)")
    assert [a.text() for a in menu.actions() if a.text()] == ["导出反馈表…", "收集反馈表…", "导入公众意见…",
                                                                "导出汇总表…"]
    assert window.open_project(demo_file, read_only=True)
    assert sheets.export_ledger_action.isEnabled()
    assert not any(a.isEnabled() for a in sheets.edit_actions)
    window.close_project()


def test_cancelling_a_collection_while_it_asks_writes_nothing(window, qtbot, talk, tmp_path, demo_file):
    unit = next(u for u in window.project.units() if u.name == "宁强县")
    context = form_context(window.project)
    filled = fill_form(write_form(context, tmp_path / "宁强县.xlsx", unit), [(TASK4, "建议", "", "")])
    blank = fill_form(write_form(context, tmp_path / "空白.xlsx"), no_comments=True, unit_name="汉中市镇巴县")
    seen = {}

    def confirm(question):  # asked on the UI thread while the job waits: the user cancels there
        seen["close refused"] = not window.close()
        seen["editing off"] = not any(a.isEnabled() for a in window.disposition_actions)
        window.sheets.job.cancel()
        return True

    talk.confirm = confirm
    job = run(window, qtbot, window.sheets.collect_forms_action, ScriptedFiles(files=[filled, blank]))
    assert job.cancelled.is_set() and job.result is None and window.sheets.report_dialog is None
    assert seen == {"close refused": True, "editing off": True}
    assert window.project is not None and window.disposition_actions[0].isEnabled()
    assert "未作改动" in window.statusBar().currentMessage()
    with Project.open(demo_file, read_only=True) as other:
        assert other.count_comments() == 32
        assert other.db.execute("SELECT count(*) FROM collected_files").fetchone()[0] == 0

