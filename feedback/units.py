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


# Role words of phrased notes: （X牵头，Y、Z按职责分工负责）, X牵头，Y配合.
_LEAD_SUFFIXES = ("牵头负责", "牵头")
_HELP_SUFFIXES = ("按职责分工负责", "按职责分工落实", "按职责负责", "分工负责", "按职责配合", "配合", "参与",
                  "协助", "协同", "负责")
_PHRASED_NOTE_RE = re.compile(r"[（(](?P<body>[^（）()]{2,300}?)[）)]\s*[。.；;]?\s*$")
_ROLE_LINE_RE = re.compile(r"^\s*(?:牵头单位|责任单位|配合单位|牵头部门|责任部门|配合部门)\s*[:：]")
# the same words after the last sentence of a paragraph: …。牵头单位：X；责任单位：Y
_ROLE_AFTER_SENTENCE_RE = re.compile(r"[。；;]\s*((?:牵头单位|牵头部门)\s*[:：][^（）()。]*)[。]?\s*$")


@dataclass
class UnitsNote:
    """The note naming a clause's lead and responsible units, and where it stands in the text."""

    lead: list[str]
    responsible: list[str]
    start: int  # where the note begins in the clause text
    end: int = -1  # where it ends; -1 for the end of the text

    def remove_from(self, text: str) -> str:
        """The clause text without the note."""
        end = len(text) if self.end < 0 else self.end
        return (text[: self.start].rstrip() + text[end:]).strip()


def _role_lists(body: str, known: Iterable[str]) -> tuple[list[str], list[str]]:
    lead: list[str] = []
    responsible: list[str] = []
    roles = list(UNITS_ROLE_RE.finditer(body))
    for index, role in enumerate(roles):
        end = roles[index + 1].start() if index + 1 < len(roles) else len(body)
        names = split_unit_names(body[role.end():end], known)
        (lead if role.group(1).startswith("牵头") else responsible).extend(names)
    return lead, responsible


def _looks_like_units(names: list[str]) -> bool:
    return bool(names) and all(
        len(name) <= 30 and (_ends_like_unit(name) or name.endswith(("部门", "单位", "政府", "党委")))
        for name in names)


def _phrased(body: str, known: Iterable[str], *, need_lead: bool = True) -> tuple[list[str], list[str]] | None:
    """``X牵头，Y、Z按职责分工负责`` as (lead, responsible); None unless every part is a role of units
    (and, when ``need_lead``, one of them leads)."""
    lead: list[str] = []
    responsible: list[str] = []
    for part in re.split(r"[；;，,]\s*", body.strip()):
        part = part.strip().removeprefix("由")
        if not part:
            continue
        suffix = next((s for s in _LEAD_SUFFIXES if part.endswith(s)), None)
        target = lead
        if suffix is None:
            suffix = next((s for s in _HELP_SUFFIXES if part.endswith(s)), None)
            target = responsible
        if suffix is None:
            return None
        words = part[: -len(suffix)]
        for tail in ("按职责分工", "按职责", "分工", "共同", "等"):
            words = words.removesuffix(tail)
        names = split_unit_names(words.replace("和", "、").replace("及", "、"), known)
        if not _looks_like_units(names):
            return None
        target.extend(names)
    if not lead and (need_lead or any("由" in name or len(name) > 15 for name in responsible)):
        return None  # with no lead, only plain names: not （具体办法由县人民政府另行负责）
    return (lead, responsible) if lead or responsible else None


def _role_lines(text: str, known: Iterable[str]) -> UnitsNote | None:
    """Lines of their own ``牵头单位：…`` / ``责任单位：…`` at the end of a clause, or the same
    words after its last sentence."""
    lines = text.split("\n")
    first = len(lines)
    while first > 0 and _ROLE_LINE_RE.match(lines[first - 1]):
        first -= 1
    if first < len(lines):
        start = sum(len(line) + 1 for line in lines[:first])
        lead, responsible = _role_lists(text[start:], known)
        return UnitsNote(lead, responsible, start) if lead or responsible else None
    if (match := _ROLE_AFTER_SENTENCE_RE.search(lines[-1])) is not None:
        start = len(text) - len(lines[-1]) + match.start(1)
        lead, responsible = _role_lists(match.group(1), known)
        return UnitsNote(lead, responsible, start) if lead or responsible else None
    return None


def find_units_note(text: str, known: Iterable[str] = ()) -> UnitsNote | None:
    """The note naming the lead and responsible units of a clause, in any common wording.

    ``（牵头单位：…；责任单位：…）``, ``（X牵头，Y、Z按职责分工负责）``, ``X牵头，Y配合。`` as the
    last sentence, and lines of their own ``牵头单位：…`` / ``责任单位：…`` / ``配合单位：…``.

    >>> note = find_units_note('推进。（牵头单位：市教育局；责任单位：市财政局、市人社局）')
    >>> note.lead, note.responsible, note.start
    (['市教育局'], ['市财政局', '市人社局'], 3)
    >>> note = find_units_note('推进。（县发展改革局牵头，县财政局、县住建局按职责分工负责）')
    >>> note.lead, note.responsible
    (['县发展改革局'], ['县财政局', '县住建局'])
    >>> text = '推进。' + chr(10) + '牵头单位：市教育局' + chr(10) + '配合单位：市财政局'
    >>> find_units_note(text).remove_from(text)
    '推进。'
    """
    offset = max(0, len(text) - 800)
    tail = text[offset:]  # a note is at the end: looking there keeps long clauses fast
    if ("单位" in tail or "部门" in tail) and (match := UNITS_NOTE_RE.search(tail)):
        lead, responsible = _role_lists(match.group("body"), known)
        return UnitsNote(lead, responsible, offset + match.start())
    if note := _role_lines(text, known):
        return note
    if "牵头" not in tail:
        # （县交通运输局负责）, （县财政局、县发改局按职责分工负责）: units named, none leading
        if tail.rstrip(" 。.；;\n").endswith(("负责）", "负责)")) and (match := _PHRASED_NOTE_RE.search(tail)) \
                and (roles := _phrased(match.group("body"), known, need_lead=False)):
            return UnitsNote(roles[0], roles[1], offset + match.start())
        return None
    ending = tail.rstrip(" 。.；;\n")
    if ending.endswith(("）", ")")) and (match := _PHRASED_NOTE_RE.search(tail)) \
            and (roles := _phrased(match.group("body"), known)):
        return UnitsNote(roles[0], roles[1], offset + match.start())
    start = max(ending.rfind("。"), ending.rfind("\n")) + 1  # the last sentence
    if "牵头" in ending[start:] and (roles := _phrased(ending[start:], known)):
        return UnitsNote(roles[0], roles[1], offset + start)
    return None


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
