"""Splitting reply letters into comments, with letters written the way units answer."""
from pathlib import Path

import docx
import pytest

from exports.reply_files import read_reply
from feedback.letters import LetterSplit, SplitComment, split_letter
from feedback.outline import parse_lines
from feedback.vocabulary import GENERAL_CLAUSE_REF, UNPLACED_CLAUSE_REF

DEMO = Path(__file__).resolve().parents[1] / "assets" / "demo" / "汉中市提高教育质量三年行动计划（征求意见稿）.txt"

FINANCE_LETTER = """市教育局：
    经认真研究，我局对《汉中市提高教育质量三年行动计划（征求意见稿）》提出以下修改意见：
一、第三部分第（二）项第4条“市、县财政部门每年划拨专门资金”，建议修改为“市、县财政部门统筹安排资金”。理由：根据预算管理有关规定，不宜在文件中固定资金安排方式。
二、第19条“财政结合实际配套资金奖励”，建议删除。
理由：教育专项资金的奖励已有渠道，不再另行配套。
三、第四部分第（二）项“设立教育基金”，建议修改为“鼓励社会力量捐资助学”。
特此函复。

汉中市财政局
2023年4月11日
（联系人：王某某，联系电话：0916-2626xxx）"""

POLICE_NO_COMMENTS = """汉中市公安局关于《汉中市提高教育质量三年行动计划（征求意见稿）》的反馈意见
市教育局：
    你局《关于征求〈汉中市提高教育质量三年行动计划（征求意见稿）〉意见的函》收悉。经研究，我局无修改意见。
    特此反馈。
汉中市公安局
2023年4月10日"""

DISCIPLINE_LETTER = """市教育局：
经研究，现将我委意见反馈如下：
1.建议文稿整体压缩篇幅，精简表述。
2.关于加快教育信息化建设，建议增加“网络安全保障”相关内容。
3.建议补充对农村学校的倾斜支持政策。
4. 第40条提到的考核办法需进一步明确。
以上意见，供参考。
中共汉中市纪委
二〇二三年四月十二日"""

GROUPED_LETTER = """汉中市人民政府教育督导室关于行动计划征求意见稿的修改建议
一、关于第三部分重点任务
（一）第（二）项中，建议将“每年划拨专门资金”改为“统筹安排资金”。
（二）第5项任务“普惠性幼儿园占比达到93%以上”，建议调整为“90%以上”。
二、关于第四部分组织保障
（一）第（三）项建议增加“督导结果向社会公开”的表述。"""

UNNUMBERED_LETTER = """略阳县教育局：
第4条中“5G”表述建议改为“第五代移动通信（5G）”。

建议将市、县财政部门每年划拨专门资金改为市、县财政部门统筹安排资金
理由：与预算管理要求一致。

“双减”相关内容建议进一步细化。
略阳县人民政府（盖章）
2023年4月9日"""


@pytest.fixture(scope="module")
def demo():
    return parse_lines(DEMO.read_text(encoding="utf-8").splitlines())


def placed(split: LetterSplit) -> list[str]:
    return [c.clause_ref for c in split.comments]


def test_numbered_letter_from_the_finance_bureau(demo):
    split = split_letter(FINANCE_LETTER, demo)
    assert split.unit_name_guess == "汉中市财政局"
    assert split.no_comments is False
    assert placed(split) == ["三（二）4", "三（七）19", "四（二）"]
    first, second, third = split.comments
    assert first.quoted_text == "市、县财政部门每年划拨专门资金"
    assert first.proposed_wording == "市、县财政部门统筹安排资金"
    assert first.text.startswith("第三部分第（二）项第4条") and "理由：根据预算管理" in first.text
    assert first.reference.how == "path" and first.reference.certain
    assert second.proposed_wording == "" and second.text.endswith("不再另行配套。")
    assert third.quoted_text == "设立教育基金" and third.proposed_wording == "鼓励社会力量捐资助学"
    assert split.warnings == []


def test_nothing_of_the_frame_becomes_a_comment(demo):
    texts = " ".join(c.text for c in split_letter(FINANCE_LETTER, demo).comments)
    for frame in ("市教育局：", "提出以下修改意见", "特此函复", "汉中市财政局", "2023年4月11日", "联系人"):
        assert frame not in texts


def test_no_comments_letter(demo):
    split = split_letter(POLICE_NO_COMMENTS, demo)
    assert (split.unit_name_guess, split.no_comments, split.comments) == ("汉中市公安局", True, [])
    assert split.warnings == []


@pytest.mark.parametrize("statement", ["无修改意见。", "经研究，无意见。", "我局没有意见。", "经研究，我单位无其他意见。", "无"])
def test_short_no_comments_letters(demo, statement):
    split = split_letter(f"市教育局：\n{statement}\n汉中市文化和旅游局\n2023年4月10日", demo)
    if statement == "无":
        assert not split.no_comments and split.warnings  # a bare 无 is not a recognised statement
    else:
        assert split.no_comments and split.comments == []
        assert split.unit_name_guess == "汉中市文化和旅游局"


def test_no_other_comments_besides_the_items(demo):
    letter = "市教育局：\n一、第4条“每年划拨专门资金”建议删除。\n除上述意见外，无其他意见。\n汉中市审计局"
    split = split_letter(letter, demo)
    assert split.no_comments is False and placed(split) == ["三（二）4"]


def test_general_unplaceable_and_missing_clause(demo):
    split = split_letter(DISCIPLINE_LETTER, demo)
    assert split.unit_name_guess == "中共汉中市纪委"
    assert placed(split) == [GENERAL_CLAUSE_REF, "三（二）4", UNPLACED_CLAUSE_REF, UNPLACED_CLAUSE_REF]
    assert split.comments[1].reference.how == "heading"
    assert split.comments[1].proposed_wording == "网络安全保障"
    assert split.comments[3].reference.reason == "草案中没有第40条"
    assert split.warnings == [
        "第3条意见未能定位到条款（未找到条款引用），已标为“待定位”",
        "第4条意见未能定位到条款（草案中没有第40条），已标为“待定位”",
    ]


def test_items_under_group_headings_take_the_heading_as_context(demo):
    split = split_letter(GROUPED_LETTER, demo)
    assert split.unit_name_guess == "汉中市人民政府教育督导室"
    assert placed(split) == ["三（二）4", "三（三）5", "四（三）"]
    assert [c.text[:6] for c in split.comments] == ["第（二）项中", "第5项任务“", "第（三）项建"]
    assert split.comments[1].proposed_wording == "90%以上"
    assert split.comments[2].proposed_wording == "督导结果向社会公开"


def test_unnumbered_letter_is_split_by_paragraph(demo):
    split = split_letter(UNNUMBERED_LETTER, demo)
    assert split.unit_name_guess == "略阳县人民政府"
    assert placed(split) == ["三（二）4", "三（二）4", UNPLACED_CLAUSE_REF]
    assert split.comments[1].text.endswith("理由：与预算管理要求一致。")
    assert split.comments[1].quoted_text == "市、县财政部门每年划拨专门资金"
    assert split.comments[1].proposed_wording == "市、县财政部门统筹安排资金"
    assert split.comments[2].reference.candidates == ["一", "三（十）27"]
    assert split.warnings == ["第3条意见可能涉及一、三（十）27，已标为“待定位”，请确认"]


def test_paren_and_circled_numbers(demo):
    letter = ("市教育局：\n现提出如下意见：\n（1）第8条“让每位学生掌握12项运动技能”，建议修改为“掌握1至2项运动技能”。\n"
              "（2）第12条建议补充“校企合作”内容。\n汉中市体育局")
    assert placed(split_letter(letter, demo)) == ["三（四）8", "三（六）12"]
    circled = "市教育局：\n①第8条建议删除。\n②第9条建议删除。\n③第10条建议删除。\n汉中市体育局"
    assert placed(split_letter(circled, demo)) == ["三（四）8", "三（五）9", "三（五）10"]


def test_yi_shi_er_shi_items(demo):
    letter = "市教育局：\n一是第27条建议增加“市网信办”为责任单位。\n二是第28条建议删除“陕西省”字样。\n市委网信办"
    split = split_letter(letter, demo)
    assert placed(split) == ["三（十）27", "三（十）28"]
    assert split.comments[0].text.startswith("第27条")


def test_sub_points_of_a_full_comment_stay_in_it(demo):
    letter = ("市教育局：\n一、第23条“各级各类学校按照不低于公用经费5%列支教师培训经费”，建议修改如下：\n"
              "1.将“5%”改为“10%”；\n2.增加“专款专用”的表述。\n二、第25条建议删除。\n汉中市财政局")
    split = split_letter(letter, demo)
    assert placed(split) == ["三（九）23", "三（九）25"]
    assert "1.将“5%”改为“10%”" in split.comments[0].text and "2.增加" in split.comments[0].text


def test_reference_at_line_start_is_not_an_item_number(demo):
    # 三、（二）4 opens a paragraph of an unnumbered letter: it is a clause, not item 3.
    letter = "市教育局：\n三、（二）4“每年划拨专门资金”建议删除。\n汉中市财政局"
    split = split_letter(letter, demo)
    assert placed(split) == ["三（二）4"]
    assert split.comments[0].text.startswith("三、（二）4")


def test_skipped_item_number_is_kept_apart_and_reported(demo):
    letter = "市教育局：\n一、第1条建议删除。\n二、第2条建议删除。\n四、第4条建议删除。\n汉中市财政局"
    split = split_letter(letter, demo)
    assert placed(split) == ["三（一）1", "三（一）2", "三（二）4"]
    assert "意见编号不连续：2之后是4" in split.warnings


def test_unit_from_signature_when_there_is_no_title(demo):
    split = split_letter("市教育局：\n第4条建议删除。\n特此函复。\n汉中市住房和城乡建设局（盖章）\n2023年4月8日", demo)
    assert split.unit_name_guess == "汉中市住房和城乡建设局"


def test_short_comment_ending_in_a_unit_name_is_not_a_signature(demo):
    split = split_letter("市教育局：\n1.第27条建议增加市体育局\n2.第28条建议增加市财政局\n汉中市体育局", demo)
    assert placed(split) == ["三（十）27", "三（十）28"]
    assert split.unit_name_guess == "汉中市体育局"


def test_unknown_unit_is_warned(demo):
    split = split_letter("第4条建议删除。", demo)
    assert split.unit_name_guess is None
    assert split.warnings[0] == "未能从来函中识别出反馈单位名称"
    assert placed(split) == ["三（二）4"]


def test_empty_letter(demo):
    split = split_letter("市教育局：\n特此函复。\n汉中市财政局", demo)
    assert split.comments == [] and not split.no_comments
    assert "来函中未识别出意见条目，也未说明无修改意见" in split.warnings


def test_general_comment_wins_over_a_quote_found_somewhere(demo):
    split = split_letter("市教育局：\n1.建议全文将“市、县财政部门”统一表述为“各级财政部门”。\n汉中市财政局", demo)
    assert placed(split) == [GENERAL_CLAUSE_REF]


def test_traditional_and_full_width_letter(demo):
    letter = "市教育局：\n一、第４條“市、縣財政部門每年劃撥專門資金”，建議修改為“統籌安排資金”。\n漢中市財政局"
    split = split_letter(letter, demo)
    assert placed(split) == ["三（二）4"]
    assert split.comments[0].proposed_wording == "統籌安排資金"


def test_regulation_letter():
    draft = parse_lines("""汉中市校外培训机构管理办法（征求意见稿）
第一章 总则
第一条 为规范校外培训机构管理，制定本办法。
第二条 本办法适用于本市行政区域内的校外培训机构。
第三条 校外培训机构应当依法办理登记。
登记事项发生变化的，应当在三十日内办理变更登记。
（一）变更名称；
（二）变更地址。""".splitlines())
    letter = ("汉中市市场监督管理局关于《汉中市校外培训机构管理办法（征求意见稿）》的意见\n市教育局：\n"
              "一、第三条第二款“三十日内”建议修改为“十五个工作日内”。\n二、第三条第（二）项建议删除。\n"
              "三、第二条建议将“校外培训机构”改为“面向中小学生的校外培训机构”。")
    split = split_letter(letter, draft)
    assert split.unit_name_guess == "汉中市市场监督管理局"
    assert placed(split) == ["第三条第二款", "第三条第二款第（二）项", "第二条"]
    assert split.comments[0].proposed_wording == "十五个工作日内"


def write_docx(path: Path, paragraphs: list[str], table: bool = False) -> Path:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        document.add_table(rows=1, cols=2).rows[0].cells[0].text = "条款"
    document.save(path)
    return path


def test_docx_letter_is_split_like_text(demo, tmp_path):
    path = write_docx(tmp_path / "财政局反馈意见.docx", FINANCE_LETTER.splitlines())
    from_docx = read_reply(path, demo).letter
    from_text = split_letter(FINANCE_LETTER, demo)
    assert from_docx == from_text
    assert isinstance(from_docx.comments[0], SplitComment)


def test_docx_with_a_table_warns(demo, tmp_path):
    path = write_docx(tmp_path / "反馈表.docx", ["市教育局：", "意见见下表。", "汉中市财政局"], table=True)
    split = read_reply(path, demo).letter
    assert any(w.startswith("文档中含有表格") for w in split.warnings)


def test_title_on_two_lines(demo):
    letter = ("汉中市文化和旅游局\n关于《汉中市提高教育质量三年行动计划（征求意见稿）》的修改意见\n市教育局：\n"
              "一、第8条建议增加“非遗进校园”的内容。\n2023年4月11日")
    split = split_letter(letter, demo)
    assert split.unit_name_guess == "汉中市文化和旅游局"
    assert placed(split) == ["三（四）8"]
    assert split.comments[0].proposed_wording == "非遗进校园"


def test_unit_above_the_salutation_without_title(demo):
    split = split_letter("汉中市公安局\n市教育局：\n无修改意见。", demo)
    assert (split.unit_name_guess, split.no_comments) == ("汉中市公安局", True)


# -- the ways replies are really written (published 复函 wordings) ----------------------------

NO_COMMENT_WORDINGS = [
    "经研究，我局对该稿无意见和建议。",
    "经认真研究，我局对《汉中市提高教育质量三年行动计划（征求意见稿）》无修改意见和建议。",
    "我委原则同意该稿。",
    "原则同意。",
    "经研究，无不同意见。",
    "我局同意该征求意见稿。",
    "经研究，我单位对征求意见稿无异议。",
    "我局无修改意见。",
    "我方仔细阅读了该方案，完全赞同此方案。",
]


@pytest.mark.parametrize("wording", NO_COMMENT_WORDINGS)
def test_every_common_no_comment_wording_is_no_comments(demo, wording):
    letter = split_letter(f"市教育局：\n    你局来函收悉。{wording}\n    特此函复。\n汉中市公安局\n2023年4月10日", demo)
    assert letter.no_comments and letter.comments == []


def test_agreeing_in_principle_with_a_proposal_is_a_comment(demo):
    letter = split_letter("市教育局：\n原则同意，建议第4条删除“每年”二字。\n汉中市公安局", demo)
    assert not letter.no_comments
    assert [c.clause_ref for c in letter.comments] == ["三（二）4"]


def test_a_citation_of_another_law_is_never_placed_on_the_drafts_clause(demo):
    letter = split_letter("市教育局：\n1.根据《汉中市教育督导条例》第十二条规定，建议明确督导结果运用。\n"
                          "2.依据《中华人民共和国教育法》（2021年修正）第四条，第12条应补充职业教育经费保障。\n"
                          "汉中市财政局", demo)
    first, second = letter.comments
    assert first.clause_ref == UNPLACED_CLAUSE_REF and first.reference.ref is None
    assert second.clause_ref == "三（六）12"
    assert any("《汉中市教育督导条例》" in w and "其他文件" in w for w in letter.warnings)


def test_a_reference_through_the_drafts_own_title_is_kept(demo):
    letter = split_letter("市教育局：\n《汉中市提高教育质量三年行动计划（征求意见稿）》第12条建议补充经费保障。\n"
                          "汉中市财政局", demo)
    assert letter.comments[0].clause_ref == "三（六）12"


def test_points_separated_by_semicolons_are_separate_comments(demo):
    letter = split_letter("市教育局：\n一、第4条“市、县财政部门每年划拨专门资金”建议修改为“统筹安排资金”；"
                          "第5条建议删除“每年”；建议增加“普惠性”表述。\n汉中市财政局", demo)
    assert [(c.clause_ref, c.quoted_text, c.proposed_wording) for c in letter.comments] == [
        ("三（二）4", "市、县财政部门每年划拨专门资金", "统筹安排资金"),
        ("三（三）5", "每年", ""),
        ("三（三）5", "", "普惠性"),  # no reference of its own: the clause of the point before
    ]


def test_a_semicolon_inside_one_proposal_does_not_split_it(demo):
    letter = split_letter("市教育局：\n第4条建议删除“每年”；这样表述更符合预算管理要求。\n汉中市财政局", demo)
    assert len(letter.comments) == 1


def test_added_wording_is_the_proposal_and_the_quoted_heading_is_not_the_original(demo):
    letter = split_letter("市教育局：\n1.第4条“加快教育信息化建设”中第二段“推进5G网络覆盖”，建议加上“和千兆光网”。\n"
                          "2.建议在“加快教育信息化建设”之后增加“和网络安全”。\n汉中市财政局", demo)
    first, second = letter.comments
    assert (first.clause_ref, first.quoted_text, first.proposed_wording) == ("三（二）4", "推进5G网络覆盖", "和千兆光网")
    assert first.note == "位置：第二段"
    assert (second.quoted_text, second.proposed_wording) == ("加快教育信息化建设", "和网络安全")


def test_a_locator_by_quoted_paragraph_is_kept_as_a_note(demo):
    letter = split_letter("市教育局：\n第三部分“主要目标”一段，建议精简表述。\n汉中市财政局", demo)
    assert letter.comments[0].note == "位置：“主要目标”一段"


def test_the_date_line_is_read(demo):
    assert split_letter(FINANCE_LETTER, demo).dated.isoformat() == "2023-04-11"
    assert split_letter(DISCIPLINE_LETTER, demo).dated.isoformat() == "2023-04-12"


def test_the_original_is_the_quote_found_in_the_draft(demo):
    letter = split_letter("市教育局：\n第4条“智慧教育”理念下，“市、县财政部门每年划拨专门资金”建议修改为“统筹安排资金”。\n"
                          "汉中市财政局", demo)
    assert letter.comments[0].quoted_text == "市、县财政部门每年划拨专门资金"
