"""The solicitation letter (征求意见函) of a round, read back from the Word file."""
from __future__ import annotations

import argparse
from datetime import date

import docx
import pytest

from ui.cli.documents import run_letter
from exports.letter import letter_preview_text, write_letter
from exports.official_format import STYLE_ADDRESSEE, STYLE_TITLE, resolved_font
from feedback.explanation_text import LETTER
from feedback.ledger import LedgerError
from storage import documents
from tests.test_explanation import build_consultation


@pytest.fixture
def project(tmp_path):
    project = build_consultation(tmp_path / "consultation.yjt")
    yield project
    project.close()


def texts(path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs if p.text]


def test_the_letter_of_a_round(project, tmp_path):
    path = write_letter(project, 1, tmp_path / "函.docx")
    document = docx.Document(str(path))
    lines = texts(path)
    assert lines[0] == "关于征求《某某市提高教育质量三年行动计划\n（2023—2025年）》意见建议的函"
    assert document.paragraphs[0].style.style_id == STYLE_TITLE
    addressee = next(p for p in document.paragraphs if p.text.endswith("："))
    assert addressee.style.style_id == STYLE_ADDRESSEE
    assert addressee.text == "各县区、市级有关部门、局属各单位、某某职业技术学院："
    body = "".join(lines)
    assert "于2023年4月12日前书面反馈某某市教育局" in body
    assert "逾期未反馈视为无意见" in body
    assert "联系人：张三\u3000\u3000联系电话：2626670" in lines
    assert "附件：某某市提高教育质量三年行动计划（2023—2025年）（征求意见稿）" in lines
    assert lines[-2:] == ["某某市教育局", "2023年4月10日"]  # the date the round was sent
    assert resolved_font(document.paragraphs[0]).size_pt == 22


def test_the_addressees_are_the_rounds_recipients_only(project, tmp_path):
    county = [u.id for u in project.units() if u.category == "县区"]
    project.add_round(sent_on=date(2023, 5, 6), deadline=date(2023, 5, 10), recipients=county)
    assert "各县区：" in texts(write_letter(project, 2, tmp_path / "函2.docx"))
    assert "于2023年5月10日前" in letter_preview_text(project, 2)


def test_an_edited_body_keeps_the_overdue_rule(project, tmp_path):
    body = documents.list_sections(project, LETTER)[0]
    documents.save_section(project, body.id, body="请于{截止日期}前反馈意见。")
    lines = texts(write_letter(project, 1, tmp_path / "函.docx"))
    assert "请于2023年4月12日前反馈意见。逾期未反馈视为无意见。" in lines


def test_a_round_without_deadline_leaves_the_date_to_be_filled_in(project, tmp_path):
    project.add_round(recipients=[project.units()[0].id])
    assert "于    年  月  日前" in letter_preview_text(project, 2)


def test_an_unknown_round_is_refused(project, tmp_path, capsys):
    with pytest.raises(LedgerError, match="第9轮"):
        write_letter(project, 9, tmp_path / "函.docx")
    args = argparse.Namespace(project=str(project.path), round=9, out=str(tmp_path / "函.docx"), template=None)
    assert run_letter(args) == 2
    assert "第9轮" in capsys.readouterr().err
    assert not (tmp_path / "函.docx").exists()
