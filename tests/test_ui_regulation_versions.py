"""The versions page on a 管理办法 whose article was split into 款: the article's row shows it, once."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from feedback.outline import parse_lines  # noqa: E402
from storage.project import Project  # noqa: E402
from storage.versions import import_revision  # noqa: E402
from tests.fixtures.regulation_revision import FIRST, SECOND  # noqa: E402
from tests.test_ui_versions import cells  # noqa: E402


def test_a_first_paragraph_has_no_row_of_its_own(make_window, tmp_path):
    path = tmp_path / "窨井.yjt"
    with Project.create(path, parse_lines(FIRST)) as project:
        import_revision(project, parse_lines(SECOND))
    window = make_window()
    assert window.open_project(path)
    window.show_page("versions")
    page = window.page("versions")
    page.confirm_all_button.click()
    listed = cells(page.changes_table, 1)
    assert "第五条" in listed and "第五条第二款" in listed and "第五条第一款" not in listed
    assert "新增3处" in page.summary.text()
