"""The machine's faults in the user's words: full disk, read-only place, a file gone.

>>> import errno
>>> os_reason(OSError(errno.ENOSPC, 'No space left on device'))
'磁盘空间已满'
>>> sqlite_reason(Exception('attempt to write a readonly database'))
'文件所在位置只读或没有写入权限'
"""
from __future__ import annotations

import errno

_OS_REASONS = {
    errno.ENOSPC: "磁盘空间已满",
    errno.EROFS: "文件所在位置只读",
    errno.EACCES: "没有访问权限，或文件正在其他程序中打开",
    errno.EPERM: "没有访问权限",
    errno.ENOENT: "文件或文件夹不存在（可能已被删除或移动）",
    errno.EDQUOT: "磁盘配额已用完",
    errno.EIO: "磁盘读写出错",
    errno.ENAMETOOLONG: "文件名过长",
    errno.EEXIST: "文件已存在",
}
_SQLITE_REASONS = (
    ("database or disk is full", "磁盘空间已满"),
    ("readonly database", "文件所在位置只读或没有写入权限"),
    ("read-only", "文件所在位置只读或没有写入权限"),
    ("unable to open database file", "无法打开文件（文件夹只读、文件被移动或没有权限）"),
    ("disk i/o error", "磁盘读写出错（磁盘已满、已拔出或网络共享断开）"),
    ("database is locked", "文件正被其他程序占用"),
    ("malformed", "文件已损坏"),
    ("not a database", "不是有效的项目文件"),
    ("file is not a database", "不是有效的项目文件"),
    ("database is busy", "文件正被其他程序占用"),
    ("constraint failed", "记录与本次修改冲突（可能已在别处改动）"),
)


def os_reason(error: OSError) -> str:
    """One Chinese phrase for an operating-system error."""
    return _OS_REASONS.get(getattr(error, "errno", None) or 0) or f"系统错误（{error.strerror or error}）"


def sqlite_reason(error: Exception) -> str:
    """One Chinese phrase for a SQLite error."""
    text = str(error).lower()
    return next((reason for key, reason in _SQLITE_REASONS if key in text), "数据库读写出错（详情已写入日志）")
