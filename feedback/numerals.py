"""Chinese numerals both ways, and the number formats Word's list numbering uses.

>>> chinese_to_int('二十八'), chinese_to_int('十'), chinese_to_int('一百零五')
(28, 10, 105)
>>> int_to_chinese(28), int_to_chinese(10), int_to_chinese(105)
('二十八', '十', '一百零五')
>>> format_number(3, 'chineseCounting'), format_number(3, 'decimalEnclosedCircle')
('三', '③')
>>> format_number(2, 'ideographTraditional'), format_number(12, 'chineseLegalSimplified')
('乙', '壹拾贰')
"""
from __future__ import annotations

DIGITS = "零一二三四五六七八九"
_DIGIT_VALUES = {c: i for i, c in enumerate(DIGITS)} | {"〇": 0, "两": 2, "○": 0}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
CHINESE_NUMERAL_CHARS = DIGITS + "〇○两十百千万"
# the numerals of clause labels (第一千零一条, 三、, （十二）); ○ is left out: drafts use it as a bullet
LABEL_NUMERAL_CHARS = "一二三四五六七八九十百千万零〇两"
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
_ZODIAC = "子丑寅卯辰巳午未申酉戌亥"
_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_LEGAL_UNITS = {"十": "拾", "百": "佰", "千": "仟", "万": "万"}


def chinese_to_int(text: str) -> int:
    """The value of a Chinese numeral such as ``二十八``; ValueError if it is not one."""
    if not text:
        raise ValueError("空数字")
    if all(c in _DIGIT_VALUES for c in text) and len(text) > 1:
        # digit-by-digit forms such as 二〇二三
        return int("".join(str(_DIGIT_VALUES[c]) for c in text))
    total, section, digit = 0, 0, None
    for char in text:
        if char in _DIGIT_VALUES:
            digit = _DIGIT_VALUES[char]
        elif char in _UNITS:
            unit = _UNITS[char]
            if unit == 10000:
                total += (section + (digit or 0)) * unit
                section, digit = 0, None
            else:
                section += (1 if digit is None else digit) * unit
                digit = None
        else:
            raise ValueError(f"不是中文数字：{text}")
    return total + section + (digit or 0)


def int_to_chinese(value: int) -> str:
    """The Chinese numeral of a positive integer below 100,000,000."""
    if value <= 0:
        return "零" if value == 0 else "负" + int_to_chinese(-value)
    if value >= 10000:
        high, low = divmod(value, 10000)
        rest = _below_10000(low)
        if low and low < 1000:
            rest = "零" + rest
        return _below_10000(high) + "万" + rest
    text = _below_10000(value)
    return text[1:] if text.startswith("一十") else text


def _below_10000(value: int) -> str:
    out, zero_pending = [], False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, value = divmod(value, unit)
        if digit:
            if zero_pending and out:
                out.append("零")
            out.append(DIGITS[digit] + name)
            zero_pending = False
        else:
            zero_pending = True
    return "".join(out)


def circled(value: int) -> str:
    """①…⑳ for 1–20, the plain number in parentheses beyond."""
    return CIRCLED[value - 1] if 1 <= value <= len(CIRCLED) else f"({value})"


def _letters(value: int, upper: bool) -> str:
    letter = chr((value - 1) % 26 + (65 if upper else 97))
    return letter * ((value - 1) // 26 + 1)


def _roman(value: int) -> str:
    pairs = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
             (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = []
    for unit, numeral in pairs:
        count, value = divmod(value, unit)
        out.append(numeral * count)
    return "".join(out)


def _legal(value: int) -> str:
    text = int_to_chinese(value)
    if text.startswith("十"):
        text = "一" + text
    return "".join(_LEGAL_DIGITS[DIGITS.index(c)] if c in DIGITS else _LEGAL_UNITS.get(c, c)
                   for c in text)


def format_number(value: int, num_fmt: str) -> str:
    """Render ``value`` the way Word renders it for the OOXML ``numFmt``.

    Unknown formats fall back to decimal, as Word does.
    """
    if num_fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting",
                   "taiwaneseCounting", "koreanCounting", "ideographDigital",
                   "taiwaneseCountingThousand", "japaneseDigitalTenThousand"):
        return int_to_chinese(value)
    if num_fmt == "ideographTraditional":
        return _HEAVENLY_STEMS[(value - 1) % 10]
    if num_fmt == "ideographZodiac":
        return _ZODIAC[(value - 1) % 12]
    if num_fmt in ("chineseLegalSimplified", "ideographLegalTraditional", "japaneseLegal"):
        return _legal(value)
    if num_fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese", "ideographEnclosedCircle"):
        return circled(value)
    if num_fmt == "decimalEnclosedParen":
        return f"({value})"
    if num_fmt == "decimalEnclosedFullstop":
        return f"{value}."
    if num_fmt == "decimalFullWidth" or num_fmt == "decimalFullWidth2":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(value))
    if num_fmt == "decimalZero":
        return f"{value:02d}"
    if num_fmt == "lowerLetter":
        return _letters(value, upper=False)
    if num_fmt == "upperLetter":
        return _letters(value, upper=True)
    if num_fmt == "lowerRoman":
        return _roman(value).lower()
    if num_fmt == "upperRoman":
        return _roman(value)
    if num_fmt in ("none", "bullet"):
        return ""
    return str(value)
