"""Parsing a draft's paragraphs into its clause tree.

The numbering is detected, never assumed: plan style (``一、`` → ``（一）`` → ``1.`` →
``（1）`` → ``①``), regulation style (``第X编`` → ``第X章`` → ``第X节`` → ``第X条`` → 款 →
``（一）``项), ``第X篇`` / ``第X部分`` above either, decimal ``1`` / ``1.1`` / ``3.2.0.7`` and
Word heading styles without number text, in any nesting. Text copied from a PDF is first
rejoined into paragraphs (``feedback.unwrap``). A draft the parser cannot structure comes
back as a flat list with a warning, never as an exception.

>>> draft = parse_lines(['某某行动计划', '一、总体要求', '坚持。', '（一）加强领导。发挥作用。'])
>>> [(c.ref, c.kind.label, c.heading) for c in draft]
[('一', '部分', '总体要求'), ('一（一）', '项', '加强领导')]
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from feedback import pdf_text
from feedback.draft import Clause, Draft, ParseWarning, SourceBlock
from feedback.numerals import CIRCLED, LABEL_NUMERAL_CHARS, chinese_to_int, int_to_chinese
from feedback.text import clean_line, to_simplified
from feedback.units import UNITS_NOTE_RE, find_units_note, split_unit_names
from feedback.vocabulary import ClauseKind

_CN = LABEL_NUMERAL_CHARS
_NUM = rf"[{_CN}\d０-９]+"
_REG_RE = re.compile(rf"^第\s*({_NUM})\s*(编|篇|部分|章|节|条)(?:\s+|　|(?=\S))")
_REG_FAMILY = {"编": "volume", "篇": "book", "部分": "segment", "章": "chapter", "节": "division", "条": "article"}
_REG_WORD = {family: word for word, family in _REG_FAMILY.items()}
# 1.1 / 3.2.7 / 3.2.0.7, with or without a trailing dot, then a space or the heading
_DECIMAL_RE = re.compile(r"^((?:\d{1,2}|[A-Z])(?:[.．]\d{1,3}){1,5})[.．]?(?:[ 　]+|(?=[\u4e00-\u9fff“《（(]))")
def _code_numbers(code: str) -> list[int]:
    """The numbers of a decimal number: 4.1.2 → [4, 1, 2]; an appendix's A.1 → [101, 1]."""
    return [int(n) if n.isdigit() else 100 + ord(n) - ord("A") for n in re.split(r"[.．]", code)]


_BARE_DECIMAL_RE = re.compile(r"^\d{1,2}(?:\.\d{1,3}){1,5}\.?$")  # a standard's term number on its own line
_DECIMAL_TOP_RE = re.compile(r"^(\d{1,2})(?:[.．、]?[ 　]+|[.．]?(?=[\u4e00-\u9fff]))")
# a 第X条 at the start of a line that is a citation inside a sentence, not an article
_INSERTED_RE = re.compile(rf"^(之[{_CN}]+)(?:\s+|　|(?=[^、，的]))")
_CITATION_NEXT = ("规定", "的", "、", "和", "或", "至", "第", "所", "中", "款", "项", "之", "及", "，")
_ARTICLE_RE = re.compile(rf"^第\s*{_NUM}\s*条")
_PART_RE = re.compile(rf"^([{_CN}]+)\s*[、，,．.]\s*")
_SECTION_RE = re.compile(rf"^[（(]\s*([{_CN}]+)\s*[）)]\s*[、.．]?\s*")
_TASK_RE = re.compile(r"^(\d{1,3})\s*[.．、，,。](?!\d)\s*")
_TASK_NO_PUNCT_RE = re.compile(r"^(\d{1,3})(?=[\u4e00-\u9fff“\"《])")
_POINT_RE = re.compile(r"^(?:[（(]\s*(\d{1,3})\s*[）)]|(\d{1,3})\s*[）)](?=[\u4e00-\u9fff“《]))\s*[、.．]?\s*")
_SUBPOINT_RE = re.compile(rf"^([{CIRCLED}])\s*[、.．]?\s*")
_COLUMN_RE = re.compile(rf"^专栏\s*(\d+|[{_CN}]+)\s*[:：、.．]?\s*")
_ATTACHMENT_RE = re.compile(r"^附件\s*(\d*)\s*[:：]?\s*")
_APPENDIX_RE = re.compile(r"^附\s*录\s*([A-Z])(?![A-Za-z])\s*[:：]?\s*")  # a standard's 附录A
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
    label: str  # as shown: 一、 （一） 1. 第三条 4.1.1
    piece: str  # its part of the reference: 一 （一） 1 第三条 4.1.1
    line: int
    head_text: str = ""  # text on the numbered line after the label
    paragraphs: list[str] = field(default_factory=list)
    tables: list[list[list[str]]] = field(default_factory=list)
    parent: "_Node | None" = None
    children: list["_Node"] = field(default_factory=list)
    heading: str = ""
    units: tuple[list[str], list[str]] | None = None  # from the columns of a task table
    boxed: bool = False  # a 专栏 drawn as a box: it ends where the box ends


@dataclass
class _Token:
    """A paragraph classified by its number, before the tree is built."""

    line: int
    text: str  # without the label
    family: str | None = None  # part/section/task/point/subpoint/volume/…/column/attachment/broken
    number: int = 0
    broken_shape: str = ""  # for a lost number: "paren" or "comma"
    table: list[list[str]] | None = None
    code: str = ""  # a decimal number as written: 4.1.1
    level: int | None = None  # the Word outline level of its style (0 for Heading 1)
    box: bool = False  # inside a box drawn with | lines
    indented: bool = False
    continued: frozenset[tuple[int, int]] = frozenset()  # table cells merged with the cell above
    source: str = ""  # the cleaned paragraph as read, kept for the flat fallback
    notes: list[str] = field(default_factory=list)  # footnotes of a page copied from PDF, kept with it


def _to_int(raw: str) -> int:
    raw = raw.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    return int(raw) if raw.isdigit() else chinese_to_int(raw)


def _decimal_match(text: str) -> re.Match | None:
    """``4.1 分级响应``: a decimal clause number, not a quantity such as ``3.5万元``."""
    match = _DECIMAL_RE.match(text)
    if match is None or match.end() == len(text):
        return None
    spaced = text[match.end() - 1] in " 　"
    return match if spaced or text[match.end()] not in _QUANTITY_CHARS else None


def _heading_like(text: str, limit: int = _HEADING_MAX) -> bool:
    return 0 < len(text) <= limit and not re.search(r"[。；;，,]", text)


class _Classifier:
    """The numbering family, number and remaining text of each paragraph, in document order."""

    def __init__(self, regulation: bool, decimal: bool, tops: set[int] = frozenset()) -> None:
        self.regulation = regulation
        self.decimal = decimal
        self.tops = tops  # first numbers of the decimal numbers with more levels: 4 of 4.1
        self.last_article = 0
        self.last_top = 0
        self.last_code: list[int] = []
        self.sentence_ended = True  # the paragraph before ended its sentence or was numbered

    def __call__(self, text: str) -> tuple[str | None, int, str, str]:
        found = self._classify(text)
        if found[0] == "decimal":
            self.last_code = _code_numbers(found[3])
        self.sentence_ended = found[0] is not None or text.rstrip().endswith(tuple("。；;：:！？!?"))
        return found

    def _figure(self, code: str, rest: str) -> bool:
        """``2.5 亿元…`` starting a line that continues a sentence: a figure, not the number ``2.5``.

        A number followed by a quantity word is a clause number only when it is the next one
        expected and the paragraph before ended (``6.1 人力资源保障`` after ``5.2 总结评估``).
        """
        if rest[:1] not in _QUANTITY_CHARS:
            return False
        if not self.sentence_ended:
            return True
        last = self.last_code
        expected = [last + [1]] if last else [[1], [1, 1]]
        for depth in range(len(last)):
            following = last[:depth] + [last[depth] + 1]
            expected += [following, following + [1]]
        return _code_numbers(code) not in expected

    def _classify(self, text: str) -> tuple[str | None, int, str, str]:
        if match := _REG_RE.match(text):
            family, number, rest = _REG_FAMILY[match.group(2)], _to_int(match.group(1)), text[match.end():]
            if family == "article":
                if self.regulation and (inserted := _INSERTED_RE.match(rest)):  # 第十条之一, added by an amendment
                    return family, number, rest[inserted.end():], inserted.group(1)
                if self.regulation and not (rest.startswith(_CITATION_NEXT) and number != self.last_article + 1):
                    self.last_article = number
                    return family, number, rest, ""
            elif not rest.startswith(_CITATION_NEXT) and len(rest) <= 2 * _HEADING_MAX:
                return family, number, rest, ""
            return None, 0, text, ""
        if self.decimal:
            if _BARE_DECIMAL_RE.match(text) and int(text.split(".")[0]) == self.last_top:  # 3.1 over a term
                code = text.rstrip(".．").replace("．", ".")
                self.last_top = int(code.split(".")[0])
                return "decimal", int(code.split(".")[-1]), "", code
            if (match := _decimal_match(text)) and not self._figure(match.group(1).replace("．", "."),
                                                                    text[match.end():]):
                code = match.group(1).replace("．", ".")
                self.last_top = _code_numbers(code)[0]
                return "decimal", int(code.split(".")[-1]), text[match.end():], code
            if (match := _DECIMAL_TOP_RE.match(text)) and _heading_like(text[match.end():], 30) \
                    and not re.match(r"^\d+[.．]\S", text) and not self._figure(match.group(1), text[match.end():]) and (
                        int(match.group(1)) == self.last_top + 1
                        or int(match.group(1)) > self.last_top and int(match.group(1)) in self.tops):
                self.last_top = int(match.group(1))
                return "decimal", self.last_top, text[match.end():], match.group(1)
        if match := _COLUMN_RE.match(text):
            return "column", _to_int(match.group(1)), text[match.end():], ""
        if match := _APPENDIX_RE.match(text):
            return "attachment", ord(match.group(1)) - ord("A") + 1, text[match.end():], f"附录{match.group(1)}"
        if match := _ATTACHMENT_RE.match(text):
            rest = text[match.end():]
            if len(rest) <= _TITLE_MAX and "。" not in rest:
                return "attachment", int(match.group(1) or 0), rest, ""
        if match := _SECTION_RE.match(text):
            return "section", _to_int(match.group(1)), text[match.end():], ""
        if match := _POINT_RE.match(text):
            return "point", int(match.group(1) or match.group(2)), text[match.end():], ""
        if match := _SUBPOINT_RE.match(text):
            return "subpoint", CIRCLED.index(match.group(1)) + 1, text[match.end():], ""
        if match := _PART_RE.match(text):
            try:
                return "part", chinese_to_int(match.group(1)), text[match.end():], ""
            except ValueError:
                pass
        if match := _TASK_RE.match(text):
            return "task", int(match.group(1)), text[match.end():], ""
        if match := _TASK_NO_PUNCT_RE.match(text):
            rest = text[match.end():]
            if rest[:1] not in _QUANTITY_CHARS:
                return "task?", int(match.group(1)), rest, ""
        if match := _BROKEN_PAREN_RE.match(text):
            return "broken:paren", 0, text[match.end():], ""
        if match := _BROKEN_COMMA_RE.match(text):
            return "broken:comma", 0, text[match.end():], ""
        return None, 0, text, ""


def _classify(text: str, regulation: bool) -> tuple[str | None, int, str]:
    """The numbering family, number and remaining text of one paragraph on its own."""
    family, number, rest, _ = _Classifier(regulation, False)(text)
    return family, number, rest


# The rank of each family in the tree: a clause nests under the nearest open clause of a
# smaller rank. Plan and regulation styles differ only below 第X条.
_PLAN_RANK = {"attachment": 0, "volume": 1, "book": 1.2, "segment": 1.4, "chapter": 2, "division": 3,
              "article": 4, "part": 6, "section": 7, "task": 8, "point": 9, "subpoint": 10}
_REG_RANK = {**_PLAN_RANK, "paragraph": 5, "section": 6, "part": 6, "task": 7, "point": 7, "subpoint": 8}
_HEADING_RANK = 4.5  # unnumbered Word headings: + 0.01 per outline level
_PLAN_KIND = {"volume": ClauseKind.VOLUME, "book": ClauseKind.BOOK, "segment": ClauseKind.SEGMENT,
              "chapter": ClauseKind.CHAPTER, "division": ClauseKind.DIVISION, "article": ClauseKind.ARTICLE,
              "part": ClauseKind.PART, "section": ClauseKind.SECTION, "task": ClauseKind.TASK,
              "point": ClauseKind.POINT, "subpoint": ClauseKind.SUBPOINT, "decimal": ClauseKind.DECIMAL,
              "heading": ClauseKind.HEADING, "column": ClauseKind.COLUMN, "attachment": ClauseKind.ATTACHMENT}
_REG_KIND = {**_PLAN_KIND, "section": ClauseKind.ITEM, "part": ClauseKind.ITEM, "task": ClauseKind.POINT}
# Kinds numbered straight through the draft: their reference is their own label.
_STRAIGHT_KINDS = {ClauseKind.ARTICLE, ClauseKind.CHAPTER, ClauseKind.VOLUME, ClauseKind.BOOK, ClauseKind.SEGMENT,
                   ClauseKind.DECIMAL, ClauseKind.HEADING, ClauseKind.COLUMN, ClauseKind.ATTACHMENT,
                   ClauseKind.PREAMBLE}


def _labels(family: str, number: int, regulation: bool, code: str = "", text: str = "") -> tuple[str, str]:
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
    if family in _REG_WORD:
        label = f"第{cn}{_REG_WORD[family]}{code}"
        return label, label
    if family == "decimal":
        return code, code
    if family == "heading":
        return "", (text[:20] or "标题")
    if family == "column":
        return f"专栏{number}", f"专栏{number}"
    if family == "attachment":
        label = code or (f"附件{number}" if number else "附件")  # 附录A keeps its letter
        return label, label
    raise ValueError(family)


# A label and the ordinary space after it (第三条　, 1.1 , 一、 ): the space is the standard
# form, not noise, and placeholders of blanks (自　　年　　月　　日) are meant.
_LABEL = (rf"(第\s*{_NUM}\s*(?:编|編|篇|部分|章|节|節|条|條)|\d{{1,2}}(?:[.．]\d{{1,3}})*[.．、]?|[（(]\s*[{_CN}\d]+\s*[）)]"
          rf"|[A-Z](?:[.．]\d{{1,3}})+|附\s*录\s*[A-Z]|[a-z\d][)）]|[{_CN}]+、|专栏\s*[{_CN}\d]+|附件\s*\d*[:：]?)")  # a) b) 1) 2): a standard's lists
_LABEL_SPACE_RE = re.compile(rf"^\s*{_LABEL}[ \t\u3000\u00a0]+(?=\S)")
_LABEL_RE = re.compile(rf"^\s*{_LABEL}")
_PLACEHOLDER_RE = re.compile(r"(?<=\S)[ \u3000\u00a0_＿]{2,}(?=[年月日元号个名份项次%％）)])|"
                             r"(?<=[（(])[ \u3000\u00a0_＿]{2,}(?=[）)])|"
                             r"(?<=[自于至年月])[ \u3000\u00a0]+(?=[年月日])")
_MAY_HOLD_BLANKS_RE = re.compile(r"[ \u3000\u00a0_＿]")
_BLANK = "\ue000"  # stands for a meant blank while the line is cleaned
_KEPT_SPACE = "\ue001"  # likewise for a meant ordinary space
_PHRASE_SPACE_RE = re.compile(r"(?<=\S)[ \u3000\u00a0](?=\S)")
_SPACES_RE = re.compile(r"[ \t\u3000\u00a0]+")
_INDENT_RE = re.compile(r"^(?:[\u3000\u00a0\t]|\s{2,})")
_BOX_LINE_RE = re.compile(r"^\s*[|｜│┃](.*?)[|｜│┃]?\s*$")
_CONTENTS_RE = re.compile(r"^目\s*录$|^目\s*次$")
_PAGE_REF_RE = re.compile(r"(?:[.…·．。\-—_ ]{2,}|[ \t\u3000]+|(?<=[\u4e00-\u9fff]))\s*[-—－]?\s*\d{1,3}\s*[-—－]?$")


def _tokenize(blocks: Iterable[SourceBlock], simplified: bool, warnings: list[ParseWarning]) -> list[_Token]:
    tokens: list[_Token] = []
    noise: dict[str, int] = {}
    for line_no, block in enumerate(blocks, start=1):
        if block.is_table:
            rows = [[clean_line(cell.replace("\n", " ")).text for cell in row] for row in block.rows or []]
            if simplified:
                rows = [[to_simplified(cell) for cell in row] for row in rows]
            tokens.append(_Token(line_no, "", "table", table=rows, continued=frozenset(block.continued)))
            continue
        raw = block.text
        indented = bool(_INDENT_RE.match(raw))
        box = False
        if (boxed := _BOX_LINE_RE.match(raw)) and len(raw.strip()) > 2:
            box, raw = True, boxed.group(1)
        if _MAY_HOLD_BLANKS_RE.search(raw):
            raw = _PLACEHOLDER_RE.sub(lambda m: _BLANK * len(m.group()), raw)
        label = ""
        if match := _LABEL_SPACE_RE.match(raw):
            label, raw = match.group(1).strip(), raw[match.end():]
            if len(squeezed := _SPACES_RE.sub("", raw)) <= 6:
                raw = squeezed  # 第一章　总　　则: headings are spaced out in print, not noisy
        cleaned = clean_line(_keep_phrase_spaces(raw))
        for what in cleaned.removed:
            kind = re.sub(r"\d+个|[(（].*", "", what)
            noise[kind] = noise.get(kind, 0) + 1
            if noise[kind] <= 3:
                warnings.append(ParseWarning(f"已清除{what}", line=line_no))
        text = cleaned.text.replace(_BLANK, "\u3000").replace(_KEPT_SPACE, " ")
        if label:
            text = f"{label} {text}" if text else label
        if not text.strip("\u3000"):
            continue
        text = to_simplified(text) if simplified else text
        tokens.append(_Token(line_no, text, level=block.outline_level, box=box, indented=indented, source=text,
                             notes=list(block.notes)))
    for kind, count in noise.items():
        if count > 3:
            warnings.append(ParseWarning(f"另有{count - 3}段清除了{kind}"))
    return tokens


def _keep_phrase_spaces(raw: str) -> str:
    """The space between the phrases of a heading line is meant, not noise.

    ``坚持创新驱动发展　全面塑造发展新优势``, ``县长 陈大用``, ``GB 50028　城镇燃气设计规范``,
    ``运行　operation``: two to four words of two characters or more, no sentence. A line
    spaced out letter by letter (``总 体 要 求``) is not one of them.
    """
    if not _MAY_HOLD_BLANKS_RE.search(raw.strip()):
        return raw
    words = _LABEL_RE.sub("", raw).split()
    if not 2 <= len(words) <= 4 or len(raw) > 60 or min(map(len, words)) < 2 or re.search(r"[。；;，,]", raw):
        return raw
    return _PHRASE_SPACE_RE.sub(lambda m: _BLANK if m.group() == "\u3000" else _KEPT_SPACE, raw)


def _unprint(tokens: list[_Token], warnings: list[ParseWarning], printed: bool = False,
             page_edges: frozenset[int] | None = None) -> list[_Token]:
    """Text copied from a PDF: page numbers and running heads out, printed lines rejoined.

    ``printed`` says the blocks are known to be printed lines (read from a PDF); ``page_edges``
    the lines at the top and foot of its pages, where alone page numbers and heads can stand.
    """
    texts = [t for t in tokens if t.family != "table" and not t.box]
    for index in pdf_text.footnotes([t.text for t in texts]):
        texts[index].family = "note"
    drop, numbers, heads = pdf_text.page_furniture([t.text for t in texts])
    if page_edges is not None:  # a table's 序号 cells are no page numbers, its repeated cells no heads
        drop = {i for i in drop if texts[i].line in page_edges}
        drop |= {i for i, t in enumerate(texts) if t.line in page_edges and pdf_text.is_page_number(t.text)}
        numbers = sum(1 for i in drop if pdf_text.is_page_number(texts[i].text))
        heads = len(drop) - numbers
    if drop:
        what = f"页码{numbers}处" + (f"、页眉页脚{heads}处" if heads else "")
        warnings.append(ParseWarning(f"已删除从PDF复制带来的{what}"))
        dropped = {id(texts[i]) for i in drop}
        tokens = [t for t in tokens if id(t) not in dropped]
        texts = [t for t in texts if id(t) not in dropped]
    texts = [t for t in texts if t.family != "note"]
    width = pdf_text.printed_width([t.text for t in texts])
    if width is None and printed and texts:
        widths = sorted(pdf_text.display_width(t.text) for t in texts)
        width = widths[int(len(widths) * 0.95)]
    if width is None:
        return _keep_footnotes(tokens, warnings)
    merged: set[int] = set()
    # lines are rejoined within each run of text between tables and boxes
    run: list[_Token] = []
    runs: list[list[_Token]] = []
    for token in tokens:
        if token.family == "table" or token.box:
            runs.append(run)
            run = []
        elif token.family != "note":  # a footnote does not break the paragraph it interrupts
            run.append(token)
    runs.append(run)
    joined = 0
    for run in runs:
        for group in pdf_text.rejoin([t.text for t in run], [t.indented for t in run], width):
            if len(group) > 1:
                first = run[group[0]]
                first.text = pdf_text.join_lines([run[i].text for i in group])
                merged.update(id(run[i]) for i in group[1:])
                joined += len(group) - 1
    if joined:
        warnings.append(ParseWarning(f"文字{'取自' if printed else '像是从'}PDF{'' if printed else '复制的'}，"
                                     f"已把{joined}处断行接回段落"))
    return _keep_footnotes([t for t in tokens if id(t) not in merged], warnings)


def _keep_footnotes(tokens: list[_Token], warnings: list[ParseWarning]) -> list[_Token]:
    """A footnote goes with the paragraph that carries its marker, as a note after it."""
    kept = 0
    out: list[_Token] = []
    for token in tokens:
        if token.family == "note":
            marker = pdf_text.footnote_marker(token.text) or ""
            owner = next((t for t in reversed(out[-40:]) if t.family != "table" and marker in t.text[1:]), None)
            text = token.text if token.text.startswith("注") else f"注{token.text}"
            if owner is not None:
                owner.notes.append(text)
                kept += 1
                continue
            token.text = text
        out.append(token)
    if kept:
        warnings.append(ParseWarning(f"已把{kept}条页下脚注作为注释保留在所注的条款中"))
    return out


def _drop_typed_contents(tokens: list[_Token], warnings: list[ParseWarning]) -> list[_Token]:
    """A typed 目录 (entries with page numbers, or repeating later headings) is not read as clauses."""
    limit = max(10, len(tokens) // 2)
    start = next((i for i, t in enumerate(tokens[:limit]) if t.family != "table" and _CONTENTS_RE.match(t.text)), None)
    if start is None:
        return _drop_untitled_contents(tokens, warnings, max(60, limit))
    squeezed = [re.sub(r"\s", "", t.text) if t.family != "table" else "" for t in tokens]
    end = start + 1
    while end < len(tokens) and tokens[end].family != "table":
        text = tokens[end].text
        entry = re.sub(r"\s", "", _PAGE_REF_RE.sub("", text))
        repeated = bool(entry) and len(entry) <= _HEADING_MAX and any(
            other.startswith(entry) and not _PAGE_REF_RE.search(tokens[i].text)
            for i, other in enumerate(squeezed[end + 1:], start=end + 1))
        if not (_PAGE_REF_RE.search(text) and len(entry) <= _TITLE_MAX) and not repeated:
            break
        end += 1
    if end - start < 2:
        return tokens
    warnings.append(ParseWarning(f"已略去目录（{end - start - 1}行），目录不作为条款", line=tokens[start].line))
    return tokens[:start] + tokens[end:]


_ENTRY_NUMBER_RE = re.compile(rf"^(?:第\s*{_NUM}\s*(?:编|編|篇|部分|章|节|節|条|條)|\d{{1,2}}(?:[.．]\d{{1,3}})*[.．、]?)\s*")


def _drop_untitled_contents(tokens: list[_Token], warnings: list[ParseWarning], limit: int) -> list[_Token]:
    """Headings listed at the top with no word 目录, the body then starting again with the first one.

    ``第一章总则`` … ``第六章附则`` then ``第一章总则`` again; a lost number counts for nothing
    (``总则`` … ``8 附则`` then ``1 总则``). Only a run of short heading lines qualifies.
    """
    def key(token: _Token) -> str:
        text = re.sub(r"\s", "", token.text)
        return _ENTRY_NUMBER_RE.sub("", text) if len(text) <= _HEADING_MAX and not re.search(r"[。；;，,]", text) else ""

    seen: dict[str, int] = {}
    for index, token in enumerate(tokens[:limit]):
        if not seen and index > 60:
            break  # contents stand at the top: no run of headings began there
        entry = key(token) if token.family != "table" else ""
        if not entry:
            seen.clear()  # the run of heading lines ended
            continue
        first = seen.setdefault(entry, index)
        if first < index - 2 and _ENTRY_NUMBER_RE.match(tokens[index].text):
            warnings.append(ParseWarning(f"已略去目录（{index - first}行），目录不作为条款", line=tokens[first].line))
            return tokens[:first] + tokens[index:]
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
                  ClauseKind.DIVISION, ClauseKind.COLUMN, ClauseKind.ATTACHMENT, ClauseKind.BOOK,
                  ClauseKind.SEGMENT, ClauseKind.DECIMAL, ClauseKind.HEADING}


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
    """The clause tree of a draft read into blocks by one of the readers in ``exports``.

    Never raises on any content: what the parser cannot structure comes back as a flat
    list of paragraphs with a warning.
    """
    warnings: list[ParseWarning] = [ParseWarning(w) for w in getattr(blocks, "warnings", ())]
    printed = getattr(blocks, "printed", False)
    page_edges = getattr(blocks, "page_edges", None)
    blocks = list(blocks)
    try:
        tokens = _tokenize(blocks, simplified, warnings)
    except Exception:  # noqa: BLE001 - a draft never stops the import
        tokens = [_Token(i, b.text.strip(), source=b.text.strip())
                  for i, b in enumerate(blocks, 1) if not b.is_table and b.text.strip()]
    try:
        return _structured(list(tokens), list(warnings), printed, page_edges)
    except Exception as exc:  # noqa: BLE001 - degrade to an honest flat list
        return _flat(tokens, warnings, exc)


def _structured(tokens: list[_Token], warnings: list[ParseWarning], printed: bool = False,
                page_edges: frozenset[int] | None = None) -> Draft:
    tokens = _drop_typed_contents(tokens, warnings)  # before lines are rejoined: its entries are of one width
    tokens = _unprint(tokens, warnings, printed, page_edges)
    texts = [t for t in tokens if t.family != "table"]
    seen = _simplified_view([t.text for t in texts])  # 第一條, 牽頭 read as written in Traditional characters
    articles = [t for t, text in zip(texts, seen) if (m := _ARTICLE_RE.match(text))
                and not text[m.end():].lstrip().startswith(_CITATION_NEXT)]
    regulation = len(articles) >= 2
    codes = [m.group(1) for text in seen if (m := _decimal_match(text))]
    classify = _Classifier(regulation, len(codes) >= 2, {_code_numbers(c)[0] for c in codes})
    for token, text in zip(texts, seen):
        if token.family == "note":
            continue
        original = token.text
        token.family, token.number, rest, token.code = classify(text)
        token.text = original[len(original) - len(rest):] if text is not original else rest
        if token.family is None and token.level is not None and _heading_like(token.text, 60):
            token.family = "heading"
        if token.box and token.family not in (None, "column"):
            token.family, token.text = None, original  # numbers inside a box are its text
    _accept_unpunctuated_numbers(tokens, warnings)
    _repair_broken(tokens, warnings)
    title, start, first = _take_title(tokens)
    nodes, preamble = _build_tree(tokens[:start] + tokens[first:], regulation, warnings)
    clauses = _finish(nodes, preamble, regulation, warnings)
    warnings.extend(ParseWarning(doubt) for doubt in doubts(clauses))
    if gaps := sum(1 for w in warnings if "编号不连续" in w.message):
        warnings.append(ParseWarning(f"请检查：编号有{gaps}处不连续，可能有条款没有识别出来或被误认"))
    return Draft(title=title, clauses=clauses, warnings=warnings,
                 style="regulation" if regulation else "plan")


def _simplified_view(texts: list[str]) -> list[str]:
    """The texts as the numbering is read: a draft in Traditional characters seen in Simplified ones.

    A text is seen converted only when the conversion keeps its length, so what follows a
    number is cut from the text as written; a draft in Simplified characters is seen as is.
    """
    sample = "".join(texts)[:3000]
    if sum(a != b for a, b in zip(sample, to_simplified(sample))) < 5:
        return texts
    converted = to_simplified("\n".join(texts)).split("\n")
    if len(converted) != len(texts):
        return texts
    return [new if len(new) == len(old) else old for old, new in zip(texts, converted)]


def _flat(tokens: list[_Token], warnings: list[ParseWarning], exc: Exception) -> Draft:
    """Every paragraph in order, numbered ones as clauses of one level, with a warning."""
    clauses: list[Clause] = []
    for token in tokens:
        text = token.source if token.table is None else _table_text(token.table)
        family, number, rest = _classify(text, False) if token.family != "table" else (None, 0, text)
        if family in _PLAN_KIND and family not in ("heading", "decimal") or not clauses:
            label = text[: len(text) - len(rest)].strip() or "前言"
            kind = _PLAN_KIND.get(family or "", ClauseKind.PREAMBLE)
            ref = label if label not in {c.ref for c in clauses} else f"{label}#{len(clauses) + 1}"
            clauses.append(Clause(ref=ref, label=label, level=1, kind=kind, heading="", text=rest, number=number))
        else:
            clauses[-1].text = "\n".join(p for p in (clauses[-1].text, text) if p)
    warnings.append(ParseWarning(f"未能识别草案的编号层级（{type(exc).__name__}），已按出现顺序平铺列出，"
                                 f"请在预览中检查并调整层级"))
    return Draft(title="", clauses=clauses, warnings=warnings)


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


_TITLE_WORD_RE = re.compile(r"方案|计划|规划|办法|规定|条例|细则|意见|通知|决定|纲要|措施|规则|指引|指南|标准|征求意见稿"
                            r"|预案|规范|导则|要点|制度|章程|守则|规程|清单")


def _take_title(tokens: list[_Token]) -> tuple[str, int, int]:
    """The title is the first short unnumbered paragraph, with what continues it: (title, its start, after it).

    Of the short lines before the first numbered one, the first that names a kind of document is preferred,
    so the menu of a saved web page (``登录``, ``退出``) is not taken for the title; those lines stay in the text.
    A Word heading is the title only when no other paragraph has its level.
    """
    start = 0
    while start < len(tokens) and tokens[start].family is None and start < 30:
        text = tokens[start].text
        if len(text) <= _TITLE_MAX and "。" not in text and _TITLE_WORD_RE.search(text):
            break
        start += 1
    else:
        start = 0
    if start and tokens[start].text[:1] in "（(":
        start -= 1  # （征求意见稿） under the title names the kind; the title is the line above
    if not tokens or len(tokens[start].text) > _TITLE_MAX or "。" in tokens[start].text:
        return "", 0, 0
    head = tokens[start]
    if head.family == "heading":
        if any(t.level == head.level for t in tokens[start + 1:]):
            return "", 0, 0
    elif head.family is not None:
        return "", 0, 0
    title, index = head.text, start + 1
    for _ in range(2):  # a title set on two or three lines: 立山区政府2023年重点工作 / 任务分解和责任分工方案
        if start and _title_line_above(tokens[start - 1]) and len(title) + len(tokens[start - 1].text) <= _TITLE_MAX:
            start -= 1
            title = tokens[start].text + title
    while index < len(tokens) and tokens[index].family is None:
        text = tokens[index].text
        if len(text) <= 20 and "。" not in text and (text[0] in "（(" or "征求意见稿" in text or "年" in text):
            title += text
            index += 1
        else:
            break
    return title, start, index


def _title_line_above(token: _Token) -> bool:
    """A line above the title's that is the beginning of the title: not a number, date, document
    number, cover letter title or menu word."""
    text = token.text
    return (token.family is None and 6 <= len(text) <= _TITLE_MAX and text[:1] not in "（(【[〔"
            and not re.search(r"[。，,；;：:！!？?《〔]|\d{4}\s*年\s*\d{1,2}\s*月|\d{4}[-—./]\d|号$|通知$", text))


def _table_text(rows: list[list[str]]) -> str:
    """A table as readable text: a row on each line, cells separated by ｜."""
    return "\n".join(" ｜ ".join(cell for cell in row) for row in rows if any(row))


# The columns of a task division table (重点任务分工表).
_TASK_COLUMNS = (
    ("number", re.compile(r"^(序号|编号)$")),
    ("lead", re.compile(r"牵头(单位|部门)|^牵头$|主办单位")),
    ("responsible", re.compile(r"(责任|配合|参与|协办)(单位|部门)|^责任主体$")),
    ("deadline", re.compile(r"完成(时限|时间)|时间节点|^时限$|^进度安排$")),
    ("task", re.compile(r"(重点|主要|工作|具体)?(任务|措施|内容|事项)")),
)


def _task_columns(rows: list[list[str]]) -> tuple[int, dict[str, int]] | None:
    """The header row and the column of each role when the table is a task table."""
    for index, row in enumerate(rows[:3]):
        columns: dict[str, int] = {}
        for position, cell in enumerate(row):
            cell = re.sub(r"\s", "", cell)
            for role, pattern in _TASK_COLUMNS:
                if role not in columns and pattern.search(cell):
                    columns[role] = position
                    break
        if "task" in columns and ("lead" in columns or "responsible" in columns):
            return index, columns
    return None


def _add_task_table(rows: list[list[str]], header: int, columns: dict[str, int], parent: _Node | None,
                    line: int, roots: list[_Node], continued: frozenset[tuple[int, int]] = frozenset()) -> None:
    """One clause per task row, under its group rows (一、…), each with its units and deadline.

    A cell merged with the one above (one lead unit for several tasks) counts for each row.
    """
    above: dict[str, str] = {}

    def cell(row: list[str], role: str) -> str:
        position = columns.get(role)
        text = row[position].strip() if position is not None and position < len(row) else ""
        if not text and (row_index, position) in continued:
            text = above.get(role, "")
        above[role] = text
        return text

    def attach(node: _Node, under: _Node | None) -> None:
        node.parent = under
        (under.children if under else roots).append(node)

    base = parent.rank if parent else 0
    group: _Node | None = None
    groups = tasks = 0
    width = max(len(r) for r in rows)
    for row_index, row in enumerate(rows):
        filled = [c.strip() for c in row if c.strip()]
        if row_index <= header or not filled:
            continue
        task_text = cell(row, "task")
        if len(set(filled)) == 1 and (len(row) < width or not task_text or len(filled) < len(row)) \
                and not (row[columns["lead"]].strip() if columns.get("lead", width) < len(row) else ""):
            groups += 1
            family, number, rest = _classify(filled[0], False)
            if family not in ("part", "section"):
                family, number, rest = "part", groups, filled[0]
            group = _Node(_PLAN_KIND[family], base + 0.3, number, *_labels(family, number, False), line,
                          head_text=rest)
            attach(group, parent)
            continue
        if not task_text:
            continue
        tasks += 1
        raw_number = re.sub(r"\D", "", cell(row, "number"))
        number = int(raw_number) if raw_number else tasks
        paragraphs = [row[i].strip() for i in range(len(row))
                      if i not in columns.values() and row[i].strip()]
        if deadline := cell(row, "deadline"):
            paragraphs.append(f"完成时限：{deadline}")
        lead = split_unit_names(cell(row, "lead"))
        responsible = split_unit_names(cell(row, "responsible"))
        node = _Node(ClauseKind.TASK, base + 0.6, number, f"{number}.", str(number), line,
                     head_text=task_text, paragraphs=paragraphs, units=(lead, responsible))
        attach(node, group or parent)


_NATURE_RE = re.compile(r"^[（(](?:规范性|资料性|规范性附录|资料性附录|参考件|补充件)[）)]$")  # under 附录A


def _build_tree(tokens: list[_Token], regulation: bool, warnings: list[ParseWarning]) -> tuple[list[_Node], _Node | None]:
    ranks = _REG_RANK if regulation else _PLAN_RANK
    first_decimal = next((i for i, t in enumerate(tokens) if t.family == "decimal"), len(tokens))
    decimal_base = 6.5 if any(t.family == "part" for t in tokens[:first_decimal]) else 5.2
    roots: list[_Node] = []
    stack: list[_Node] = []
    preamble: _Node | None = None

    def target() -> _Node:
        nonlocal preamble
        if stack:
            return stack[-1]
        if preamble is None:
            preamble = _Node(ClauseKind.PREAMBLE, 0, 0, "前言", "前言", token.line)
        return preamble

    notes: list[str] = []
    joined = pages = 0
    for token in tokens:
        if notes:  # the footnotes of the paragraph before, after it
            (stack[-1] if stack else target()).paragraphs.extend(notes)
        notes = token.notes
        if token.family == "note":
            target().paragraphs.append(token.text)
            continue
        if stack and stack[-1].boxed and not token.box:
            stack.pop()  # the box of a 专栏 ended
        if token.family == "table":
            rows = token.table or []
            if found := _task_columns(rows):
                _add_task_table(rows, *found, stack[-1] if stack else None, token.line, roots, token.continued)
                continue
            node = target()
            node.tables.append(rows)
            node.paragraphs.append(_table_text(rows))
            continue
        if token.family is None:
            top = stack[-1] if stack else None
            if top is not None and top.kind is ClauseKind.ATTACHMENT and not top.head_text and not top.children \
                    and _NATURE_RE.match(token.text) and not top.paragraphs:
                top.paragraphs.append(token.text)  # 附录A / （规范性） / its title
            elif top is not None and top.kind is ClauseKind.ATTACHMENT and not top.head_text and not top.children \
                    and all(_NATURE_RE.match(p) for p in top.paragraphs) and _heading_like(token.text):
                top.head_text = token.text  # 附件1 on a line of its own, its title on the next
            elif top is not None and top.kind is ClauseKind.DECIMAL and not top.head_text and not top.paragraphs \
                    and not top.children and _heading_like(token.text, 60):
                top.head_text = token.text  # 3.1 on a line of its own, the term on the next
            elif stack and regulation and (how := _continues_sentence(stack[-1], token.text)):
                joined += 1
                pages += how == "page"
            elif stack and regulation and _in_article(stack):
                _add_regulation_paragraph(stack, token)
            else:
                target().paragraphs.append(token.text)
            continue
        family = token.family
        if family == "column":
            rank = (stack[-1].rank + 0.5) if stack else 0.5
        elif family == "decimal":
            rank = decimal_base + 0.01 * token.code.count(".")
        elif family == "heading":
            rank = _HEADING_RANK + 0.01 * (token.level or 0)
        else:
            rank = ranks[family]
        kind = (_REG_KIND if regulation else _PLAN_KIND)[family]
        while stack and (stack[-1].rank >= rank or family == "decimal" and stack[-1].kind is ClauseKind.DECIMAL
                         and not token.code.startswith(stack[-1].label + ".")):
            stack.pop()  # a decimal number nests under the number it extends: 3.2.0.7 under 3.2
        label, piece = _labels(family, token.number, regulation, token.code, token.text)
        node = _Node(kind, rank, token.number, label, piece, token.line, head_text=token.text,
                     boxed=token.box and family == "column")
        if stack:
            node.parent = stack[-1]
            stack[-1].children.append(node)
        else:
            roots.append(node)
        stack.append(node)
    if notes:
        (stack[-1] if stack else target()).paragraphs.extend(notes)
    if joined:
        warnings.append(ParseWarning(f"已把{joined}处断开的句子接回上一段（上一段没有结束，下一行不是新的一款）"
                                     + (f"，并删去夹在断开处的页码{pages}处" if pages else "")))
    return roots, preamble


def _continues_sentence(node: _Node, text: str) -> str:
    """A line that goes on with the unfinished sentence of the article or 款 above is joined to it
    (``"joined"``, or ``"page"`` when a page number was dropped); ``""`` when it is not.

    ``…突出重点、公平公`` then ``开、确保实效…``: a paragraph that stops on a character, not on
    punctuation, did not end when it is longer than a heading, stops on a figure or leaves a
    quotation or bracket open; the next line is not a new 款. A page number
    glued to its end is dropped, a figure going on with its unit (``9`` / ``亿元``) kept.
    """
    if node.kind not in (ClauseKind.ARTICLE, ClauseKind.PARAGRAPH):
        return ""
    last = node.paragraphs[-1] if node.paragraphs else node.head_text
    if not re.search(r"[\u4e00-\u9fff\w]$", last) or node.tables and last == _table_text(node.tables[-1]):
        return ""  # a table ends where it ends
    unclosed = last.count("“") > last.count("”") or last.count("（") > last.count("）")
    if len(last) <= 20 and (len(last) < 8 or not last[-1].isdigit() and not unclosed):
        return ""  # a short line is a heading (第四条　资金用途) or a table's cell (20)
    how = "joined"
    if text[:1] not in _QUANTITY_CHARS and (page := re.search(r"(?<=[\u4e00-\u9fff])\d{1,3}$", last)):
        last, how = last[:page.start()], "page"  # …公平公1 / 开、…: the copy glued the page number on
    if node.paragraphs:
        node.paragraphs[-1] = last + text
    else:
        node.head_text = last + text
    return how


def _in_article(stack: list[_Node]) -> bool:
    return any(n.kind is ClauseKind.ARTICLE for n in stack)


def _add_regulation_paragraph(stack: list[_Node], token: _Token) -> None:
    """An unnumbered paragraph in an article starts its next 款."""
    article_index = max(i for i, n in enumerate(stack) if n.kind is ClauseKind.ARTICLE)
    article = stack[article_index]
    # 款 are numbered 1, 2, … in the order they are added: the last one tells the count
    last = next((c for c in reversed(article.children) if c.kind is ClauseKind.PARAGRAPH), None)
    if last is None:
        # The article's own first paragraph becomes 第一款, taking the items so far.
        first = _Node(ClauseKind.PARAGRAPH, article.rank + 1, 1, "第一款", "第一款", article.line,
                      head_text=article.head_text, parent=article)
        first.paragraphs = article.paragraphs
        first.tables = article.tables
        first.children, article.children = article.children, [first]
        for child in first.children:
            child.parent = first
        article.paragraphs = []
        article.tables = []
        last = first
    number = last.number + 1
    cn = int_to_chinese(number)
    node = _Node(ClauseKind.PARAGRAPH, article.rank + 1, number, f"第{cn}款", f"第{cn}款", token.line,
                 head_text=token.text, parent=article)
    article.children.append(node)
    del stack[article_index + 1:]
    stack.append(node)


_GAP_KINDS = {ClauseKind.DECIMAL, ClauseKind.CHAPTER, ClauseKind.BOOK, ClauseKind.SEGMENT, ClauseKind.PART,
              ClauseKind.SECTION, ClauseKind.DIVISION}


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
    seen = dict(zip(texts, _simplified_view(list(texts.values()))))  # 牽頭 read as 牵头
    notes = {key: find_units_note(seen[key]) for key in texts}
    known = {name for note in notes.values() if note for name in note.lead + note.responsible
             if 3 <= len(name) <= 12}  # names written with separators, to find lost ones elsewhere
    clauses: list[Clause] = []
    refs: dict[str, int] = {}
    refs_of: dict[int, str] = {}
    last_task = 0
    last_sibling: dict[tuple[int, ClauseKind], int] = {}
    for node, level in ordered:
        parent_ref = refs_of.get(id(node.parent)) if node.parent else None
        if node.kind in _STRAIGHT_KINDS:
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
        if node.kind is ClauseKind.TASK and not regulation and node.units is None:
            if last_task and node.number not in (last_task + 1, 1):
                warnings.append(ParseWarning(f"任务编号不连续：{last_task}之后是{node.number}", ref=ref, line=node.line))
            last_task = node.number
        elif node.kind in _GAP_KINDS:
            key = (id(node.parent), node.kind)
            previous = last_sibling.get(key)
            if previous is not None and node.number != previous + 1:
                warnings.append(ParseWarning(f"编号不连续：“{node.label}”的前一个同级编号是{previous}", ref=ref,
                                             line=node.line))
            last_sibling[key] = node.number
        text = texts[id(node)]
        lead: list[str] = []
        responsible: list[str] = []
        if node.units is not None:
            lead, responsible = node.units
        elif notes[id(node)] and (note := find_units_note(seen[id(node)], known)):
            lead, responsible = _as_written(note.lead, seen[id(node)], text), \
                _as_written(note.responsible, seen[id(node)], text)
            text = note.remove_from(text)
        heading = ""
        if node.kind is ClauseKind.PARAGRAPH:
            heading = ""  # 第一款 carries its article's words, not its title （定义）
        elif node.kind is ClauseKind.ARTICLE:
            bracket = re.match(r"^[（(【]([^）)】]{1,15})[）)】]", node.head_text)
            heading = bracket.group(1) if bracket else ""
        elif node.kind is not ClauseKind.PREAMBLE:
            heading, _ = _split_run_in(_strip_note(node.head_text), node.kind)
        clauses.append(Clause(ref=ref, label=node.label, level=level, kind=node.kind, heading=heading,
                              text=text, number=node.number, parent_ref=parent_ref,
                              lead_units=lead, responsible_units=responsible, tables=node.tables))
    return clauses


def _as_written(names: list[str], seen: str, text: str) -> list[str]:
    """Unit names found in the text as seen, spelled as the text writes them."""
    if seen is text:
        return names
    spans = ((name, seen.find(name)) for name in names)
    return [text[at:at + len(name)] if at >= 0 else name for name, at in spans]


def doubts(clauses: list[Clause]) -> list[str]:
    """Plain sentences saying why a parsed tree may be wrong, for the drafter to check."""
    said: list[str] = []
    total = sum(len(c.text) for c in clauses)
    numbered = [c for c in clauses if c.kind is not ClauseKind.PREAMBLE]
    preamble = sum(len(c.text) for c in clauses if c.kind is ClauseKind.PREAMBLE)
    if total >= 200 and preamble >= 0.8 * total:
        said.append("请检查：几乎全文都归入了“前言”，未识别出条款编号；如草案用了其他编号方式或标题样式，请在预览中调整")
    elif total >= 2000 and len(numbered) <= 2:
        said.append(f"请检查：全文只识别出{len(numbered)}个条款，可能漏识别了编号")
    for clause in numbered:
        if len(clause.text) >= 5000 and len(clause.text) >= 0.5 * total:
            said.append(f"请检查：条款“{clause.ref}”过长（{len(clause.text)}字），可能漏识别了下级编号")
    return said


def _strip_note(text: str) -> str:
    match = UNITS_NOTE_RE.search(text)
    return text[: match.start()] if match else text


def _body_text(node: _Node) -> str:
    """The clause's own text: the rest of its numbered line and its unnumbered paragraphs."""
    head = node.head_text
    if node.kind not in (ClauseKind.ARTICLE, ClauseKind.PARAGRAPH, ClauseKind.PREAMBLE) and node.units is None:
        heading, run_in = _split_run_in(_strip_note(head), node.kind)
        if heading and not run_in and not UNITS_NOTE_RE.search(head):
            head = ""  # a heading on a line of its own is not body text
    return "\n".join(p for p in [head, *node.paragraphs] if p)
