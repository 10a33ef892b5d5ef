"""Text files as text: the one decoder for every text a user brings (drafts, CSV tables, registries).

Offices save text as UTF-8 (with or without BOM), as GB18030/GBK from a Chinese
Windows' Notepad or Excel, or as UTF-16 ("Unicode text" from Excel and WPS).
Each is recognised; anything else is guessed, and what still is no text is None,
for the reader to refuse in its own words, naming the file.

>>> decode_text('单位名称,类别'.encode('utf-16'))
'单位名称,类别'
>>> decode_text('市财政局'.encode('gb18030')), decode_text('\\ufeff市财政局'.encode('utf-8'))
('市财政局', '市财政局')
>>> decode_text(bytes(range(0, 9)) * 50) is None
True
"""
from __future__ import annotations

import codecs
import re

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_UNLIKELY_CHAR_RE = re.compile(r"[\x00-\x08\x0e-\x19\x1b\x7f\ue000-\uf8ff]")
_HANZI_RE = re.compile("[\u4e00-\u9fff]")
_PRIVATE_USE_RE = re.compile("[\ue000-\uf8ff]")


def looks_like_text(text: str) -> bool:
    """No NUL, and hardly any control or private-use characters (what a binary file decodes to)."""
    if "\x00" in text:
        return False
    return len(_UNLIKELY_CHAR_RE.findall(text)) * 100 <= len(text)


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


def plausible_chinese(text: str) -> bool:
    """True when decoded text reads as ordinary Chinese: common characters, no private-use ones.

    GB18030 decodes nearly any bytes; Big5 and others come out as rare characters.
    """
    sample = text[:20_000]
    if _PRIVATE_USE_RE.search(sample):
        return False
    hanzi = _HANZI_RE.findall(sample)
    return not hanzi or sum(1 for ch in hanzi if _in_gb2312(ch)) >= 0.9 * len(hanzi)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 saved without a BOM: every other byte of Latin text is NUL."""
    sample = data[:4096]
    if len(sample) < 4 or len(data) % 2:
        return None
    for encoding, zeros in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
        if zeros.count(0) >= 0.3 * len(zeros):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if looks_like_text(text):
                return text
    return None


def decode_text(data: bytes) -> str | None:
    """``data`` as text in whichever encoding it is in; None when it is no text at all."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                text = data.decode(encoding, errors="replace")
            return text if looks_like_text(text) else None
    text = _utf16_without_bom(data) if b"\x00" in data[:4096] else None
    if text is not None:
        return text
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        return text if looks_like_text(text) else None
    try:
        chinese = data.decode("gb18030")  # a superset of GBK and GB2312
    except UnicodeDecodeError:
        chinese = None
    if chinese is not None and looks_like_text(chinese) and plausible_chinese(chinese):
        return chinese
    from charset_normalizer import from_bytes  # imported here: rarely needed and slow to load

    guess = from_bytes(data).best()
    if guess is not None and looks_like_text(str(guess)):
        return str(guess)
    return chinese if chinese is not None and looks_like_text(chinese) else None
