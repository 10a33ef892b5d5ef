"""Command-line fixing of a stored draft version's clause tree: ``reshape``.

    python main.py reshape PROJECT (--raise REF | --lower REF | --join REF | --split REF --line N)
                           [--version N]

One change per run, in one transaction; comments on the clauses concerned follow them.
The window offers the same changes with undo.
"""
from __future__ import annotations

from feedback.ledger import LedgerError


def run_reshape(args) -> int:
    from feedback.commands import ScriptedInteraction, execute
    from feedback.outline_commands import ReshapeOutline, change_level, join_with_previous, split_at_line
    from storage.project import Project

    if args.split and args.line is None:
        raise LedgerError("拆分须用 --line 指明从正文第几行起拆出（从1数起）。")
    with Project.open(args.project, backup=True) as project:
        if not project.versions():
            raise LedgerError(f"项目“{args.project}”中还没有导入草案。")
        style = project.draft(args.version).style
        if args.raise_ref:
            operation = lambda clauses: change_level(clauses, args.raise_ref, -1)  # noqa: E731
        elif args.lower:
            operation = lambda clauses: change_level(clauses, args.lower, +1)  # noqa: E731
        elif args.join:
            operation = lambda clauses: join_with_previous(clauses, args.join)  # noqa: E731
        else:
            operation = lambda clauses: split_at_line(  # noqa: E731
                clauses, args.split, args.line - 1, regulation=style == "regulation")
        talk = ScriptedInteraction()
        change = execute(ReshapeOutline(project, args.version, operation), talk)
        if change is None:
            raise LedgerError(talk.messages[-1] if talk.messages else "未作修改。")
        print(change.message)
    return 0


def add_parsers(commands) -> None:
    reshape = commands.add_parser("reshape", help="调整已导入草案的条款结构（升降层级、并入上一条、拆分）")
    reshape.add_argument("project", help="项目文件（.yjt）")
    which = reshape.add_mutually_exclusive_group(required=True)
    which.add_argument("--raise", dest="raise_ref", metavar="条款", help="把该条款（连同其下级）升一级")
    which.add_argument("--lower", metavar="条款", help="把该条款（连同其下级）降一级")
    which.add_argument("--join", metavar="条款", help="把该条款并入上一条")
    which.add_argument("--split", metavar="条款", help="拆分该条款（配合 --line）")
    reshape.add_argument("--line", type=int, help="从正文第几行起拆出（从1数起）")
    reshape.add_argument("--version", type=int, help="第几稿（默认最新一稿）")


COMMANDS = {"reshape": run_reshape}
