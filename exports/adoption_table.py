"""The 意见采纳情况表: every comment with its unit, clause, disposition and reason.

It is the attachment 征求意见反馈情况 of the drafting explanation, and a landscape
document of its own. Rows are grouped by unit or by clause as the drafter chooses;
the units that had no comments (or did not answer in time) are named after the table.

>>> COLUMN_HEADERS
('序号', '单位', '条款', '意见建议', '采纳情况', '理由/说明')
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from docx.enum.text import WD_ALIGN_PARAGRAPH

from feedback.progress import Progress, silent
from exports.official_format import (LANDSCAPE, PORTRAIT, SIZE_SMALL_4, STYLE_ADDRESSEE, Column, FullWidthRow,
                                     OfficialDocument, xml_safe)
# the groupings are named in the domain (the drafter's choice is kept in the project) and offered from here too
from feedback.explanation_text import (GROUP_BY_CLAUSE, GROUP_BY_UNIT, GROUPINGS,  # noqa: F401
                                       clause_caption, quoted_title)
from feedback.ledger import Comment, LedgerError
from feedback.statistics import Statistics
from feedback.vocabulary import GENERAL_CLAUSE_REF, UNPLACED_CLAUSE_REF, Disposition, ReplyState
from storage.numbering import comment_numbers, fix_numbers

COLUMN_HEADERS = ("序号", "单位", "条款", "意见建议", "采纳情况", "理由/说明")
# widths in millimetres; scaled to the text block (156 mm portrait, 225 mm landscape)
# (序号 and 采纳情况 wide enough for 2 and 4 characters of 小四 on one line)
PORTRAIT_COLUMNS = [Column("序号", 12, "center"), Column("单位", 23, "center"), Column("条款", 24),
                    Column("意见建议", 46), Column("采纳情况", 21, "center"), Column("理由/说明", 30)]
LANDSCAPE_COLUMNS = [Column("序号", 12, "center"), Column("单位", 30, "center"), Column("条款", 36),
                     Column("意见建议", 78), Column("采纳情况", 21, "center"), Column("理由/说明", 48)]


@dataclass(frozen=True)
class AdoptionRow:
    """One comment as a table row."""

    number: int
    comment_id: int
    round_number: int
    unit: str
    category: str
    clause_ref: str
    clause: str
    body: str
    disposition: str
    note: str

    def cells(self) -> list[str]:
        return [str(self.number), self.unit, self.clause, self.body, self.disposition, self.note]

    def to_context(self) -> dict:
        """The row as template fields: ``{{ c.number }}``, ``{{ c.unit }}`` …"""
        return {"number": self.number, "id": self.comment_id, "round": self.round_number, "unit": self.unit,
                "category": self.category, "clause_ref": self.clause_ref, "clause": self.clause,
                "body": self.body, "disposition": self.disposition, "note": self.note, "reason": self.note}


def _work_phrase(item: str) -> str:
    item = item.strip()
    return item if item.endswith("工作") else item + "工作"


def comment_text(comment: Comment) -> str:
    """The comment as the table shows it, with the proposed wording when the text lacks it."""
    text = comment.body.strip()
    proposed = comment.proposed_wording.strip()
    if proposed and proposed not in text:
        text += f"\n建议修改为：{proposed}"
    if comment.submissions > 1:
        text += f"（{comment.submissions}人次提出）"
    return xml_safe(text)


def disposition_note(comment: Comment) -> str:
    """理由/说明: the drafter's reason; for 在工作中落实 the work item it goes to, said once:
    a reason that already names the work or says where it is carried out stands alone.

    >>> from feedback.ledger import Comment
    >>> c = lambda reason: Comment(1, 1, 1, '', '', '一', '', disposition=Disposition.IN_WORK,
    ...                            reason=reason, work_item='作风问题专项整治工作')
    >>> disposition_note(c('将在作风问题专项整治中统筹推进。'))
    '将在作风问题专项整治中统筹推进。'
    >>> disposition_note(c('另有部署。'))
    '将在作风问题专项整治工作中抓好落实。另有部署。'
    """
    reason = comment.reason.strip()
    work = comment.work_item.strip()
    if comment.disposition is Disposition.IN_WORK and work:
        stem = work.removesuffix("工作")
        if not reason:
            return xml_safe(f"将在{_work_phrase(work)}中抓好落实。")
        if stem not in reason and not any(word in reason for word in ("将在", "落实")):
            return xml_safe(f"将在{_work_phrase(work)}中抓好落实。" + reason)
    return xml_safe(reason)


UNPLACED_CAPTION = "未指明条款"
"""What the clause column says of a comment not yet placed (never the ledger's 待定位)."""


def _clause_places(project) -> dict[tuple[int, str], tuple[int, object]]:
    """(version, ref) → (position, clause) for every version a round went out on."""
    places = {}
    for version in {r.version_number for r in project.rounds()}:
        for position, clause in enumerate(project.clauses(version)):
            places[(version, clause.ref)] = (position, clause)
    return places


def adoption_rows(project, *, group_by: str = GROUP_BY_UNIT, round_number: int | None = None,
                  fix: bool = False) -> list[AdoptionRow]:
    """Every comment (of one round, or all) as numbered rows, in the chosen order.

    The numbers are the project's one numbering (``storage.numbering``); ``fix`` keeps
    them for good, as a document is going out.

    By unit: units in the order of the unit list (category, then as entered), each
    unit's comments in clause order. By clause: 总体意见 first, then clauses in draft
    order, 待定位 last, the units in list order within a clause. Rounds in order.
    """
    if group_by not in GROUPINGS:
        raise LedgerError(f"未知的分组方式：{group_by}（可选 unit 或 clause）")
    rounds = {r.number: r for r in project.rounds()}
    if round_number is not None and round_number not in rounds:
        raise LedgerError(f"没有第{round_number}轮征求意见。")
    unit_order = {u.id: i for i, u in enumerate(project.units())}
    places = _clause_places(project)
    comments = project.comments(round_number=round_number) if round_number is not None else project.comments()

    def clause_key(comment: Comment) -> tuple:
        if comment.clause_ref == GENERAL_CLAUSE_REF:
            return (0, -1, "")
        version = rounds[comment.round_number].version_number if comment.round_number in rounds else None
        place = places.get((version, comment.clause_ref))
        if place is not None:
            return (1, place[0], "")
        return (2 if comment.clause_ref != UNPLACED_CLAUSE_REF else 3, 0, comment.clause_ref)

    def unit_key(comment: Comment) -> int:
        return unit_order.get(comment.unit_id, len(unit_order))

    if group_by == GROUP_BY_UNIT:
        comments.sort(key=lambda c: (c.round_number, unit_key(c), clause_key(c), c.id))
    else:
        comments.sort(key=lambda c: (c.round_number, clause_key(c), unit_key(c), c.id))
    numbers = fix_numbers(project) if fix else comment_numbers(project)
    rows = []
    for comment in comments:
        number = numbers[comment.id]
        version = rounds[comment.round_number].version_number if comment.round_number in rounds else None
        place = places.get((version, comment.clause_ref))
        rows.append(AdoptionRow(
            number=number, comment_id=comment.id, round_number=comment.round_number, unit=comment.unit_name,
            category=comment.category, clause_ref=comment.clause_ref,
            clause=(UNPLACED_CAPTION if comment.clause_ref == UNPLACED_CLAUSE_REF
                    else clause_caption(comment.clause_ref, place[1] if place else None)),
            body=comment_text(comment), disposition=comment.disposition.label, note=disposition_note(comment)))
    return rows


def table_rows(project, rows: Sequence[AdoptionRow]) -> list:
    """The rows for ``OfficialDocument.table``; a heading row before each round when there are several."""
    rounds = {r.number: r for r in project.rounds()}
    several = len({r.round_number for r in rows}) > 1
    result: list = []
    current = None
    for row in rows:
        if several and row.round_number != current:
            current = row.round_number
            rnd = rounds.get(current)
            result.append(FullWidthRow(rnd.title if rnd else f"第{current}轮"))
        result.append(row.cells())
    return result


def merge_column(group_by: str) -> int:
    """The column whose equal neighbours are merged: 单位 or 条款."""
    return 1 if group_by == GROUP_BY_UNIT else 2


def reply_units(project, statistics: Statistics) -> dict[ReplyState, list[str]]:
    """The units by their reply state as the statistics see it, in unit-list order."""
    names = defaultdict(list)
    for unit in project.units():
        state = statistics.unit_states.get(unit.id)
        if state is not None:
            names[state].append(unit.name)
    return names


def reply_lines(project, statistics: Statistics) -> list[str]:
    """The sentences under the table naming the units without comments.

    The counts are those of the statistics; the names are its units in each state.
    """
    names = reply_units(project, statistics)
    lines = []
    if statistics.replied_no_comments:
        lines.append(f"以下{statistics.replied_no_comments}个单位无修改意见："
                     f"{'、'.join(names[ReplyState.NO_COMMENTS])}。")
    if statistics.overdue:
        lines.append(f"以下{statistics.overdue}个单位逾期未反馈，视为无意见："
                     f"{'、'.join(names[ReplyState.OVERDUE])}。")
    if statistics.not_replied:
        lines.append(f"以下{statistics.not_replied}个单位尚未反馈：{'、'.join(names[ReplyState.NONE])}。")
    return lines


def table_title(project, round_number: int | None = None) -> str:
    """``《…》意见采纳情况表``."""
    return f"{quoted_title(project.plan())}意见采纳情况表"


def adoption_table_context(project, *, group_by: str = GROUP_BY_UNIT, round_number: int | None = None) -> dict:
    """The fields a bureau's own table template can use (see ``exports.templates``)."""
    from exports.templates import common_context, title_fields

    rows = adoption_rows(project, group_by=group_by, round_number=round_number, fix=True)
    statistics = project.statistics(round_number)
    lines = reply_lines(project, statistics)
    context = common_context(project, statistics)
    context.update({
        **title_fields(table_title(project, round_number), LANDSCAPE),
        "round": round_number or "",
        "comments": [r.to_context() for r in rows],
        "groups": comment_groups(rows, group_by),
        "reply_lines": lines,
        "reply_text": "\a".join(lines),
    })
    return context


def comment_groups(rows: Sequence[AdoptionRow], group_by: str) -> list[dict]:
    groups: list[dict] = []
    for row in rows:
        name = row.unit if group_by == GROUP_BY_UNIT else row.clause
        if not groups or groups[-1]["name"] != name:
            groups.append({"name": name, "comments": []})
        groups[-1]["comments"].append(row.to_context())
    return groups


def build_adoption_table(project, *, group_by: str = GROUP_BY_UNIT, round_number: int | None = None,
                         progress: Progress | None = None, landscape: bool = True) -> OfficialDocument:
    """The document (landscape unless asked otherwise): title, (round), the table, the units without comments."""
    report = silent(progress)
    report(0.1, "正在读取意见")
    rows = adoption_rows(project, group_by=group_by, round_number=round_number, fix=True)
    statistics = project.statistics(round_number)
    doc = OfficialDocument(page=LANDSCAPE if landscape else PORTRAIT)
    doc.title(table_title(project, round_number), blank_after=round_number is None)
    if round_number is not None:
        rnd = next(r for r in project.rounds() if r.number == round_number)
        doc.paragraph(f"（{rnd.title}）", STYLE_ADDRESSEE).alignment = WD_ALIGN_PARAGRAPH.CENTER
        doc.blank_line()
    report(0.4, "正在生成表格")
    doc.table(LANDSCAPE_COLUMNS if landscape else PORTRAIT_COLUMNS, table_rows(project, rows),
              merge_column=merge_column(group_by),
              font_size=SIZE_SMALL_4)
    lines = reply_lines(project, statistics)
    if lines:
        doc.blank_line()
    for line in lines:
        doc.body(line)
    return doc


def write_adoption_table(project, path, *, group_by: str = GROUP_BY_UNIT, round_number: int | None = None,
                         template=None, progress: Progress | None = None, landscape: bool = True) -> Path:
    """Write the 意见采纳情况表 (from ``template`` when given; portrait when not ``landscape``) and return the path."""
    report = silent(progress)
    plan = project.plan()
    if template is not None:
        from exports.templates import render_template

        report(0.2, "正在填写模板")
        result = render_template(template, adoption_table_context(project, group_by=group_by,
                                                                  round_number=round_number), path)
    else:
        doc = build_adoption_table(project, group_by=group_by, round_number=round_number, progress=report,
                                   landscape=landscape)
        report(0.9, "正在保存")
        result = doc.save(path, title=table_title(project, round_number), author=plan.drafting_unit)
    report(1.0, "已完成")
    return result
