"""Splitting a unit's reply letter (反馈意见函) into its single comments.

A reply has a head (title, salutation, opening sentence), the comments —
numbered ``一、`` ``1.`` ``（1）`` ``①`` or one per paragraph — and a tail (特此函复,
signature, date, contact). Each comment is placed on a clause of the draft, on
``总体意见`` when it is about the whole text, or on ``待定位`` when it cannot be
placed; every comment left unplaced or uncertain is named in ``warnings``.

>>> from feedback.outline import parse_lines
>>> draft = parse_lines(['某某行动计划', '一、重点任务', '（一）加强领导',
...                      '1.健全机制。每年召开会议。', '2.落实责任。逐级签订责任书。'])
>>> letter = split_letter('市教育局：\\n经研究，提出以下意见：\\n'
...     '一、第2条“逐级签订责任书”，建议修改为“逐级压实责任”。\\n'
...     '二、建议文稿整体压缩篇幅。\\n特此函复。\\n汉中市财政局\\n2023年4月11日', draft)
>>> letter.unit_name_guess, letter.no_comments
('汉中市财政局', False)
>>> [(c.clause_ref, c.quoted_text, c.proposed_wording) for c in letter.comments]
[('一（一）2', '逐级签订责任书', '逐级压实责任'), ('总体意见', '', '')]
>>> split_letter('市教育局：\\n经研究，我局无修改意见。\\n汉中市公安局', draft).no_comments
True
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from feedback.draft import Draft
from feedback.numerals import CIRCLED, chinese_to_int
from feedback.references import _LEADING_NUMBER_RE, ReferenceMatch, ReferenceResolver, normalise, quoted_phrases
from feedback.text import clean_line
from feedback.units import UNIT_ENDINGS
from feedback.vocabulary import GENERAL_CLAUSE_REF, UNPLACED_CLAUSE_REF


@dataclass
class SplitComment:
    """One comment of a letter and where it belongs in the draft."""

    text: str
    clause_ref: str
    quoted_text: str = ""
    proposed_wording: str = ""
    reference: ReferenceMatch | None = None
    note: str = ""  # where in the clause, as the letter says it: 第三段, “…”一段
    author: str = ""  # who wrote it, when the file says (a Word revision or comment)


@dataclass
class LetterSplit:
    """A letter taken apart: who sent it, whether it has comments, and the comments."""

    unit_name_guess: str | None
    no_comments: bool
    comments: list[SplitComment] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dated: date | None = None  # the date line of the letter
    authors: list[str] = field(default_factory=list)  # revision and comment authors of a returned draft


_CN = "一二三四五六七八九十"
# Patterns are matched on ``normalise``d lines: Simplified script, half-width punctuation.
# Item numbers as letters write them, in no particular order of level.
_NUMBERINGS = (
    ("一、", re.compile(rf"^([{_CN}]{{1,3}})\s*[、.]\s*")),
    ("（一）", re.compile(rf"^\(\s*([{_CN}]{{1,3}})\s*\)\s*[、.]?\s*")),
    ("1.", re.compile(r"^(\d{1,2})\s*(?:[.、](?!\d)|\))\s*")),
    ("（1）", re.compile(r"^\(\s*(\d{1,2})\s*\)\s*[、.]?\s*")),
    ("①", re.compile(rf"^([{CIRCLED}])\s*[、.]?\s*")),
    ("第一，", re.compile(rf"^第([{_CN}]{{1,3}})\s*[、,:]\s*")),
    ("一是", re.compile(rf"^([{_CN}]{{1,3}})是\s*")),
)
_NUMBER_SKIP_TOLERATED = 2  # 一、二、四、: a lost item number must not merge two comments
_TITLE_RE = re.compile(r"^(?P<unit>.*?)关于.*(?:意见|建议|函|反馈|说明)[^。]{0,6}$")
# 市发展改革委对《…（征求意见稿）》的意见: a title without 关于; its unit, often shortened, is read
# only when the letter is not signed
_TITLE_TO_RE = re.compile(r"^(?P<unit>[^《》,。;:]{0,30}?)对《[^《》]+》(?:\([^()]*\))?(?:提出)?的?(?:修改|反馈)?"
                          r"(?:意见|建议|复函|函)(?:和建议|建议)?$")
_SALUTATION_RE = re.compile(r"^[^,。;:]{2,20}:$")
# An opening sentence; 经研究 alone is not one, since 经研究，第4条… is a comment.
_INTRO_RE = re.compile(r"如下|以下|收悉")
_PROPOSING_RE = re.compile(r"建议|改为|增加|删除|删去|补充|调整|加上|添加|增写|表述为")
# 无修改意见和建议, 无不同意见, 原则同意, 同意该稿, 无异议 …: a unit with nothing to say.
_NO_COMMENT_RE = re.compile(
    r"(?:无|没有|暂无|并无)(?:任何)?(?:修改|其他|其它|不同|补充|反馈|具体|修订|书面){0,2}(?:意见|建议)"
    r"(?:(?:和|或|及|与|、|或者)?(?:修改|其他|不同|补充)?(?:意见|建议))?"
    r"|无需修改|(?:没有|无)(?:需要|需)?修改(?:的)?(?:地方|内容|之处)|无异议|没有异议|原则(?:上)?同意|(?:完全|表示)赞同"
    r"|(?:完全|一致)?同意(?:该|此|本|这|所附|上述)(?:个|份|件)?"
    r"(?:稿|文稿|草案|方案|征求意见稿|文件|意见稿|计划|内容|办法|规定|条例|细则|规划|制度|措施)"
    r"|同意(?:印发|出台|发布|实施|施行)"
    r"|(?:^|,)(?:我[局委办部院会厅室]|本单位)?(?:表示)?(?:完全)?同意$")
_TITLE_IN_BRACKETS_RE = re.compile(r"《[^《》]*》")
_SPLIT_POINTS_RE = re.compile(r"[;；]")
_POINT_MIN = 6  # a part shorter than this is not a proposal of its own
_LOCATOR_RE = re.compile(
    r"第\s*[一二三四五六七八九十\d]{1,3}\s*(?:段|自然段|行|句|页)(?:第\s*[一二三四五六七八九十\d]{1,3}\s*(?:段|行|句))?"
    r"|[Pp]\s*\d{1,3}(?:\s*第\s*[一二三四五六七八九十\d]{1,3}\s*(?:段|行))?"
    r"|“[^”]{1,40}”(?:这|一|那)段|(?:倒数)第\s*[一二三四五六七八九十\d]{1,2}\s*(?:段|行)")
_CLOSING_RE = re.compile(r"^(?:特此函复|特此复函|特此反馈|特此说明|专此函复|此复|以上意见|请予?(?:参考|参阅|采纳|酌定|酌处))")
_DATE_RE = re.compile(
    r"^(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日)$")
_CONTACT_RE = re.compile(r"^\(?\s*(?:联\s*系\s*人|联系电话|电\s*话|手\s*机|邮\s*箱|传\s*真|经\s*办\s*人|承\s*办\s*人)")
_SEAL_RE = re.compile(r"\(\s*(?:盖章|公章|章)\s*\)")
_REASON_RE = re.compile(r"^(?:理由|原因|依据|说明)\s*:")
_GROUP_HEADING_MAX = 40
_SIGNATURE_MAX = 30
_GENERAL_RE = re.compile(
    r"建议整体|整体上|总体上|总体而言|总的来看|文稿整体|文件整体|全文|通篇|整篇|全篇|行文|结构上|标题")
_PROPOSED_RE = re.compile(
    r"(?:修改为|改为|调整为|表述为|修改成|改成|替换为|更改为)\s*:?\s*"
    r"(?:“(?P<q1>[^”]*)”|\"(?P<q2>[^\"]*)\"|「(?P<q3>[^」]*)」|(?P<plain>[^。;\n]+))"
    r"|(?:增加|补充|增写|新增|加上|添加|加入)(?:表述|内容|一句话|一句|一条|一款|一项|一段|如下内容|以下内容)?\s*:?\s*“(?P<q4>[^”]*)”")
_REASON_AFTER_RE = re.compile(r",\s*(?:理由|原因)")


@dataclass(frozen=True)
class _Line:
    """A line as written, and the same line normalised for the patterns."""

    text: str
    key: str

    @classmethod
    def of(cls, text: str) -> "_Line":
        return cls(text, normalise(text))


@dataclass
class _Item:
    """A numbered item of the letter: its own lines and the items numbered under it."""

    raw: str
    lines: list[str]
    children: list["_Item"] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def split_letter(text: str, draft: Draft) -> LetterSplit:
    """The comments of a reply letter given as plain text, placed on ``draft``'s clauses."""
    lines = [_Line.of(cleaned) for raw in text.splitlines() if (cleaned := clean_line(raw).text)]
    head, body, tail = _frame(lines)
    unit = _unit_from_head(head) or _unit_from_signature(tail) or _unit_from_title_to(head)
    paragraphs, said_none = _body_paragraphs(body)
    warnings: list[str] = []
    pieces = _pieces(paragraphs, warnings)
    resolver = ReferenceResolver(draft)
    comments: list[SplitComment] = []
    for piece, context, continues in pieces:
        comment = _comment(piece, context, resolver)
        if continues and comments and comment.clause_ref == UNPLACED_CLAUSE_REF and not comment.reference.candidates:
            # 第4条建议…；删除“…”: a point after ； without a reference of its own stays on the same clause
            before = comments[-1]
            comment.clause_ref, comment.reference = before.clause_ref, before.reference
        comments.append(comment)
    warnings += _placement_warnings(comments)
    warnings += _citation_warnings(comments, resolver)
    if unit is None:
        warnings.insert(0, "未能从来函中识别出反馈单位名称")
    if not comments and not said_none:
        warnings.append("来函中未识别出意见条目，也未说明无修改意见")
    dated = next((found for line in reversed(tail + body) if (found := letter_date(line.key))), None)
    return LetterSplit(unit, said_none and not comments, comments, warnings, dated)


def letter_date(text: str) -> date | None:
    """The date of a date line: ``2023年4月11日`` or ``二〇二三年四月十一日``; None for anything else.

    >>> letter_date('2023年4月11日'), letter_date('二〇二三年四月十二日'), letter_date('2023年2月30日')
    (datetime.date(2023, 4, 11), datetime.date(2023, 4, 12), None)
    """
    key = normalise(text).strip()
    if not _DATE_RE.match(key):
        return None
    parts = re.findall(r"[\d〇○零一二三四五六七八九十]+", key)
    try:
        year, month, day = (int(p) if p.isdigit() else chinese_to_int(p) for p in parts[:3])
        return date(year, month, day)
    except (ValueError, TypeError):
        return None


# ---- the frame of the letter ---------------------------------------------------

def _frame(lines: list[_Line]) -> tuple[list[_Line], list[_Line], list[_Line]]:
    """Head (title lines, salutation), body, and tail (closing, signature, date)."""
    start = _title_length(lines)
    for index in range(start, min(start + 3, len(lines))):
        if _SALUTATION_RE.match(lines[index].key) and not _INTRO_RE.search(lines[index].key):
            start = index + 1
            break
    end = next((i for i in range(start, len(lines)) if _CLOSING_RE.match(lines[i].key)), len(lines))
    while end > start and _is_tail_line(lines[end - 1]):
        end -= 1
    return lines[:start], lines[start:end], lines[end:]


def _title_length(lines: list[_Line]) -> int:
    """How many lines the title takes: one, or two when the unit stands on a line of its own."""
    if lines and _is_title(lines[0]):
        return 1
    if len(lines) > 1 and _looks_like_unit(lines[0]) and _is_title(_Line.of(lines[0].text + lines[1].text)):
        return 2
    return 0


def _is_title(line: _Line) -> bool:
    if "。" in line.key or len(line.key) > 80:
        return False
    if _TITLE_RE.match(line.key):
        return True
    to = _TITLE_TO_RE.match(line.key)
    return bool(to) and (not to.group("unit") or _looks_like_unit(_Line.of(to.group("unit"))))


def _without_seal(line: _Line) -> str:
    seal = _SEAL_RE.search(line.key)
    return (line.text[:seal.start()] + line.text[seal.end():] if seal else line.text).strip()


def _looks_like_unit(line: _Line) -> bool:
    """汉中市财政局（盖章）: a signature, not a short comment such as 3.建议增加市体育局."""
    name = _SEAL_RE.sub("", line.key).strip()
    return (2 <= len(name) <= _SIGNATURE_MAX and name.endswith(UNIT_ENDINGS) and not _numbering(line)
            and not re.search(r"[。,;:]", name) and not _PROPOSING_RE.search(name))


def _is_tail_line(line: _Line) -> bool:
    return bool(_DATE_RE.match(line.key) or _CONTACT_RE.match(line.key) or _SEAL_RE.search(line.key)) \
        or _looks_like_unit(line)


def _unit_from_head(head: list[_Line]) -> str | None:
    """The unit before 关于 in the title, or a unit name standing above the salutation."""
    title = _Line.of("".join(line.text for line in head if not _SALUTATION_RE.match(line.key)))
    match = _TITLE_RE.match(title.key)
    if match and _looks_like_unit(_Line.of(match.group("unit"))):
        return title.text[:match.end("unit")].strip()
    return next((line.text for line in head if _looks_like_unit(line)), None)


def _unit_from_title_to(head: list[_Line]) -> str | None:
    """The unit before 对《…》的意见 in a title without 关于."""
    match = next((m for line in head if (m := _TITLE_TO_RE.match(line.key))), None)
    unit = match.group("unit").strip() if match else ""
    return unit if unit and _looks_like_unit(_Line.of(unit)) else None


def _unit_from_signature(tail: list[_Line]) -> str | None:
    return next((_without_seal(line) for line in tail if _looks_like_unit(line)), None)


def _body_paragraphs(body: list[_Line]) -> tuple[list[_Line], bool]:
    """The paragraphs that may hold comments, and whether the letter says it has none."""
    paragraphs: list[_Line] = []
    said_none = False
    for line in body:
        if _CONTACT_RE.match(line.key) or _DATE_RE.match(line.key):
            continue
        if _says_no_comments(line.key):
            said_none = True
        elif paragraphs or not _is_intro(line):
            paragraphs.append(line)
    return paragraphs, said_none


def _says_no_comments(key: str) -> bool:
    """经研究，我局无修改意见和建议。原则同意。 — but not 第4条无其他问题，建议删除…

    >>> [_says_no_comments(t) for t in ('我局无修改意见和建议。', '原则同意。', '无不同意见。', '同意该稿。',
    ...                                  '原则同意，建议第4条删除“每年”。')]
    [True, True, True, True, False]
    """
    key = _TITLE_IN_BRACKETS_RE.sub("《》", key)  # 《关于…建议…的意见》 is a title, not a proposal
    remainder = _NO_COMMENT_RE.sub("", key.strip(" 。.!！"))
    return remainder != key.strip(" 。.!！") and not _PROPOSING_RE.search(remainder)


def _is_intro(line: _Line) -> bool:
    if _numbering(line):
        return False
    return line.key.endswith(":") or bool(_INTRO_RE.search(line.key) and not _PROPOSING_RE.search(line.key))


# ---- numbered items ----------------------------------------------------------------

def _numbering(line: _Line) -> tuple[str, int, str] | None:
    """The numbering family, the number and the text after it, if ``line`` is numbered."""
    for family, pattern in _NUMBERINGS:
        match = pattern.match(line.key)
        if match:
            raw = match.group(1)
            number = CIRCLED.index(raw) + 1 if raw in CIRCLED else int(raw) if raw.isdigit() else chinese_to_int(raw)
            return family, number, line.text[match.end():]
    return None


class _ItemTree:
    """The numbered items of a letter as a two-level tree, built paragraph by paragraph.

    A number counts only where it continues its family (一、 after 一、, 1. after 1.):
    a paragraph beginning ``三、（二）4`` in an unnumbered letter is a reference, not item 3.
    """

    def __init__(self, warnings: list[str]):
        self.leading: list[str] = []  # paragraphs before the first item
        self.tops: list[_Item] = []
        self.families: list[str] = []  # the top family, then the family numbered under it
        self.last: dict[str, int] = {}
        self.warnings = warnings

    def add(self, line: _Line) -> None:
        numbered = _numbering(line)
        level = self._level(*numbered[:2]) if numbered else None
        if level is None:
            target = (self.tops[-1].children or [self.tops[-1]])[-1] if self.tops else None
            (target.lines if target else self.leading).append(line.text)
            return
        family, number, rest = numbered
        if number > self.last.get(family, 0) + 1:
            self.warnings.append(f"意见编号不连续：{self.last.get(family, 0)}之后是{number}")
        self.last[family] = number
        item = _Item(line.text, [rest] if rest else [])
        if level == 0:
            self.tops.append(item)
            if len(self.families) > 1:
                self.last[self.families[1]] = 0  # numbering under the new item starts again
        else:
            self.tops[-1].children.append(item)

    def _level(self, family: str, number: int) -> int | None:
        """0 for a new item, 1 for an item under it, None for text that only looks numbered."""
        if not 0 < number - self.last.get(family, 0) <= _NUMBER_SKIP_TOLERATED:
            return None
        if not self.families:
            if number != 1:
                return None
            self.families.append(family)
        if family == self.families[0]:
            return 0
        if len(self.families) == 1:
            self.families.append(family)
        return 1 if family == self.families[1] else None


def _pieces(paragraphs: list[_Line], warnings: list[str]) -> list[tuple[str, str, bool]]:
    """Each comment's text, the group heading it stands under (or ''), and whether it
    continues the point before it (a proposal after ``；``)."""
    tree = _ItemTree(warnings)
    for paragraph in paragraphs:
        tree.add(paragraph)
    pieces = [(text, "") for text in _merge_reasons(tree.leading)]
    for item in tree.tops:
        if item.children and _is_group_heading(item):
            pieces += [(child.text, item.text) for child in item.children]
        else:
            parts = [item.text] + [child.raw + "".join("\n" + line for line in child.lines[1:])
                                   for child in item.children]
            pieces.append(("\n".join(p for p in parts if p), ""))
    split = []
    for text, context in pieces:
        if text.strip():
            points = _points(text)
            split += [(point, context, index > 0) for index, point in enumerate(points)]
    return split


def _points(text: str) -> list[str]:
    """``第4条建议…；第5条建议删除…`` as two comments — only when every part is a proposal.

    >>> _points('第4条建议删除“每年”；第5条建议增加“网络安全”。理由：更准确。')
    ['第4条建议删除“每年”', '第5条建议增加“网络安全”。理由：更准确。']
    >>> _points('建议删除“每年”；这样表述更准确。')
    ['建议删除“每年”；这样表述更准确。']
    """
    first, newline, rest = text.partition("\n")
    # a 理由 line, and the text inside quotes, are never split
    parts, depth, start = [], 0, 0
    for index, char in enumerate(first):
        depth += 1 if char in "“《（(「" else -1 if char in "”》）)」" else 0
        if depth <= 0 and _SPLIT_POINTS_RE.match(char):
            parts.append(first[start:index])
            start = index + 1
    parts.append(first[start:])
    parts = [p.strip() for p in parts if p.strip()]
    if len(parts) < 2 or not all(len(p) >= _POINT_MIN and _PROPOSING_RE.search(normalise(p)) for p in parts):
        return [text]
    parts[-1] += newline + rest
    # 一、…；二、…；三、…: the numbers of the points written in one paragraph are not their text
    return [parts[0]] + [numbered[2] if (numbered := _numbering(_Line.of(p))) and numbered[2] else p
                         for p in parts[1:]]


def _merge_reasons(paragraphs: list[str]) -> list[str]:
    """An unnumbered letter: one comment a paragraph, a 理由 paragraph joining the one before."""
    merged: list[str] = []
    for paragraph in paragraphs:
        if merged and _REASON_RE.match(normalise(paragraph)):
            merged[-1] += "\n" + paragraph
        else:
            merged.append(paragraph)
    return merged


def _is_group_heading(item: _Item) -> bool:
    """一、关于第三部分： — a heading over numbered comments, not a comment of its own."""
    return len(item.lines) <= 1 and len(item.text) <= _GROUP_HEADING_MAX and "。" not in item.text \
        and not _PROPOSING_RE.search(normalise(item.text))


# ---- one comment -------------------------------------------------------------------

def _comment(text: str, context: str, resolver: ReferenceResolver) -> SplitComment:
    match = resolver.resolve(text)
    if not match.certain and context:
        # 一、关于第三部分 / 1.第（二）项…: the heading completes the reference
        prefix = context.rstrip("：:，,。 ")
        in_context = resolver.resolve(prefix + text)
        if in_context.certain:
            start, end = in_context.span
            in_context.span = (max(0, start - len(prefix)), max(0, end - len(prefix)))
            match = in_context
    # 第4条“加快教育信息化建设”中“…”: a quoted heading names the clause; the draft's wording is the other quote
    quotes = [q for q in quoted_phrases(text)
              if not resolver.is_heading(q) or re.search(f"{re.escape(q)}[”\"」]?(?:之前|之后|前面|后面)", text)]
    # the draft's own words: in the clause, else anywhere in the draft, else what the letter quotes;
    # of several, the one the proposal (修改为…) follows
    proposal = _PROPOSED_RE.search(normalise(text))
    if proposal:
        before = [q for q in quotes if 0 <= text.find(q) < proposal.start()]
        quotes = before[::-1] + [q for q in quotes if q not in before]
    proposed = _proposed_wording(text)
    quotes = [q for q in quotes if q != proposed]  # the new wording is not the draft's
    quoted = next((q for q in quotes if match.ref and resolver.holds(q, match.ref)), None) \
        or next((q for q in quotes if resolver.holds(q)), None) or (quotes[0] if quotes else "")
    return SplitComment(text=text, clause_ref=_clause_ref(text, match), quoted_text=quoted,
                        proposed_wording=proposed, reference=match, note=_locator_note(text))


def _locator_note(text: str) -> str:
    """Where in the clause the letter points, kept as a note: ``第三段``, ``“…”一段``, ``P5第2段``.

    >>> _locator_note('第二部分“主要目标”一段中，第三段的表述建议精简。')
    '位置：“主要目标”一段、第三段'
    """
    found = list(dict.fromkeys(m.group().strip() for m in _LOCATOR_RE.finditer(text)))
    return f"位置：{'、'.join(found)}" if found else ""


def _clause_ref(text: str, match: ReferenceMatch) -> str:
    general = bool(_GENERAL_RE.search(normalise(text)))
    if match.certain and not (general and match.how in ("quote", "quote-similar")):
        return match.ref
    return GENERAL_CLAUSE_REF if general else UNPLACED_CLAUSE_REF


def proposed_wording(text: str) -> str:
    """The new wording a comment proposes (after 修改为/改为/增加…), or ''.

    >>> proposed_wording('建议将“每季度”改为“每月”。')
    '每月'
    """
    return _proposed_wording(text)


def _proposed_wording(text: str) -> str:
    """The new wording after 修改为/改为…, as written; cut before a following 理由."""
    key = normalise(text)
    match = _PROPOSED_RE.search(key)
    if not match:
        return ""
    group = next(name for name, value in match.groupdict().items() if value is not None)
    start, end = match.span(group)
    reason = _REASON_AFTER_RE.search(key, start, end)
    return text[start:reason.start() if reason else end].strip().rstrip("，,")


def _citation_warnings(comments: list[SplitComment], resolver: ReferenceResolver) -> list[str]:
    """A comment citing another document (《某某条例》第十二条) is told, so nobody looks for it on the draft."""
    warnings = []
    for number, comment in enumerate(comments, start=1):
        titles = resolver.cited_documents(comment.text)
        if titles:
            warnings.append(f"第{number}条意见引用的{'、'.join(f'《{t}》' for t in titles)}条文是其他文件的，"
                            "未据此定位到草案的条款")
    return warnings


def _placement_warnings(comments: list[SplitComment]) -> list[str]:
    warnings = []
    for number, comment in enumerate(comments, start=1):
        reference = comment.reference
        if comment.clause_ref != UNPLACED_CLAUSE_REF:
            continue
        if reference.candidates:
            warnings.append(f"第{number}条意见可能涉及{'、'.join(reference.candidates)}，已标为“待定位”，请确认")
        else:
            warnings.append(f"第{number}条意见未能定位到条款（{reference.reason}），已标为“待定位”")
    return warnings


# ---- a draft sent back: Word revisions and comments, or a copy edited without tracking ----------

@dataclass
class RevisedParagraph:
    """One paragraph of a returned draft: its text before and after the revisions, and who made them."""

    old: str
    new: str
    authors: tuple[str, ...] = ()


@dataclass
class WordComment:
    """A Word comment: the paragraph its range starts in, the text it is attached to, what it says."""

    paragraph: int
    anchor: str
    text: str
    author: str = ""


_SENTENCE_END = "。；;！!？?\n"


def changed_sentences(old: str, new: str) -> tuple[str, str]:
    """The sentences a revision touched, before and after: the 针对原文 and the 建议修改为.

    >>> changed_sentences('加强领导。每年召开会议。逐级签订责任书。', '加强领导。每季度召开会议。逐级签订责任书。')
    ('每年召开会议。', '每季度召开会议。')
    >>> changed_sentences('加强领导。', '加强领导。')
    ('', '')
    """
    from difflib import SequenceMatcher

    changes = [op for op in SequenceMatcher(None, old, new, autojunk=False).get_opcodes() if op[0] != "equal"]
    if not changes:
        return "", ""
    first, last = changes[0], changes[-1]
    start = max((old.rfind(mark, 0, first[1]) for mark in _SENTENCE_END), default=-1) + 1
    tail = len(old) - last[2]  # the equal end both texts share
    ends = [old.find(mark, last[2]) for mark in _SENTENCE_END]
    end_old = min([e + 1 for e in ends if e >= 0] or [len(old)])
    end_new = len(new) - (len(old) - end_old) if end_old - last[2] <= tail else len(new)
    before, after = old[start:end_old].strip(), new[start:end_new].strip()
    label = _LEADING_NUMBER_RE.match(before or after)
    if label and before.startswith(label.group()) and after.startswith(label.group()):
        before, after = before[label.end():], after[label.end():]  # 第八条 is the clause's number, not its words
    return before, after


def _change_wording(quoted: str, proposed: str) -> str:
    if quoted and proposed:
        return f"建议将“{quoted}”修改为“{proposed}”"
    return f"建议增加“{proposed}”" if proposed else f"建议删除“{quoted}”"


def comments_from_revisions(paragraphs: list[RevisedParagraph], word_comments: list[WordComment],
                            draft: Draft) -> LetterSplit:
    """One comment per clause the revisions changed, and one per Word comment, placed on ``draft``.

    A paragraph is placed by its text before the revisions; an inserted paragraph goes
    with the clause of the paragraph before it; the title with 总体意见.
    """
    resolver = ReferenceResolver(draft)
    places: list[str] = []
    previous: str | None = None
    for paragraph in paragraphs:
        ref = None
        if paragraph.old.strip():
            match = resolver.locate_text(paragraph.old, previous)
            ref = match.ref
        places.append(ref or previous or GENERAL_CLAUSE_REF)
        previous = ref or previous
    changed: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {}
    for paragraph, ref in zip(paragraphs, places):
        if paragraph.old != paragraph.new:
            quoted, proposed = changed_sentences(paragraph.old, paragraph.new)
            if quoted or proposed:
                changed.setdefault(ref, []).append((quoted, proposed, paragraph.authors))
    comments: list[SplitComment] = []
    for ref, changes in changed.items():
        quoted = "……".join(q for q, _, _ in changes if q)
        proposed = "……".join(p for _, p, _ in changes if p)
        authors = tuple(dict.fromkeys(a for _, _, names in changes for a in names if a))
        comments.append(SplitComment(text=f"（修订）{_change_wording(quoted, proposed)}。", clause_ref=ref,
                                     quoted_text=quoted, proposed_wording=proposed, author="、".join(authors)))
    for comment in word_comments:
        if not comment.text.strip():
            continue
        ref = places[comment.paragraph] if 0 <= comment.paragraph < len(places) else UNPLACED_CLAUSE_REF
        comments.append(SplitComment(text=comment.text.strip(), clause_ref=ref, quoted_text=comment.anchor.strip(),
                                     proposed_wording=_proposed_wording(comment.text), author=comment.author))
    order = {ref: index for index, ref in enumerate(dict.fromkeys(places))}
    comments.sort(key=lambda c: order.get(c.clause_ref, len(order)))
    warnings = [] if comments else ["退回的文稿中没有修订，也没有批注"]
    authors = list(dict.fromkeys(c.author for c in comments if c.author))
    return LetterSplit(None, False, comments, warnings, authors=authors)


def comments_from_edited_copy(sent: Draft, returned: Draft) -> LetterSplit:
    """A copy of the draft edited without tracking, compared with the version sent: one comment per changed clause."""
    from feedback.revision import Relation, clause_body, clause_reading, match_clauses

    old, new = sent.by_ref(), returned.by_ref()
    grouped: dict[str, list[str]] = {}
    inserted: list[tuple[str, str]] = []
    deleted: list[str] = []
    last = GENERAL_CLAUSE_REF
    for match in match_clauses(sent.clauses, returned.clauses):
        if match.from_ref:
            last = match.from_ref
        if not match.relation.changed:
            continue
        if match.relation is Relation.INSERTED:
            inserted.append((last, clause_reading(new[match.to_ref])))
        elif match.relation is Relation.DELETED:
            deleted.append(match.from_ref)
        else:
            grouped.setdefault(match.from_ref, []).append(clause_body(new[match.to_ref]))
    comments: list[SplitComment] = []
    for ref, pieces in grouped.items():
        quoted, proposed = changed_sentences(clause_body(old[ref]), "\n".join(pieces))
        if quoted or proposed:
            comments.append(SplitComment(f"（修改稿）{_change_wording(quoted, proposed)}。", ref, quoted, proposed))
    for ref, text in inserted:
        comments.append(SplitComment(f"（修改稿）建议增加：{text}", ref, "", text))
    for ref in deleted:
        comments.append(SplitComment(f"（修改稿）建议删除{old[ref].display}。", ref, clause_body(old[ref]), ""))
    position = {c.ref: i for i, c in enumerate(sent.clauses)}
    comments.sort(key=lambda c: position.get(c.clause_ref, -1))
    warnings = [] if comments else ["退回的文稿与发出的征求意见稿相同，没有修改"]
    return LetterSplit(None, False, comments, warnings)


# ---- a Word feedback form: a table of 章节条款 / 原文 / 修改意见 / 理由 / 建议修改为 ----------------

FORM_COLUMNS = {
    "proposed": ("建议修改为", "修改后表述", "修改后内容", "建议修改内容", "建议条文", "修改后", "建议表述"),
    "reason": ("修改理由", "理由依据", "理由及依据", "理由", "依据", "说明"),
    "original": ("原文内容", "原条文", "原文表述", "原文", "修改前"),
    "clause": ("章节条款", "条款序号", "所涉条款", "涉及条款", "章节", "条款", "条目", "位置"),
    "page": ("页码", "页"),
    "comment": ("修改意见", "意见建议", "具体意见", "修改建议", "意见内容", "意见", "建议"),
    "number": ("序号", "编号"),
}
_NO_ANSWER_RE = re.compile(r"^(?:无|无意见|无修改意见|/|／|—+|-+|空)?$")


_COMMENT_START_RE = re.compile(r"^(?:建议|应当?|需要?|请|希望|要|可否|能否|是否)|将.{1,60}(?:改为|修改为|调整为|删除|删去)")


def is_comment_not_wording(text: str) -> bool:
    """What someone typed into 修改后表述 is a comment (``建议将…改为…``), not the new wording itself.

    >>> is_comment_not_wording('建议将“每年”改为“每季度”'), is_comment_not_wording('每季度召开一次会议')
    (True, False)
    """
    return bool(_COMMENT_START_RE.search(normalise(text.strip())))


def form_columns(headers: list[str]) -> dict[str, int]:
    """Which column holds what in a feedback form's header row (roles without a column left out).

    >>> form_columns(['序号', '章节条款', '页码', '原文', '修改意见', '理由', '建议修改为'])
    {'proposed': 6, 'reason': 5, 'original': 3, 'clause': 1, 'page': 2, 'comment': 4, 'number': 0}
    """
    taken: dict[str, int] = {}
    cleaned = [re.sub(r"\s+", "", h or "") for h in headers]
    for role, words in FORM_COLUMNS.items():
        for word in words:
            column = next((i for i, h in enumerate(cleaned) if word in h and i not in taken.values()), None)
            if column is not None:
                taken[role] = column
                break
    return taken


def is_form_header(headers: list[str]) -> bool:
    """A header row of a feedback form: a comment column and a clause or original-text column."""
    columns = form_columns(headers)
    return ("comment" in columns or "proposed" in columns) and ("clause" in columns or "original" in columns)


def comments_from_form_rows(rows: list[dict[str, str]], draft: Draft) -> tuple[list[SplitComment], list[str], bool]:
    """The comments of a feedback form's rows (role → cell text); returns comments, warnings, said-none."""
    resolver = ReferenceResolver(draft)
    comments: list[SplitComment] = []
    warnings: list[str] = []
    said_none = False
    for number, row in enumerate(rows, 1):
        comment, proposed = row.get("comment", "").strip(), row.get("proposed", "").strip()
        reason, original = row.get("reason", "").strip(), row.get("original", "").strip()
        clause_text, page = row.get("clause", "").strip(), row.get("page", "").strip()
        if _NO_ANSWER_RE.match(normalise(comment)) and _NO_ANSWER_RE.match(normalise(proposed)):
            said_none = said_none or bool(comment or proposed)  # a row saying 无 / 无意见
            continue
        if not proposed and _says_no_comments(normalise(comment)):
            said_none = True
            continue
        if is_comment_not_wording(proposed):  # a comment typed into 修改后表述, alone or beside another
            comment, proposed = f"{comment}\n{proposed}" if comment else proposed, _proposed_wording(proposed)
        match = resolver.resolve(clause_text) if clause_text else ReferenceMatch(None, "none", reason="未填写条款")
        if not match.certain and original:
            by_quote = resolver.resolve(f"“{original}”")
            if by_quote.certain or (by_quote.ref and not match.ref):
                match = by_quote
        if not match.certain and not clause_text and not original:
            match = resolver.resolve(comment)
        ref = _clause_ref(f"{clause_text} {comment}", match)
        if _GENERAL_RE.search(normalise(clause_text)) or normalise(clause_text) in ("总体", "整体", "全文", "总体意见"):
            ref = GENERAL_CLAUSE_REF
        note = f"位置：第{page}页" if page and page.isdigit() else (f"位置：{page}" if page else "")
        # 建议将…改为…；建议明确…: each proposal of the cell a comment on the row's clause, as in letters
        parts = _points(comment) if comment and not proposed else [comment]
        for index, part in enumerate(parts):
            body = (part or f"建议修改为：{proposed}") + (f"\n理由：{reason}" if reason else "")
            quoted = original if index == 0 or original in part else ""
            comments.append(SplitComment(body, ref, quoted, proposed or _proposed_wording(part), match, note))
        if ref == UNPLACED_CLAUSE_REF:
            warnings.append(f"反馈表第{number}行未能定位到条款（{match.reason or '未填写条款'}），已标为“待定位”")
    return comments, warnings, said_none and not comments


def comment_items(letter: LetterSplit, *, round_number: int, unit_id: int, received_on: date | None,
                  source: str) -> list[dict]:
    """The comments of a reply as ``feedback.commands.AddComments`` takes them.

    The locator note and the author (a Word revision's or comment's) go with the source.
    """
    items = []
    for comment in letter.comments:
        extra = "，".join(part for part in (comment.note, f"作者：{comment.author}" if comment.author else "") if part)
        items.append(dict(round_number=round_number, unit_id=unit_id, clause_ref=comment.clause_ref,
                          body=comment.text, quoted_text=comment.quoted_text,
                          proposed_wording=comment.proposed_wording, received_on=received_on,
                          source=f"{source}（{extra}）" if extra else source))
    return items
