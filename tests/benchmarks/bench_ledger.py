"""100,000 comments over 200 units and 300 clauses: insert, statistics, search, file size.

Search through the index is compared with a LIKE scan over the same data in the
same run. Targets: statistics under 200 ms; search under 50 ms and at least 20x
faster than the scan.

    .venv/bin/python tests/benchmarks/bench_ledger.py [--comments N]
"""
from __future__ import annotations

import argparse
import random
import statistics as stats_module
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from feedback.outline import parse_lines  # noqa: E402
from feedback.vocabulary import Disposition  # noqa: E402
from storage.project import Project  # noqa: E402

VERBS = ["加强", "完善", "推进", "规范", "落实", "优化", "健全", "提高", "明确", "增加"]
OBJECTS = ["校园安全管理", "资金统筹安排", "教师培训制度", "集团化办学", "校外培训机构", "课后服务质量",
           "职业教育专业结构", "双减政策", "思政课建设", "智慧校园建设", "学前教育普惠", "教研队伍建设",
           "考核督导机制", "家校协同育人", "校长选拔机制", "教师交流轮岗", "学位供给", "体育美育",
           "劳动教育实践", "评价改革"]
PHRASES = [verb + obj for verb in VERBS for obj in OBJECTS]  # 200 phrases: a query hits about 1% of comments


def make_draft(clause_count: int):
    lines = ["基准测试行动计划"]
    for part in range(1, clause_count // 30 + 2):
        lines.append(f"{'一二三四五六七八九十'[(part - 1) % 10]}、第{part}部分")
        for task in range(29):
            lines.append(f"{len(lines)}.任务{len(lines)}。{random.choice(PHRASES)}的具体措施。")
    return parse_lines(lines[: clause_count + 1])


def timed(function, repeat=5):
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        runs.append(time.perf_counter() - start)
    return stats_module.median(runs), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--comments", type=int, default=100_000)
    options = parser.parse_args()
    random.seed(7)
    folder = Path(tempfile.mkdtemp())
    draft = make_draft(300)
    project = Project.create(folder / "bench.yjt", draft)
    refs = [c.ref for c in project.clauses()]
    project.add_units([dict(name=f"测试单位{i:03d}", category=random.choice(["市级部门", "县区", "局属单位"]))
                       for i in range(200)])
    unit_ids = [u.id for u in project.units()]
    project.add_round(deadline=date(2023, 4, 12), recipients=unit_ids)
    dispositions = list(Disposition)
    items = []
    for i in range(options.comments):
        disposition = random.choice(dispositions)
        items.append(dict(round_number=1, unit_id=random.choice(unit_ids), clause_ref=random.choice(refs),
                          body=f"建议{random.choice(PHRASES)}，{random.choice(PHRASES)}，编号{i}。",
                          disposition=disposition,
                          reason="与现行政策口径一致" if disposition.needs_reason else "",
                          work_item="日常管理工作" if disposition is Disposition.IN_WORK else ""))
    start = time.perf_counter()
    project.add_comments(items)
    insert_seconds = time.perf_counter() - start

    stats_seconds, stats = timed(lambda: project.statistics(today=date(2023, 5, 1)))
    assert stats.comments_total == options.comments

    query = "规范校外培训机构"
    from storage.search import match_expression

    index_seconds, hits = timed(lambda: [r[0] for r in project.db.execute(
        "SELECT rowid FROM comments_search WHERE comments_search MATCH ? ORDER BY rowid",
        [match_expression(query)])], repeat=9)
    facade_seconds, facade_hits = timed(lambda: project.comment_ids(query=query), repeat=9)
    assert sorted(facade_hits) == sorted(hits)
    scan_seconds, scanned = timed(lambda: [r[0] for r in project.db.execute(
        "SELECT id FROM comments WHERE body LIKE ? OR quoted_text LIKE ? OR proposed_wording LIKE ? "
        "OR reason LIKE ? OR work_item LIKE ? ORDER BY id", ["%" + query + "%"] * 5)], repeat=9)
    assert sorted(hits) == sorted(scanned), "index and scan disagree"
    short_seconds, short_hits = timed(lambda: project.comment_ids(query="安全"), repeat=9)
    rare_seconds, rare_hits = timed(lambda: project.search("编号99999", limit=50), repeat=9)
    project.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size_mb = (folder / "bench.yjt").stat().st_size / 1e6
    project.close()

    print(f"comments: {options.comments:,}  units: 200  clauses: {len(refs)}")
    print(f"insert (one transaction, with index): {insert_seconds:.2f} s")
    print(f"statistics: {stats_seconds * 1000:.1f} ms  (target < 200 ms)")
    print(f"search '{query}' via index: {index_seconds * 1000:.1f} ms for {len(hits):,} hits; "
          f"LIKE scan: {scan_seconds * 1000:.1f} ms; ratio scan/index: {scan_seconds / index_seconds:.1f}x "
          f"(target >= 20x)")
    print(f"search through the façade (ids of the filtered ledger): {facade_seconds * 1000:.1f} ms (target < 50 ms)")
    print(f"search '安全' (two characters) via index: {short_seconds * 1000:.1f} ms for {len(short_hits):,} hits")
    print(f"search a rare phrase: {rare_seconds * 1000:.1f} ms for {len(rare_hits)} hits")
    print(f"file size: {size_mb:.1f} MB")
    small_actions(folder, draft, refs)


def small_actions(folder: Path, draft, refs, count: int = 200) -> None:
    """One comment per action, as a drafter types them: the project's own setting (rollback
    journal deleted at each commit, synchronous=FULL: the file alone is whole after every action)
    against the write-ahead log it replaced (WAL, synchronous=NORMAL), in the same run."""
    import sqlite3

    def run(path: Path, wal: bool) -> float:
        project = Project.create(path, draft)
        project.add_units([dict(name="测试单位", category="市级部门")])
        project.add_round(recipients=[project.units()[0].id])
        if wal:
            project.db.execute("PRAGMA journal_mode = WAL")
            project.db.execute("PRAGMA synchronous = NORMAL")
        unit = project.units()[0].id
        start = time.perf_counter()
        for i in range(count):
            project.add_comment(round_number=1, unit_id=unit, clause_ref=random.choice(refs), body=f"意见{i}")
        seconds = time.perf_counter() - start
        project.close()
        return seconds

    ours = run(folder / "delete.yjt", wal=False)
    before = run(folder / "wal.yjt", wal=True)
    print(f"{count} one-comment actions: {ours / count * 1000:.2f} ms each (journal deleted, synced), "
          f"{before / count * 1000:.2f} ms with the write-ahead log; ratio {ours / before:.1f}x "
          f"(sqlite {sqlite3.sqlite_version})")


if __name__ == "__main__":
    main()
