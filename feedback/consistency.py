"""The consistency check between the ledger and the text, run before anything is generated.

Four checks, each a plain function returning ``Finding``s:

* ``adopted_without_change`` — a comment 采纳/部分采纳 whose clause did not change;
* ``change_without_comment`` — a change no adopted comment asked for and no note explains;
* ``decided_both_ways`` — comments on the same clause of the same round adopted and not adopted;
* ``repeated_reasons`` — one reason pasted on many comments about different things.

The first two compare two versions (``RevisionData``); the last two read the comments
alone. ``run_checks`` runs them all. Comments are named by the number they bear in the
ledger and every document (``numbers``: comment id → number), by id when none is given.

>>> from feedback.ledger import Comment
>>> from feedback.vocabulary import Disposition
>>> a = Comment(1, 1, 1, '市财政局', '市级部门', '一1', '建议删除。', disposition=Disposition.ADOPTED)
>>> b = Comment(2, 1, 2, '市住建局', '市级部门', '一1', '建议保留并细化。', disposition=Disposition.REJECTED,
...             reason='本条已较具体')
>>> [f.message for f in decided_both_ways([a, b])]
['一1：市财政局（第1号）的意见采纳，市住建局（第2号）的意见未采纳，请核对处理是否前后一致。']
>>> [f.message for f in decided_both_ways([a, b], {1: 7, 2: 3})]  # the numbers shown in the ledger
['一1：市财政局（第7号）的意见采纳，市住建局（第3号）的意见未采纳，请核对处理是否前后一致。']
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from feedback.draft import Draft
from feedback.revision import ADOPTING, ChangeGroup, CommentLike, FlagKind, check_consistency
from feedback.vocabulary import GENERAL_CLAUSE_REF, UNPLACED_CLAUSE_REF, Disposition, LabelledEnum


class FindingKind(LabelledEnum):
    """What a check of the ledger alone points out; those comparing two versions are
    ``feedback.revision.FlagKind`` (采纳但未修改, 修改无对应意见)."""

    DECIDED_BOTH_WAYS = ("decided_both_ways", "同一条款处理不一")
    REPEATED_REASON = ("repeated_reason", "理由雷同")


@dataclass
class Finding:
    """One thing to look at before generating: where (old and new clauses), which comments,
    what to do, and the change it concerns (``ChangeGroup.key``) when there is one."""

    kind: FlagKind | FindingKind
    message: str
    from_refs: list[str] = field(default_factory=list)
    to_refs: list[str] = field(default_factory=list)
    comment_ids: list[int] = field(default_factory=list)
    change_key: str = ""

    @property
    def severe(self) -> bool:
        """True when the documents would say something untrue (adopted, yet nothing changed)."""
        return self.kind is FlagKind.ADOPTED_UNCHANGED

    def line(self) -> str:
        """``采纳但未修改：市财政局对二（二）3的意见已采纳，但该条款未作修改。``"""
        return f"{self.kind.label}：{self.message}"


@dataclass
class RevisionData:
    """Two versions and what the ledger says about the change between them.

    ``comments`` are those of the rounds held on the old version; ``notes`` the drafter's
    修改说明 by change key."""

    groups: Sequence[ChangeGroup]
    old: Draft
    new: Draft
    comments: Sequence[CommentLike]
    notes: dict[str, str] = field(default_factory=dict)


def _revision_findings(data: RevisionData) -> list[Finding]:
    notes = {key for key, note in data.notes.items() if note.strip()}
    return [Finding(flag.kind, flag.message, list(flag.from_refs), list(flag.to_refs),
                    list(flag.comment_ids), flag.change_key)
            for flag in check_consistency(data.groups, data.old, data.new, data.comments)
            if not (flag.change_key and flag.change_key in notes)]


def adopted_without_change(data: RevisionData) -> list[Finding]:
    """Comments 采纳/部分采纳 on clauses that did not change (see ``feedback.revision.check_consistency``)."""
    return [f for f in _revision_findings(data) if f.kind is FlagKind.ADOPTED_UNCHANGED]


def change_without_comment(data: RevisionData) -> list[Finding]:
    """Changes no adopted comment asked for, without a 修改说明."""
    return [f for f in _revision_findings(data) if f.kind is FlagKind.CHANGE_WITHOUT_COMMENT]


_PLACELESS = (GENERAL_CLAUSE_REF, UNPLACED_CLAUSE_REF)


def _who(comment: CommentLike, numbers: Mapping[int, int] | None = None) -> str:
    return f"{comment.unit_name}（第{(numbers or {}).get(comment.id, comment.id)}号）"


def decided_both_ways(comments: Iterable[CommentLike], numbers: Mapping[int, int] | None = None) -> list[Finding]:
    """Clauses on which, in one round, some comments were adopted (fully or partly) and others
    not adopted. General and unplaced comments are not checked."""
    by_clause: dict[tuple[int, str], list[CommentLike]] = {}
    for comment in comments:
        if comment.clause_ref not in _PLACELESS:
            by_clause.setdefault((comment.round_number, comment.clause_ref), []).append(comment)
    findings = []
    for (_, ref), group in by_clause.items():
        order = (lambda c: (numbers or {}).get(c.id, c.id))
        adopted = sorted((c for c in group if c.disposition in ADOPTING), key=order)
        refused = sorted((c for c in group if c.disposition is Disposition.REJECTED), key=order)
        if not adopted or not refused:
            continue
        yes = "、".join(_who(c, numbers) for c in adopted)
        no = "、".join(_who(c, numbers) for c in refused)
        verb = "采纳" if all(c.disposition is Disposition.ADOPTED for c in adopted) else "采纳或部分采纳"
        findings.append(Finding(FindingKind.DECIDED_BOTH_WAYS,
                                f"{ref}：{yes}的意见{verb}，{no}的意见未采纳，请核对处理是否前后一致。",
                                [ref], [], sorted(c.id for c in adopted + refused)))
    return findings


REPEATED_REASON_COMMENTS = 3
"""A reason on at least this many comments …"""
REPEATED_REASON_CLAUSES = 3
"""… about at least this many different clauses (or the draft as a whole) counts as pasted."""
SHORT_REASON = 6
"""Reasons shorter than this (``已采纳。``) are stock phrases, not pasted explanations."""

_PUNCTUATION_RE = re.compile(r"[\s。，、；：！？,.;:!?]+")


def _reason_key(reason: str) -> str:
    return _PUNCTUATION_RE.sub("", unicodedata.normalize("NFKC", reason))


def repeated_reasons(comments: Iterable[CommentLike]) -> list[Finding]:
    """One reason, word for word (punctuation and blanks aside), on many comments about different
    clauses: a reason meant for one comment pasted on others it does not answer."""
    by_reason: dict[str, list[CommentLike]] = {}
    for comment in comments:
        reason = getattr(comment, "reason", "") or ""
        key = _reason_key(reason)
        if len(key) >= SHORT_REASON and comment.disposition is not Disposition.PENDING:
            by_reason.setdefault(key, []).append(comment)
    findings = []
    for group in by_reason.values():
        clauses = list(dict.fromkeys(c.clause_ref for c in group))
        if len(group) < REPEATED_REASON_COMMENTS or len(clauses) < REPEATED_REASON_CLAUSES:
            continue
        reason = group[0].reason.strip()
        shown = reason if len(reason) <= 30 else reason[:30] + "…"
        findings.append(Finding(FindingKind.REPEATED_REASON,
                                f"理由“{shown}”用在{len(group)}条意见上（涉及{'、'.join(clauses[:5])}"
                                f"{'等' if len(clauses) > 5 else ''}{len(clauses)}处），请核对是否逐条说明了理由。",
                                clauses, [], sorted(c.id for c in group)))
    return findings


def run_checks(comments: Iterable[CommentLike], revision: RevisionData | None = None,
               numbers: Mapping[int, int] | None = None) -> list[Finding]:
    """Every check: those on the revision first (when two versions are compared), then the ledger's;
    comments named by ``numbers`` (comment id → number) where given."""
    comments = list(comments)
    findings = _revision_findings(revision) if revision is not None else []
    return findings + decided_both_ways(comments, numbers) + repeated_reasons(comments)


__all__ = ["Finding", "FindingKind", "RevisionData", "adopted_without_change", "change_without_comment",
           "decided_both_ways", "repeated_reasons", "run_checks"]
