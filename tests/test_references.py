"""Resolving clause references written in prose, on the Hanzhong demo draft and on
small regulation-style and restarting-number drafts written here."""
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from feedback.numerals import int_to_chinese
from feedback.outline import parse_lines
from feedback.references import (ReferenceResolver, find_references, quoted_phrases,
                                 resolve_reference)
from feedback.vocabulary import ClauseKind

DEMO = Path(__file__).resolve().parents[1] / "assets" / "demo" / "汉中市提高教育质量三年行动计划（征求意见稿）.txt"

REGULATION_LINES = """汉中市校外培训机构管理办法（征求意见稿）
第一章 总则
第一条 为规范校外培训机构管理，根据有关法律法规，制定本办法。
第二条 本办法适用于本市行政区域内面向中小学生的校外培训机构。
第二章 设立与审批
第三条 【设立条件】举办校外培训机构，应当具备下列条件：
（一）有符合规定的名称和章程；
（二）有与培训规模相适应的场所；
（三）有稳定的经费来源。
第四条 校外培训机构应当依法办理登记。
登记事项发生变化的，应当在三十日内办理变更登记。
（一）变更名称；
（二）变更地址；
（三）变更举办者。
第三章 附则
第五条 本办法自印发之日起施行。""".splitlines()

# Tasks numbered again from 1 in every section, as many county plans do.
RESTARTING_LINES = """某县义务教育提升方案
一、主要任务
（一）改善办学条件
1.新建校舍。新建教学楼两栋。
2.更新设备。更新多媒体设备。
（二）加强队伍建设
1.补充教师。每年招聘教师五十名。
2.培训教师。开展全员培训。""".splitlines()


@pytest.fixture(scope="module")
def demo():
    return parse_lines(DEMO.read_text(encoding="utf-8").splitlines())


@pytest.fixture(scope="module")
def demo_resolver(demo):
    return ReferenceResolver(demo)


@pytest.fixture(scope="module")
def regulation():
    return parse_lines(REGULATION_LINES)


@pytest.fixture(scope="module")
def restarting():
    return parse_lines(RESTARTING_LINES)


def test_demo_draft_has_the_expected_shape(demo):
    tasks = [c for c in demo if c.kind is ClauseKind.TASK]
    assert [c.number for c in tasks] == list(range(1, 29))
    assert demo.by_ref()["三（二）4"].heading == "加快教育信息化建设"


@pytest.mark.parametrize("written", [
    "第三部分第（二）项第4条", "第三部分第(二)项第4条", "第 三 部分 第（二）项 第 4 条",
    "第三部分（二）4", "第三部分中的第（二）项第4条", "第三大部分第（二）项第４条",
    "三、（二）4", "三（二）4", "三、(二)4.", "（二）4", "（二）第4条", "第（二）项第4条",
])
def test_numbered_paths(demo, written):
    match = resolve_reference(written, demo)
    assert (match.ref, match.how, match.certain) == ("三（二）4", "path", True)
    assert match.candidates == ["三（二）4"]


@pytest.mark.parametrize("written", ["第4条", "第四条", "第４条", "第4项任务", "第四项任务", "任务4", "第4项", "第 4 条"])
def test_task_numbers_run_through_the_draft(demo, written):
    match = resolve_reference(written, demo)
    assert (match.ref, match.how, match.certain) == ("三（二）4", "task-number", True)


def test_large_chinese_task_number(demo):
    assert resolve_reference("第二十八条", demo).ref == "三（十）28"


@pytest.mark.parametrize("written, ref", [
    ("第三部分", "三"), ("第三部分第（二）项", "三（二）"), ("第三部分第二项", "三（二）"),
    ("第四部分第（二）项", "四（二）"), ("第一部分总体要求", "一"), ("前言", "前言"),
])
def test_parts_and_sections(demo, written, ref):
    match = resolve_reference(written, demo)
    assert (match.ref, match.certain) == (ref, True)


def test_section_number_alone_is_ambiguous(demo):
    match = resolve_reference("第（二）项", demo)
    assert match.ref is None and not match.certain
    assert match.candidates == ["三（二）", "四（二）"]
    assert "2处" in match.reason


@pytest.mark.parametrize("written", ["重点任务第5项", "“重点任务”部分第5项", "重点任务部分第5条", "第三部分“重点任务”第5项"])
def test_part_named_by_its_heading(demo, written):
    match = resolve_reference(written, demo)
    assert (match.ref, match.certain) == ("三（三）5", True)


def test_heading_narrows_a_section_number(demo):
    assert resolve_reference("组织保障部分第（二）项", demo).ref == "四（二）"


@pytest.mark.parametrize("written", ["第40条", "第四十条", "任务40"])
def test_missing_task_is_reported_not_guessed(demo, written):
    match = resolve_reference(written, demo)
    assert match.ref is None and match.candidates == [] and not match.certain
    assert match.reason.startswith("草案中没有")


def test_missing_task_within_a_section(demo):
    match = resolve_reference("第三部分第（二）项第5条", demo)
    assert match.ref is None and match.reason == "三（二）中没有第5条"


def test_task_counted_within_its_section_is_only_a_presumption(demo):
    match = resolve_reference("第三部分第（二）项第2条", demo)
    assert match.ref == "三（二）4" and not match.certain
    assert "按顺序推定" in match.reason


@pytest.mark.parametrize("written", [
    "“市、县财政部门每年划拨专门资金”",
    '"市县财政部门每年划拨专门资金"',
    "「市、縣財政部門每年劃撥專門資金」",
    "“市、县 财政部门每年划拨专门资金”",
    "“市,县财政部门每年划拨专门资金”",
    "原文市、县财政部门每年划拨专门资金，建议修改为统筹安排",
    "原文：“市、县财政部门每年划拨专门资金”",
    "建议将市、县财政部门每年划拨专门资金改为统筹安排资金",
])
def test_quoted_phrase_found_once(demo, written):
    match = resolve_reference(written, demo)
    assert (match.ref, match.how, match.certain) == ("三（二）4", "quote", True)


def test_quoted_phrase_found_several_times(demo):
    match = resolve_reference("“双减”", demo)
    assert match.ref is None and not match.certain
    assert match.candidates == ["一", "三（十）27"]


def test_quote_prefers_the_deepest_clause(regulation):
    # The article's first paragraph is also its 第一款; the 款 is the more precise place.
    match = resolve_reference("“依法办理登记”", regulation)
    assert (match.ref, match.certain) == ("第四条第一款", True)


def test_quote_of_an_item_whose_text_is_only_a_heading(regulation):
    assert resolve_reference("“变更地址”", regulation).ref == "第四条第二款第（二）项"


def test_quote_not_quite_the_draft_is_only_a_suggestion(demo):
    # The draft lost a character (快构建); the commenter quotes the intended text.
    match = resolve_reference("“加快构建适应普通高中新课程设置及选课指导要求的教学管理机制”", demo)
    assert match.how == "quote-similar" and not match.certain
    assert match.candidates[0] == "三（五）10"


@pytest.mark.parametrize("written, ref", [
    ("“加快教育信息化建设”部分", "三（二）4"),
    ("关于加快教育信息化建设的内容", "三（二）4"),
    ("“实施办学条件巩固提升工程”", "三（二）"),
    ("对落实“五育并举”要求一条", "三（四）8"),
])
def test_heading_named(demo, written, ref):
    match = resolve_reference(written, demo)
    assert (match.ref, match.how, match.certain) == (ref, "heading", True)


def test_numbers_and_quote_agree(demo):
    match = resolve_reference("第4条“推进个性化学习”", demo)
    assert (match.ref, match.certain) == ("三（二）4", True)


def test_quote_refines_a_part_to_its_task(demo):
    match = resolve_reference("第三部分“市、县财政部门每年划拨专门资金”", demo)
    assert (match.ref, match.certain) == ("三（二）4", True)


def test_quote_picks_among_ambiguous_numbers(demo):
    match = resolve_reference("第（二）项“设立教育基金”", demo)
    assert (match.ref, match.certain) == ("四（二）", True)


def test_numbers_and_quote_disagree(demo):
    match = resolve_reference("第5条“市、县财政部门每年划拨专门资金”", demo)
    assert match.ref is None and not match.certain
    assert set(match.candidates) == {"三（三）5", "三（二）4"}
    assert "不一致" in match.reason


def test_common_term_does_not_unsettle_a_clear_number(demo):
    match = resolve_reference("第4条建议参照“双减”要求表述", demo)
    assert (match.ref, match.certain) == ("三（二）4", True)


def test_wrong_number_with_a_good_quote_is_not_certain(demo):
    match = resolve_reference("第40条“市、县财政部门每年划拨专门资金”", demo)
    assert match.ref == "三（二）4" and not match.certain
    assert "草案中没有第40条" in match.reason


def test_two_clauses_named_is_not_certain(demo):
    match = resolve_reference("第5条和第6条内容重复", demo)
    assert match.ref is None and match.candidates == ["三（三）5", "三（三）6"]


@pytest.mark.parametrize("text", [
    "我局第1条意见", "到2025年底完成", "（1）建议2023年4月前完成", "（二）还要做好宣传",
    "建议修改为“加快教育信息化建设”", "“强化第一课堂管理”不是引用编号",
])
def test_things_that_are_not_numbered_references(demo, text):
    assert [m for m in find_references(text, demo) if m.how != "quote"] == []


def test_nothing_to_resolve(demo):
    match = resolve_reference("建议补充对农村学校的倾斜支持政策", demo)
    assert (match.ref, match.how, match.certain) == (None, "none", False)


def test_find_references_in_order_with_spans(demo):
    text = "一、第三部分第（二）项第4条“市、县财政部门每年划拨专门资金”，建议修改为“统筹安排资金”。另外第5条、第6条也需调整。"
    matches = find_references(text, demo)
    assert [(m.ref, m.how) for m in matches] == [
        ("三（二）4", "path"), ("三（二）4", "quote"), ("三（三）5", "task-number"), ("三（三）6", "task-number")]
    assert [text[slice(*m.span)] for m in matches] == [
        "第三部分第（二）项第4条", "市、县财政部门每年划拨专门资金", "第5条", "第6条"]


def test_quoted_phrases_leave_out_proposed_wording():
    assert quoted_phrases("将“每年划拨专门资金”修改为“统筹安排资金”，增加“加强绩效评价”") == ["每年划拨专门资金"]


@pytest.mark.parametrize("written, ref", [
    ("第四条", "第四条"), ("第4条", "第四条"), ("第四条第二款", "第四条第二款"),
    ("第四条第（三）项", "第四条第二款第（三）项"), ("第三条第（二）项", "第三条第（二）项"),
    ("第三条第二项", "第三条第（二）项"), ("第二章第三条", "第三条"), ("第一章", "第一章"),
    ("第4条第2款第3项", "第四条第二款第（三）项"), ("“设立条件”", "第三条"),
])
def test_regulation_references(regulation, written, ref):
    match = resolve_reference(written, regulation)
    assert (match.ref, match.certain) == (ref, True)


def test_regulation_reference_outside_its_chapter(regulation):
    match = resolve_reference("第三章第四条", regulation)
    assert match.ref is None and match.reason == "第三章中没有第四条"


def test_regulation_item_without_article_is_ambiguous(regulation):
    match = resolve_reference("第（三）项", regulation)
    assert match.candidates == ["第三条第（三）项", "第四条第二款第（三）项"] and match.ref is None


def test_restarting_task_numbers_need_their_section(restarting):
    alone = resolve_reference("第1条", restarting)
    assert alone.ref is None and alone.candidates == ["一（一）1", "一（二）1"]
    assert resolve_reference("（二）1", restarting).ref == "一（二）1"
    assert resolve_reference("第1条“每年招聘教师五十名”", restarting).ref == "一（二）1"


def test_resolver_reused_for_many_texts(demo):
    resolver = ReferenceResolver(demo)
    assert [resolver.resolve(f"第{n}条").ref for n in (1, 14, 28)] == ["三（一）1", "三（七）14", "三（十）28"]


def test_every_task_by_arabic_and_chinese_number(demo):
    resolver = ReferenceResolver(demo)
    for clause in demo:
        if clause.kind is ClauseKind.TASK:
            for written in (f"第{clause.number}条", f"第{int_to_chinese(clause.number)}条", f"任务{clause.number}"):
                match = resolver.resolve(written)
                assert (match.ref, match.certain) == (clause.ref, True), written


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_a_quote_never_lands_certainly_on_another_clause(demo, demo_resolver, data):
    clauses = [c for c in demo if len(c.text) >= 20]
    clause = data.draw(st.sampled_from(clauses))
    start = data.draw(st.integers(0, len(clause.text) - 8))
    length = data.draw(st.integers(8, 30))
    phrase = clause.text[start:start + length].replace("“", "").replace("”", "").replace('"', "")
    match = demo_resolver.resolve(f"原文“{phrase}”表述不妥")
    if match.certain:
        assert match.ref == clause.ref
    else:
        assert match.ref is None or match.how == "quote-similar" or clause.ref in match.candidates


def test_quoted_heading_that_is_also_body_text_is_ambiguous(demo):
    # 加强教育教学研究 heads task 22 and is also a phrase of part 一.
    match = resolve_reference("“加强教育教学研究”", demo)
    assert match.ref is None and match.candidates == ["一", "三（八）22"]
    assert resolve_reference("关于加强教育教学研究", demo).ref == "三（八）22"


def test_number_settles_a_quoted_heading_that_is_also_body_text(demo):
    match = resolve_reference("第22条“加强教育教学研究”", demo)
    assert (match.ref, match.certain) == ("三（八）22", True)


_REFERENCE_ALPHABET = list("第一二三四五六七八九十零两0123456789４（）()、.条项部分款目章节任务专栏前言“”\"「」原文将改为建议中的 \n"
                           "重点任务加快教育信息化建设①市县财政部门每年划拨专门资金，。")


@settings(max_examples=300, deadline=None)
@given(text=st.text(st.sampled_from(_REFERENCE_ALPHABET), max_size=50))
def test_any_text_resolves_to_a_consistent_answer(demo, demo_resolver, text):
    match = demo_resolver.resolve(text)
    assert (match.ref is not None) == (len(match.candidates) == 1)
    if match.certain:
        assert match.candidates == [match.ref] and match.ref in demo.by_ref()
    for found in demo_resolver.find_all(text):
        assert 0 <= found.span[0] <= found.span[1] <= len(text)
