"""意见通 — start the desktop app, or run one command on the command line.

    python main.py                    the app, on its start page
    python main.py PROJECT            the app, on a project file
    python main.py --demo             the app, on the bundled demo consultation
    python main.py COMMAND …          a command: outline, new, stats, forms, collect, explain,
                                      revise, compare… (``main.py --help`` lists them all)
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path



def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    from ui.cli import COMMAND_MODULES

    if argv and argv[0] in COMMAND_MODULES:
        from ui.cli import run as run_command

        return run_command(argv)
    from ui.cli.arguments import ChineseArgumentParser

    app = ChineseArgumentParser(prog="main.py", description="意见通：征求意见稿的意见收集与处理",
                                  formatter_class=argparse.RawDescriptionHelpFormatter,
                                  epilog="命令行：" + "、".join(COMMAND_MODULES) + "。用 “main.py 命令 --help” 查看各命令的用法。")
    app.add_argument("project", nargs="?", help="要打开的项目文件（.yjt）")
    app.add_argument("--demo", action="store_true", help="打开内置的演示项目")
    app.add_argument("--read-only", action="store_true", help="只读打开，不作任何修改")
    app.add_argument("--screenshot", metavar="PNG", help="把窗口保存为 PNG 图片后退出")
    app.add_argument("--page", help="截图的页面：ledger、units、statistics… 或 start")
    options = app.parse_args(argv)
    if options.project and options.demo:
        app.error("不能同时指定项目文件和 --demo")
    if options.project and not Path(options.project).is_file():
        print(f"错误：找不到项目文件“{options.project}”", file=sys.stderr)
        return 2
    from ui.app import run

    return run(options.project, demo=options.demo, screenshot=options.screenshot, page=options.page,
               read_only=options.read_only)


if __name__ == "__main__":
    sys.exit(main())
