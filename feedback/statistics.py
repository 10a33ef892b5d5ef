"""The one statistics function behind every report, window and command.

It works on tallies (counts already grouped by the project file), so that a
100,000-comment ledger is summed in a few milliseconds, and it builds the Chinese
sentence the drafting explanation uses, whose parts always add up to the total.

>>> from datetime import date
>>> units = [UnitInfo(1, '市公安局', '市级部门'), UnitInfo(2, '略阳县', '县区')]
>>> rounds = [RoundInfo(1, 'written', date(2023, 4, 12), {1: 'with_comments', 2: 'none'})]
>>> tallies = [CommentTally(1, 1, 'adopted', '', 2), CommentTally(1, 1, 'in_work', '校园安全管理工作', 1)]
>>> stats = compute_statistics(units, rounds, tallies, [], today=date(2023, 4, 20))
>>> stats.comments_total, stats.overdue
(3, 1)
>>> print(stats.sentence)
书面征求了1个市级有关部门、1个县区的意见建议，共收集意见建议3条，其中：采纳2条；市公安局1条建议将在校园安全管理工作中抓好落实；其他部门、单位无修改意见（其中1个单位逾期未反馈，视为无意见）。
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Sequence

from feedback.vocabulary import Disposition, ReplyState, RoundMethod, UnitCategory


@dataclass(frozen=True)
class UnitInfo:
    id: int
    name: str
    category: str  # the category's Chinese label; categories are editable


@dataclass(frozen=True)
class RoundInfo:
    number: int
    method: str
    deadline: date | None
    recipients: dict[int, str]  # unit id → stored reply state value


@dataclass(frozen=True)
class CommentTally:
    """How many comments one unit made in one round with one disposition and work item."""

    round: int
    unit_id: int
    disposition: str
    work_item: str
    count: int
    submissions: int | None = None  # people behind the comments (人次); None: one each


@dataclass(frozen=True)
class ClauseTally:
    round: int
    clause_ref: str
    count: int


@dataclass
class Statistics:
    """Every count a report needs, for one round or for all rounds."""

    round: int | None
    units_consulted: dict[str, int]
    replied_with_comments: int
    replied_no_comments: int
    overdue: int
    not_replied: int
    comments_total: int
    by_disposition: dict[str, int]
    by_unit: dict[str, int]
    by_category: dict[str, int]
    by_clause: dict[str, int]
    reply_by_category: dict[str, dict[str, int]]
    in_work: list[tuple[str, int, list[str]]]  # unit, count, work items
    sentence: str
    unit_states: dict[int, ReplyState] = field(default_factory=dict)
    written_total: int = 0  # comments of the consulted units
    public_items: int = 0  # public comments after grouping (one ledger row each)
    public_submissions: int = 0  # public comments as submitted (人次)
    open_rounds: list[int] = field(default_factory=list)  # rounds before their deadline with units yet to answer

    def to_json(self) -> dict:
        return {
            "round": self.round,
            "units_consulted": self.units_consulted,
            "replied_with_comments": self.replied_with_comments,
            "replied_no_comments": self.replied_no_comments,
            "overdue": self.overdue,
            "not_replied": self.not_replied,
            "comments_total": self.comments_total,
            "by_disposition": self.by_disposition,
            "by_unit": self.by_unit,
            "by_category": self.by_category,
            "by_clause": self.by_clause,
            "reply_by_category": self.reply_by_category,
            "written_total": self.written_total,
            "public_items": self.public_items,
            "public_submissions": self.public_submissions,
            "open_rounds": self.open_rounds,
            "sentence": self.sentence,
        }


def effective_state(stored: str, deadline: date | None, today: date, has_comments: bool) -> ReplyState:
    """A unit's reply state as reports see it: unanswered after the deadline is overdue.

    >>> effective_state('none', date(2023, 4, 12), date(2023, 4, 12), False).label
    '未反馈'
    >>> effective_state('none', date(2023, 4, 12), date(2023, 4, 13), False).label
    '逾期视为无意见'
    """
    if has_comments or stored == ReplyState.WITH_COMMENTS.value:
        return ReplyState.WITH_COMMENTS
    if stored == ReplyState.NO_COMMENTS.value:
        return ReplyState.NO_COMMENTS
    if deadline is not None and today > deadline:
        return ReplyState.OVERDUE
    return ReplyState.NONE


# How each default category is counted in the sentence: 19个市级有关部门, 3位专家.
_SENTENCE_NOUNS = {
    UnitCategory.MUNICIPAL.label: ("个", "市级有关部门"),
    UnitCategory.COUNTY.label: ("个", "县区"),
    UnitCategory.AFFILIATED.label: ("个", "局属单位"),
    UnitCategory.EXPERT.label: ("位", "专家"),
    UnitCategory.PUBLIC.label: ("位", "社会公众"),
}
_STATE_PRIORITY = [ReplyState.WITH_COMMENTS, ReplyState.NO_COMMENTS, ReplyState.NONE, ReplyState.OVERDUE]


def compute_statistics(
    units: Iterable[UnitInfo],
    rounds: Sequence[RoundInfo],
    comment_tallies: Iterable[CommentTally],
    clause_tallies: Iterable[ClauseTally],
    *,
    today: date,
    round_number: int | None = None,
    category_order: Sequence[str] = tuple(c.label for c in UnitCategory),
) -> Statistics:
    """Counts for one round (``round_number``) or for all rounds together.

    Over several rounds a unit counts once: with comments if it commented in any
    round, else no comments if it said so in any, else overdue only if overdue in
    every round it was sent. The public (a unit of the 社会公众 category, or anyone in
    an online round) is never a consulted unit: its comments are counted apart, in
    人次 and in grouped items.
    """
    unit_by_id = {u.id: u for u in units}
    chosen = [r for r in rounds if round_number is None or r.number == round_number]
    chosen_numbers = {r.number for r in chosen}
    method_of = {r.number: r.method for r in chosen}
    tallies = [t for t in comment_tallies if t.round in chosen_numbers]

    def category_of(unit_id: int) -> str:
        unit = unit_by_id.get(unit_id)
        return unit.category if unit else UnitCategory.OTHER.label

    def is_public_unit(unit_id: int) -> bool:
        return category_of(unit_id) == UnitCategory.PUBLIC.label

    def is_public(t: CommentTally) -> bool:
        return method_of.get(t.round) == RoundMethod.ONLINE.value or is_public_unit(t.unit_id)

    commented = {(t.round, t.unit_id) for t in tallies if t.count}
    states: dict[int, ReplyState] = {}
    open_rounds = []
    waiting_in: dict[int, int] = {}  # round → units yet to answer it (before its deadline)
    for rnd in chosen:
        waiting = 0
        for unit_id, stored in rnd.recipients.items():
            if is_public_unit(unit_id) or rnd.method == RoundMethod.ONLINE.value:
                continue
            state = effective_state(stored, rnd.deadline, today, (rnd.number, unit_id) in commented)
            waiting += state is ReplyState.NONE
            previous = states.get(unit_id)
            if previous is None or _STATE_PRIORITY.index(state) < _STATE_PRIORITY.index(previous):
                states[unit_id] = state
        if waiting:
            open_rounds.append(rnd.number)
            waiting_in[rnd.number] = waiting
    for t in tallies:  # a comment from a unit not on the list still counts its unit
        if t.count and not is_public(t):
            states[t.unit_id] = ReplyState.WITH_COMMENTS

    order = {name: i for i, name in enumerate(category_order)}
    consulted = Counter(category_of(u) for u in states)
    units_consulted = dict(sorted(consulted.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))
    reply_by_category: dict[str, dict[str, int]] = defaultdict(lambda: {s.label: 0 for s in ReplyState})
    for unit_id, state in states.items():
        reply_by_category[category_of(unit_id)][state.label] += 1
    state_counts = Counter(states.values())

    by_disposition = {d.label: 0 for d in Disposition}
    by_unit: Counter[str] = Counter()
    by_category: Counter[str] = Counter()
    parts = {False: _Part(), True: _Part()}  # written, public
    for t in tallies:
        disposition = Disposition(t.disposition)
        by_disposition[disposition.label] += t.count
        name = unit_by_id[t.unit_id].name if t.unit_id in unit_by_id else str(t.unit_id)
        by_unit[name] += t.count
        by_category[category_of(t.unit_id)] += t.count
        parts[is_public(t)].add(t, disposition, name)
    by_clause: Counter[str] = Counter()
    for c in clause_tallies:
        if c.round in chosen_numbers:
            by_clause[c.clause_ref] += c.count
    total = sum(by_disposition.values())
    written_methods = [r.method for r in chosen if r.method != RoundMethod.ONLINE.value]
    sentence = build_sentence(units_consulted, unit_by_id, states, parts[False], parts[True], written_methods,
                              state_counts, [(r, waiting_in[r.number]) for r in chosen if r.number in open_rounds])
    return Statistics(
        round=round_number,
        units_consulted=units_consulted,
        replied_with_comments=state_counts[ReplyState.WITH_COMMENTS],
        replied_no_comments=state_counts[ReplyState.NO_COMMENTS],
        overdue=state_counts[ReplyState.OVERDUE],
        not_replied=state_counts[ReplyState.NONE],
        comments_total=total,
        by_disposition=by_disposition,
        by_unit=dict(by_unit.most_common()),
        by_category=dict(by_category.most_common()),
        by_clause=dict(by_clause.most_common()),
        reply_by_category={k: dict(v) for k, v in reply_by_category.items()},
        in_work=parts[False].in_work_list() + parts[True].in_work_list(),
        sentence=sentence,
        unit_states=states,
        written_total=parts[False].total,
        public_items=parts[True].total,
        public_submissions=parts[True].submissions,
        open_rounds=open_rounds,
    )


@dataclass
class _Part:
    """The comments of the consulted units, or of the public, as the sentence counts them."""

    total: int = 0
    submissions: int = 0
    by_disposition: Counter = field(default_factory=Counter)
    in_work: dict = field(default_factory=dict)

    def add(self, t: CommentTally, disposition: Disposition, name: str) -> None:
        self.total += t.count
        self.submissions += t.count if t.submissions is None else t.submissions
        self.by_disposition[disposition] += t.count
        if disposition is Disposition.IN_WORK:
            entry = self.in_work.setdefault(t.unit_id, [name, 0, []])
            entry[1] += t.count
            if t.work_item and t.work_item not in entry[2]:
                entry[2].append(t.work_item)

    def in_work_list(self) -> list[tuple[str, int, list[str]]]:
        return [(name, count, items) for name, count, items in self.in_work.values()]

    def clauses(self, public: bool = False) -> list[str]:
        """``采纳20条、部分采纳2条``, the work items, what is still being studied."""
        counted = [f"{d.label}{self.by_disposition[d]}条" for d in
                   (Disposition.ADOPTED, Disposition.PARTLY_ADOPTED, Disposition.REJECTED)
                   if self.by_disposition[d]]
        result = ["、".join(counted)] if counted else []
        for name, count, items in self.in_work_list():
            who = "" if public else name
            result.append(f"{who}{count}条建议将在{_work_phrase(items)}中抓好落实")
        if self.by_disposition[Disposition.PENDING]:
            result.append(f"尚有{self.by_disposition[Disposition.PENDING]}条正在研究处理")
        return result


def _work_phrase(items: list[str]) -> str:
    """``校园安全管理工作`` → 校园安全管理工作; several → ``A、B等工作``."""
    if not items:
        return "相关工作"
    if len(items) == 1:
        item = items[0]
        return item if item.endswith("工作") else item + "工作"
    stems = [i[:-2] if i.endswith("工作") else i for i in items]
    stems = [stem for stem in stems if stem != "相关"] or stems  # 相关工作 beside named works adds nothing
    return "、".join(stems) + ("等工作" if len(stems) > 1 else "工作")


def _short_date(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def build_sentence(units_consulted, unit_by_id, states, written: _Part, public: _Part, methods,
                   state_counts, open_rounds: Sequence[tuple[RoundInfo, int]] = ()) -> str:
    """The explanation's count sentences, in the form drafters write them: the consulted
    units first, then the public apart (in 人次 and grouped items), then each round still
    open with the number of units yet to answer it (a unit that answered an earlier round
    may still owe this one)."""
    sentences = []
    if not (states or written.total or public.total):
        return "尚未向有关单位征求意见。"
    if states or written.total:
        sentences.append(_written_sentence(units_consulted, unit_by_id, states, written, methods, state_counts,
                                           bool(open_rounds)))
    if public.total:
        sentences.append(_public_sentence(public))
    for rnd, waiting in open_rounds:
        when = f"，截止日期为{_short_date(rnd.deadline)}" if rnd.deadline else ""
        if waiting:
            sentences.append(f"第{rnd.number}轮征求意见尚未截止{when}，尚有{waiting}个单位未反馈。")
    return "".join(sentences)


def _overdue_note(state_counts) -> str:
    overdue = state_counts[ReplyState.OVERDUE]
    return f"（其中{overdue}个单位逾期未反馈，视为无意见）" if overdue else ""


def _public_sentence(public: _Part) -> str:
    if public.submissions != public.total:
        head = f"在网上公开征求社会意见，共收到社会公众意见建议{public.submissions}人次，归并整理为{public.total}条"
    else:
        head = f"在网上公开征求社会意见，共收到社会公众意见建议{public.total}条"
    clauses = public.clauses(public=True)
    return head + ("，其中：" + "；".join(clauses) if clauses else "") + "。"


def _written_sentence(units_consulted, unit_by_id, states, written: _Part, methods, state_counts,
                      still_open: bool) -> str:
    parts = []
    named_last = False
    for category, count in units_consulted.items():
        named_last = False
        if category in _SENTENCE_NOUNS:
            measure, noun = _SENTENCE_NOUNS[category]
            parts.append(f"{count}{measure}{noun}")
        else:
            names = [unit_by_id[u].name for u, _ in states.items()
                     if u in unit_by_id and unit_by_id[u].category == category]
            parts.append("、".join(names) if len(names) <= 2 else f"{count}个{category}单位")
            named_last = len(names) <= 2
    verb = {RoundMethod.MEETING.value: "召开座谈会听取了",
            RoundMethod.EXPERT.value: "组织论证听取了"}.get(methods[0] if methods else "", "书面征求了")
    # a named unit closes the list with 和: …33个局属单位和汉中职业技术学院
    if named_last and len(parts) > 1:
        who = "、".join(parts[:-1]) + "和" + parts[-1]
    else:
        who = "、".join(parts) if parts else "有关单位"
    head = f"{verb}{who}的意见建议，共收集意见建议{written.total}条"
    silent = state_counts[ReplyState.NO_COMMENTS] + state_counts[ReplyState.OVERDUE]
    if written.total == 0:
        if still_open or state_counts[ReplyState.NONE]:
            return head + ("；已反馈的单位均无修改意见。" if silent else "。")
        return head + "，各部门、单位均无修改意见" + _overdue_note(state_counts) + "。" if silent else head + "。"
    sentence = head + "，其中：" + "；".join(written.clauses())
    if silent:
        sentence += "；其他部门、单位无修改意见" + _overdue_note(state_counts)
    if state_counts[ReplyState.NONE] and not still_open:
        sentence += f"；尚有{state_counts[ReplyState.NONE]}个单位未反馈"
    return sentence + "。"
