"""Command-line command ``redline``: the revised draft with Word revision marks, and its clean copy.

    python main.py redline PROJECT [--from 1] [--to 2] --out 修改稿（修订）.docx [--author 起草组] [--no-clean]
        [--force] [--pdf]

The check before generating (``feedback.preflight``, with the consistency check of the two
drafts) stops it with status 1 unless ``--force``.
"""
from __future__ import annotations

import sys
from pathlib import Path

from feedback.ledger import LedgerError


def run_redline(args) -> int:
    """Write the new draft with every change against the old one as a Word revision."""
    from exports.redline import DEFAULT_AUTHOR, write_redline
    from ui.cli.documents import _project, checked, pdf_copies
    from ui.cli.versions import _pair

    if Path(args.out).suffix.lower() != ".docx":
        raise LedgerError(f"“{Path(args.out).name}”须以 .docx 结尾。")
    # writable when it can be: the comments the revision notes cite keep their numbers
    with _project(args.project) as project:
        from_version, to_version = _pair(project, args.from_version, args.to_version)
        from storage.versions import unconfirmed_matches

        unsure = unconfirmed_matches(project, from_version, to_version)
        if unsure:
            print(f"提示：第{from_version}稿与第{to_version}稿还有{len(unsure)}项条款对应关系待确认"
                  f"（matches 命令），修订稿按目前的对应生成。", file=sys.stderr)
        if not checked(project, "redline", args, versions=(from_version, to_version)):
            return 1
        result = write_redline(project, from_version, to_version, args.out, author=args.author or DEFAULT_AUTHOR,
                               clean=not args.no_clean)
        print(f"已写出第{to_version}稿的修订稿“{result.path}”（对照第{from_version}稿）："
              f"修改{result.changed}处，序号调整{result.renumbered}条，批注{result.comments}条。")
        if result.clean_path is not None:
            print(f"清洁稿：“{result.clean_path}”。")
    pdf_copies(args, [result.path] + ([result.clean_path] if result.clean_path is not None else []))
    return 0


def add_parsers(commands) -> None:
    """Register ``redline`` on main.py's subparsers."""
    redline = commands.add_parser("redline", help="生成带修订标记的修改稿（.docx）及清洁稿")
    redline.add_argument("project", help="项目文件（.yjt）")
    redline.add_argument("--from", dest="from_version", type=int, help="原稿是第几稿（默认倒数第二稿）")
    redline.add_argument("--to", dest="to_version", type=int, help="修改稿是第几稿（默认最新一稿）")
    redline.add_argument("--out", required=True, help="输出文件（.docx），清洁稿写在同一文件夹")
    redline.add_argument("--author", default="", help="修订者姓名（默认“起草组”）")
    redline.add_argument("--no-clean", action="store_true", help="不另写清洁稿")
    from ui.cli.documents import add_force

    add_force(redline)


COMMANDS = {"redline": run_redline}
