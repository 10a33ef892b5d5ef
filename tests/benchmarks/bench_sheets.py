"""Spreadsheet speed: ledger export, collecting forms, public comments with duplicate grouping.

    python tests/benchmarks/bench_sheets.py [ledger|collect|public|all] [--rows N]

Each part runs in its own process (so its peak memory is its own) and prints its
time, the baseline measured in the same run, the ratio and the peak memory:
  ledger   100,000-row ledger vs openpyxl write-only writing the same cells bare (target ≤ 1.3×)
  collect  100 returned forms of 1,000 rows each (target < 20 s)
  public   100,000-row public-comment sheet with duplicate grouping (target < 30 s)
"""
from __future__ import annotations

import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
DEMO_DRAFT = ROOT / "assets" / "demo" / "汉中市提高教育质量三年行动计划（征求意见稿）.txt"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _project(folder: Path, units: int = 100):
    from feedback.outline import parse_lines
    from storage.project import Project

    project = Project.create(folder / "bench.yjt", parse_lines(DEMO_DRAFT.read_text(encoding="utf-8").splitlines()),
                             title="汉中市提高教育质量三年行动计划")
    project.add_units([dict(name=f"市测试单位{i:03d}", category="市级部门") for i in range(units)])
    project.add_round(deadline=date(2023, 4, 12), recipients=[u.id for u in project.units()])
    return project


def _corpus() -> str:
    return DEMO_DRAFT.read_text(encoding="utf-8").replace("\n", "")


def bench_ledger(rows: int) -> None:
    from openpyxl import Workbook

    from exports.ledger_xlsx import export_ledger
    from feedback.vocabulary import Disposition

    folder = Path(tempfile.mkdtemp())
    project = _project(folder)
    rnd = random.Random(1)
    corpus = _corpus()
    refs = [c.ref for c in project.clauses()]
    units = [u.id for u in project.units()]

    def text(low, high):
        n = rnd.randint(low, high)
        k = rnd.randrange(len(corpus) - n)
        return corpus[k:k + n]

    project.add_comments(dict(round_number=1, unit_id=rnd.choice(units), clause_ref=rnd.choice(refs),
                              body=text(20, 120), proposed_wording=text(0, 60) if i % 2 else "",
                              disposition=Disposition.REJECTED if i % 3 == 0 else Disposition.ADOPTED,
                              reason=text(10, 40) if i % 3 == 0 else "", handler="起草组", decided_on=date(2023, 4, 20))
                         for i in range(rows))
    # the baseline: the same cell values, prepared beforehand, written bare
    values = []
    for c in project.comments():
        values.append([c.id, c.unit_name, c.category, c.clause_ref, c.body, c.proposed_wording or None,
                       c.disposition.label, c.reason or None, c.handler, c.decided_on.isoformat()])
    start = time.perf_counter()
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("bare")
    for row in values:
        ws.append(row)
    workbook.save(folder / "bare.xlsx")
    baseline = time.perf_counter() - start
    del values, workbook, ws
    start = time.perf_counter()
    count = export_ledger(project, folder / "ledger.xlsx", today=date(2023, 4, 27))
    ours = time.perf_counter() - start
    print(f"ledger: {count:,} rows  export {ours:.2f} s (query, styles, heights, safety included)  "
          f"bare write-only {baseline:.2f} s  ratio {ours / baseline:.2f}× (target ≤ 1.3×)  "
          f"peak memory {peak_mb():.0f} MB")
    project.close()


def bench_collect(forms: int, rows: int) -> None:
    from exports.forms import clause_options, collect_forms, write_forms
    from tests.fixtures.fill_forms import fill_form, sample_rows

    folder = Path(tempfile.mkdtemp())
    project = _project(folder, units=forms)
    options = [o for o, _, _ in clause_options(project.clauses())]
    files = write_forms(project, folder / "forms", blank=False, answer_rows=20)
    for index, path in enumerate(files):
        fill_form(path, sample_rows(rows, options, seed=index))
    start = time.perf_counter()
    reports = collect_forms(project, [folder / "forms"], received_on=date(2023, 4, 10))
    elapsed = time.perf_counter() - start
    taken = sum(r.comments for r in reports)
    assert all(r.status == "imported" for r in reports), [r.message for r in reports if not r.taken][:3]
    # the baseline: openpyxl only loading the same files
    from openpyxl import load_workbook

    start = time.perf_counter()
    for path in files:
        load_workbook(path)
    loading = time.perf_counter() - start
    print(f"collect: {len(reports)} forms × {rows:,} rows = {taken:,} comments  {elapsed:.2f} s (target < 20 s)  "
          f"openpyxl loading alone {loading:.2f} s  ratio {elapsed / loading:.2f}×  peak memory {peak_mb():.0f} MB")
    project.close()


def bench_public(rows: int) -> None:
    from openpyxl import Workbook, load_workbook

    from exports.public_comments import import_public_comments

    folder = Path(tempfile.mkdtemp())
    project = _project(folder, units=1)
    rnd = random.Random(5)
    corpus = _corpus()
    heads = ["建议", "希望", "我认为", "关于这一条，建议", "强烈建议", "作为家长，建议", "作为教师，希望", "请考虑"]
    tails = ["。", "，谢谢！", "，望采纳。", "！", ""]

    def unique():
        parts = []
        for _ in range(rnd.randint(1, 3)):
            n = rnd.randint(6, 30)
            k = rnd.randrange(len(corpus) - n)
            parts.append(corpus[k:k + n])
        return rnd.choice(heads) + "，".join(parts) + rnd.choice(tails)

    campaign = unique()
    templates = [unique() for _ in range(50)]
    refs = [c.ref for c in project.clauses()]
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("留言")
    ws.append(["序号", "网名", "留言内容", "涉及条款", "留言时间"])
    for i in range(rows):
        r = rnd.random()
        if r < 0.1:
            text = campaign
        elif r < 0.4:
            chars = list(rnd.choice(templates))
            chars[rnd.randrange(len(chars))] = rnd.choice("的了和与及")
            text = "".join(chars)
        else:
            text = unique()
        ws.append([i + 1, f"网友{i}", text, rnd.choice(refs) if i % 4 == 0 else "", f"2023-04-{1 + i % 9:02d}"])
    path = folder / "网上意见.xlsx"
    workbook.save(path)
    start = time.perf_counter()
    for _ in load_workbook(path, read_only=True)["留言"].iter_rows(values_only=True):
        pass
    reading = time.perf_counter() - start
    start = time.perf_counter()
    report = import_public_comments(project, path, create_round=True)
    elapsed = time.perf_counter() - start
    print(f"public: {report.submissions:,} submissions → {report.comments:,} comments (largest {report.largest_group:,})  "
          f"{elapsed:.2f} s (target < 30 s)  openpyxl reading alone {reading:.2f} s  ratio {elapsed / reading:.2f}×  "
          f"peak memory {peak_mb():.0f} MB")
    project.close()


def main(argv: list[str]) -> None:
    part = argv[0] if argv else "all"
    rows = int(argv[argv.index("--rows") + 1]) if "--rows" in argv else 100_000
    if part == "all":
        for name in ("ledger", "collect", "public"):
            subprocess.run([sys.executable, __file__, name, "--rows", str(rows)], check=True)
    elif part == "ledger":
        bench_ledger(rows)
    elif part == "collect":
        bench_collect(100, max(rows // 100, 1))
    elif part == "public":
        bench_public(rows)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
