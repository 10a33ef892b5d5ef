"""The window around the ledger: opening files, a second instance, backups, pages, jobs, start-up."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import logging  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
import time  # noqa: E402
from datetime import date  # noqa: E402

import pytest  # noqa: E402

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtWidgets import QApplication, QPushButton  # noqa: E402

from feedback.commands import ScriptedInteraction  # noqa: E402
from feedback.vocabulary import Disposition, ReplyState  # noqa: E402
from storage.project import Project  # noqa: E402
from ui.jobs import JobCancelled, run_job  # noqa: E402

DRAFT = ["某市推进教育数字化行动方案（征求意见稿）", "一、总体要求", "坚持应用为王。", "二、重点任务",
         "1.建设智慧校园。到2025年建成50所。（牵头单位：市教育局；责任单位：市财政局、市工信局）",
         "2.培养数字教师。（牵头单位：市教育局；责任单位：市人社局）"]


def test_second_instance_is_offered_read_only(make_window, demo_file):
    first = make_window()
    assert first.open_project(demo_file)
    talk = ScriptedInteraction(choices=["以只读方式打开"])
    second = make_window(talk)
    assert second.open_project(demo_file)
    assert "只读" in talk.questions[0] and "database is locked" not in talk.questions[0]
    assert second.project.read_only
    assert "只读" in second.windowTitle()
    assert not second.ledger.panel.editor.isEnabled()
    assert not any(a.isEnabled() for a in second.disposition_actions)
    assert not second.enter_action.isEnabled() and not second.restore_action.isEnabled()
    second.ledger.table.setFocus()
    second.ledger.set_disposition(Disposition.PENDING)
    assert second.project.comment(1).disposition is Disposition.ADOPTED
    second.show_page("units")
    assert not any(b.isEnabled() for b in second.page("units").reply_buttons)


def test_second_instance_can_decline(make_window, demo_file):
    first = make_window()
    first.open_project(demo_file)
    talk = ScriptedInteraction(choices=[None])
    second = make_window(talk)
    assert not second.open_project(demo_file)
    assert second.project is None and second.current_page() == "start"


def test_a_file_that_is_not_a_project_gives_a_sentence(make_window, tmp_path):
    bad = tmp_path / "笔记.yjt"
    bad.write_text("不是数据库", encoding="utf-8")
    talk = ScriptedInteraction()
    window = make_window(talk)
    assert not window.open_project(bad)
    assert talk.messages == ["“笔记.yjt”不是意见通项目文件。"]


def test_recent_files_and_the_start_page(make_window, demo_file, settings, tmp_path):
    window = make_window()
    assert window.current_page() == "start"
    window.open_project(demo_file)
    assert settings.recent_files()[0] == str(demo_file.resolve())
    window.close_project_to_start()
    assert window.current_page() == "start"
    assert window.start_page.recent.count() == 1
    window.start_page.recent_chosen.emit(str(demo_file))
    assert window.project is not None and window.current_page() == "ledger"
    for i in range(12):
        settings.add_recent(tmp_path / f"p{i}.yjt")
    assert len(settings.recent_files()) == 10


def test_restore_backup_lists_dated_backups(make_window, demo_file):
    talk = ScriptedInteraction()
    window = make_window(talk)
    window.open_project(demo_file)  # opening made a backup of the file as it was
    window.ledger.select_comment(1)
    window.ledger.set_disposition(Disposition.PENDING)
    assert window.project.comment(1).disposition is Disposition.PENDING
    window.restore_action.trigger()
    question, = [q for q in talk.questions if "备份" in q and "选择" in q]
    assert window.project.comment(1).disposition is Disposition.ADOPTED
    assert window.project.path == demo_file
    labels = [q for q in talk.questions if "替换" in q]
    assert labels and str(date.today().year) in labels[0]


def test_statistics_page_is_built_when_first_shown(make_window, demo_file, tmp_path, qtbot):
    window = make_window()
    window.open_project(demo_file)
    assert window.pages["statistics"] is None
    window.show_page("statistics")
    page = window.pages["statistics"]
    stats = window.project.statistics(today=date.today())
    assert page.figures["total"].value.text() == str(stats.comments_total)
    assert page.figures["consulted"].value.text() == str(sum(stats.units_consulted.values()))
    assert page.sentence.toPlainText() == stats.sentence
    chart = page.charts["dispositions"]
    assert [(b.label, b.values[0]) for b in chart.bars][:4] == [
        (d.label, stats.by_disposition[d.label]) for d in
        (Disposition.ADOPTED, Disposition.PARTLY_ADOPTED, Disposition.REJECTED, Disposition.IN_WORK)]
    assert len(page.charts["clauses"].bars) == min(20, len(stats.by_clause))
    target = page.export_chart("replies", str(tmp_path / "反馈情况.png"))
    image = QImage(str(target))
    assert not image.isNull() and image.width() == 1800
    page.copy_button.click()
    assert QApplication.clipboard().text() == stats.sentence

    window.show_page("ledger")  # a change while the page is hidden shows when it comes back
    window.ledger.select_comment(1)
    window.ledger.set_disposition(Disposition.PENDING)
    window.show_page("statistics")
    assert page.figures["pending"].value.text() == "1"


def test_units_page_records_no_comments_and_undoes(make_window, demo_file):
    window = make_window()
    window.open_project(demo_file)
    today = date.today()
    overdue = next(r for r in window.project.replies(1, today=today) if r.state is ReplyState.OVERDUE)
    window.show_page("units")
    page = window.page("units")
    page.select_cell(1, overdue.unit_id)
    total_row = page.summary.rowCount() - 1
    assert page.summary.horizontalHeaderItem(4).text() == ReplyState.OVERDUE.label
    before = [int(page.summary.item(total_row, c).text()) for c in (3, 4)]
    page.reply_buttons[0].click()
    with Project.open(demo_file, read_only=True) as other:
        state = {r.unit_id: r.state for r in other.replies(1, today=today)}[overdue.unit_id]
    assert state is ReplyState.NO_COMMENTS
    after = [int(page.summary.item(total_row, c).text()) for c in (3, 4)]
    assert after == [before[0] + 1, before[1] - 1]
    window.undo_action.trigger()
    state = {r.unit_id: r.state for r in window.project.replies(1, today=today)}[overdue.unit_id]
    assert state is ReplyState.OVERDUE


def test_entering_comments_through_the_dialog(make_window, demo_file, qtbot):
    from ui.comment_dialog import CommentEntryDialog

    window = make_window()
    window.open_project(demo_file)
    project = window.project
    unit = next(u for u in project.units() if u.name == "市财政局")
    dialog = CommentEntryDialog(project.rounds(), project.units(), project.draft(), round_number=1,
                                unit_id=unit.id, find_units=project.find_units, parent=window)
    qtbot.addWidget(dialog)
    dialog.clause.set_ref("三（二）3")
    dialog.body.setPlainText("建议明确学位供给的统计口径。")
    dialog.add_current()
    assert dialog.table.rowCount() == 1 and dialog.body.toPlainText() == ""
    dialog.clause.set_ref("总体意见")
    dialog.body.setPlainText("建议补充资金来源。")
    dialog.accept()  # what is still in the form is taken along
    items = dialog.items()
    assert [(i["clause_ref"], i["unit_id"]) for i in items] == [("三（二）3", unit.id), ("总体意见", unit.id)]
    from feedback.commands import AddComments

    change = window.bridge.run(AddComments(project, items))
    assert window.ledger.model.rowCount() == 34
    assert window.ledger.tree_model.totals["三（二）3"][0] == 3
    with Project.open(demo_file, read_only=True) as other:
        assert other.comment(change.ids[0]).body == "建议明确学位供给的统计口径。"
    window.undo_action.trigger()
    assert window.ledger.model.rowCount() == 32


def test_pasting_a_letter_splits_it(make_window, demo_file, qtbot):
    from ui.comment_dialog import CommentEntryDialog, LetterSplitDialog, letters_module

    if letters_module() is None:
        pytest.skip("the letter splitter is not available")
    window = make_window()
    window.open_project(demo_file)
    project = window.project
    letter = ("市教育局：\n经研究，提出以下意见：\n"
              "一、第4条“市、县财政部门每年划拨专门资金”，建议修改为“统筹安排资金”。\n"
              "二、建议文稿整体压缩篇幅。\n特此函复。\n汉中市财政局\n2023年4月11日")
    split_dialog = LetterSplitDialog(project.draft(), window)
    qtbot.addWidget(split_dialog)
    split_dialog.letter.setPlainText(letter)
    split_dialog.run_split()
    comments = split_dialog.comments()
    assert [c["clause_ref"] for c in comments] == ["三（二）4", "总体意见"]
    entry = CommentEntryDialog(project.rounds(), project.units(), project.draft(), round_number=1,
                               find_units=project.find_units, parent=window)
    qtbot.addWidget(entry)
    entry.take_split(split_dialog.split, comments)
    assert entry.unit.currentText() == "市财政局"
    assert len(entry.items()) == 2


def test_new_project_from_a_draft_reads_off_the_ui_thread(make_window, tmp_path, qtbot):
    source = tmp_path / "方案.txt"
    source.write_text("\n".join(DRAFT), encoding="utf-8")
    window = make_window()
    job = window.import_draft(source, tmp_path / "方案.yjt")
    qtbot.waitUntil(lambda: job.done, timeout=10000)
    assert window.project is not None and window.project.path == tmp_path / "方案.yjt"
    assert [c.ref for c in window.project.clauses()][:3] == ["一", "二", "二1"]
    assert window.ledger.tree_model.rowCount() == 1


def test_a_bad_draft_is_one_sentence_and_no_project(make_window, tmp_path, qtbot):
    source = tmp_path / "坏文件.docx"
    source.write_bytes(b"PK\x03\x04 not really a zip")
    talk = ScriptedInteraction()
    window = make_window(talk)
    job = window.import_draft(source, tmp_path / "坏.yjt")
    qtbot.waitUntil(lambda: job.done, timeout=10000)
    assert window.project is None and not (tmp_path / "坏.yjt").exists()
    assert len(talk.messages) == 1 and "坏文件.docx" in talk.messages[0] and "\n" not in talk.messages[0]


def test_a_long_job_reports_progress_and_can_be_cancelled(qtbot):
    steps = []
    outcome = []

    def long_job(progress):
        for i in range(2000):
            if not progress(i, 2000):
                raise JobCancelled
            steps.append(i)
            time.sleep(0.002)
        return "done"

    job = run_job(None, "正在导出…", long_job, on_done=outcome.append, on_cancel=lambda: outcome.append("cancelled"),
                  minimum_duration_ms=0)
    qtbot.waitUntil(lambda: len(steps) > 20 and job.dialog.isVisible(), timeout=5000)
    assert job.dialog.maximum() == 2000 and job.dialog.value() > 0
    cancel = next(b for b in job.dialog.findChildren(QPushButton) if b.text() == "取消")
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: job.done, timeout=5000)
    assert outcome == ["cancelled"] and len(steps) < 2000


def test_a_job_hands_back_its_result_or_its_error(qtbot):
    results, errors = [], []
    job = run_job(None, "正在生成…", lambda progress: sum(range(10)), on_done=results.append)
    qtbot.waitUntil(lambda: job.done, timeout=5000)
    failing = run_job(None, "正在生成…", lambda progress: 1 / 0, on_done=results.append, on_error=errors.append)
    qtbot.waitUntil(lambda: failing.done, timeout=5000)
    assert results == [45] and isinstance(errors[0], ZeroDivisionError)


def test_unexpected_errors_are_logged_and_shown(tmp_path, monkeypatch):
    from ui.logs import LOG_NAME, install_excepthook, log

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    shown = []
    install_excepthook(shown.append, tmp_path)
    try:
        raise RuntimeError("模拟的错误")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    for handler in list(log.handlers):
        if str(tmp_path) in getattr(handler, "baseFilename", ""):
            log.removeHandler(handler)
            handler.close()
    log_file = tmp_path / "logs" / LOG_NAME
    assert "模拟的错误" in shown[0] and str(log_file) in shown[0]
    text = log_file.read_text(encoding="utf-8")
    assert "Traceback" in text and "RuntimeError: 模拟的错误" in text


@pytest.mark.parametrize("page", ["ledger", "statistics"])
def test_run_renders_a_screenshot_of_the_demo(tmp_path, monkeypatch, page):
    import ui.app
    import ui.main_window
    from ui.logs import log

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(ui.app, "data_dir", lambda: tmp_path)
    monkeypatch.setattr(ui.main_window, "data_dir", lambda: tmp_path)
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path / "config"))
    shot = tmp_path / f"{page}.png"
    try:
        status = ui.app.run(None, demo=True, screenshot=str(shot), page=page)
    finally:
        for handler in list(log.handlers):
            if str(tmp_path) in getattr(handler, "baseFilename", ""):
                log.removeHandler(handler)
                handler.close()
    assert status == 0
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1440, 900)
    assert (tmp_path / ui.main_window.DEMO_FILE).is_file()
    logging.getLogger("yijiantong").handlers.clear()


def test_run_refuses_an_unknown_page():
    import ui.app

    assert ui.app.run(None, demo=True, screenshot=None, page="图表") == 2


def test_units_page_registry_and_a_new_round(make_window, demo_file, monkeypatch):
    from ui.units_page import RoundDialog, UnitDialog

    talk = ScriptedInteraction(texts=["高校"])
    window = make_window(talk)
    window.open_project(demo_file)
    window.show_page("units")
    page = window.page("units")
    units_before = len(window.project.units())

    def fill_unit(dialog):
        dialog.name.setText("市审计局")
        dialog.aliases.setText("汉中市审计局，审计局")
        return 1

    monkeypatch.setattr(UnitDialog, "exec", fill_unit)
    page.add_unit()
    added = window.project.find_units("汉中市审计局")
    assert [u.name for u in added] == ["市审计局"] and added[0].aliases == ["汉中市审计局", "审计局"]
    assert page.units_table.rowCount() == units_before + 1
    assert window.ledger.unit_filter.findData(added[0].id) >= 0  # the ledger's filter knows it at once

    page.add_category()
    assert "高校" in window.project.categories()

    monkeypatch.setattr(RoundDialog, "exec", lambda dialog: 1)
    page.add_round()
    rounds = window.project.rounds()
    assert [r.number for r in rounds] == [1, 2]
    assert len(window.project.replies(2)) == units_before + 1
    assert page.matrix.columnCount() == 3 + 2
    assert window.ledger.round_filter.findData(2) >= 0

    # each registry edit is one step on the window's undo stack
    assert window.bridge.stack.undoText() == "建立征求意见轮次"
    window.undo_action.trigger()
    assert [r.number for r in window.project.rounds()] == [1] and page.matrix.columnCount() == 3 + 1
    window.undo_action.trigger()
    assert "高校" not in window.project.categories()
    window.undo_action.trigger()
    assert not window.project.find_units("汉中市审计局") and page.units_table.rowCount() == units_before
    window.redo_action.trigger()
    assert window.project.find_units("汉中市审计局")[0].id == added[0].id


def test_remove_unit_is_refused_while_it_has_comments(make_window, demo_file):
    talk = ScriptedInteraction()
    window = make_window(talk)
    window.open_project(demo_file)
    window.show_page("units")
    page = window.page("units")
    name = window.project.comment(1).unit_name
    row = next(r for r in range(page.units_table.rowCount()) if page.units_table.item(r, 0).text() == name)
    page.units_table.setCurrentCell(row, 0)
    page.remove_unit()
    assert "不能删除" in talk.messages[-1]
    assert window.project.find_units(name)


def test_main_opens_the_demo_window_and_saves_a_screenshot(tmp_path):
    """The README's run command, as a process: main.py --demo draws the window (here to a PNG)."""
    import os
    import subprocess

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    shot = tmp_path / "window.png"
    result = subprocess.run([sys.executable, str(root / "main.py"), "--demo", "--screenshot", str(shot)],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert QImage(str(shot)).width() == 1440
    assert list((tmp_path / "data").rglob("*.yjt")), "the demo project is written to the user's data folder"
    missing = subprocess.run([sys.executable, str(root / "main.py"), str(tmp_path / "无此文件.yjt")],
                             capture_output=True, text=True, env=env, timeout=60)
    assert missing.returncode == 2 and "无此文件.yjt" in missing.stderr and "Traceback" not in missing.stderr


def test_without_a_screen_the_run_command_leaves_a_picture_of_the_window(tmp_path):
    """On a machine with no display, main.py --demo still opens the demo and says where its picture is."""
    import os
    import subprocess

    root = Path(__file__).resolve().parent.parent
    env = {key: value for key, value in os.environ.items()
           if key not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "config"))
    result = subprocess.run([sys.executable, str(root / "main.py"), "--demo"], capture_output=True, text=True,
                            env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "没有图形显示" in result.stdout and "已打开演示项目" in result.stdout
    pictures = list((tmp_path / "data").rglob("*.png"))
    assert len(pictures) == 1 and str(pictures[0]) in result.stdout
    assert QImage(str(pictures[0])).width() == 1440
    assert "propagateSizeHints" not in result.stderr


def test_without_a_screen_a_project_that_cannot_open_is_said_not_waited_on(tmp_path):
    """No display and a demo file that is not a project: the reason on stderr, exit 1, no message box left
    waiting for a click nobody can give."""
    import os
    import subprocess

    from ui.main_window import demo_path

    root = Path(__file__).resolve().parent.parent
    env = {key: value for key, value in os.environ.items()
           if key not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "config"))
    name = subprocess.run([sys.executable, "-c", "from ui.main_window import demo_path; print(demo_path())"],
                          capture_output=True, text=True, env=env, cwd=root, timeout=60).stdout.strip()
    assert name.startswith(str(tmp_path)) and Path(name).name == demo_path().name
    Path(name).parent.mkdir(parents=True, exist_ok=True)
    Path(name).write_bytes(b"PK\x03\x04 not a project" * 100)
    result = subprocess.run([sys.executable, str(root / "main.py"), "--demo"], capture_output=True, text=True,
                            env=env, timeout=60)
    assert result.returncode == 1, result.stderr
    assert "未能打开演示项目" in result.stdout and Path(name).name in result.stderr
    assert "Traceback" not in result.stderr
    logged = next((tmp_path / "data").rglob("yijiantong.log")).read_text(encoding="utf-8")
    assert "cannot open" in logged and "Traceback" in logged and "不是意见通项目文件" in logged
    shot = tmp_path / "start.png"
    result = subprocess.run([sys.executable, str(root / "main.py"), "--demo", "--screenshot", str(shot)],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 1 and Path(name).name in result.stderr and shot.is_file()


def test_display_problem_names_missing_x11_packages(monkeypatch):
    import ctypes

    import ui.app

    monkeypatch.setattr(sys, "platform", "linux")
    real = ctypes.CDLL
    monkeypatch.setattr(ctypes, "CDLL", lambda name, *a, **k: real("libc.so.6"))
    assert ui.app.display_problem({}) == "没有图形显示（未设置 DISPLAY）"

    def fake(name, *args, **kwargs):
        if "icccm" in name:
            raise OSError(name)
        return real("libc.so.6")

    monkeypatch.setattr(ctypes, "CDLL", fake)
    assert "libxcb-icccm4" in ui.app.display_problem({"DISPLAY": ":0"})
    assert ui.app.display_problem({}).startswith("没有图形显示（未设置 DISPLAY），并且缺少图形界面所需的系统库")
    assert "apt-get install libxcb-icccm4 安装" in ui.app.display_problem({})
    monkeypatch.setattr(ctypes, "CDLL", lambda name, *a, **k: real("libc.so.6"))
    assert ui.app.display_problem({"DISPLAY": ":0"}) is None


def test_fraction_reports_become_percent_and_stop_once_cancelled():
    from ui.jobs import JobCancelled, fraction_progress

    seen = []
    report = fraction_progress(lambda done, total: seen.append((done, total)) or len(seen) < 2)
    report(0.25, "正在写入")
    assert seen == [(25, 100)]
    with pytest.raises(JobCancelled):
        report(0.5, "正在写入")
