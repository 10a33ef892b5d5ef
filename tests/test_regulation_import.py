"""A 管理办法 written the official way (``第一条　…``, ``第一章　总则``) imports without warnings."""
from exports.draft_files import load_draft
from feedback.text import clean_line
from tests.fixtures.regulation_revision import FIRST, write_txt


def test_the_space_after_an_article_number_is_not_noise():
    assert clean_line("第一条　为加强城市道路窨井设施的维护和管理。").removed == []
    assert clean_line("第一章　总则").removed == []
    assert clean_line("第十二条 本办法自发布之日起施行。").removed == []
    # a space inside the text is still web-copy noise, and said so
    assert clean_line("第一条　为加强城市　道路").removed == ["异常空格", "汉字间空格"]


def test_a_regulation_draft_imports_without_warnings(tmp_path):
    draft = load_draft(write_txt(FIRST, tmp_path / "窨井.txt"))
    assert [str(w) for w in draft.warnings] == []
    assert [c.ref for c in draft.clauses if c.kind.value == "article"] == [
        f"第{n}条" for n in "一二三四五六七八九十"] + ["第十一条"]
