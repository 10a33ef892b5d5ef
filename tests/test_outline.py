"""The clause tree: plan and regulation styles, repairs, noise, units."""
from collections import Counter

import pytest

from feedback.outline import parse_lines
from feedback.units import guess_category
from feedback.vocabulary import ClauseKind


@pytest.fixture(scope="module")
def seed(demo_lines):
    return parse_lines(demo_lines)


def test_seed_has_four_parts_fourteen_sections_and_tasks_one_to_28(seed):
    kinds = Counter(c.kind for c in seed)
    assert kinds[ClauseKind.PART] == 4
    assert kinds[ClauseKind.SECTION] == 14
    tasks = [c for c in seed if c.kind is ClauseKind.TASK]
    assert [t.number for t in tasks] == list(range(1, 29))
    assert [t.label for t in tasks] == [f"{n}." for n in range(1, 29)]
    assert all(t.lead_units and t.responsible_units for t in tasks)
    assert [c.label for c in seed if c.kind is ClauseKind.PART] == ["一、", "二、", "三、", "四、"]


def test_seed_refs_are_label_paths(seed):
    refs = seed.by_ref()
    assert refs["三（一）1"].heading == "推进中小学校党建创优行动"
    assert refs["三（二）4"].heading == "加快教育信息化建设"
    assert refs["三（十）28"].parent_ref == "三（十）"
    assert refs["四（一）"].heading == "加强组织领导"
    assert refs["三（一）"].level == 2 and refs["三（一）1"].level == 3
    assert len(refs) == len(seed.clauses)


def test_lost_section_number_is_repaired_from_neighbours_with_a_warning(seed):
    sections = [c.label for c in seed if c.kind is ClauseKind.SECTION and c.parent_ref == "三"]
    assert sections == [f"（{n}）" for n in "一二三四五六七八九十"]
    assert seed.by_ref()["三（八）"].heading == "实施教学质量改进提升工程"
    assert any("（八）" in str(w) for w in seed.warnings)


def test_units_note_is_split_and_kept_apart_from_the_text(seed):
    task = seed.by_ref()["三（一）1"]
    assert task.lead_units == ["市教育局"]
    assert task.responsible_units[:3] == ["市委组织部", "市委编办", "市人社局"]
    assert "牵头单位" not in task.text and task.text.endswith("选派。")


def test_seed_names_nineteen_municipal_departments_besides_the_drafter(seed):
    municipal = {n for n in seed.units() if guess_category(n, ("汉中",)).label == "市级部门"} - {"市教育局"}
    assert len(municipal) == 19
    assert {"市委组织部", "市委编办"} <= municipal


def test_text_numbering_forms_full_and_half_width_and_lost_punctuation():
    draft = parse_lines([
        "标题",
        "一、总体要求",
        "(一)第一项",
        "1推进甲工作。内容甲。",
        "2．推进乙工作。内容乙。",
        "3、推进丙工作。内容丙。",
        "2025年底完成全部任务。",
        "（1）细项一。",
        "①要点一",
        "二，保障",
    ])
    tasks = [c for c in draft if c.kind is ClauseKind.TASK]
    assert [(t.ref, t.heading) for t in tasks] == [("一（一）1", "推进甲工作"), ("一（一）2", "推进乙工作"),
                                                 ("一（一）3", "推进丙工作")]
    assert "2025年底完成全部任务。" in tasks[2].text  # a year is not a clause number
    point = draft.by_ref()["一（一）3（1）"]
    assert point.kind is ClauseKind.POINT
    assert draft.by_ref()["一（一）3（1）①"].kind is ClauseKind.SUBPOINT
    assert draft.by_ref()["二"].heading == "保障"


def test_unnumbered_paragraphs_belong_to_the_clause_above():
    draft = parse_lines(["标题", "一、总体要求", "第一段。", "第二段。", "二、目标"])
    assert draft.by_ref()["一"].text == "第一段。\n第二段。"


def test_regulation_style_articles_paragraphs_and_items():
    draft = parse_lines([
        "某市学校安全管理办法",
        "第一章 总则",
        "第一条 为了加强学校安全管理，制定本办法。",
        "第二条 本办法适用于本市中小学校。",
        "幼儿园参照执行。",
        "第二章 职责",
        "第三条 学校应当履行下列职责：",
        "（一）建立安全制度；",
        "（二）开展安全教育。",
        "第四条 教育部门应当有下列措施：",
        "（一）督导检查；",
        "对违反规定的，依法处理。",
    ])
    assert draft.style == "regulation"
    refs = draft.by_ref()
    assert refs["第一章"].heading == "总则" and refs["第一章"].kind is ClauseKind.CHAPTER
    assert refs["第三条"].kind is ClauseKind.ARTICLE and refs["第三条"].parent_ref == "第二章"
    assert refs["第二条第二款"].text == "幼儿园参照执行。"
    assert refs["第二条第一款"].text == "本办法适用于本市中小学校。"
    assert refs["第三条第（二）项"].kind is ClauseKind.ITEM
    # an item before the article's second paragraph belongs to its first 款
    assert refs["第四条第一款第（一）项"].text.startswith("督导检查")
    assert refs["第四条第二款"].kind is ClauseKind.PARAGRAPH


def test_noise_from_web_copies_is_removed_and_reported():
    draft = parse_lines([
        "行动计划",
        "┌──────┐",
        "一、总\u3000体要求",
        "推进教育發(fā)展。\u200b来源\ufffd网页",
        "└──────┘",
    ])
    part = draft.by_ref()["一"]
    assert part.heading == "总体要求"
    assert part.text == "推进教育發展。来源网页"
    said = " ".join(str(w) for w in draft.warnings)
    for word in ("表格边框", "拼音", "乱码", "不可见", "空格"):
        assert word in said


def test_traditional_script_kept_by_default_and_converted_on_request():
    lines = ["行動計劃", "一、總體要求", "堅持發展。（牽頭單位：市教育局；責任單位：市財政局）"]
    kept = parse_lines(lines)
    assert kept.by_ref()["一"].heading == "總體要求"
    simplified = parse_lines(lines, simplified=True)
    assert simplified.by_ref()["一"].heading == "总体要求"
    assert simplified.by_ref()["一"].responsible_units == ["市财政局"]


def test_columns_and_attachments_are_blocks_of_their_own_kind():
    draft = parse_lines([
        "规划", "一、重点任务", "1.建设学校。内容。", "专栏1 重点工程", "工程甲；工程乙。",
        "2.培训教师。内容。", "附件：重点项目表", "项目甲",
    ])
    refs = draft.by_ref()
    assert refs["专栏1"].kind is ClauseKind.COLUMN and refs["专栏1"].text == "工程甲；工程乙。"
    assert refs["一2"].parent_ref == "一"  # the next task closes the column
    assert refs["附件"].kind is ClauseKind.ATTACHMENT and refs["附件"].heading == "重点项目表"


def test_duplicate_numbers_get_distinct_refs_and_a_warning():
    draft = parse_lines(["标题", "一、甲", "一、乙"])
    assert [c.ref for c in draft] == ["一", "一#2"]
    assert any("重复" in str(w) for w in draft.warnings)


def test_preamble_and_title():
    draft = parse_lines(["某某三年行动计划", "（征求意见稿）", "为了做好工作，制定本计划。", "一、总体要求"])
    assert draft.title == "某某三年行动计划（征求意见稿）"
    assert draft.clauses[0].kind is ClauseKind.PREAMBLE and draft.clauses[0].text == "为了做好工作，制定本计划。"
