"""The ``backups`` command: list a project's backups, numbered from 1 (newest), and restore one.

    python main.py backups PROJECT.yjt
    python main.py backups PROJECT.yjt --restore N
"""
from __future__ import annotations

from pathlib import Path

from ui.cli.errors import CommandError


def cmd_backups(args) -> int:
    from storage.backups import BackupError, backup_infos, restore_backup
    from storage.locking import FileLock

    path = Path(args.project)
    infos = backup_infos(path)
    if args.restore is None:
        if not infos:
            print(f"“{path.name}”还没有备份（每次以可编辑方式打开时自动备份，保留最近10份）。")
            return 0
        print(f"“{path.name}”的备份（第1份最新），在“{infos[0].path.parent}”中：")
        for number, info in enumerate(infos, 1):
            print(f"{number:>3}. {info.describe()}")
        return 0
    if not infos:
        raise CommandError(f"“{path.name}”还没有备份，无从恢复。")
    if not 1 <= args.restore <= len(infos):
        raise CommandError(f"“{path.name}”只有{len(infos)}份备份，请在 1 到 {len(infos)} 中选择。")
    chosen = infos[args.restore - 1]
    lock = FileLock(path)
    try:
        held = lock.acquire()
    except OSError:
        raise CommandError(f"“{path.name}”所在位置不能写入，无法恢复备份。") from None
    if not held:
        raise CommandError(f"“{path.name}”正在另一个窗口或程序中编辑，请关闭后再恢复备份。")
    try:
        restore_backup(path, chosen.path)
    except BackupError as error:
        raise CommandError(str(error)) from None
    finally:
        lock.release()
    print(f"已恢复第{args.restore}份备份（{chosen.when}）到“{path.name}”：意见 {chosen.comments} 条、"
          f"单位 {chosen.units} 个；恢复前的内容已另存为一份备份。")
    return 0


def add_parsers(commands) -> None:
    backups = commands.add_parser("backups", help="列出项目的备份，或恢复其中一份")
    backups.add_argument("project", help="项目文件（.yjt）")
    backups.add_argument("--restore", type=int, metavar="N", help="恢复第 N 份备份（1 为最新）")


COMMANDS = {"backups": cmd_backups}
