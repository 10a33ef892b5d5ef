"""Cold start of the app on the demo, to the first shown window, against a bare QMainWindow.

Each start is a new process: ``main.py --demo`` with ``YIJIANTONG_QUIT_WHEN_SHOWN=1``
(the app prints ``shown`` once its window is on screen and ``ready`` once the demo
project is open in it, then quits), and a tiny script that shows an empty PySide6
QMainWindow the same way. Times run from launching the process to reading each
line, so interpreter start-up and every import count. Target: the window on
screen within 1.5× the bare window; the time until the ledger is ready is
printed beside it.

Python's bytecode cache is used as on an installed copy (written to a temporary
folder, so the source tree stays clean), also where PYTHONDONTWRITEBYTECODE is set.

    .venv/bin/python tests/benchmarks/bench_startup.py [REPETITIONS]
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET = 1.5
BARE_WINDOW = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1440, 900)
window.show()

def shown():
    print("shown", flush=True)
    app.exit(0)

QTimer.singleShot(0, shown)
app.exec()
"""


def app_command() -> list[str]:
    """``main.py --demo`` once main.py starts the window; until then, the same call directly."""
    if "ui.app" in (ROOT / "main.py").read_text(encoding="utf-8"):
        return [sys.executable, str(ROOT / "main.py"), "--demo"]
    return [sys.executable, "-c", "import sys; from ui.app import run; "
            "sys.exit(run(None, demo=True, screenshot=None, page=None))"]


def time_to_window(command: list[str], env: dict[str, str]) -> dict[str, float]:
    """Seconds from launching ``command`` to each of its ``shown`` and ``ready`` lines."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True)
    marks = {}
    for line in process.stdout:
        word = line.split()[0] if line.split() else ""
        if word in ("shown", "ready"):
            marks[word] = time.perf_counter() - started
    process.stdout.close()
    if process.wait(timeout=60) != 0 or "shown" not in marks:
        raise SystemExit(f"{command[1]} did not show a window (exit status {process.returncode})")
    marks.setdefault("ready", marks["shown"])
    return marks


def _line(name: str, times: list[float]) -> str:
    return (f"{name:<22}: median {statistics.median(times) * 1000:6.0f} ms  "
            f"({', '.join(f'{t * 1000:.0f}' for t in times)})")


def main(repetitions: int = 7) -> int:
    home = tempfile.mkdtemp(prefix="yjt-bench-")
    env = dict(os.environ, YIJIANTONG_QUIT_WHEN_SHOWN="1", XDG_CONFIG_HOME=os.path.join(home, "config"),
               XDG_DATA_HOME=os.path.join(home, "data"), PYTHONPATH=str(ROOT),
               PYTHONPYCACHEPREFIX=os.path.join(home, "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if sys.platform.startswith("linux") and not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        env["QT_QPA_PLATFORM"] = "offscreen"
    app = app_command()
    bare = [sys.executable, "-c", BARE_WINDOW]
    # the first starts build the demo project, the bytecode cache and the file cache; they are not counted
    for _ in range(2):
        time_to_window(app, env)
        time_to_window(bare, env)
    bare_times, shown_times, ready_times = [], [], []
    for _ in range(repetitions):
        bare_times.append(time_to_window(bare, env)["shown"])
        marks = time_to_window(app, env)
        shown_times.append(marks["shown"])
        ready_times.append(marks["ready"])
    bare_median = statistics.median(bare_times)
    shown_ratio = statistics.median(shown_times) / bare_median
    ready_ratio = statistics.median(ready_times) / bare_median
    print(_line("bare QMainWindow shown", bare_times))
    print(_line("意见通 --demo shown", shown_times))
    print(_line("意见通 --demo ready", ready_times))
    verdict = "OK" if shown_ratio <= TARGET else "SLOWER THAN TARGET"
    print(f"ratio shown / bare    : {shown_ratio:.2f}× (target ≤ {TARGET}×) {verdict}")
    print(f"ratio ready / bare    : {ready_ratio:.2f}× (demo ledger filled and painted)")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 7))
