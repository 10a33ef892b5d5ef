"""The check before an outgoing document is generated: what would go out wrong.

Each check is a plain function taking a ``PreflightContext`` (the project façade,
the document kind, the round) and returning ``Finding`` values; ``CHECKS`` lists
them and ``preflight`` runs them all. A new check is one more function appended to
``CHECKS``. The project is used only through its reading methods (``plan``,
``rounds``, ``comments``, ``statistics`` …), so a check stays free of file formats.

>>> findings = preflight(_Empty(), EXPLANATION)
>>> [f.code for f in findings]
['plan.title', 'plan.drafting_unit', 'plan.addressee', 'plan.written_on', 'empty.rounds', 'empty.comments']
>>> print(findings[2].message)
尚未填写主送机关：说明将没有主送机关，“按程序报……审定”缺少审定机关。
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable, Iterable, List, Sequence

from feedback.vocabulary import UNPLACED_CLAUSE_REF, Disposition, ReplyState, RoundMethod

EXPLANATION = "explanation"
TABLE = "table"
LETTER = "letter"
COMPARISON = "comparison"
ANSWERS = "answers"
REDLINE = "redline"
DOCUMENT_NAMES = {EXPLANATION: "起草情况说明", TABLE: "意见采纳情况表", LETTER: "征求意见函",
                  COMPARISON: "修改对照表", ANSWERS: "意见采纳情况反馈", REDLINE: "修订稿"}
# the documents that list the comments and their handling
_COMMENT_DOCUMENTS = (EXPLANATION, TABLE, ANSWERS)
# the documents that say how the comments changed the text
_REVISION_DOCUMENTS = (EXPLANATION, TABLE, ANSWERS, COMPARISON, REDLINE)


@dataclass(frozen=True)
class Finding:
    """One thing to set right before the document goes out; ``code`` names the kind. An
    ``advisory`` one asks the drafter to look again (it may well be right as it is) and does
    not stop generation."""

    code: str
    message: str
    advisory: bool = False


@dataclass
class PreflightContext:
    project: object
    document: str
    round_number: int | None = None
    today: date | None = None
    sections: Sequence[tuple[str, str]] = ()  # (title, body) of the document's sections, as stored
    # what the consistency check of the ledger against the text found (``feedback.consistency.Finding``)
    consistency: Sequence = ()

    @property
    def day(self) -> date:
        return self.today or date.today()


Check = Callable[[PreflightContext], Iterable[Finding]]


def check_plan_details(ctx: PreflightContext) -> list[Finding]:
    """Title, drafting unit, addressee and date of the explanation; contact of a letter."""
    plan = ctx.project.plan()
    found = []
    if not plan.title.strip():
        found.append(Finding("plan.title", "尚未填写文件标题：标题将只有书名号。"))
    if not plan.drafting_unit.strip():
        found.append(Finding("plan.drafting_unit", "尚未填写起草单位：落款将是“我单位”。"))
    if ctx.document == EXPLANATION:
        if not plan.addressee.strip():
            found.append(Finding("plan.addressee",
                                 "尚未填写主送机关：说明将没有主送机关，“按程序报……审定”缺少审定机关。"))
        if plan.written_on is None:
            found.append(Finding("plan.written_on", "尚未填写成文日期：落款将是生成当天的日期。"))
    if ctx.document == LETTER and not (plan.contact_person.strip() or plan.contact_phone.strip()):
        found.append(Finding("plan.contact", "尚未填写联系人和联系电话：函中将没有联系方式。"))
    return found


def _rounds(ctx: PreflightContext) -> list:
    rounds = ctx.project.rounds()
    if ctx.round_number is not None:
        rounds = [r for r in rounds if r.number == ctx.round_number]
    return rounds


def check_letter_round(ctx: PreflightContext) -> list[Finding]:
    """A letter needs its round's deadline, date and recipients."""
    if ctx.document != LETTER:
        return []
    found = []
    for rnd in _rounds(ctx):
        if rnd.deadline is None:
            found.append(Finding("round.deadline", f"第{rnd.number}轮没有反馈截止日期：函中的期限将是空白。"))
        if rnd.sent_on is None:
            found.append(Finding("round.sent_on", f"第{rnd.number}轮没有发出日期：落款将是生成当天的日期。"))
        if not ctx.project.replies(rnd.number):
            found.append(Finding("empty.recipients", f"第{rnd.number}轮尚未选定征求意见的单位：函没有主送单位。"))
    return found


def check_comments_resolved(ctx: PreflightContext) -> list[Finding]:
    """No comment may go out unplaced (待定位), undecided (待处理) or without the reason it owes."""
    if ctx.document not in _COMMENT_DOCUMENTS:
        return []
    filters = {} if ctx.round_number is None else {"round_number": ctx.round_number}
    comments = ctx.project.comments(**filters)
    unplaced = [c for c in comments if c.clause_ref == UNPLACED_CLAUSE_REF]
    pending = [c for c in comments if c.disposition is Disposition.PENDING]
    no_reason = [c for c in comments if c.reason_missing]
    found = []
    if unplaced:
        found.append(Finding("comments.unplaced", f"有{len(unplaced)}条意见尚未对应到条款（待定位）："
                             f"{_units_of(unplaced)}。"))
    if pending:
        found.append(Finding("comments.pending", f"有{len(pending)}条意见尚未处理（待处理）：{_units_of(pending)}。"))
    if no_reason:
        found.append(Finding("comments.reason", f"有{len(no_reason)}条意见须填写理由或说明：{_units_of(no_reason)}。"))
    return found


def _units_of(comments) -> str:
    names = list(dict.fromkeys(c.unit_name for c in comments))
    return "、".join(names[:5]) + (f"等{len(names)}个单位" if len(names) > 5 else "")


def check_dates(ctx: PreflightContext) -> list[Finding]:
    """Dates out of order: a round due before it was sent, rounds sent out of turn, an
    explanation dated before the consultation it reports on closed."""
    rounds = ctx.project.rounds()
    plan = ctx.project.plan()
    found = []
    for rnd in rounds:
        if rnd.sent_on and rnd.deadline and rnd.deadline < rnd.sent_on:
            found.append(Finding("dates.round", f"第{rnd.number}轮的截止日期早于发出日期。"))
    for earlier, later in zip(rounds, rounds[1:]):
        if earlier.sent_on and later.sent_on and later.sent_on < earlier.sent_on:
            found.append(Finding("dates.rounds", f"第{later.number}轮的发出日期早于第{earlier.number}轮。"))
    if plan.drafted_on and plan.written_on and plan.written_on < plan.drafted_on:
        found.append(Finding("dates.plan", "成文日期早于起草日期。"))
    if ctx.document == EXPLANATION and plan.written_on:
        for rnd in rounds:
            if rnd.sent_on and plan.written_on < rnd.sent_on:
                found.append(Finding("dates.written", f"成文日期早于第{rnd.number}轮征求意见的发出日期。"))
    return found


def check_empty_parts(ctx: PreflightContext) -> list[Finding]:
    """Parts that would print empty: no rounds, no comments, an empty section, a round still open."""
    if ctx.document not in _COMMENT_DOCUMENTS:
        return []
    found = []
    rounds = _rounds(ctx)
    if not rounds:
        found.append(Finding("empty.rounds", "尚未登记征求意见轮次：说明中的征求意见经过将是空白。"
                             if ctx.document == EXPLANATION else "尚未登记征求意见轮次。"))
    filters = {} if ctx.round_number is None else {"round_number": ctx.round_number}
    if not ctx.project.count_comments(**filters):
        found.append(Finding("empty.comments", "台账中还没有意见：意见统计为0条，意见表格将是空的。"))
    for rnd in rounds:
        replies = ctx.project.replies(rnd.number, today=ctx.day)
        waiting = [r for r in replies if r.state is ReplyState.NONE]
        if waiting and rnd.method is not RoundMethod.ONLINE:
            due = rnd.deadline
            when = f"（截止日期{due.year}年{due.month}月{due.day}日）" if due else ""
            found.append(Finding("rounds.open", f"第{rnd.number}轮征求意见尚未截止{when}，"
                                 f"还有{len(waiting)}个单位未反馈。"))
    if ctx.document == EXPLANATION:
        for title, body in ctx.sections:
            if not body.strip():
                found.append(Finding("empty.section", f"“{title}”部分没有内容。"))
    return found


def check_ledger_against_text(ctx: PreflightContext) -> list[Finding]:
    """The consistency check between the ledger and the text (``feedback.consistency``): adopted
    without a change, a change without a comment or note, one clause decided both ways, one
    reason pasted on many comments — for every document that tells how comments changed the text.
    The last two are advisory: comments on one clause may rightly be decided differently."""
    if ctx.document not in _REVISION_DOCUMENTS:
        return []
    return [Finding(f"consistency.{found.kind.value}", found.line(), found.kind.value in _ADVISORY_KINDS)
            for found in ctx.consistency]


_ADVISORY_KINDS = ("decided_both_ways", "repeated_reason")


CHECKS: List[Check] = [check_plan_details, check_letter_round, check_comments_resolved, check_dates,
                       check_empty_parts, check_ledger_against_text]
"""Every check run before generating; append a function to add one."""


def preflight(project, document: str, *, round_number: int | None = None, today: date | None = None,
              sections: Sequence[tuple[str, str]] = (), consistency: Sequence = (),
              checks: Iterable[Check] | None = None) -> list[Finding]:
    """The findings of every check for ``document`` (one of ``DOCUMENT_NAMES``), in order;
    ``consistency`` is what the check of the ledger against the text found."""
    ctx = PreflightContext(project, document, round_number, today, sections, consistency)
    return [finding for check in (CHECKS if checks is None else checks) for finding in check(ctx)]


class _Empty:
    """A project with nothing filled in (for the example above)."""

    def plan(self):
        from feedback.ledger import Plan
        return Plan()

    def rounds(self):
        return []

    def comments(self, **filters):
        return []

    def count_comments(self, **filters):
        return 0

    def replies(self, round_number=None, *, today=None):
        return []
