"""The clause tree: every numbering shape, repairs, noise, units, and fixing the tree by hand."""
import json
import re
from collections import Counter

import pytest

from feedback.commands import ScriptedInteraction, execute
from feedback.ledger import LedgerError
from feedback.outline import parse_lines
from feedback.outline_commands import ReshapeOutline, change_level, join_with_previous, split_at_line
from feedback.units import guess_category
from feedback.vocabulary import ClauseKind
from tests.fixtures import draft_shapes


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


# -- drafts of other shapes (tests/fixtures/draft_shapes.py) -----------------------------------


def _tree(draft):
    return [(c.ref, c.level) for c in draft]


def test_emergency_plan_decimal_numbering_and_typed_contents_skipped():
    draft = parse_lines(draft_shapes.emergency_plan())
    assert _tree(draft) == [
        ("1", 1), ("1.1", 2), ("1.2", 2), ("2", 1), ("2.1", 2), ("2.2", 2), ("3", 1), ("4", 1), ("4.1", 2),
        ("4.1.1", 3), ("4.1.1（1）", 4), ("4.1.1（2）", 4), ("4.1.2", 3), ("4.2", 2), ("5", 1)]
    refs = draft.by_ref()
    assert refs["1.1"].heading == "编制目的" and refs["4.1.1"].kind is ClauseKind.DECIMAL
    assert refs["4.2"].text == "1.5万名群众已安置完毕的，按程序终止响应。"  # a figure, not a number
    assert refs["5"].text == "本预案自　　年　　月　　日起施行。"  # the blanks are meant
    said = [str(w) for w in draft.warnings]
    assert any("目录（6行）" in w for w in said)
    assert not any("空格" in w or "编号不连续" in w for w in said)


def test_standard_numbered_to_four_levels():
    draft = parse_lines(draft_shapes.standard())
    assert [c.label for c in draft] == ["1", "2", "3", "3.1", "3.2", "3.2.7", "3.4", "3.4.1", "3.4.1.2", "3.2.0.7"]
    refs = draft.by_ref()
    assert (refs["3.4.1.2"].level, refs["3.4.1.2"].parent_ref) == (4, "3.4.1")
    assert refs["3.2.0.7"].parent_ref == "3"  # extends no open number deeper than 3
    assert refs["3.4.1.2"].text == "管网巡查每月不少于2次，发现漏损应在24 h内修复。"


def test_five_year_outline_with_books_chapters_sections_and_a_boxed_column():
    draft = parse_lines(draft_shapes.outline_plan())
    assert _tree(draft) == [
        ("第一篇", 1), ("第一章", 2), ("第一章第一节", 3), ("第一章第二节", 3), ("第二章", 2), ("第二篇", 1),
        ("第三章", 2), ("第三章第一节", 3), ("专栏1", 4), ("第三章第二节", 3)]
    refs = draft.by_ref()
    assert refs["第一篇"].kind is ClauseKind.BOOK and refs["第一章第一节"].kind is ClauseKind.DIVISION
    assert refs["专栏1"].text == "1.创新平台：建设省级重点实验室5个。\n2.人才工程：引进高层次人才100名。"
    assert refs["第三章第一节"].text == "支持企业牵头组建创新联合体。"  # the box ended


def test_special_plan_with_chapters_and_parts_no_articles_and_unit_wordings():
    draft = parse_lines(draft_shapes.special_plan())
    assert [c.ref for c in draft] == [
        "前言", "第一章", "第一章一", "第一章二", "第二章", "第二章一", "第二章二", "第三章", "第三章一",
        "第三章一（一）", "第三章一（二）", "第三章二", "第三章二（一）"]
    refs = draft.by_ref()
    assert (refs["第三章一（一）"].lead_units, refs["第三章一（一）"].responsible_units) == (
        ["市公安局"], ["市发展改革委", "市人社局"])
    assert (refs["第三章一（二）"].lead_units, refs["第三章一（二）"].responsible_units) == (
        ["市教育局"], ["市财政局", "市卫生健康委"])
    assert refs["第三章一（二）"].text == "推进基本公共服务均等化。保障随迁子女平等接受教育。"
    assert (refs["第三章二（一）"].lead_units, refs["第三章二（一）"].responsible_units) == (
        ["市发展改革委"], ["各区县政府"])
    assert refs["第三章二（一）"].text == "建设现代化都市圈。"


def test_regulation_spaces_after_labels_are_not_noise_and_placeholders_kept():
    draft = parse_lines([line.replace("总则", "总　　则") for line in draft_shapes.regulation()])
    assert draft.by_ref()["第一章"].heading == "总则"
    assert not any("空格" in str(w) for w in draft.warnings)
    refs = draft.by_ref()
    assert refs["第十一条"].text == "本条例自　　年　　月　　日起施行。"
    assert [c.ref for c in draft if c.parent_ref == "第十条"] == ["第十条第一款", "第十条第二款"]


def test_parts_above_plan_numbering():
    draft = parse_lines(draft_shapes.parts_plan())
    assert _tree(draft) == [
        ("第一部分", 1), ("第一部分一", 2), ("第一部分二", 2), ("第二部分", 1), ("第二部分一", 2),
        ("第二部分一（一）", 3), ("第二部分一（二）", 3), ("第三部分", 1), ("第三部分一", 2)]
    assert draft.by_ref()["第二部分"].kind is ClauseKind.SEGMENT
    assert draft.by_ref()["第二部分"].heading == "重点任务"


def test_regulation_copied_from_pdf_rejoined_without_page_furniture():
    draft = parse_lines(draft_shapes.pdf_copy())
    assert [c.ref for c in draft] == [
        "第一章", "第一条", "第二条", "第三条", "第二章", "第四条", "第五条", "第五条第一款", "第五条第二款",
        "第三章", "第六条", "第七条", "第七条第一款", "第七条第一款第（一）项", "第七条第一款第（二）项",
        "第七条第二款", "第八条"]
    refs = draft.by_ref()
    assert refs["第一条"].text.endswith("《城市绿化条例》①第十二条的规定，结合本市实际，制定本条例。\n"
                                     "注①《城市绿化条例》于1992年6月22日由国务院公布。")  # the footnote kept as a note
    assert refs["第三条"].text.endswith("其他有关部门按照各自职责做好相关工作。")  # across a page break
    assert refs["第七条第二款"].text == ("违反本条例第七条规定的，由城市绿化主管部门责令改正，可以并处每平方米"
                                    "二十元以上二百元以下罚款，一、二年内不得申请绿化工程。")
    text = json.dumps(draft.to_json(), ensure_ascii=False)
    assert "公报" not in text and "— 2 —" not in text
    said = [str(w) for w in draft.warnings]
    assert any("页码4处、页眉页脚4处" in w for w in said) and any("断行" in w for w in said)
    assert "已把1条页下脚注作为注释保留在所注的条款中" in said


def test_unit_wordings_in_plan_tasks():
    draft = parse_lines([
        "方案", "一、任务",
        "1.优化审批。（县发展改革局牵头，县财政局、县住建局按职责分工负责）",
        "2.强化监管。县市场监管局牵头，县公安局配合。",
        "3.加强宣传。",
        "牵头单位：县委宣传部",
        "配合单位：县融媒体中心",
        "4.坚持党委领导、政府牵头，部门协同。",
        "5.完善机制。牵头单位：县教育局；责任单位：县财政局。",
    ])
    units = [(c.lead_units, c.responsible_units) for c in draft if c.kind is ClauseKind.TASK]
    assert units == [(["县发展改革局"], ["县财政局", "县住建局"]), (["县市场监管局"], ["县公安局"]),
                     (["县委宣传部"], ["县融媒体中心"]), ([], []), (["县教育局"], ["县财政局"])]
    assert [c.text for c in draft if c.kind is ClauseKind.TASK] == [
        "优化审批。", "强化监管。", "加强宣传。", "坚持党委领导、政府牵头，部门协同。", "完善机制。"]


@pytest.mark.parametrize("lines", [
    ["标题", "第一章 总则", "一、目的", "第一节 范围"],
    ["第一篇 甲", "第一节 乙", "1.1 丙", "（一）丁", "第一条 戊", "① 己", "1.2 庚"],
    ["1 总则", "第一条 甲", "第二条 乙", "1.1 目的", "一、丙", "附件1", "（1）丁"],
    ["", "）", "、", "第条", "1.", "专栏", "附件", "|", "||", "目录", "1……3"],
    ["第" + "一" * 200 + "章 x", "9" * 400, "（" * 50],
])
def test_any_combination_of_numbering_gives_a_tree_never_an_exception(lines):
    draft = parse_lines(lines)
    assert len({c.ref for c in draft}) == len(draft.clauses)
    kept = "".join(c.text + c.heading + c.label for c in draft) + draft.title
    for line in lines:
        for word in re.findall(r"[甲乙丙丁戊己庚]", line):
            assert word in kept


def test_a_parser_failure_degrades_to_a_flat_list_with_a_warning(monkeypatch):
    from feedback import outline

    def broken(*args):
        raise KeyError("chapter")

    monkeypatch.setattr(outline, "_build_tree", broken)
    draft = parse_lines(["标题", "第一章 总则", "一、目的", "正文。"])
    assert [(c.label, c.level) for c in draft] == [("前言", 1), ("第一章", 1), ("一、", 1)]
    assert draft.clauses[-1].text == "目的\n正文。"
    assert any("平铺" in str(w) for w in draft.warnings)


def test_a_tree_that_looks_wrong_says_so():
    draft = parse_lines(["标题"] + ["这是没有编号的一段很长的正文内容，起草人用了别的编号方式。" * 3] * 20)
    assert any("前言" in str(w) and "请检查" in str(w) for w in draft.warnings)
    gaps = parse_lines(["标题", "1 总则", "1.1 目的", "1.3 范围", "2 职责", "2.1 指挥部", "2.2 办公室"])
    assert "请检查：编号有1处不连续，可能有条款没有识别出来或被误认" in [str(w) for w in gaps.warnings]
    huge = parse_lines(["标题", "一、总体要求", "短。", "二、重点任务"] + ["推进各项工作落实。" * 40] * 20)
    assert any("条款“二”过长" in str(w) for w in huge.warnings)
    assert not any("请检查" in str(w) for w in parse_lines(draft_shapes.special_plan()).warnings)


# -- fixing the tree by hand (feedback/outline_commands.py) --------------------------------------


def test_a_wrapped_line_taken_for_an_article_is_joined_back():
    draft = parse_lines(["条例", "第一条 为了规范管理，根据《某某法》", "第十二条的规定，制定本办法。",
                         "第二条 本办法适用于本市。", "第三条 本办法自发布之日起施行。"])
    assert [c.ref for c in draft if c.kind is ClauseKind.ARTICLE] == ["第一条", "第二条", "第三条"]
    assert draft.by_ref()["第一条第二款"].text == "第十二条的规定，制定本办法。"  # a citation, not an article
    draft = parse_lines(["条例", "第一条 为了规范管理。", "第二条 本办法适用于本市。", "第三条 本办法自发布之日起施行。"])
    joined = join_with_previous(draft.clauses, "第二条")
    assert [c.ref for c in joined.clauses] == ["第一条", "第三条"]
    assert joined.clauses[0].text == "为了规范管理。\n第二条本办法适用于本市。"
    assert joined.ref_map == {"第二条": "第一条"}


def test_level_changes_move_the_subtree_and_refuse_what_cannot_be():
    draft = parse_lines(draft_shapes.parts_plan())
    lowered = change_level(draft.clauses, "第二部分", +1)
    assert [(c.ref, c.level) for c in lowered.clauses][:7] == [
        ("第一部分", 1), ("第一部分一", 2), ("第一部分二", 2), ("第二部分", 2), ("第二部分一", 3),
        ("第二部分一（一）", 4), ("第二部分一（二）", 4)]
    assert lowered.clauses[3].parent_ref == "第一部分" and lowered.ref_map == {}
    with pytest.raises(LedgerError, match="最高一级"):
        change_level(draft.clauses, "第一部分", -1)
    with pytest.raises(LedgerError, match="没有同级条款"):
        change_level(draft.clauses, "第一部分一", +1)
    raised = change_level(draft.clauses, "第二部分一（一）", -1)
    assert raised.ref_map == {"第二部分一（一）": "第二部分（一）", "第二部分一（二）": "第二部分（一）（二）"}


def test_split_at_a_line_with_a_number_gives_that_clause():
    draft = parse_lines(["方案", "一、任务", "1.推进工作。内容。", "5落实责任。内容。"])  # not the next number
    lines = draft.by_ref()["一1"].text.split("\n")
    assert lines == ["推进工作。内容。", "5落实责任。内容。"]
    split = split_at_line(draft.clauses, "一1", 1)
    assert [(c.ref, c.label, c.heading) for c in split.clauses] == [
        ("一", "一、", "任务"), ("一1", "1.", "推进工作"), ("一5", "5.", "落实责任")]
    with pytest.raises(LedgerError, match="不能在第3行"):
        split_at_line(draft.clauses, "一1", 2)


def test_reshaping_a_stored_version_moves_its_comments_and_undoes(tmp_path):
    from storage.project import Project

    draft = parse_lines(["方案", "一、任务", "1.推进工作。", "第二段正文。", "2.落实责任。", "二、保障"])
    with Project.create(tmp_path / "p.yjt", draft) as project:
        unit = project.add_unit("市公安局", "市级部门").ids[0]
        project.add_round()
        project.add_comments([dict(round_number=1, unit_id=unit, clause_ref="一2", body="建议细化。"),
                              dict(round_number=1, unit_id=unit, clause_ref="一1", body="改一下。",
                                   quoted_text="第二段正文")])
        talk = ScriptedInteraction()
        join = ReshapeOutline(project, 1, lambda clauses: join_with_previous(clauses, "一2"))
        assert execute(join, talk).message == "已将“2.落实责任”并入“1.推进工作”"
        assert [c.ref for c in project.clauses()] == ["一", "一1", "二"]
        assert [c.clause_ref for c in project.comments()] == ["一1", "一1"]
        assert project.search("落实责任")  # the index follows
        join.undo()
        assert [c.ref for c in project.clauses()] == ["一", "一1", "一2", "二"]
        assert [c.clause_ref for c in project.comments()] == ["一2", "一1"]
        split = ReshapeOutline(project, 1, lambda clauses: split_at_line(clauses, "一1", 1))
        execute(split, talk)
        assert [c.ref for c in project.clauses()] == ["一", "一1", "一1（续）", "一2", "二"]
        assert [c.clause_ref for c in project.comments()] == ["一2", "一1（续）"]  # the quote went along
        refused = ReshapeOutline(project, 1, lambda clauses: change_level(clauses, "一", -1))
        assert execute(refused, talk) is None and "最高一级" in talk.messages[-1]


def test_wrapped_lines_starting_with_numbers_continue_their_sentence():
    draft = parse_lines(draft_shapes.wrapped_numbers())
    assert [c.ref for c in draft] == ["第五条", "第六条", "第七条"]
    refs = draft.by_ref()
    assert "并按照本条例第十二条的规定予以处罚" in refs["第五条"].text
    assert "累计超过人民币3.5万元的，应当报市人民政府批准。" in refs["第六条"].text
    assert refs["第七条"].text.endswith("且自处罚决定作出之日起一、二年内不得承担政府投资的城市绿化工程。")


def test_articles_with_bracketed_headings_and_inserted_articles():
    draft = parse_lines(["某条例", "第一条（目的）为了规范管理，制定本条例。", "第二条（定义）本条例所称绿地，是指……",
                         "第二条之一 绿地分为公园绿地和防护绿地。", "第三条（适用）依照本条例第二条之一的规定执行。"])
    assert [(c.ref, c.heading) for c in draft] == [("第一条", "目的"), ("第二条", "定义"), ("第二条之一", ""),
                                                  ("第三条", "适用")]
    assert draft.by_ref()["第二条之一"].text == "绿地分为公园绿地和防护绿地。"


def test_glued_contents_with_dot_leaders_is_skipped_before_lines_are_rejoined():
    draft = parse_lines(draft_shapes.glued_contents_plan())
    assert [c.ref for c in draft] == ["1", "1.1", "1.2", "1.3", "1.4", "1.5", "2", "2.1", "2.2", "2.3",
                                      "3", "3.1", "3.2"]
    assert draft.by_ref()["1.1"].parent_ref == "1" and draft.by_ref()["1"].heading == "总则"
    assert draft.by_ref()["3.2"].text == "县卫健局负责组织医疗救治工作。"
    said = [str(w) for w in draft.warnings]
    assert any("目录（13行）" in w for w in said)
    assert not any("断行" in w or "编号" in w for w in said)


def test_chapters_listed_at_the_top_without_the_word_contents_are_no_clauses():
    draft = parse_lines(draft_shapes.untitled_contents_regulation())
    chapters = [c.ref for c in draft if c.kind is ClauseKind.CHAPTER]
    assert chapters == [f"第{n}章" for n in "一二三四五六"]
    assert [c.parent_ref for c in draft if c.kind is ClauseKind.ARTICLE][:2] == ["第一章", "第一章"]
    assert draft.by_ref()["第一条"].heading == "第1条的标题"
    said = [str(w) for w in draft.warnings]
    assert any("目录（6行）" in w for w in said)
    assert not any("重复" in w or "不连续" in w for w in said)


def test_contents_whose_top_numbers_were_lost_is_skipped():
    draft = parse_lines(draft_shapes.lost_number_contents_plan())
    assert _tree(draft) == [("1", 1), ("1.1", 2), ("1.2", 2), ("2", 1), ("2.1", 2), ("2.2", 2), ("3", 1)]
    assert draft.by_ref()["3"].text == "本预案自印发之日起施行。"
    assert any("目录（7行）" in str(w) for w in draft.warnings)


def test_draft_in_traditional_characters_keeps_its_structure_and_units_as_written():
    draft = parse_lines(draft_shapes.traditional_regulation())
    assert _tree(draft) == [("第一章", 1), ("第一条", 2), ("第二条", 2), ("第二条第一款", 3), ("第二条第二款", 3),
                            ("第三条", 2), ("第三条第（一）项", 3), ("第三条第（二）项", 3), ("第二章", 1),
                            ("第四条", 2)]
    refs = draft.by_ref()
    assert refs["第一条"].heading == "立法目的" and refs["第一章"].heading == "總則"
    assert refs["第二条第二款"].text == "本條例所稱人才，是指具有一定的專業知識或者專門技能的勞動者。"
    plan = parse_lines(draft_shapes.traditional_plan())
    assert [c.ref for c in plan] == ["一", "一1", "一2", "二", "二3"]
    task = plan.by_ref()["一1"]
    assert task.lead_units == ["市政府辦公室", "市行政審批服務局"]
    assert task.responsible_units == ["市級各有關部門", "各縣市區政府"]
    assert task.text.endswith("市、縣兩級行政許可事項清單。")
    assert plan.by_ref()["二3"].lead_units == ["市市場監管局"]


def test_standard_terms_numbered_on_their_own_line_and_its_spaces_are_not_noise():
    draft = parse_lines(draft_shapes.terms_standard())
    assert _tree(draft) == [("1", 1), ("2", 1), ("3", 1), ("3.1", 2), ("3.2", 2), ("4", 1), ("4.1", 2),
                            ("4.1.1", 3), ("4.1.2", 3)]
    refs = draft.by_ref()
    assert refs["3.1"].heading == "城镇燃气设施\u3000city gas facilities"
    assert refs["3.1"].text == "用于燃气储存、输配和应用的场站、管网及用户设施。"
    assert refs["2"].text.endswith("GB 50028\u3000城镇燃气设计规范")
    assert refs["4.1.1"].text.endswith("a) 应掌握燃气的基本性质；\nb) 应熟悉设施的工艺流程。")
    assert not any("空格" in str(w) for w in draft.warnings)


def test_space_between_the_phrases_of_a_heading_is_kept_without_a_warning():
    draft = parse_lines(draft_shapes.spaced_phrase_headings())
    assert draft.by_ref()["第二篇"].heading == "坚持创新驱动发展\u3000全面塑造发展新优势"
    assert draft.by_ref()["前言"].text == "某市人民政府市长\u3000某某某"
    assert [c.ref for c in draft][1:] == ["第一篇", "第一章", "第二篇", "第二章"]
    assert not any("空格" in str(w) for w in draft.warnings)


def test_figure_starting_a_continued_line_is_no_decimal_clause():
    draft = parse_lines(draft_shapes.figures_at_line_start_plan())
    assert _tree(draft) == [("1", 1), ("1.1", 2), ("1.2", 2), ("2", 1), ("2.1", 2), ("2.2", 2), ("3", 1),
                            ("3.1", 2)]
    text = draft.by_ref()["1.1"].text
    assert "2.5 亿元用于水利设施建设" in text and text.endswith("1.2 亿元，各乡镇自筹资金共计约三千万元，基本满足需要。")
    assert draft.by_ref()["2.2"].heading == "人员分工" and draft.by_ref()["3.1"].heading == "人力资源保障"
    assert not any("编号" in str(w) for w in draft.warnings)


def test_space_after_an_article_number_in_traditional_characters_is_not_noise():
    # 山西省鄉村振興責任制實施細則 as reposted: ``第一章 總 則``, ``第一條 為了…``
    lines = [re.sub(r"^(第.條)【[^】]*】", r"\1 ", line).replace("總則", "總 則")
             for line in draft_shapes.traditional_regulation()]
    draft = parse_lines(lines)
    assert draft.by_ref()["第一条"].text.startswith("為了落實人才強國戰略")
    assert draft.by_ref()["第一章"].heading == "總則"
    assert not any("空格" in str(w) for w in draft.warnings)


def test_paragraph_broken_by_a_page_goes_on_in_its_article_not_as_a_new_paragraph():
    draft = parse_lines(draft_shapes.page_broken_regulation())
    refs = draft.by_ref()
    assert refs["第三条"].text == "示范资金管理实行“示范先行、突出重点、公平公开、确保实效、专款专用、强化监管”的原则。"
    assert [c.ref for c in draft if c.parent_ref == "第四条"] == ["第四条第一款", "第四条第二款"]  # 资金用途 is a heading line
    assert refs["第五条第一款"].text == "中央财政在示范期3年共补助我省9亿元；省财政按与中央资金1:1的比例配套。"
    assert refs["第五条第二款"].text == "省级配套资金分年度下达。"
    assert not any(c.ref.startswith("第三条第") for c in draft)
    assert any("接回上一段" in str(w) and "页码1处" in str(w) for w in draft.warnings)


def test_notes_naming_units_without_a_lead_are_read():
    refs = parse_lines(draft_shapes.responsible_only_notes_plan()).by_ref()
    assert (refs["一1"].lead_units, refs["一1"].responsible_units) == ([], ["县交通运输局"])
    assert refs["一1"].text == "建设产业园区。完善园区道路、管网等基础设施。"
    assert (refs["一2"].lead_units, refs["一2"].responsible_units) == ([], ["县财政局", "县发展改革局"])
    assert (refs["一3"].lead_units, refs["一3"].responsible_units) == (["县发展改革局"], ["县财政局", "县住建局"])
    assert (refs["一4"].lead_units, refs["一4"].responsible_units) == ([], [])
    assert refs["一4"].text.endswith("（具体办法由县人民政府另行负责）")


def test_first_paragraph_does_not_take_its_articles_bracketed_title():
    refs = parse_lines(draft_shapes.traditional_regulation(), simplified=True).by_ref()
    assert refs["第二条"].heading == "适用范围"
    assert (refs["第二条第一款"].heading, refs["第二条第二款"].heading) == ("", "")
    assert refs["第二条第一款"].text.startswith("【适用范围】特区内人才引进")  # the words as written, kept


def test_title_set_on_two_lines_is_one_title():
    draft = parse_lines(draft_shapes.two_line_title_plan())
    assert draft.title == "某区政府2023年重点工作任务分解和责任分工方案"
    preamble = draft.by_ref()["前言"].text
    assert preamble.startswith("某区人民政府\n2023年3月28日\n(此件公开发布)") and "重点工作\n任务" not in preamble
    assert draft.by_ref()["一1"].lead_units == ["区发改局"]


def test_standard_appendices_numbered_with_letters():
    draft = parse_lines(draft_shapes.standard_with_appendices())
    assert _tree(draft) == [("1", 1), ("2", 1), ("2.1", 2), ("2.1.1", 3), ("附录A", 1), ("A.1", 2), ("A.1.1", 3),
                            ("A.2", 2), ("附录B", 1), ("B.1", 2)]
    refs = draft.by_ref()
    assert (refs["附录A"].heading, refs["附录A"].text) == ("巡查记录表", "（规范性）")
    assert refs["A.2"].text == "巡查记录应保存3年，见表A.1。"
    assert refs["2.1.1"].text == "应建立巡查制度，巡查记录格式见附录A。"
    assert not draft.warnings


def test_paragraph_after_a_table_in_an_article_is_its_next_paragraph():
    from feedback.draft import SourceBlock
    from feedback.outline import parse_blocks
    blocks = [SourceBlock(text="某市城市绿化管理条例"), SourceBlock(text="第一条　本条例适用于本市城市规划区。"),
              SourceBlock(text="第二条　临时占用城市绿地的，应当按照下列标准缴纳补偿费："),
              SourceBlock(text="", rows=draft_shapes.FEE_TABLE),
              SourceBlock(text="补偿费由城市绿化主管部门收取。")]
    draft = parse_blocks(blocks)
    assert [c.ref for c in draft if c.parent_ref == "第二条"] == ["第二条第一款", "第二条第二款"]
    assert draft.by_ref()["第二条第一款"].text.endswith("防护绿地 ｜ 10")
    assert draft.by_ref()["第二条第二款"].text == "补偿费由城市绿化主管部门收取。"
    assert not draft.warnings


def test_report_copied_from_pdf_with_ascii_commas_and_a_lone_page_number():
    draft = parse_lines(draft_shapes.report_pdf_copy())
    assert [c.ref for c in draft] == ["前言", "一", "二"]
    text = draft.by_ref()["一"].text
    assert "提升质量,壮大实力,发展能级稳步提升。" in text  # the sentence the page broke, rejoined
    assert "- 2 -" not in text and "年均增长 8.3%;固定资产投资" in text
    assert "推动高质量发展,较好地完成了主要目标任务。" in text
    assert draft.by_ref()["前言"].text == "我代表县人民政府,向大会报告工作,请予审议,并请县政协委员和其他列席人员提出意见。"
    assert "一是文化旅游产业蓬勃发展。" in text  # 一是 stays in its clause
    said = [str(w) for w in draft.warnings]
    assert any("页码1处" in w for w in said)


def test_articles_past_the_nine_hundred_and_ninety_ninth():
    """A code as long as the Civil Code (1,260 articles, 第一千条 onwards) keeps every article apart."""
    from feedback.numerals import int_to_chinese
    from feedback.references import resolve_reference

    lines = ["某某法典（草案）", "第一章　一般规定"] + [f"第{int_to_chinese(n)}条　本法规定的第{n}项事务。" for n in range(1, 1261)]
    draft = parse_lines(lines)
    articles = [c.ref for c in draft.clauses if c.kind is ClauseKind.ARTICLE]
    assert len(articles) == 1260 and articles[999:1001] == ["第一千条", "第一千零一条"]
    assert articles[-1] == "第一千二百六十条"
    match = resolve_reference("建议删除第一千零一条。", draft)
    assert match.ref == "第一千零一条" and match.certain
