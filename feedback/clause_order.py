"""Clauses in the order the draft reads, wherever clauses are listed or ranked.

Sorting by the reference text would put 三（七） before 三（三） (by the code points of the numerals);
the position in the clause tree is the order a reader knows.
"""
from __future__ import annotations

from typing import Iterable, Mapping

from feedback.draft import Clause
from feedback.vocabulary import GENERAL_CLAUSE_REF, UNPLACED_CLAUSE_REF


def clause_positions(clauses: Iterable[Clause]) -> dict[str, int]:
    """Each reference's place in reading order; 总体意见 and 待定位 after the clauses, as the tree shows them."""
    positions = {clause.ref: i for i, clause in enumerate(clauses)}
    for ref in (GENERAL_CLAUSE_REF, UNPLACED_CLAUSE_REF):
        positions.setdefault(ref, len(positions))
    return positions


def clause_sort_key(positions: Mapping[str, int]):
    """A key for ``sorted`` over references: reading order; references not in the draft last, by text."""
    end = len(positions)
    return lambda ref: (positions.get(ref, end), ref)


def busiest_clauses(counts: Mapping[str, int], positions: Mapping[str, int],
                    limit: int | None = None) -> list[tuple[str, int]]:
    """(reference, count), most comments first; clauses with as many comments in reading order.

    >>> positions = {"三（一）": 0, "三（三）": 1, "三（七）": 2}
    >>> busiest_clauses({"三（七）": 2, "三（三）": 2, "三（一）": 1, "三（二十）": 2}, positions)
    [('三（三）', 2), ('三（七）', 2), ('三（二十）', 2), ('三（一）', 1)]
    """
    key = clause_sort_key(positions)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], key(item[0])))
    return ranked[:limit] if limit is not None else ranked
