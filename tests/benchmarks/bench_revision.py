"""Matching two versions of a 500-clause draft.

Baseline, measured in the same run: the naive way, comparing every old clause with
every new one by rapidfuzz (``fuzz.ratio`` in a double loop) and taking the best.
Target: under 1 s for the match. A second case rewords every task, so that almost
nothing matches word for word and every clause goes through the similarity pass.

A third part revises drafts of 20,000 paragraphs (a plan of numbered tasks, a regulation
of articles): the match, against the same match comparing every text character by
character (as before long texts were compared by sentence), and the whole ``revise``
command. Target: under 5 s for the match.

    .venv/bin/python tests/benchmarks/bench_revision.py [--skip-large]
"""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from rapidfuzz import fuzz, process  # noqa: E402

from feedback.outline import parse_lines  # noqa: E402
from feedback.revision import change_groups, char_diff, clause_body, comparison_key, match_clauses  # noqa: E402
from tests.fixtures.revised_drafts import large_draft_lines, large_draft_tasks, revise_large_draft  # noqa: E402
from timing import median_time  # noqa: E402




def naive_all_pairs(old, new):
    """Every old clause against every new one; the best-scoring new clause wins."""
    keys_new = [comparison_key(clause_body(c)) for c in new]
    best = []
    for clause in old:
        key = comparison_key(clause_body(clause))
        scores = [fuzz.ratio(key, other) for other in keys_new]
        best.append(max(range(len(scores)), key=scores.__getitem__))
    return best


def extract_all_pairs(old, new):
    """The same all-pairs comparison with rapidfuzz's own loop (``process.extractOne``)."""
    choices = [comparison_key(clause_body(c)) for c in new]
    return [process.extractOne(comparison_key(clause_body(c)), choices, scorer=fuzz.ratio)[2] for c in old]


def run_case(name, old, new, designed=None):
    matches = match_clauses(old.clauses, new.clauses)
    seconds = median_time(lambda: match_clauses(old.clauses, new.clauses), repeat=5)
    naive = median_time(lambda: naive_all_pairs(old.clauses, new.clauses), repeat=3)
    extract = median_time(lambda: extract_all_pairs(old.clauses, new.clauses), repeat=3)
    relations = Counter(m.relation.value for m in matches)
    unsure = sum(1 for m in matches if not m.confirmed)
    groups = Counter(g.relation.value for g in change_groups(matches) if g.relation.changed)
    print(f"[{name}] {len(old.clauses)} → {len(new.clauses)} clauses; pairs: "
          + ", ".join(f"{k} {v}" for k, v in sorted(relations.items())) + f"; unconfirmed {unsure}")
    print("  changes found:    " + ", ".join(f"{k} {v}" for k, v in sorted(groups.items())))
    if designed is not None:
        print("  changes designed: " + ", ".join(f"{k} {v}" for k, v in sorted(designed.items()))
              + ("  (all found)" if groups == designed else "  (DIFFERENT)"))
    print(f"  match_clauses: {seconds * 1000:.0f} ms (target < 1000 ms)")
    print(f"  baseline naive all-pairs fuzz.ratio loop: {naive * 1000:.0f} ms; ratio {seconds / naive:.2f}x")
    print(f"  all-pairs process.extractOne: {extract * 1000:.0f} ms; ratio {seconds / extract:.2f}x")
    return seconds


def paragraphs_of_plan(tasks: list[str]) -> list[str]:
    """A plan of 10 parts, 20 sections each, tasks numbered straight through."""
    from feedback.numerals import int_to_chinese

    lines, per_section = ["基准测试行动计划（征求意见稿）"], len(tasks) // 200
    for number, task in enumerate(tasks):
        if number % (per_section * 20) == 0:
            lines.append(f"{int_to_chinese(number // (per_section * 20) + 1)}、第{number // (per_section * 20) + 1}部分重点工作")
        if number % per_section == 0:
            lines.append(f"（{int_to_chinese(number // per_section % 20 + 1)}）第{number // per_section + 1}项工程")
        lines.append(f"{number + 1}.{task}")
    return lines


def paragraphs_of_regulation(tasks: list[str]) -> list[str]:
    """A regulation: chapters of 50 articles."""
    from feedback.numerals import int_to_chinese

    lines = ["某市基准管理办法（征求意见稿）"]
    for number, task in enumerate(tasks):
        if number % 50 == 0:
            lines.append(f"第{int_to_chinese(number // 50 + 1)}章　第{number // 50 + 1}部分")
        lines.append(f"第{int_to_chinese(number + 1)}条　{task}")
    return lines


def large_case(name: str, shape, paragraphs: int = 20_000) -> None:
    import random
    import tempfile

    import feedback.revision as revision
    from tests.fixtures.revised_drafts import _task_text
    from ui.cli import run

    rng = random.Random(5)
    tasks = [_task_text(rng, i + 1) for i in range(paragraphs)]
    revised = [t.replace("，", "，进一步", 1) if i % 8 == 0 else t for i, t in enumerate(tasks) if i % 97 != 3]
    old_lines, new_lines = shape(tasks), shape(revised)
    old, new = parse_lines(old_lines), parse_lines(new_lines)
    seconds = median_time(lambda: match_clauses(old.clauses, new.clauses), repeat=3)
    limit = revision._EXACT_LIMIT
    revision._EXACT_LIMIT = float("inf")  # every text character by character
    try:
        before = median_time(lambda: match_clauses(old.clauses, new.clauses), repeat=1)
    finally:
        revision._EXACT_LIMIT = limit
    folder = Path(tempfile.mkdtemp())
    (folder / "初稿.txt").write_text("\n".join(old_lines), encoding="utf-8")
    (folder / "修改稿.txt").write_text("\n".join(new_lines), encoding="utf-8")
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        run(["new", str(folder / "p.yjt"), "--draft", str(folder / "初稿.txt")])
        command = median_time(lambda: run(["revise", str(folder / "p.yjt"), "--draft", str(folder / "修改稿.txt")]),
                              repeat=1)
    print(f"[{name}] {len(old_lines):,} paragraphs → {len(old.clauses):,} clauses "
          f"(longest {max(len(c.text) for c in old.clauses):,} characters)")
    print(f"  match_clauses: {seconds:.2f} s (target < 5 s); every text character by character: {before:.2f} s; "
          f"ratio {seconds / before:.2f}x")
    print(f"  the whole revise command (read, match, check, save): {command:.2f} s")


def main() -> None:
    parts = large_draft_tasks(500)
    old = parse_lines(large_draft_lines(parts))
    revised, designed = revise_large_draft(parts)
    new = parse_lines(large_draft_lines(revised))
    characters = sum(len(clause_body(c)) for c in old.clauses)
    print(f"draft: {len(old.clauses)} clauses, {characters:,} characters", flush=True)
    run_case("typical revision", old, new, designed)

    reworded = [[[task.replace("，", "，并", 2) for task in tasks] for tasks in sections] for sections in parts]
    run_case("every task reworded", old, parse_lines(large_draft_lines(reworded)))

    texts = [(a.text, b.text) for a, b in zip(old.clauses, new.clauses)]
    diff_seconds = median_time(lambda: [char_diff(a, b) for a, b in texts], repeat=3)
    print(f"character diff of {len(texts)} clause pairs: {diff_seconds * 1000:.0f} ms")
    if "--skip-large" not in sys.argv:
        large_case("plan, 20,000 paragraphs", paragraphs_of_plan)
        large_case("regulation, 20,000 paragraphs", paragraphs_of_regulation)


if __name__ == "__main__":
    main()
