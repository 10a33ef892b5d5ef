"""The command line asks one way (``ui.cli.running.ConsoleInteraction``): on a terminal it asks;
without one ``--yes`` answers, or the command stops with one Chinese line, or (where the command
names the candidates itself) the answer is no / none."""
from __future__ import annotations

import io
import sys

import pytest

from ui.cli.errors import CommandError
from ui.cli.running import ConsoleInteraction

OPTIONS = ["市财政局", "市发展改革委"]


def test_without_a_terminal_a_question_stops_the_command_with_one_chinese_line():
    talk = ConsoleInteraction(terminal=False)
    with pytest.raises(CommandError, match="删除第2稿吗？（要确认请加 --yes）"):
        talk.confirm("删除第2稿吗？\n它的条款将一并删除")
    with pytest.raises(CommandError, match="可选：市财政局、市发展改革委"):
        talk.choose("来函单位是名单中的哪个单位？", OPTIONS)
    assert ConsoleInteraction(terminal=False, assume_yes=True).confirm("删除第2稿吗？") is True
    assert ConsoleInteraction(terminal=False).ask_text("经办人：", "张三") == "张三"


def test_declining_answers_no_and_none_for_the_caller_to_explain():
    talk = ConsoleInteraction(terminal=False, decline=True)
    assert talk.confirm("替换已收集的反馈表吗？") is False
    assert talk.choose("是哪个单位？", OPTIONS) is None and talk.choose_index("是哪个单位？", OPTIONS) is None


def test_on_a_terminal_the_answer_is_read(monkeypatch, capsys):
    talk = ConsoleInteraction(terminal=True, blank="都不是")
    monkeypatch.setattr(sys, "stdin", io.StringIO("2\n是\n\n9\n"))
    assert talk.choose("是哪个单位？", OPTIONS) == "市发展改革委"
    assert talk.confirm("替换吗？") is True
    assert talk.choose_index("是哪个单位？", OPTIONS) is None  # blank: none of them
    assert talk.choose("是哪个单位？", OPTIONS) is None  # out of range: none
    asked = capsys.readouterr().err
    assert "  1. 市财政局" in asked and "直接回车表示都不是" in asked and "[y/N]" in asked
