"""The window's documents: the check before generating, the replies to every unit."""
from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from feedback.commands import ScriptedInteraction  # noqa: E402
from feedback.vocabulary import UNPLACED_CLAUSE_REF  # noqa: E402
from tests.fixtures.consultations import taxi_regulation  # noqa: E402
from ui.explanation_page import DocumentDialog  # noqa: E402


@pytest.fixture
def unplaced_file(tmp_path):
    path = tmp_path / "出租汽车.yjt"
    project = taxi_regulation(path)
    unit = next(u for u in project.units() if u.name == "南浔区")
    project.add_comment(round_number=1, unit_id=unit.id, clause_ref=UNPLACED_CLAUSE_REF, body="表述不清楚。")
    project.close()
    return path


def test_the_findings_are_listed_before_generating_and_the_drafter_decides(make_window, unplaced_file, tmp_path,
                                                                          qtbot, monkeypatch):
    target = tmp_path / "说明.docx"

    def fake_exec(dialog):
        dialog.path.setText(str(target))
        return 1

    monkeypatch.setattr(DocumentDialog, "exec", fake_exec)
    talk = ScriptedInteraction(choices=["返回修改"])
    window = make_window(talk)
    assert window.open_project(unplaced_file)
    window.show_page("explanation")
    page = window.page("explanation")
    assert page.generate_explanation() is None
    question = talk.questions[-1]
    assert question.startswith("生成前发现2处问题：")
    assert "有1条意见尚未对应到条款（待定位）：南浔区。" in question and "待处理" in question
    assert not target.exists()
    talk.choices[:] = ["仍然生成", None]
    job = page.generate_explanation()
    qtbot.waitUntil(lambda: job.done, timeout=20000)
    assert job.error is None and target.exists()


@pytest.mark.skipif(not __import__("shutil").which("soffice"), reason="LibreOffice is not installed")
def test_a_pdf_copy_is_offered_after_generating(make_window, tmp_path, qtbot, monkeypatch):
    path = tmp_path / "出租汽车.yjt"
    taxi_regulation(path).close()
    target = tmp_path / "表.docx"

    def fake_exec(dialog):
        dialog.path.setText(str(target))
        return 1

    monkeypatch.setattr(DocumentDialog, "exec", fake_exec)
    talk = ScriptedInteraction(choices=["另存 PDF 副本"])
    window = make_window(talk)
    assert window.open_project(path)
    window.show_page("explanation")
    page = window.page("explanation")
    job = page.generate_table()
    qtbot.waitUntil(lambda: job.done, timeout=20000)
    qtbot.waitUntil(lambda: page.last_job is not job and page.last_job.done, timeout=120000)
    assert page.last_job.error is None
    assert (tmp_path / "表.pdf").read_bytes().startswith(b"%PDF")


def test_the_dialog_offers_a_landscape_attachment(make_window, tmp_path, qtbot, monkeypatch):
    import docx
    from docx.enum.section import WD_ORIENT

    path = tmp_path / "出租汽车.yjt"
    taxi_regulation(path).close()
    target = tmp_path / "说明.docx"

    def fake_exec(dialog):
        dialog.path.setText(str(target))
        assert dialog.landscape.isVisibleTo(dialog) and not dialog.landscape.isChecked()
        dialog.landscape.setChecked(True)
        return 1

    monkeypatch.setattr(DocumentDialog, "exec", fake_exec)
    window = make_window(ScriptedInteraction(choices=[None]))
    assert window.open_project(path)
    window.show_page("explanation")
    job = window.page("explanation").generate_explanation()
    qtbot.waitUntil(lambda: job.done, timeout=20000)
    assert job.error is None
    sections = docx.Document(str(target)).sections
    assert [s.orientation for s in sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE]
