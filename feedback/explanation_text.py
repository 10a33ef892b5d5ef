"""The generated texts of the drafting explanation (起草情况说明) and the solicitation letter.

Everything here is pure: it takes plain values (the plan, the draft, the rounds and
versions, the statistics sentence) and returns Chinese text. The numbers always come
from ``Statistics.sentence``; nothing here counts comments.

Section bodies are stored with placeholders such as ``{统计}`` so that the drafter's
own words around the numbers survive while the numbers stay current:

>>> from feedback.ledger import Plan
>>> plan = Plan(title='汉中市提高教育质量三年行动计划（2023—2025年）', drafting_unit='汉中市教育局')
>>> opening_sentence(plan)
'现将《汉中市提高教育质量三年行动计划（2023—2025年）》（以下简称《行动计划》）起草情况作以下说明：'
>>> fill_placeholders('{起草单位}结合实际起草了{简称}，{统计}', placeholder_values(plan, '书面征求了2个县区的意见建议。'))
'汉中市教育局结合实际起草了《行动计划》，书面征求了2个县区的意见建议。'
>>> chinese_date(date(2023, 4, 27))
'2023年4月27日'
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Iterable, Mapping, Sequence

from feedback.draft import Clause, Draft
from feedback.ledger import Plan
from feedback.numerals import int_to_chinese
from feedback.vocabulary import ClauseKind, LabelledEnum, UnitCategory


class SectionKind(LabelledEnum):
    """The sections a document starts with; the label is the default heading."""

    BACKGROUND = ("background", "起草背景")
    CONTENT = ("content", "主要内容")
    PROCESS = ("process", "起草过程")
    NEXT_STEPS = ("next_steps", "下一步打算")
    LETTER_BODY = ("letter_body", "正文")


EXPLANATION = "explanation"
LETTER = "letter"
DOCUMENT_KINDS = {EXPLANATION: (SectionKind.BACKGROUND, SectionKind.CONTENT, SectionKind.PROCESS,
                                SectionKind.NEXT_STEPS),
                  LETTER: (SectionKind.LETTER_BODY,)}

# How the attachment table (征求意见反馈情况) orders its rows: by unit or by clause.
GROUP_BY_UNIT = "unit"
GROUP_BY_CLAUSE = "clause"
GROUPINGS = {GROUP_BY_UNIT: "按单位", GROUP_BY_CLAUSE: "按条款"}

# What a placeholder in a section body becomes when the document is generated.
PLACEHOLDERS = {
    "统计": "意见统计（按当前处理结果自动生成）",
    "过程": "起草和征求意见经过（按各稿和各轮次自动生成）",
    "简称": "文件简称，如《行动计划》",
    "标题": "文件标题",
    "起草单位": "起草单位",
    "主送机关": "主送机关",
    "截止日期": "反馈截止日期（征求意见函）",
}
_PLACEHOLDER_RE = re.compile("\\{(" + "|".join(PLACEHOLDERS) + ")\\}")

_DRAFT_MARK_RE = re.compile(r"\s*[（(]?\s*(征求意见稿|送审稿|草案|讨论稿|修改稿)\s*[）)]?\s*$")
_GENRES = ("三年行动计划", "行动计划", "实施方案", "工作方案", "方案", "实施意见", "指导意见", "意见",
           "实施细则", "细则", "管理办法", "暂行办法", "办法", "暂行规定", "规定", "条例", "规划", "纲要",
           "计划", "通知", "决定", "规则", "标准")
_TRAILING_BRACKETS_RE = re.compile(r"\s*[（(][^（）()]*[）)]\s*$")


# -- dates, titles, names ---------------------------------------------------------

def chinese_date(value: date | None) -> str:
    """A date the way official documents write it: Arabic numerals, no padding.

    >>> chinese_date(date(2023, 4, 2))
    '2023年4月2日'
    >>> chinese_date(None)
    '    年  月  日'
    """
    if value is None:
        return "    年  月  日"
    return f"{value.year}年{value.month}月{value.day}日"


def date_span(start: date | None, end: date | None) -> str:
    """``2023年4月10日至4月12日``; the year is not repeated within one year.

    >>> date_span(date(2023, 4, 10), date(2023, 4, 12))
    '2023年4月10日至4月12日'
    >>> date_span(None, date(2023, 4, 12))
    '截至2023年4月12日'
    """
    if start and end:
        if start == end:
            return chinese_date(start)
        tail = f"{end.month}月{end.day}日" if end.year == start.year else chinese_date(end)
        return f"{chinese_date(start)}至{tail}"
    if end:
        return f"截至{chinese_date(end)}"
    if start:
        return f"{chinese_date(start)}起"
    return ""


def plain_title(title: str) -> str:
    """The title without a draft mark such as ``（征求意见稿）``.

    >>> plain_title('某某行动计划（征求意见稿）')
    '某某行动计划'
    """
    title = (title or "").strip().strip("《》")
    return _DRAFT_MARK_RE.sub("", title).strip()


def guess_short_name(title: str) -> str:
    """The usual 简称 of a title: its genre word (行动计划, 实施方案, 办法 …).

    >>> guess_short_name('汉中市提高教育质量三年行动计划（2023—2025年）')
    '行动计划'
    >>> guess_short_name('某某市物业管理条例')
    '条例'
    >>> guess_short_name('关于加强某某工作的通知')
    ''
    """
    title = _TRAILING_BRACKETS_RE.sub("", plain_title(title))
    for genre in _GENRES:
        if title.endswith(genre) and len(title) > len(genre) + 2 and genre != "通知":
            return "行动计划" if genre == "三年行动计划" else genre
    return ""


def quoted_title(plan: Plan) -> str:
    """The title in book-title marks: ``《…》``."""
    return f"《{plain_title(plan.title)}》"


def short_name(plan: Plan) -> str:
    """The 简称 in 《》: the stored one, or guessed from the title, or the whole title.

    >>> short_name(Plan(title='某某市物业管理条例'))
    '《条例》'
    >>> short_name(Plan(title='某某', short_name='行动计划'))
    '《行动计划》'
    """
    name = (plan.short_name or "").strip().strip("《》") or guess_short_name(plan.title)
    return f"《{name}》" if name else quoted_title(plan)


def addressee_line(plan: Plan) -> str:
    """The 主送机关 line, ending in a full-width colon."""
    name = (plan.addressee or "").strip().rstrip("：:")
    return f"{name}：" if name else ""


def drafting_unit(plan: Plan) -> str:
    return (plan.drafting_unit or "").strip() or "我单位"


def explanation_title(plan: Plan) -> str:
    """``《…》起草情况说明``.

    >>> explanation_title(Plan(title='某某行动计划（征求意见稿）'))
    '《某某行动计划》起草情况说明'
    """
    return f"{quoted_title(plan)}起草情况说明"


def opening_sentence(plan: Plan) -> str:
    """``现将《…》（以下简称《…》）起草情况作以下说明：``; no 简称 clause when there is none."""
    full, short = quoted_title(plan), short_name(plan)
    named = "" if short == full else f"（以下简称{short}）"
    return f"现将{full}{named}起草情况作以下说明："


def letter_title(plan: Plan) -> str:
    """``关于征求《…》意见建议的函``."""
    return f"关于征求{quoted_title(plan)}意见建议的函"


def placeholder_values(plan: Plan, statistics_sentence: str = "", process_text: str = "",
                       deadline: date | None = None) -> dict[str, str]:
    """The value of every placeholder for one generation."""
    return {
        "统计": statistics_sentence,
        "过程": process_text,
        "简称": short_name(plan),
        "标题": quoted_title(plan),
        "起草单位": drafting_unit(plan),
        "主送机关": (plan.addressee or "").strip().rstrip("：:"),
        "截止日期": chinese_date(deadline),
    }


def fill_placeholders(text: str, values: Mapping[str, str]) -> str:
    """Replace the known placeholders; other braces are the drafter's text and stay.

    >>> fill_placeholders('共{统计}，{别的}', {'统计': '3条'})
    '共3条，{别的}'
    """
    return _PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def used_placeholders(text: str) -> list[str]:
    """The placeholder names a text uses, in order."""
    return list(dict.fromkeys(_PLACEHOLDER_RE.findall(text)))


# -- section headings and paragraphs --------------------------------------------

_HEADING_NUMBER_RE = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|第[一二三四五六七八九十]+部分)\s*")


def strip_heading_number(title: str) -> str:
    """A section title as stored: its number goes, it is added back by position.

    >>> strip_heading_number('三、文件起草过程')
    '文件起草过程'
    """
    return _HEADING_NUMBER_RE.sub("", title.strip()).strip()


def clean_body(body: str) -> str:
    """A section body as stored: line ends made ``\\n``, blank lines at either end dropped.

    >>> clean_body('\\r\\n第一段。\\r\\n第二段。\\n\\n')
    '第一段。\\n第二段。'
    """
    return (body or "").replace("\r\n", "\n").replace("\r", "\n").strip("\n")


def section_heading(position: int, title: str) -> str:
    """``一、起草背景`` for the first section (position counts from 0)."""
    return f"{int_to_chinese(position + 1)}、{title}"


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a section body.

    ``lead`` is a run-in heading set in the level-2 (楷体) or level-3 font, ``rest``
    the body text after it; ``level`` is 2 for ``（一）``, 3 for ``1.``, else 0.
    """

    lead: str
    rest: str
    level: int = 0

    @property
    def text(self) -> str:
        return self.lead + self.rest


_LEVEL2_RE = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
_LEVEL3_RE = re.compile(r"^\d{1,3}[.．]")
_RUN_IN_END = "。：:"
_RUN_IN_MAX = 40


def split_paragraphs(body: str) -> list[Paragraph]:
    """A stored body as paragraphs: one per non-empty line, run-in headings found.

    >>> [(p.lead, p.rest, p.level) for p in split_paragraphs('（一）加强领导。发挥作用。\\n\\n正文。')]
    [('（一）加强领导。', '发挥作用。', 2), ('', '正文。', 0)]
    """
    paragraphs = []
    for line in body.splitlines():
        line = line.strip()
        if not line:
            continue
        level = 2 if _LEVEL2_RE.match(line) else 3 if _LEVEL3_RE.match(line) else 0
        if not level:
            paragraphs.append(Paragraph("", line))
            continue
        ends = [i for i in (line.find(ch) for ch in _RUN_IN_END) if 0 <= i < _RUN_IN_MAX]
        cut = min(ends) + 1 if ends else (len(line) if len(line) <= _RUN_IN_MAX else 0)
        paragraphs.append(Paragraph(line[:cut], line[cut:], level) if cut else Paragraph("", line))
    return paragraphs


# -- the default sections --------------------------------------------------------

_ENACT_RE = re.compile(r"[，,；;]?\s*(?:现)?(?:结合|根据)[^，,。]{0,12}实际[，,]?\s*(?:特)?(?:制定|制订|研究制定)(?:本|了)?[^，,。]{0,12}。?$")


_CJK = "\u3400-\u9fff\u3000-\u303f\uff00-\uffef《》“”"
_HALF_PUNCTUATION = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
_HALF_AFTER_CJK_RE = re.compile(f"(?<=[{_CJK}])\\s*([,;:?!])\\s*")
_HALF_PARENS_RE = re.compile(f"\\(([^()]*[{_CJK}][^()]*)\\)")


def full_width_punctuation(text: str) -> str:
    """Half-width punctuation in Chinese text, as pasted from web pages, made full-width.

    >>> full_width_punctuation('提高质量,加快建设;(试行)版本1.2, ok')
    '提高质量，加快建设；（试行）版本1.2, ok'
    """
    text = _HALF_AFTER_CJK_RE.sub(lambda m: _HALF_PUNCTUATION[m.group(1)], text)
    return _HALF_PARENS_RE.sub(r"（\1）", text)


def default_background(draft: Draft | None) -> str:
    """起草背景 from the draft's preamble, ending in who drafted it.

    >>> from feedback.outline import parse_lines
    >>> default_background(parse_lines(['某某计划', '为提高质量，现结合实际，制定本计划。', '一、总体要求']))
    '为提高质量，{起草单位}结合实际起草了{简称}。'
    """
    preamble = next((c for c in (draft.clauses if draft else []) if c.kind is ClauseKind.PREAMBLE), None)
    text = full_width_punctuation((preamble.text if preamble else "").strip())
    if not text:
        return "为贯彻落实上级有关决策部署，{起草单位}结合实际起草了{简称}。"
    if _ENACT_RE.search(text):
        return _ENACT_RE.sub("，{起草单位}结合实际起草了{简称}。", text)
    return text + "\n据此，{起草单位}结合实际起草了{简称}。"


def _first_sentence(text: str, limit: int = 150) -> str:
    text = full_width_punctuation(text.strip())
    end = text.find("。")
    sentence = text[:end + 1] if end >= 0 else text
    if len(sentence) > limit:
        comma = max(sentence.rfind("，", 0, limit), sentence.rfind(",", 0, limit))
        sentence = (sentence[:comma] if comma > 0 else sentence[:limit]) + "等。"
    elif not sentence.endswith("。"):
        sentence += "。"
    return sentence


def _count(value: int) -> str:
    """A count before a measure word: 两个部分, 十个方面, 28项 (large ones in Arabic)."""
    if value == 2:
        return "两"
    return int_to_chinese(value) if value <= 10 else str(value)


def _ordinal_list(items: Sequence[str]) -> str:
    """``一是…；二是…``."""
    return "；".join(f"{int_to_chinese(i + 1)}是{item}" for i, item in enumerate(items))


def draft_main_content(draft: Draft | None) -> str:
    """A first 主要内容 from the clause outline, in the style drafters use.

    >>> from feedback.outline import parse_lines
    >>> text = draft_main_content(parse_lines(['某某计划', '一、总体要求', '坚持质量第一。',
    ...     '二、重点任务', '（一）实施党建工程', '1.推进党建。做好。', '2.开展思政。做好。',
    ...     '三、组织保障', '（一）加强组织领导。发挥作用。', '（二）强化资金保障。落实责任。']))
    >>> print(text)
    {简称}共分为三个部分：一是总体要求；二是重点任务；三是组织保障。
    总体要求部分，提出：坚持质量第一。
    重点任务部分，明确了一个方面2项任务：一是实施党建工程，包括推进党建、开展思政。
    组织保障部分，包括加强组织领导、强化资金保障两个方面。
    """
    if draft is None or not draft.clauses:
        return "{简称}共分为若干部分。"
    if draft.style == "regulation":
        return _regulation_content(draft)
    tops = [c for c in draft.clauses if c.parent_ref is None and c.kind is not ClauseKind.PREAMBLE]
    if not tops:
        return "{简称}共分为若干部分。"
    headings = [c.heading or c.display for c in tops]
    lines = [f"{{简称}}共分为{_count(len(tops))}个部分：{_ordinal_list(headings)}。"]
    for part, heading in zip(tops, headings):
        sections = draft.children(part.ref)
        if not sections:
            if part.text.strip():
                lines.append(f"{heading}部分，提出：{_first_sentence(part.text)}")
            continue
        with_tasks = [(s, draft.children(s.ref)) for s in sections]
        tasks = sum(len(children) for _, children in with_tasks)
        if tasks:
            items = [s.heading + ("，包括" + "、".join(c.heading for c in children if c.heading)
                                  if children else "") for s, children in with_tasks]
            lines.append(f"{heading}部分，明确了{_count(len(sections))}个方面{tasks}项任务："
                         f"{_ordinal_list(items)}。")
        else:
            names = "、".join(s.heading for s in sections if s.heading)
            lines.append(f"{heading}部分，包括{names}{_count(len(sections))}个方面。")
    return "\n".join(lines)


def _regulation_content(draft: Draft) -> str:
    articles = [c for c in draft.clauses if c.kind is ClauseKind.ARTICLE]
    chapters = [c for c in draft.clauses if c.kind is ClauseKind.CHAPTER]
    if not chapters:
        return f"{{简称}}共{_count(len(articles))}条。"
    parts = []
    for chapter in chapters:
        inside = [a for a in articles if a.ref.startswith(chapter.ref)]
        span = f"（{inside[0].label}至{inside[-1].label}）" if len(inside) > 1 else (
            f"（{inside[0].label}）" if inside else "")
        parts.append(f"{chapter.label}{chapter.heading}{span}")
    return (f"{{简称}}共{_count(len(chapters))}章{_count(len(articles))}条，分别是：" + "；".join(parts) + "。")


# the background already says who drafted it; the process goes on from there
DEFAULT_PROCESS = "{简称}起草过程中，{起草单位}{统计}\n{过程}"
DEFAULT_NEXT_STEPS = "下一步，{起草单位}将根据各方面意见建议对{简称}进一步修改完善，按程序报{主送机关}审定后印发实施。"
DEFAULT_LETTER_BODY = ("{起草单位}起草了{标题}（征求意见稿），现送你们征求意见。请结合工作实际，"
                       "认真研究提出修改意见建议，于{截止日期}前书面反馈{起草单位}。逾期未反馈视为无意见。")
OVERDUE_RULE = "逾期未反馈视为无意见。"


def default_section_body(kind: SectionKind, draft: Draft | None) -> str:
    """The text a section starts with (and goes back to when regenerated)."""
    if kind is SectionKind.BACKGROUND:
        return default_background(draft)
    if kind is SectionKind.CONTENT:
        return draft_main_content(draft)
    if kind is SectionKind.PROCESS:
        return DEFAULT_PROCESS
    if kind is SectionKind.NEXT_STEPS:
        return DEFAULT_NEXT_STEPS
    return DEFAULT_LETTER_BODY


def default_sections(document: str, draft: Draft | None) -> list[tuple[SectionKind, str, str]]:
    """(kind, title, body) of a document's default sections, in order."""
    return [(kind, kind.label, default_section_body(kind, draft)) for kind in DOCUMENT_KINDS[document]]


# -- the timeline of drafts and rounds ---------------------------------------------

def process_sentence(steps: Sequence[str], versions: int, rounds: int) -> str:
    """The drafting history as one sentence, from the steps of the timeline in order
    (``storage.versions.version_timeline``: drafts formed and rounds held, dates included).

    >>> process_sentence(['2023年4月3日，形成征求意见稿（第1稿）',
    ...                   '2023年4月10日至4月12日，就第1稿书面征求有关单位意见'], 1, 1)
    '2023年4月3日，形成征求意见稿（第1稿）；2023年4月10日至4月12日，就第1稿书面征求有关单位意见。'
    >>> process_sentence(['形成征求意见稿（第1稿）', '就第1稿书面征求有关单位意见',
    ...                   '2023年4月20日，根据反馈意见修改形成第2稿'], 2, 1)
    '起草过程中，共形成2稿，开展1轮征求意见：形成征求意见稿（第1稿）；就第1稿书面征求有关单位意见；2023年4月20日，根据反馈意见修改形成第2稿。'
    >>> process_sentence([], 0, 0)
    ''
    """
    steps = [s.strip().rstrip("。；;") for s in steps if s.strip()]
    if not steps:
        return ""
    head = ""
    if versions > 1 or rounds > 1:
        head = f"起草过程中，共形成{versions}稿，开展{rounds}轮征求意见："
    return head + "；".join(steps) + "。"


# -- the letter's addressees ------------------------------------------------------

_CATEGORY_ADDRESSEES = {
    UnitCategory.COUNTY.label: "各县区",
    UnitCategory.MUNICIPAL.label: "市级有关部门",
    UnitCategory.AFFILIATED.label: "局属各单位",
    UnitCategory.EXPERT.label: "有关专家",
    UnitCategory.PUBLIC.label: "社会各界",
}
_ADDRESSEE_ORDER = [UnitCategory.COUNTY.label, UnitCategory.MUNICIPAL.label, UnitCategory.AFFILIATED.label]


def recipients_line(groups: Iterable[tuple[str, Sequence[str]]]) -> str:
    """The letter's addressees from the recipients grouped by category.

    Known categories are named collectively; a small other group by its units.

    >>> recipients_line([('市级部门', ['市公安局', '市财政局']), ('县区', ['洋县']),
    ...                  ('其他', ['汉中职业技术学院'])])
    '各县区、市级有关部门、汉中职业技术学院：'
    """
    groups = [(category, list(names)) for category, names in groups if names]
    order = {name: i for i, name in enumerate(_ADDRESSEE_ORDER)}
    groups.sort(key=lambda g: order.get(g[0], len(order)))
    parts = []
    for category, names in groups:
        if category in _CATEGORY_ADDRESSEES:
            parts.append(_CATEGORY_ADDRESSEES[category])
        elif len(names) <= 3:
            parts.extend(names)
        else:
            parts.append(f"有关{category}单位")
    return ("、".join(dict.fromkeys(parts)) or "各有关单位") + "："


def clause_caption(ref: str, clause: Clause | None) -> str:
    """How a comment's clause reads in a table: its reference and heading.

    >>> from feedback.vocabulary import ClauseKind
    >>> clause_caption('三（一）1', Clause('三（一）1', '1.', 3, ClauseKind.TASK, '推进党建', ''))
    '三（一）1 推进党建'
    >>> clause_caption('总体意见', None)
    '总体意见'
    """
    if clause is None or not clause.heading or clause.kind is ClauseKind.PREAMBLE:
        return ref if clause is None or clause.kind is not ClauseKind.PREAMBLE else clause.label
    heading = clause.heading if len(clause.heading) <= 24 else clause.heading[:23] + "…"
    return f"{ref} {heading}"
