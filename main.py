"""意见通 — start the desktop app, or run one command on the command line.

    python main.py                    the app, on its start page
    python main.py PROJECT            the app, on a project file
    python main.py --demo             the app, on the bundled demo consultation
    python main.py outline FILE       print a draft's clause tree (see --help)
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
DEMO_DRAFT = ROOT / "assets" / "demo" / "汉中市提高教育质量三年行动计划（征求意见稿）.txt"


class CommandError(Exception):
    """A one-line message for the user; the command exits with status 2."""


def _print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def cmd_outline(args) -> int:
    from exports.draft_files import load_draft

    draft = load_draft(args.file, simplified=args.simplified)
    if args.json:
        _print_json(draft.to_json())
    else:
        print(draft.outline_text())
        for warning in draft.warnings:
            print(f"提示：{warning}", file=sys.stderr)
    return 0


COMMANDS = {"outline": cmd_outline}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="main.py", description="意见通：征求意见稿的意见收集与处理")
    commands = parser.add_subparsers(dest="command", metavar="命令")
    outline = commands.add_parser("outline", help="显示草案的条款结构")
    outline.add_argument("file", help="草案文件（.docx 或 .txt）")
    outline.add_argument("--json", action="store_true", help="以 JSON 输出")
    outline.add_argument("--simplified", action="store_true", help="繁体字转换为简体字")
    return parser


def _run_command(args) -> int:
    from exports.draft_files import DraftFileError

    try:
        return COMMANDS[args.command](args)
    except (CommandError, DraftFileError) as error:
        print(f"错误：{error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已取消", file=sys.stderr)
        return 130


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in COMMANDS:
        return _run_command(build_parser().parse_args(argv))
    app = argparse.ArgumentParser(prog="main.py", description="意见通：征求意见稿的意见收集与处理",
                                  epilog="命令行：outline。用 “main.py 命令 --help” 查看各命令的用法。")
    app.add_argument("project", nargs="?", help="要打开的项目文件")
    app.add_argument("--demo", action="store_true", help="打开内置的演示项目")
    options = app.parse_args(argv)
    if options.demo:
        print(f"演示草案：{DEMO_DRAFT.name}")
        return _run_command(build_parser().parse_args(["outline", str(DEMO_DRAFT)]))
    app.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
