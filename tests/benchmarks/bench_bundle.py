"""The packaged app against the source run: start-up, a command, size, and the glibc it needs.

Uses the folder that ``assets/packaging/build.py`` left in ``build/package/dist/yijiantong``
(run the build first) and the archives in ``dist/``. Each start is a new process, timed from
launch to the window's ``shown``/``ready`` lines (``YIJIANTONG_QUIT_WHEN_SHOWN=1``, see
``bench_startup.py``) and to the end of ``--version`` and of ``stats`` on the demo. The baseline
is the same call through ``python main.py`` in this checkout, measured in the same run.
Target: the bundle starts no slower than 1.2× the source run.

    .venv/bin/python tests/benchmarks/bench_bundle.py [REPETITIONS]
"""
from __future__ import annotations

import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_startup import time_to_window

ROOT = Path(__file__).resolve().parents[2]
TARGET = 1.2


def _build_module():
    spec = importlib.util.spec_from_file_location("build", ROOT / "assets" / "packaging" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def time_run(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def _line(name: str, times: list[float]) -> str:
    return f"{name:<30}: median {statistics.median(times) * 1000:6.0f} ms  ({', '.join(f'{t * 1000:.0f}' for t in times)})"


def main(repetitions: int = 5) -> int:
    build = _build_module()
    app = build.BUILD / "dist" / build.NAME
    program = app / build.NAME
    if not program.is_file():
        print(f"no bundle at {app}: run assets/packaging/build.py first", file=sys.stderr)
        return 2
    home = Path(tempfile.mkdtemp(prefix="yjt-bench-bundle-"))
    env = dict(os.environ, XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"),
               PYTHONPATH=str(ROOT), PYTHONPYCACHEPREFIX=str(home / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if sys.platform.startswith("linux") and not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        env["QT_QPA_PLATFORM"] = "offscreen"
    bundle_env = {k: v for k, v in env.items() if not k.startswith("PYTHON") and k != "VIRTUAL_ENV"}
    source = [sys.executable, str(ROOT / "main.py")]
    bundle = [str(program)]
    project = home / "演示.yjt"
    subprocess.run([*source, "demo-project", str(project)], env=env, check=True, stdout=subprocess.DEVNULL)

    rows = {}
    for name, command, run_env in (("source", source, env), ("bundle", bundle, bundle_env)):
        window_env = dict(run_env, YIJIANTONG_QUIT_WHEN_SHOWN="1")
        for _ in range(2):  # warm the file cache and the bytecode cache; not counted
            time_to_window([*command, "--demo"], window_env)
        shown, ready, version, stats = [], [], [], []
        for _ in range(repetitions):
            marks = time_to_window([*command, "--demo"], window_env)
            shown.append(marks["shown"])
            ready.append(marks["ready"])
            version.append(time_run([*command, "--version"], run_env))
            stats.append(time_run([*command, "stats", str(project)], run_env))
        rows[name] = {"window shown": shown, "demo ready": ready, "--version": version, "stats": stats}
    for what in rows["source"]:
        for name in rows:
            print(_line(f"{name} {what}", rows[name][what]))
        ratio = statistics.median(rows["bundle"][what]) / statistics.median(rows["source"][what])
        print(f"{'ratio bundle / source':<30}: {ratio:.2f}×")
    shown_ratio = statistics.median(rows["bundle"]["window shown"]) / statistics.median(rows["source"]["window shown"])
    print(f"start-up target ≤ {TARGET}×: {'OK' if shown_ratio <= TARGET else 'SLOWER THAN TARGET'}")

    print(f"bundle folder                 : {build.folder_size(app) / 2**20:.0f} MB "
          f"({sum(1 for _ in app.rglob('*'))} files)")
    version = build.app_version()
    for archive in (build.DIST / f"{build.NAME}-{version}-linux-x86_64.tar.gz",
                    build.DIST / f"{build.NAME}_{version}_amd64.deb"):
        if archive.is_file():
            print(f"{archive.name:<30}: {archive.stat().st_size / 2**20:.0f} MB")
    glibc, needing = build.required_glibc(app)
    print(f"glibc needed                  : ≥ {'.'.join(map(str, glibc))} "
          f"({', '.join(str(p.relative_to(app)) for p in needing[:3])})")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5))
