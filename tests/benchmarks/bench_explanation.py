"""Benchmark: the drafting explanation with a 1,000-row attachment table.

Run as a script: ``python tests/benchmarks/bench_explanation.py [ROWS]``. It prints the
time to write the whole explanation (target: under 3 s), the time to build the table
alone, and python-docx's ``add_row`` building the same table in the same run.
"""
from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import docx  # noqa: E402

from exports.adoption_table import PORTRAIT_COLUMNS, adoption_rows, merge_column, table_rows  # noqa: E402
from exports.explanation import write_explanation  # noqa: E402
from exports.official_format import OfficialDocument  # noqa: E402
from feedback.outline import parse_lines  # noqa: E402
from feedback.vocabulary import Disposition, RoundMethod  # noqa: E402
from storage.project import Project  # noqa: E402
from timing import median_time  # noqa: E402

TARGET_SECONDS = 3.0
DISPOSITIONS = [(Disposition.ADOPTED, "", ""), (Disposition.REJECTED, "与上位文件表述保持一致，保留原表述。", ""),
                (Disposition.PARTLY_ADOPTED, "部分内容已在其他条款中体现。", ""),
                (Disposition.IN_WORK, "另有专项安排。", "校园安全管理工作")]


def build_project(path: Path, rows: int) -> Project:
    lines = ["某某市提高教育质量三年行动计划", "一、重点任务"]
    for section in range(1, 11):
        lines.append(f"（{'一二三四五六七八九十'[section - 1]}）实施第{section}项工程")
        lines += [f"{(section - 1) * 3 + k}.推进第{(section - 1) * 3 + k}项任务。做好相关工作。" for k in (1, 2, 3)]
    project = Project.create(path, parse_lines(lines))
    project.update_plan(title="某某市提高教育质量三年行动计划（2023—2025年）", drafting_unit="某某市教育局",
                        addressee="市政府", written_on=date(2023, 4, 27))
    project.add_units([{"name": f"市第{i}局", "category": "市级部门"} for i in range(1, 61)])
    ids = [u.id for u in project.units()]
    project.add_round(method=RoundMethod.WRITTEN, sent_on=date(2023, 4, 10), deadline=date(2023, 4, 12),
                      recipients=ids)
    refs = [c.ref for c in project.clauses() if c.kind.value == "task"]
    comments = []
    for n in range(rows):
        disposition, reason, work = DISPOSITIONS[n % len(DISPOSITIONS)]
        comments.append(dict(round_number=1, unit_id=ids[n % len(ids)], clause_ref=refs[n % len(refs)],
                             body=f"第{n + 1}条意见：建议将有关表述修改完善，进一步明确责任分工和完成时限，"
                                  f"增强可操作性。",
                             disposition=disposition, reason=reason, work_item=work))
    project.add_comments(comments)
    return project


def add_row_table(rows: list[list[str]]) -> None:
    """The same table built the ordinary python-docx way: add_row, then each cell's text."""
    document = docx.Document()
    table = document.add_table(rows=1, cols=len(PORTRAIT_COLUMNS))
    table.style = "Table Grid"
    for cell, column in zip(table.rows[0].cells, PORTRAIT_COLUMNS):
        cell.text = column.header
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values):
            cell.text = value




def main(rows: int = 1000) -> int:
    with tempfile.TemporaryDirectory() as folder:
        project = build_project(Path(folder) / "bench.yjt", rows)
        out = Path(folder) / "说明.docx"
        whole = median_time(lambda: write_explanation(project, out), repeat=3)
        assert len(docx.Document(str(out)).tables[0].rows) == rows + 1

        cells = table_rows(project, adoption_rows(project))
        documents = [OfficialDocument() for _ in range(3)]
        ours = median_time(lambda: documents.pop().table(PORTRAIT_COLUMNS, cells, merge_column=merge_column("unit")),
                           repeat=3)
        plain = [row for row in cells if isinstance(row, list)]
        baseline = median_time(lambda: add_row_table(plain), repeat=3)
        project.close()
    print(f"explanation with a {rows:,}-row attachment table, written whole: {whole:.2f} s "
          f"(target < {TARGET_SECONDS:.0f} s: {'met' if whole < TARGET_SECONDS else 'MISSED'})")
    print(f"the table alone: built as XML {ours * 1000:.0f} ms; python-docx add_row {baseline * 1000:.0f} ms; "
          f"ratio {baseline / ours:.1f}x faster")
    return 0 if whole < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
