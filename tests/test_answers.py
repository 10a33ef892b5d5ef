"""The reply to every unit: each of its comments, how it was handled and why, one file per unit."""
from __future__ import annotations


import docx

from exports.answers import answer_file_name, count_sentence, unit_answers, write_answers
from exports.official_format import FONT_TITLE, resolved_font
from storage.numbering import comment_numbers
from tests.fixtures.consultations import taxi_regulation
from ui.cli import run


def texts(path):
    return [p.text for p in docx.Document(str(path)).paragraphs]


def test_every_unit_that_commented_gets_its_comments_and_reasons(tmp_path):
    project = taxi_regulation(tmp_path / "出租汽车.yjt")
    files = write_answers(project, tmp_path / "反馈")
    names = {p.name for p in files}
    # four units commented in writing; the public is answered by the published table, not by letter
    assert names == {answer_file_name(u, project.plan()) for u in ("市公安局", "市财政局", "市市场监管局", "吴兴区")}
    assert "市财政局—管理办法—意见采纳情况反馈.docx" in names
    numbers = comment_numbers(project)
    finance = tmp_path / "反馈" / "市财政局—管理办法—意见采纳情况反馈.docx"
    document = docx.Document(str(finance))
    lines = texts(finance)
    assert lines[0].replace("\n", "") == "关于《某某市出租汽车客运管理办法》意见建议采纳情况的反馈"
    assert resolved_font(document.paragraphs[0]).east_asia == FONT_TITLE
    assert "市财政局：" in lines
    assert any("你单位共提出意见建议1条，经认真研究，未采纳1条。" in t for t in lines)
    table = document.tables[0]
    comment = next(c for c in project.comments() if c.unit_name == "市财政局")
    assert [c.text for c in table.rows[1].cells] == [str(numbers[comment.id]), "第五条", comment.body, "未采纳",
                                                      comment.reason]
    assert lines[-2:] == ["某某市交通运输局", lines[-1]] and lines[-1].endswith("日")
    assert document.core_properties.author == "某某市交通运输局"


def test_units_without_comments_are_thanked_only_when_asked(tmp_path):
    project = taxi_regulation(tmp_path / "出租汽车.yjt")
    assert "南浔区" not in [a.unit for a in unit_answers(project)]
    files = write_answers(project, tmp_path / "反馈", thank_no_comments=True)
    thanked = next(p for p in files if p.name.startswith("南浔区"))
    assert any("反馈无修改意见。感谢你单位" in t for t in texts(thanked))
    assert docx.Document(str(thanked)).tables == []


def test_count_sentence_adds_up():
    from exports.adoption_table import AdoptionRow

    rows = [AdoptionRow(n, n, 1, "甲", "", "一", "一", "意见", d, "")
            for n, d in enumerate(["采纳", "部分采纳", "未采纳", "采纳"], 1)]
    assert count_sentence(rows) == "你单位共提出意见建议4条，经认真研究，采纳2条、部分采纳1条、未采纳1条。"


def test_the_answers_command(tmp_path, capsys):
    project = taxi_regulation(tmp_path / "出租汽车.yjt")
    unit = next(u for u in project.units() if u.name == "南浔区")
    project.add_comment(round_number=1, unit_id=unit.id, clause_ref="第二条", body="建议明确适用范围。")
    project.close()
    out = tmp_path / "反馈"
    assert run(["answers", str(tmp_path / "出租汽车.yjt"), "--out", str(out)]) == 1  # one still 待处理
    assert not out.exists() and "待处理" in capsys.readouterr().err
    assert run(["answers", str(tmp_path / "出租汽车.yjt"), "--out", str(out), "--force"]) == 0
    assert len(list(out.glob("*.docx"))) == 5
    assert "已生成5个单位的意见采纳情况反馈" in capsys.readouterr().err


def test_the_window_writes_the_answers_into_a_folder(make_window, tmp_path, qtbot, monkeypatch):
    import pytest

    pytest.importorskip("PySide6")
    from feedback.commands import ScriptedInteraction
    from ui.explanation_page import ExplanationPage

    path = tmp_path / "出租汽车.yjt"
    taxi_regulation(path).close()
    out = tmp_path / "反馈"
    out.mkdir()
    monkeypatch.setattr(ExplanationPage, "choose_answers_folder", lambda page: out)
    talk = ScriptedInteraction(choices=["也致函感谢", None])
    window = make_window(talk)
    assert window.open_project(path)
    window.show_page("explanation")
    job = window.page("explanation").generate_answers()
    qtbot.waitUntil(lambda: job.done, timeout=20000)
    assert job.error is None
    assert sorted(p.name.split("—")[0] for p in out.glob("*.docx")) == sorted(
        ["市公安局", "市财政局", "市市场监管局", "吴兴区", "南浔区"])
