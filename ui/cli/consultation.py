"""The consultation on the command line: the plan, rounds, comments, decisions and their history.

    python main.py plan PROJECT [--set 字段=值 …]
    python main.py round PROJECT add [--method 书面征求] [--sent D] [--deadline D] [--units 全部|类别|单位,…]
    python main.py round PROJECT edit N [--sent D] [--deadline D] [--note …] [--units …]
    python main.py round PROJECT list
    python main.py comment PROJECT add --unit 单位 --clause 条款 --text 意见 [--proposed …] [--round N]
    python main.py comment PROJECT list [--pending] [--json]
    python main.py decide PROJECT ID 采纳|部分采纳|未采纳|在工作中落实 [--reason …]
    python main.py history PROJECT [--comment ID]

Every change is one of the application's commands (``feedback.commands``), checked
and done as in the window; a refusal is one Chinese line and exit status 2.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from contextlib import contextmanager
from typing import Iterator

from feedback.document_commands import PLAN_FIELD_LABELS
from feedback.vocabulary import (COMMENT_FIELD_LABELS, GENERAL_CLAUSE_REF, UNPLACED_CLAUSE_REF, Disposition,
                                 ReplyState, RoundMethod)
from ui.cli.errors import CommandError
from ui.cli.parsing import date_value, positive_int
from ui.cli.running import ConsoleInteraction, run_command

PROJECT_HELP = "项目文件（.yjt）"


@contextmanager
def _project(path, read_only: bool = False) -> Iterator:
    from storage.project import Project

    project = Project.open(path, read_only=read_only, backup=not read_only)
    try:
        yield project
    finally:
        project.close()


def _print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


# -- the plan ------------------------------------------------------------------------------------------------

_PLAN_KEYS = {**{key: key for key in PLAN_FIELD_LABELS}, **{label: key for key, label in PLAN_FIELD_LABELS.items()},
              "标题": "title", "电话": "contact_phone"}


def plan_values(pairs: list[str]) -> dict:
    """``字段=值`` pairs as plan fields; a date field's value is read as a day, an empty value clears it."""
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        key = _PLAN_KEYS.get(name.strip())
        if not sep or key is None:
            problem = f"没有“{name.strip()}”这个字段" if sep else f"“{pair}”应写成 字段=值"
            raise CommandError(f"{problem}，字段可以是：{'、'.join(PLAN_FIELD_LABELS.values())}")
        value = value.strip()
        if key.endswith("_on"):
            try:
                value = date_value(value) if value else None
            except argparse.ArgumentTypeError as error:
                raise CommandError(f"{PLAN_FIELD_LABELS[key]}：{error}") from None
        values[key] = value
    return values


def run_plan(args) -> int:
    from feedback.document_commands import EditPlan

    values = plan_values(args.set or [])
    with _project(args.project, read_only=not values) as project:
        if values:
            change = run_command(EditPlan(project, **values))
            if change:
                print(change.message, file=sys.stderr)
        plan = project.plan()
    for key, label in PLAN_FIELD_LABELS.items():
        value = getattr(plan, key)
        print(f"{label}：{value.isoformat() if hasattr(value, 'isoformat') else value or '—'}")
    return 0


# -- units (the registry part of ``units``) ---------------------------------------------------------------------

def register_units(args) -> bool:
    """``units --add-category``, ``--from-draft`` and ``--add``; False when none of them was asked for."""
    from feedback.commands import AddCategory, AddUnits

    if not (args.add_category or args.from_draft or args.add):
        return False
    if args.category and not args.add:
        raise CommandError("--category 须与 --add 一起使用。")
    with _project(args.project) as project:
        if args.add_category:
            print(run_command(AddCategory(project, args.add_category)).message)
        if args.from_draft:
            missing = [(name, category) for name, category in project.units.propose_recipients()
                       if not project.find_units(name)]
            if not missing:
                print("草案中提到的单位都已在名单中。")
            else:
                run_command(AddUnits(project, [dict(name=n, category=c) for n, c in missing],
                                     f"登记草案中提到的{len(missing)}个单位"))
                print(f"已登记草案中提到的{len(missing)}个单位（类别按名称推测，可用 units --export 核对）：")
                for name, category in missing:
                    print(f"{category}\t{name}")
        if args.add:
            if not args.category:
                raise CommandError(f"请用 --category 指明“{args.add}”的类别（可选：{'、'.join(project.categories())}）。")
            known = project.find_units(args.add)
            if known:
                raise CommandError(f"“{args.add}”已在名单中（登记为“{known[0].name}”）。")
            if args.category not in project.categories():
                raise CommandError(f"没有“{args.category}”这个单位类别（现有：{'、'.join(project.categories())}；"
                                   "新类别用 --add-category 添加）。")
            run_command(AddUnits(project, [dict(name=args.add, category=args.category)]))
            print(f"已登记单位“{args.add}”（{args.category}）。")
    return True


def add_unit_options(units) -> None:
    """The registry options of ``units`` (its parser lives with the basic commands)."""
    units.add_argument("--from-draft", action="store_true", help="登记草案中提到而名单中还没有的单位")
    units.add_argument("--add", metavar="名称", help="登记一个单位（须同时给出 --category）")
    units.add_argument("--category", metavar="类别", help="--add 的单位类别，如 市级部门、县区")
    units.add_argument("--add-category", metavar="类别", help="添加一个单位类别")


# -- rounds ---------------------------------------------------------------------------------------------------

def _method(text: str) -> RoundMethod:
    try:
        return RoundMethod.from_label(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"“{text}”不是征求方式（可选：{'、'.join(m.label for m in RoundMethod)}）") from None


def _unit(project, name: str):
    found = project.find_units(name)
    if not found:
        raise CommandError(f"名单中没有“{name}”；先用“units 项目 --add {name} --category 类别”登记。")
    if len(found) > 1:
        raise CommandError(f"“{name}”可能是：{'、'.join(u.name for u in found)}，请写全称。")
    return found[0]


def recipients(project, spec: str | None) -> tuple[list[int], list[tuple[str, str]]]:
    """(registered unit ids, (name, category) to register) a round goes to.

    ``spec`` is 全部, a category or unit names, separated by commas; without it the
    units the draft names (registering those not yet in the list), else every unit.
    """
    if spec is None:
        ids, new = [], []
        for name, category in project.units.propose_recipients():
            found = project.find_units(name)
            if found:
                ids.append(found[0].id)
            else:
                new.append((name, category))
        if ids or new:
            return list(dict.fromkeys(ids)), new
        return [u.id for u in project.units()], []
    units, categories, ids = project.units(), project.categories(), []
    for item in filter(None, (part.strip() for part in re.split(r"[,，、]", spec))):
        if item == "全部":
            ids += [u.id for u in units]
        elif item in categories:
            ids += [u.id for u in units if u.category == item]
        else:
            ids.append(_unit(project, item).id)
    if not ids:
        raise CommandError(f"“{spec}”中没有任何单位。")
    return list(dict.fromkeys(ids)), []


def _round_fields(args) -> dict:
    fields = {}
    for key, value in (("method", args.method), ("sent_on", args.sent), ("deadline", args.deadline),
                       ("note", args.note)):
        if value is not None:
            fields[key] = value
    return fields


def _round_line(project, found) -> str:
    replies = project.replies(found.number)
    counts = {state: sum(1 for r in replies if r.state is state) for state in ReplyState}
    dates = f"发出{found.sent_on or '—'}，截止{found.deadline or '—'}"
    answers = "，".join(f"{state.label}{count}个" for state, count in counts.items() if count)
    note = f"；{found.note}" if found.note else ""
    return f"{found.title}\t第{found.version_number}稿\t{dates}\t发送{len(replies)}个单位（{answers or '—'}）{note}"


def run_round(args) -> int:
    from feedback.commands import AddRound, EditRound

    if args.action == "list":
        with _project(args.project, read_only=True) as project:
            rounds = project.rounds()
            for found in rounds:
                print(_round_line(project, found))
        if not rounds:
            print("还没有征求意见的轮次；用“round 项目 add”建立。", file=sys.stderr)
        return 0
    with _project(args.project) as project:
        if args.action == "add":
            # a round put up online goes to the public, to no unit unless named
            online = args.method is RoundMethod.ONLINE and args.units is None
            ids, new = ([], []) if online else recipients(project, args.units)
            fields = _round_fields(args)
            if args.version is not None:
                fields["version_number"] = args.version
            change = run_command(AddRound(project, recipients=ids, new_units=new, **fields))
            message = f"{change.message}：{'向社会公开，不发送单位' if online else f'发送{len(ids) + len(new)}个单位'}"
            print(message + (f"（其中新登记草案中提到的{len(new)}个）" if new else "") + "。")
        else:
            chosen = recipients(project, args.units)[0] if args.units is not None else None
            change = run_command(EditRound(project, args.number, recipients=chosen, **_round_fields(args)))
            if change is None:
                return 0
            print(change.message + "。")
        found = next(r for r in project.rounds() if r.number == change.ids[0])
        print(_round_line(project, found))
    return 0


# -- comments --------------------------------------------------------------------------------------------------

def _clause_ref(project, round_found, text: str | None) -> str:
    from exports.forms import ClauseResolver

    if not text:
        print(f"提示：未指明条款，记为“{UNPLACED_CLAUSE_REF}”。", file=sys.stderr)
        return UNPLACED_CLAUSE_REF
    clauses = project.clauses(round_found.version_number)
    ref = ClauseResolver((c.ref, c.heading) for c in clauses).resolve(text)
    if ref is None:
        raise CommandError(f"第{round_found.version_number}稿中没有条款“{text}”（用“outline”查看条款编号，"
                           f"对全文的意见写“{GENERAL_CLAUSE_REF}”）。")
    return ref


def _comment_id(project, number: int) -> int:
    """The comment bearing ``number`` (the 序号 of the ledger and every document)."""
    from storage.numbering import comment_numbers

    found = [comment_id for comment_id, shown in comment_numbers(project).items() if shown == number]
    if not found:
        raise CommandError(f"没有序号为{number}的意见（序号见 comment list 第一列）。")
    return found[0]


def _comment_json(comment, number: int) -> dict:
    return {"number": number, "id": comment.id, "round": comment.round_number, "unit": comment.unit_name, "category": comment.category,
            "clause": comment.clause_ref, "text": comment.body, "proposed": comment.proposed_wording,
            "quoted": comment.quoted_text, "received_on": comment.received_on and comment.received_on.isoformat(),
            "disposition": comment.disposition.label, "reason": comment.reason, "work_item": comment.work_item,
            "handler": comment.handler, "decided_on": comment.decided_on and comment.decided_on.isoformat()}


def run_comment(args) -> int:
    from feedback.commands import AddComments

    if args.action == "list":
        with _project(args.project, read_only=True) as project:
            filters = {}
            if args.pending:
                filters["disposition"] = Disposition.PENDING
            if args.round is not None:
                filters["round_number"] = args.round
            if args.unit:
                filters["unit_id"] = _unit(project, args.unit).id
            from storage.numbering import comment_numbers

            numbers = comment_numbers(project)  # listed by the 序号 of the ledger and every document
            comments = sorted(project.comments(**filters), key=lambda c: numbers[c.id])
        if args.json:
            _print_json([_comment_json(c, numbers[c.id]) for c in comments])
            return 0
        for c in comments:
            body = " ".join(c.body.split())  # one line per comment, whatever its paragraphs
            print(f"{numbers[c.id]}\t第{c.round_number}轮\t{c.unit_name}\t{c.clause_ref}\t{c.disposition.label}\t{body}")
        print(f"共{len(comments)}条意见。", file=sys.stderr)
        return 0
    with _project(args.project) as project:
        rounds = project.rounds()
        if not rounds:
            raise CommandError("请先建立一轮征求意见（round 项目 add）。")
        number = rounds[-1].number if args.round is None else args.round
        round_found = next((r for r in rounds if r.number == number), None)
        if round_found is None:
            raise CommandError(f"没有第{number}轮征求意见。")
        unit = _unit(project, args.unit)
        item = dict(round_number=number, unit_id=unit.id, clause_ref=_clause_ref(project, round_found, args.clause),
                    body=args.text, proposed_wording=args.proposed or "", quoted_text=args.quote or "",
                    received_on=args.date, source=args.source or "")
        change = run_command(AddComments(project, [item]))
        from storage.numbering import comment_numbers

        shown = comment_numbers(project)[change.ids[0]]
    print(f"已录入第{shown}号意见（第{number}轮，{unit.name}，{item['clause_ref']}）。")
    return 0


def run_decide(args) -> int:
    from feedback.commands import SetDisposition

    disposition = Disposition.from_label(args.disposition)
    with _project(args.project) as project:
        change = run_command(SetDisposition(project, _comment_id(project, args.id), disposition, reason=args.reason,
                                            work_item=args.work_item, handler=args.handler,
                                            who=args.handler or ""), ConsoleInteraction())
    if change is not None:
        print(f"第{args.id}号意见{change.message}。")
    return 0


def run_history(args) -> int:
    from storage.numbering import comment_numbers

    with _project(args.project, read_only=True) as project:
        comment_id = None if args.comment is None else _comment_id(project, args.comment)
        entries = project.history(comment_id)
        units = {u.id: u.name for u in project.units()}
        numbers = comment_numbers(project)

    def shown(field: str, value: str | None) -> str:
        if value is None or value == "":
            return "—"
        if field == "disposition":
            try:
                return Disposition(value).label
            except ValueError:
                return value
        if field == "unit_id" and value.isdigit():
            return units.get(int(value), value)
        return " ".join(value.split())

    for entry in entries:
        who = f"\t{entry.who}" if entry.who else ""
        shown_number = f"第{numbers[entry.comment_id]}号" if entry.comment_id in numbers else "已删除的意见"
        print(f"{entry.at.replace('T', ' ')[:16]}\t{shown_number}\t"
              f"{COMMENT_FIELD_LABELS.get(entry.field, entry.field)}：{shown(entry.field, entry.old_value)} → "
              f"{shown(entry.field, entry.new_value)}{who}")
    if not entries:
        print("还没有修改记录。", file=sys.stderr)
    return 0


def add_parsers(commands) -> None:
    plan = commands.add_parser("plan", help="显示或设定文稿信息（起草单位、主送机关、简称、成文日期、联系人…）")
    plan.add_argument("project", help=PROJECT_HELP)
    plan.add_argument("--set", nargs="+", metavar="字段=值",
                      help="设定的字段：" + "、".join(PLAN_FIELD_LABELS.values()) + "；值为空表示清除")

    rounds = commands.add_parser("round", help="建立、修改或列出征求意见的轮次")
    rounds.add_argument("project", help=PROJECT_HELP)
    actions = rounds.add_subparsers(dest="action", metavar="操作", required=True)
    add = actions.add_parser("add", help="建立一轮征求意见")
    edit = actions.add_parser("edit", help="修改一轮的方式、日期、备注或发送单位")
    edit.add_argument("number", type=positive_int, metavar="轮次", help="第几轮")
    for parser, default in ((add, RoundMethod.WRITTEN), (edit, None)):
        parser.add_argument("--method", type=_method, default=default, metavar="方式",
                            help="征求方式：" + "、".join(m.label for m in RoundMethod)
                            + ("（默认书面征求）" if default else ""))
        parser.add_argument("--sent", type=date_value, metavar="日期", help="发出日期，如 2023-04-10")
        parser.add_argument("--deadline", type=date_value, metavar="日期", help="反馈截止日期")
        parser.add_argument("--note", metavar="备注", help="备注")
        parser.add_argument("--units", metavar="单位", help="发送单位：全部、某一类别或单位名称，逗号分隔"
                            + ("（默认草案中提到的单位，草案未提到单位时为全部）" if default else ""))
    add.add_argument("--version", type=positive_int, metavar="稿", help="征求意见的是第几稿（默认最新一稿）")
    actions.add_parser("list", help="列出各轮及其反馈情况")

    comment = commands.add_parser("comment", help="录入或列出意见")
    comment.add_argument("project", help=PROJECT_HELP)
    actions = comment.add_subparsers(dest="action", metavar="操作", required=True)
    add = actions.add_parser("add", help="录入一条意见")
    add.add_argument("--unit", required=True, metavar="单位", help="提出意见的单位（名单中的名称或别名）")
    add.add_argument("--clause", metavar="条款", help=f"针对的条款，如 三（二）4；对全文的意见写 {GENERAL_CLAUSE_REF}")
    add.add_argument("--text", required=True, metavar="意见", help="意见内容")
    add.add_argument("--proposed", metavar="文字", help="建议修改为")
    add.add_argument("--quote", metavar="原文", help="意见针对的原文")
    add.add_argument("--round", type=positive_int, metavar="轮次", help="第几轮（默认最新一轮）")
    add.add_argument("--date", type=date_value, metavar="日期", help="收到日期")
    add.add_argument("--source", metavar="来源", help="来源，如 复函文号")
    listing = actions.add_parser("list", help="列出意见")
    listing.add_argument("--pending", action="store_true", help="只列出待处理的")
    listing.add_argument("--round", type=positive_int, metavar="轮次", help="只列出这一轮的")
    listing.add_argument("--unit", metavar="单位", help="只列出这个单位的")
    listing.add_argument("--json", action="store_true", help="以 JSON 输出")

    decide = commands.add_parser("decide", help="处理一条意见：采纳、部分采纳、未采纳或在工作中落实")
    decide.add_argument("project", help=PROJECT_HELP)
    decide.add_argument("id", type=positive_int, metavar="序号",
                        help="意见序号（台账和各文稿中的序号，comment list 第一列）")
    decide.add_argument("disposition", choices=[d.label for d in Disposition], metavar="处理结果",
                        help="、".join(d.label for d in Disposition))
    decide.add_argument("--reason", metavar="理由", help="理由或说明（部分采纳、未采纳、在工作中落实须填写）")
    decide.add_argument("--work-item", metavar="工作", help="在哪项工作中落实")
    decide.add_argument("--handler", metavar="经办人", help="经办人")

    history = commands.add_parser("history", help="显示意见的修改记录")
    history.add_argument("project", help=PROJECT_HELP)
    history.add_argument("--comment", type=positive_int, metavar="序号", help="只显示这条意见的（台账中的序号）")


COMMANDS = {"plan": run_plan, "round": run_round, "comment": run_comment, "decide": run_decide,
            "history": run_history}
