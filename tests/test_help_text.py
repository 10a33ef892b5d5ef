"""Every ``--help`` in Chinese and laid out by the columns Chinese characters take on a terminal."""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ui.cli import build_parser
from ui.cli.parsing import display_width

ROOT = Path(__file__).resolve().parent.parent


def _parsers(parser):
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _parsers(sub)


def _window_help() -> str:
    env = dict(os.environ, COLUMNS="80")
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--help"], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=60).stdout


def _helps():
    os.environ["COLUMNS"] = "80"
    try:
        return [(sub.prog, sub.format_help()) for sub in _parsers(build_parser())]
    finally:
        del os.environ["COLUMNS"]


def test_headings_and_argument_names_are_chinese():
    helps = _helps() + [("main.py", _window_help())]
    assert len(helps) > 25
    for prog, text in helps:
        assert text.startswith("用法："), prog
        assert "选项：\n" in text and "选项:" not in text and "位置参数:" not in text, prog
        usage = text.split("\n\n")[0]
        # no English placeholder such as OUT, ROUND or project: only option names, choices and file types
        words = set(re.findall(r"(?<![-\w.{,])[A-Za-z_]{2,}(?![\w}])", usage.replace(prog, "")))
        assert words <= {"PNG"}, (prog, words)


def test_lines_line_up_as_drawn():
    for prog, text in _helps() + [("main.py", _window_help())]:
        lines = text.splitlines()
        usage = [lines[0]] + [line for line in lines[1:text.count("\n", 0, text.index("\n\n"))]]
        start = display_width(f"用法：{prog} ")
        for line in usage[1:]:
            assert display_width(line) - display_width(line.lstrip()) == start, (prog, line)
        # the help of every option starts in one column
        columns = {display_width(match[1]) for line in lines
                   if (match := re.match(r"^(  \S.*?  +)\S", line)) and not line.startswith("  " * 3)}
        assert len(columns) <= 1, (prog, columns)
        assert max(map(display_width, lines)) <= 80, prog
