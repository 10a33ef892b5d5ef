"""Matching typed unit names to the registry of consulted units."""
import time
from dataclasses import dataclass, field

import pytest

from feedback.matching import FUZZY_CUTOFF, UnitIndex, UnitMatch, match_unit


@dataclass
class Entry:
    id: int
    name: str
    aliases: list[str] = field(default_factory=list)


REGISTRY = [
    Entry(1, "市公安局"),
    Entry(2, "市人力资源和社会保障局", ["市人社局"]),
    Entry(3, "市自然资源局"),
    Entry(4, "市财政局"),
    Entry(5, "市委组织部"),
    Entry(6, "略阳县教育局"),
    Entry(7, "勉县教育局"),
    Entry(8, "市住房和城乡建设局", ["市住建局"]),
]
LOCALITIES = ("汉中",)


@pytest.fixture(scope="module")
def index():
    return UnitIndex(REGISTRY, LOCALITIES)


def test_exact_name(index):
    assert index.match("市财政局") == UnitMatch("exact", 4, [(4, 100.0)])


def test_alias(index):
    match = index.match("市人社局")
    assert (match.status, match.unit_id, match.needs_confirmation) == ("alias", 2, False)


@pytest.mark.parametrize("typed", ["公安局", "汉中市公安局", "漢中市公安局", "汉中 市公安局", " 市公安局 ", "汉中公安局"])
def test_equivalent_spellings_are_one_unit(index, typed):
    match = index.match(typed)
    assert match.unit_id == 1 and match.status in ("exact", "equivalent")
    assert not match.needs_confirmation


def test_equivalent_through_an_alias(index):
    assert (index.match("汉中市住建局").status, index.match("汉中市住建局").unit_id) == ("equivalent", 8)


def test_abbreviation_without_alias_is_not_matched():
    registry = [Entry(2, "市人力资源和社会保障局")]
    assert match_unit("市人社局", registry, LOCALITIES).status == "none"


def test_typo_is_only_a_suggestion(index):
    match = index.match("市自然资原局")
    assert (match.status, match.unit_id) == ("fuzzy", 3)
    assert match.needs_confirmation
    assert match.candidates[0][0] == 3 and FUZZY_CUTOFF <= match.candidates[0][1] < 100


def test_units_sharing_a_key_are_ambiguous():
    registry = [Entry(1, "市公安局"), Entry(2, "汉中市公安局")]
    match = match_unit("公安局", registry, LOCALITIES)
    assert (match.status, match.unit_id) == ("ambiguous", None)
    assert sorted(unit_id for unit_id, _ in match.candidates) == [1, 2]
    assert match.needs_confirmation


def test_shared_alias_is_ambiguous():
    registry = [Entry(1, "市教育局", ["教育局"]), Entry(2, "市教育体育局", ["教育局"])]
    assert match_unit("教育局", registry).status == "ambiguous"


def test_fuzzy_tie_is_ambiguous():
    registry = [Entry(1, "甲县教育局"), Entry(2, "乙县教育局")]
    match = match_unit("丙县教育局", registry)
    assert (match.status, match.unit_id) == ("ambiguous", None)
    assert [unit_id for unit_id, _ in match.candidates] == [1, 2]
    assert match.candidates[0][1] == match.candidates[1][1] == 80.0


@pytest.mark.parametrize("typed", ["市气象局", "", "   "])
def test_unknown_or_empty_names(index, typed):
    assert index.match(typed) == UnitMatch("none")


def test_county_bureaus_are_not_confused(index):
    assert index.match("略阳县教育局").unit_id == 6
    assert index.match("勉县教育局").unit_id == 7


def test_match_unit_agrees_with_the_index(index):
    for typed in ("漢中市公安局", "市人社局", "市自然资原局", "市气象局"):
        assert match_unit(typed, REGISTRY, LOCALITIES) == index.match(typed)


def test_thousands_of_names_are_quick():
    registry = [Entry(i, f"市第{i}局") for i in range(500)] + REGISTRY
    index = UnitIndex(registry, LOCALITIES)
    names = ["汉中市公安局", "市人社局", "市自然资原局", "市气象局", "漢中市財政局"] * 400
    started = time.perf_counter()
    results = [index.match(name) for name in names]
    assert time.perf_counter() - started < 5
    assert results[0].unit_id == 1 and results[4].unit_id == 4


# -- place prefixes at every level: how county and district offices sign their letters ----------

COUNTY_REGISTRY = [Entry(1, "财政局"), Entry(2, "区委宣传部"), Entry(3, "教育体育局", ["教体局"]), Entry(4, "人民政府办公室")]


@pytest.mark.parametrize("typed, unit_id", [
    ("某某县财政局", 1), ("陕西省汉中市南郑区财政局", 1), ("中共汉中市南郑区委宣传部", 2),
    ("中共某某市某某区委宣传部", 2), ("勉县教体局", 3), ("汉中市南郑区人民政府办公室", 4)])
def test_a_place_prefix_at_any_level_is_set_aside(typed, unit_id):
    match = UnitIndex(COUNTY_REGISTRY).match(typed)
    assert (match.status, match.unit_id, match.needs_confirmation) == ("place", unit_id, False)


def test_another_levels_office_is_only_a_suggestion(index):
    match = index.match("南郑区财政局")  # the registry has 市财政局: another office, maybe
    assert match.status == "fuzzy" and match.unit_id == 4 and match.needs_confirmation


def test_a_place_like_word_inside_a_name_is_not_a_prefix():
    match = UnitIndex([Entry(1, "管理局")]).match("城市管理局")
    assert match.status != "place" and (match.status == "none" or match.needs_confirmation)


@pytest.mark.parametrize("typed, registered", [
    ("南郑区政府", "南郑区人民政府"), ("汉中市南郑区人民政府", "南郑区政府"), ("城固县政府", "城固县人民政府")])
def test_zhengfu_is_renmin_zhengfu(typed, registered):
    """区政府 is how tables and signatures shorten 区人民政府."""
    match = UnitIndex([Entry(1, registered), Entry(2, "南郑区政府办公室")], ["汉中"]).match(typed)
    assert (match.unit_id, match.needs_confirmation) == (1, False)


@pytest.mark.parametrize("typed, registered", [
    ("市住房城乡建设局", "市住房和城乡建设局"), ("汉中市发展改革委", "市发展和改革委员会"),
    ("市人力资源社会保障局", "市人力资源和社会保障局"), ("汉中市发展和改革委员会", "市发展改革委")])
def test_the_standard_short_forms_of_a_name_are_the_same_unit(typed, registered):
    """住房城乡建设、发展改革委: the 规范简称 drop 和 and shorten 委员会 to 委."""
    match = UnitIndex([Entry(1, registered), Entry(2, "市城乡建设局"), Entry(3, "市委")], ["汉中"]).match(typed)
    assert (match.unit_id, match.needs_confirmation) == (1, False)
