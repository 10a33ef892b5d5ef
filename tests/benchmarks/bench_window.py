"""The window on a 100,000-comment ledger, against the same window on the 32-comment demo.

Builds a project with ``--comments`` comments (default 100,000; as in
``bench_ledger.py``), opens it in the real main window (offscreen) and times
what a drafter does all day: open the project, filter by disposition, search,
jump to the last row, decide a comment, undo. The same steps on the demo
project are the baseline. A step that takes under 100 ms feels immediate; the
ledger loads comments page by page (lazy loading), so the 100,000-comment
figures should stay close to the demo's.

    .venv/bin/python tests/benchmarks/bench_window.py [--comments N]
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

from bench_ledger import PHRASES, make_draft  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from feedback.commands import ScriptedInteraction  # noqa: E402
from feedback.vocabulary import Disposition  # noqa: E402
from storage.demo import build_demo_project  # noqa: E402
from storage.project import Project  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.settings import AppSettings  # noqa: E402


def build_large(path: Path, comments: int) -> None:
    random.seed(7)
    project = Project.create(path, make_draft(300))
    refs = [c.ref for c in project.clauses()]
    project.add_units([dict(name=f"测试单位{i:03d}", category=random.choice(["市级部门", "县区", "局属单位"]))
                       for i in range(200)])
    unit_ids = [u.id for u in project.units()]
    project.add_round(deadline=date(2023, 4, 12), recipients=unit_ids)
    items = []
    for i in range(comments):
        disposition = random.choice(list(Disposition))
        items.append(dict(round_number=1, unit_id=random.choice(unit_ids), clause_ref=random.choice(refs),
                          body=f"建议{random.choice(PHRASES)}，编号{i}。", disposition=disposition,
                          reason="与现行政策口径一致" if disposition.needs_reason else "",
                          work_item="日常管理工作" if disposition is Disposition.IN_WORK else ""))
    project.add_comments(items)
    project.close()


def measure(app: QApplication, path: Path, query: str) -> dict[str, float]:
    settings = QSettings(str(path.with_suffix(".ini")), QSettings.Format.IniFormat)
    window = MainWindow(AppSettings(settings), ScriptedInteraction(), remember_layout=False)
    window.resize(1440, 900)
    window.show()
    app.processEvents()
    times: dict[str, float] = {}

    def step(name, action):
        start = time.perf_counter()
        action()
        app.processEvents()  # the repaint belongs to the step
        times[name] = (time.perf_counter() - start) * 1000

    page = window.ledger
    step("打开项目", lambda: window.open_project(path))
    times["rows"] = page.model.rowCount()
    step("按处理状态筛选", lambda: page.set_filter(disposition=Disposition.PENDING))
    step("取消筛选", lambda: page.set_filter(disposition=None))
    step("检索", lambda: page.set_filter(query=query))
    step("清除检索", lambda: page.set_filter(query=""))
    step("跳到最后一条", lambda: page.go_to_row(page.model.rowCount() - 1))
    current = window.project.comment(page._current_id).disposition
    target = Disposition.PENDING if current is Disposition.ADOPTED else Disposition.ADOPTED
    step("改处理结果", lambda: page.set_disposition(target))
    assert window.project.comment(page._current_id).disposition is target
    step("撤销", window.undo_action.trigger)
    window.close_project()
    window.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--comments", type=int, default=100_000)
    options = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    folder = Path(tempfile.mkdtemp())
    demo = folder / "demo.yjt"
    build_demo_project(demo).close()
    large = folder / "large.yjt"
    start = time.perf_counter()
    build_large(large, options.comments)
    print(f"built {options.comments:,} comments in {time.perf_counter() - start:.1f} s")

    baseline = measure(app, demo, "安全")
    heavy = measure(app, large, "规范校外培训机构")
    print(f"{'step':<14}{'demo (32)':>12}{f'{options.comments:,}':>12}{'ratio':>8}")
    for name in baseline:
        if name == "rows":
            continue
        ratio = heavy[name] / baseline[name] if baseline[name] else float("nan")
        print(f"{name:<14}{baseline[name]:>10.1f}ms{heavy[name]:>10.1f}ms{ratio:>8.1f}x")
    print(f"rows in the ledger: demo {baseline['rows']:.0f}, large {heavy['rows']:.0f}")
    print(f"slowest step on the large ledger: {max(v for k, v in heavy.items() if k != 'rows'):.0f} ms "
          f"(a step under 100 ms feels immediate; opening a project is once per session)")
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
