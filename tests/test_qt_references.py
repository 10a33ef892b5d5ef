"""A day's work in the window does not wear out ``None``, ``True`` or ``False``.

PySide6 6.12.0 on CPython 3.11 dropped a reference to ``None`` on every call of a
void C++ method and to ``True`` on every signal emitted from Python, and the
interpreter aborted ("deallocating None") after some thousands of them; setup.cfg
keeps PySide6 below 6.12 for that. The day runs in a child process, so that such
an abort is a failed test and not a lost test run.
"""
import os
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("PySide6")

from tests.conftest import ROOT  # noqa: E402

A_DAY = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QObject, Signal
    from PySide6.QtWidgets import QApplication, QLabel, QProgressDialog

    from ui.jobs import run_job

    app = QApplication([])
    before = {name: sys.getrefcount(value) for name, value in (("None", None), ("True", True), ("False", False))}

    # a day of background jobs: imports and exports of 100,000 rows report their progress row by row
    jobs = []
    for _ in range(3):
        def work(progress, rows=40_000):
            for done in range(rows):
                progress.step(done, rows)
            return rows
        jobs.append(run_job(None, "正在导入…", work, minimum_duration_ms=0))
    while not all(job.done for job in jobs):
        app.processEvents()

    # and of browsing: every comment shown sets texts, enables buttons, emits the window's own signals
    class Page(QObject):
        status = Signal(str)
        chosen = Signal(bool)

    page, label, seen = Page(), QLabel(), []
    page.status.connect(label.setText)
    page.chosen.connect(label.setEnabled)
    for i in range(60_000):
        label.setText("意见")
        label.setEnabled(i % 2 == 0)
        page.status.emit("已保存")
        page.chosen.emit(True)
        page.chosen.emit(False)
    after = {name: sys.getrefcount(value) for name, value in (("None", None), ("True", True), ("False", False))}
    lost = {name: before[name] - after[name] for name in before if sys.version_info < (3, 12)}
    print("done", sum(job.result for job in jobs), lost)
    assert all(count < 1000 for count in lost.values()), lost
""")


def test_a_day_of_job_progress_and_void_calls():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", A_DAY], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("done 120000")
