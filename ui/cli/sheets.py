"""Command-line commands on spreadsheets: ``forms``, ``collect``, ``ledger`` and ``import-public``.

    python main.py forms PROJECT --out DIR [--round N] [--single-workbook] [--changed-only]
    python main.py collect PROJECT PATH… [--round N] [--json] [--replace] [--edited keep|pending]
    python main.py ledger PROJECT --out FILE.xlsx [--round N] [--unit-id N] [--category C] [--disposition D]
    python main.py import-public PROJECT FILE [--map text=…,submitter=…] [--round N | --new-round] [--sheet S]

Each ``run_*`` takes the parsed arguments and returns the exit status; errors of the
project, the ledger and the files are raised for ``main.py`` to print as one line.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from feedback.ledger import LedgerError
from feedback.vocabulary import Disposition


def _open(path, read_only: bool = False):
    from storage.project import Project

    return Project.open(path, read_only=read_only, backup=not read_only)


def _recorded(project, text: str, action):
    """Run an import as the window does, through the one executor (``RecordedAction``); its result."""
    from feedback.commands import RecordedAction
    from storage.journal import Journal
    from ui.cli.running import run_command

    command = RecordedAction(project, text, action, Journal)
    run_command(command)
    return command.result


def run_forms(args) -> int:
    from exports.forms import write_forms
    from storage.project import ProjectLockedError, ProjectReadOnlyError

    try:
        project = _open(args.project)
    except (ProjectLockedError, ProjectReadOnlyError):  # forms only read a project whose forms were made before
        project = _open(args.project, read_only=True)
    try:
        files = write_forms(project, args.out, round_number=args.round, single_workbook=args.single_workbook,
                            changed_only=getattr(args, "changed_only", False))
    finally:
        project.close()
    for path in files:
        print(path)
    print(f"已生成{len(files)}个反馈表文件。", file=sys.stderr)
    return 0


def run_collect(args) -> int:
    """Per-file report; exit 0 when every file was taken, 1 when any was rejected or not replaced."""
    from exports.forms import collect_forms
    from ui.cli.running import ConsoleInteraction

    # asked on a terminal (not with --json); otherwise the cautious answers below
    talk = ConsoleInteraction(decline=True, blank="都不是", terminal=False if args.json else None)

    defaulted = []
    edited = getattr(args, "edited", None)

    def confirm(question) -> bool:
        if getattr(question, "kind", "") == "replace":
            return True if args.replace else talk.confirm(question)
        if getattr(question, "kind", "") == "edited":  # an edited row: keep its decision, or back to 待处理
            if edited is None and talk.asking:
                return talk.confirm(question)
            defaulted.append(question)
            return edited == "keep"
        # a unit name matching the registry the same way place names aside (市公安局 = 汉中市公安局)
        return talk.confirm(question) if talk.asking else True

    def choose(question: str, options: list[str]) -> int | None:
        return talk.choose_index(question, options)

    project = _open(args.project)
    try:
        reports = _recorded(project, "收集反馈表", lambda handle: collect_forms(
            handle, args.paths, round_number=args.round, confirm=confirm, choose=choose))
    finally:
        project.close()
    if not reports:
        raise LedgerError("没有找到反馈表文件（.xlsx）。")
    if args.json:
        print(json.dumps([r.to_json() for r in reports], ensure_ascii=False, indent=2))
    else:
        for report in reports:
            print(report.message)
            for note in report.notes:
                print(f"  提示：{note}")
        if defaulted:
            kept = edited == "keep"
            print(f"提示：{len(defaulted)}条已处理的意见在新反馈表中有改动，已{'保留原处理结果' if kept else '退回待处理'}"
                  f"（{'--edited keep' if kept else '默认；要保留原处理结果请加 --edited keep'}）。", file=sys.stderr)
        taken = sum(1 for r in reports if r.taken)
        hint = "" if args.replace or all(r.status != "declined" for r in reports) else "（要替换已收集的反馈表请加 --replace）"
        print(f"共{len(reports)}个文件：收取{taken}个，未收取{len(reports) - taken}个{hint}。", file=sys.stderr)
    return 0 if all(r.taken for r in reports) else 1


def run_ledger(args) -> int:
    from exports.ledger_xlsx import export_ledger

    filters = {}
    if getattr(args, "round", None) is not None:
        filters["round_number"] = args.round
    if getattr(args, "unit_id", None) is not None:
        filters["unit_id"] = args.unit_id
    if getattr(args, "category", None):
        filters["category"] = args.category
    if getattr(args, "disposition", None):
        try:
            filters["disposition"] = Disposition.from_label(args.disposition)
        except ValueError as error:
            raise LedgerError(str(error)) from None
    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise LedgerError(f"输出文件应为 .xlsx：{out.name}")
    project = _open(args.project, read_only=True)
    try:
        count = export_ledger(project, out, **filters)
    finally:
        project.close()
    print(out)
    print(f"已导出{count}条意见。", file=sys.stderr)
    return 0


def run_import_public(args) -> int:
    from exports.public_comments import guess_mapping, import_public_comments, parse_mapping, read_public_table

    mapping = parse_mapping(args.map) if args.map else None
    source = args.file
    if mapping is None:
        table = source = read_public_table(args.file, sheet=args.sheet)  # read once: guessed, then imported
        mapping = guess_mapping(table.headers)
        if "text" not in mapping:
            raise LedgerError(f"无法从表头判断意见内容所在的列，请用 --map text=列名 指定（表头：{'、'.join(table.headers)}）")
        print("按表头推测的列对应：" + "，".join(f"{k}={v}" for k, v in mapping.items()), file=sys.stderr)
    table_roles = set(mapping) if args.map else set(mapping) & {"disposition"}
    if table_roles & {"unit", "disposition", "reason"}:
        from ui.cli.reply import run_comment_table  # an existing comment table, with its decisions

        return run_comment_table(args, mapping)
    project = _open(args.project)
    try:
        report = _recorded(project, "导入公众意见", lambda handle: import_public_comments(
            handle, source, mapping, round_number=args.round, create_round=args.new_round, sheet=args.sheet))
    finally:
        project.close()
    print(report.message)
    return 0


def add_parsers(commands) -> None:
    """Register ``forms``, ``collect``, ``ledger`` and ``import-public`` on the subparsers of ``main.py``."""
    forms = commands.add_parser("forms", help="生成各单位的征求意见反馈表（.xlsx）")
    forms.add_argument("project", help="项目文件（.yjt）")
    forms.add_argument("--out", required=True, help="输出文件夹")
    forms.add_argument("--round", type=int, help="轮次（默认最新一轮书面征求）")
    forms.add_argument("--single-workbook", action="store_true", help="所有单位放在一个工作簿中，每个单位一个工作表")
    forms.add_argument("--changed-only", action="store_true", help="条款列表只列出本轮草案较上一稿修改和新增的条款")
    collect = commands.add_parser("collect", help="收取各单位返回的反馈表")
    collect.add_argument("project", help="项目文件（.yjt）")
    collect.add_argument("paths", nargs="+", help="反馈表文件或文件夹")
    collect.add_argument("--round", type=int, help="轮次（默认最新一轮书面征求）")
    collect.add_argument("--json", action="store_true", help="以 JSON 输出逐个文件的结果")
    collect.add_argument("--replace", action="store_true", help="单位重新报送的反馈表替换已收集的意见")
    collect.add_argument("--edited", choices=("keep", "pending"), default=None,
                         help="重新报送时内容有改动的已处理意见：keep 保留原处理结果，pending 退回待处理（非交互时默认）")
    ledger = commands.add_parser("ledger", help="导出征求意见汇总处理表（.xlsx）")
    ledger.add_argument("project", help="项目文件（.yjt）")
    ledger.add_argument("--out", required=True, help="输出文件（.xlsx）")
    ledger.add_argument("--round", type=int, help="只导出这一轮")
    ledger.add_argument("--unit-id", type=int, help="只导出这个单位")
    ledger.add_argument("--category", help="只导出这一类单位")
    ledger.add_argument("--disposition", help="只导出这种处理意见（如 未采纳）")
    public = commands.add_parser("import-public", help="导入网上公开征求意见的导出表（.xlsx/.csv）")
    public.add_argument("project", help="项目文件（.yjt）")
    public.add_argument("file", help="网站导出的表格（.xlsx 或 .csv）")
    public.add_argument("--map", help="列对应，如 text=留言内容,submitter=网名,clause=涉及条款,date=留言时间")
    public.add_argument("--round", type=int, help="记入哪一轮（默认最新一轮网上公开）")
    public.add_argument("--new-round", action="store_true", help="没有网上公开的轮次时新建一轮")
    public.add_argument("--sheet", help="工作表名称（默认第一个）")


COMMANDS = {"forms": run_forms, "collect": run_collect, "ledger": run_ledger, "import-public": run_import_public}
