"""Replies to a 管理办法 (第X章/第X条/款/项), read as a drafter would read them."""
import pytest

from feedback.letters import split_letter
from feedback.outline import parse_lines
from feedback.vocabulary import UNPLACED_CLAUSE_REF
from storage.intake import PUBLIC_UNIT_NAME
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


def _pdf(tmp_path, **kwargs):
    from tests.fixtures.replies import convert

    source = fixture.feedback_form_docx(tmp_path / "住建局反馈表.docx", **kwargs)
    pdf = convert(source, "pdf")
    if pdf is None:
        pytest.skip("LibreOffice 未安装")
    return pdf


def test_a_feedback_form_printed_to_pdf_comes_in_row_by_row(project_file, tmp_path, capsys):
    pdf = _pdf(tmp_path)
    assert run(["reply", str(project_file), str(pdf)]) == 0
    with Project.open(project_file, read_only=True) as project:
        logged = project.comments()
    assert [(c.unit_name, c.clause_ref) for c in logged] == [
        ("市住房和城乡建设局", "第五条第（二）项"), ("市住房和城乡建设局", "第六条"), ("市住房和城乡建设局", "第八条")]
    assert logged[0].quoted_text == "学校、医院不低于35%" and logged[0].proposed_wording == "学校、医院不低于40%"
    assert logged[1].body.startswith("建议将“十五日内”改为“三十日内”")
    assert all(str(c.received_on) == "2024-05-13" for c in logged)


def test_a_borderless_form_in_a_pdf_is_refused_rather_than_read_as_a_letter(project_file, tmp_path, capsys):
    pdf = _pdf(tmp_path, borders=False)
    assert run(["reply", str(project_file), str(pdf)]) == 2
    err = capsys.readouterr().err.strip()
    assert "住建局反馈表.pdf" in err and "表格" in err and len(err.splitlines()) == 1
    with Project.open(project_file, read_only=True) as project:
        assert project.comments() == []


def test_a_returned_draft_without_a_letter_is_dated_by_its_last_revision(project_file, tmp_path, capsys):
    returned = fixture.returned_draft_docx(tmp_path / "绿化办法（南郑区修订）.docx")
    assert run(["reply", str(project_file), str(returned)]) == 0
    with Project.open(project_file, read_only=True) as project:
        (comment,) = project.comments()
    assert (comment.unit_name, comment.clause_ref, str(comment.received_on)) == ("南郑区人民政府", "第八条", "2024-05-12")
    assert "修订" in capsys.readouterr().err


def test_a_published_table_of_persons_comments_comes_in_with_its_decisions(project_file, tmp_path, capsys):
    table = fixture.adoption_table_xlsx(tmp_path / "意见采纳情况.xlsx")
    assert run(["import-public", str(project_file), str(table), "--round", "1",
                "--map", "text=意见内容,submitter=反馈人,disposition=是否采纳,reason=采纳理由"]) == 0
    with Project.open(project_file, read_only=True) as project:
        logged = project.comments()
    assert [c.disposition.label for c in logged] == ["未采纳", "采纳", "部分采纳", "在工作中落实"]
    assert {c.unit_name for c in logged} == {PUBLIC_UNIT_NAME}
    assert "朱**" in logged[0].source and logged[0].reason.startswith("根据《城市绿化条例》")
    assert logged[0].clause_ref == UNPLACED_CLAUSE_REF  # the law cited in the reason is not the draft's
    capsys.readouterr()
    assert run(["stats", str(project_file), "--round", "1"]) == 0
    out = capsys.readouterr().out
    assert "采纳1条、部分采纳1条、未采纳1条" in out and "在工作中落实1条" in out


def test_a_table_with_neither_unit_nor_person_is_refused_and_nothing_is_added(project_file, tmp_path, capsys):
    table = fixture.adoption_table_xlsx(tmp_path / "意见采纳情况.xlsx")
    assert run(["import-public", str(project_file), str(table), "--round", "1",
                "--map", "text=意见内容,disposition=是否采纳"]) == 2
    assert "submitter=" in capsys.readouterr().err
    with Project.open(project_file, read_only=True) as project:
        assert project.comments() == [] and all(u.name != "社会公众" for u in project.units())


@pytest.mark.parametrize("said", [
    "经研究，同意。", "我委对此无意见建议。", "我局认真研读了征求意见稿，无其他修改意见，同意印发。", "我局同意该办法。",
    "经研究，没有需要修改的地方。", "经研究，原则同意该规定，无修改意见。"])
def test_no_comment_wordings_of_a_regulations_replies(draft, said):
    letter = split_letter(f"关于《{fixture.TITLE}》的复函\n市城市管理局：\n    {said}\n汉中市财政局\n2024年5月9日", draft)
    assert letter.no_comments and letter.comments == []


def test_agreeing_with_a_proposal_is_still_a_comment(draft):
    letter = split_letter(f"关于《{fixture.TITLE}》的复函\n市城市管理局：\n    同意该办法，建议第八条将“一年”改为“六个月”。\n"
                          "汉中市财政局\n2024年5月9日", draft)
    assert not letter.no_comments and [c.clause_ref for c in letter.comments] == ["第八条"]


def _one(draft, body):
    letter = split_letter(f"关于《{fixture.TITLE}》的复函\n市城市管理局：\n    {body}\n汉中市财政局\n2024年5月9日", draft)
    (comment,) = letter.comments
    return comment


def test_the_first_paragraph_of_an_article_of_one_paragraph_is_the_article(draft):
    comment = _one(draft, "第六条第一款建议将“十五日内”改为“三十日内”。")
    assert (comment.clause_ref, comment.quoted_text, comment.proposed_wording) == ("第六条", "十五日内", "三十日内")


def test_a_quote_found_in_every_paragraph_of_the_named_article_stays_on_the_article(draft):
    comment = _one(draft, "建议删除第七条中“移植”二字。")
    assert (comment.clause_ref, comment.quoted_text) == ("第七条", "移植")


def test_a_new_article_proposed_after_another_is_proposed_wording_not_the_drafts(draft):
    comment = _one(draft, "建议在第八条之后增加一条：“临时占用期满后应当恢复原状。”")
    assert (comment.clause_ref, comment.quoted_text, comment.proposed_wording) == (
        "第八条", "", "临时占用期满后应当恢复原状。")


def test_a_letter_saved_as_odt_goes_through_libreoffice(tmp_path):
    from exports.reply_files import read_reply
    from tests.fixtures.replies import convert, letter_docx

    odt = convert(letter_docx(tmp_path / "发改委意见.docx", fixture.DEVELOPMENT_LETTER), "odt")
    if odt is None:
        pytest.skip("LibreOffice 未安装")
    reply = read_reply(odt, parse_lines(fixture.draft_lines()))
    assert [c.clause_ref for c in reply.letter.comments] == ["第四条", "第五条第（一）项", "第十条"]


def test_a_comment_typed_into_the_new_wording_column_beside_a_comment_is_not_the_new_wording(tmp_path, draft):
    from exports.reply_files import read_reply
    from tests.fixtures.replies import feedback_form_docx

    rows = [["1", "第九条", "", "古树名木实行统一管理、分别养护", "建议明确养护责任", "", "建议将养护责任落实到具体部门"]]
    reply = read_reply(feedback_form_docx(tmp_path / "反馈表.docx", unit="汉中市财政局", rows=rows), draft)
    (comment,) = reply.letter.comments
    assert comment.proposed_wording == "" and "建议将养护责任落实到具体部门" in comment.text
    assert comment.text.startswith("建议明确养护责任") and comment.clause_ref == "第九条"


def test_a_revision_in_the_first_sentence_of_an_article_quotes_it_without_the_article_number(tmp_path, draft):
    from exports.reply_files import read_reply

    reply = read_reply(fixture.returned_draft_docx(tmp_path / "退回.docx"), draft)
    (comment,) = reply.letter.comments
    assert comment.quoted_text == "因建设需要临时占用城市绿地的，占用期限不得超过一年。"
    assert comment.proposed_wording == "因建设需要临时占用城市绿地的，占用期限不得超过六个月。"


def test_a_letter_dated_before_a_later_round_was_sent_belongs_to_the_earlier_one(tmp_path, capsys):
    from datetime import date

    path = tmp_path / "两轮.yjt"
    with Project.create(path, parse_lines(fixture.draft_lines())) as project:
        finance = project.add_unit("市财政局", "市级部门").ids[0]
        project.add_round(sent_on=date(2024, 5, 6), recipients=[finance])
        project.add_round(sent_on=date(2024, 7, 1), recipients=[finance])
    letter = tmp_path / "财政局.txt"
    letter.write_text(fixture.FINANCE_LETTER, encoding="utf-8")  # dated 2024年5月10日
    assert run(["reply", str(path), str(letter)]) == 0
    with Project.open(path, read_only=True) as project:
        assert {c.round_number for c in project.comments()} == {1}
    assert "第2轮" in capsys.readouterr().err  # said why round 2 was set aside
    assert run(["reply", str(path), str(letter), "--round", "2"]) == 0
    assert "早于第2轮" in capsys.readouterr().err


def test_a_feedback_sheet_saying_no_comments_is_no_comments(project_file, tmp_path, capsys):
    sheet = fixture.feedback_sheet_docx(tmp_path / "反馈单.docx", "汉中市财政局", "无修改意见。")
    assert run(["reply", str(project_file), str(sheet)]) == 0
    with Project.open(project_file, read_only=True) as project:
        assert project.comments() == []
        state = {r.unit_name: (r.state.label, str(r.replied_on)) for r in project.replies(1)}
    assert state["市财政局"][1] == "2024-05-14" and "无意见" in state["市财政局"][0]


def test_a_feedback_sheet_with_numbered_comments(project_file, tmp_path, capsys):
    opinion = "1.第六条建议将“十五日内”改为“三十日内”。\n2.第九条建议增加古树名木认定标准。"
    sheet = fixture.feedback_sheet_docx(tmp_path / "反馈单.docx", "城固县人民政府", opinion)
    assert run(["reply", str(project_file), str(sheet)]) == 0
    with Project.open(project_file, read_only=True) as project:
        logged = project.comments()
    assert [(c.unit_name, c.clause_ref) for c in logged] == [("城固县人民政府", "第六条"), ("城固县人民政府", "第九条")]
    assert logged[0].proposed_wording == "三十日内" and str(logged[0].received_on) == "2024-05-14"


def test_a_unit_given_that_is_not_the_letters_signer_is_warned_about(project_file, tmp_path, capsys):
    letter = tmp_path / "财政局.txt"
    letter.write_text(fixture.FINANCE_LETTER, encoding="utf-8")
    assert run(["reply", str(project_file), str(letter), "--unit", "市发展和改革委员会"]) == 0
    err = capsys.readouterr().err
    assert "汉中市财政局" in err and "市发展和改革委员会" in err and "未能从来函中识别出反馈单位" not in err


def test_a_published_referral_is_not_written_as_the_name_of_a_work(project_file, tmp_path, capsys):
    table = fixture.adoption_table_xlsx(tmp_path / "意见采纳情况.xlsx", rows=fixture.ADOPTION_ROWS + [
        ["5", "王某", "建议加强古树名木巡查", "在工作中落实", "将在古树名木日常养护工作中落实"]])
    assert run(["import-public", str(project_file), str(table), "--round", "1",
                "--map", "text=意见内容,submitter=反馈人,disposition=是否采纳,reason=采纳理由"]) == 0
    assert "第5行" in capsys.readouterr().err  # 转有关部门研究 names no work: said so
    with Project.open(project_file, read_only=True) as project:
        work = [c.work_item for c in project.comments() if c.work_item]
    assert work == ["相关工作", "古树名木日常养护工作"]
    assert run(["stats", str(project_file)]) == 0
    out = capsys.readouterr().out
    assert "转市城市管理局" not in out and "将在古树名木日常养护工作中抓好落实" in out


def test_two_proposals_in_one_form_row_are_two_comments_on_its_clause(tmp_path, draft):
    from exports.reply_files import read_reply

    rows = [["1", "第六条", "十五日内", "建议将“十五日内”改为“三十日内”；建议明确备案材料清单", "实际操作时间不足"]]
    reply = read_reply(fixture.feedback_form_docx(tmp_path / "反馈表.docx", rows=rows), draft)
    first, second = reply.letter.comments
    assert (first.clause_ref, first.quoted_text, first.proposed_wording) == ("第六条", "十五日内", "三十日内")
    assert (second.clause_ref, second.quoted_text, second.proposed_wording) == ("第六条", "", "")
    assert second.text.startswith("建议明确备案材料清单") and "理由：实际操作时间不足" in second.text


@pytest.mark.parametrize("file_name", ["绿化办法（南郑区政府修订稿）.docx", "南郑区人民政府反馈意见.docx"])
def test_a_returned_draft_by_an_anonymous_author_is_recognised_by_its_file_name(project_file, tmp_path, capsys,
                                                                                file_name):
    returned = fixture.returned_draft_docx(tmp_path / file_name, author="Administrator")
    assert run(["reply", str(project_file), str(returned)]) == 0
    with Project.open(project_file, read_only=True) as project:
        assert [c.unit_name for c in project.comments()] == ["南郑区人民政府"]
    assert "文件名" in capsys.readouterr().err


def test_a_file_name_naming_two_units_settles_nothing(project_file, tmp_path, capsys):
    returned = fixture.returned_draft_docx(tmp_path / "市财政局、南郑区政府意见.docx", author="Administrator")
    assert run(["reply", str(project_file), str(returned)]) == 2


def test_the_unit_of_a_title_without_guanyu_is_read_when_the_letter_is_not_signed(draft):
    unsigned = "\n".join(fixture.DEVELOPMENT_LETTER.splitlines()[:2])
    assert split_letter(unsigned, draft).unit_name_guess == "市发展改革委"


def test_a_proposal_written_in_the_comment_column_of_the_projects_form_is_its_proposed_wording(project_file, tmp_path):
    from tests.fixtures.fill_forms import fill_form

    assert run(["forms", str(project_file), "--out", str(tmp_path / "表"), "--round", "1"]) == 0
    (blank,) = (tmp_path / "表").glob("*市财政局*.xlsx")
    form = fill_form(blank, [("第八条", "建议将“一年”改为“六个月”", "", "")])
    assert run(["reply", str(project_file), str(form)]) == 0
    with Project.open(project_file, read_only=True) as project:
        (comment,) = project.comments()
    assert (comment.clause_ref, comment.proposed_wording) == ("第八条", "六个月")
