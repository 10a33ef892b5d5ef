"""Fixing a parsed clause tree by hand: a clause's level, joining it into the one above,
splitting it at a line — as pure functions on the clauses and as undoable commands.

The functions work on a draft before a project exists (the preview of an import) and
on a stored version alike; each returns the reshaped clauses and how references moved,
so that comments already on those clauses follow.

>>> from feedback.outline import parse_lines
>>> draft = parse_lines(['方案', '一、总体要求', '1.推进工作。', '2.落实责任。', '二、保障措施'])
>>> shaped = change_level(draft.clauses, '一2', -1)
>>> [(c.ref, c.level) for c in shaped.clauses], shaped.ref_map
([('一', 1), ('一1', 2), ('2', 1), ('二', 1)], {'一2': '2'})
>>> joined = join_with_previous(draft.clauses, '一2')
>>> [c.ref for c in joined.clauses], joined.clauses[1].text, joined.ref_map
(['一', '一1', '二'], '推进工作。\\n2.落实责任。', {'一2': '一1'})
>>> split = split_at_line(joined.clauses, '一1', 1)
>>> [c.ref for c in split.clauses], split.clauses[2].label
(['一', '一1', '一2', '二'], '2.')
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable

from feedback.commands import Command, Interaction
from feedback.draft import Clause
from feedback.ledger import Change, LedgerError
from feedback.outline import _STRAIGHT_KINDS, _PLAN_KIND, _REG_KIND, _classify, _labels
from feedback.vocabulary import ClauseKind

if TYPE_CHECKING:
    from storage.project import Project


@dataclass
class Reshaped:
    """Clauses after a change of the tree, and the references that moved (old → new)."""

    clauses: list[Clause]
    ref_map: dict[str, str]
    message: str
    # (split ref, new ref, moved text): comments on the split clause quoting the moved text go along
    moved_quotes: tuple[str, str, str] | None = None


def _find(clauses: list[Clause], ref: str) -> int:
    for index, clause in enumerate(clauses):
        if clause.ref == ref:
            return index
    raise LedgerError(f"草案中没有条款“{ref}”。")


def _subtree_end(clauses: list[Clause], index: int) -> int:
    end = index + 1
    while end < len(clauses) and clauses[end].level > clauses[index].level:
        end += 1
    return end


def _piece(clause: Clause) -> str:
    """The clause's own part of its reference."""
    if clause.kind in _STRAIGHT_KINDS or not clause.parent_ref or not clause.ref.startswith(clause.parent_ref):
        return clause.ref
    return clause.ref[len(clause.parent_ref):]


def _rebuild(clauses: list[Clause], pieces: list[str]) -> tuple[list[Clause], dict[str, str]]:
    """Parents from levels, references from parents; what each old reference became."""
    out: list[Clause] = []
    seen: set[str] = set()
    ref_map: dict[str, str] = {}
    for clause, piece in zip(clauses, pieces):
        level = max(1, min(clause.level, (out[-1].level + 1) if out else 1))
        parent = next((c for c in reversed(out) if c.level == level - 1), None) if level > 1 else None
        ref = piece if clause.kind in _STRAIGHT_KINDS or parent is None else parent.ref + piece
        base, count = ref, 1
        while ref in seen:
            count += 1
            ref = f"{base}#{count}"
        seen.add(ref)
        if clause.ref and clause.ref != ref:
            ref_map[clause.ref] = ref
        out.append(replace(clause, ref=ref, level=level, parent_ref=parent.ref if parent else None))
    return out, ref_map


def change_level(clauses: list[Clause], ref: str, delta: int) -> Reshaped:
    """Raise (``delta`` −1) or lower (+1) a clause with everything under it.

    A lowered clause goes under the clause above it of its former level; the clauses
    after a raised one that were its siblings come under it, as in Word's outline.
    """
    index = _find(clauses, ref)
    clause = clauses[index]
    if delta < 0 and clause.level + delta < 1:
        raise LedgerError(f"“{clause.display}”已是最高一级。")
    if delta > 0 and (index == 0 or clauses[index - 1].level < clause.level):
        raise LedgerError(f"“{clause.display}”上面没有同级条款，不能降为其下级。")
    end = _subtree_end(clauses, index)
    pieces = [_piece(c) for c in clauses]
    moved = [replace(c, level=c.level + delta) if index <= i < end else c for i, c in enumerate(clauses)]
    rebuilt, ref_map = _rebuild(moved, pieces)
    word = "升" if delta < 0 else "降"
    return Reshaped(rebuilt, ref_map, f"已将“{clause.display}”{word}一级")


def _as_text(clause: Clause) -> str:
    """A clause written out again as the paragraphs it was read from."""
    first = clause.label
    lines = clause.text.split("\n") if clause.text else []
    if clause.heading and not (lines and lines[0].startswith(clause.heading)):
        first += clause.heading
    elif lines:
        first += lines.pop(0)
    return "\n".join([first, *lines])


def join_with_previous(clauses: list[Clause], ref: str) -> Reshaped:
    """Join a clause into the clause above it: its number and text become text of that clause.

    What was under the joined clause comes under the clause it joined; comments on it
    go there too.
    """
    index = _find(clauses, ref)
    if index == 0:
        raise LedgerError("第一个条款上面没有可并入的条款。")
    clause, above = clauses[index], clauses[index - 1]
    text = "\n".join(part for part in (above.text, _as_text(clause)) if part)
    merged = replace(above, text=text,
                     lead_units=list(dict.fromkeys(above.lead_units + clause.lead_units)),
                     responsible_units=list(dict.fromkeys(above.responsible_units + clause.responsible_units)),
                     tables=above.tables + clause.tables)
    rest = clauses[:index - 1] + [merged] + clauses[index + 1:]
    pieces = [_piece(c) for c in rest]
    rebuilt, ref_map = _rebuild(rest, pieces)
    ref_map[clause.ref] = ref_map.get(above.ref, above.ref)
    return Reshaped(rebuilt, ref_map, f"已将“{clause.display}”并入“{above.display}”")


def split_at_line(clauses: list[Clause], ref: str, line: int, *, regulation: bool = False) -> Reshaped:
    """Split a clause before the ``line``-th line of its text (counted from 0).

    The lines from there on become a new clause of the same level right after it; a line
    starting with a number gives the new clause that number, otherwise it continues the
    clause's own (``一1（续）``). Comments quoting the moved text move with it.
    """
    index = _find(clauses, ref)
    clause = clauses[index]
    lines = clause.text.split("\n") if clause.text else []
    if not 0 < line < len(lines):
        raise LedgerError(f"“{clause.display}”的正文只有{len(lines)}行，不能在第{line + 1}行处拆分。")
    kept, moved = lines[:line], lines[line:]
    family, number, rest = _classify(moved[0], regulation)
    family = "task" if family == "task?" else family  # the drafter says a clause starts here
    kinds = _REG_KIND if regulation else _PLAN_KIND
    if family in kinds and family not in ("heading", "decimal", "column", "attachment"):
        label, piece = _labels(family, number, regulation)
        kind = kinds[family]
        moved[0] = rest
    else:
        label, piece, kind, number = "", _piece(clause) + "（续）", clause.kind, clause.number
    heading = ""
    if kind is not ClauseKind.PREAMBLE and moved[0] and (stop := moved[0].find("。")) > 0 and stop <= 40:
        heading = moved[0][:stop]
    new = Clause(ref="", label=label, level=clause.level, kind=kind, heading=heading,
                 text="\n".join(line for line in moved if line), number=number)
    head = replace(clause, text="\n".join(kept))
    end = _subtree_end(clauses, index)
    # the clauses under the split one stay under its first part
    shaped = clauses[:index] + [head] + clauses[index + 1:end] + [new] + clauses[end:]
    pieces = [_piece(c) for c in clauses[:end]] + [piece] + [_piece(c) for c in clauses[end:]]
    rebuilt, ref_map = _rebuild(shaped, pieces)
    new_ref = rebuilt[end].ref
    return Reshaped(rebuilt, ref_map, f"已将“{clause.display}”拆分，后一部分为“{new_ref}”",
                    moved_quotes=(clause.ref, new_ref, new.text))


def _clean_quote(text: str) -> str:
    return re.sub(r"\s", "", text)


class ReshapeOutline(Command):
    """One change of a stored draft version's tree, undoable; comments on those clauses follow.

    ``operation`` is one of the functions above with its arguments bound, e.g.
    ``lambda clauses: change_level(clauses, '一2', -1)``.
    """

    def __init__(self, project: "Project", version_number: int | None,
                 operation: Callable[[list[Clause]], Reshaped]):
        self.project = project
        self.version_number = version_number or max(v.number for v in project.versions())
        self.operation = operation
        self.text = "调整条款层级"
        self._before: list[Clause] = []
        self._before_refs: dict[int, str] = {}
        self._result: Reshaped | None = None

    def _comments(self):
        rounds = [r.number for r in self.project.rounds() if r.version_number == self.version_number]
        return [c for number in rounds for c in self.project.comments(round_number=number)]

    def check(self, interaction: Interaction) -> bool:
        self._before = self.project.clauses(self.version_number)
        self._result = self.operation(self._before)  # LedgerError: told by ``execute``
        self.text = self._result.message
        return True

    def do(self) -> Change:
        if self._result is None:
            self._before = self.project.clauses(self.version_number)
            self._result = self.operation(self._before)
        comments = self._comments()
        self._before_refs = {c.id: c.clause_ref for c in comments}
        refs = {c.id: self._result.ref_map.get(c.clause_ref, c.clause_ref) for c in comments}
        if self._result.moved_quotes:
            split_ref, new_ref, moved_text = self._result.moved_quotes
            moved_text = _clean_quote(moved_text)
            for comment in comments:
                quote = _clean_quote(comment.quoted_text)
                if comment.clause_ref == split_ref and quote and quote in moved_text:
                    refs[comment.id] = new_ref
        return self.project.versions.replace_clauses(self.version_number, self._result.clauses, refs,
                                            message=self._result.message)

    def undo(self) -> Change:
        return self.project.versions.replace_clauses(self.version_number, self._before, self._before_refs,
                                            message=f"已撤销：{self.text}")
