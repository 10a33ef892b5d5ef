"""Where the app keeps the user's own files (demo project, logs, window pictures), without Qt.

Windows: ``%APPDATA%\\YiJianTong``; macOS: ``~/Library/Application Support/YiJianTong``;
elsewhere ``$XDG_DATA_HOME/YiJianTong`` (``~/.local/share/YiJianTong``). The environment
variable ``YIJIANTONG_DATA`` names another folder (tests, or an office's shared setup).
"""
from __future__ import annotations

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
