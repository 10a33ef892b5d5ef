"""The numbers Word's automatic list numbering shows in front of paragraphs.

A paragraph numbered by Word carries no number in its text. It names a list
(``w:numId``) and a level (``w:ilvl``), directly or through its paragraph style; the
number comes from that level's definition in ``numbering.xml`` and from counting the
paragraphs of the same list that came before it. ``ListNumbering`` is built once per
document and asked for every paragraph in document order, so that its counters advance
the way Word's do.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from docx.oxml.ns import qn
from docx.styles import BabelFish

from feedback.numerals import format_number

W_VAL = qn("w:val")
W_NUM_PR = qn("w:numPr")
W_NUM_ID = qn("w:numId")
W_ILVL = qn("w:ilvl")
_W_STYLE = qn("w:style")
_W_STYLE_ID = qn("w:styleId")
_W_TYPE = qn("w:type")
_W_DEFAULT = qn("w:default")
_W_NAME = qn("w:name")
_W_BASED_ON = qn("w:basedOn")
_W_PPR = qn("w:pPr")
_W_PSTYLE = qn("w:pStyle")
_W_ABSTRACT_NUM = qn("w:abstractNum")
_W_ABSTRACT_NUM_ID = qn("w:abstractNumId")
_W_NUM = qn("w:num")
_W_LVL = qn("w:lvl")
_W_LVL_OVERRIDE = qn("w:lvlOverride")
_W_START_OVERRIDE = qn("w:startOverride")
_W_START = qn("w:start")
_W_NUM_FMT = qn("w:numFmt")
_W_LVL_TEXT = qn("w:lvlText")
_W_LVL_RESTART = qn("w:lvlRestart")
_W_IS_LGL = qn("w:isLgl")
_W_STYLE_LINK = qn("w:styleLink")
_W_NUM_STYLE_LINK = qn("w:numStyleLink")
_W_OUTLINE_LVL = qn("w:outlineLvl")
# Heading 1–9 (also as Word names them in Chinese: 标题 1–9)
_HEADING_NAME_RE = re.compile(r"^(?:[Hh]eading|标题)\s*([1-9])$")
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"

_LEVEL_COUNT = 9
_PLACEHOLDER_RE = re.compile(r"%([1-9])")
_OFF_VALUES = frozenset({"0", "false", "off"})
_ON_VALUES = frozenset({"1", "true", "on"})


def _int(value: str | None, default: int | None) -> int | None:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _child_val(element, tag: str) -> str | None:
    child = element.find(tag)
    return child.get(W_VAL) if child is not None else None


def is_on(element) -> bool:
    """An OOXML on/off property: present and not switched off."""
    return element is not None and (element.get(W_VAL) or "true").lower() not in _OFF_VALUES


@dataclass(frozen=True)
class ListLevel:
    """One level of a list definition (``w:lvl``)."""

    start: int = 0  # OOXML's default when w:start is absent
    num_fmt: str = "decimal"
    text: str = ""  # w:lvlText, with %1 … %9 standing for the levels' numbers
    # w:lvlRestart: None restarts after any higher level, 0 never, n after level n (1-based)
    restart_after: int | None = None
    legal: bool = False  # w:isLgl: every level shown in Arabic numerals
    style_id: str | None = None  # w:pStyle: the paragraph style bound to this level

    @classmethod
    def from_element(cls, lvl) -> "ListLevel":
        num_fmt = _child_val(lvl, _W_NUM_FMT)
        if num_fmt is None:
            # Word 2010 puts custom formats in mc:AlternateContent with a plain fallback.
            fallback = lvl.find(f"*/{_MC_FALLBACK}/{_W_NUM_FMT}")
            num_fmt = fallback.get(W_VAL) if fallback is not None else "decimal"
        return cls(
            start=_int(_child_val(lvl, _W_START), 0),
            num_fmt=num_fmt or "decimal",
            text=_child_val(lvl, _W_LVL_TEXT) or "",
            restart_after=_int(_child_val(lvl, _W_LVL_RESTART), None),
            legal=is_on(lvl.find(_W_IS_LGL)),
            style_id=_child_val(lvl, _W_PSTYLE),
        )


def _levels_of(parent) -> dict[int, ListLevel]:
    return {_int(lvl.get(W_ILVL), 0): ListLevel.from_element(lvl) for lvl in parent.iterchildren(_W_LVL)}


@dataclass
class _Counters:
    """The running numbers of one list definition, shared by every list that uses it."""

    values: list[int | None] = field(default_factory=lambda: [None] * _LEVEL_COUNT)
    # A start value set by w:startOverride, taken the next time the level (re)starts.
    override_starts: dict[int, int] = field(default_factory=dict)

    def restart(self, ilvl: int, start: int | None = None) -> None:
        self.values[ilvl] = None
        if start is not None:
            self.override_starts[ilvl] = start

    def advance(self, ilvl: int, start: int) -> int:
        current = self.values[ilvl]
        value = self.override_starts.pop(ilvl, start) if current is None else current + 1
        self.values[ilvl] = value
        return value

    def shown(self, ilvl: int, start: int) -> int:
        """The number a level shows inside a deeper level's text.

        A level not reached yet shows one less than its start, as Word does (``0.1``).
        """
        current = self.values[ilvl]
        return current if current is not None else self.override_starts.get(ilvl, start) - 1


@dataclass
class _ListInstance:
    """A ``w:num``: a list definition plus its overrides."""

    counter_key: str
    levels: dict[int, ListLevel]
    start_overrides: dict[int, int]
    used: bool = False

    def level_of_style(self, style_id: str | None) -> int:
        """The level bound to a paragraph style by ``w:pStyle``, else the first."""
        if style_id is None:
            return 0
        return next((ilvl for ilvl, level in self.levels.items() if level.style_id == style_id), 0)


class _StyleSheet:
    """Paragraph style names and the list numbering each style brings (through ``w:basedOn``)."""

    def __init__(self, styles_root) -> None:
        self._names: dict[str, str] = {}
        self._based_on: dict[str, str] = {}
        self._own_numbering: dict[str, tuple[str | None, int | None]] = {}
        self._numbering_cache: dict[str | None, tuple[str | None, int | None]] = {}
        self._own_outline: dict[str, int] = {}
        self.default_paragraph_style: str | None = None
        if styles_root is None:
            return
        for style in styles_root.iterchildren(_W_STYLE):
            style_id = style.get(_W_STYLE_ID)
            if style_id is None:
                continue
            name = _child_val(style, _W_NAME)
            self._names[style_id] = BabelFish.internal2ui(name) if name else style_id
            based_on = _child_val(style, _W_BASED_ON)
            if based_on:
                self._based_on[style_id] = based_on
            num_pr = style.find(f"{_W_PPR}/{W_NUM_PR}")
            if num_pr is not None:
                self._own_numbering[style_id] = (_child_val(num_pr, W_NUM_ID),
                                                 _int(_child_val(num_pr, W_ILVL), None))
            outline = _int(_child_val(style.find(_W_PPR), _W_OUTLINE_LVL), None) \
                if style.find(_W_PPR) is not None else None
            heading = _HEADING_NAME_RE.match(self._names[style_id])
            if outline is None and heading:
                outline = int(heading.group(1)) - 1
            if outline is not None:
                self._own_outline[style_id] = outline
            if style.get(_W_TYPE) == "paragraph" and (style.get(_W_DEFAULT) or "").lower() in _ON_VALUES:
                self.default_paragraph_style = style_id

    def name(self, style_id: str | None) -> str:
        style_id = style_id or self.default_paragraph_style
        return self._names.get(style_id, style_id) if style_id else ""

    def outline_level(self, style_id: str | None) -> int | None:
        """The outline level (0 for Heading 1) a style gives, through ``w:basedOn``; None for body text."""
        style_id = style_id or self.default_paragraph_style
        seen: set[str] = set()
        while style_id is not None and style_id not in seen:
            seen.add(style_id)
            if style_id in self._own_outline:
                level = self._own_outline[style_id]
                return level if 0 <= level <= 8 else None
            style_id = self._based_on.get(style_id)
        return None

    def numbering(self, style_id: str | None) -> tuple[str | None, int | None]:
        """``(numId, ilvl)`` a paragraph of this style gets, either may be None."""
        style_id = style_id or self.default_paragraph_style
        cached = self._numbering_cache.get(style_id)
        if cached is None:
            cached = self._numbering_cache[style_id] = self._resolve_numbering(style_id)
        return cached

    def _resolve_numbering(self, style_id: str | None) -> tuple[str | None, int | None]:
        num_id = ilvl = None
        seen: set[str] = set()
        while style_id is not None and style_id not in seen and num_id is None:
            seen.add(style_id)
            own_num_id, own_ilvl = self._own_numbering.get(style_id, (None, None))
            num_id = own_num_id
            ilvl = own_ilvl if ilvl is None else ilvl
            style_id = self._based_on.get(style_id)
        return num_id, ilvl


class ListNumbering:
    """The numbers of a document's automatically numbered paragraphs, in reading order.

    Call ``number`` for every paragraph (also those in tables) in document order: each
    call advances the counters, as each numbered paragraph does in Word.
    """

    def __init__(self, numbering_root, styles_root) -> None:
        self.styles = _StyleSheet(styles_root)
        self._lists: dict[str, _ListInstance] = {}
        self._counters: dict[str, _Counters] = {}
        if numbering_root is not None:
            self._read_lists(numbering_root)

    def _read_lists(self, root) -> None:
        abstracts = {a.get(_W_ABSTRACT_NUM_ID): a for a in root.iterchildren(_W_ABSTRACT_NUM)}
        by_style_link = {}
        for abstract_id, abstract in abstracts.items():
            link = _child_val(abstract, _W_STYLE_LINK)
            if link:
                by_style_link[link] = abstract_id
        nums = {num.get(W_NUM_ID): num for num in root.iterchildren(_W_NUM)}

        def definition_of(abstract_id: str | None) -> str | None:
            """The list definition that really holds the levels of ``abstract_id``.

            A definition with ``w:numStyleLink`` is only a pointer to a numbering style;
            its levels live in the definition carrying the matching ``w:styleLink``, or in
            the one the numbering style's own ``w:numId`` uses.
            """
            abstract = abstracts.get(abstract_id)
            link = _child_val(abstract, _W_NUM_STYLE_LINK) if abstract is not None else None
            if not link:
                return abstract_id
            target = by_style_link.get(link)
            if target is None:
                style_num = nums.get(self.styles.numbering(link)[0])
                if style_num is not None:
                    target = _child_val(style_num, _W_ABSTRACT_NUM_ID)
            return target if target in abstracts else abstract_id

        for num_id, num in nums.items():
            abstract_id = definition_of(_child_val(num, _W_ABSTRACT_NUM_ID))
            if abstract_id not in abstracts:
                continue
            levels = _levels_of(abstracts[abstract_id])
            start_overrides = {}
            for override in num.iterchildren(_W_LVL_OVERRIDE):
                ilvl = _int(override.get(W_ILVL), 0)
                replacement = override.find(_W_LVL)
                if replacement is not None:
                    levels[ilvl] = ListLevel.from_element(replacement)
                start = _int(_child_val(override, _W_START_OVERRIDE), None)
                if start is not None:
                    start_overrides[ilvl] = start
            self._lists[num_id] = _ListInstance(abstract_id, levels, start_overrides)

    def number(self, p_pr, style_id: str | None) -> str:
        """The number Word shows before a paragraph, '' when it has none.

        ``p_pr`` is the paragraph's ``w:pPr`` (or None) and ``style_id`` its ``w:pStyle``.
        The paragraph's own ``w:numPr`` wins over its style's; ``numId`` 0 switches
        numbering off.
        """
        num_id = ilvl = None
        num_pr = p_pr.find(W_NUM_PR) if p_pr is not None else None
        if num_pr is not None:
            num_id = _child_val(num_pr, W_NUM_ID)
            ilvl = _int(_child_val(num_pr, W_ILVL), None)
        if num_id is None:
            num_id, style_ilvl = self.styles.numbering(style_id)
            if num_id is None:
                return ""
            ilvl = style_ilvl if ilvl is None else ilvl
        instance = self._lists.get(num_id) if num_id != "0" else None  # 0: "no numbering"
        if instance is None:
            return ""
        if ilvl is None:
            ilvl = instance.level_of_style(style_id or self.styles.default_paragraph_style)
        if not 0 <= ilvl < _LEVEL_COUNT:
            return ""
        return self._advance(instance, ilvl)

    def _advance(self, instance: _ListInstance, ilvl: int) -> str:
        level = instance.levels.get(ilvl)
        if level is None:
            return ""
        counters = self._counters.setdefault(instance.counter_key, _Counters())
        if not instance.used:
            instance.used = True
            for overridden, start in instance.start_overrides.items():
                if 0 <= overridden < _LEVEL_COUNT:
                    counters.restart(overridden, start)
        value = counters.advance(ilvl, level.start)
        for deeper in range(ilvl + 1, _LEVEL_COUNT):
            deeper_level = instance.levels.get(deeper)
            restart_after = deeper_level.restart_after if deeper_level is not None else None
            if restart_after is None or (restart_after and ilvl < restart_after):
                counters.restart(deeper)
        if level.num_fmt == "bullet":
            return ""

        def render(match: re.Match) -> str:
            referenced = int(match.group(1)) - 1
            if referenced == ilvl:
                shown, num_fmt = value, level.num_fmt
            else:
                other = instance.levels.get(referenced, ListLevel())
                shown, num_fmt = counters.shown(referenced, other.start), other.num_fmt
            return format_number(shown, "decimal" if level.legal else num_fmt)

        return _PLACEHOLDER_RE.sub(render, level.text)
