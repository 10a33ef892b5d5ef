"""The ``answers`` command: the reply to every unit, how each of its comments was handled.

    python main.py answers 项目.yjt --out 文件夹 [--round N] [--thank-no-comments] [--force]

One .docx per unit that commented, named after it, in the official format; units that
said they had no comments are thanked with ``--thank-no-comments``, else left out. The
check before generating runs first, as for the other documents.
"""
from __future__ import annotations

import sys
from pathlib import Path


def run_answers(args) -> int:
    from exports.answers import write_answers
    from ui.cli.documents import _project, _run, checked, pdf_copies

    def action() -> int:
        with _project(args.project) as project:
            if not checked(project, "answers", args, round_number=args.round):
                return 1
            files = write_answers(project, args.out, round_number=args.round,
                                  thank_no_comments=args.thank_no_comments)
        for path in files:
            print(path)
        print(f"已生成{len(files)}个单位的意见采纳情况反馈：{Path(args.out)}", file=sys.stderr)
        pdf_copies(args, files)
        return 0

    return _run(action)


def add_parsers(commands) -> None:
    from ui.cli.documents import add_force

    answers = commands.add_parser("answers", help="为每个提出意见的单位生成意见采纳情况反馈（Word）")
    answers.add_argument("project", help="项目文件（.yjt）")
    answers.add_argument("--out", required=True, help="输出文件夹（每个单位一个 .docx）")
    answers.add_argument("--round", type=int, help="只反馈第几轮的意见（默认全部）")
    answers.add_argument("--thank-no-comments", action="store_true", help="也给无修改意见的单位写一封致谢")
    add_force(answers)


COMMANDS = {"answers": run_answers}
