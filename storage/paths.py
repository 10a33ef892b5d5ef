"""Where the app keeps the user's own files (demo project, logs, window pictures), without Qt.

Windows: ``%APPDATA%\\YiJianTong``; macOS: ``~/Library/Application Support/YiJianTong``;
elsewhere ``$XDG_DATA_HOME/YiJianTong`` (``~/.local/share/YiJianTong``). The environment
variable ``YIJIANTONG_DATA`` names another folder (tests, or an office's shared setup).

Portable use (a USB stick): a file named ``便携版.txt`` (or ``portable.txt``) beside the
program — ``yijiantong``/``yijiantong.exe`` in the packaged app, ``main.py`` in a source
checkout — keeps everything in the folder ``数据`` beside it instead, settings included.
Nothing else is ever written into the program's own folder.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

APP_FOLDER = "YiJianTong"
PORTABLE_MARKERS = ("便携版.txt", "portable.txt")
PORTABLE_FOLDER = "数据"


def app_dir() -> Path:
    """The folder holding the program: the packaged executable's, or main.py's in a source checkout."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return Path(__file__).resolve().parent.parent


def portable_data_dir(folder: Path | None = None) -> Path | None:
    """The ``数据`` folder beside the program when a portable marker is there, else None.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> portable_data_dir(folder) is None
    True
    >>> _ = (folder / "便携版.txt").write_text("", encoding="utf-8")
    >>> portable_data_dir(folder) == folder / "数据"
    True
    """
    folder = app_dir() if folder is None else Path(folder)
    if any((folder / marker).is_file() for marker in PORTABLE_MARKERS):
        return folder / PORTABLE_FOLDER
    return None


def data_dir() -> Path:
    """The user's data folder for the app, created on first use."""
    if os.environ.get("YIJIANTONG_DATA"):
        folder = Path(os.environ["YIJIANTONG_DATA"])
    elif (portable := portable_data_dir()) is not None:
        folder = portable
    elif sys.platform == "win32":
        folder = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming") / APP_FOLDER
    elif sys.platform == "darwin":
        folder = Path.home() / "Library" / "Application Support" / APP_FOLDER
    else:
        folder = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / APP_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return folder
