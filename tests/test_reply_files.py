"""Every way a reply arrives, read into comments on the right clauses (exports.reply_files)."""

import pytest

from exports.reply_files import ReplyFileError, read_reply, read_reply_text
from feedback.outline import parse_lines
from feedback.vocabulary import GENERAL_CLAUSE_REF, UNPLACED_CLAUSE_REF
from tests.fixtures import replies


@pytest.fixture(scope="module")
def draft():
    return parse_lines(replies.draft_lines())


def placed(reply):
    return [(c.clause_ref, c.quoted_text, c.proposed_wording) for c in reply.letter.comments]


FINANCE_COMMENTS = [
    ("二（二）4", "县财政每年安排专项资金500万元", "县财政统筹安排资金"),
    ("二（一）2", "每季度", "每月"),
    ("二（一）2", "出厂水", "和末梢水"),
]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_a_text_letter_in_any_encoding(draft, tmp_path, encoding):
    path = tmp_path / "财政局复函.txt"
    path.write_bytes(replies.FINANCE_LETTER.replace("\n", "\r\n").encode(encoding))
    reply = read_reply(path, draft)
    assert reply.kind == "来函" and reply.letter.unit_name_guess == "某某县财政局"
    assert placed(reply) == FINANCE_COMMENTS
    assert reply.letter.dated.isoformat() == "2024-05-08"


def test_a_word_letter(draft, tmp_path):
    reply = read_reply(replies.letter_docx(tmp_path / "复函.docx", replies.FINANCE_LETTER), draft)
    assert reply.kind == "来函" and placed(reply) == FINANCE_COMMENTS


def test_a_no_comment_letter_in_word(draft, tmp_path):
    reply = read_reply(replies.letter_docx(tmp_path / "宣传部复函.docx", replies.NO_COMMENT_LETTER), draft)
    assert reply.letter.no_comments and reply.letter.unit_name_guess == "中共某某县委宣传部"


def test_pasted_no_comments(draft):
    assert read_reply_text("无意见", draft).letter.no_comments


def test_a_pdf_letter_with_a_text_layer(draft, tmp_path):
    source = replies.letter_docx(tmp_path / "复函.docx", replies.FINANCE_LETTER)
    pdf = replies.convert(source, "pdf")
    if pdf is None:
        pytest.skip("LibreOffice is not installed")
    reply = read_reply(pdf, draft)
    assert reply.letter.unit_name_guess == "某某县财政局"
    assert placed(reply) == FINANCE_COMMENTS


def test_a_doc_letter_through_libreoffice(draft, tmp_path):
    source = replies.letter_docx(tmp_path / "复函.docx", replies.FINANCE_LETTER)
    doc = replies.convert(source, "doc:MS Word 97")
    if doc is None:
        pytest.skip("LibreOffice is not installed")
    source.unlink()
    assert placed(read_reply(doc, draft)) == FINANCE_COMMENTS


def test_a_doc_without_libreoffice_says_so(draft, tmp_path, monkeypatch):
    path = tmp_path / "复函.wps"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(ReplyFileError, match=r"复函\.wps.*LibreOffice.*另存为 \.docx"):
        read_reply(path, draft)


def test_a_scanned_pdf_says_it_has_no_text(draft, tmp_path):
    with pytest.raises(ReplyFileError, match=r"扫描件.*没有文字层|没有文字层.*扫描件"):
        read_reply(replies.scanned_pdf(tmp_path / "扫描件.pdf"), draft)


def test_an_image_says_it_has_no_text(draft, tmp_path):
    path = tmp_path / "复函照片.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 100)
    with pytest.raises(ReplyFileError, match="复函照片.jpg.*图片，没有可读取的文字"):
        read_reply(path, draft)


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 broken", b"%PDF-1.7 broken"])
def test_a_broken_file_is_one_sentence(draft, tmp_path, content):
    path = tmp_path / ("坏文件.pdf" if content.startswith(b"%PDF") else "坏文件.docx")
    path.write_bytes(content)
    with pytest.raises(ReplyFileError) as error:
        read_reply(path, draft)
    assert "坏文件" in str(error.value) and "\n" not in str(error.value)


def test_the_draft_sent_back_with_revisions_and_comments(draft, tmp_path):
    reply = read_reply(replies.revised_docx(tmp_path / "方案（财政局修订）.docx"), draft)
    assert reply.kind == "修订稿"
    comments = reply.letter.comments
    assert [(c.clause_ref, c.author) for c in comments] == [
        ("二（一）2", "李某（县财政局）"), ("二（二）4", "张某某（县财政局）"), ("三（一）5", "张某某（县财政局）")]
    word_comment, money, meeting = comments
    assert word_comment.quoted_text == "每季度" and word_comment.text.startswith("建议明确为每月检测一次")
    assert money.quoted_text.endswith("县财政每年安排专项资金500万元。")
    assert money.proposed_wording.endswith("县财政统筹安排资金。")
    assert meeting.quoted_text == "县政府分管领导任召集人，每半年召开一次联席会议。"
    assert meeting.proposed_wording == "县政府分管领导任召集人，每季度召开一次联席会议。"
    assert reply.letter.authors == ["李某（县财政局）", "张某某（县财政局）"]


def test_a_copy_edited_without_tracking_is_compared_with_the_draft_sent(draft, tmp_path):
    reply = read_reply(replies.edited_copy_docx(tmp_path / "方案（修改）.docx"), draft)
    assert reply.kind == "修改稿"
    first, *added = reply.letter.comments
    assert (first.clause_ref, first.quoted_text, first.proposed_wording) == (
        "二（一）1", "县水利局每年开展一次水源地安全评估，依法清理保护区内违法建筑。",
        "县水利局每半年开展一次水源地安全评估，依法清理保护区内违法建筑。")
    assert [c.clause_ref for c in added] == ["二（二）4", "二（二）4"]
    assert "落实管护责任" in added[-1].proposed_wording


def test_a_word_feedback_form(draft, tmp_path):
    reply = read_reply(replies.feedback_form_docx(tmp_path / "发改局反馈表.docx"), draft)
    letter = reply.letter
    assert reply.kind == "反馈表" and letter.unit_name_guess == "某某县发展和改革局"
    assert letter.dated.isoformat() == "2024-05-09"
    assert placed(reply) == [("二（一）1", "每年开展一次水源地安全评估", "每半年开展一次水源地安全评估"),
                             ("二（二）3", "", "城镇供水管网覆盖率达到95%以上")]
    assert letter.comments[0].note == "位置：第2页" and "理由：评估频次偏低" in letter.comments[0].text


def test_a_word_form_saying_no_comments(draft, tmp_path):
    path = replies.feedback_form_docx(tmp_path / "无意见.docx", "某某县民政局", [["1", "", "", "", "无修改意见", "", ""]])
    letter = read_reply(path, draft).letter
    assert letter.no_comments and letter.comments == []


def test_a_form_row_that_cannot_be_placed_is_kept_and_marked(draft, tmp_path):
    rows = [["1", "第九部分", "", "", "建议补充考核内容", "", ""], ["2", "总体", "", "", "建议精简篇幅", "", ""]]
    letter = read_reply(replies.feedback_form_docx(tmp_path / "表.docx", rows=rows), draft).letter
    assert [c.clause_ref for c in letter.comments] == [UNPLACED_CLAUSE_REF, GENERAL_CLAUSE_REF]
    assert any("第1行" in w and "待定位" in w for w in letter.warnings)


def test_a_comment_typed_into_the_proposed_wording_column(draft, tmp_path):
    rows = [["1", "二（一）2", "", "", "", "", "建议将“每季度”改为“每月”"]]
    comment = read_reply(replies.feedback_form_docx(tmp_path / "表.docx", rows=rows), draft).letter.comments[0]
    assert comment.text == "建议将“每季度”改为“每月”" and comment.proposed_wording == "每月"


def test_a_missing_file_or_a_folder_is_one_sentence(draft, tmp_path):
    with pytest.raises(ReplyFileError, match="没有.docx.*找不到文件"):
        read_reply(tmp_path / "没有.docx", draft)
    with pytest.raises(ReplyFileError, match="文件夹"):
        read_reply(tmp_path, draft)


def test_a_word_letter_with_a_table_that_is_no_form_says_so(draft, tmp_path):
    import docx

    path = replies.letter_docx(tmp_path / "复函.docx", replies.FINANCE_LETTER)
    document = docx.Document(path)
    document.add_table(rows=1, cols=2).cell(0, 0).text = "附：联系人名单"
    document.save(path)
    reply = read_reply(path, draft)
    assert placed(reply) == FINANCE_COMMENTS and any("表格" in w for w in reply.letter.warnings)
