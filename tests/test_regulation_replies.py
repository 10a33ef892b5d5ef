"""Replies to a 管理办法 (第X章/第X条/款/项), read as a drafter would read them."""
import pytest

from feedback.letters import split_letter
from feedback.outline import parse_lines
from storage.project import Project
from tests.fixtures import regulation_replies as fixture
from ui.cli import run


@pytest.fixture
def draft():
    return parse_lines(fixture.draft_lines())


@pytest.fixture
def project_file(tmp_path):
    path = tmp_path / "绿化办法.yjt"
    with Project.create(path, parse_lines(fixture.draft_lines())) as project:
        ids = [project.add_unit(name, "市级部门").ids[0] for name in fixture.UNITS]
        project.add_round(recipients=ids)
    return path


def test_a_quoted_item_that_is_the_whole_item_is_the_drafts_wording(draft):
    letter = split_letter(fixture.FINANCE_LETTER, draft)
    first = letter.comments[0]
    assert first.clause_ref == "第五条第（三）项"
    assert first.quoted_text == "工业项目不高于20%" and first.proposed_wording == "工业项目不得超过20%"


def test_a_title_without_guanyu_is_the_title_and_points_after_semicolons_lose_their_numbers(draft):
    letter = split_letter(fixture.DEVELOPMENT_LETTER, draft)
    assert [c.clause_ref for c in letter.comments] == ["第四条", "第五条第（一）项", "第十条"]
    assert [c.text[:2] for c in letter.comments] == ["建议", "建议", "建议"]
    assert letter.comments[1].quoted_text == "30%" and letter.comments[1].proposed_wording == "35%"
    assert letter.unit_name_guess == "汉中市发展和改革委员会"
