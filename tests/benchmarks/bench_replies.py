"""Reading replies: a 100-point letter, the 500-clause draft sent back with revisions, an edited copy.

Baseline, measured in the same run: python-docx opening the same .docx and reading its
paragraphs (what any reader of the file pays). Targets: a letter under 0.5 s; a revised or
edited 500-clause draft under 3 s.

    .venv/bin/python tests/benchmarks/bench_replies.py
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import docx  # noqa: E402
from docx.oxml import parse_xml  # noqa: E402
from docx.oxml.ns import nsdecls  # noqa: E402

from exports.reply_files import read_reply  # noqa: E402
from feedback.outline import parse_lines  # noqa: E402
from tests.fixtures.revised_drafts import large_draft_lines, large_draft_tasks  # noqa: E402
from timing import median_time  # noqa: E402


def letter_lines(draft, points: int) -> list[str]:
    tasks = [c for c in draft.clauses if c.kind.value == "task"][:points]
    lines = ["某某局关于对《征求意见稿》的反馈意见", "起草单位：", "经研究，提出如下意见："]
    for number, clause in enumerate(tasks, 1):
        words = clause.text[5:17] or clause.heading
        lines.append(f"{number}.第{clause.number}条“{words}”，建议修改为“{words}等”；建议增加“并加强考核”。")
    return lines + ["特此函复。", "某某局", "2024年5月8日"]


def revised_copy(path: Path, lines: list[str], every: int, tracked: bool) -> Path:
    document = docx.Document()
    for index, line in enumerate(lines):
        if index % every or "。" not in line:
            document.add_paragraph(line)
            continue
        head, _, tail = line.partition("。")
        if not tracked:
            document.add_paragraph(f"{head}，并按季度通报。{tail}")
            continue
        p = document.add_paragraph(head)
        p._p.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="{index}" w:author="修订人">'
                              f'<w:r><w:t>，并按季度通报</w:t></w:r></w:ins>'))
        p.add_run("。" + tail)
    document.save(path)
    return path


def main() -> None:
    lines = large_draft_lines(large_draft_tasks(500))
    draft = parse_lines(lines)
    work = Path(tempfile.mkdtemp())
    letter = work / "复函.docx"
    document = docx.Document()
    for line in letter_lines(draft, 100):
        document.add_paragraph(line)
    document.save(letter)
    tracked = revised_copy(work / "修订稿.docx", lines, 10, True)
    edited = revised_copy(work / "修改稿.docx", lines, 10, False)
    print(f"草案{len(draft.clauses)}条")
    for name, path, target in (("100条意见的来函", letter, 0.5), ("带修订的退回稿", tracked, 3.0),
                               ("未留痕的修改稿", edited, 3.0)):
        baseline = median_time(lambda: [p.text for p in docx.Document(str(path)).paragraphs], 3)
        seconds = median_time(lambda: read_reply(path, draft), 3)
        comments = len(read_reply(path, draft).letter.comments)
        print(f"{name}：{seconds:.3f} s（{comments}条意见），python-docx 读段落 {baseline:.3f} s，"
              f"比值 {seconds / baseline:.1f}×，目标 < {target} s：{'达到' if seconds < target else '未达到'}")


if __name__ == "__main__":
    main()
