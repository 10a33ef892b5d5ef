"""The ``reply`` command: one unit's reply, in any format, logged as its comments.

    python main.py reply PROJECT FILE|- [--unit 单位] [--round N] [--date YYYY-MM-DD]

FILE is a letter (.txt, .docx, .doc/.wps, .pdf), the draft sent back with revisions or
edited, a Word feedback form, or one of the project's own .xlsx forms; ``-`` reads pasted
text (or just 无意见) from standard input. The unit and the round are never taken by
default: when the letter does not settle them they are asked on a terminal, otherwise
the command stops with the candidates. Comments go in through ``AddComments`` (a
no-comment reply through ``RecordReply``), the same undoable commands as the window.
"""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from ui.cli.errors import CommandError
from ui.cli.parsing import date_value
from ui.cli.running import ConsoleInteraction


def _talk(*, terminal: bool | None = None) -> ConsoleInteraction:
    """Asks on a terminal; otherwise declines, and the command names the candidates itself."""
    return ConsoleInteraction(decline=True, blank="都不是", terminal=terminal)


def _read(project, source: str, draft):
    from exports.reply_files import read_reply, read_reply_text

    if source == "-":
        return read_reply_text(sys.stdin.read(), draft, "标准输入")
    return read_reply(source, draft)


def _choose_unit(project, typed: str | None, file_name: str, talk: ConsoleInteraction, authors=()):
    """The registry unit of the reply; asked or refused when not certain, never a default."""
    from feedback.matching import ACCEPTED, UnitIndex, unit_from_authors, unit_from_file_name

    units = {u.id: u for u in project.units()}
    index = UnitIndex(list(units.values()), project.localities())
    if not typed and authors:
        unit_id, author = unit_from_authors(index, authors)
        if unit_id is not None:
            return units[unit_id], f"未写明单位，按修订人或批注人“{author}”识别为“{units[unit_id].name}”"
    if not typed and (unit_id := unit_from_file_name(index, Path(file_name).stem)) is not None:
        return units[unit_id], f"未写明单位，按文件名“{file_name}”识别为“{units[unit_id].name}”"
    if not typed:
        names = "、".join(u.name for u in list(units.values())[:8])
        choice = talk.choose(f"“{file_name}”是哪个单位的反馈？", [u.name for u in units.values()])
        if choice is None:
            raise CommandError(f"未能从“{file_name}”中识别出反馈单位，请用 --unit 指定（名单中有：{names}等）")
        return next(u for u in units.values() if u.name == choice), ""
    match = index.match(typed)
    if match.status in ACCEPTED:
        unit = units[match.unit_id]
        note = "" if unit.name == typed.strip() else f"来函单位“{typed}”已识别为“{unit.name}”"
        return unit, note
    options = [units[i] for i, _ in match.candidates if i in units]
    if not options:
        options = list(units.values())
    choice = talk.choose(f"来函单位“{typed}”是名单中的哪个单位？", [u.name for u in options])
    if choice is None:
        hint = f"（可能是：{'、'.join(u.name for u in options[:5])}）" if match.candidates else \
            "，请先在单位名单中添加该单位，或用 --unit 写明名单中的名称"
        raise CommandError(f"来函单位“{typed}”无法确定是名单中的哪个单位{hint}")
    unit = next(u for u in options if u.name == choice)
    return unit, f"来函单位“{typed}”已按选择识别为“{unit.name}”"


def _signer_differs(project, signer: str, unit) -> str:
    """A note when the letter is signed by another registered unit than the one given with --unit."""
    from feedback.matching import ACCEPTED, UnitIndex

    match = UnitIndex(project.units(), project.localities()).match(signer)
    if match.status in ACCEPTED and match.unit_id != unit.id:
        return f"注意：来函署名为“{signer}”，已按 --unit 记为“{unit.name}”的反馈，请核对"
    return ""


def _choose_round(project, unit, requested: int | None, talk: ConsoleInteraction,
                  dated: date | None = None) -> tuple[int, list[str]]:
    from feedback.matching import reply_round

    rounds = {r.number: r for r in project.rounds()}
    if not rounds:
        raise CommandError("项目中还没有征求意见轮次，请先建立一轮征求意见")
    if requested is not None and requested not in rounds:
        raise CommandError(f"没有第{requested}轮征求意见（现有：{'、'.join(r.title for r in rounds.values())}）")
    sent_on = {n: r.sent_on for n, r in rounds.items()}
    choice = reply_round(list(rounds), project.replies(), unit.id, requested, dated=dated, sent_on=sent_on)
    number = choice.number
    later = [n for n in reply_round(list(rounds), project.replies(), unit.id).candidates
             if dated and sent_on.get(n) and sent_on[n] > dated]
    notes = []
    if number is not None and requested is None and later:
        notes.append(f"来函日期{dated.isoformat()}早于第{'、'.join(map(str, later))}轮的发出日期，"
                     f"已记入第{number}轮")
    if requested is not None and dated and sent_on.get(requested) and sent_on[requested] > dated:
        notes.append(f"注意：来函日期{dated.isoformat()}早于第{requested}轮的发出日期"
                     f"{sent_on[requested].isoformat()}，请核对轮次")
    if number is None:
        titles = [rounds[n].title for n in choice.candidates]
        picked = talk.choose(f"“{unit.name}”的反馈属于哪一轮？", titles)
        if picked is None:
            raise CommandError(f"无法确定“{unit.name}”的反馈属于哪一轮，请用 --round 指定（{'、'.join(titles)}）")
        number = choice.candidates[titles.index(picked)]
        choice = reply_round(list(rounds), project.replies(), unit.id, number)
    if not choice.sent:
        notes.append(f"注意：第{number}轮征求意见没有发给“{unit.name}”，已按来函记入该轮")
    return number, notes


def run_reply(args) -> int:
    from feedback.commands import AddComments, RecordReply, execute
    from feedback.letters import comment_items
    from feedback.vocabulary import ReplyState
    from storage.project import Project

    source = args.file
    if source != "-" and Path(source).suffix.lower() in (".xlsx", ".xlsm"):
        from ui.cli.sheets import run_collect

        args.paths, args.json, args.replace = [source], False, False
        return run_collect(args)
    talk = _talk(terminal=False if source == "-" else None)  # stdin is the letter
    received = args.date
    project = Project.open(args.project)
    try:
        newest = project.draft()
        reply = _read(project, source, newest)
        file_name = reply.file
        unit, unit_note = _choose_unit(project, args.unit or reply.letter.unit_name_guess, file_name, talk,
                                       reply.letter.authors)
        if args.unit and reply.letter.unit_name_guess:
            unit_note = _signer_differs(project, reply.letter.unit_name_guess, unit) or unit_note
        number, notes = _choose_round(project, unit, args.round, talk, reply.letter.dated or received)
        version = next(r.version_number for r in project.rounds() if r.number == number)
        if version != max(v.number for v in project.versions()):
            reply = _read(project, source, project.draft(version))  # the draft this round was on
        letter = reply.letter
        received = received or letter.dated
        if received is None:
            received = date.today()
            notes.append("未能从来函中读出成文日期，收到日期记为今天（可用 --date 指定）")
        where = f"{reply.kind}“{file_name}”"
        if letter.comments:
            items = comment_items(letter, round_number=number, unit_id=unit.id, received_on=received, source=where)
            logged = {c.body for c in project.comments(round_number=number, unit_id=unit.id)}
            again = sum(1 for item in items if item["body"] in logged)
            if again == len(items):
                raise CommandError(f"“{file_name}”的{len(items)}条意见已录入过“{unit.name}”第{number}轮，未重复录入")
            if again:
                notes.append(f"其中{again}条与“{unit.name}”第{number}轮已录入的意见相同，请核对是否重复")
            change = execute(AddComments(project, items), talk)
        elif letter.no_comments:
            change = execute(RecordReply(project, number, unit.id, ReplyState.NO_COMMENTS, replied_on=received), talk)
        else:
            raise CommandError(f"“{file_name}”中未识别出意见，也未说明无修改意见；请核对文件，或手工录入")
        if change is None and talk.messages:
            raise CommandError(talk.messages[-1])
    finally:
        project.close()
    if letter.comments:
        print(f"已录入“{unit.name}”第{number}轮的{len(letter.comments)}条意见（{where}，收到日期{received.isoformat()}）：")
        for comment in letter.comments:
            excerpt = comment.text.replace("\n", " ")
            print(f"  [{comment.clause_ref}] {excerpt[:60]}{'…' if len(excerpt) > 60 else ''}")
    else:
        print(f"已记录“{unit.name}”第{number}轮{ReplyState.NO_COMMENTS.label}（{where}，{received.isoformat()}）")
    if args.unit:  # the unit was given: not finding it in the letter is no news
        letter.warnings = [w for w in letter.warnings if "识别出反馈单位" not in w]
    for note in ([unit_note] if unit_note else []) + notes + letter.warnings:
        print(f"提示：{note}", file=sys.stderr)
    return 0


def run_comment_table(args, mapping: dict[str, str]) -> int:
    """``import-public`` with unit, disposition or reason columns: an existing comment table, row by row,
    with the published decisions, through ``AddComments``."""
    from exports.public_comments import read_comment_table
    from feedback.commands import AddComments, execute
    from storage.intake import public_unit
    from storage.project import Project

    talk = _talk()
    project = Project.open(args.project)
    try:
        rounds = project.rounds()
        number = args.round
        if number is None:
            if len(rounds) != 1:
                titles = "、".join(r.title for r in rounds) or "无"
                raise CommandError(f"请用 --round 指定意见表记入哪一轮（现有：{titles}）")
            number = rounds[0].number
        with project.transaction():  # 社会公众, added for a table of persons' comments, only with them
            public = public_unit(project) if "unit" not in mapping and "submitter" in mapping else None
            intake = read_comment_table(project, args.file, mapping, round_number=number, choose=talk.choose,
                                        public_unit_id=public)
            change = execute(AddComments(project, intake.items), talk)
            if change is None:
                raise CommandError(talk.messages[-1] if talk.messages else f"“{intake.file}”未导入")
    finally:
        project.close()
    decided = sum(1 for item in intake.items if item["disposition"].value != "pending")
    print(f"“{intake.file}”：已导入{len(intake.items)}条意见（其中{decided}条带有原表的处理结果），记入第{number}轮")
    for note in intake.notes:
        print(f"提示：{note}", file=sys.stderr)
    return 0


def add_parsers(commands) -> None:
    """Register ``reply`` on the subparsers of ``main.py``."""
    reply = commands.add_parser("reply", help="录入一个单位的反馈（来函、修订稿、反馈表，或“无意见”）")
    reply.add_argument("project", help="项目文件（.yjt）")
    reply.add_argument("file", help="来函文件（.txt/.docx/.doc/.wps/.pdf、退回的修订稿、反馈表），或 - 从标准输入读取")
    reply.add_argument("--unit", help="反馈单位（默认按来函识别；识别不了时询问或报错，不会默认）")
    reply.add_argument("--round", type=int, help="轮次（默认为该单位被征求的那一轮）")
    reply.add_argument("--date", type=date_value, help="收到日期（默认取来函的成文日期）")


COMMANDS = {"reply": run_reply}
