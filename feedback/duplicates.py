"""Grouping identical and nearly identical texts, as a public consultation receives them.

Texts are compared after ``normalize``: Simplified, half-width, lower case, without
spaces or punctuation. Equal normalized texts are one group; texts whose normalized
forms have a rapidfuzz ratio of at least ``threshold`` (90) are joined to it too.

Near duplicates are found without comparing every pair: each text's character
bigrams are ranked rarest first, and two texts are compared only when the first
few of their bigrams share one (prefix filtering). How many are "the first few"
follows from the threshold, so no pair scoring 90 or more is missed, save among
texts made only of very common bigrams, where the work per text is bounded.

>>> texts = ['建议增加体育课时。', '建议增加体育课时', '建議增加體育課時！', '完全不同的意见', '建议增加体育课时间']
>>> [g.members for g in group_duplicates(texts)]
[[0, 1, 2, 4], [3]]
>>> normalize('建議，增加 “体育” 课时！')
'建议增加体育课时'
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from operator import add
from typing import Sequence

from rapidfuzz import fuzz, process

from feedback.text import fold, to_simplified
from feedback.progress import Progress

_NOT_WORD_RE = re.compile(r"[\W_]+")
_PROGRESS_STEP = 2000
# Work bounds for texts made only of very common bigrams; beyond them a rare near
# duplicate may stay apart, which costs a second comment, never a wrong merge.
_POSTING_SCAN = 12
_CANDIDATES = 24




@dataclass
class DuplicateGroup:
    """Positions of texts that say the same thing; ``representative`` is the most frequent wording."""

    members: list[int]
    representative: int

    @property
    def count(self) -> int:
        return len(self.members)


def normalize(text: str) -> str:
    """The form texts are compared in."""
    return _NOT_WORD_RE.sub("", fold(text)).lower()


def normalize_all(texts: Sequence[str]) -> list[str]:
    """``normalize`` of each text, with one Unicode and one OpenCC pass over all of them.

    Line breaks are spaces to ``normalize`` (both are dropped), so the texts are
    joined with line breaks and converted at once; should the pieces not come back
    one for one, each text is normalized on its own.

    >>> normalize_all(['建議，增加 “体育” 课时！', '第一行\\n第二行 ＡＢ', ''])
    ['建议增加体育课时', '第一行第二行ab', '']
    """
    if not texts:
        return []
    joined = unicodedata.normalize("NFKC", "\n".join(text.replace("\n", " ") for text in texts))
    pieces = to_simplified(joined).split("\n")
    if len(pieces) != len(texts):
        return [normalize(text) for text in texts]
    sub = _NOT_WORD_RE.sub
    return [sub("", piece).lower() for piece in pieces]


class _Sets:
    """Union-find over positions, joining into the lower root."""

    def __init__(self, size: int):
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        parent = self.parent
        root = item
        while parent[root] != root:
            root = parent[root]
        while parent[item] != root:
            parent[item], item = root, parent[item]
        return root

    def union(self, a: int, b: int) -> None:
        a, b = self.find(a), self.find(b)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def _bigrams(key: str) -> set[str]:
    if len(key) < 2:
        return {key}
    return set(map(add, key, key[1:]))


def _tokens_and_ranks(keys: list[str]) -> tuple[list[tuple[str, ...]], dict[str, int]]:
    """Each key's distinct bigrams, and each bigram's place from the rarest (held by fewest keys) on.

    A key's bigrams are kept as a tuple of one shared string per distinct bigram:
    sets of their own strings would take hundreds of megabytes for 100,000 texts.
    """
    frequency: Counter[str] = Counter()
    shared = {}
    one = shared.setdefault
    tokens = []
    for key in keys:
        found = _bigrams(key)
        kept = tuple(map(one, found, found))
        frequency.update(kept)
        tokens.append(kept)
    ranks = {token: r for r, token in enumerate(sorted(frequency, key=lambda t: (frequency[t], t)))}
    return tokens, ranks


def _near_duplicate_sets(keys: list[str], threshold: float,
                         progress: Progress | None) -> _Sets:
    """Join keys whose ratio is at least ``threshold``; keys are distinct."""
    sets = _Sets(len(keys))
    share = threshold / 100.0
    if share <= 0 or share > 1 or len(keys) < 2:
        return sets
    tokens, ranks = _tokens_and_ranks(keys)
    rank_of = ranks.__getitem__
    lengths = [len(k) for k in keys]
    order = sorted(range(len(keys)), key=lengths.__getitem__)
    # A pair reaching the threshold differs by at most this many insertions and
    # deletions per character of the longer text's partner, and each such edit
    # removes at most two of a text's bigrams.
    edits_per_char = (1 - share) * 2 / share
    # rank → [index of the first entry long enough to matter, positions holding the bigram in their prefix…]
    postings: dict[int, list[int]] = {}
    total = len(order)
    extract, ratio = process.extract, fuzz.ratio
    for done, i in enumerate(order, 1):
        if progress and done % _PROGRESS_STEP == 0:
            progress.step(done, total)
        length = lengths[i]
        shortest = length * share / (2 - share)
        ranked = sorted(map(rank_of, tokens[i]))
        tokens[i] = ()
        candidates: set[int] = set()
        collecting = True
        for token in ranked[:2 * int(edits_per_char * length) + 1]:
            posting = postings.get(token)
            if posting is None:
                postings[token] = [1, i]
                continue
            if collecting:  # rarest first: the most telling bigrams fill the budget
                start = posting[0]
                end = len(posting)
                if lengths[posting[start]] < shortest:
                    while start < end and lengths[posting[start]] < shortest:
                        start += 1
                    posting[0] = start
                # texts are visited shortest first: the newest entries are the closest in length
                candidates.update(posting[max(start, end - _POSTING_SCAN):])
                collecting = len(candidates) < _CANDIDATES
            posting.append(i)
        if candidates:
            chosen = list(candidates)
            for _, _, position in extract(keys[i], [keys[j] for j in chosen], scorer=ratio,
                                          score_cutoff=threshold, limit=None):
                sets.union(i, chosen[position])
    return sets


def group_duplicates(texts: Sequence[str], *, threshold: float = 90,
                     progress: Progress | None = None) -> list[DuplicateGroup]:
    """Groups of positions in ``texts``, in order of first appearance, members in order.

    ``progress.step(done, total)`` is called now and then; it raises ``Cancelled`` once the user stops.
    """
    by_raw: dict[str, list[int]] = {}
    for index, text in enumerate(texts):
        by_raw.setdefault(text, []).append(index)
    by_key: dict[str, list[str]] = {}
    for raw, key in zip(by_raw, normalize_all(list(by_raw)), strict=True):
        by_key.setdefault(key or raw.strip() or raw, []).append(raw)
    keys = list(by_key)
    sets = _near_duplicate_sets(keys, threshold, progress)
    grouped: dict[int, list[str]] = {}
    for position, key in enumerate(keys):
        grouped.setdefault(sets.find(position), []).extend(by_key[key])
    groups = []
    for raws in grouped.values():
        members = sorted(index for raw in raws for index in by_raw[raw])
        # the wording most people used, the earliest of those on a tie
        best = max(raws, key=lambda raw: (len(by_raw[raw]), -by_raw[raw][0]))
        groups.append(DuplicateGroup(members, by_raw[best][0]))
    groups.sort(key=lambda g: g.members[0])
    return groups
