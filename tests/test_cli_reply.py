"""The ``reply`` command: every format of reply, the unit and round never taken by default."""
import io
from datetime import date

import pytest

from feedback.outline import parse_lines
from feedback.vocabulary import ReplyState, RoundMethod
from storage.project import Project
from tests.fixtures import replies
from ui.cli import run


@pytest.fixture
def project_file(tmp_path):
    path = tmp_path / "供水方案.yjt"
    with Project.create(path, parse_lines(replies.draft_lines())) as project:
        ids = {name: project.add_unit(name, "市级部门").ids[0]
               for name in ("财政局", "县委宣传部", "发展和改革局", "民政局", "水利局")}
        project.add_round(recipients=[ids["财政局"], ids["县委宣传部"], ids["发展和改革局"]])
        project.add_round(method=RoundMethod.ONLINE)
    return path


def comments(path):
    with Project.open(path, read_only=True) as project:
        return project.comments()


def test_a_county_letter_goes_to_the_unit_and_round_it_was_sent(project_file, tmp_path, capsys):
    letter = tmp_path / "财政局复函.txt"
    letter.write_text(replies.FINANCE_LETTER, encoding="gb18030")
    assert run(["reply", str(project_file), str(letter)]) == 0
    out = capsys.readouterr()
    logged = comments(project_file)
    assert [(c.unit_name, c.round_number, c.clause_ref) for c in logged] == [
        ("财政局", 1, "二（二）4"), ("财政局", 1, "二（一）2"), ("财政局", 1, "二（一）2")]
    assert all(c.received_on == date(2024, 5, 8) for c in logged)
    assert logged[0].proposed_wording == "县财政统筹安排资金" and "财政局复函.txt" in logged[0].source
    assert "已录入“财政局”第1轮的3条意见" in out.out and "某某县财政局" in out.err


def test_a_no_comment_reply_is_recorded_as_such(project_file, tmp_path, capsys):
    letter = replies.letter_docx(tmp_path / "宣传部.docx", replies.NO_COMMENT_LETTER)
    assert run(["reply", str(project_file), str(letter)]) == 0
    with Project.open(project_file, read_only=True) as project:
        state = {r.unit_name: (r.state, r.replied_on) for r in project.replies(1)}
    assert state["县委宣传部"] == (ReplyState.NO_COMMENTS, date(2024, 5, 6))
    assert comments(project_file) == []


def test_an_unknown_sender_is_refused_with_the_reason_and_nothing_changes(project_file, tmp_path, capsys):
    letter = tmp_path / "复函.txt"
    letter.write_text(replies.FINANCE_LETTER.replace("某某县财政局", "某某县气象局"), encoding="utf-8")
    assert run(["reply", str(project_file), str(letter)]) == 2
    err = capsys.readouterr().err
    assert "某某县气象局" in err and "--unit" in err and len(err.strip().splitlines()) == 1
    assert comments(project_file) == []


def test_a_returned_draft_by_an_anonymous_author_needs_the_unit_given(project_file, tmp_path, capsys):
    revised = replies.revised_docx(tmp_path / "方案（修订）.docx", author="Administrator", comment_author="微软用户")
    assert run(["reply", str(project_file), str(revised)]) == 2
    assert "--unit" in capsys.readouterr().err and comments(project_file) == []
    assert run(["reply", str(project_file), str(revised), "--unit", "某某县财政局", "--date", "2024-05-09"]) == 0
    logged = comments(project_file)
    assert [c.clause_ref for c in logged] == ["二（一）2", "二（二）4", "三（一）5"]
    assert "作者：Administrator" in logged[1].source and logged[1].received_on == date(2024, 5, 9)


def test_a_returned_draft_is_recognised_by_its_authors_unit(project_file, tmp_path, capsys):
    revised = replies.revised_docx(tmp_path / "方案（修订）.docx")  # authors 张某某（县财政局）, 李某（县财政局）
    assert run(["reply", str(project_file), str(revised), "--date", "2024-05-09"]) == 0
    assert "按修订人或批注人“" in capsys.readouterr().err
    assert {(c.unit_name, c.round_number) for c in comments(project_file)} == {("财政局", 1)}


def test_no_silent_default_round_when_a_unit_was_sent_two(project_file, tmp_path, capsys):
    with Project.open(project_file) as project:
        unit = project.find_units("财政局")[0]
        project.add_round(recipients=[unit.id])
    letter = tmp_path / "复函.txt"
    letter.write_text(replies.FINANCE_LETTER, encoding="utf-8")
    assert run(["reply", str(project_file), str(letter)]) == 2
    err = capsys.readouterr().err
    assert "--round" in err and "第1轮（书面征求）" in err and "第3轮（书面征求）" in err
    assert run(["reply", str(project_file), str(letter), "--round", "3"]) == 0
    assert {c.round_number for c in comments(project_file)} == {3}


def test_a_reply_to_a_round_the_unit_was_not_sent_is_warned_about(project_file, tmp_path, capsys):
    letter = tmp_path / "复函.txt"
    letter.write_text(replies.FINANCE_LETTER.replace("某某县财政局", "某某县民政局"), encoding="utf-8")
    assert run(["reply", str(project_file), str(letter)]) == 2  # 民政局 was sent no round: asked, refused
    assert run(["reply", str(project_file), str(letter), "--round", "1"]) == 0
    assert "没有发给“民政局”" in capsys.readouterr().err


def test_pasted_text_from_standard_input(project_file, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("无意见"))
    assert run(["reply", str(project_file), "-", "--unit", "发展和改革局", "--date", "2024年5月10日"]) == 0
    with Project.open(project_file, read_only=True) as project:
        state = {r.unit_name: (r.state, r.replied_on) for r in project.replies(1)}
    assert state["发展和改革局"] == (ReplyState.NO_COMMENTS, date(2024, 5, 10))


def test_a_word_feedback_form_through_reply(project_file, tmp_path, capsys):
    form = replies.feedback_form_docx(tmp_path / "发改局反馈表.docx")
    assert run(["reply", str(project_file), str(form)]) == 0
    logged = comments(project_file)
    assert [(c.unit_name, c.clause_ref, c.received_on) for c in logged] == [
        ("发展和改革局", "二（一）1", date(2024, 5, 9)), ("发展和改革局", "二（二）3", date(2024, 5, 9))]
    assert "位置：第2页" in logged[0].source


def test_a_scan_is_refused_in_one_line(project_file, tmp_path, capsys):
    assert run(["reply", str(project_file), str(replies.scanned_pdf(tmp_path / "扫描.pdf")), "--unit", "财政局"]) == 2
    err = capsys.readouterr().err
    assert "扫描.pdf" in err and "没有文字层" in err and "Traceback" not in err


def test_references_resolve_against_the_draft_of_the_comments_round(project_file, tmp_path, capsys):
    """After a revision renumbered the tasks, a round-1 letter still means round 1's 第4条."""
    revised = replies.draft_lines()
    at = revised.index("（二）完善供水设施")
    revised[at + 1:at + 1] = ["3.开展水厂提标改造。完成县城水厂深度处理改造。"]
    revised = [line.replace("3.实施", "4.实施").replace("4.推进", "5.推进").replace("5.建立", "6.建立")
               for line in revised]
    with Project.open(project_file) as project:
        project.versions.add(parse_lines(revised))
        assert project.draft(2).by_ref()["二（二）4"].heading == "实施管网延伸工程"
    letter = tmp_path / "复函.txt"
    letter.write_text(replies.FINANCE_LETTER, encoding="utf-8")
    assert run(["reply", str(project_file), str(letter)]) == 0
    first = comments(project_file)[0]
    assert first.round_number == 1 and first.clause_ref == "二（二）4"
    with Project.open(project_file, read_only=True) as project:
        assert "每年安排专项资金" in project.draft(1).by_ref()[first.clause_ref].text


def test_the_projects_own_xlsx_form_through_reply(project_file, tmp_path, capsys):
    from exports.forms import form_context, write_form
    from tests.fixtures.fill_forms import fill_form

    with Project.open(project_file) as project:
        unit = project.find_units("财政局")[0]
        form = write_form(form_context(project, 1), tmp_path / "财政局.xlsx", unit)
    fill_form(form, [("第二部分第（一）项第2条", "建议每月检测。", "", "")])
    assert run(["reply", str(project_file), str(form)]) == 0
    assert [(c.unit_name, c.clause_ref) for c in comments(project_file)] == [("财政局", "二（一）2")]


def test_a_loosely_matching_sender_is_refused_with_the_candidates(project_file, tmp_path, capsys):
    letter = tmp_path / "复函.txt"
    letter.write_text(replies.FINANCE_LETTER.replace("某某县财政局", "发展和改革委"), encoding="utf-8")
    assert run(["reply", str(project_file), str(letter)]) == 2
    err = capsys.readouterr().err
    assert "发展和改革委" in err and "可能是：发展和改革局" in err and comments(project_file) == []


def test_the_same_letter_twice_is_not_logged_twice(project_file, tmp_path, capsys):
    letter = tmp_path / "复函.txt"
    letter.write_text(replies.FINANCE_LETTER, encoding="utf-8")
    assert run(["reply", str(project_file), str(letter)]) == 0
    assert run(["reply", str(project_file), str(letter)]) == 2
    assert "已录入过" in capsys.readouterr().err and len(comments(project_file)) == 3
