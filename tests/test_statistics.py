"""The statistics function: counts that always add up, for any ledger."""
import re
from collections import Counter
from datetime import date, timedelta

from hypothesis import given, settings, strategies as st

from feedback.statistics import ClauseTally, CommentTally, RoundInfo, UnitInfo, compute_statistics
from feedback.vocabulary import Disposition, ReplyState, UnitCategory

CATEGORIES = [c.label for c in UnitCategory]
WORK_ITEMS = ["校园安全管理工作", "清廉学校建设", "作风问题专项整治工作"]


@st.composite
def ledgers(draw):
    unit_count = draw(st.integers(1, 25))
    units = [UnitInfo(i, f"{i}号单位", draw(st.sampled_from(CATEGORIES))) for i in range(1, unit_count + 1)]
    rounds = []
    for number in range(1, draw(st.integers(1, 3)) + 1):
        recipients = draw(st.lists(st.sampled_from(units), unique=True, max_size=unit_count))
        states = {u.id: draw(st.sampled_from(["none", "no_comments"])) for u in recipients}
        rounds.append(RoundInfo(number, "written", date(2023, 4, 10) + timedelta(days=number * 10), states))
    comments = draw(st.lists(st.tuples(
        st.sampled_from([r.number for r in rounds]), st.sampled_from(units),
        st.sampled_from(list(Disposition)), st.sampled_from(WORK_ITEMS),
        st.sampled_from(["一", "一（一）1", "二", "总体意见"])), max_size=60))
    today = date(2023, 4, 10) + timedelta(days=draw(st.integers(0, 60)))
    return units, rounds, comments, today


def tallies(comments):
    by_unit = Counter((r, u.id, d.value, w if d is Disposition.IN_WORK else "") for r, u, d, w, _ in comments)
    by_clause = Counter((r, ref) for r, _, _, _, ref in comments)
    return ([CommentTally(*key, count) for key, count in by_unit.items()],
            [ClauseTally(*key, count) for key, count in by_clause.items()])


def sentence_parts(sentence):
    """Every 'N条' the sentence gives for a part of the total (units' and public comments together)."""
    written = re.search(r"共收集意见建议(\d+)条", sentence)
    public = re.search(r"(?:共收到社会公众意见建议\d+人次，归并整理为|共收到社会公众意见建议)(\d+)条", sentence)
    total = sum(int(m.group(1)) for m in (written, public) if m)
    parts = [int(n) for n in re.findall(r"(?:采纳|部分采纳|未采纳)(\d+)条", sentence)]
    parts += [int(n) for n in re.findall(r"(\d+)条建议将在", sentence)]
    parts += [int(n) for n in re.findall(r"尚有(\d+)条正在研究处理", sentence)]
    return total, parts


@settings(max_examples=300, deadline=None)
@given(ledgers(), st.booleans())
def test_parts_always_add_up_to_the_total(ledger, one_round):
    units, rounds, comments, today = ledger
    comment_tallies, clause_tallies = tallies(comments)
    round_number = rounds[0].number if one_round else None
    chosen = [c for c in comments if round_number in (None, c[0])]
    stats = compute_statistics(units, rounds, comment_tallies, clause_tallies, today=today, round_number=round_number)

    assert stats.comments_total == len(chosen)
    assert sum(stats.by_disposition.values()) == stats.comments_total
    assert sum(stats.by_unit.values()) == stats.comments_total
    assert sum(stats.by_category.values()) == stats.comments_total
    assert sum(stats.by_clause.values()) == stats.comments_total
    assert sum(stats.units_consulted.values()) == (
        stats.replied_with_comments + stats.replied_no_comments + stats.overdue + stats.not_replied)
    assert stats.replied_with_comments == len({c[1].id for c in chosen if c[1].category != UnitCategory.PUBLIC.label})
    assert UnitCategory.PUBLIC.label not in stats.units_consulted  # the public is never a consulted unit
    assert stats.written_total + stats.public_items == stats.comments_total
    total, parts = sentence_parts(stats.sentence)
    assert total == stats.comments_total
    if total:
        assert sum(parts) == total, stats.sentence


def test_units_count_once_over_several_rounds():
    units = [UnitInfo(1, "市公安局", "市级部门"), UnitInfo(2, "洋县", "县区")]
    rounds = [RoundInfo(1, "written", date(2023, 4, 12), {1: "none", 2: "no_comments"}),
              RoundInfo(2, "written", date(2023, 6, 1), {1: "none", 2: "none"})]
    comment_tallies = [CommentTally(2, 1, "adopted", "", 1)]
    stats = compute_statistics(units, rounds, comment_tallies, [], today=date(2023, 7, 1))
    assert stats.units_consulted == {"市级部门": 1, "县区": 1}
    assert (stats.replied_with_comments, stats.replied_no_comments, stats.overdue) == (1, 1, 0)
    first = compute_statistics(units, rounds, comment_tallies, [], today=date(2023, 7, 1), round_number=1)
    assert (first.replied_with_comments, first.overdue, first.comments_total) == (0, 1, 0)
    assert first.unit_states[1] is ReplyState.OVERDUE


def test_sentence_in_the_form_drafters_write():
    units = [UnitInfo(i, f"市部门{i}", "市级部门") for i in range(1, 20)]
    units += [UnitInfo(100 + i, f"县{i}", "县区") for i in range(11)]
    units += [UnitInfo(200, "市公安局", "市级部门")]
    rounds = [RoundInfo(1, "written", date(2023, 4, 12), {u.id: "no_comments" for u in units})]
    comment_tallies = [CommentTally(1, 1, "adopted", "", 21), CommentTally(1, 2, "rejected", "", 8),
                       CommentTally(1, 200, "in_work", "校园安全管理工作", 1)]
    stats = compute_statistics(units, rounds, comment_tallies, [], today=date(2023, 4, 27))
    assert stats.sentence == (
        "书面征求了20个市级有关部门、11个县区的意见建议，共收集意见建议30条，其中：采纳21条、未采纳8条；"
        "市公安局1条建议将在校园安全管理工作中抓好落实；其他部门、单位无修改意见。")


def test_public_comments_are_counted_apart_in_person_times_and_grouped_items():
    units = [UnitInfo(1, "市公安局", "市级部门"), UnitInfo(2, "洋县", "县区"),
             UnitInfo(3, "社会公众（网上征求意见）", UnitCategory.PUBLIC.label)]
    rounds = [RoundInfo(1, "written", date(2023, 4, 12), {1: "none", 2: "no_comments"}),
              RoundInfo(2, "online", date(2023, 5, 12), {3: "with_comments"})]
    comment_tallies = [CommentTally(1, 1, "adopted", "", 2),
                       CommentTally(2, 3, "adopted", "", 3, submissions=40),
                       CommentTally(2, 3, "rejected", "", 1, submissions=1)]
    stats = compute_statistics(units, rounds, comment_tallies, [], today=date(2023, 6, 1))
    assert stats.sentence == (
        "书面征求了1个市级有关部门、1个县区的意见建议，共收集意见建议2条，其中：采纳2条；其他部门、单位无修改意见。"
        "在网上公开征求社会意见，共收到社会公众意见建议41人次，归并整理为4条，其中：采纳3条、未采纳1条。")
    assert (stats.public_submissions, stats.public_items, stats.written_total) == (41, 4, 2)
    assert stats.units_consulted == {"市级部门": 1, "县区": 1}
    assert "社会公众" not in stats.units_consulted and "位社会公众" not in stats.sentence


def test_a_round_still_open_says_so_and_never_claims_no_comments():
    units = [UnitInfo(1, "市公安局", "市级部门"), UnitInfo(2, "洋县", "县区")]
    rounds = [RoundInfo(1, "written", date(2023, 4, 12), {1: "none", 2: "none"})]
    stats = compute_statistics(units, rounds, [], [], today=date(2023, 4, 11))
    assert "均无修改意见" not in stats.sentence
    assert stats.sentence == ("书面征求了1个市级有关部门、1个县区的意见建议，共收集意见建议0条。"
                              "第1轮征求意见尚未截止，截止日期为2023年4月12日，尚有2个单位未反馈。")
    assert stats.open_rounds == [1]
    closed = compute_statistics(units, rounds, [], [], today=date(2023, 4, 13))
    assert closed.sentence.endswith("各部门、单位均无修改意见（其中2个单位逾期未反馈，视为无意见）。")
    assert closed.open_rounds == []


def test_stats_json_reports_the_public_apart(tmp_path, capsys):
    import json

    from tests.fixtures.consultations import taxi_regulation
    from ui.cli import run

    taxi_regulation(tmp_path / "出租汽车.yjt").close()
    assert run(["stats", str(tmp_path / "出租汽车.yjt"), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert (stats["public_submissions"], stats["public_items"], stats["written_total"]) == (16, 3, 4)
    assert "社会公众" not in stats["units_consulted"]
    assert "共收到社会公众意见建议16人次，归并整理为3条" in stats["sentence"]
    assert run(["stats", str(tmp_path / "出租汽车.yjt")]) == 0
    assert "社会公众意见：16人次，归并为3条" in capsys.readouterr().out


def test_with_nobody_consulted_the_sentence_says_so():
    stats = compute_statistics([UnitInfo(1, "市公安局", "市级部门")], [], [], [], today=date(2023, 4, 1))
    assert stats.sentence == "尚未向有关单位征求意见。"


def test_a_later_round_still_open_to_units_that_answered_an_earlier_one_says_so():
    """Units that commented in round 1 and are asked again in round 2 still owe round 2 an answer."""
    units = [UnitInfo(1, "市司法局", "市级部门"), UnitInfo(2, "市财政局", "市级部门"), UnitInfo(3, "洋县", "县区")]
    rounds = [RoundInfo(1, "written", date(2025, 4, 20), {1: "with_comments", 2: "with_comments", 3: "none"}),
              RoundInfo(2, "written", date(2025, 7, 30), {1: "none", 2: "none"})]
    stats = compute_statistics(units, rounds, [CommentTally(1, 1, "adopted", "", 1),
                                               CommentTally(1, 2, "rejected", "", 1)], [],
                               today=date(2025, 7, 1))
    assert stats.open_rounds == [2]
    assert stats.sentence.endswith("第2轮征求意见尚未截止，截止日期为2025年7月30日，尚有2个单位未反馈。")
