"""Matching two versions of a 500-clause draft.

Baseline, measured in the same run: the naive way, comparing every old clause with
every new one by rapidfuzz (``fuzz.ratio`` in a double loop) and taking the best.
Target: under 1 s for the match. A second case rewords every task, so that almost
nothing matches word for word and every clause goes through the similarity pass.

    .venv/bin/python tests/benchmarks/bench_revision.py
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


if __name__ == "__main__":
    main()
