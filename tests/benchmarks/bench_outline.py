"""Parsing a ~100,000-character draft as .docx (auto-numbered) and as .txt, and a 300-page
regulation copied from its PDF (printed lines, running heads, page numbers).

Baseline, measured in the same run: merely opening the same .docx with python-docx
and reading its paragraphs. Targets: under 0.5 s, and at most 2x the baseline, for the
100,000 characters; the PDF copy is reported per 100,000 characters against the same baseline.

    .venv/bin/python tests/benchmarks/bench_outline.py
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import docx  # noqa: E402

from exports.draft_files import load_draft  # noqa: E402
from tests.fixtures.draft_shapes import printed_pages  # noqa: E402
from tests.fixtures.make_docx import build_numbered_docx  # noqa: E402
from timing import median_time  # noqa: E402

SENTENCE = "推进教育高质量发展，加强师资队伍建设，完善经费保障机制，落实各项工作任务。"




def main() -> None:
    items, lines = [], ["基准测试行动计划"]
    cn = "一二三四五六七八九十"
    task = 0
    for part in range(10):
        items.append((0, f"第{part + 1}部分"))
        lines.append(f"{cn[part]}、第{part + 1}部分")
        for section in range(6):
            items.append((1, f"第{section + 1}项工程"))
            lines.append(f"（{cn[section]}）第{section + 1}项工程")
            for _ in range(5):
                task += 1
                body = f"任务{task}。{SENTENCE * 3}（牵头单位：市教育局；责任单位：市财政局、市人社局）"
                items.append((2, body))
                lines.append(f"{task}.{body}")
                items.append((None, SENTENCE * 6))
                lines.append(SENTENCE * 6)
    characters = sum(len(text) for _, text in items)
    folder = Path(tempfile.mkdtemp())
    docx_path = build_numbered_docx(folder / "draft.docx", items, title=lines[0])
    txt_path = folder / "draft.txt"
    txt_path.write_text("\n".join(lines), encoding="utf-8")

    baseline = median_time(lambda: [p.text for p in docx.Document(str(docx_path)).paragraphs], repeat=7)
    docx_seconds = median_time(lambda: load_draft(docx_path), repeat=7)
    txt_seconds = median_time(lambda: load_draft(txt_path), repeat=7)
    draft = load_draft(docx_path)
    assert sum(1 for c in draft if c.kind.value == "task") == task

    print(f"draft: {characters:,} characters, {len(items):,} paragraphs, {len(draft.clauses)} clauses")
    print(f"baseline python-docx open + paragraphs: {baseline * 1000:.0f} ms")
    print(f".docx parse (auto numbering): {docx_seconds * 1000:.0f} ms, ratio {docx_seconds / baseline:.2f}x "
          f"(targets < 500 ms, <= 2x)")
    print(f".txt parse: {txt_seconds * 1000:.0f} ms, ratio {txt_seconds / baseline:.2f}x")

    pdf_path = folder / "copied.txt"
    pages = 300
    pdf_path.write_text("\n".join(printed_pages(pages)), encoding="utf-8")
    pdf_characters = len(pdf_path.read_text(encoding="utf-8"))
    pdf_seconds = median_time(lambda: load_draft(pdf_path), repeat=3)
    copied = load_draft(pdf_path)
    articles = sum(1 for c in copied if c.kind.value == "article")
    per_100k = pdf_seconds * 100_000 / pdf_characters
    print(f"PDF copy: {pages} pages, {pdf_characters:,} characters, {articles} articles: "
          f"{pdf_seconds * 1000:.0f} ms, {per_100k * 1000:.0f} ms per 100,000 characters, "
          f"ratio {per_100k / baseline:.2f}x (targets < 500 ms and <= 2x per 100,000 characters)")


if __name__ == "__main__":
    main()
