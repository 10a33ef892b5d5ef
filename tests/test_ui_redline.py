"""The revised draft with revision marks exported from the versions page."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from tests.test_redline import _docx_paragraphs, _expected  # noqa: E402
from tests.test_ui_versions import imported, revised_docx, talk  # noqa: E402,F401 (fixtures)


def test_the_redline_is_exported_from_the_versions_page(window, qtbot, talk, revised_docx, tmp_path):
    page = imported(window, qtbot, revised_docx)
    assert page.redline_button.isEnabled()
    target = tmp_path / "第二稿（修订）.docx"
    # the check before generating lists the consistency check's findings; 返回修改 writes nothing
    window.interaction.choices.append("返回修改")
    assert page.export_redline(target) is None and not target.exists()
    assert "生成前发现" in window.interaction.questions[-1]
    assert "修改无对应意见" in window.interaction.questions[-1]
    window.interaction.choices.append("仍然生成")
    job = page.export_redline(target)
    qtbot.waitUntil(lambda: job.done, timeout=30000)
    assert job.error is None
    assert _docx_paragraphs(target, accept=True) == _expected(window.project, 2)
    assert _docx_paragraphs(target, accept=False) == _expected(window.project, 1)
    assert (tmp_path / "第二稿（清洁稿）.docx").exists()
    assert page.export_redline(tmp_path / "修订.pdf") is None
    assert window.interaction.messages[-1] == "“修订.pdf”须以 .docx 结尾。"
