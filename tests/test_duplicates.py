"""Grouping identical and nearly identical public comments."""
import random

from hypothesis import given, settings, strategies as st
from rapidfuzz import fuzz

from feedback.duplicates import group_duplicates, normalize, normalize_all
from feedback.progress import Cancelled, Progress

BASE = "建议将农村学校教师周转宿舍建设纳入年度计划，并明确资金来源"


def brute_force(texts, threshold=90):
    """Single linkage over every pair of normalized texts: what the fast grouping must equal."""
    keys = [normalize(t) or t.strip() or t for t in texts]
    parent = list(range(len(texts)))

    def find(i):
        while parent[i] != i:
            i = parent[i]
        return i

    for i in range(len(texts)):
        for j in range(i):
            if keys[i] == keys[j] or fuzz.ratio(keys[i], keys[j]) >= threshold:
                parent[max(find(i), find(j))] = min(find(i), find(j))
    groups = {}
    for i in range(len(texts)):
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values())


def test_normalize_folds_script_width_case_and_punctuation():
    assert normalize("建議：加強 ＡＢＣ 課程！！") == normalize("建议加强abc课程") == "建议加强abc课程"


def test_exact_and_near_duplicates_are_one_group_unrelated_texts_stay_apart():
    texts = [BASE] * 5 + [BASE + "。", BASE.replace("明确", "落实"), "完全不同的意见：加强体育课", BASE[:10]]
    groups = group_duplicates(texts)
    assert [g.members for g in groups] == [[0, 1, 2, 3, 4, 5, 6], [7], [8]]
    assert groups[0].representative == 0 and groups[0].count == 7


def test_ten_thousand_identical_submissions_are_one_group():
    texts = ["支持！"] * 10_000 + ["反对"] * 3
    groups = group_duplicates(texts)
    assert [g.count for g in groups] == [10_000, 3]


def test_the_most_frequent_wording_represents_the_group():
    texts = [BASE + "。", BASE, BASE, BASE + "！"]
    (group,) = group_duplicates(texts)
    assert texts[group.representative] == BASE


def test_threshold_edges():
    a = "甲" * 10 + "乙" * 10
    b = "甲" * 10 + "乙" * 8 + "丙丙"  # ratio 90
    c = "甲" * 10 + "乙" * 7 + "丙丙丙"  # ratio 85
    assert fuzz.ratio(a, b) == 90 and fuzz.ratio(a, c) == 85
    assert [g.members for g in group_duplicates([a, b])] == [[0, 1]]
    assert [g.members for g in group_duplicates([a, c])] == [[0], [1]]


def test_progress_can_cancel():
    rnd = random.Random(3)
    texts = ["".join(rnd.choice("教育学校课程老师学生家长质量") for _ in range(30)) for _ in range(5000)]
    try:
        group_duplicates(texts, progress=Progress(cancelled=lambda: True))
    except Cancelled:
        return
    raise AssertionError("not cancelled")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([BASE, BASE + "。", BASE.replace("资金", "经费"), BASE[:-3] + "来源问题",
                                 "加强体育", "加强体育课", "加强美育", "减轻作业负担", "减轻学生作业负担", "完全无关"]),
                min_size=1, max_size=25),
       st.lists(st.text(alphabet="教育学校课程质量", min_size=1, max_size=12), max_size=10))
def test_same_groups_as_comparing_every_pair(chosen, noise):
    texts = chosen + noise
    assert sorted(g.members for g in group_duplicates(texts)) == brute_force(texts)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("建議增加體育课时，。！ \n\t“”ＡBｃ１_-·"))
                        | st.characters(exclude_categories=("Cs",)),
                        max_size=20), max_size=12))
def test_normalizing_many_texts_at_once_equals_one_by_one(texts):
    assert normalize_all(texts) == [normalize(t) for t in texts]
