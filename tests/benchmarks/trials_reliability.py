"""Reliability trials of the project file, run on demand (the mounts need root):

1. kill -9 at random moments while comments are saved one action at a time: the .yjt copied
   alone right after must hold every comment reported saved, pass SQLite's integrity check,
   and the crashed file must open again;
2. kill -9 inside a large action, then an older copy put over the crashed file: the copy must
   open intact (the crashed action's journal never replayed onto it);
3. a full disk (a small tmpfs): saving stops with one Chinese sentence naming the file, the
   file stays whole, no empty backup is listed;
4. a read-only place (the tmpfs remounted read-only): reading commands work, writing ones say so.

    python tests/benchmarks/trials_reliability.py [--kills 40]
"""
from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from feedback.outline import parse_lines  # noqa: E402
from storage.backups import list_backups  # noqa: E402
from storage.project import Project, ProjectError  # noqa: E402
from ui.cli import run  # noqa: E402

DRAFT = ["某市优化营商环境三年行动方案", "一、总体要求", "1.坚持问题导向。", "二、重点任务", "2.压减审批时限。"]

SAVER = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from storage.project import Project
    project = Project.open({path!r}, backup={backup})
    unit = project.units()[0].id
    i = 0
    while True:
        i += 1
        project.add_comment(round_number=1, unit_id=unit, clause_ref="总体意见", body=f"第{{i}}条意见" * 20)
        print(i, flush=True)
""")

BIG_ACTION = textwrap.dedent("""
    import os, signal, sys, random
    sys.path.insert(0, {root!r})
    from storage.project import Project
    project = Project.open({path!r}, backup=False)
    project.db.execute("PRAGMA cache_size = 5")
    unit = project.units()[0].id
    with project.transaction():
        for i in range({rows}):
            project.db["comments"].insert(dict(round_id=1, unit_id=unit, clause_ref="总体意见",
                                               body="未提交" * 30, created_at="2024-03-02"))
        os.kill(os.getpid(), signal.SIGKILL)
""")


def new_project(path: Path, comments: int = 0) -> None:
    project = Project.create(path, parse_lines(DRAFT))
    project.add_units([dict(name="市发展改革委", category="市级部门")])
    project.add_round(sent_on=date(2024, 3, 1), deadline=date(2024, 3, 15), recipients=[project.units()[0].id])
    if comments:
        project.add_comments([dict(round_number=1, unit_id=project.units()[0].id, clause_ref="总体意见",
                                   body=f"已有意见{i}") for i in range(comments)])
    project.close()


def comments_in(path: Path) -> int:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok", f"{path.name}: integrity"
        return conn.execute("SELECT count(*) FROM comments").fetchone()[0]
    finally:
        conn.close()


def kill_trials(folder: Path, count: int) -> None:
    """Comments reported saved must all be in the .yjt copied alone right after the kill, and in
    the file once reopened. A kill in the middle of a commit leaves the action's journal beside
    the file: the copy may then hold part of that unfinished action, which reopening rolls back."""
    path = folder / "kill.yjt"
    new_project(path)
    committed = 0
    short_copies = lost = damaged = reopen_failures = in_flight = hot = 0
    rng = random.Random(1)
    for trial in range(count):
        child = subprocess.Popen([sys.executable, "-c", SAVER.format(root=str(ROOT), path=str(path),
                                                                    backup=trial % 3 == 0)],
                                 stdout=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(0.3, 1.2))
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        reported = committed + ([int(line) for line in child.stdout.read().split()] or [0])[-1]
        hot += Path(str(path) + "-journal").exists()
        copy = folder / "copy.yjt"
        shutil.copy(path, copy)  # the file alone, as it is mailed or backed up
        try:
            in_copy = comments_in(copy)
        except (AssertionError, sqlite3.DatabaseError):
            damaged += 1
            in_copy = None
        try:
            Project.open(path, backup=False).close()  # the crashed file opened again: recovered
        except ProjectError:
            reopen_failures += 1
        after = comments_in(path)
        lost += max(0, reported - after)
        if in_copy is not None:
            short_copies += in_copy < reported
            in_flight += in_copy > after
        committed = after
    print(f"kill -9 during saving: {count} trials, {committed} comments saved; comments reported saved but "
          f"missing from the file alone right after the kill: {short_copies} trials; missing once reopened: "
          f"{lost}; damaged copies: {damaged}; crashed file not reopening: {reopen_failures}; "
          f"killed inside a commit (journal left): {hot}, of which the copy held part of the unfinished "
          f"action: {in_flight}")


def journal_trials(folder: Path, count: int) -> None:
    damaged = wrong = set_aside = 0
    for trial in range(count):
        path = folder / f"journal{trial}.yjt"
        new_project(path, comments=5)
        older = folder / f"older{trial}.yjt"
        shutil.copy(path, older)
        with Project.open(path, backup=False) as project:
            project.add_comments([dict(round_number=1, unit_id=project.units()[0].id, clause_ref="总体意见",
                                       body=f"后来的意见{i}" * 10) for i in range(30 + trial)])
        subprocess.run([sys.executable, "-c", BIG_ACTION.format(root=str(ROOT), path=str(path),
                                                                rows=2000 + 100 * trial)])
        shutil.copy(older, path)
        try:
            with Project.open(path) as project:
                set_aside += bool(project.notices)
                if len(project.comments()) != 5:
                    wrong += 1
            comments_in(path)
        except (AssertionError, sqlite3.DatabaseError, ProjectError):
            damaged += 1
    print(f"kill -9 inside a large action, then an older copy put back: {count} trials; damaged: {damaged}; "
          f"wrong content: {wrong}; stray journal set aside: {set_aside}")


@contextlib.contextmanager
def tmpfs(folder: Path, size: str):
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)])


def quiet(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        status = run(argv)
    return status, err.getvalue().strip()


def disk_full_trial(folder: Path) -> None:
    with tmpfs(folder / "full", "2m") as disk:
        path = disk / "项目.yjt"
        new_project(path, comments=3)
        saved = 3
        message = ""
        project = Project.open(path)
        try:
            for i in range(10_000):
                project.add_comment(round_number=1, unit_id=project.units()[0].id, clause_ref="总体意见",
                                    body=f"第{i}条意见" * 300)
                saved += 1
        except ProjectError as error:
            message = str(error)
        project.close()
        whole = comments_in(path) == saved
        project = Project.open(path)
        notices = project.notices
        project.close()
        empty = [p for p in list_backups(path) if p.stat().st_size == 0]
        status, err = quiet(["stats", str(path)])
        print(f"full disk: stopped after {saved} comments with “{message}”; file whole: {whole}; "
              f"opening again: {notices or '（备份已写出）'}; empty backups listed: {len(empty)}; "
              f"stats exit {status}")


def read_only_trial(folder: Path) -> None:
    with tmpfs(folder / "share", "4m") as share:
        path = share / "共享项目.yjt"
        new_project(path, comments=4)
        subprocess.run(["mount", "-o", "remount,ro", str(share)], check=True)
        results = {argv[0]: quiet(argv) for argv in (
            ["stats", str(path)], ["search", str(path), "意见"],
            ["explain", str(path), "--out", str(folder / "说明.docx")],
            ["units", str(path), "--import", str(folder / "名录.xlsx")],
            ["table", str(path), "--out", str(share / "表.docx")])}
        for command, (status, err) in results.items():
            print(f"read-only place: {command}: exit {status}" + (f" “{err}”" if err else ""))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=40)
    parser.add_argument("--journals", type=int, default=10)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    started = time.perf_counter()
    kill_trials(folder, options.kills)
    journal_trials(folder, options.journals)
    if os.name == "posix" and os.geteuid() == 0:
        disk_full_trial(folder)
        read_only_trial(folder)
    else:
        print("full-disk and read-only trials skipped: they mount small file systems and need root")
    print(f"all trials: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
