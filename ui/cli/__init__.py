"""The command line: every command, its parser and its one-line errors.

    python main.py COMMAND …

Each module here holds the parsers and code of a few commands (``add_parsers`` and
``COMMANDS``); a module is imported only when one of its commands runs or when the
whole parser is built. Nothing here imports Qt.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import traceback
from pathlib import Path

from ui.cli.errors import CommandError

# command name → the module of ui.cli holding it
MODULES = {
    "ui.cli.basic": ("outline", "new", "demo-project", "stats", "search", "units"),
    "ui.cli.documents": ("explain", "letter", "table"),
    "ui.cli.sheets": ("forms", "collect", "ledger", "import-public"),
    "ui.cli.versions": ("revise", "compare", "matches"),
    "ui.cli.redline": ("redline",),
}
COMMAND_MODULES = {name: module for module, names in MODULES.items() for name in names}

__all__ = ["CommandError", "COMMAND_MODULES", "build_parser", "run"]


def build_parser() -> argparse.ArgumentParser:
    from ui.cli.arguments import ChineseArgumentParser

    parser = ChineseArgumentParser(prog="main.py", description="意见通：征求意见稿的意见收集与处理")
    commands = parser.add_subparsers(dest="command", metavar="命令")
    for module in MODULES:
        importlib.import_module(module).add_parsers(commands)
    return parser


def _run_command(args) -> int:
    from exports.draft_files import DraftFileError
    from exports.official_format import DocumentError
    from exports.xlsx_safety import SheetFileError
    from feedback.ledger import LedgerError
    from storage.project import ProjectError

    try:
        return importlib.import_module(COMMAND_MODULES[args.command]).COMMANDS[args.command](args)
    except (CommandError, DraftFileError, SheetFileError, DocumentError, LedgerError, ProjectError) as error:
        print(f"错误：{error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已取消", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into head and the like
        sys.stdout = open(os.devnull, "w")
        return 0
    except Exception as error:  # noqa: BLE001 - the user gets one line, the log the details
        log = Path(tempfile.gettempdir()) / "yijiantong-error.log"
        log.write_text(traceback.format_exc(), encoding="utf-8")
        print(f"错误：处理时发生意外（{type(error).__name__}），详情已写入 {log}", file=sys.stderr)
        return 2


def run(argv: list[str]) -> int:
    """Run one command line (``argv`` without the program name) and return its exit status."""
    return _run_command(build_parser().parse_args(argv))
