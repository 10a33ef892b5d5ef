"""Where the app keeps the user's own files (demo project, logs, window pictures), without Qt.

Windows: ``%APPDATA%\\YiJianTong``; macOS: ``~/Library/Application Support/YiJianTong``;
elsewhere ``$XDG_DATA_HOME/YiJianTong`` (``~/.local/share/YiJianTong``). The environment
variable ``YIJIANTONG_DATA`` names another folder (tests, or an office's shared setup).
"""
from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

APP_FOLDER = "YiJianTong"


def data_dir() -> Path:
    """The user's data folder for the app, created on first use."""
    if os.environ.get("YIJIANTONG_DATA"):
        folder = Path(os.environ["YIJIANTONG_DATA"])
    elif sys.platform == "win32":
        folder = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming") / APP_FOLDER
    elif sys.platform == "darwin":
        folder = Path.home() / "Library" / "Application Support" / APP_FOLDER
    else:
        folder = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / APP_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return folder


_REASONS = {errno.EACCES: "没有写入权限（文件夹或文件只读）", errno.EPERM: "没有写入权限（文件夹或文件只读）",
            errno.EROFS: "磁盘只读", errno.ENOSPC: "磁盘空间不足", errno.EDQUOT: "磁盘配额已满",
            errno.ENOENT: "文件夹不存在", errno.ENOTDIR: "路径中有一项不是文件夹", errno.EISDIR: "同名的文件夹已存在",
            errno.ENAMETOOLONG: "文件名过长", errno.EEXIST: "同名的文件已存在"}


def os_reason(error: OSError) -> str:
    """Why the system refused, in Chinese (the system's own words only for a rare error)."""
    return _REASONS.get(error.errno) or error.strerror or str(error)
