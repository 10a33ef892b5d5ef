"""Finding the clause a comment is about, from the way people write references.

Comments name clauses by their numbers (``第三部分第（二）项第4条``, ``（二）4``,
``第4条``, ``第四条第二款``), by a heading (``关于加快教育信息化建设``) or by quoting
the draft (``“市、县财政部门每年划拨专门资金”``). Each reference resolves to a clause
ref of the draft, or says why it cannot: nothing is guessed silently.

>>> from feedback.outline import parse_lines
>>> draft = parse_lines(['某某行动计划', '一、总体要求', '坚持。', '二、重点任务',
...                      '（一）加强领导', '1.健全机制。每年召开会议。', '2.落实责任。逐级签订责任书。',
...                      '（二）强化保障', '3.加大投入。设立专项资金。'])
>>> match = resolve_reference('第二部分第（一）项第2条', draft)
>>> match.ref, match.how, match.certain
('二（一）2', 'path', True)
>>> resolve_reference('任务3', draft).ref
'二（二）3'
>>> resolve_reference('原文“逐级签订责任书”表述不准确', draft).ref
'二（一）2'
>>> missing = resolve_reference('第40条', draft)
>>> missing.ref, missing.reason
(None, '草案中没有第40条')
>>> [m.ref for m in find_references('第1条和第3条都涉及“每年召开会议”', draft)]
['二（一）1', '二（二）3', '二（一）1']
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from feedback.draft import Clause, Draft
from feedback.numerals import CIRCLED, LABEL_NUMERAL_CHARS, chinese_to_int
from feedback.text import fold, to_simplified
from feedback.vocabulary import ClauseKind

@dataclass
class ReferenceMatch:
    """Where one reference points.

    ``ref`` is set when exactly one clause remains; ``certain`` only when that
    clause was found exactly, never when it was inferred, approximated or chosen
    among several. ``candidates`` lists every clause still possible, in document
    order; ``reason`` says in Chinese why the reference is not certain.
    ``text`` is the reference as written (for a quote: the quoted phrase) and
    ``span`` its position in the text searched.
    """

    ref: str | None
    how: str
    candidates: list[str] = field(default_factory=list)
    certain: bool = False
    reason: str = ""
    text: str = ""
    span: tuple[int, int] = (0, 0)


_CN = LABEL_NUMERAL_CHARS
_NUM = rf"(?:\d+|[{_CN}]+)"
_S = r"\s*"
# Full-width forms people type in references, mapped one character to one so
# that positions in the normalised text are positions in the original.
_WIDTH = str.maketrans("０１２３４５６７８９（）［］，．：；＂　\u00a0", "0123456789()[],.:;\"  ")
_STEP_PATTERNS = {
    "task_phrase": rf"第{_S}{_NUM}{_S}[项个]{_S}(?:重点)?任务|任务{_S}\d+(?!\d)",
    "tiao": rf"第{_S}{_NUM}{_S}条(?!{_S}(?:意见|建议[中的]))",
    "part": rf"第{_S}{_NUM}{_S}大?部分",
    "volume": rf"第{_S}{_NUM}{_S}编",
    "chapter": rf"第{_S}{_NUM}{_S}章",
    "division": rf"第{_S}{_NUM}{_S}节",
    "paragraph": rf"第{_S}{_NUM}{_S}款",
    "section": rf"第?{_S}\({_S}[{_CN}]+{_S}\)(?:{_S}项)?",
    "xiang": rf"第{_S}{_NUM}{_S}项(?!{_S}(?:意见|建议[中的]))",
    "point": rf"第?{_S}\({_S}\d+{_S}\)(?:{_S}[目点项])?",
    "mu": rf"第{_S}{_NUM}{_S}[目点]",
    "subpoint": rf"[{CIRCLED}]",
    "column": rf"专栏{_S}{_NUM}",
    "preamble": r"前言|序言|导语",
    # 三、（二）4: a part number counts only right before a section number
    "bare_part": rf"(?<![{_CN}第\d])[{_CN}]+{_S}[、.]?(?={_S}\({_S}[{_CN}]+{_S}\))",
    # （二）4: a task number counts only right after a section number
    "bare_task": r"(?<![\d.])\d{1,3}(?![\d年月日个%名人所万元次倍级类批家篇户亩米吨秒天周岁项条]|\.\d)",
}
_STEP_KINDS = {
    "part": {ClauseKind.PART}, "bare_part": {ClauseKind.PART}, "volume": {ClauseKind.VOLUME},
    "chapter": {ClauseKind.CHAPTER}, "division": {ClauseKind.DIVISION}, "paragraph": {ClauseKind.PARAGRAPH},
    "section": {ClauseKind.SECTION, ClauseKind.ITEM}, "xiang": {ClauseKind.SECTION, ClauseKind.ITEM},
    "point": {ClauseKind.POINT}, "mu": {ClauseKind.POINT}, "subpoint": {ClauseKind.SUBPOINT},
    "column": {ClauseKind.COLUMN}, "preamble": {ClauseKind.PREAMBLE},
}
_NUMBER_RE = re.compile(_NUM)
_CONNECTOR_RE = re.compile(r"^\s*(?:的|之|中的|中|里的|里)?\s*$")
_HEADING_CONTEXT_BEFORE_RE = re.compile(r"(?:关于|对于|对|在)[“\"]?$")
_HEADING_CONTEXT_AFTER_RE = re.compile(r"^\s*(?:条款|这一条|一条|一项|相关内容|内容)")
_HEADING_MARKER_RE = re.compile(r"\s*(?:部分|一节|板块|章节)$")
_SECTION_ALONE_AFTER_RE = re.compile(r"^\s*(?:中|的|里|部分)")
_QUOTE_RE = re.compile(r"“([^”\n]{1,200})”|\"([^\"\n]{1,200})\"|「([^」\n]{1,200})」|『([^』\n]{1,200})』")
# A quote right after these words is the proposed new wording, not the draft's.
_PROPOSAL_BEFORE_RE = re.compile(
    r"(?:改为|修改为|调整为|表述为|替换为|更改为|改成|修改成|写为|写成|增加|增写|补充|新增|加入|增设|加上|添加)"
    r"\s*[:：]?\s*$")
# 《某某条例》第十二条: a citation of another document, not a place in the draft.
_CITATION_BEFORE_RE = re.compile(r"《(?P<title>[^《》]{1,80})》(?:\s*\([^()]{0,20}\))?\s*(?:的|中的|中|之)?\s*$")
_DRAFT_TITLE_RE = re.compile(r"征求意见稿|意见稿|草案|送审稿|讨论稿|修改稿|初稿|本稿|此稿|该稿")
_ORIGINAL_AFTER_RE = re.compile(
    r"原文(?:表述)?(?:为|是)?\s*[:：]?\s*(?![“\"「『])(?P<phrase>[^。;\n“\"「]{2,120}?)"
    r"(?=\s*,?\s*(?:建议|修改为|改为|调整为)|[。;\n]|$)")
_REPLACED_RE = re.compile(
    r"将(?P<phrase>[^。;\n“\"「」”]{2,80}?)(?:修改为|改为|调整为|表述为|替换为|更改为|修改成|改成|删除|删去)")
_LEADING_LINK_RE = re.compile(r"中的|中|的|里的")
# The number a paragraph of the draft starts with: 一、 （一） 1. （1） ① 第一条 第一章
_LEADING_NUMBER_RE = re.compile(
    rf"^(?:第{_S}{_NUM}{_S}[编章节条部分]+|[（(]{_S}(?:\d+|[{_CN}]+){_S}[)）]|(?:\d+|[{_CN}]+){_S}[、.．]|[{CIRCLED}])\s*")
_HEADING_MIN = 4  # an unquoted heading shorter than this is too common a phrase
_SIMILAR_MIN = 6
_SIMILAR_SCORE = 85


def normalise(text: str) -> str:
    """Simplified script and half-width punctuation, keeping every position.

    Patterns can be matched on the result and the positions used on ``text``.

    >>> normalise('第４條（二）')
    '第4条(二)'
    """
    simplified = to_simplified(text)
    if len(simplified) != len(text):
        simplified = text
    return simplified.translate(_WIDTH)


def _searchable(text: str) -> str:
    """Text reduced to letters and digits, for finding a quote whatever its punctuation."""
    return "".join(ch for ch in fold(text) if unicodedata.category(ch)[0] not in "PZCS")


def _ancestry(ref: str, parents: dict[str, str | None]) -> list[str]:
    """The refs of the clauses above ``ref``, nearest first."""
    refs, parent = [], parents.get(ref)
    while parent is not None and parent not in refs:
        refs.append(parent)
        parent = parents.get(parent)
    return refs


def _number_of(kind: str, written: str) -> int:
    if kind == "subpoint":
        return CIRCLED.index(written) + 1
    if kind == "preamble":
        return 0
    raw = _NUMBER_RE.search(written).group()
    return int(raw) if raw.isdigit() else chinese_to_int(raw)


@dataclass
class _Step:
    """One piece of a numbered reference: 第三部分, （二）, 第4条, or a heading."""

    kind: str
    start: int
    end: int
    written: str
    number: int = 0


def _original_phrases(normalised: str, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Where ``normalised`` quotes the draft: quotes, 原文… and 将…改为, outside ``taken``."""
    found: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken + found)

    for quote in _QUOTE_RE.finditer(normalised):
        start, end = quote.span(quote.lastindex)
        proposal = _PROPOSAL_BEFORE_RE.search(normalised[max(0, start - 12):start - 1])
        if free(quote.start(), quote.end()) and not proposal:
            found.append((start, end))
    for pattern in (_ORIGINAL_AFTER_RE, _REPLACED_RE):
        for phrase in pattern.finditer(normalised):
            start, end = phrase.span("phrase")
            # 将第4条中的…改为: the phrase begins after the numbered reference
            start = max([start] + [b for a, b in taken if a < end and b > start])
            link = _LEADING_LINK_RE.match(normalised, start)
            start = link.end() if link else start
            if end - start >= 2 and free(start, end):
                found.append((start, end))
    return sorted(found)


def _inside_quote(chain: list[_Step], quotes: list[tuple[int, int]]) -> bool:
    """“…第一课堂…”: numbers inside a quotation are the draft's words, not a reference."""
    return any(start < chain[0].start and chain[-1].end <= end for start, end in quotes)


def _compile_steps(headings: list[str]) -> re.Pattern:
    """One pattern for every way of writing a step, headings of the draft first."""
    patterns = dict(_STEP_PATTERNS)
    if headings:
        alternation = "|".join(re.escape(h) for h in sorted(set(headings), key=len, reverse=True))
        marker = rf"(?:{_S}(?:部分|一节|板块|章节))?"
        patterns = {"heading": rf"[“\"]?(?:{alternation})[”\"]?{marker}", **patterns}
    return re.compile("|".join(f"(?P<{kind}>{pattern})" for kind, pattern in patterns.items()))


_PLAIN_STEPS = _compile_steps([])


def _steps(normalised: str, step_re: re.Pattern) -> list[_Step]:
    steps: list[_Step] = []
    for found in step_re.finditer(normalised):
        kind, written = found.lastgroup, found.group()
        try:
            number = 0 if kind == "heading" else _number_of(kind, written)
        except ValueError:
            continue  # 第十百条 and the like: not a number
        steps.append(_Step(kind, found.start(), found.end(), written, number))
    return steps


def _chains(normalised: str, step_re: re.Pattern) -> list[list[_Step]]:
    """The numbered references of ``normalised`` as chains of steps: 第三部分|第（二）项|第4条."""
    chains: list[list[_Step]] = []
    for step in _steps(normalised, step_re):
        previous = chains[-1][-1] if chains else None
        gap = normalised[previous.end:step.start] if previous else ""
        if previous and _continues(previous, step, gap):
            chains[-1].append(step)
        else:
            chains.append([step])
    quotes = [q.span() for q in _QUOTE_RE.finditer(normalised)]
    return [chain for chain in (_trim(c, normalised) for c in chains)
            if chain and not _inside_quote(chain, quotes)]


def cited_title(normalised: str, start: int) -> str | None:
    """The title in 《》 right before the reference at ``start`` (``《某某条例》第十二条``), if any."""
    found = _CITATION_BEFORE_RE.search(normalised, 0, start)
    return found.group("title") if found else None


def _continues(previous: _Step, step: _Step, gap: str) -> bool:
    """Whether ``step`` goes on the reference ``previous`` ends: 第三部分的第（二）项."""
    if step.kind == "bare_task":
        return previous.kind == "section" and not gap.strip()
    return step.kind != "bare_part" and bool(_CONNECTOR_RE.match(gap))


def _trim(chain: list[_Step], normalised: str) -> list[_Step]:
    """Drop what only looks like a reference: list numbers, loose digits, plain phrases."""
    while chain and not _can_lead(chain[0]):
        chain = chain[1:]
    if len(chain) == 1 and not _stands_alone(chain[0], normalised):
        return []
    return chain


def _can_lead(step: _Step) -> bool:
    """（1）, ① and a bare 4 start no reference: they number lists inside comments."""
    if step.kind in ("bare_task", "subpoint"):
        return False
    return step.kind != "point" or step.written.lstrip().startswith("第") or step.written[-1] in "目点项"


def _stands_alone(step: _Step, normalised: str) -> bool:
    """Whether a step is a reference without any other step next to it."""
    before, after = normalised[:step.start], normalised[step.end:]
    if step.kind == "heading":
        if _HEADING_MARKER_RE.search(step.written):
            return True
        if step.written[0] in "“\"":
            return False  # a quoted heading alone is left to the quotes: it may also be body text
        return len(step.written) >= _HEADING_MIN and bool(
            _HEADING_CONTEXT_BEFORE_RE.search(before) or _HEADING_CONTEXT_AFTER_RE.match(after))
    if step.kind == "section" and not step.written.lstrip().startswith("第") and not step.written.endswith("项"):
        return bool(_SECTION_ALONE_AFTER_RE.match(after))  # a bare （二） is usually list numbering
    return step.kind != "bare_part"


class ReferenceResolver:
    """The clauses of one draft indexed for resolving many references quickly.

    ``resolve_reference`` and ``find_references`` build one per call; keep one
    when resolving the comments of a whole letter.
    """

    def __init__(self, draft: Draft):
        self.draft = draft
        self.regulation = draft.style == "regulation"
        self._clauses = {c.ref: c for c in draft.clauses}
        self._position = {c.ref: i for i, c in enumerate(draft.clauses)}
        parents = {c.ref: c.parent_ref for c in draft.clauses}
        self._ancestors = {c.ref: _ancestry(c.ref, parents) for c in draft.clauses}
        self._searchable = {c.ref: _searchable(f"{c.heading}\n{c.text}") for c in draft.clauses}
        self._by_heading: dict[str, list[str]] = {}
        for clause in draft.clauses:
            if clause.heading:
                self._by_heading.setdefault(_searchable(clause.heading), []).append(clause.ref)
        # （三）工业项目不高于20%。: a short last item read as its own heading is the draft's wording too
        self._wording_headings = {_searchable(c.heading) for c in draft.clauses
                                  if c.heading and _searchable(c.text) == _searchable(c.heading)}
        self._step_re = _compile_steps([normalise(c.heading) for c in draft.clauses if len(c.heading) >= 2])

    # ---- public -----------------------------------------------------------

    def find_all(self, text: str) -> list[ReferenceMatch]:
        """Every reference in ``text``, in order; quotes found nowhere are left out."""
        numbered, quoted = self._scan(text)
        return sorted(numbered + [m for m in quoted if m.candidates], key=lambda m: m.span)

    def resolve(self, text: str) -> ReferenceMatch:
        """The one clause ``text`` is about, weighing its numbers against its quotes."""
        numbered, quoted = self._scan(text)
        if not numbered:
            return self._first_quote(quoted) if quoted else ReferenceMatch(
                None, "none", reason="未找到条款引用", text=text.strip())
        primary = self._combine(numbered)
        exact = [m for m in quoted if m.how in ("quote", "heading") and m.candidates]
        if exact and primary.candidates:
            return self._narrow(primary, exact[0])
        if not primary.candidates and any(m.candidates for m in quoted):
            return self._fall_back_to_quote(primary, next(m for m in quoted if m.candidates))
        return primary

    # ---- scanning ---------------------------------------------------------

    def _scan(self, text: str) -> tuple[list[ReferenceMatch], list[ReferenceMatch]]:
        """The references made by numbers (or a named heading), and those made by quoting."""
        normalised = normalise(text)
        numbered = [self._resolve_chain(chain, text) for chain in _chains(normalised, self._step_re)
                    if not self._cites_other_document(normalised, chain[0].start)]
        quoted = [self._resolve_quote(text[start:end], (start, end))
                  for start, end in _original_phrases(normalised, [m.span for m in numbered])]
        return numbered, quoted

    def locate_text(self, text: str, after: str | None = None) -> ReferenceMatch:
        """The clause a paragraph of the draft itself belongs to (a returned copy of the draft).

        The paragraph's own number and units note are set aside; among several clauses
        holding the same words the first one after ``after`` (the clause of the paragraph
        before) is taken.
        """
        from feedback.units import UNITS_NOTE_RE

        body = UNITS_NOTE_RE.sub("", _LEADING_NUMBER_RE.sub("", text.strip()))
        match = self._resolve_quote(body, (0, len(text)))
        if match.ref is None and len(match.candidates) > 1 and after in self._position:
            later = [r for r in match.candidates if self._position[r] >= self._position[after]]
            if later:
                return ReferenceMatch(later[0], match.how, match.candidates, True, "", match.text, match.span)
        return match

    def holds(self, phrase: str, ref: str | None = None) -> bool:
        """Whether the draft (or the clause ``ref``) has ``phrase`` word for word, punctuation aside."""
        needle = _searchable(phrase)
        if not needle:
            return False
        if ref is not None:
            return needle in self._searchable.get(ref, "")
        return any(needle in hay for hay in self._searchable.values())

    def is_heading(self, phrase: str) -> bool:
        """Whether ``phrase`` is the heading of a clause (a quoted item title, not the draft's wording)."""
        key = _searchable(phrase)
        return key in self._by_heading and key not in self._wording_headings

    def cited_documents(self, text: str) -> list[str]:
        """The other documents whose articles ``text`` cites: ``《某某条例》第十二条`` → ['某某条例']."""
        normalised = normalise(text)
        return list(dict.fromkeys(
            cited_title(normalised, chain[0].start) for chain in _chains(normalised, _PLAIN_STEPS)
            if self._cites_other_document(normalised, chain[0].start)))

    def _cites_other_document(self, normalised: str, start: int) -> bool:
        """《某某条例》第十二条 numbers another document; 《…（征求意见稿）》第4条 numbers this one."""
        title = cited_title(normalised, start)
        if title is None or _DRAFT_TITLE_RE.search(title):
            return False
        own = _searchable(self.draft.title or "")
        cited = _searchable(title)
        return not (own and cited and (cited in own or fuzz.ratio(cited, own) >= _SIMILAR_SCORE))

    # ---- numbered references ----------------------------------------------

    def _kinds(self, step: _Step) -> set[ClauseKind]:
        """The kinds of clause a step can name; 条 and 项 depend on the draft's style."""
        if step.kind == "tiao":
            return {ClauseKind.ARTICLE} if self.regulation else {ClauseKind.TASK}
        if step.kind in ("task_phrase", "bare_task"):
            return {ClauseKind.POINT} if self.regulation else {ClauseKind.TASK}
        if step.kind == "xiang" and step.written.strip("第 ")[:1].isdigit() and not self.regulation:
            return {ClauseKind.TASK}  # 第4项: sections are numbered in Chinese, tasks in Arabic
        return _STEP_KINDS[step.kind]

    def _within(self, scope: str | None, clause: Clause) -> bool:
        return scope is None or scope in self._ancestors[clause.ref]

    def _find_step(self, scope: str | None, step: _Step) -> list[str]:
        """The clauses under ``scope`` that ``step`` names."""
        if step.kind == "heading":
            return self._find_heading(scope, step.written)
        kinds = self._kinds(step)
        return [c.ref for c in self.draft.clauses if c.kind in kinds and self._within(scope, c)
                and (c.number == step.number or step.kind == "preamble")]

    def _find_heading(self, scope: str | None, written: str) -> list[str]:
        refs = self._by_heading.get(_searchable(_HEADING_MARKER_RE.sub("", written)), [])
        if scope in refs:
            return [scope]  # 第三部分“重点任务”: the heading only confirms the part
        return [r for r in refs if self._within(scope, self._clauses[r])]

    def _nth_under(self, scope: str, step: _Step) -> str | None:
        """The n-th clause of the step's kind under ``scope``, for counts such as （二）第2条."""
        kinds = self._kinds(step)
        under = [c.ref for c in self.draft.clauses if c.kind in kinds and self._within(scope, c)]
        return under[step.number - 1] if 0 < step.number <= len(under) else None

    def _resolve_chain(self, chain: list[_Step], text: str) -> ReferenceMatch:
        span = (chain[0].start, chain[-1].end)
        written = text[span[0]:span[1]].strip()
        how = self._how(chain)
        scopes: list[str | None] = [None]
        inferred: list[str] = []
        for step in chain:
            found: list[str] = []
            for scope in scopes:
                found += self._find_step(scope, step)
            if not found:
                found, inferred = self._count_within(scopes, step, inferred)
            if not found and step.kind == "paragraph" and step.number == 1 and None not in scopes:
                # 第六条第一款 of an article of one paragraph: the article is its only paragraph
                found = [scope for scope in scopes if not any(
                    c.kind == ClauseKind.PARAGRAPH and c.parent_ref == scope for c in self.draft.clauses)]
            if not found:
                where = "草案中" if scopes == [None] else f"{'、'.join(s for s in scopes if s)}中"
                label = text[step.start:step.end].strip("“”\" ")
                return ReferenceMatch(None, how, [], False, f"{where}没有{label}", written, span)
            scopes = list(dict.fromkeys(found))
        return self._conclude(scopes, how, written, span, inferred)

    def _count_within(self, scopes: list, step: _Step, inferred: list[str]) -> tuple[list[str], list[str]]:
        if step.kind not in ("tiao", "task_phrase", "xiang", "bare_task") or None in scopes:
            return [], inferred
        counted = {scope: ref for scope in scopes if (ref := self._nth_under(scope, step))}
        notes = [f"{scope}中没有编号为{step.number}的条款，按顺序推定为其中第{step.number}条（{ref}）"
                 for scope, ref in counted.items()]
        return list(counted.values()), inferred + notes

    def _how(self, chain: list[_Step]) -> str:
        if len(chain) > 1:
            return "path"
        kind = chain[0].kind
        if kind == "heading":
            return "heading"
        if kind in ("task_phrase", "bare_task") or (kind in ("tiao", "xiang") and not self.regulation
                                                    and ClauseKind.TASK in self._kinds(chain[0])):
            return "task-number"
        return "path"

    def _conclude(self, refs: list[str], how: str, written: str, span: tuple[int, int],
                  inferred: list[str]) -> ReferenceMatch:
        refs = sorted(refs, key=self._position.__getitem__)
        if len(refs) > 1:
            reason = f"“{written}”可能指{len(refs)}处条款：{'、'.join(refs)}"
            return ReferenceMatch(None, how, refs, False, reason, written, span)
        return ReferenceMatch(refs[0], how, refs, not inferred, "；".join(inferred), written, span)

    # ---- quotes -----------------------------------------------------------

    def _resolve_quote(self, phrase: str, span: tuple[int, int]) -> ReferenceMatch:
        needle = _searchable(phrase)
        if len(needle) < 2:
            return ReferenceMatch(None, "quote", [], False, f"引文“{phrase}”过短", phrase, span)
        refs = self._deepest([ref for ref, hay in self._searchable.items() if needle in hay])
        if needle in self._by_heading:
            named = self._by_heading[needle]
            elsewhere = [r for r in refs if not any(self._related(r, h) for h in named)]
            return self._conclude(named + elsewhere, "heading", phrase, span, [])
        if len(refs) == 1:
            return ReferenceMatch(refs[0], "quote", refs, True, "", phrase, span)
        if refs:
            reason = f"引文“{phrase}”在{len(refs)}处条款中出现：{'、'.join(refs)}"
            return ReferenceMatch(None, "quote", refs, False, reason, phrase, span)
        return self._similar(phrase, needle, span)

    def _deepest(self, refs: list[str]) -> list[str]:
        """Drop every clause that merely contains another candidate."""
        inner = {a for ref in refs for a in self._ancestors[ref]}
        return [ref for ref in refs if ref not in inner]

    def _similar(self, phrase: str, needle: str, span: tuple[int, int]) -> ReferenceMatch:
        if len(needle) < _SIMILAR_MIN:
            return ReferenceMatch(None, "quote", [], False, f"引文“{phrase}”在草案中未找到", phrase, span)
        scored = [(fuzz.partial_ratio(needle, hay), ref) for ref, hay in self._searchable.items()]
        close = [ref for score, ref in sorted(scored, key=lambda s: -s[0]) if score >= _SIMILAR_SCORE]
        close = self._deepest(close)
        if not close:
            return ReferenceMatch(None, "quote", [], False, f"引文“{phrase}”在草案中未找到", phrase, span)
        reason = f"引文“{phrase}”与草案原文不完全一致，最接近{'、'.join(close[:3])}"
        return ReferenceMatch(close[0] if len(close) == 1 else None, "quote-similar", close, False,
                              reason, phrase, span)

    # ---- weighing several references ---------------------------------------

    def _related(self, a: str, b: str) -> bool:
        return a == b or a in self._ancestors[b] or b in self._ancestors[a]

    def _deeper(self, a: str, b: str) -> str:
        return b if a in self._ancestors[b] else a

    def _combine(self, numbered: list[ReferenceMatch]) -> ReferenceMatch:
        """One reference from several numbered ones: the deepest if they agree."""
        if len(numbered) == 1:
            return numbered[0]
        candidates = self._deepest(list(dict.fromkeys(r for m in numbered for r in m.candidates)))
        reasons = [m.reason for m in numbered if m.reason]
        if not candidates:
            return numbered[0]
        if len(candidates) == 1:
            first = next(m for m in numbered if candidates[0] in m.candidates)
            certain = all(m.certain for m in numbered if m.candidates) and not reasons
            return ReferenceMatch(candidates[0], first.how, candidates, certain, "；".join(reasons),
                                  first.text, first.span)
        reason = f"涉及多处条款：{'、'.join(candidates)}"
        return ReferenceMatch(None, numbered[0].how, candidates, False, reason, numbered[0].text, numbered[0].span)

    def _narrow(self, primary: ReferenceMatch, quote: ReferenceMatch) -> ReferenceMatch:
        """Numbers and quote together: the quote picks the clause the numbers allow."""
        pairs = [(p, q) for p in primary.candidates for q in quote.candidates if self._related(p, q)]
        refs = list(dict.fromkeys(self._deeper(p, q) for p, q in pairs))
        if len(refs) > 1 and primary.certain and all(self._related(primary.ref, r) for r in refs):
            return primary  # 第七条中“移植”, in both its paragraphs: the article named
        if len(refs) == 1:
            return ReferenceMatch(refs[0], primary.how, refs, True, "", primary.text, primary.span)
        if refs:
            return ReferenceMatch(None, primary.how, refs, False, f"涉及多处条款：{'、'.join(refs)}",
                                  primary.text, primary.span)
        if primary.certain and not quote.certain:
            return primary  # a phrase found all over the draft is a term, not the quoted original
        both = list(dict.fromkeys(primary.candidates + quote.candidates))
        reason = f"“{primary.text}”与引文“{quote.text}”所在条款（{'、'.join(quote.candidates)}）不一致"
        return ReferenceMatch(None, primary.how, both, False, reason, primary.text, primary.span)

    @staticmethod
    def _fall_back_to_quote(primary: ReferenceMatch, quote: ReferenceMatch) -> ReferenceMatch:
        reason = f"{primary.reason}；按引文推定为{'、'.join(quote.candidates)}"
        return ReferenceMatch(quote.ref, quote.how, quote.candidates, False, reason, quote.text, quote.span)

    @staticmethod
    def _first_quote(quotes: list[ReferenceMatch]) -> ReferenceMatch:
        return next((m for m in quotes if m.candidates), quotes[0])


def resolve_reference(text: str, draft: Draft) -> ReferenceMatch:
    """The clause of ``draft`` that ``text`` (a reference or a whole comment) is about."""
    return ReferenceResolver(draft).resolve(text)


def find_references(text: str, draft: Draft) -> list[ReferenceMatch]:
    """Every reference to a clause of ``draft`` in ``text``, in order."""
    return ReferenceResolver(draft).find_all(text)


def quoted_phrases(text: str) -> list[str]:
    """The phrases ``text`` quotes from a draft, leaving out proposed new wording.

    >>> quoted_phrases('原文“每年划拨专门资金”，建议修改为“统筹安排资金”。')
    ['每年划拨专门资金']
    >>> quoted_phrases('建议将第4条中的每年划拨专门资金改为统筹安排资金。')
    ['每年划拨专门资金']
    """
    normalised = normalise(text)
    numbered = [(chain[0].start, chain[-1].end) for chain in _chains(normalised, _PLAIN_STEPS)]
    return [text[start:end] for start, end in _original_phrases(normalised, numbered)]
