"""Parsing a draft's paragraphs into its clause tree.

Both numbering styles of Chinese official drafts are understood: plan style
(``一、`` → ``（一）`` → ``1.`` → ``（1）`` → ``①``) and regulation style
(``第X编`` → ``第X章`` → ``第X节`` → ``第X条`` → 款 → ``（一）``项).

>>> draft = parse_lines(['某某行动计划', '一、总体要求', '坚持。', '（一）加强领导。发挥作用。'])
>>> [(c.ref, c.kind.label, c.heading) for c in draft]
[('一', '部分', '总体要求'), ('一（一）', '项', '加强领导')]
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from feedback.draft import Clause, Draft, ParseWarning, SourceBlock
from feedback.numerals import CIRCLED, chinese_to_int, int_to_chinese
from feedback.text import clean_line, to_simplified
from feedback.units import UNITS_NOTE_RE, UNITS_ROLE_RE, find_units_note, split_unit_names
from feedback.vocabulary import ClauseKind

_CN = "一二三四五六七八九十百零〇两"
_NUM = rf"[{_CN}\d０-９]+"
_REG_RE = re.compile(rf"^第\s*({_NUM})\s*(编|章|节|条)(?:\s+|　|(?=\S))")
_ARTICLE_RE = re.compile(rf"^第\s*{_NUM}\s*条")
_PART_RE = re.compile(rf"^([{_CN}]+)\s*[、，,．.]\s*")
_SECTION_RE = re.compile(rf"^[（(]\s*([{_CN}]+)\s*[）)]\s*[、.．]?\s*")
_TASK_RE = re.compile(r"^(\d{1,3})\s*[.．、，,。](?!\d)\s*")
_TASK_NO_PUNCT_RE = re.compile(r"^(\d{1,3})(?=[\u4e00-\u9fff“\"《])")
_POINT_RE = re.compile(r"^[（(]\s*(\d{1,3})\s*[）)]\s*[、.．]?\s*")
_SUBPOINT_RE = re.compile(rf"^([{CIRCLED}])\s*[、.．]?\s*")
_COLUMN_RE = re.compile(rf"^专栏\s*(\d+|[{_CN}]+)\s*[:：、.．]?\s*")
_ATTACHMENT_RE = re.compile(r"^附件\s*(\d*)\s*[:：]?\s*")
# The number was lost but its closing punctuation stayed: ）实施…, 、总体要求
_BROKEN_PAREN_RE = re.compile(r"^[（(]?\s*[）)]\s*(?=\S)")
_BROKEN_COMMA_RE = re.compile(r"^、\s*(?=\S)")
# What follows a bare number when it is a quantity, not a clause number.
_QUANTITY_CHARS = set("年月日时岁个项名所人万亿元%％次倍届期级类批家条篇节户亩米吨分秒天周")
_HEADING_MAX = 40
_TITLE_MAX = 80


@dataclass
class _Node:
    kind: ClauseKind
    rank: float
    number: int
    label: str  # as shown: 一、 （一） 1. 第三条
    piece: str  # its part of the reference: 一 （一） 1 第三条
    line: int
    head_text: str = ""  # text on the numbered line after the label
    paragraphs: list[str] = field(default_factory=list)
    tables: list[list[list[str]]] = field(default_factory=list)
    parent: "_Node | None" = None
    children: list["_Node"] = field(default_factory=list)
    heading: str = ""


@dataclass
class _Token:
    """A paragraph classified by its number, before the tree is built."""

    line: int
    text: str  # without the label
    family: str | None = None  # part/section/task/point/subpoint/volume/…/column/attachment/broken
    number: int = 0
    broken_shape: str = ""  # for a lost number: "paren" or "comma"
    table: list[list[str]] | None = None


def _to_int(raw: str) -> int:
    raw = raw.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    return int(raw) if raw.isdigit() else chinese_to_int(raw)


def _classify(text: str, regulation: bool) -> tuple[str | None, int, str]:
    """The numbering family, number and remaining text of one paragraph."""
    if match := _REG_RE.match(text):
        family = {"编": "volume", "章": "chapter", "节": "division", "条": "article"}[match.group(2)]
        return family, _to_int(match.group(1)), text[match.end():]
    if match := _COLUMN_RE.match(text):
        return "column", _to_int(match.group(1)), text[match.end():]
    if match := _ATTACHMENT_RE.match(text):
        rest = text[match.end():]
        if len(rest) <= _TITLE_MAX and "。" not in rest:
            return "attachment", int(match.group(1) or 0), rest
    if match := _SECTION_RE.match(text):
        return "section", _to_int(match.group(1)), text[match.end():]
    if match := _POINT_RE.match(text):
        return "point", int(match.group(1)), text[match.end():]
    if match := _SUBPOINT_RE.match(text):
        return "subpoint", CIRCLED.index(match.group(1)) + 1, text[match.end():]
    if match := _PART_RE.match(text):
        try:
            return "part", chinese_to_int(match.group(1)), text[match.end():]
        except ValueError:
            pass
    if match := _TASK_RE.match(text):
        return "task", int(match.group(1)), text[match.end():]
    if match := _TASK_NO_PUNCT_RE.match(text):
        rest = text[match.end():]
        if rest[:1] not in _QUANTITY_CHARS:
            return "task?", int(match.group(1)), rest
    if match := _BROKEN_PAREN_RE.match(text):
        return "broken:paren", 0, text[match.end():]
    if match := _BROKEN_COMMA_RE.match(text):
        return "broken:comma", 0, text[match.end():]
    return None, 0, text


_PLAN_RANK = {"attachment": 0, "part": 1, "section": 2, "task": 3, "point": 4, "subpoint": 5}
_REG_RANK = {"attachment": 0, "volume": 1, "chapter": 2, "division": 3, "article": 4,
             "paragraph": 5, "section": 6, "point": 7, "subpoint": 8, "part": 6, "task": 7}
_PLAN_KIND = {"part": ClauseKind.PART, "section": ClauseKind.SECTION, "task": ClauseKind.TASK,
              "point": ClauseKind.POINT, "subpoint": ClauseKind.SUBPOINT}
_REG_KIND = {"volume": ClauseKind.VOLUME, "chapter": ClauseKind.CHAPTER,
             "division": ClauseKind.DIVISION, "article": ClauseKind.ARTICLE,
             "section": ClauseKind.ITEM, "part": ClauseKind.ITEM, "task": ClauseKind.POINT,
             "point": ClauseKind.POINT, "subpoint": ClauseKind.SUBPOINT}


def _labels(family: str, number: int, regulation: bool) -> tuple[str, str]:
    """The label as shown and the reference piece of a numbered clause."""
    cn = int_to_chinese(number)
    if family == "part":
        return f"{cn}、", cn
    if family == "section":
        return f"（{cn}）", (f"第（{cn}）项" if regulation else f"（{cn}）")
    if family == "task":
        return f"{number}.", (f"第{number}目" if regulation else str(number))
    if family == "point":
        return f"（{number}）", f"（{number}）"
    if family == "subpoint":
        mark = CIRCLED[number - 1] if 1 <= number <= len(CIRCLED) else f"({number})"
        return mark, mark
    if family in ("volume", "chapter", "division", "article"):
        word = {"volume": "编", "chapter": "章", "division": "节", "article": "条"}[family]
        return f"第{cn}{word}", f"第{cn}{word}"
    if family == "column":
        return f"专栏{number}", f"专栏{number}"
    if family == "attachment":
        return (f"附件{number}" if number else "附件"), (f"附件{number}" if number else "附件")
    raise ValueError(family)


def _tokenize(blocks: Iterable[SourceBlock], simplified: bool, warnings: list[ParseWarning]) -> list[_Token]:
    tokens: list[_Token] = []
    noise: dict[str, int] = {}
    for line_no, block in enumerate(blocks, start=1):
        if block.is_table:
            rows = [[clean_line(cell).text for cell in row] for row in block.rows or []]
            if simplified:
                rows = [[to_simplified(cell) for cell in row] for row in rows]
            tokens.append(_Token(line_no, "", "table", table=rows))
            continue
        cleaned = clean_line(block.text)
        for what in cleaned.removed:
            kind = re.sub(r"\d+个|[(（].*", "", what)
            noise[kind] = noise.get(kind, 0) + 1
            if noise[kind] <= 3:
                warnings.append(ParseWarning(f"已清除{what}", line=line_no))
        if not cleaned.text:
            continue
        text = to_simplified(cleaned.text) if simplified else cleaned.text
        tokens.append(_Token(line_no, text))
    for kind, count in noise.items():
        if count > 3:
            warnings.append(ParseWarning(f"另有{count - 3}段清除了{kind}"))
    return tokens


def _repair_broken(tokens: list[_Token], warnings: list[ParseWarning]) -> None:
    """Give a paragraph whose number was lost the number its neighbours imply.

    ``）实施…`` between （七） and （九） is （八）; after the last sibling it is the next.
    A lost number that no neighbour explains leaves the paragraph as body text.
    """
    for index, token in enumerate(tokens):
        if not (token.family or "").startswith("broken:"):
            continue
        families = ("section", "point") if token.family == "broken:paren" else ("part",)
        repaired = None
        for family in families:
            prev = _neighbour(tokens, index, family, -1)
            after = _neighbour(tokens, index, family, +1)
            if prev and after and after.number == prev.number + 2:
                repaired = (family, prev.number + 1)
                break
            if prev and not after and repaired is None:
                repaired = (family, prev.number + 1)
        if repaired:
            token.family, token.number = repaired
            label, _ = _labels(token.family, token.number, False)
            warnings.append(ParseWarning(
                f"编号残缺，已根据前后编号推定为“{label}”：{token.text[:20]}", line=token.line))
        else:
            token.family = None


def _neighbour(tokens: list[_Token], index: int, family: str, step: int) -> _Token | None:
    """The nearest token of ``family`` before or after ``index`` within the same parent."""
    ranks = _PLAN_RANK
    rank = ranks[family]
    position = index + step
    while 0 <= position < len(tokens):
        other = tokens[position]
        if other.family == family:
            return other
        if other.family in ranks and ranks[other.family] < rank:
            return None
        position += step
    return None


# Kinds whose numbered line may be a heading on its own; items are always text.
_HEADING_KINDS = {ClauseKind.PART, ClauseKind.SECTION, ClauseKind.TASK, ClauseKind.VOLUME, ClauseKind.CHAPTER,
                  ClauseKind.DIVISION, ClauseKind.COLUMN, ClauseKind.ATTACHMENT}


def _split_run_in(text: str, kind: ClauseKind) -> tuple[str, str]:
    """The heading and the body of a numbered line.

    A run-in heading is the first sentence up to 。 when it is short; a short line
    without one is a heading on its own line (for headings' kinds).
    """
    stop = text.find("。")
    if 0 < stop <= _HEADING_MAX:
        return text[:stop], text
    if (stop < 0 and kind in _HEADING_KINDS and len(text) <= _HEADING_MAX
            and not text.endswith(("；", ";", "，", ",", "：", ":")) and not UNITS_NOTE_RE.search(text)):
        return text, ""
    return "", text


def parse_blocks(blocks: Iterable[SourceBlock], *, simplified: bool = False) -> Draft:
    """The clause tree of a draft read into blocks by one of the readers in ``exports``."""
    warnings: list[ParseWarning] = []
    tokens = _tokenize(blocks, simplified, warnings)
    # two or more 第X条 make a regulation-style draft
    regulation = sum(1 for t in tokens if t.family != "table" and _ARTICLE_RE.match(t.text)) >= 2
    for token in tokens:
        if token.family == "table":
            continue
        token.family, token.number, token.text = _classify(token.text, regulation)
    _accept_unpunctuated_numbers(tokens, warnings)
    _repair_broken(tokens, warnings)
    title, start, first = _take_title(tokens)
    nodes, preamble = _build_tree(tokens[:start] + tokens[first:], regulation, warnings)
    clauses = _finish(nodes, preamble, regulation, warnings)
    return Draft(title=title, clauses=clauses, warnings=warnings,
                 style="regulation" if regulation else "plan")


def parse_lines(lines: Iterable[str], *, simplified: bool = False) -> Draft:
    """The clause tree of a draft given as lines of text."""
    return parse_blocks((SourceBlock(text=line) for line in lines), simplified=simplified)


def _accept_unpunctuated_numbers(tokens: list[_Token], warnings: list[ParseWarning]) -> None:
    """``1推进…`` is task 1 when the numbering expects a 1 there; otherwise body text."""
    last_task = 0
    for token in tokens:
        if token.family == "task":
            last_task = token.number
        elif token.family == "task?":
            if token.number in (last_task + 1, 1):
                token.family = "task"
                last_task = token.number
            else:
                token.family, token.text = None, f"{token.number}{token.text}"


_TITLE_WORD_RE = re.compile(r"方案|计划|规划|办法|规定|条例|细则|意见|通知|决定|纲要|措施|规则|指引|指南|标准|征求意见稿")


def _take_title(tokens: list[_Token]) -> tuple[str, int, int]:
    """The title is the first short unnumbered paragraph, with what continues it: (title, its start, after it).

    Of the short lines before the first numbered one, the first that names a kind of document is preferred,
    so the menu of a saved web page (``登录``, ``退出``) is not taken for the title; those lines stay in the text.
    """
    start = 0
    while start < len(tokens) and tokens[start].family is None and start < 30:
        text = tokens[start].text
        if len(text) <= _TITLE_MAX and "。" not in text and _TITLE_WORD_RE.search(text):
            break
        start += 1
    else:
        start = 0
    if not tokens or tokens[start].family is not None or len(tokens[start].text) > _TITLE_MAX \
            or "。" in tokens[start].text:
        return "", 0, 0
    title, index = tokens[start].text, start + 1
    while index < len(tokens) and tokens[index].family is None:
        text = tokens[index].text
        if len(text) <= 20 and "。" not in text and (text[0] in "（(" or "征求意见稿" in text or "年" in text):
            title += text
            index += 1
        else:
            break
    return title, start, index


def _build_tree(tokens: list[_Token], regulation: bool, warnings: list[ParseWarning]) -> tuple[list[_Node], _Node | None]:
    ranks = _REG_RANK if regulation else _PLAN_RANK
    roots: list[_Node] = []
    stack: list[_Node] = []
    preamble: _Node | None = None
    for token in tokens:
        if token.family == "table":
            target = stack[-1] if stack else preamble
            if target is None:
                preamble = target = _Node(ClauseKind.PREAMBLE, 0, 0, "前言", "前言", token.line)
            target.tables.append(token.table or [])
            continue
        if token.family is None:
            if not stack:
                if preamble is None:
                    preamble = _Node(ClauseKind.PREAMBLE, 0, 0, "前言", "前言", token.line)
                preamble.paragraphs.append(token.text)
            elif regulation and _in_article(stack):
                _add_regulation_paragraph(stack, token)
            else:
                stack[-1].paragraphs.append(token.text)
            continue
        family = token.family
        if family == "column":
            rank = (stack[-1].rank + 0.5) if stack else 0.5
            kind = ClauseKind.COLUMN
        else:
            rank = ranks[family]
            kind = ClauseKind.ATTACHMENT if family == "attachment" else (_REG_KIND if regulation else _PLAN_KIND)[family]
        while stack and stack[-1].rank >= rank:
            stack.pop()
        label, piece = _labels(family, token.number, regulation)
        node = _Node(kind, rank, token.number, label, piece, token.line, head_text=token.text)
        if stack:
            node.parent = stack[-1]
            stack[-1].children.append(node)
        else:
            roots.append(node)
        stack.append(node)
    return roots, preamble


def _in_article(stack: list[_Node]) -> bool:
    return any(n.kind is ClauseKind.ARTICLE for n in stack)


def _add_regulation_paragraph(stack: list[_Node], token: _Token) -> None:
    """An unnumbered paragraph in an article starts its next 款."""
    article_index = max(i for i, n in enumerate(stack) if n.kind is ClauseKind.ARTICLE)
    article = stack[article_index]
    paragraphs = [c for c in article.children if c.kind is ClauseKind.PARAGRAPH]
    if not paragraphs:
        # The article's own first paragraph becomes 第一款, taking the items so far.
        first = _Node(ClauseKind.PARAGRAPH, article.rank + 1, 1, "第一款", "第一款", article.line,
                      head_text=article.head_text, parent=article)
        first.paragraphs = article.paragraphs
        first.children, article.children = article.children, [first]
        for child in first.children:
            child.parent = first
        article.paragraphs = []
        paragraphs = [first]
    number = len(paragraphs) + 1
    cn = int_to_chinese(number)
    node = _Node(ClauseKind.PARAGRAPH, article.rank + 1, number, f"第{cn}款", f"第{cn}款", token.line,
                 head_text=token.text, parent=article)
    article.children.append(node)
    del stack[article_index + 1:]
    stack.append(node)


def _finish(roots: list[_Node], preamble: _Node | None, regulation: bool, warnings: list[ParseWarning]) -> list[Clause]:
    """Flatten the tree in document order, with references, headings and units."""
    ordered: list[tuple[_Node, int]] = []

    def walk(node: _Node, level: int) -> None:
        ordered.append((node, level))
        for child in node.children:
            walk(child, level + 1)

    if preamble:
        ordered.append((preamble, 1))
    for root in roots:
        walk(root, 1)

    texts = {id(node): _body_text(node) for node, _ in ordered}
    known = _known_unit_names(texts.values())
    clauses: list[Clause] = []
    refs: dict[str, int] = {}
    refs_of: dict[int, str] = {}
    last_task = 0
    for node, level in ordered:
        parent_ref = refs_of.get(id(node.parent)) if node.parent else None
        if node.kind in (ClauseKind.ARTICLE, ClauseKind.CHAPTER, ClauseKind.VOLUME,
                         ClauseKind.COLUMN, ClauseKind.ATTACHMENT, ClauseKind.PREAMBLE):
            ref = node.piece  # numbered straight through the whole draft
        else:
            ref = (parent_ref or "") + node.piece
        if ref in refs:
            refs[ref] += 1
            warnings.append(ParseWarning(f"编号“{node.label}”重复，引用改为“{ref}#{refs[ref]}”", line=node.line))
            ref = f"{ref}#{refs[ref]}"
        else:
            refs[ref] = 1
        refs_of[id(node)] = ref
        if node.kind is ClauseKind.TASK and not regulation:
            if last_task and node.number not in (last_task + 1, 1):
                warnings.append(ParseWarning(f"任务编号不连续：{last_task}之后是{node.number}", ref=ref, line=node.line))
            last_task = node.number
        text = texts[id(node)]
        lead: list[str] = []
        responsible: list[str] = []
        note = find_units_note(text, known)
        if note:
            lead, responsible = note.lead, note.responsible
            text = text[: note.start].rstrip()
        heading = ""
        if node.kind in (ClauseKind.ARTICLE, ClauseKind.PARAGRAPH):
            bracket = re.match(r"^[（(【]([^）)】]{1,15})[）)】]", node.head_text)
            heading = bracket.group(1) if bracket else ""
        elif node.kind is not ClauseKind.PREAMBLE:
            heading, _ = _split_run_in(_strip_note(node.head_text), node.kind)
        clauses.append(Clause(ref=ref, label=node.label, level=level, kind=node.kind, heading=heading,
                              text=text, number=node.number, parent_ref=parent_ref,
                              lead_units=lead, responsible_units=responsible, tables=node.tables))
    return clauses


def _strip_note(text: str) -> str:
    match = UNITS_NOTE_RE.search(text)
    return text[: match.start()] if match else text


def _body_text(node: _Node) -> str:
    """The clause's own text: the rest of its numbered line and its unnumbered paragraphs."""
    head = node.head_text
    if node.kind not in (ClauseKind.ARTICLE, ClauseKind.PARAGRAPH, ClauseKind.PREAMBLE):
        heading, run_in = _split_run_in(_strip_note(head), node.kind)
        if heading and not run_in and not UNITS_NOTE_RE.search(head):
            head = ""  # a heading on a line of its own is not body text
    return "\n".join(p for p in [head, *node.paragraphs] if p)


def _known_unit_names(texts: Iterable[str]) -> set[str]:
    """Unit names written with separators somewhere, to find lost ones elsewhere."""
    known: set[str] = set()
    for text in texts:
        match = UNITS_NOTE_RE.search(text)
        if not match:
            continue
        body = UNITS_ROLE_RE.sub("、", match.group("body"))
        for name in split_unit_names(body):
            if 3 <= len(name) <= 12:
                known.add(name)
    return known
