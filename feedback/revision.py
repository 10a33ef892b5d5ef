"""Second drafts: which clause became what, whether adopted comments were acted on, what changed.

``match_clauses`` pairs the clauses of a revised draft with those of the previous
version: identical texts first (wherever they moved), then by text and heading
similarity among clauses of the same kind near the same place, helped by the
matches of their parents; then one old clause split into several new ones, or
several merged into one. Each pair carries a relation and a score (0–100); pairs
in the grey band of similarity are left unconfirmed for the drafter.

``check_consistency`` finds comments marked 采纳/部分采纳 whose clause did not
change, and changes no comment asked for. ``char_diff`` compares two texts
character by character (numbers and Latin words kept whole) for the 修改对照表.

>>> from feedback.outline import parse_lines
>>> old = parse_lines(['某计划', '一、任务', '1.推进甲。加强甲工作。', '2.推进乙。加强乙工作。'])
>>> new = parse_lines(['某计划', '一、任务', '1.推进丙。新增丙工作。', '2.推进甲。加强甲工作。',
...                    '3.推进乙。全面加强乙工作。'])
>>> [(m.from_ref, m.to_ref, m.relation.label) for m in match_clauses(old.clauses, new.clauses)]
[('一', '一', '未修改'), (None, '一1', '新增'), ('一1', '一2', '序号调整'), ('一2', '一3', '修改')]
>>> [(r.op, r.old, r.new) for r in char_diff('加强乙工作', '全面加强乙工作')]
[('insert', '', '全面'), ('equal', '加强乙工作', '')]
"""
from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Iterable, Protocol, Sequence

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel, LCSseq

from feedback.progress import Progress, silent
from feedback.draft import Clause, Draft
from feedback.vocabulary import (GENERAL_CLAUSE_REF, UNPLACED_CLAUSE_REF, ClauseKind, Disposition,
                                 LabelledEnum)


class Relation(LabelledEnum):
    """What became of a clause from one version to the next."""

    SAME = ("same", "未修改")
    MODIFIED = ("modified", "修改")
    RENUMBERED = ("renumbered", "序号调整")
    INSERTED = ("inserted", "新增")
    DELETED = ("deleted", "删除")
    SPLIT = ("split", "拆分")
    MERGED = ("merged", "合并")

    @property
    def changed(self) -> bool:
        """True when the wording changed (a renumbered clause reads the same)."""
        return self not in (Relation.SAME, Relation.RENUMBERED)


CONFIDENT_SCORE = 80.0
"""A one-to-one match at least this similar is taken as it is."""
ACCEPT_SCORE = 55.0
"""The lowest similarity of a one-to-one match; from here up to ``CONFIDENT_SCORE`` it awaits confirmation."""
CONTEXT_ACCEPT_SCORE = 35.0
"""Lowest similarity accepted (unconfirmed) for the only candidate left in the same place under the same parent."""
NEAR_SCORE = 40.0
"""A deleted or inserted clause with a counterpart this similar awaits confirmation."""
SPLIT_GAIN = 0.15
"""Share of a clause that the other pieces of a split (or merge) must explain beyond the best piece alone."""
PIECE_CONTAINMENT = 65.0
"""Percentage of each piece of a split (or merge) that must be found, in order, in the whole."""

_CONTEXT_BONUS = 5.0  # the parents are matched to each other
_REF_BONUS = 3.0  # same reference
_WINDOW = 8  # how far (in clauses of one kind) from its expected place a counterpart is looked for
_MAX_RUN = 4  # at most this many pieces in one split or merge
_MIN_GAIN_CHARS = 6  # a split-off piece explains at least this many characters


@dataclass(frozen=True)
class ClauseMatch:
    """One pair of the correspondence between two versions.

    ``from_ref`` is None for an inserted clause, ``to_ref`` None for a deleted one;
    a split is several pairs with the same ``from_ref``, a merge several with the
    same ``to_ref``. ``score`` is the similarity 0–100 (for an insertion or deletion:
    of the nearest counterpart not taken). ``id`` is the stored row, when stored.
    """

    from_ref: str | None
    to_ref: str | None
    relation: Relation
    score: float
    confirmed: bool = True
    id: int | None = None


# -- what a clause says ------------------------------------------------------------

def units_note(clause: Clause) -> str:
    """The ``（牵头单位：…；责任单位：…）`` note the parser took off the text, as written.

    >>> units_note(Clause('一1', '1.', 2, ClauseKind.TASK, '', '', lead_units=['市教育局'],
    ...                   responsible_units=['市财政局', '市人社局']))
    '（牵头单位：市教育局；责任单位：市财政局、市人社局）'
    """
    parts = []
    if clause.lead_units:
        parts.append("牵头单位：" + "、".join(clause.lead_units))
    if clause.responsible_units:
        parts.append("责任单位：" + "、".join(clause.responsible_units))
    return f"（{'；'.join(parts)}）" if parts else ""


def clause_body(clause: Clause) -> str:
    """Everything a clause says, without its number: heading, text, units note, tables.

    >>> clause_body(Clause('一', '一、', 1, ClauseKind.PART, '总体要求', ''))
    '总体要求'
    """
    parts = []
    if clause.heading and not clause.text.startswith(clause.heading):
        parts.append(clause.heading)
    if clause.text:
        parts.append(clause.text)
    body = "\n".join(parts) + units_note(clause)
    for table in clause.tables:
        body += "\n" + "\n".join(" | ".join(row) for row in table)
    return body


_SPACED_KINDS = {ClauseKind.ARTICLE, ClauseKind.CHAPTER, ClauseKind.VOLUME, ClauseKind.DIVISION,
                 ClauseKind.COLUMN, ClauseKind.ATTACHMENT}


def clause_reading(clause: Clause) -> str:
    """The clause as it reads in the draft, number first: ``3.改善…``, ``第五条　…``.

    >>> clause_reading(Clause('第五条', '第五条', 1, ClauseKind.ARTICLE, '', '学校应当……'))
    '第五条\u3000学校应当……'
    """
    body = clause_body(clause)
    if clause.kind is ClauseKind.PREAMBLE or clause.kind is ClauseKind.PARAGRAPH:
        return body  # a 款 has no number of its own on the page
    separator = "\u3000" if clause.kind in _SPACED_KINDS and body else ""
    return f"{clause.label}{separator}{body}"


_BLANKS_RE = re.compile(r"\s+")
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def comparison_key(text: str) -> str:
    """Text as matching compares it: full-width forms folded, no blanks.

    >>> comparison_key('（一） 推进，ＡＢ') == comparison_key('(一)推进,AB')
    True
    """
    text = text.translate(_FULL_WIDTH)  # the common case at C speed; NFKC only for what is left
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return _BLANKS_RE.sub("", text)


# -- matching --------------------------------------------------------------------------

@dataclass
class _Item:
    index: int
    clause: Clause
    key: str
    heading_key: str
    body: str
    kind_position: int = 0  # place among the clauses of its kind


def _items(clauses: Sequence[Clause]) -> list[_Item]:
    items = []
    counters: dict[ClauseKind, int] = {}
    for index, clause in enumerate(clauses):
        body = clause_body(clause)
        item = _Item(index, clause, comparison_key(body), comparison_key(clause.heading), body)
        item.kind_position = counters.get(clause.kind, 0)
        counters[clause.kind] = item.kind_position + 1
        items.append(item)
    return items


_EXACT_LIMIT = 1_000_000  # product of two texts' lengths up to which they are compared character by character
_SENTENCE_END = re.compile(r"(?<=[。；！？;!?])")
_REFINE_FROM = 40.0  # long texts sharing less than this (in whole sentences) are not compared further


def _common_length(a: str, b: str, *, from_end: bool = False, limit: int | None = None) -> int:
    """How many characters ``a`` and ``b`` share at the beginning (or end), found by halving
    with slices compared in C."""
    low, high = 0, min(len(a), len(b)) if limit is None else limit
    while low < high:
        middle = (low + high + 1) // 2
        same = a[len(a) - middle:len(a) - low] == b[len(b) - middle:len(b) - low] if from_end \
            else a[low:middle] == b[low:middle]
        if same:
            low = middle
        else:
            high = middle - 1
    return low


@functools.lru_cache(maxsize=4096)
def _sentences(text: str) -> list[str]:
    """A long text cut after each full stop or semicolon (kept: the pieces join back to it)."""
    return _SENTENCE_END.split(text)


def wording_ratio(a: str, b: str) -> float:
    """``fuzz.ratio`` of two texts (0–100: twice the common subsequence over both lengths),
    in time near-linear in their length however long they are (see ``common_characters``).

    >>> wording_ratio('推进校园安全建设。', '推进校园安全建设。') == fuzz.ratio('推进校园安全建设。', '推进校园安全建设。')
    True
    >>> long_a = '。'.join(f'第{i}项任务按期完成' for i in range(2000))
    >>> long_b = long_a.replace('第1000项任务按期完成', '第1000项任务提前完成')
    >>> round(wording_ratio(long_a, long_b), 2) == round(fuzz.ratio(long_a, long_b), 2)
    True
    """
    if len(a) * len(b) <= _EXACT_LIMIT:
        return fuzz.ratio(a, b)
    total = len(a) + len(b)
    return 200.0 * common_characters(a, b) / total if total else 100.0


def common_characters(a: str, b: str) -> int:
    """The length of the longest common subsequence of two texts, however long they are.

    Short texts are compared character by character. Long ones (a clause of hundreds of
    paragraphs) lose their common beginning and end first, which keeps the result exact;
    a long remainder is compared sentence by sentence, and — when most sentences are
    shared — the sentences that differ character by character again (a lower bound then).
    """
    if len(a) * len(b) <= _EXACT_LIMIT:
        return LCSseq.similarity(a, b)
    total = len(a) + len(b)
    start = _common_length(a, b)
    end = _common_length(a, b, from_end=True, limit=min(len(a), len(b)) - start)
    middle_a, middle_b = a[start:len(a) - end], b[start:len(b) - end]
    common = start + end
    if len(middle_a) * len(middle_b) <= _EXACT_LIMIT:
        return common + LCSseq.similarity(middle_a, middle_b)
    sentences_a, sentences_b = _sentences(middle_a), _sentences(middle_b)
    shared = LCSseq.similarity(sentences_a, sentences_b)  # whole sentences in common, counted only
    if 200.0 * shared / (len(sentences_a) + len(sentences_b)) < _REFINE_FROM:  # unrelated texts: roughly
        return common + shared * (len(middle_a) + len(middle_b)) // (len(sentences_a) + len(sentences_b))
    gaps: list[tuple[list[str], list[str]]] = [([], [])]
    for op in Indel.opcodes(sentences_a, sentences_b):
        if op.tag == "equal":
            common += sum(map(len, sentences_a[op.src_start:op.src_end]))
            gaps.append(([], []))
        else:
            gaps[-1][0].extend(sentences_a[op.src_start:op.src_end])
            gaps[-1][1].extend(sentences_b[op.dest_start:op.dest_end])
    if 200.0 * common / total >= _REFINE_FROM:  # mostly the same sentences: the changed ones in detail
        for gap_a, gap_b in gaps:
            text_a, text_b = "".join(gap_a), "".join(gap_b)
            if text_a and text_b and len(text_a) * len(text_b) <= _EXACT_LIMIT:
                common += LCSseq.similarity(text_a, text_b)
    return common


def _text_similarity(a: _Item, b: _Item) -> float:
    """Similarity of two clauses' wording, a shared heading counting extra."""
    if not a.key and not b.key:
        return 100.0
    text = wording_ratio(a.key, b.key)
    if a.heading_key and b.heading_key:
        return max(text, 0.6 * text + 0.4 * wording_ratio(a.heading_key, b.heading_key))
    return text




class _Matcher:
    """The state of one matching: who is paired with whom so far."""

    def __init__(self, old: Sequence[Clause], new: Sequence[Clause]):
        self.old = _items(old)
        self.new = _items(new)
        self.old_by_ref = {i.clause.ref: i for i in self.old}
        self.new_by_ref = {i.clause.ref: i for i in self.new}
        self.old_to_new: dict[int, int] = {}
        self.new_to_old: dict[int, int] = {}
        self.scores: dict[int, float] = {}  # old index → score of its 1:1 match
        self.unsure: set[int] = set()  # old indexes of 1:1 matches awaiting confirmation
        self.new_of_kind: dict[ClauseKind, list[_Item]] = {}
        for item in self.new:
            self.new_of_kind.setdefault(item.clause.kind, []).append(item)
        self.old_of_kind: dict[ClauseKind, list[_Item]] = {}
        for item in self.old:
            self.old_of_kind.setdefault(item.clause.kind, []).append(item)
        self.groups: list[tuple[list[int], list[int], Relation, float, bool]] = []
        self._anchors: dict[ClauseKind, list[tuple[int, int]]] = {}
        self._old_anchors: dict[ClauseKind, list[tuple[int, int]]] = {}

    def pair(self, old: int, new: int, score: float, sure: bool = True) -> None:
        self._anchors.clear()
        self._old_anchors.clear()
        self.old_to_new[old] = new
        self.new_to_old[new] = old
        self.scores[old] = score
        if not sure:
            self.unsure.add(old)

    def unpair(self, old: int) -> None:
        self._anchors.clear()
        self._old_anchors.clear()
        new = self.old_to_new.pop(old)
        del self.new_to_old[new]
        self.scores.pop(old, None)
        self.unsure.discard(old)

    # -- pass 1: the same words, wherever they went
    def exact(self) -> None:
        by_key: dict[tuple, list[_Item]] = {}
        for item in self.new:
            if item.key:
                by_key.setdefault((item.clause.kind, item.key), []).append(item)
        old_by_key: dict[tuple, list[_Item]] = {}
        for item in self.old:
            if item.key:
                old_by_key.setdefault((item.clause.kind, item.key), []).append(item)
        for key, olds in old_by_key.items():
            news = by_key.get(key, [])
            if len(olds) == len(news):
                for a, b in zip(olds, news):
                    self.pair(a.index, b.index, 100.0)
            else:  # repeated wording: only where the reference agrees too; the rest by place
                refs = {b.clause.ref: b for b in news}
                for a in olds:
                    b = refs.get(a.clause.ref)
                    if b is not None and b.index not in self.new_to_old:
                        self.pair(a.index, b.index, 100.0)

    # -- where a clause is expected in the other version
    def expected_position(self, item: _Item) -> float:
        """The kind-position an unmatched old clause would have among the new ones of its kind."""
        kind = item.clause.kind
        if kind not in self._anchors:
            partners = [(o, self.new[self.old_to_new[o.index]]) for o in self.old_of_kind.get(kind, [])
                        if o.index in self.old_to_new]
            self._anchors[kind] = [(o.kind_position, n.kind_position) for o, n in partners if n.clause.kind is kind]
        anchors = self._anchors[kind]
        if not anchors:
            return float(item.kind_position)
        at = bisect.bisect_left(anchors, item.kind_position, key=lambda anchor: anchor[0])
        before = anchors[at - 1] if at > 0 else None
        after = anchors[at] if at < len(anchors) else None
        if before and after and after[1] > before[1]:
            span = after[0] - before[0]
            return before[1] + (after[1] - before[1]) * (item.kind_position - before[0]) / span
        if before:
            return before[1] + item.kind_position - before[0]
        return after[1] - (after[0] - item.kind_position)

    def parents_matched(self, a: _Item, b: _Item) -> bool:
        pa, pb = a.clause.parent_ref, b.clause.parent_ref
        if pa is None or pb is None:
            return pa is None and pb is None
        parent = self.old_by_ref.get(pa)
        return parent is not None and self.new_by_ref.get(pb) is not None and \
            self.old_to_new.get(parent.index) == self.new_by_ref[pb].index

    def score(self, a: _Item, b: _Item) -> float:
        score = _text_similarity(a, b)
        if self.parents_matched(a, b):
            score += _CONTEXT_BONUS
        if a.clause.ref == b.clause.ref:
            score += _REF_BONUS
        return min(score, 100.0)

    def candidates(self, item: _Item, *, any_kind: bool = False) -> list[_Item]:
        """Unmatched new clauses where ``item`` could have gone."""
        found: dict[int, _Item] = {}
        kinds = self.new_of_kind if any_kind else {item.clause.kind: self.new_of_kind.get(item.clause.kind, [])}
        for kind, news in kinds.items():
            if kind is item.clause.kind:
                centre = self.expected_position(item)
                low = max(0, int(centre) - _WINDOW)
                for other in news[low:int(centre) + _WINDOW + 2]:
                    if other.index not in self.new_to_old:
                        found[other.index] = other
            else:
                for other in news:
                    if other.index not in self.new_to_old and abs(other.index - item.index) <= 2 * _WINDOW:
                        found[other.index] = other
        same_ref = self.new_by_ref.get(item.clause.ref)
        if same_ref is not None and same_ref.index not in self.new_to_old and (
                any_kind or same_ref.clause.kind is item.clause.kind):
            found[same_ref.index] = same_ref
        return list(found.values())

    # -- pass 2: similar wording, level by level, parents first
    def similar(self) -> None:
        levels = sorted({i.clause.level for i in self.old})
        for level in levels:
            pending = [i for i in self.old if i.clause.level == level and i.index not in self.old_to_new]
            scored = []
            for a in pending:
                for b in self.candidates(a):
                    scored.append((self.score(a, b), -abs(b.index - a.index), a.index, b.index))
            self._assign(scored)
        # what is left: a clause that changed its kind (一个任务升为一项), only when clearly the same
        pending = [i for i in self.old if i.index not in self.old_to_new]
        scored = [(_text_similarity(a, b), -abs(b.index - a.index), a.index, b.index)
                  for a in pending for b in self.candidates(a, any_kind=True) if b.clause.kind is not a.clause.kind]
        for score, _, a, b in sorted(scored, reverse=True):
            if score >= CONFIDENT_SCORE and a not in self.old_to_new and b not in self.new_to_old:
                self.pair(a, b, score, sure=False)

    def _assign(self, scored: list[tuple]) -> None:
        scored.sort(reverse=True)
        for score, _, a, b in scored:
            if a in self.old_to_new or b in self.new_to_old:
                continue
            if score >= ACCEPT_SCORE:
                self.pair(a, b, score, sure=score >= CONFIDENT_SCORE)
            elif score >= CONTEXT_ACCEPT_SCORE and self._alone_in_place(a, b):
                self.pair(a, b, score, sure=False)

    def _alone_in_place(self, a: int, b: int) -> bool:
        """True when ``a`` and ``b`` are the only unmatched clauses of their kind under matched parents."""
        old, new = self.old[a], self.new[b]
        if not self.parents_matched(old, new):
            return False
        kind = old.clause.kind
        olds = [i for i in self.old_of_kind.get(kind, []) if i.clause.parent_ref == old.clause.parent_ref
                and i.index not in self.old_to_new]
        news = [i for i in self.new_of_kind.get(kind, []) if i.clause.parent_ref == new.clause.parent_ref
                and i.index not in self.new_to_old]
        return len(olds) == 1 and len(news) == 1

    # -- pass 3: one into several, several into one
    def splits_and_merges(self) -> None:
        found = []
        for item in self.old:
            found += self._runs(item, self.new, self.old_to_new, self.new_to_old, self.new_of_kind, split=True)
        for item in self.new:
            found += self._runs(item, self.old, self.new_to_old, self.old_to_new, self.old_of_kind, split=False)
        found.sort(key=lambda f: (-f[0], f[1]))
        grouped_old: set[int] = set()
        grouped_new: set[int] = set()
        for score, _, whole, pieces, split in found:
            olds, news = ([whole], pieces) if split else (pieces, [whole])
            if grouped_old & set(olds) or grouped_new & set(news):
                continue
            if not all(self._yields(o, news, self.old_to_new, score) for o in olds) or \
                    not all(self._yields(n, olds, self.new_to_old, score) for n in news):
                continue
            for o in olds:
                if o in self.old_to_new:
                    self.unpair(o)
            for n in news:
                if n in self.new_to_old:
                    self.unpair(self.new_to_old[n])
            grouped_old.update(olds)
            grouped_new.update(news)
            self.groups.append((olds, news, Relation.SPLIT if split else Relation.MERGED, score,
                                score >= CONFIDENT_SCORE))

    def _yields(self, index: int, partners: list[int], mapping: dict[int, int], score: float) -> bool:
        """True when a clause is free for a split or merge: unmatched, matched inside the group,
        or matched only tentatively and less well than the group matches."""
        if index not in mapping or mapping[index] in partners:
            return True
        old = index if mapping is self.old_to_new else mapping[index]
        return old in self.unsure and self.scores.get(old, 0.0) < score

    def _runs(self, item: _Item, other: list[_Item], own_map: dict, other_map: dict, other_of_kind: dict, *,
              split: bool) -> list[tuple]:
        """The best run of two or more neighbouring clauses of the other version that together are ``item``.

        Together they must explain clearly more of ``item`` than the best of them alone
        (by longest common subsequence), and each must be drawn mostly from ``item``.
        """
        if not item.key or (item.index in own_map and self._single_score(item, split) >= 100.0):
            return []
        kind_list = other_of_kind.get(item.clause.kind, [])
        if len(kind_list) < 2:
            return []
        if item.index in own_map:
            partner = other[own_map[item.index]]
            if partner.clause.kind is not item.clause.kind:
                return []
            seeds = [partner.kind_position]
        else:
            centre = self.expected_position(item) if split else self._expected_old_position(item)
            seeds = list(range(max(0, int(centre) - 2), min(len(kind_list), int(centre) + 3)))

        def available(candidate: _Item) -> bool:
            # taken by another clause for sure: not a piece
            partner = other_map.get(candidate.index)
            if partner is None or partner == item.index:
                return True
            old = partner if split else candidate.index
            return old in self.unsure

        covered_alone: dict[int, int] = {}
        best = None
        for seed in seeds:
            for start in range(max(0, seed - _MAX_RUN + 1), seed + 1):
                run: list[_Item] = []
                for position in range(start, min(len(kind_list), start + _MAX_RUN)):
                    candidate = kind_list[position]
                    if not available(candidate) or (run and candidate.clause.parent_ref != run[0].clause.parent_ref):
                        break
                    run.append(candidate)
                    if len(run) < 2 or not start <= seed < start + len(run):
                        continue
                    for piece in run:
                        if piece.index not in covered_alone:
                            covered_alone[piece.index] = common_characters(item.key, piece.key)
                    if any(covered_alone[p.index] < PIECE_CONTAINMENT / 100 * len(p.key) for p in run):
                        continue
                    joined = "\n".join(p.key for p in run)
                    covered = common_characters(item.key, joined)
                    gain = covered - max(covered_alone[p.index] for p in run)
                    if gain < max(_MIN_GAIN_CHARS, SPLIT_GAIN * len(item.key)):
                        continue
                    score = wording_ratio(item.key, joined)
                    if score < ACCEPT_SCORE:
                        continue
                    candidate_result = (score, item.index, item.index, [p.index for p in run], split)
                    if best is None or (score, -len(run)) > (best[0], -len(best[3])):
                        best = candidate_result
        return [best] if best else []

    def _single_score(self, item: _Item, split: bool) -> float:
        old = item.index if split else self.new_to_old[item.index]
        return self.scores.get(old, 0.0)

    def _expected_old_position(self, item: _Item) -> float:
        """For an unmatched new clause: where it would sit among the old clauses of its kind."""
        kind = item.clause.kind
        if kind not in self._old_anchors:  # worked out once until the pairs change
            self._old_anchors[kind] = sorted(
                (self.new[n].kind_position, self.old[o].kind_position) for n, o in self.new_to_old.items()
                if self.new[n].clause.kind is kind and self.old[o].clause.kind is kind)
        anchors = self._old_anchors[kind]
        if not anchors:
            return float(item.kind_position)
        at = bisect.bisect_left(anchors, item.kind_position, key=lambda anchor: anchor[0])
        if at > 0:
            return anchors[at - 1][1] + item.kind_position - anchors[at - 1][0]
        return anchors[0][1] - (anchors[0][0] - item.kind_position)

    # -- the result
    def result(self) -> list[ClauseMatch]:
        matches: list[tuple[int, int, ClauseMatch]] = []
        for a, b in self.old_to_new.items():
            old, new = self.old[a], self.new[b]
            if old.body == new.body:
                relation = Relation.SAME if old.clause.ref == new.clause.ref else Relation.RENUMBERED
            else:
                relation = Relation.MODIFIED
            matches.append((a, b, ClauseMatch(old.clause.ref, new.clause.ref, relation,
                                              round(self.scores[a], 1), a not in self.unsure)))
        for olds, news, relation, score, sure in self.groups:
            for a in olds:
                for b in news:
                    matches.append((a, b, ClauseMatch(self.old[a].clause.ref, self.new[b].clause.ref, relation,
                                                      round(score, 1), sure)))
        grouped_old = {a for olds, _, _, _, _ in self.groups for a in olds}
        grouped_new = {b for _, news, _, _, _ in self.groups for b in news}
        left_new = [i for i in self.new if i.index not in self.new_to_old and i.index not in grouped_new]
        for item in self.old:
            if item.index in self.old_to_new or item.index in grouped_old:
                continue
            near = max((_text_similarity(item, b) for b in _within(left_new, item.index, 4 * _WINDOW)
                        if b.clause.kind is item.clause.kind), default=0.0)
            matches.append((item.index, -1, ClauseMatch(item.clause.ref, None, Relation.DELETED, round(near, 1),
                                                        near < NEAR_SCORE)))
        left_old = [i for i in self.old if i.index not in self.old_to_new and i.index not in grouped_old]
        # an inserted clause sorts after the old clause before it: the highest old partner of the new ones before
        before_of, highest = [], -1
        for i in self.new:
            before_of.append(highest)
            highest = max(highest, self.new_to_old.get(i.index, -1))
        for item in left_new:
            near = max((_text_similarity(a, item) for a in _within(left_old, item.index, 4 * _WINDOW)
                        if a.clause.kind is item.clause.kind), default=0.0)
            before = before_of[item.index]
            matches.append((before, item.index, ClauseMatch(None, item.clause.ref, Relation.INSERTED, round(near, 1),
                                                            near < NEAR_SCORE)))
        matches.sort(key=lambda m: (m[0] if m[0] >= 0 else -1, m[1] if m[2].from_ref is not None else 10 ** 9,
                                    m[1]))
        return [m[2] for m in matches]


def _within(items: list[_Item], index: int, reach: int) -> list[_Item]:
    """The items (in index order) whose index is within ``reach`` of ``index``."""
    low = bisect.bisect_left(items, index - reach, key=lambda i: i.index)
    high = bisect.bisect_right(items, index + reach, key=lambda i: i.index)
    return items[low:high]


def match_clauses(old: Sequence[Clause], new: Sequence[Clause], *,
                  progress: Progress | None = None) -> list[ClauseMatch]:
    """The correspondence between the clauses of two versions, in the old version's order.

    Inserted clauses follow the old clause they come after. See the module text for
    the passes; a split gives one pair per new piece, a merge one per old piece.
    """
    report = silent(progress)
    matcher = _Matcher(old, new)
    report(0.1, "正在比对相同条款")
    matcher.exact()
    report(0.3, "正在比对修改的条款")
    matcher.similar()
    report(0.7, "正在识别拆分与合并的条款")
    matcher.splits_and_merges()
    report(0.9, "正在整理比对结果")
    return matcher.result()


# -- matches grouped into changes ---------------------------------------------------

@dataclass
class ChangeGroup:
    """The old clauses and the new clauses that correspond to each other as one change.

    One pair for a modified clause; one old and several new for a split; several old
    and one new for a merge; no new for a deletion, no old for an insertion.
    """

    from_refs: list[str]
    to_refs: list[str]
    relation: Relation
    score: float
    confirmed: bool
    match_ids: list[int] = field(default_factory=list)

    @property
    def key(self) -> str:
        """A stable name of the change: ``三（一）1→三（一）1+三（一）2``."""
        return "+".join(self.from_refs) + "→" + "+".join(self.to_refs)


def change_groups(matches: Iterable[ClauseMatch], old_order: Sequence[str] = (),
                  new_order: Sequence[str] = ()) -> list[ChangeGroup]:
    """The matches joined into changes (pairs sharing a clause belong together), in order.

    >>> ms = [ClauseMatch('1', '1', Relation.SPLIT, 90), ClauseMatch('1', '2', Relation.SPLIT, 90),
    ...       ClauseMatch(None, '3', Relation.INSERTED, 0)]
    >>> [(g.from_refs, g.to_refs, g.relation.label) for g in change_groups(ms)]
    [(['1'], ['1', '2'], '拆分'), ([], ['3'], '新增')]
    """
    matches = list(matches)
    old_rank = {ref: i for i, ref in enumerate(old_order)}
    new_rank = {ref: i for i, ref in enumerate(new_order)}
    parent: dict[tuple, tuple] = {}

    def find(node: tuple) -> tuple:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for index, match in enumerate(matches):
        nodes = [("old", match.from_ref)] if match.from_ref is not None else []
        nodes += [("new", match.to_ref)] if match.to_ref is not None else []
        if not nodes:
            continue
        first = find(nodes[0])
        for node in nodes[1:]:
            parent[find(node)] = first
        parent.setdefault(("match", index), first)
    groups: dict[tuple, ChangeGroup] = {}
    order: list[tuple] = []
    for index, match in enumerate(matches):
        node = ("old", match.from_ref) if match.from_ref is not None else ("new", match.to_ref)
        root = find(node)
        group = groups.get(root)
        if group is None:
            group = groups[root] = ChangeGroup([], [], match.relation, match.score, match.confirmed)
            order.append(root)
        if match.from_ref is not None and match.from_ref not in group.from_refs:
            group.from_refs.append(match.from_ref)
        if match.to_ref is not None and match.to_ref not in group.to_refs:
            group.to_refs.append(match.to_ref)
        group.confirmed = group.confirmed and match.confirmed
        group.score = min(group.score, match.score) if match.relation not in (
            Relation.INSERTED, Relation.DELETED) else group.score
        if match.id is not None:
            group.match_ids.append(match.id)
    result = []
    for root in order:
        group = groups[root]
        if old_rank:
            group.from_refs.sort(key=lambda r: old_rank.get(r, len(old_rank)))
        if new_rank:
            group.to_refs.sort(key=lambda r: new_rank.get(r, len(new_rank)))
        if len(group.from_refs) > 1 and len(group.to_refs) == 1:
            group.relation = Relation.MERGED
        elif len(group.from_refs) == 1 and len(group.to_refs) > 1:
            group.relation = Relation.SPLIT
        elif len(group.from_refs) > 1 and len(group.to_refs) > 1:
            group.relation = Relation.MODIFIED
        result.append(group)
    return result


def relation_for(old: Sequence[Clause], new: Sequence[Clause]) -> Relation:
    """The relation a drafter's own pairing of these clauses has.

    >>> a = Clause('一1', '1.', 2, ClauseKind.TASK, '', '甲。')
    >>> relation_for([a], []).label, relation_for([a], [a]).label
    ('删除', '未修改')
    """
    if not old and not new:
        raise ValueError("空的对应关系")
    if not old:
        return Relation.INSERTED
    if not new:
        return Relation.DELETED
    if len(old) > 1 and len(new) > 1:
        raise ValueError("多对多")
    if len(old) > 1:
        return Relation.MERGED
    if len(new) > 1:
        return Relation.SPLIT
    if clause_body(old[0]) == clause_body(new[0]):
        return Relation.SAME if old[0].ref == new[0].ref else Relation.RENUMBERED
    return Relation.MODIFIED


def group_similarity(old: Sequence[Clause], new: Sequence[Clause]) -> float:
    """The similarity 0–100 of the old clauses taken together and the new ones."""
    if not old or not new:
        return 0.0
    a = "\n".join(comparison_key(clause_body(c)) for c in old)
    b = "\n".join(comparison_key(clause_body(c)) for c in new)
    return round(100.0 if a == b else fuzz.ratio(a, b), 1)


# -- adopted but unchanged; changed without a comment ----------------------------------------

class FlagKind(LabelledEnum):
    """What the consistency check points out."""

    ADOPTED_UNCHANGED = ("adopted_unchanged", "采纳但未修改")
    CHANGE_WITHOUT_COMMENT = ("change_without_comment", "修改无对应意见")


class CommentLike(Protocol):
    """What the check needs of a comment; ``feedback.ledger.Comment`` has it."""

    id: int
    unit_name: str
    clause_ref: str
    disposition: Disposition


ADOPTING = (Disposition.ADOPTED, Disposition.PARTLY_ADOPTED)


@dataclass
class RevisionFlag:
    """One thing the drafter should look at before the revised draft goes out."""

    kind: FlagKind
    from_refs: list[str]
    to_refs: list[str]
    comment_ids: list[int]
    message: str
    change_key: str = ""


def _ancestors(ref: str, parents: dict[str, str | None]) -> list[str]:
    result = []
    seen = set()
    while ref in parents and parents[ref] is not None and ref not in seen:
        seen.add(ref)
        ref = parents[ref]  # type: ignore[assignment]
        result.append(ref)
    return result


def changed_old_refs(groups: Iterable[ChangeGroup], old: Draft) -> set[str]:
    """Old clauses whose own wording or whose sub-clauses changed."""
    parents = {c.ref: c.parent_ref for c in old.clauses}
    changed: set[str] = set()
    for group in groups:
        if group.relation.changed:
            for ref in group.from_refs:
                changed.add(ref)
                changed.update(_ancestors(ref, parents))
    return changed


class DraftMaps:
    """Parents and order of two drafts' clauses, worked out once for many ``comments_behind`` calls."""

    def __init__(self, old: Draft, new: Draft):
        self.old_parents = {c.ref: c.parent_ref for c in old.clauses}
        self.new_parents = {c.ref: c.parent_ref for c in new.clauses}
        # article → its 第一款 (``first_paragraph_refs``)
        self.first_paragraphs = {c.parent_ref: c.ref for c in old.clauses
                                 if c.kind is ClauseKind.PARAGRAPH and c.number == 1}
        self.previous_sibling: dict[str, str] = {}
        last_child: dict[str | None, str] = {}
        for clause in new.clauses:
            if clause.parent_ref in last_child:
                self.previous_sibling[clause.ref] = last_child[clause.parent_ref]
            last_child[clause.parent_ref] = clause.ref


def comments_behind(group: ChangeGroup, old: Draft, new: Draft, old_of_new: dict[str, list[str]],
                    comments_by_ref: dict[str, list[CommentLike]], maps: DraftMaps | None = None) -> list[CommentLike]:
    """The adopted comments a change answers: on its clauses, their parents, or — for a new
    clause — on the clause it was put under or after. An article's change answers the comments
    on its 第一款 too (the article's own paragraph). ``maps`` spares working out the drafts'
    parents again for each group."""
    maps = maps or DraftMaps(old, new)
    old_parents = maps.old_parents
    first_paragraphs = maps.first_paragraphs
    refs: list[str] = []
    for ref in group.from_refs:
        refs += [ref, *_ancestors(ref, old_parents)]
        if ref in first_paragraphs:
            refs.append(first_paragraphs[ref])
    if not group.from_refs:
        for ref in group.to_refs:
            parent = maps.new_parents.get(ref)
            if parent is not None:
                for old_ref in old_of_new.get(parent, []):
                    refs += [old_ref, *_ancestors(old_ref, old_parents)]
            sibling = maps.previous_sibling.get(ref)
            if sibling is not None:
                refs += old_of_new.get(sibling, [])
    found: dict[int, CommentLike] = {}
    for ref in dict.fromkeys(refs):
        for comment in comments_by_ref.get(ref, []):
            if comment.disposition in ADOPTING:
                found[comment.id] = comment
    return list(found.values())


def check_consistency(groups: Sequence[ChangeGroup], old: Draft, new: Draft,
                      comments: Iterable[CommentLike]) -> list[RevisionFlag]:
    """Comments marked 采纳/部分采纳 on clauses that did not change, and changes no comment asked for.

    ``comments`` are those made on the old version. A comment on the draft as a whole
    (总体意见) or not yet placed is not checked; a comment on a heading counts as acted
    on when any clause under it changed, and a comment on a clause counts as acted on
    when a new clause was put right after it (``comments_behind``).
    """
    comments = list(comments)
    comments_by_ref: dict[str, list[CommentLike]] = {}
    for comment in comments:
        comments_by_ref.setdefault(comment.clause_ref, []).append(comment)
    old_refs = {c.ref for c in old.clauses}
    changed = changed_old_refs(groups, old)
    new_of_old: dict[str, list[str]] = {}
    old_of_new: dict[str, list[str]] = {}
    for group in groups:
        for ref in group.from_refs:
            new_of_old.setdefault(ref, []).extend(group.to_refs)
        for ref in group.to_refs:
            old_of_new.setdefault(ref, []).extend(group.from_refs)
    maps = DraftMaps(old, new)
    behind = {group.key: comments_behind(group, old, new, old_of_new, comments_by_ref, maps)
              for group in groups if group.relation.changed}
    answered = {comment.id for found in behind.values() for comment in found}
    flags: list[RevisionFlag] = []
    for comment in comments:
        if comment.disposition not in ADOPTING or comment.id in answered:
            continue
        ref = comment.clause_ref
        if ref in (GENERAL_CLAUSE_REF, UNPLACED_CLAUSE_REF) or ref not in old_refs or ref in changed:
            continue
        to_refs = new_of_old.get(ref, [])
        where = f"（现为{'、'.join(to_refs)}）" if to_refs and to_refs != [ref] else ""
        flags.append(RevisionFlag(
            FlagKind.ADOPTED_UNCHANGED, [ref], to_refs, [comment.id],
            f"{comment.unit_name}对{ref}{where}的意见已{comment.disposition.label}，但该条款未作修改。"))
    old_firsts, new_firsts = first_paragraph_refs(old), first_paragraph_refs(new)
    for group in groups:
        if not group.relation.changed or behind[group.key] or restates_article(group, old_firsts, new_firsts):
            continue
        where = describe_change(group)
        flags.append(RevisionFlag(FlagKind.CHANGE_WITHOUT_COMMENT, list(group.from_refs), list(group.to_refs), [],
                                  f"{where}，没有对应的采纳意见，请补充修改说明。", group.key))
    return flags


def first_paragraph_refs(draft: Draft) -> set[str]:
    """The 第一款 clauses of a draft. An article's first 款 is the article's own paragraph, so a
    change of it is the article's, and its appearing or going is the article gaining or losing
    further 款: not a change of its own."""
    return {c.ref for c in draft.clauses if c.kind is ClauseKind.PARAGRAPH and c.number == 1}


def restates_article(group: ChangeGroup, old_firsts: set[str], new_firsts: set[str]) -> bool:
    """True when the change concerns only 第一款 clauses (``first_paragraph_refs``)."""
    return bool(group.from_refs or group.to_refs) and set(group.from_refs) <= old_firsts \
        and set(group.to_refs) <= new_firsts


def describe_change(group: ChangeGroup) -> str:
    """The change in words: ``三（一）2修改``, ``新增三（二）4``, ``三（一）1拆分为三（一）1、三（一）2``.

    >>> describe_change(ChangeGroup(['一1', '一2'], ['一1'], Relation.MERGED, 90, True))
    '一1、一2合并为一1'
    """
    old, new = "、".join(group.from_refs), "、".join(group.to_refs)
    if group.relation is Relation.INSERTED:
        return f"新增{new}"
    if group.relation is Relation.DELETED:
        return f"删除{old}"
    if group.relation is Relation.SPLIT:
        return f"{old}拆分为{new}"
    if group.relation is Relation.MERGED:
        return f"{old}合并为{new}"
    if old != new:
        return f"{old}（现为{new}）{group.relation.label}"
    return f"{old}{group.relation.label}"


# -- the character diff --------------------------------------------------------------------

@dataclass(frozen=True)
class DiffRun:
    """One run of a diff: ``equal`` (text in ``old``), ``insert``, ``delete`` or ``replace``."""

    op: str
    old: str
    new: str


# Numbers (with their decimals and percent) and Latin words stay whole; every other character is a token.
_TOKEN_RE = re.compile(r"[0-9０-９]+(?:[.．][0-9０-９]+)*[%％]?|[A-Za-zＡ-Ｚａ-ｚ]+|\s+|.", re.S)


def diff_tokens(text: str) -> list[str]:
    """The pieces the diff compares: one Chinese character, one number, one Latin word.

    >>> diff_tokens('到2025年达到95.5%，AI教育')
    ['到', '2025', '年', '达', '到', '95.5%', '，', 'AI', '教', '育']
    """
    return _TOKEN_RE.findall(text)


def _cleanup(runs: list[DiffRun]) -> list[DiffRun]:
    """Fold a short equal stretch between two changes into one replacement, so the diff
    reads as words replaced rather than as scattered characters."""
    changed = True
    while changed:
        changed = False
        for index in range(1, len(runs) - 1):
            run = runs[index]
            if run.op != "equal":
                continue
            before, after = runs[index - 1], runs[index + 1]
            if before.op == "equal" or after.op == "equal":
                continue
            size = len(run.old)
            sides = min(max(len(before.old), len(before.new)), max(len(after.old), len(after.new)))
            # one character between two changes, or a stretch much shorter than both
            if size <= 4 and (size * 2 <= sides or size == 1 <= sides):
                merged = DiffRun("replace", before.old + run.old + after.old, before.new + run.old + after.new)
                runs[index - 1:index + 2] = [merged]
                changed = True
                break
    # neighbouring changes become one, each kind named by what it holds
    result: list[DiffRun] = []
    for run in runs:
        if result and run.op != "equal" and result[-1].op != "equal":
            last = result.pop()
            run = DiffRun("replace", last.old + run.old, last.new + run.new)
        if run.op != "equal":
            op = "replace" if run.old and run.new else ("delete" if run.old else "insert")
            run = DiffRun(op, run.old, run.new)
        result.append(run)
    return result


def char_diff(old: str, new: str) -> list[DiffRun]:
    """The changes from ``old`` to ``new`` as runs, Chinese compared character by character.

    >>> [(r.op, r.old, r.new) for r in char_diff('到2023年底完成', '到2025年底基本完成')]
    [('equal', '到', ''), ('replace', '2023', '2025'), ('equal', '年底', ''), ('insert', '', '基本'), ('equal', '完成', '')]
    >>> char_diff('相同', '相同')
    [DiffRun(op='equal', old='相同', new='')]
    """
    if old == new:
        return [DiffRun("equal", old, "")] if old else []
    a, b = diff_tokens(old), diff_tokens(new)
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    runs = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old_text, new_text = "".join(a[i1:i2]), "".join(b[j1:j2])
        runs.append(DiffRun(op, old_text, "" if op == "equal" else new_text))
    return _cleanup(runs)


def old_pieces(runs: Iterable[DiffRun]) -> list[tuple[str, bool]]:
    """The old text as (text, deleted) pieces: what a 原条款 column strikes through."""
    return [(r.old, r.op != "equal") for r in runs if r.old]


def new_pieces(runs: Iterable[DiffRun]) -> list[tuple[str, bool]]:
    """The new text as (text, inserted) pieces: what a 修改后条款 column marks."""
    return [(r.old if r.op == "equal" else r.new, r.op != "equal") for r in runs
            if (r.old if r.op == "equal" else r.new)]


def diff_text(runs: Iterable[DiffRun]) -> str:
    """The diff on one line of plain text: ``[-删去-]{+增加+}``.

    >>> diff_text(char_diff('加强乙工作', '全面加强乙工作'))
    '{+全面+}加强乙工作'
    """
    parts = []
    for run in runs:
        if run.op == "equal":
            parts.append(run.old)
        else:
            if run.old:
                parts.append(f"[-{run.old}-]")
            if run.new:
                parts.append(f"{{+{run.new}+}}")
    return "".join(parts)
