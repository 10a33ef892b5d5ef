"""The window's 恢复备份 menu: time, size and counts; a damaged file opens read-only with the way out."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from feedback.commands import ScriptedInteraction  # noqa: E402
from storage.project import Project  # noqa: E402
from tests.test_project_file import damage  # noqa: E402


class RecordingInteraction(ScriptedInteraction):
    """Answers like ``ScriptedInteraction`` and keeps the options it was offered."""

    offered: list

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.offered = []

    def choose(self, question, options):
        self.offered.append(list(options))
        return super().choose(question, options)


def test_the_restore_menu_shows_time_size_and_counts(make_window, demo_file):
    Project.open(demo_file).close()
    with Project.open(demo_file, backup=False) as project:
        comments = len(project.comments())
    talk = RecordingInteraction()
    window = make_window(talk)
    window.open_project(demo_file)
    window.restore_action.trigger()
    question = next(q for q in talk.questions if "选择要恢复的备份" in q)
    first = next(line for line in question.splitlines() if line.startswith("1. "))
    assert f"意见 {comments} 条" in first and ("KB" in first or "MB" in first)
    assert talk.offered[0][0] == "第1份"
    assert not window.project.read_only


def test_a_damaged_file_opens_read_only_and_a_backup_restores_it(make_window, demo_file):
    Project.open(demo_file).close()  # a good backup
    damage(demo_file)
    talk = RecordingInteraction()
    window = make_window(talk)
    assert window.open_project(demo_file)  # offered the backups, the newest chosen and confirmed
    assert "已损坏" in talk.questions[0] and talk.offered[0] == ["恢复备份", "取消"]
    assert talk.offered[1][0] == "第1份"
    assert not window.project.read_only and window.project.damage is None
    assert window.project.comments()


def test_a_damaged_file_is_not_shown_when_the_restore_is_declined(make_window, demo_file):
    Project.open(demo_file).close()
    damage(demo_file)
    window = make_window(RecordingInteraction(choices=["取消"]))
    assert not window.open_project(demo_file)
    assert window.project is None
