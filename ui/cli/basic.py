"""The basic commands: ``outline``, ``new``, ``demo-project``, ``stats``, ``search`` and ``units``."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from ui.cli.errors import CommandError
from ui.cli.parsing import date_value



def _print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def cmd_outline(args) -> int:
    from exports.draft_files import load_draft

    draft = load_draft(args.file, simplified=args.simplified)
    if args.json:
        _print_json(draft.to_json())
    else:
        print(draft.outline_text())
        for warning in draft.warnings:
            print(f"提示：{warning}", file=sys.stderr)
    return 0


def _open_project(path, read_only=False):
    from storage.project import Project

    return Project.open(path, read_only=read_only, backup=not read_only)


def cmd_new(args) -> int:
    from exports.draft_files import load_draft
    from storage.project import Project

    draft = load_draft(args.draft, simplified=args.simplified)
    with Project.create(args.project, draft, title=args.title, source_file=Path(args.draft).name) as project:
        count = len(project.clauses())
        if args.date:
            from storage.versions import set_version_date

            set_version_date(project, 1, args.date)
    print(f"已建立项目“{args.project}”：草案共{count}个条款。")
    for warning in draft.warnings:
        print(f"提示：{warning}", file=sys.stderr)
    return 0


def cmd_demo_project(args) -> int:
    from storage.demo import build_demo_project

    if Path(args.project).exists() and not args.force:
        raise CommandError(f"“{args.project}”已存在；要覆盖请加 --force。")
    build_demo_project(args.project).close()
    print(f"已写出演示项目“{args.project}”（意见与处理结果为示例数据）。")
    return 0


def cmd_stats(args) -> int:
    with _open_project(args.project, read_only=True) as project:
        if args.round is not None and args.round not in [r.number for r in project.rounds()]:
            raise CommandError(f"没有第{args.round}轮征求意见。")
        stats = project.statistics(args.round, today=args.today)
    if args.json:
        _print_json(stats.to_json())
        return 0
    print(stats.sentence)
    print("征求单位：" + "，".join(f"{k}{v}个" for k, v in stats.units_consulted.items()))
    print(f"反馈有意见{stats.replied_with_comments}个，无意见{stats.replied_no_comments}个，"
          f"逾期视为无意见{stats.overdue}个，未反馈{stats.not_replied}个")
    print("处理情况：" + "，".join(f"{k}{v}条" for k, v in stats.by_disposition.items()))
    if stats.public_items:
        print(f"社会公众意见：{stats.public_submissions}人次，归并为{stats.public_items}条")
    return 0


def cmd_search(args) -> int:
    with _open_project(args.project, read_only=True) as project:
        hits = project.search(args.query, limit=args.limit)
    for hit in hits:
        where = "意见" if hit.kind == "comment" else "条款"
        print(f"{where}\t{hit.id}\t{hit.ref}\t{hit.snippet[:60]}")
    if not hits:
        print("没有找到。", file=sys.stderr)
    return 0


def cmd_units(args) -> int:
    from exports.units_registry import import_registry, write_registry
    from ui.cli.consultation import register_units

    if register_units(args) and not (args.import_file or args.export_file):
        return 0

    if args.import_file:
        with _open_project(args.project) as project:
            print(import_registry(project, args.import_file).message)
    if args.export_file:
        with _open_project(args.project, read_only=True) as project:
            print(f"已写出单位名录：{write_registry(project, args.export_file)}")
    if not (args.import_file or args.export_file):
        with _open_project(args.project, read_only=True) as project:
            for unit in project.units():
                print(f"{unit.category}\t{unit.name}\t{'、'.join(unit.aliases)}")
    return 0


def add_parsers(commands) -> None:
    outline = commands.add_parser("outline", help="显示草案的条款结构")
    outline.add_argument("file", help="草案文件（.docx 或 .txt）")
    outline.add_argument("--json", action="store_true", help="以 JSON 输出")
    outline.add_argument("--simplified", action="store_true", help="繁体字转换为简体字")

    new = commands.add_parser("new", help="由草案新建项目文件")
    new.add_argument("project", help="新项目文件（.yjt）")
    new.add_argument("--draft", required=True, help="草案文件（.docx 或 .txt）")
    new.add_argument("--title", help="计划标题（默认取草案标题）")
    new.add_argument("--date", type=date_value, help="第1稿形成日期（YYYY-MM-DD），写入起草过程")
    new.add_argument("--simplified", action="store_true", help="繁体字转换为简体字")

    demo = commands.add_parser("demo-project", help="写出内置的演示项目")
    demo.add_argument("project", help="项目文件（.yjt）")
    demo.add_argument("--force", action="store_true", help="文件已存在时覆盖")

    stats = commands.add_parser("stats", help="统计征求意见与处理情况")
    stats.add_argument("project", help="项目文件（.yjt）")
    stats.add_argument("--round", type=int, help="只统计第几轮（默认全部轮次）")
    stats.add_argument("--today", type=date_value, help="按哪一天判断逾期（YYYY-MM-DD，默认今天）")
    stats.add_argument("--json", action="store_true", help="以 JSON 输出")

    units = commands.add_parser("units", help="列出、导入或导出单位名录（.xlsx 或 .csv）")
    units.add_argument("project", help="项目文件（.yjt）")
    units.add_argument("--import", dest="import_file", help="从表格导入（新增或更新单位）")
    units.add_argument("--export", dest="export_file", help="导出到表格")
    from ui.cli.consultation import add_unit_options

    add_unit_options(units)

    search = commands.add_parser("search", help="检索意见、理由和条款")
    search.add_argument("project", help="项目文件（.yjt）")
    search.add_argument("query", help="要查找的文字，空格分隔多个词")
    search.add_argument("--limit", type=int, default=200, help="最多显示多少条")


COMMANDS = {"outline": cmd_outline, "new": cmd_new, "demo-project": cmd_demo_project, "stats": cmd_stats,
            "search": cmd_search, "units": cmd_units}
