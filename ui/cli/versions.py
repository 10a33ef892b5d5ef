"""Command-line commands on draft versions: ``revise``, ``compare`` and ``matches``.

    python main.py revise PROJECT --draft FILE [--note TEXT] [--date YYYY-MM-DD]
    python main.py compare PROJECT --from 1 --to 2 --out FILE.docx|FILE.xlsx
    python main.py matches PROJECT [--from 1 --to 2] [--all] [--confirm ID …] [--confirm-all] [--set OLD=NEW …]
                                   [--explain REF=NOTE …]   (REF of the earlier draft: 1:REF)

Each ``run_*`` takes the parsed arguments and returns the exit status; errors of the
project, the ledger and the draft file are raised for ``main.py`` to print as one line,
a document that cannot be saved is printed here.
"""
from __future__ import annotations

import sys
from pathlib import Path

from feedback.ledger import LedgerError
from feedback.revision import ClauseMatch, RevisionFlag, describe_change
from ui.cli.parsing import date_value


def _open(path, read_only: bool = False):
    from storage.project import Project

    return Project.open(path, read_only=read_only, backup=not read_only)


def _pair(project, from_version: int | None, to_version: int | None) -> tuple[int, int]:
    """The versions asked for; by default the newest and the one before it."""
    numbers = [v.number for v in project.versions()]
    if len(numbers) < 2 and (from_version is None or to_version is None):
        raise LedgerError("项目中只有一稿草案，没有可比对的版本。")
    to_version = numbers[-1] if to_version is None else to_version
    if from_version is None:
        earlier = [n for n in numbers if n < to_version]
        if not earlier:
            raise LedgerError(f"第{to_version}稿之前没有草案。")
        from_version = earlier[-1]
    return from_version, to_version


def match_line(match: ClauseMatch) -> str:
    """``[12] 二（二）3 → 二（二）4  修改  相似度72.5  待确认``."""
    state = "" if match.confirmed else "  待确认"
    return (f"[{match.id}] {match.from_ref or '（无）'} → {match.to_ref or '（无）'}  {match.relation.label}  "
            f"相似度{match.score:g}{state}")


def flag_line(flag: RevisionFlag) -> str:
    return f"{flag.kind.label}：{flag.message}"


def _print_unconfirmed(matches: list[ClauseMatch]) -> None:
    unsure = [m for m in matches if not m.confirmed]
    if unsure:
        print(f"待确认的对应关系{len(unsure)}处（用 matches 命令确认或更正）：")
        for match in unsure:
            print("  " + match_line(match))


def run_revise(args) -> int:
    """Import a revised draft as the next version; print the matches to confirm and the flags."""
    from exports.draft_files import load_draft
    from feedback.version_commands import ImportRevision
    from storage.versions import ProjectVersions, prepare_revision
    from ui.cli.running import run_command

    draft = load_draft(args.draft, simplified=getattr(args, "simplified", False))
    name = Path(args.draft).name
    with _open(args.project) as project:
        numbers = [v.number for v in project.versions()]
        previous = numbers[-1] if numbers else None
        prepared = prepare_revision(draft, previous, project.clauses(previous) if previous else [], source_file=name)
        command = ImportRevision(ProjectVersions(project), prepared, source_file=name, note=args.note or "",
                                 formed_on=getattr(args, "date", None))
        run_command(command)
        result = command.result
    print(f"已导入第{result.version_number}稿“{Path(args.draft).name}”。")
    print(result.summary)
    for group in result.groups:
        if group.relation.changed:
            print("  " + describe_change(group))
    for warning in result.warnings:
        print(f"提示：{warning}", file=sys.stderr)
    for warning in draft.warnings:
        print(f"提示：{warning}", file=sys.stderr)
    _print_unconfirmed(result.matches)
    if result.flags:
        print(f"需要注意{len(result.flags)}处：")
        for flag in result.flags:
            print("  " + flag_line(flag))
    return 0


def run_compare(args) -> int:
    """Write the 修改对照表 of two versions as .docx or .xlsx."""
    from exports.comparison import comparison_rows, write_comparison
    from exports.official_format import DocumentError

    suffix = Path(args.out).suffix.lower()
    if suffix not in (".docx", ".xlsx"):
        raise LedgerError(f"“{Path(args.out).name}”须以 .docx 或 .xlsx 结尾。")
    with _open(args.project, read_only=True) as project:
        from_version, to_version = _pair(project, args.from_version, args.to_version)
        include = getattr(args, "include_renumbered", False)
        from ui.cli.documents import checked

        if not checked(project, "comparison", args, versions=(from_version, to_version)):
            return 1
        try:
            write_comparison(project, from_version, to_version, args.out, include_renumbered=include)
        except DocumentError as error:
            print(f"错误：{error}", file=sys.stderr)
            return 2
        count = len(comparison_rows(project, from_version, to_version, include_renumbered=include))
        print(f"已写出第{from_version}稿与第{to_version}稿的修改对照表“{args.out}”，共{count}处修改。")
    from ui.cli.documents import pdf_copies

    pdf_copies(args, [args.out])
    return 0


def _refs(text: str) -> list[str]:
    """``二（一）1+二（一）2`` → both; ``-`` or nothing → none."""
    text = text.strip()
    if text in ("", "-", "无"):
        return []
    return [part.strip() for part in text.split("+") if part.strip()]


def run_matches(args) -> int:
    """List the clause matches of two versions (the unconfirmed by default); confirm or correct them."""
    from storage.versions import (confirm_all, confirm_match, consistency_findings, locate_change, set_change_note,
                                  set_match, stored_matches, version_matches)

    changing = bool(args.confirm or args.confirm_all or args.set or args.explain)
    with _open(args.project, read_only=not changing) as project:
        from_version, to_version = _pair(project, args.from_version, args.to_version)
        for match_id in args.confirm or []:
            print(confirm_match(project, match_id).message)
        if args.confirm_all:
            print(confirm_all(project, from_version, to_version).message)
        for pairing in args.set or []:
            if "=" not in pairing:
                raise LedgerError(f"“{pairing}”应写成 原条款=新条款，如 二（一）3=二（一）4 或 二（二）4=二（二）5+二（二）6。")
            old, new = pairing.split("=", 1)
            print(set_match(project, from_version, to_version, _refs(old), _refs(new)).message)
        for explanation in args.explain or []:
            ref, _, note = explanation.partition("=")
            if not note.strip() or not ref.strip():
                raise LedgerError(f"“{explanation}”应写成 条款=修改说明，如 二（三）8=两条内容相近，合并表述。")
            found = locate_change(project, from_version, to_version, ref.strip())
            if found.ambiguous:
                print(f"提示：第{from_version}稿和第{to_version}稿都有条款“{ref.strip()}”，已按第{to_version}稿理解；"
                      f"指第{from_version}稿的条款请写成 {from_version}:{ref.strip()}", file=sys.stderr)
            change = set_change_note(project, from_version, to_version, found.group.key, note)
            print(f"{change.message}（{describe_change(found.group)}）")
        matches = stored_matches(project, from_version, to_version) or version_matches(project, from_version,
                                                                                          to_version)
        shown = matches if args.all else [m for m in matches if not m.confirmed]
        print(f"第{from_version}稿→第{to_version}稿：{len(matches)}项对应关系，"
              f"待确认{sum(1 for m in matches if not m.confirmed)}项。")
        for match in shown:
            print("  " + match_line(match))
        findings = consistency_findings(project, from_version, to_version)
    for finding in findings:
        print("  " + finding.line())
    return 0


# The argparse lines for main.py's build_parser(), kept here beside the functions they call.
def add_parsers(commands) -> None:
    """Register ``revise``, ``compare`` and ``matches`` on main.py's subparsers."""
    revise = commands.add_parser("revise", help="导入修改稿作为新一稿，并与上一稿逐条比对")
    revise.add_argument("project", help="项目文件（.yjt）")
    revise.add_argument("--draft", required=True, help="修改稿文件（.docx、.txt 或 .doc）")
    revise.add_argument("--note", default="", help="本稿说明，如“吸收第一轮反馈意见”")
    revise.add_argument("--date", type=date_value, help="本稿形成日期（YYYY-MM-DD），写入起草过程")
    revise.add_argument("--simplified", action="store_true", help="繁体字转换为简体字")

    compare = commands.add_parser("compare", help="生成两稿的修改对照表（.docx 或 .xlsx）")
    compare.add_argument("project", help="项目文件（.yjt）")
    compare.add_argument("--from", dest="from_version", type=int, help="原稿是第几稿（默认倒数第二稿）")
    compare.add_argument("--to", dest="to_version", type=int, help="修改稿是第几稿（默认最新一稿）")
    compare.add_argument("--out", required=True, help="输出文件（.docx 或 .xlsx）")
    compare.add_argument("--include-renumbered", action="store_true", help="也列出仅序号调整的条款")
    compare.add_argument("--force", action="store_true", help="生成前检查发现问题时仍照此生成")
    compare.add_argument("--pdf", action="store_true", help="同时生成 PDF 副本（需安装 LibreOffice）")

    matches = commands.add_parser("matches", help="查看、确认或更正两稿之间的条款对应关系")
    matches.add_argument("project", help="项目文件（.yjt）")
    matches.add_argument("--from", dest="from_version", type=int, help="原稿是第几稿（默认倒数第二稿）")
    matches.add_argument("--to", dest="to_version", type=int, help="修改稿是第几稿（默认最新一稿）")
    matches.add_argument("--all", action="store_true", help="列出全部对应关系（默认只列待确认的）")
    matches.add_argument("--confirm", type=int, action="append", metavar="编号", help="确认一项对应关系（可多次）")
    matches.add_argument("--confirm-all", action="store_true", help="确认全部对应关系")
    matches.add_argument("--set", action="append", metavar="原条款=新条款",
                         help="更正对应关系，如 二（一）3=二（一）4；拆分写 4=5+6，新增写 -=5，删除写 4=-")
    matches.add_argument("--explain", action="append", metavar="条款=修改说明",
                         help="为一处修改写修改说明（写入修改对照表），如 二（三）8=两条内容相近，合并表述；"
                              "指原稿的条款在前面加稿次，如 1:三（七）16=该条删除，内容并入三（七）15")


COMMANDS = {"revise": run_revise, "compare": run_compare, "matches": run_matches}
