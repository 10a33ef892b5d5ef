"""The command-line commands that write Word documents: explain, letter, table.

Each opens the project (read-only while it is open in the app), runs the check before
generating (``feedback.preflight``): anything found is listed on stderr and nothing is
written (status 1) unless ``--force`` is given. Then it writes the file whole or not at
all (with ``--pdf`` a PDF copy beside it), prints one line, and returns the exit status;
a problem is one Chinese line on stderr and status 2.
"""
from __future__ import annotations

import argparse
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from exports.adoption_table import GROUP_BY_CLAUSE, GROUP_BY_UNIT
from exports.official_format import DocumentError
from feedback.ledger import LedgerError


@contextmanager
def _project(path) -> Iterator:
    """The project, writable when no window holds it and its place can be written (so that the
    comments' numbers are kept as the document goes out), else read-only."""
    from storage.project import Project, ProjectLockedError, ProjectReadOnlyError

    try:
        project = Project.open(path, backup=False)
    except (ProjectLockedError, ProjectReadOnlyError):
        project = Project.open(path, read_only=True, backup=False)
    try:
        yield project
    finally:
        project.close()


def _run(action) -> int:
    from storage.project import ProjectError

    try:
        return action()
    except (DocumentError, LedgerError, ProjectError) as error:
        print(f"错误：{error}", file=sys.stderr)
        return 2


def checked(project, document: str, args, *, round_number: int | None = None,
            versions: tuple[int, int] | None = None) -> bool:
    """Run the check before generating (``versions``: the drafts compared); list what it found
    on stderr. True when the document may be written: nothing found but advisory findings,
    or ``--force`` given."""
    from exports.explanation import document_findings
    from feedback.preflight import DOCUMENT_NAMES

    findings = document_findings(project, document, round_number=round_number, versions=versions)
    for finding in findings:
        print(f"提示：{finding.message}", file=sys.stderr)
    blocking = [f for f in findings if not f.advisory]  # the advisory ones are listed, not stopping
    if blocking and not getattr(args, "force", False):
        print(f"生成{DOCUMENT_NAMES[document]}前发现{len(blocking)}处问题，未生成文件；"
              f"处理后重新运行，或加 --force 照此生成。", file=sys.stderr)
        return False
    return True


def add_force(parser) -> None:
    parser.add_argument("--force", action="store_true", help="生成前检查发现问题时仍照此生成")
    parser.add_argument("--pdf", action="store_true", help="同时生成 PDF 副本（需安装 LibreOffice）")


def pdf_copies(args, paths) -> None:
    """With ``--pdf``, a PDF beside each document written (one line each)."""
    if not getattr(args, "pdf", False):
        return
    from exports.pdf_copy import pdf_copy

    for path in paths:
        print(f"已生成 PDF 副本：{pdf_copy(path)}")


def run_explain(args) -> int:
    """``explain PROJECT --out FILE.docx [--template T.docx] [--group-by unit|clause]``"""
    from exports.explanation import write_explanation

    def action() -> int:
        with _project(args.project) as project:
            if not checked(project, "explanation", args):
                return 1
            path = write_explanation(project, args.out, group_by=args.group_by, template=args.template,
                                     landscape=getattr(args, "landscape", False))
            total = project.statistics().comments_total
        print(f"已生成起草情况说明：{Path(path)}（意见{total}条）")
        pdf_copies(args, [path])
        return 0

    return _run(action)


def run_letter(args) -> int:
    """``letter PROJECT --round N --out FILE.docx [--template T.docx]``"""
    from exports.letter import write_letter

    def action() -> int:
        with _project(args.project) as project:
            unit_id = _unit_id(project, args.unit) if getattr(args, "unit", None) else None
            if not checked(project, "letter", args, round_number=args.round):
                return 1
            path = write_letter(project, args.round, args.out, template=args.template, unit_id=unit_id)
        print(f"已生成第{args.round}轮征求意见函{'（致' + args.unit + '）' if unit_id else ''}：{Path(path)}")
        pdf_copies(args, [path])
        return 0

    return _run(action)


def _unit_id(project, name: str) -> int:
    """The registry unit called ``name`` (or by that alias)."""
    found = [u for u in project.units() if name.strip() in (u.name, *u.aliases)]
    if len(found) != 1:
        raise LedgerError(f"单位名单中没有“{name}”，请写单位全称。")
    return found[0].id


def run_table(args) -> int:
    """``table PROJECT --out FILE.docx [--round N] [--group-by unit|clause] [--template T.docx]``"""
    from exports.adoption_table import write_adoption_table

    def action() -> int:
        with _project(args.project) as project:
            if not checked(project, "table", args, round_number=args.round):
                return 1
            path = write_adoption_table(project, args.out, group_by=args.group_by, round_number=args.round,
                                        template=args.template, landscape=not getattr(args, "portrait", False))
        print(f"已生成意见采纳情况表：{Path(path)}")
        pdf_copies(args, [path])
        return 0

    return _run(action)


def add_parsers(commands) -> None:
    """Register explain, letter and table on the subparsers of ``main.py``."""
    explain = commands.add_parser("explain", help="生成起草情况说明（Word）")
    explain.add_argument("project", help="项目文件（.yjt）")
    explain.add_argument("--out", required=True, help="输出的 .docx 文件")
    explain.add_argument("--template", help="自定义 Word 模板（.docx）")
    explain.add_argument("--group-by", choices=[GROUP_BY_UNIT, GROUP_BY_CLAUSE], default=GROUP_BY_UNIT,
                         help="附件表格按单位（unit）或按条款（clause）排列")
    explain.add_argument("--landscape", action="store_true", help="附件表格横向排版")
    add_force(explain)
    letter = commands.add_parser("letter", help="生成征求意见函（Word）")
    letter.add_argument("project", help="项目文件（.yjt）")
    letter.add_argument("--round", type=int, required=True, help="第几轮征求意见")
    letter.add_argument("--out", required=True, help="输出的 .docx 文件")
    letter.add_argument("--template", help="自定义 Word 模板（.docx）")
    letter.add_argument("--unit", help="致某一单位的函（单位全称），说明其前几轮意见的处理情况")
    add_force(letter)
    table = commands.add_parser("table", help="生成意见采纳情况表（Word，横向）")
    table.add_argument("project", help="项目文件（.yjt）")
    table.add_argument("--out", required=True, help="输出的 .docx 文件")
    table.add_argument("--round", type=int, help="只列出第几轮的意见（默认全部）")
    table.add_argument("--group-by", choices=[GROUP_BY_UNIT, GROUP_BY_CLAUSE], default=GROUP_BY_UNIT,
                       help="按单位（unit）或按条款（clause）排列")
    table.add_argument("--template", help="自定义 Word 模板（.docx）")
    table.add_argument("--portrait", action="store_true", help="纵向排版（默认横向）")
    add_force(table)


COMMANDS = {"explain": run_explain, "letter": run_letter, "table": run_table}


if __name__ == "__main__":  # for trying the commands before they are wired into main.py
    parser = argparse.ArgumentParser(prog="documents")
    add_parsers(parser.add_subparsers(dest="command", required=True))
    options = parser.parse_args()
    sys.exit(COMMANDS[options.command](options))
