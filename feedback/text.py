"""Cleaning text copied from web pages, and folding text for script-insensitive matching.

>>> clean_line('發(fā)展\u3000教育\u200b').text
'發展教育'
>>> fold('漢中市 公安局')
'汉中市公安局'
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

# Every space-like or invisible character a web page or Word can leave in a line.
_ODD_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\x0b\x0c"
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_CJK_OR_PUNCT = _CJK + r"\u3000-\u303f\uff00-\uffef"
_TONE_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PINYIN_CHARS = "a-zA-Züv" + _TONE_VOWELS

_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]")
_ODD_SPACE_RE = re.compile(f"[{_ODD_SPACES}]")
_SPACE_BETWEEN_CJK_RE = re.compile(f"(?<=[{_CJK_OR_PUNCT}]) +(?=[{_CJK_OR_PUNCT}])")
_MULTI_SPACE_RE = re.compile(r" {2,}")
# A romanization in parentheses right after a character: 發(fā)展, 市（shì）
_ROMANIZATION_RE = re.compile(
    f"(?<=[{_CJK}])[(（]\\s*(?=[{_PINYIN_CHARS} ]*[{_TONE_VOWELS}])[{_PINYIN_CHARS}]+(?: [{_PINYIN_CHARS}]+)*\\s*[)）]"
)
_BOX_ONLY_RE = re.compile(r"^[\s\u2500-\u257f\u2580-\u259f\u25a0-\u25ff|｜_＿\-—－=＝+＋~～.·…]*$")
_HAS_BOX_RE = re.compile(r"[\u2500-\u259f]")
# the space the official format puts after 第X章 / 第X条: layout, not noise
_NUMBER_SPACE_RE = re.compile(f"^(第[一二三四五六七八九十百千零〇两\\d]+[编章节条])[ {_ODD_SPACES}]+")


@dataclass
class CleanedLine:
    """A line after cleaning, and what was removed from it (for the warnings)."""

    text: str
    removed: list[str] = field(default_factory=list)


def clean_line(raw: str) -> CleanedLine:
    """Remove the noise of web copies from one line; say what was removed.

    A line that is only box-border characters comes back empty with a note.
    """
    removed: list[str] = []
    text = raw
    if _HAS_BOX_RE.search(text) and _BOX_ONLY_RE.match(text):
        return CleanedLine("", ["表格边框字符行"])
    if "\ufffd" in text:
        removed.append(f"乱码替换字符{text.count(chr(0xFFFD))}个")
        text = text.replace("\ufffd", "")
    if _INVISIBLE_RE.search(text):
        removed.append("不可见字符")
        text = _INVISIBLE_RE.sub("", text)
    text = text.strip(_ODD_SPACES + " \r\n")
    text = _NUMBER_SPACE_RE.sub(r"\1", text, count=1)
    if _ODD_SPACE_RE.search(text):
        removed.append("异常空格")
        text = _ODD_SPACE_RE.sub(" ", text)
    romanized = _ROMANIZATION_RE.findall(text)
    if romanized:
        removed.append("拼音注音" + "".join(romanized[:3]) + ("等" if len(romanized) > 3 else ""))
        text = _ROMANIZATION_RE.sub("", text)
    if _SPACE_BETWEEN_CJK_RE.search(text):
        removed.append("汉字间空格")
        text = _SPACE_BETWEEN_CJK_RE.sub("", text)
    text = _MULTI_SPACE_RE.sub(" ", text).strip()
    return CleanedLine(text, removed)


@lru_cache(maxsize=1)
def _converter(config: str):
    import opencc  # the conversion tables ship with the package

    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Traditional → Simplified characters (phrase-aware, through OpenCC)."""
    return _converter("t2s").convert(text) if text else text


def fold(text: str) -> str:
    """A key for comparing names: Simplified, half-width, without spaces or punctuation."""
    text = unicodedata.normalize("NFKC", text)
    text = to_simplified(text)
    return re.sub(r"[\s\"'“”‘’《》〈〉「」『』()（）\[\]【】·.,，、;；:：]", "", text)
