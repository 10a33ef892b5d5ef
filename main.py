"""意见通 — start the desktop app, or run one command on the command line.

    python main.py                    the app, on its start page
    python main.py PROJECT            the app, on a project file
    python main.py --demo             the app, on the bundled demo consultation
    python main.py COMMAND …          a command: outline, new, stats, forms, collect, explain,
                                      revise, compare… (``main.py --help`` lists them all)
    python main.py --version          意见通 and its version

The packaged app's ``yijiantong`` takes the same arguments.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().replace("×", "x").split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是“宽x高”形式的大小，例如 1366x768") from None
    return width, height


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    from feedback import __version__
    from ui.cli import COMMAND_MODULES, PROGRAM

    if argv and argv[0] in COMMAND_MODULES:
        from ui.cli import run as run_command

        return run_command(argv)
    from ui.cli.parsing import ArgumentParser, RawDescriptionHelpFormatter, unknown_command

    if argv and unknown_command(argv[0]):
        return 2
    app = ArgumentParser(prog=PROGRAM, description="意见通：征求意见稿的意见收集与处理",
                         formatter_class=RawDescriptionHelpFormatter,
                         epilog="命令行：" + "、".join(COMMAND_MODULES) + f"。用 “{PROGRAM} 命令 --help” 查看各命令的用法。")
    app.add_argument("project", nargs="?", help="要打开的项目文件（.yjt）")
    app.add_argument("--version", action="version", version=f"意见通 {__version__}", help="显示版本后退出")
    app.add_argument("--demo", action="store_true", help="打开内置的演示项目")
    app.add_argument("--read-only", action="store_true", help="只读打开，不作任何修改")
    app.add_argument("--screenshot", metavar="PNG", help="把窗口保存为 PNG 图片后退出")
    app.add_argument("--page", metavar="页面", help="截图的页面：ledger、units、statistics… 或 start")
    app.add_argument("--size", metavar="宽x高", type=_size, help="截图时窗口的大小，例如 1366x768（默认 1440x900）")
    options = app.parse_args(argv)
    if options.project and options.demo:
        app.error("不能同时指定项目文件和 --demo")
    if options.project and not Path(options.project).is_file():
        print(f"错误：找不到项目文件“{options.project}”", file=sys.stderr)
        return 2
    from ui.app import run

    return run(options.project, demo=options.demo, screenshot=options.screenshot, page=options.page,
               read_only=options.read_only, size=options.size)


if __name__ == "__main__":
    sys.exit(main())
