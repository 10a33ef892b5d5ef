"""Shared fixtures. Qt tests run without a display."""
import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
DEMO_DRAFT = ROOT / "assets" / "demo" / "汉中市提高教育质量三年行动计划（征求意见稿）.txt"


@pytest.fixture(scope="session")
def demo_lines() -> list[str]:
    return DEMO_DRAFT.read_text(encoding="utf-8").splitlines()


# -- the window on the demo (Qt is imported only by the tests that use these) -------------------


@pytest.fixture
def demo_file(tmp_path):
    """A fresh copy of the bundled demo consultation."""
    from storage.demo import build_demo_project

    path = tmp_path / "demo.yjt"
    build_demo_project(path).close()
    return path


@pytest.fixture
def settings(tmp_path):
    """The app's settings in a file of the test's own, never the user's."""
    from PySide6.QtCore import QSettings

    from ui.settings import AppSettings

    return AppSettings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def talk():
    """The answers the window's questions get; a test file may give its own."""
    from feedback.commands import ScriptedInteraction

    return ScriptedInteraction(texts=["王经办"])


@pytest.fixture
def make_window(qtbot, settings):
    """Windows made on demand (``make(talk)``), each closed with its project at the end."""
    from feedback.commands import ScriptedInteraction
    from ui.main_window import MainWindow

    windows = []

    def make(talk=None):
        window = MainWindow(settings, talk or ScriptedInteraction(), remember_layout=False)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close_project()


@pytest.fixture
def window(make_window, demo_file, talk):
    """A shown window with the demo open."""
    window = make_window(talk)
    assert window.open_project(demo_file)
    return window


def type_text(widget, text):
    """Type ``text`` into ``widget`` as key presses (QTest's keyClicks only knows Latin-1)."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    widget.setFocus()
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))
