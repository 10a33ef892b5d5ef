"""What the app remembers between sessions (QSettings): recent files, the handler, the window."""
from __future__ import annotations

from pathlib import Path

from storage.paths import data_dir, portable_data_dir  # noqa: F401 - the window's data folder is the command line's
from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "YiJianTong"
APPLICATION = "YiJianTong"
DISPLAY_NAME = "意见通"
MAX_RECENT = 10
PORTABLE_SETTINGS = "设置.ini"


def default_qsettings() -> QSettings:
    """The platform's settings store; in portable use an INI file in the data folder beside the program."""
    if portable_data_dir() is None:
        return QSettings()
    return QSettings(str(data_dir() / PORTABLE_SETTINGS), QSettings.Format.IniFormat)


class AppSettings:
    """Typed access to the QSettings of the app."""

    def __init__(self, settings: QSettings | None = None):
        self.qsettings = settings or default_qsettings()

    # -- recent projects -------------------------------------------------------

    def recent_files(self) -> list[str]:
        value = self.qsettings.value("recent_files", [])
        if isinstance(value, str):  # QSettings hands back a lone string for a one-item list
            value = [value]
        return [str(v) for v in (value or [])][:MAX_RECENT]

    def add_recent(self, path: str | Path) -> None:
        path = str(Path(path).resolve())
        files = [path] + [f for f in self.recent_files() if f != path]
        self.qsettings.setValue("recent_files", files[:MAX_RECENT])

    def remove_recent(self, path: str | Path) -> None:
        path = str(Path(path).resolve())
        self.qsettings.setValue("recent_files", [f for f in self.recent_files() if f != path])

    def clear_recent(self) -> None:
        self.qsettings.setValue("recent_files", [])

    # -- the person deciding ---------------------------------------------------------

    @property
    def handler(self) -> str:
        return str(self.qsettings.value("handler", "") or "")

    @handler.setter
    def handler(self, name: str) -> None:
        self.qsettings.setValue("handler", name.strip())

    @property
    def handler_asked(self) -> bool:
        return str(self.qsettings.value("handler_asked", "false")).lower() == "true"

    @handler_asked.setter
    def handler_asked(self, value: bool) -> None:
        self.qsettings.setValue("handler_asked", "true" if value else "false")

    # -- window layout -------------------------------------------------------------

    def layout(self, key: str) -> QByteArray | None:
        value = self.qsettings.value(f"layout/{key}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_layout(self, key: str, value: QByteArray) -> None:
        self.qsettings.setValue(f"layout/{key}", value)

    def sync(self) -> None:
        self.qsettings.sync()
