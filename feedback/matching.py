"""Matching a unit name as someone typed it to the registry of consulted units.

Exact names and aliases are accepted; names with the same ``unit_key`` (公安局,
市公安局, 汉中市公安局, 漢中市公安局) are the same unit; anything else is at most
a suggestion the user confirms: a fuzzy match is never accepted on its own.

>>> from types import SimpleNamespace as Entry
>>> index = UnitIndex([Entry(id=1, name='市公安局', aliases=[]),
...                    Entry(id=2, name='市人力资源和社会保障局', aliases=['市人社局']),
...                    Entry(id=3, name='市自然资源局', aliases=[])], localities=['汉中'])
>>> index.match('漢中市公安局').status, index.match('漢中市公安局').unit_id
('equivalent', 1)
>>> index.match('市人社局').status
'alias'
>>> fuzzy = index.match('市自然资原局')
>>> fuzzy.status, fuzzy.unit_id, fuzzy.needs_confirmation
('fuzzy', 3, True)
>>> index.match('市气象局').status
'none'

A place prefix at any level (省, 市, 县, 区, 中共…委) is set aside when the rest is a
registered name as written (a county office registers ``财政局``); when the rest only
agrees with a name of another level (``南郑区财政局`` and ``市财政局``) it is a suggestion:

>>> county = UnitIndex([Entry(id=1, name='财政局', aliases=[]), Entry(id=2, name='区委宣传部', aliases=[])])
>>> county.match('某某县财政局').status, county.match('中共某某市某某区委宣传部').unit_id
('place', 2)
>>> index.match('南郑区财政局').status
'none'
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Hashable, Mapping, Protocol, Sequence

from rapidfuzz import fuzz, process

from feedback.text import clean_line, fold
from feedback.units import unit_key

# 陕西省, 汉中市, 南郑区, 勉县, 某某自治县 …: one level of a place prefix; a one-character name only before 县.
_PLACE_RE = re.compile(r"^(?:[\u4e00-\u9fff]{2,7}?(?:自治区|自治州|自治县|地区|省|市|州|盟|县|区|旗)|[\u4e00-\u9fff]县)")
_PARTY_PREFIX = "中共"
_LEVELS = ("自治区", "自治州", "自治县", "地区", "省", "市", "州", "盟", "县", "区", "旗")
FUZZY_CUTOFF = 75.0
"""The lowest similarity (0–100) at which a unit is offered as a suggestion."""
_FUZZY_LIMIT = 10


class RegistryEntry(Protocol):
    """What a unit of the registry must offer; ``feedback.ledger.Unit`` does."""

    id: Hashable
    name: str
    aliases: list[str]


@dataclass
class UnitMatch:
    """The unit a typed name stands for.

    ``status`` is ``exact``, ``alias``, ``equivalent`` or ``place`` (accepted),
    ``ambiguous`` or ``fuzzy`` (the user decides), or ``none``. ``unit_id`` is set except for
    ``ambiguous`` and ``none``; for ``fuzzy`` it is only the best suggestion.
    ``candidates`` are ``(unit id, score 0–100)``, best first.
    """

    status: str
    unit_id: Hashable | None = None
    candidates: list[tuple[Hashable, float]] = field(default_factory=list)

    @property
    def needs_confirmation(self) -> bool:
        return self.status in ("ambiguous", "fuzzy")


def _clean(name: str) -> str:
    return clean_line(name).text.strip("：:，,。 ")


class UnitIndex:
    """A registry indexed once, for matching thousands of typed names quickly."""

    def __init__(self, registry: Sequence[RegistryEntry], localities: Sequence[str] = ()):
        self.localities = tuple(localities)
        self._names: dict[str, list[Hashable]] = {}
        self._aliases: dict[str, list[Hashable]] = {}
        self._keys: dict[str, list[Hashable]] = {}
        for entry in registry:
            self._add(self._names, _clean(entry.name), entry.id)
            for alias in entry.aliases:
                self._add(self._aliases, _clean(alias), entry.id)
            for spelling in [entry.name, *entry.aliases]:
                self._add(self._keys, unit_key(spelling, self.localities), entry.id)
        self._key_list = list(self._keys)
        self._written: dict[str, list[Hashable]] = {}
        for entry in registry:
            for spelling in [entry.name, *entry.aliases]:
                self._add(self._written, fold(spelling), entry.id)

    @staticmethod
    def _add(table: dict[str, list[Hashable]], text: str, unit_id: Hashable) -> None:
        ids = table.setdefault(text, [])
        if text and unit_id not in ids:
            ids.append(unit_id)

    def match(self, name: str) -> UnitMatch:
        """The unit ``name`` stands for, or the candidates the user chooses from."""
        typed = _clean(name)
        if not typed:
            return UnitMatch("none")
        for status, table in (("exact", self._names), ("alias", self._aliases)):
            if typed in table:
                return self._decided(status, table[typed])
        key = unit_key(typed, self.localities)
        if key in self._keys:
            return self._decided("equivalent", self._keys[key])
        return self._without_place(typed) or self._fuzzy(key)

    def _without_place(self, typed: str) -> UnitMatch | None:
        """The unit named once the place prefixes are set aside: 某某县财政局 → 财政局 / 县财政局."""
        written: list[Hashable] = []
        similar: list[Hashable] = []
        for rest in place_stripped(typed):
            written += [i for i in self._written.get(fold(rest), []) if i not in written]
            similar += [i for i in self._keys.get(unit_key(rest, self.localities), []) if i not in similar]
        if written:
            return self._decided("place", written)
        if similar:  # 南郑区财政局 and 市财政局: another level of the same kind of office
            return UnitMatch("fuzzy" if len(similar) == 1 else "ambiguous", similar[0] if len(similar) == 1 else None,
                             [(i, 90.0) for i in similar])
        return None

    @staticmethod
    def _decided(status: str, ids: list[Hashable]) -> UnitMatch:
        if len(ids) == 1:
            return UnitMatch(status, ids[0], [(ids[0], 100.0)])
        return UnitMatch("ambiguous", None, [(unit_id, 100.0) for unit_id in ids])

    def _fuzzy(self, key: str) -> UnitMatch:
        best: dict[Hashable, float] = {}
        for spelling, score, _ in process.extract(key, self._key_list, scorer=fuzz.ratio,
                                                  score_cutoff=FUZZY_CUTOFF, limit=_FUZZY_LIMIT):
            for unit_id in self._keys[spelling]:
                best[unit_id] = max(score, best.get(unit_id, 0.0))
        ranked = sorted(best.items(), key=lambda pair: -pair[1])
        if not ranked:
            return UnitMatch("none")
        if len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
            return UnitMatch("ambiguous", None, ranked)
        return UnitMatch("fuzzy", ranked[0][0], ranked)


def place_stripped(name: str) -> list[str]:
    """The name with its place prefixes set aside, level by level, longest rest first.

    >>> place_stripped('中共汉中市南郑区委宣传部')
    ['汉中市南郑区委宣传部', '市南郑区委宣传部', '南郑区委宣传部', '区委宣传部', '委宣传部']
    >>> place_stripped('勉县教育局'), place_stripped('城市管理局')
    (['县教育局', '教育局'], [])
    """
    key = fold(name)
    rests: list[str] = []
    if key.startswith(_PARTY_PREFIX) and len(key) > len(_PARTY_PREFIX) + 2:
        key = key[len(_PARTY_PREFIX):]
        rests.append(key)
    while True:
        place = _PLACE_RE.match(key)
        if not place or len(key) - place.end() < 2:
            break
        level = next(level for level in _LEVELS if place.group().endswith(level))
        rest = key[place.end():]
        rests += [level + rest, rest]
        key = rest
    return [r for r in dict.fromkeys(rests) if len(r) >= 2]


def match_unit(name: str, registry: Sequence[RegistryEntry], localities: Sequence[str] = ()) -> UnitMatch:
    """``UnitIndex(registry, localities).match(name)``, for a single name."""
    return UnitIndex(registry, localities).match(name)


@dataclass
class RoundChoice:
    """The round a unit's reply belongs to.

    ``number`` is None when the user must choose among ``candidates``; ``sent`` says
    whether the unit was sent that round (a reply to a round it was not sent is warned about).
    """

    number: int | None
    candidates: list[int]
    sent: bool


_WAITING = ("none", "overdue")


def reply_round(round_numbers: Sequence[int], replies: Sequence, unit_id: Hashable,
                requested: int | None = None, *, dated: date | None = None,
                sent_on: Mapping[int, date | None] | None = None) -> RoundChoice:
    """The round a reply of ``unit_id`` belongs to: the one asked for, else the one the unit was sent.

    ``replies`` are the recipients of every round (``round_number``, ``unit_id``, ``state``).
    Sent several rounds, a round sent after the letter's date (``dated``, against ``sent_on``)
    is set aside, then the one still awaiting its answer is taken; anything else is the
    user's choice — never the newest round by default.

    >>> from types import SimpleNamespace as R
    >>> sent = [R(round_number=1, unit_id=7, state='with_comments'), R(round_number=2, unit_id=7, state='none'),
    ...         R(round_number=1, unit_id=8, state='none')]
    >>> reply_round([1, 2, 3], sent, 8), reply_round([1, 2, 3], sent, 7).number
    (RoundChoice(number=1, candidates=[1], sent=True), 2)
    >>> reply_round([1, 2, 3], sent, 9), reply_round([1, 2, 3], sent, 8, requested=2).sent
    (RoundChoice(number=None, candidates=[1, 2, 3], sent=False), False)
    """
    own = sorted({r.round_number for r in replies if r.unit_id == unit_id})
    if requested is not None:
        return RoundChoice(requested, [requested], requested in own)
    if dated is not None and sent_on and len(own) > 1:  # a letter cannot answer a round not yet sent
        own = [n for n in own if not (sent_on.get(n) and sent_on[n] > dated)] or own
    if len(own) == 1:
        return RoundChoice(own[0], own, True)
    if own:
        waiting = [n for n in own if any(r.round_number == n and r.unit_id == unit_id
                                         and str(getattr(r.state, "value", r.state)) in _WAITING for r in replies)]
        return RoundChoice(waiting[0], own, True) if len(waiting) == 1 else RoundChoice(None, own, True)
    numbers = sorted(round_numbers)
    return RoundChoice(numbers[0], numbers, False) if len(numbers) == 1 else RoundChoice(None, numbers, False)


ACCEPTED = ("exact", "alias", "equivalent", "place")
"""The statuses of a match taken without asking."""
_IN_BRACKETS_RE = re.compile(r"[（(]([^（）()]{2,30})[）)]")


def unit_from_authors(index: UnitIndex, authors: Sequence[str]) -> tuple[Hashable | None, str]:
    """The unit a returned draft's revision and comment authors name, when they name exactly one.

    Word's user name is often the unit (``县财政局``) or a person with it (``张某某（县财政局）``).

    >>> from types import SimpleNamespace as Entry
    >>> county = UnitIndex([Entry(id=1, name='财政局', aliases=[]), Entry(id=2, name='民政局', aliases=[])])
    >>> unit_from_authors(county, ['张某某（某某县财政局）', 'Administrator'])
    (1, '张某某（某某县财政局）')
    >>> unit_from_authors(county, ['财政局', '民政局'])[0] is None
    True
    """
    found: dict[Hashable, str] = {}
    for author in authors:
        for name in [author, *_IN_BRACKETS_RE.findall(author)]:
            match = index.match(name)
            if match.status in ACCEPTED:
                found.setdefault(match.unit_id, author)
    if len(found) == 1:
        return next(iter(found.items()))
    return None, ""


_FILE_NAME_SEPARATORS_RE = re.compile(r"[（）()【】\[\]《》<>_\-—·、，,；;\s]+")
_FILE_NAME_WORDS = ("修改意见", "反馈意见", "意见建议", "征求意见稿", "意见", "建议", "反馈", "修订稿", "修订", "修改稿",
                    "修改", "复函", "回函", "的")


def unit_from_file_name(index: UnitIndex, stem: str) -> Hashable | None:
    """The unit a reply's file name names, when it names exactly one: ``绿化办法（市财政局修改意见）``.

    >>> from types import SimpleNamespace as Entry
    >>> county = UnitIndex([Entry(id=1, name='财政局', aliases=[]), Entry(id=2, name='民政局', aliases=[])])
    >>> unit_from_file_name(county, '实施方案（某某县财政局修改意见）'), unit_from_file_name(county, '财政局、民政局意见')
    (1, None)
    """
    found: set[Hashable] = set()
    for segment in _FILE_NAME_SEPARATORS_RE.split(stem):
        shorter = True
        while shorter:
            shorter = False
            for word in _FILE_NAME_WORDS:
                if segment.endswith(word) and len(segment) > len(word):
                    segment, shorter = segment[:-len(word)], True
        match = index.match(segment) if len(segment) >= 2 else None
        if match is not None and match.status in ACCEPTED:
            found.add(match.unit_id)
    return next(iter(found)) if len(found) == 1 else None
