"""The reply to every unit (意见采纳情况反馈): how each of its comments was handled and why.

One short document per unit in the official format: title ``关于《…》意见建议采纳情况的反馈``,
the unit as addressee, a sentence with its counts, a table of its comments (the
project's one numbering, clause, comment, disposition, reason), unit and date. Units
that said they had no comments get a line of thanks when asked, else nothing. All
are written into one folder, a file per unit named after it.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from exports.adoption_table import AdoptionRow, adoption_rows
from exports.official_format import Column, OfficialDocument
from exports.saving import safe_file_name
from feedback.explanation_text import chinese_date, drafting_unit, plain_title, quoted_title, short_name
from feedback.ledger import LedgerError
from feedback.progress import Progress
from feedback.vocabulary import Disposition, ReplyState, UnitCategory

COLUMNS = [Column("序号", 12, "center"), Column("条款", 26), Column("意见建议", 50),
           Column("采纳情况", 20, "center"), Column("理由/说明", 48)]


@dataclass
class UnitAnswer:
    """What one unit is told."""

    unit: str
    rows: list[AdoptionRow] = field(default_factory=list)

    @property
    def no_comments(self) -> bool:
        return not self.rows


def answer_title(plan) -> str:
    """``关于《…》意见建议采纳情况的反馈``."""
    return f"关于{quoted_title(plan)}意见建议采纳情况的反馈"


def count_sentence(rows: list[AdoptionRow]) -> str:
    """``你单位共提出意见建议3条，经认真研究，采纳2条、未采纳1条。``

    >>> row = lambda d: AdoptionRow(1, 1, 1, '甲', '', '一', '一', '意见', d, '')
    >>> count_sentence([row('采纳'), row('采纳'), row('在工作中落实')])
    '你单位共提出意见建议3条，经认真研究，采纳2条，1条将在工作中落实。'
    """
    counts = Counter(r.disposition for r in rows)
    parts = [f"{d.label}{counts[d.label]}条" for d in
             (Disposition.ADOPTED, Disposition.PARTLY_ADOPTED, Disposition.REJECTED) if counts[d.label]]
    text = "、".join(parts)
    if counts[Disposition.IN_WORK.label]:
        text += ("，" if text else "") + f"{counts[Disposition.IN_WORK.label]}条将在工作中落实"
    if counts[Disposition.PENDING.label]:
        text += ("，" if text else "") + f"{counts[Disposition.PENDING.label]}条正在研究"
    return f"你单位共提出意见建议{len(rows)}条，经认真研究，{text}。"


def unit_answers(project, *, round_number: int | None = None, thank_no_comments: bool = False) -> list[UnitAnswer]:
    """One answer per unit that commented (and per unit without comments when thanked), in list order."""
    rows = adoption_rows(project, round_number=round_number, fix=True)
    by_unit: dict[str, list[AdoptionRow]] = {}
    for row in rows:
        if row.category == UnitCategory.PUBLIC.label:  # the public is answered by publishing the table
            continue
        by_unit.setdefault(row.unit, []).append(row)
    answers = [UnitAnswer(unit, unit_rows) for unit, unit_rows in by_unit.items()]
    if thank_no_comments:
        states = project.statistics(round_number).unit_states
        names = {u.id: u.name for u in project.units()}
        silent = [names[i] for i, s in states.items() if s is ReplyState.NO_COMMENTS and names.get(i)]
        order = {u.name: n for n, u in enumerate(project.units())}
        answers += [UnitAnswer(name) for name in silent if name not in by_unit]
        answers.sort(key=lambda a: order.get(a.unit, len(order)))
    return answers


def build_answer(project, answer: UnitAnswer, when: date) -> OfficialDocument:
    plan = project.plan()
    doc = OfficialDocument()
    doc.title(answer_title(plan))
    doc.addressee(f"{answer.unit}：")
    draft = f"《{plain_title(plan.title)}（征求意见稿）》"
    if answer.no_comments:
        doc.body(f"你单位对{draft}反馈无修改意见。感谢你单位对{short_name(plan)}起草工作的支持！")
    else:
        doc.body(f"感谢你单位对{draft}提出的意见建议。{count_sentence(answer.rows)}具体采纳情况如下：")
        doc.blank_line()
        doc.table(COLUMNS, [[str(r.number), r.clause, r.body, r.disposition, r.note] for r in answer.rows])
    doc.signature(drafting_unit(plan), chinese_date(when))
    return doc


def answer_file_name(unit: str, plan, *, folder=None, taken: set[str] | None = None) -> str:
    """``市财政局—行动计划—意见采纳情况反馈.docx``, safe on every system and unique within ``taken``."""
    short = short_name(plan).strip("《》")
    return safe_file_name("—".join(part for part in (unit, short, "意见采纳情况反馈") if part), ".docx",
                          folder=folder, taken=taken, fallback="单位")


def write_answers(project, out_dir, *, round_number: int | None = None, thank_no_comments: bool = False,
                  when: date | None = None, progress: Progress | None = None) -> list[Path]:
    """Write every unit's answer into ``out_dir``; return the files written."""
    answers = unit_answers(project, round_number=round_number, thank_no_comments=thank_no_comments)
    if not answers:
        raise LedgerError("没有需要反馈的单位：台账中还没有各单位的意见。")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    plan = project.plan()
    title = answer_title(plan)
    written = []
    names: set[str] = set()
    for done, answer in enumerate(answers, 1):
        doc = build_answer(project, answer, when or date.today())
        name = answer_file_name(answer.unit, plan, folder=out, taken=names)
        written.append(doc.save(out / name, title=title, author=plan.drafting_unit))
        if progress:
            progress.step(done, len(answers))
    return written
