"""Text copied from a PDF or a printed page: page furniture and hard-wrapped lines.

A PDF copy has every printed line as a paragraph, a page number (``— 3 —``, ``-2-``,
``第3页 共10页``) and often a running head between pages. ``page_furniture`` finds those
lines; ``rejoin`` groups the printed lines back into paragraphs, so that a wrapped line
starting with something number-like (a cited article, a figure) continues its sentence.

>>> lines = ['第一条 为了规范管理，根据《中华人民共和国某某法》', '第十二条的规定，制定本办法。', '第二条 本办法适用于本市。']
>>> rejoin(lines, [False] * 3, width=None)
[[0, 1], [2]]
"""
from __future__ import annotations

import re
from collections import Counter

_PAGE_NUMBER_RE = re.compile(
    r"^(?:[-—－–―~·•\s]*\d{1,4}[-—－–―~·•\s]*"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*[/／]\s*\d{1,4}"
    r"|[-—－–]\s*[ivxlcIVXLC]+\s*[-—－–])$")
_DASHED_NUMBER_RE = re.compile(r"^[-—－–―]\s*\d{1,4}\s*[-—－–―]$")
_TERMINAL = ("。", "！", "？", "；", "：", "!", "?", ";", ":", "”", "」", "）", ")")
# Characters printed half as wide as a Chinese one (Latin, digits, half-width forms).
# ASCII , ; : ! ? ( ) in Chinese text were printed as full-width marks and copied as ASCII ones:
# they are left out of the first range.
_NARROW_RE = re.compile(r"[\x00-\x20\x22-\x27\x2a\x2b\x2d-\x39\x3c-\x3e\x40-\u10ff"
                        r"\u2000-\u200f\u2010-\u2027\u2030-\u205e\uff61-\uffdc\uffe8-\uffee]")
_OPENING_CONTINUATION = tuple("，、。；：）)》”」")


def display_width(text: str) -> int:
    """Columns a line takes in print: two for a Chinese character, one for a Latin one.

    >>> display_width('第3条 ab'), display_width('　（一）')
    (8, 8)
    """
    return 2 * len(text) - len(_NARROW_RE.findall(text))


def is_page_number(text: str) -> bool:
    """``— 3 —``, ``-2-``, ``12``, ``第3页 共10页``, ``3/10``.

    >>> [is_page_number(t) for t in ('— 3 —', '-2-', '第3页 共10页', '3/10', '2025年', '第3条')]
    [True, True, True, True, False, False]
    """
    return len(text) <= 24 and bool(_PAGE_NUMBER_RE.match(text.strip()))


def page_furniture(lines: list[str]) -> tuple[set[int], int, int]:
    """Indices of page numbers and running heads or footers, with how many of each.

    A running head is a short line repeated at least three times, nearly always within
    two lines of a page number and next to at least half of them; nothing is taken for one unless the text has page numbers.
    A lone number is taken for a page number only when printed between dashes (``- 2 -``).
    """
    numbers = {i for i, text in enumerate(lines) if is_page_number(text)}
    if len(numbers) < 2:  # one bare figure may be anything; ``- 2 -`` between dashes is a page number
        numbers = {i for i in numbers if _DASHED_NUMBER_RE.match(lines[i].strip())}
        return numbers, len(numbers), 0
    near = {j for i in numbers for j in range(i - 2, i + 3)} | {0, 1}  # the first page's head too
    counts = Counter(text for text in lines if len(text) <= 40)
    counts_near = Counter(text for i, text in enumerate(lines) if i in near and len(text) <= 40)
    heads = {i for i, text in enumerate(lines)
             if i in near and i not in numbers and counts[text] >= 3
             and counts_near[text] >= max(2, len(numbers) // 2) and counts_near[text] >= 0.8 * counts[text]}
    return numbers | heads, len(numbers), len(heads)


_FOOTNOTE_RE = re.compile(r"^(?:[①②③④⑤⑥⑦⑧⑨⑩]|\[\d{1,2}\]|注\s*\d{1,2}\s*[:：])")


def footnote_marker(text: str) -> str | None:
    """The marker a footnote line starts with: ``①``, ``[1]``, ``注1：``."""
    match = _FOOTNOTE_RE.match(text)
    return match.group().rstrip(":：").replace(" ", "") if match else None


def footnotes(lines: list[str]) -> set[int]:
    """Lines at the foot of a page (the last three before its page number) that start with a
    marker found inside the text of the same page: footnotes, not clauses.

    >>> footnotes(['第一条 依照《条例》①制定。', '①《条例》1992年公布。', '— 1 —', '第二条 略。'])
    {1}
    """
    found: set[int] = set()
    page_start = 0
    for index, text in enumerate(lines):
        if not is_page_number(text):
            continue
        for candidate in range(max(page_start, index - 3), index):
            marker = footnote_marker(lines[candidate])
            if marker and any(marker in lines[i][1:] for i in range(page_start, candidate)):
                found.add(candidate)
        page_start = index + 1
    return found


def printed_width(lines: list[str]) -> int | None:
    """The width of a full printed line when the lines look hard-wrapped, else None.

    Hard-wrapped text has many lines of the same, greatest width, many of them ending in
    the middle of a sentence; text with a paragraph per line has lines of every length.
    """
    measured = [(text, display_width(text)) for text in lines if text]
    long = [w for _, w in measured if w >= 30]
    if len(measured) < 6 or not long:
        return None
    width = max(Counter(long).most_common(3), key=lambda pair: (pair[1], pair[0]))[0]
    near = [text for text, w in measured if abs(w - width) <= 4]
    open_ended = [text for text in near if not text.endswith(_TERMINAL)]
    if len(near) >= max(5, 0.25 * len(measured)) and len(open_ended) >= max(3, 0.5 * len(near)):
        return width
    return None


def rejoin(lines: list[str], indented: list[bool], width: int | None = None) -> list[list[int]]:
    """Group printed lines into paragraphs (lists of indices), given the full line width.

    A line continues the paragraph above when the line above is full and ends inside
    a sentence, whatever it starts with; after a full line ending a sentence, only when
    the draft marks new paragraphs by indenting (long indented lines) and this line is not
    indented. Without a
    ``width`` the widest lines are taken as full.
    """
    if not lines:
        return []
    if width is None:
        width = max(display_width(text) for text in lines)
    # indented paragraph starts are long lines; short indented ones are a table's cells
    uses_indent = sum(1 for text, indent in zip(lines, indented)
                      if indent and display_width(text) >= width / 2) >= max(2, len(lines) // 10)
    groups: list[list[int]] = [[0]]
    full_lines = [display_width(text) >= width - 4 for text in lines]
    for index in range(1, len(lines)):
        above = lines[index - 1]
        text = lines[index]
        full = full_lines[index - 1]
        if full and (not above.endswith(_TERMINAL) or text.startswith(_OPENING_CONTINUATION)
                     or (uses_indent and not indented[index])):
            groups[-1].append(index)
        else:
            groups.append([index])
    return groups


def join_lines(parts: list[str]) -> str:
    """Printed lines of one paragraph as one line (a space only between Latin words)."""
    out = parts[0] if parts else ""
    for part in parts[1:]:
        if out and part and out[-1].isascii() and out[-1].isalnum() and part[0].isascii() and part[0].isalnum():
            out += " "
        out += part
    return out
