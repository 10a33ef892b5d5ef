"""Unit names: splitting the lists written in clauses, classifying and matching them.

>>> split_unit_names('市委组织部市委编办、市人社局，各县区党委、政府')
['市委组织部', '市委编办', '市人社局', '各县区党委', '各县区政府']
>>> split_unit_names('市教育局,各县区党委政府')
['市教育局', '各县区党委', '各县区政府']
>>> unit_key('汉中市公安局', localities=('汉中',)) == unit_key('公安局') == unit_key('市公安局')
True
>>> unit_key('汉中市市场监管局', localities=('汉中',)) == unit_key('市市场监管局') == unit_key('市场监管局')
True
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from feedback.text import fold
from feedback.vocabulary import UnitCategory

# How names of units end; used to find where a lost separator was.
UNIT_ENDINGS = (
    "监委机关", "机关", "分局", "中心", "学院", "大学", "学校", "党委", "政府", "公司", "集团",
    "银行", "委员会", "办公室", "部", "局", "办", "委", "厅", "院", "会", "室", "所", "站", "队",
    "处", "科", "联", "协", "社", "馆", "台", "园", "校", "行", "团",
)
# How names of units begin; a lost separator is only assumed before one of these.
UNIT_STARTS = ("市", "县", "区", "省", "各", "中共", "共青团", "国家")
# Bodies named after a place prefix shared with the name before them: 各县区党委、政府.
GENERIC_BODIES = ("人民政府", "政府", "党委", "人大", "政协", "纪委")
_SEPARATORS_RE = re.compile(r"[、，,；;／/\s]+")
_GENERIC_PAIR_RE = re.compile(r"^(.+?)(党委)(政府|人民政府)$")


def _ends_like_unit(text: str) -> bool:
    return text.endswith(UNIT_ENDINGS)


def _split_lost_separator(fragment: str, known: set[str]) -> list[str]:
    """Split ``市委组织部市委编办`` into its names, using known names and name shapes."""
    if fragment in known or len(fragment) < 6:
        return [fragment]
    for known_name in sorted(known, key=len, reverse=True):
        if fragment.startswith(known_name) and len(fragment) > len(known_name):
            return [known_name] + _split_lost_separator(fragment[len(known_name):], known)
    for cut in range(3, len(fragment) - 2):
        head, tail = fragment[:cut], fragment[cut:]
        if _ends_like_unit(head) and _ends_like_unit(tail) and (
            tail.startswith(UNIT_STARTS) or any(tail.startswith(k) for k in known)
        ):
            return [head] + _split_lost_separator(tail, known)
    return [fragment]


def _place_prefix(name: str) -> str | None:
    for body in GENERIC_BODIES:
        if name.endswith(body) and len(name) > len(body):
            return name[: -len(body)]
    return None


def split_unit_names(text: str, known: Iterable[str] = ()) -> list[str]:
    """The unit names in a list such as ``市教育局、市财政局，各县区党委、政府``.

    Separators are 、，,;； and spaces; a lost separator is found from known names
    and the usual endings of unit names; a bare ``政府`` after ``各县区党委`` means
    ``各县区政府``.
    """
    known_set = {k for k in known if k}
    names: list[str] = []
    for fragment in _SEPARATORS_RE.split(text.strip("。.（）() ")):
        fragment = fragment.strip("。.：:")
        if not fragment:
            continue
        pair = _GENERIC_PAIR_RE.match(fragment)
        if pair:
            names += [pair.group(1) + pair.group(2), pair.group(1) + pair.group(3)]
            continue
        if fragment in GENERIC_BODIES and names:
            prefix = _place_prefix(names[-1])
            if prefix:
                fragment = prefix + fragment
        names += _split_lost_separator(fragment, known_set)
    return list(dict.fromkeys(names))


# The trailing （牵头单位：…；责任单位：…） note of a clause, and the role words inside it.
UNITS_NOTE_RE = re.compile(
    r"[（(]\s*(?P<body>(?:牵头单位|责任单位|配合单位|牵头部门|责任部门|配合部门)\s*[:：].*?)\s*[）)]\s*[。.]?\s*$"
)
UNITS_ROLE_RE = re.compile(r"(牵头单位|责任单位|配合单位|牵头部门|责任部门|配合部门)\s*[:：]")


@dataclass
class UnitsNote:
    """The ``（牵头单位：…；责任单位：…）`` note at the end of a clause."""

    lead: list[str]
    responsible: list[str]
    start: int  # where the note begins in the clause text


def find_units_note(text: str, known: Iterable[str] = ()) -> UnitsNote | None:
    """Parse the trailing lead/responsible units note of a clause, if it has one.

    >>> note = find_units_note('推进。（牵头单位：市教育局；责任单位：市财政局、市人社局）')
    >>> note.lead, note.responsible, note.start
    (['市教育局'], ['市财政局', '市人社局'], 3)
    """
    match = UNITS_NOTE_RE.search(text)
    if not match:
        return None
    body = match.group("body")
    lead: list[str] = []
    responsible: list[str] = []
    roles = list(UNITS_ROLE_RE.finditer(body))
    for index, role in enumerate(roles):
        end = roles[index + 1].start() if index + 1 < len(roles) else len(body)
        names = split_unit_names(body[role.end():end], known)
        (lead if role.group(1).startswith("牵头") else responsible).extend(names)
    return UnitsNote(lead, responsible, match.start())


def unit_key(name: str, localities: Sequence[str] = ()) -> str:
    """A key under which spellings of one unit agree, in either script.

    The place prefix (``汉中市``, ``汉中``) and the leading ``市`` are dropped, so
    ``公安局``, ``市公安局`` and ``汉中市公安局`` share a key; so do ``区人民政府`` and ``区政府``,
    ``住房和城乡建设局`` and ``住房城乡建设局``, ``发展和改革委员会`` and ``发展改革委``.
    """
    key = fold(name).replace("人民政府", "政府")  # 南郑区政府 is 南郑区人民政府
    # 规范简称: 住房城乡建设局 and 住房和城乡建设局, 发展改革委 and 发展和改革委员会 are one unit
    key = re.sub(r"委员会$", "委", key.replace("和", "")) if len(key) > 4 else key
    for place in sorted((fold(p) for p in localities if p), key=len, reverse=True):
        for prefix in (place + "市", place):
            if key.startswith(prefix) and len(key) > len(prefix) + 1:
                key = key[len(prefix):]
                break
    if key.startswith("市") and len(key) > 2 and not key.startswith(("市委", "市政府", "市人大", "市政协", "市场")):
        key = key[1:]
    return key


def guess_category(name: str, localities: Sequence[str] = ()) -> UnitCategory:
    """The category a unit most likely belongs to, from the shape of its name."""
    folded = fold(name)
    if folded.startswith("各县") or re.search(r"[县区](?:委|政府|党委|人民政府|教育局|教体局)?$", folded) and not folded.startswith("市"):
        return UnitCategory.COUNTY
    if folded.endswith(("学院", "大学")):
        return UnitCategory.OTHER
    if folded.startswith("市") or any(folded.startswith(fold(p)) for p in localities if p):
        return UnitCategory.MUNICIPAL
    return UnitCategory.OTHER


def is_collective_name(name: str) -> bool:
    """``各县区党委`` names a group of units, not one unit."""
    return name.startswith("各")
