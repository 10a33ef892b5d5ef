"""Running the application's commands on the command line: the same commands as the window.

Every question a command asks goes through ``ConsoleInteraction``: to the terminal
when there is one; without one (a script) the answer is yes only when ``--yes`` was
given, and otherwise the command stops with one Chinese line (exit status 2) — or,
where the command says what is missing itself, the answer is no / none.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Sequence

from feedback.ledger import Change
from ui.cli.errors import CommandError


def _interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


@dataclass
class ConsoleInteraction:
    """The ``feedback.commands.Interaction`` of the command line: the one way a command asks.

    ``assume_yes`` (``--yes``) answers every confirmation. Without a terminal (or with
    ``terminal=False``, when standard input is the command's own input) a question stops the
    command with one Chinese line, unless ``decline``: then a confirmation is no and a choice
    none, and the caller says what is missing. ``blank`` is what an empty choice means.
    """

    assume_yes: bool = False
    decline: bool = False
    terminal: bool | None = None  # None: whether standard input is a terminal
    blank: str = "取消"
    messages: list[str] = field(default_factory=list)

    @property
    def asking(self) -> bool:
        """Questions are asked on a terminal."""
        return _interactive() if self.terminal is None else self.terminal

    def confirm(self, question: str) -> bool:
        if self.assume_yes:
            return True
        if not self.asking:
            if self.decline:
                return False
            raise CommandError(f"{str(question).splitlines()[0]}（要确认请加 --yes）")
        print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
        return sys.stdin.readline().strip().lower() in ("y", "yes", "是", "好", "确定")

    def choose(self, question: str, options: Sequence[str]) -> str | None:
        options = list(options)
        index = self.choose_index(question, options)
        return None if index is None else options[index]

    def choose_index(self, question: str, options: Sequence[str]) -> int | None:
        """``choose``, answered with the option's index."""
        if not self.asking:
            if self.decline:
                return None
            raise CommandError(f"{question.splitlines()[0]}（可选：{'、'.join(options)}）")
        print(question, file=sys.stderr)
        for index, option in enumerate(options, 1):
            print(f"  {index}. {option}", file=sys.stderr)
        print(f"请输入序号（直接回车表示{self.blank}）：", end="", file=sys.stderr, flush=True)
        answer = sys.stdin.readline().strip()
        return int(answer) - 1 if answer.isdigit() and 1 <= int(answer) <= len(options) else None

    def inform(self, message: str) -> None:
        self.messages.append(message)

    def ask_text(self, question: str, default: str = "") -> str | None:
        if not self.asking:
            return default
        print(f"{question} ", end="", file=sys.stderr, flush=True)
        return sys.stdin.readline().rstrip("\n") or default


def run_command(command, interaction: ConsoleInteraction | None = None) -> Change | None:
    """Check and do ``command`` through the one executor; a refusal raises ``CommandError``.

    None means there was nothing to change (said on stderr).
    """
    from feedback.commands import execute

    interaction = interaction or ConsoleInteraction()
    change = execute(command, interaction)
    if change is None:
        if interaction.messages:
            raise CommandError(interaction.messages[-1])
        print("没有变化。", file=sys.stderr)
    return change
