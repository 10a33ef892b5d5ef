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
    every round it was sent.
    """
    unit_by_id = {u.id: u for u in units}
    chosen = [r for r in rounds if round_number is None or r.number == round_number]
    chosen_numbers = {r.number for r in chosen}
    tallies = [t for t in comment_tallies if t.round in chosen_numbers]

    commented = {(t.round, t.unit_id) for t in tallies if t.count}
    states: dict[int, ReplyState] = {}
    for rnd in chosen:
        for unit_id, stored in rnd.recipients.items():
            state = effective_state(stored, rnd.deadline, today, (rnd.number, unit_id) in commented)
            previous = states.get(unit_id)
            if previous is None or _STATE_PRIORITY.index(state) < _STATE_PRIORITY.index(previous):
                states[unit_id] = state
    for t in tallies:  # a comment from a unit not on the list still counts its unit
        if t.count:
            states[t.unit_id] = ReplyState.WITH_COMMENTS

    def category_of(unit_id: int) -> str:
        unit = unit_by_id.get(unit_id)
        return unit.category if unit else UnitCategory.OTHER.label

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
    in_work: dict[int, list] = {}
    for t in tallies:
        disposition = Disposition(t.disposition)
        by_disposition[disposition.label] += t.count
        name = unit_by_id[t.unit_id].name if t.unit_id in unit_by_id else str(t.unit_id)
        by_unit[name] += t.count
        by_category[category_of(t.unit_id)] += t.count
        if disposition is Disposition.IN_WORK:
            entry = in_work.setdefault(t.unit_id, [name, 0, []])
            entry[1] += t.count
            if t.work_item and t.work_item not in entry[2]:
                entry[2].append(t.work_item)
    by_clause: Counter[str] = Counter()
    for c in clause_tallies:
        if c.round in chosen_numbers:
            by_clause[c.clause_ref] += c.count
    total = sum(by_disposition.values())
    in_work_list = [(name, count, items) for name, count, items in in_work.values()]
    methods = [r.method for r in chosen]
    sentence = build_sentence(units_consulted, unit_by_id, states, total, by_disposition, in_work_list,
                              methods, state_counts)
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
        in_work=in_work_list,
        sentence=sentence,
        unit_states=states,
    )


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


def build_sentence(units_consulted, unit_by_id, states, total, by_disposition, in_work, methods,
                   state_counts) -> str:
    """The explanation's count sentence, in the form drafters write it."""
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
    verb = {RoundMethod.ONLINE.value: "在网上公开征求了", RoundMethod.MEETING.value: "召开座谈会听取了",
            RoundMethod.EXPERT.value: "组织论证听取了"}.get(methods[0] if methods else "", "书面征求了")
    # a named unit closes the list with 和: …33个局属单位和汉中职业技术学院
    if named_last and len(parts) > 1:
        who = "、".join(parts[:-1]) + "和" + parts[-1]
    else:
        who = "、".join(parts) if parts else "有关单位"
    head = f"{verb}{who}的意见建议，共收集意见建议{total}条"
    if total == 0:
        return head + "，各部门、单位均无修改意见。"
    counted = [f"{d.label}{by_disposition[d.label]}条" for d in
               (Disposition.ADOPTED, Disposition.PARTLY_ADOPTED, Disposition.REJECTED)
               if by_disposition[d.label]]
    clauses = ["、".join(counted)] if counted else []
    clauses += [f"{name}{count}条建议将在{_work_phrase(items)}中抓好落实" for name, count, items in in_work]
    if by_disposition[Disposition.PENDING.label]:
        clauses.append(f"尚有{by_disposition[Disposition.PENDING.label]}条正在研究处理")
    sentence = head + "，其中：" + "；".join(clauses)
    silent = state_counts[ReplyState.NO_COMMENTS] + state_counts[ReplyState.OVERDUE]
    if silent:
        sentence += "；其他部门、单位无修改意见"
        if state_counts[ReplyState.OVERDUE]:
            sentence += f"（其中{state_counts[ReplyState.OVERDUE]}个单位逾期未反馈，视为无意见）"
    if state_counts[ReplyState.NONE]:
        sentence += f"；尚有{state_counts[ReplyState.NONE]}个单位未反馈"
    return sentence + "。"
