"""The revised draft with revision marks for two versions of a 500-clause draft.

Baseline, measured in the same run: the 修改对照表 (.docx) of the same pair, which
diffs only the changed clauses into one table. Target: under 3 s for the redline and
its clean copy.

    .venv/bin/python tests/benchmarks/bench_redline.py
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from exports.comparison import write_comparison  # noqa: E402
from exports.redline import write_redline  # noqa: E402
from feedback.outline import parse_lines  # noqa: E402
from storage.project import Project  # noqa: E402
from storage.versions import import_revision  # noqa: E402
from tests.fixtures.revised_drafts import large_draft_lines, large_draft_tasks, revise_large_draft  # noqa: E402
from timing import median_time  # noqa: E402


def main() -> None:
    parts = large_draft_tasks(500)
    revised, _ = revise_large_draft(parts)
    folder = Path(tempfile.mkdtemp())
    with Project.create(folder / "p.yjt", parse_lines(large_draft_lines(parts))) as project:
        import_revision(project, parse_lines(large_draft_lines(revised)))
        result = write_redline(project, 1, 2, folder / "修订.docx")
        seconds = median_time(lambda: write_redline(project, 1, 2, folder / "修订.docx"), repeat=3)
        tracked = median_time(lambda: write_redline(project, 1, 2, folder / "修订.docx", clean=False), repeat=3)
        table = median_time(lambda: write_comparison(project, 1, 2, folder / "对照表.docx"), repeat=3)
        clauses = len(project.clauses(2))
    print(f"{clauses} clauses; {result.changed} changes, {result.renumbered} renumbered, {result.comments} comments; "
          f"{len(result.paragraphs)} paragraphs")
    print(f"  redline + clean copy: {seconds * 1000:.0f} ms (target < 3000 ms); redline alone {tracked * 1000:.0f} ms")
    print(f"  baseline 修改对照表 .docx of the same pair: {table * 1000:.0f} ms; ratio {seconds / table:.2f}x")


if __name__ == "__main__":
    main()
