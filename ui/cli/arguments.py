"""The argument parser in Chinese: its help headings, and a mistake on the command line told in
one Chinese line (exit status 2), not argparse's English usage block."""
from __future__ import annotations

import argparse
import re
import sys

# argparse's messages (Python 3.11 to 3.13 wordings) → Chinese
_MESSAGES = (
    (re.compile(r"the following arguments are required: (.+)"), "缺少必需的参数：{0}"),
    (re.compile(r"argument (\S+?): invalid int value: (.+)"), "参数 {0} 应为整数，{1} 不是"),
    (re.compile(r"argument (\S+?): invalid float value: (.+)"), "参数 {0} 应为数字，{1} 不是"),
    (re.compile(r"argument (\S+?): invalid choice: (\S+) \(choose from (.+)\)"), "参数 {0} 不能取 {1}，可选：{2}"),
    (re.compile(r"argument (\S+?): expected one argument"), "参数 {0} 后面缺少取值"),
    (re.compile(r"argument (\S+?): expected at least one argument"), "参数 {0} 后面缺少取值"),
    (re.compile(r"argument (\S+?): not allowed with argument (\S+)"), "参数 {0} 不能与 {1} 同时使用"),
    (re.compile(r"argument (\S+?): ignored explicit argument (.+)"), "参数 {0} 不接受取值 {1}"),
    (re.compile(r"argument (\S+?): invalid (\S+) value: (.+)"), "参数 {0} 的取值 {2} 无效"),
    (re.compile(r"unrecognized arguments: (.+)"), "无法识别的参数：{0}"),
    (re.compile(r"ambiguous option: (\S+) could match (.+)"), "选项 {0} 有歧义，可能是：{1}"),
)


def chinese_message(message: str) -> str:
    """argparse's error message in Chinese (unknown ones are kept as they are).

    >>> chinese_message("the following arguments are required: --out")
    '缺少必需的参数：--out'
    >>> chinese_message("argument --edited: invalid choice: 'maybe' (choose from 'keep', 'pending')")
    "参数 --edited 不能取 'maybe'，可选：'keep', 'pending'"
    """
    for pattern, chinese in _MESSAGES:
        found = pattern.fullmatch(message.strip())
        if found:
            return chinese.format(*found.groups())
    return message


class ChineseArgumentParser(argparse.ArgumentParser):
    """``argparse.ArgumentParser`` with Chinese headings and one-line Chinese errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        for action in self._actions:
            if isinstance(action, argparse._HelpAction):
                action.help = "显示本帮助并退出"

    def format_usage(self) -> str:
        return super().format_usage().replace("usage: ", "用法：", 1)

    def format_help(self) -> str:
        return super().format_help().replace("usage: ", "用法：", 1)

    def error(self, message: str):
        """One line on stderr naming the mistake and where to look; exit status 2."""
        print(f"错误：{chinese_message(message)}（用“{self.prog} --help”查看用法）", file=sys.stderr)
        sys.exit(2)


__all__ = ["ChineseArgumentParser", "chinese_message"]
