"""Running the application's commands on the command line: the same commands as the window.

A command's questions go to the terminal when there is one; without one (a
script) the answer is yes only when ``--yes`` was given. A refusal ends the
command with one Chinese line and exit status 2.
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
    """The ``feedback.commands.Interaction`` of the command line."""

    assume_yes: bool = False
    messages: list[str] = field(default_factory=list)

    def confirm(self, question: str) -> bool:
        if self.assume_yes:
            return True
        if not _interactive():
            raise CommandError(f"{question.splitlines()[0]}（要确认请加 --yes）")
        print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
        return sys.stdin.readline().strip().lower() in ("y", "yes", "是", "好", "确定")

    def choose(self, question: str, options: Sequence[str]) -> str | None:
        if not _interactive():
            raise CommandError(f"{question.splitlines()[0]}（可选：{'、'.join(options)}）")
        print(question, file=sys.stderr)
        for index, option in enumerate(options, 1):
            print(f"  {index}. {option}", file=sys.stderr)
        print("请输入序号（直接回车表示取消）：", end="", file=sys.stderr, flush=True)
        answer = sys.stdin.readline().strip()
        return options[int(answer) - 1] if answer.isdigit() and 1 <= int(answer) <= len(options) else None

    def inform(self, message: str) -> None:
        self.messages.append(message)

    def ask_text(self, question: str, default: str = "") -> str | None:
        if not _interactive():
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
