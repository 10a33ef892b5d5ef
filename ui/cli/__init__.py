"""The command line: every command, its parser and its one-line errors.

    python main.py COMMAND …

Each module here holds the parsers and code of a few commands (``add_parsers`` and
``COMMANDS``); a module is imported only when one of its commands runs or when the
whole parser is built. Nothing here imports Qt.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
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
    "ui.cli.reply": ("reply",),
    "ui.cli.clauses": ("reshape",),
    "ui.cli.consultation": ("plan", "round", "comment", "decide", "history"),
    "ui.cli.backups": ("backups",),
    "ui.cli.answers": ("answers",),
}
COMMAND_MODULES = {name: module for module, names in MODULES.items() for name in names}
# the program's name in usage lines: the packaged app's executable, or main.py
PROGRAM = "yijiantong" if getattr(sys, "frozen", False) else "main.py"

__all__ = ["CommandError", "COMMAND_MODULES", "PROGRAM", "build_parser", "run"]


def build_parser() -> argparse.ArgumentParser:
    from ui.cli.parsing import ArgumentParser

    parser = ArgumentParser(prog=PROGRAM, description="意见通：征求意见稿的意见收集与处理")
    commands = parser.add_subparsers(dest="command", metavar="命令")
    for module in MODULES:
        importlib.import_module(module).add_parsers(commands)
    return parser


class _UserLogHandler(logging.Handler):
    """The program's own log records (a failed transaction and the like) go to the user's log
    file, opened at the first record; never to the console, where the user gets one Chinese line."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            from storage.paths import data_dir
            from ui.logs import log, setup_logging

            setup_logging(data_dir())
            log.removeHandler(self)
            log.handle(record)
        except Exception:  # noqa: BLE001 - no writable data folder: the one line is all there is
            pass


def _run_command(args) -> int:
    from feedback.errors import Cancelled, UserError
    from storage.project import Project

    Project.report = lambda message: print(f"提示：{message}", file=sys.stderr)
    program_log = logging.getLogger("yijiantong")
    if not program_log.handlers:
        program_log.addHandler(_UserLogHandler())
    try:
        return importlib.import_module(COMMAND_MODULES[args.command]).COMMANDS[args.command](args)
    except UserError as error:
        print(f"错误：{error}", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, Cancelled):
        print("已取消", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into head and the like
        sys.stdout = open(os.devnull, "w")
        return 0
    except Exception as error:  # noqa: BLE001 - the user gets one line, the log the details
        where = _log_error(args)
        print(f"错误：{_fault_sentence(error, args)}{where}", file=sys.stderr)
        return 2


def _fault_sentence(error: Exception, args) -> str:
    """The machine's faults (full disk, read-only place, damaged file) in one Chinese phrase."""
    import sqlite3

    from storage.faults import os_reason, sqlite_reason

    if isinstance(error, sqlite3.DatabaseError):
        name = Path(getattr(args, "project", "") or "").name
        return f"读写项目文件{f'“{name}”' if name else ''}时出错：{sqlite_reason(error)}。"
    if isinstance(error, OSError) and not isinstance(error, BrokenPipeError):
        name = Path(error.filename).name if getattr(error, "filename", None) else ""
        return f"{f'“{name}”' if name else '文件'}无法读写：{os_reason(error)}。"
    return f"处理时发生意外（{type(error).__name__}）。"


def _log_error(args) -> str:
    """Write the traceback to the user's own log (data folder, rotated); say where, or ''."""
    try:
        from storage.paths import data_dir
        from ui.logs import log, setup_logging

        path = setup_logging(data_dir())
        log.error("命令 %s 出错\n%s", getattr(args, "command", ""), traceback.format_exc())
    except Exception:  # noqa: BLE001 - no writable data folder: the one line is all there is
        return ""
    return f"详情已写入 {path}"


def run(argv: list[str]) -> int:
    """Run one command line (``argv`` without the program name) and return its exit status."""
    return _run_command(build_parser().parse_args(argv))
