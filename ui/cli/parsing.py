"""Argument parsing in Chinese: headings, usage, help and every error argparse can give.

Every parser of the command line (and the window's, in ``main.py``) is an
``ArgumentParser`` from here; a wrong argument ends in one Chinese line on stderr
and exit status 2, never in English or a traceback.

>>> parser = ArgumentParser(prog='main.py stats')
>>> _ = parser.add_argument('--round', type=int)
>>> translate("argument --round: invalid int value: 'x'")
'参数 --round：“x”不是整数'
>>> translate("the following arguments are required: project, --out")
'缺少必需的参数：project、--out'
"""
from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from datetime import date

_TYPE_NAMES = {"int": "整数", "float": "数值", "date_value": "日期"}


def _names(text: str) -> str:
    """``'a', 'b'`` or ``a, b`` as ``a、b``."""
    return "、".join(part.strip().strip("'\"") for part in text.split(","))


def _invalid_value(match: re.Match) -> str:
    return f"“{match[2]}”不是{_TYPE_NAMES.get(match[1], '有效的取值')}"


_MESSAGES: list[tuple[re.Pattern, object]] = [(re.compile(p), r) for p, r in [
    (r"^argument 命令: invalid choice: '(.*?)' \(choose from (.*)\)$",
     lambda m: f"未知的命令“{m[1]}”；可用的命令：{_names(m[2])}"),
    (r"^argument (.+?): (.*)$", lambda m: f"参数 {m[1]}：{translate(m[2])}"),
    (r"^the following arguments are required: (.*)$", lambda m: f"缺少必需的参数：{_names(m[1])}"),
    (r"^unrecognized arguments: (.*)$", lambda m: f"无法识别的参数：{m[1]}"),
    (r"^invalid choice: '(.*?)' \(choose from (.*)\)$", lambda m: f"“{m[1]}”不是可选的值（可选：{_names(m[2])}）"),
    (r"^invalid (\w+) value: '(.*)'$", _invalid_value),
    (r"^expected one argument$", lambda m: "须给出一个值"),
    (r"^expected at most one argument$", lambda m: "最多给出一个值"),
    (r"^expected at least one argument$", lambda m: "至少给出一个值"),
    (r"^expected (\d+) arguments?$", lambda m: f"须给出{m[1]}个值"),
    (r"^ambiguous option: (\S+) could match (.*)$", lambda m: f"选项 {m[1]} 有歧义，可能是：{_names(m[2])}"),
    (r"^not allowed with argument (.*)$", lambda m: f"不能与 {m[1]} 同时使用"),
    (r"^one of the arguments (.*) is required$", lambda m: f"须给出以下参数之一：{_names(m[1])}"),
    (r"^ignored explicit argument '(.*)'$", lambda m: f"多余的值“{m[1]}”"),
    (r"^can't open '(.*?)': (.*)$", lambda m: f"无法打开“{m[1]}”"),
]]


def translate(message: str) -> str:
    """argparse's English error message in Chinese (an unknown one is kept as it is)."""
    for pattern, replacement in _MESSAGES:
        match = pattern.match(message)
        if match:
            return replacement(match)
    return message


def display_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: two for each Chinese character or full-width mark.

    >>> display_width("--size 宽x高"), display_width("用法：")
    (12, 6)
    """
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


_NO_LINE_START = set("，。、；：！？）》」』”’")


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns; Latin words kept whole, no line opening on a closing mark.

    >>> wrap("列对应，如 text=留言内容", 14)
    ['列对应，如', 'text=留言内容']
    >>> wrap("一二三四五六七，八", 14)
    ['一二三四五六七，', '八']
    """
    lines: list[str] = []
    line = ""
    for token in re.findall(r"\s+|[!-~]+|.", " ".join(text.split())):
        if not line and token.isspace():
            continue
        if line and display_width(line + token) > width and token not in _NO_LINE_START:
            lines.append(line.rstrip())
            line = "" if token.isspace() else token
        else:
            line += token
    return lines + [line.rstrip()] if line.strip() else lines


class HelpFormatter(argparse.HelpFormatter):
    """Chinese headings (``用法：``, ``选项：``), aligned by the columns Chinese characters really take."""

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)

    def _format_usage(self, usage, actions, groups, prefix):
        # argparse indents wrapped lines by len(prefix): a blank prefix as wide as the drawn one keeps them under
        # the first argument. It also wraps by len(): narrowed until the Chinese metavars fit (or overflow least)
        blank = " " * display_width(prefix)
        limit, width, prog = self._width - self._current_indent, self._width, self._prog
        self._prog = "\0" * display_width(prog)  # a subcommand's prog may hold a Chinese metavar too
        best = None
        try:
            for self._width in range(width, min(width, 40) - 1, -1):
                text = super()._format_usage(usage, actions, groups, blank)
                over = max(map(display_width, text.splitlines())) - limit
                if best is None or over < best[0]:
                    best = over, text
                if over <= 0:
                    break
        finally:
            self._width, self._prog = width, prog
        return prefix + best[1][len(blank):].replace("\0" * display_width(prog), prog, 1)

    def start_section(self, heading):
        super().start_section(f"{heading}\0" if heading else heading)

    def format_help(self):
        # argparse ends every heading with an ASCII colon: the marked ones get a full-width one
        return super().format_help().replace("\0:", "：")

    def add_argument(self, action):
        super().add_argument(action)
        if action.help is not argparse.SUPPRESS:
            width = display_width(self._format_action_invocation(action)) + self._current_indent
            self._action_max_length = max(self._action_max_length, width)

    def _format_action(self, action):
        text = super()._format_action(action)
        header = " " * self._current_indent + self._format_action_invocation(action)
        extra = display_width(header) - len(header)
        rest = text[len(header):]
        if not extra or not action.help or rest.startswith("\n"):
            return text
        padding = len(rest) - len(rest.lstrip(" "))
        if padding - extra >= 2:
            return header + rest[extra:]
        help_position = min(self._action_max_length + 2, self._max_help_position)
        return header + "\n" + " " * help_position + rest.lstrip(" ")

    def _split_lines(self, text, width):
        return wrap(text, width)


class RawDescriptionHelpFormatter(HelpFormatter, argparse.RawDescriptionHelpFormatter):
    """The Chinese formatter, keeping the description's and epilog's line breaks (and wrapping longer lines)."""

    def _fill_text(self, text, width, indent):
        return "\n".join(indent + part for line in text.splitlines()
                         for part in wrap(line, width - len(indent)) or [""])


# the name shown for an argument (in usage, help and errors) when its parser gives none
_METAVARS = {
    "project": "项目", "file": "文件", "paths": "文件", "query": "文字", "draft": "草案", "title": "标题",
    "date": "日期", "today": "日期", "round": "轮次", "out": "输出", "template": "模板", "unit": "单位",
    "unit_id": "单位编号", "category": "类别", "disposition": "处理结果", "limit": "条数", "map": "列对应",
    "sheet": "工作表", "note": "说明", "author": "姓名", "line": "行", "version": "稿",
    "from_version": "稿", "to_version": "稿", "import_file": "表格", "export_file": "表格",
}


class ArgumentParser(argparse.ArgumentParser):
    """An argparse parser speaking Chinese; its subcommands' parsers are of the same class.

    >>> parser = ArgumentParser(prog='main.py stats')
    >>> _ = parser.add_argument('project')
    >>> _ = parser.add_argument('--round', type=int)
    >>> parser.format_usage()
    '用法：main.py stats [-h] [--round 轮次] 项目\\n'
    """

    def _add_action(self, action):
        if action.metavar is None and action.nargs != 0 and action.choices is None:
            action.metavar = _METAVARS.get(action.dest)
        return super()._add_action(action)

    def __init__(self, *args, formatter_class=HelpFormatter, add_help: bool = True, **kwargs):
        super().__init__(*args, formatter_class=formatter_class, add_help=False, **kwargs)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本说明后退出")

    def error(self, message: str):
        self.exit(2, f"错误：{translate(message)}。用“{self.prog} --help”查看用法。\n")


def date_value(text: str) -> date:
    """A day typed as 2023-04-10, 2023/4/10 or 2023年4月10日; anything else one Chinese line."""
    from exports.public_comments import parse_date

    value = parse_date(text)
    if value is None or not re.fullmatch(r"\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*", text):
        raise argparse.ArgumentTypeError(f"“{text}”不是日期（应为 2023-04-10 这样的格式）")
    return date.fromisoformat(value)


def positive_int(text: str) -> int:
    """A number from 1 up: a round, a version, a comment's number."""
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"“{text}”不是正整数")
    return int(text)


def unknown_command(word: str) -> bool:
    """True (after saying so on stderr) when ``word`` is neither a command nor a project file."""
    from pathlib import Path

    from ui.cli import COMMAND_MODULES

    if word.startswith("-") or word in COMMAND_MODULES or Path(word).exists() or Path(word).suffix:
        return False
    print(f"错误：未知的命令“{word}”；可用的命令：{'、'.join(COMMAND_MODULES)}。"
          "用“main.py --help”查看用法。", file=sys.stderr)
    return True
