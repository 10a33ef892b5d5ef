"""Draft versions in the project file: importing a revision, its clause matches, comments carried over.

A revised draft becomes the next version; its clauses are matched to the previous
version's (``feedback.revision.match_clauses``) and the matches are kept in the
``clause_matches`` table, where the drafter confirms or corrects the uncertain ones.
Comments stay on the clauses of the version they were made on, and are shown on the
matched clauses of later versions. Each mutation is one transaction and returns a
``Change`` (``what == 'versions'``).

>>> import tempfile, os
>>> from feedback.outline import parse_lines
>>> from storage.project import Project
>>> project = Project.create(os.path.join(tempfile.mkdtemp(), 'p.yjt'),
...                          parse_lines(['某计划', '一、任务', '1.推进甲。加强甲工作。', '2.推进乙。加强乙工作。']))
>>> result = import_revision(project, parse_lines(['某计划', '一、任务', '1.推进甲。加强甲工作。',
...                          '2.推进丙。开展丙工作。', '3.推进乙。全面加强乙工作。']), note='吸收意见')
>>> result.version_number, result.summary
(2, '第2稿与第1稿比对：未修改2条，修改1条，新增1条；序号调整0条。')
>>> [(m.from_ref, m.to_ref, m.relation.label) for m in stored_matches(project, 1, 2)][-2:]
[(None, '一2', '新增'), ('一2', '一3', '修改')]
>>> project.close()
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Iterable, Sequence

from feedback.progress import Progress, silent
from feedback.draft import Clause, Draft
from feedback.explanation_text import chinese_date, date_span
from feedback.ledger import Change, Comment, LedgerError
from feedback.revision import (ChangeGroup, ClauseMatch, DiffRun, Relation, RevisionFlag, change_groups,
                               DraftMaps, char_diff, check_consistency, clause_reading, comments_behind,
                               first_paragraph_refs, group_similarity, match_clauses, relation_for, restates_article)
from feedback.vocabulary import GENERAL_CLAUSE_REF, UNPLACED_CLAUSE_REF, ClauseKind, Disposition, RoundMethod
from storage import search

_MATCHES = "clause_matches"
_LOW_OVERLAP = 0.3  # fewer matched clauses than this share suggests a different document


def _version_numbers(project) -> list[int]:
    return [v.number for v in project.versions()]


def _check_version(project, number: int) -> None:
    if number not in _version_numbers(project):
        raise LedgerError(f"项目中没有第{number}稿。")


def _check_pair(project, from_version: int, to_version: int) -> None:
    _check_version(project, from_version)
    _check_version(project, to_version)
    if from_version >= to_version:
        raise LedgerError(f"比对须从前一稿到后一稿（第{from_version}稿→第{to_version}稿）。")


def version_date(project, number: int) -> date | None:
    """The day a version was formed: the plan's drafting date for the first, else as recorded."""
    recorded = recorded_version_date(project, number)
    if recorded:
        return recorded
    return project.plan().drafted_on if number == 1 else None


def set_version_date(project, number: int, when: date | None) -> Change:
    """Record the day version ``number`` was formed (None forgets it)."""
    _check_version(project, number)
    with project.transaction():
        _write_version_date(project, number, when)
    return Change("versions", (number,), f"已记录第{number}稿的形成日期")


def recorded_version_date(project, number: int) -> date | None:
    """The day recorded for a version, without the plan's drafting date standing in for the first."""
    row = project.db.execute("SELECT formed_on FROM versions WHERE number = ?", [number]).fetchone()
    return date.fromisoformat(row[0]) if row and row[0] else None


def set_version_note(project, number: int, note: str) -> Change:
    """The drafter's note on a version (``吸收第一轮反馈意见``), shown in the drafting history."""
    _check_version(project, number)
    with project.transaction():
        project.db.execute("UPDATE versions SET note = ? WHERE number = ?", [note.strip(), number])
    return Change("versions", (number,), f"已修改第{number}稿的说明")


def _write_version_date(project, number: int, when: date | None) -> None:
    project.db.execute("UPDATE versions SET formed_on = ? WHERE number = ?",
                       [when.isoformat() if when else None, number])


# -- the matches ---------------------------------------------------------------------------

def match_versions(project, from_version: int, to_version: int, *,
                   progress: Progress | None = None) -> list[ClauseMatch]:
    """Match two stored versions afresh (nothing is stored)."""
    _check_pair(project, from_version, to_version)
    return match_clauses(project.clauses(from_version), project.clauses(to_version), progress=progress)


def stored_matches(project, from_version: int, to_version: int) -> list[ClauseMatch]:
    """The matches kept for two versions, in the order they were stored (old draft order)."""
    return [ClauseMatch(r["from_ref"], r["to_ref"], Relation(r["relation"]), r["score"], bool(r["confirmed"]),
                        r["id"])
            for r in project.db.query(f"SELECT * FROM {_MATCHES} WHERE from_version = ? AND to_version = ? "
                                      "ORDER BY id", [from_version, to_version])]


def version_matches(project, from_version: int, to_version: int) -> list[ClauseMatch]:
    """The stored matches of two versions, or matches worked out now when none are stored."""
    stored = stored_matches(project, from_version, to_version)
    return stored if stored else match_versions(project, from_version, to_version)


def _write_matches(project, from_version: int, to_version: int, matches: Iterable[ClauseMatch]) -> None:
    project.db.execute(f"DELETE FROM {_MATCHES} WHERE from_version = ? AND to_version = ?",
                       [from_version, to_version])
    project.db.conn.executemany(
        f"INSERT INTO {_MATCHES}(from_version, to_version, from_ref, to_ref, relation, score, confirmed) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(from_version, to_version, m.from_ref, m.to_ref, m.relation.value, float(m.score), int(m.confirmed))
         for m in matches])


def store_matches(project, from_version: int, to_version: int, matches: Iterable[ClauseMatch]) -> Change:
    """Keep ``matches`` as the correspondence of two versions, replacing what was kept."""
    _check_pair(project, from_version, to_version)
    with project.transaction():
        _write_matches(project, from_version, to_version, matches)
    return Change("versions", (to_version,), f"已保存第{from_version}稿与第{to_version}稿的条款对应关系")


def rematch(project, from_version: int, to_version: int, *, progress: Progress | None = None) -> Change:
    """Match two versions again from scratch; the drafter's confirmations are dropped."""
    return store_matches(project, from_version, to_version,
                         match_versions(project, from_version, to_version, progress=progress))


def unconfirmed_matches(project, from_version: int, to_version: int) -> list[ClauseMatch]:
    """Stored matches awaiting the drafter's confirmation."""
    return [m for m in stored_matches(project, from_version, to_version) if not m.confirmed]


def _match_row(project, match_id: int) -> dict:
    rows = list(project.db.query(f"SELECT * FROM {_MATCHES} WHERE id = ?", [match_id]))
    if not rows:
        raise LedgerError(f"没有编号为{match_id}的条款对应关系。")
    return rows[0]


def confirm_match(project, match_id: int) -> Change:
    """Accept a match as the matcher proposed it (with the other pairs of its split or merge)."""
    row = _match_row(project, match_id)
    group = _group_of(project, row)
    with project.transaction():
        marks = ",".join("?" * len(group))
        project.db.execute(f"UPDATE {_MATCHES} SET confirmed = 1 WHERE id IN ({marks})", group)
    return Change("versions", (row["to_version"],), "已确认条款对应关系")


def _group_of(project, row: dict) -> list[int]:
    """The ids of the pairs forming one change with ``row`` (a split or merge has several)."""
    matches = stored_matches(project, row["from_version"], row["to_version"])
    for group in change_groups(matches):
        if row["id"] in group.match_ids:
            return group.match_ids
    return [row["id"]]


def confirm_change(project, from_version: int, to_version: int, key: str) -> Change:
    """Accept the change named ``key`` (``ChangeGroup.key``, e.g. ``二（二）4→二（二）5+二（二）6``) as proposed."""
    _check_pair(project, from_version, to_version)
    matches = stored_matches(project, from_version, to_version)
    group = next((g for g in change_groups(matches) if g.key == key), None)
    if group is None:
        raise LedgerError(f"第{from_version}稿与第{to_version}稿之间没有“{key}”这一对应关系，可能已被更正。")
    with project.transaction():
        marks = ",".join("?" * len(group.match_ids))
        project.db.execute(f"UPDATE {_MATCHES} SET confirmed = 1 WHERE id IN ({marks})", group.match_ids)
    return Change("versions", (to_version,), "已确认条款对应关系")


def confirm_all(project, from_version: int, to_version: int) -> Change:
    """Accept every proposed match of two versions."""
    with project.transaction():
        project.db.execute(f"UPDATE {_MATCHES} SET confirmed = 1 WHERE from_version = ? AND to_version = ?",
                           [from_version, to_version])
    return Change("versions", (to_version,), f"已确认第{from_version}稿与第{to_version}稿的全部条款对应关系")


def set_match(project, from_version: int, to_version: int, from_refs: Sequence[str],
              to_refs: Sequence[str]) -> Change:
    """The drafter's own correspondence: ``from_refs`` became ``to_refs``.

    One to one is a modification (or the same clause, renumbered); one to several a
    split; several to one a merge; nothing to one an insertion, one to nothing a
    deletion. The clauses' earlier pairs are dropped, and a clause left without a
    counterpart becomes inserted or deleted. Several to several is refused.
    """
    _check_pair(project, from_version, to_version)
    from_refs, to_refs = list(dict.fromkeys(from_refs)), list(dict.fromkeys(to_refs))
    old = {c.ref: c for c in project.clauses(from_version)}
    new = {c.ref: c for c in project.clauses(to_version)}
    for ref in from_refs:
        if ref not in old:
            raise LedgerError(f"第{from_version}稿中没有条款“{ref}”。")
    for ref in to_refs:
        if ref not in new:
            raise LedgerError(f"第{to_version}稿中没有条款“{ref}”。")
    if not from_refs and not to_refs:
        raise LedgerError("请至少选择一个条款。")
    if len(from_refs) > 1 and len(to_refs) > 1:
        raise LedgerError("不能把多个条款对应到多个条款，请分别设置拆分或合并。")
    old_clauses, new_clauses = [old[r] for r in from_refs], [new[r] for r in to_refs]
    relation = relation_for(old_clauses, new_clauses)
    score = group_similarity(old_clauses, new_clauses)
    current = version_matches(project, from_version, to_version)
    touched_old, touched_new = set(from_refs), set(to_refs)
    kept, orphan_old, orphan_new = [], [], []
    for match in current:
        if match.from_ref in touched_old or match.to_ref in touched_new:
            if match.from_ref is not None and match.from_ref not in touched_old:
                orphan_old.append(match.from_ref)
            if match.to_ref is not None and match.to_ref not in touched_new:
                orphan_new.append(match.to_ref)
            continue
        kept.append(match)
    still_old = {m.from_ref for m in kept if m.from_ref is not None}
    still_new = {m.to_ref for m in kept if m.to_ref is not None}
    orphan_old = [r for r in dict.fromkeys(orphan_old) if r not in still_old]
    orphan_new = [r for r in dict.fromkeys(orphan_new) if r not in still_new]
    rebuilt: list[ClauseMatch] = []
    for group in change_groups(kept):
        members = [m for m in kept if m.from_ref in group.from_refs or m.to_ref in group.to_refs]
        if group.from_refs and group.to_refs and any(m.relation in (Relation.SPLIT, Relation.MERGED)
                                                     for m in members):
            # a split or merge that lost a piece to the drafter's pairing is described anew
            olds, news = [old[r] for r in group.from_refs], [new[r] for r in group.to_refs]
            fixed, group_score = relation_for(olds, news), group_similarity(olds, news)
            members = [replace(m, relation=fixed, score=group_score) for m in members]
        rebuilt += members
    mine = [ClauseMatch(f, t, relation, score, True) for f in (from_refs or [None]) for t in (to_refs or [None])]
    rebuilt += mine
    rebuilt += [ClauseMatch(r, None, Relation.DELETED, 0.0, True) for r in orphan_old]
    rebuilt += [ClauseMatch(None, r, Relation.INSERTED, 0.0, True) for r in orphan_new]
    with project.transaction():
        _write_matches(project, from_version, to_version,
                       _in_draft_order(rebuilt, list(old), list(new)))
    return Change("versions", (to_version,), f"已设置条款对应关系：{relation.label}")


def _in_draft_order(matches: list[ClauseMatch], old_order: list[str], new_order: list[str]) -> list[ClauseMatch]:
    """Pairs sorted by the old clause, insertions after the old clause that precedes them."""
    old_rank = {r: i for i, r in enumerate(old_order)}
    new_rank = {r: i for i, r in enumerate(new_order)}
    old_of_new = {m.to_ref: m.from_ref for m in matches if m.from_ref is not None and m.to_ref is not None}

    def key(match: ClauseMatch) -> tuple:
        if match.from_ref is not None:
            return (old_rank.get(match.from_ref, -1), 0, new_rank.get(match.to_ref, -1))
        before = -1
        for ref in new_order[:new_rank.get(match.to_ref, 0)]:
            if ref in old_of_new:
                before = max(before, old_rank.get(old_of_new[ref], -1))
        return (before, 1, new_rank.get(match.to_ref, -1))

    return sorted(matches, key=key)


# -- importing a revision ----------------------------------------------------------------

@dataclass
class RevisionResult:
    """What importing a revised draft did and found."""

    version_number: int
    from_version: int | None
    matches: list[ClauseMatch]
    groups: list[ChangeGroup]
    flags: list[RevisionFlag]
    change: Change
    warnings: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[Relation, int]:
        """Changes by relation (a split counts once)."""
        counter = Counter(g.relation for g in self.groups)
        return {relation: counter[relation] for relation in Relation}

    @property
    def unconfirmed(self) -> list[ClauseMatch]:
        return [m for m in self.matches if not m.confirmed]

    @property
    def summary(self) -> str:
        """``第2稿与第1稿比对：未修改10条，修改2条，…；序号调整3条。``"""
        if self.from_version is None:
            return f"已导入第{self.version_number}稿。"
        counts = self.counts
        order = [Relation.SAME, Relation.MODIFIED, Relation.INSERTED, Relation.DELETED, Relation.SPLIT,
                 Relation.MERGED]
        parts = [f"{r.label}{counts[r]}条" for r in order if counts[r] or r in (Relation.SAME, Relation.MODIFIED)]
        return (f"第{self.version_number}稿与第{self.from_version}稿比对：{'，'.join(parts)}；"
                f"序号调整{counts[Relation.RENUMBERED]}条。")


@dataclass
class PreparedRevision:
    """A revised draft matched to the version before it, not yet stored.

    Made by ``prepare_revision`` from plain values, so that the matching can run
    away from the project file (in the app: off the window's thread).
    """

    draft: Draft
    from_version: int | None
    matches: list[ClauseMatch]
    warnings: list[str] = field(default_factory=list)


def prepare_revision(draft: Draft, previous: int | None, old_clauses: Sequence[Clause], *, source_file: str = "",
                     progress: Progress | None = None) -> PreparedRevision:
    """Match ``draft`` to ``old_clauses`` (the clauses of version ``previous``); nothing is stored.

    >>> from feedback.outline import parse_lines
    >>> old = parse_lines(['某计划', '一、任务', '1.推进甲。加强甲工作。'])
    >>> prepared = prepare_revision(parse_lines(['某计划', '一、任务', '1.推进甲。全面加强甲工作。']), 1, old.clauses)
    >>> [(m.from_ref, m.to_ref, m.relation.label) for m in prepared.matches]
    [('一', '一', '未修改'), ('一1', '一1', '修改')]
    """
    report = silent(progress)
    name = source_file or "修改稿"
    if not draft.clauses:
        raise LedgerError(f"“{name}”中没有识别出条款，未导入。")
    matches: list[ClauseMatch] = []
    warnings: list[str] = []
    if previous is not None:
        matches = match_clauses(old_clauses, draft.clauses,
                                progress=report.part(0.1, 0.8))
        kept = sum(1 for m in matches if m.from_ref is not None and m.to_ref is not None)
        if old_clauses and kept < _LOW_OVERLAP * min(len(old_clauses), len(draft.clauses)):
            warnings.append(f"“{name}”与第{previous}稿相同或相近的条款很少，请确认是否为同一文件的修改稿。")
    return PreparedRevision(draft, previous, matches, warnings)


def save_revision(project, prepared: PreparedRevision, *, source_file: str = "", note: str = "",
                  formed_on: date | None = None, progress: Progress | None = None) -> RevisionResult:
    """Store a prepared revision as the next version, with its matches; all or nothing.

    Refused when another version was added since the revision was matched.
    """
    report = silent(progress)
    numbers = _version_numbers(project)
    previous = numbers[-1] if numbers else None
    if previous != prepared.from_version:
        raise LedgerError(f"“{source_file or '修改稿'}”比对后项目中的草案已有变化，请重新导入。")
    draft, matches = prepared.draft, prepared.matches
    report(0.85, "正在保存新一稿")
    with project.transaction():
        change = project.versions.add(draft, source_file=source_file, note=note)
        number = change.ids[0]
        if previous is not None:
            _write_matches(project, previous, number, matches)
        if formed_on is not None:
            _write_version_date(project, number, formed_on)
    stored = stored_matches(project, previous, number) if previous is not None else []
    old = project.draft(previous) if previous else Draft("", [])
    new = project.draft(number)
    every_group = change_groups(stored, [c.ref for c in old.clauses], [c.ref for c in new.clauses])
    firsts = first_paragraph_refs(old), first_paragraph_refs(draft)
    groups = [g for g in every_group if not (g.relation.changed and restates_article(g, *firsts))]
    flags = _flags(project, previous, number, every_group, old, new) if previous is not None else []
    report(1.0, "已完成")
    return RevisionResult(number, previous, stored, groups, flags, change, list(prepared.warnings))


def import_revision(project, draft: Draft, *, source_file: str = "", note: str = "",
                    formed_on: date | None = None, progress: Progress | None = None) -> RevisionResult:
    """Add ``draft`` as the next version, matched to the newest one; all or nothing.

    ``formed_on`` is the day the revision was made (for the drafting history).
    ``progress(fraction, message)`` is called along the way.
    """
    report = silent(progress)
    numbers = _version_numbers(project)
    previous = numbers[-1] if numbers else None
    report(0.05, "正在读取上一稿")
    prepared = prepare_revision(draft, previous, project.clauses(previous) if previous is not None else [],
                                source_file=source_file, progress=report)
    return save_revision(project, prepared, source_file=source_file, note=note, formed_on=formed_on,
                         progress=report)


# -- changes between two versions ----------------------------------------------------------

@dataclass
class VersionChange:
    """One change between two versions, with the clauses and the comments behind it."""

    group: ChangeGroup
    old_clauses: list[Clause]
    new_clauses: list[Clause]
    comments: list[Comment]
    note: str = ""

    @property
    def relation(self) -> Relation:
        return self.group.relation

    @property
    def restates_article(self) -> bool:
        """Only 第一款 clauses: an article's own paragraph, whose change the article's row shows
        (``feedback.revision.first_paragraph_refs``)."""
        clauses = [*self.old_clauses, *self.new_clauses]
        return bool(clauses) and all(c.kind is ClauseKind.PARAGRAPH and c.number == 1 for c in clauses)

    @property
    def old_text(self) -> str:
        return "\n".join(clause_reading(c) for c in self.old_clauses)

    @property
    def new_text(self) -> str:
        return "\n".join(clause_reading(c) for c in self.new_clauses)

    @property
    def runs(self) -> list[DiffRun]:
        """The character diff of the old text and the new text."""
        return char_diff(self.old_text, self.new_text)


def _round_comments(project, version_number: int) -> list[Comment]:
    comments: list[Comment] = []
    for rnd in project.rounds():
        if rnd.version_number == version_number:
            comments += project.comments(round_number=rnd.number)
    return comments


def _groups(project, from_version: int, to_version: int) -> tuple[list[ChangeGroup], Draft, Draft]:
    old, new = project.draft(from_version), project.draft(to_version)
    groups = change_groups(version_matches(project, from_version, to_version),
                           [c.ref for c in old.clauses], [c.ref for c in new.clauses])
    return groups, old, new


def revision_flags(project, from_version: int, to_version: int) -> list[RevisionFlag]:
    """采纳但未修改, and changes without an adopted comment behind them and without a note.

    The comments checked are those of the rounds held on ``from_version``.
    """
    _check_pair(project, from_version, to_version)
    return _flags(project, from_version, to_version, *_groups(project, from_version, to_version))


def _flags(project, from_version: int, to_version: int, groups: list[ChangeGroup], old: Draft,
           new: Draft) -> list[RevisionFlag]:
    notes = change_notes(project, from_version, to_version)
    return [f for f in check_consistency(groups, old, new, _round_comments(project, from_version))
            if not (f.change_key and notes.get(f.change_key, "").strip())]


def revision_data(project, from_version: int, to_version: int):
    """What the consistency checks (``feedback.consistency``) need of two versions."""
    from feedback.consistency import RevisionData

    _check_pair(project, from_version, to_version)
    groups, old, new = _groups(project, from_version, to_version)
    return RevisionData(groups, old, new, _round_comments(project, from_version),
                        change_notes(project, from_version, to_version))


def changed_refs(project, version_number: int) -> list[str]:
    """The clauses of ``version_number`` whose wording changed against the version before it, or
    which are new, in draft order (what a later round can be limited to)."""
    numbers = _version_numbers(project)
    _check_version(project, version_number)
    earlier = [n for n in numbers if n < version_number]
    if not earlier:
        raise LedgerError(f"第{version_number}稿之前没有草案，无法只列出修改的条款。")
    groups, old, new = _groups(project, earlier[-1], version_number)
    firsts = first_paragraph_refs(old), first_paragraph_refs(new)
    changed = {ref for g in groups if g.relation.changed and not restates_article(g, *firsts) for ref in g.to_refs}
    return [c.ref for c in new.clauses if c.ref in changed]


def consistency_findings(project, from_version: int | None = None, to_version: int | None = None) -> list:
    """The consistency check between the ledger and the text (``feedback.consistency.run_checks``).

    With two versions given: the change between them and the comments of the rounds held
    on the earlier one. Without: the newest version against the one before (when there
    is one) and every comment of the project — the check before generating documents.
    Comments are named by their numbers in the ledger (``storage.numbering``).
    """
    from feedback.consistency import run_checks
    from storage.numbering import comment_numbers

    numbers = _version_numbers(project)
    shown = comment_numbers(project)
    if from_version is not None and to_version is not None:
        return run_checks(_round_comments(project, from_version), revision_data(project, from_version, to_version),
                          shown)
    revision = revision_data(project, numbers[-2], numbers[-1]) if len(numbers) > 1 else None
    return run_checks(project.comments(), revision, shown)


def changes_between(project, from_version: int, to_version: int, *, include_renumbered: bool = False,
                    include_unchanged: bool = False, progress: Progress | None = None) -> list[VersionChange]:
    """The changes from one version to another, in draft order, each with the adopted comments
    (of the rounds on ``from_version``) behind it and the drafter's note."""
    report = silent(progress)
    _check_pair(project, from_version, to_version)
    report(0.1, "正在比对条款")
    groups, old, new = _groups(project, from_version, to_version)
    old_by_ref, new_by_ref = old.by_ref(), new.by_ref()
    comments = _round_comments(project, from_version)
    comments_by_ref: dict[str, list[Comment]] = {}
    for comment in comments:
        comments_by_ref.setdefault(comment.clause_ref, []).append(comment)
    old_of_new: dict[str, list[str]] = {}
    for group in groups:
        for ref in group.to_refs:
            old_of_new.setdefault(ref, []).extend(group.from_refs)
    notes = change_notes(project, from_version, to_version)
    result = []
    report(0.5, "正在整理修改内容")
    maps = DraftMaps(old, new)
    for group in groups:
        if group.relation is Relation.SAME and not include_unchanged:
            continue
        if group.relation is Relation.RENUMBERED and not (include_renumbered or include_unchanged):
            continue
        behind = comments_behind(group, old, new, old_of_new, comments_by_ref, maps) \
            if group.relation.changed else []
        result.append(VersionChange(group, [old_by_ref[r] for r in group.from_refs if r in old_by_ref],
                                    [new_by_ref[r] for r in group.to_refs if r in new_by_ref],
                                    sorted(behind, key=lambda c: c.id), notes.get(group.key, "")))
    if not include_unchanged:
        # a 第一款 is its article's paragraph: the article's row shows the change, unless a note or a
        # comment on that 款 which no other row carries is behind it
        carried = {c.id for change in result if not change.restates_article for c in change.comments}
        result = [change for change in result if not change.restates_article or change.note
                  or any(c.clause_ref in change.group.from_refs and c.id not in carried for c in change.comments)]
    report(1.0, "已完成")
    return result


_VERSION_PREFIX_RE = re.compile(r"^\s*第?(\d+)稿?\s*[:：]\s*(.+?)\s*$")


def split_version_ref(ref: str) -> tuple[int | None, str]:
    """``1:三（七）16`` (or ``第1稿：三（七）16``) → (1, ``三（七）16``); a bare reference → (None, it).

    >>> split_version_ref('1:三（七）16'), split_version_ref('第2稿：一1'), split_version_ref('三（七）16')
    ((1, '三（七）16'), (2, '一1'), (None, '三（七）16'))
    """
    found = _VERSION_PREFIX_RE.match(ref)
    if found:
        return int(found.group(1)), found.group(2)
    return None, ref.strip()


@dataclass
class FoundChange:
    """The change a reference names, and whether the reference was read in the later draft
    while the earlier one has the same reference in another change."""

    group: ChangeGroup
    version: int
    ambiguous: bool = False


def locate_change(project, from_version: int, to_version: int, ref: str) -> FoundChange:
    """The change a clause takes part in. ``N:ref`` names the clause of draft N (either of the
    two); a bare ``ref`` is looked up in the later draft, else in the earlier one."""
    groups, _, _ = _groups(project, from_version, to_version)
    number, bare = split_version_ref(ref)
    if number is not None and number not in (from_version, to_version):
        raise LedgerError(f"“{ref}”所指的第{number}稿不在比对的两稿（第{from_version}稿、第{to_version}稿）之中。")
    in_new = next((g for g in groups if bare in g.to_refs), None)
    in_old = next((g for g in groups if bare in g.from_refs), None)
    if number == to_version or number is None and in_new is not None:
        if in_new is None:
            raise LedgerError(f"第{to_version}稿中没有条款“{bare}”。")
        return FoundChange(in_new, to_version, number is None and in_old is not None and in_old is not in_new)
    if in_old is None:
        if number is None:
            raise LedgerError(f"第{from_version}稿和第{to_version}稿中都没有条款“{bare}”。")
        raise LedgerError(f"第{from_version}稿中没有条款“{bare}”。")
    return FoundChange(in_old, from_version)


def find_change(project, from_version: int, to_version: int, ref: str) -> ChangeGroup:
    """The change a clause takes part in (see ``locate_change``)."""
    return locate_change(project, from_version, to_version, ref).group


def change_notes(project, from_version: int, to_version: int) -> dict[str, str]:
    """The drafter's notes on changes (修改说明), by change key (``ChangeGroup.key``)."""
    return dict(project.db.execute("SELECT change_key, note FROM change_notes WHERE from_version = ? "
                                   "AND to_version = ? ORDER BY rowid", [from_version, to_version]))


def set_change_note(project, from_version: int, to_version: int, key: str, note: str) -> Change:
    """Write the 修改说明 of one change (an empty note removes it)."""
    _check_pair(project, from_version, to_version)
    with project.transaction():
        project.db.execute("DELETE FROM change_notes WHERE from_version = ? AND to_version = ? AND change_key = ?",
                           [from_version, to_version, key])
        if note.strip():
            project.db.execute("INSERT INTO change_notes(from_version, to_version, change_key, note) "
                               "VALUES (?, ?, ?, ?)", [from_version, to_version, key, note.strip()])
    return Change("versions", (to_version,), "已保存修改说明")


# -- comments carried over to later versions -----------------------------------------------

@dataclass(frozen=True)
class ClauseComment:
    """A comment as shown on a clause: made on it (``carried`` False) or on the clause of an
    earlier version it came from."""

    comment: Comment
    carried: bool
    version_number: int
    ref: str
    relation: Relation = Relation.SAME

    @property
    def origin(self) -> str:
        """Where the comment was made: ``第1稿二（二）3（该条已修改）``."""
        if not self.carried:
            return f"第{self.version_number}稿{self.ref}"
        state = {Relation.MODIFIED: "该条已修改", Relation.SPLIT: "该条已拆分", Relation.MERGED: "该条已合并",
                 Relation.RENUMBERED: "序号已调整"}.get(self.relation, "")
        return f"第{self.version_number}稿{self.ref}" + (f"（{state}）" if state else "")


_STRENGTH = [Relation.SAME, Relation.RENUMBERED, Relation.MODIFIED, Relation.MERGED, Relation.SPLIT,
             Relation.DELETED]


def _compose(first: Relation, second: Relation, same_ref: bool) -> Relation:
    """The relation over two steps: the stronger change wins; unchanged twice is same or renumbered."""
    if not first.changed and not second.changed:
        return Relation.SAME if same_ref else Relation.RENUMBERED
    return max(first, second, key=lambda r: _STRENGTH.index(r) if r in _STRENGTH else 0)


def map_forward(project, from_version: int, to_version: int) -> dict[str, list[tuple[str, Relation]]]:
    """Where each clause of ``from_version`` went in ``to_version``, through every version between.

    A deleted clause maps to nothing; a split clause to each piece.
    """
    _check_pair(project, from_version, to_version)
    numbers = [n for n in _version_numbers(project) if from_version <= n <= to_version]
    places: dict[str, list[tuple[str, Relation]]] = {c.ref: [(c.ref, Relation.SAME)]
                                                     for c in project.clauses(from_version)}
    for earlier, later in zip(numbers, numbers[1:]):
        step: dict[str, list[tuple[str, Relation]]] = {}
        for group in change_groups(version_matches(project, earlier, later)):
            for ref in group.from_refs:
                step[ref] = [(to, group.relation) for to in group.to_refs]
        for origin, current in places.items():
            moved = []
            for ref, relation in current:
                for to, step_relation in step.get(ref, []):
                    moved.append((to, _compose(relation, step_relation, to == origin)))
            places[origin] = moved
    return places


def carried_comments(project, version_number: int) -> dict[str, list[ClauseComment]]:
    """Every comment to show on the clauses of ``version_number``: its own and those carried
    from earlier versions, by clause reference. General comments stay general."""
    _check_version(project, version_number)
    result: dict[str, list[ClauseComment]] = {}
    rounds = project.rounds()
    mappings: dict[int, dict[str, list[tuple[str, Relation]]]] = {}
    for rnd in rounds:
        if rnd.version_number > version_number:
            continue
        own = rnd.version_number == version_number
        if not own and rnd.version_number not in mappings:
            mappings[rnd.version_number] = map_forward(project, rnd.version_number, version_number)
        for comment in project.comments(round_number=rnd.number):
            ref = comment.clause_ref
            if own or ref in (GENERAL_CLAUSE_REF, UNPLACED_CLAUSE_REF):
                result.setdefault(ref, []).append(
                    ClauseComment(comment, not own, rnd.version_number, ref, Relation.SAME))
                continue
            for to_ref, relation in mappings[rnd.version_number].get(ref, []):
                result.setdefault(to_ref, []).append(ClauseComment(comment, True, rnd.version_number, ref, relation))
    return result


def earlier_comments(project, unit_id: int, round_number: int) -> list:
    """The unit's comments of the rounds before ``round_number``, each with the clauses of that
    round's draft it now concerns (``feedback.handling.EarlierComment``), in order."""
    from feedback.handling import EarlierComment

    current = project.rounds.version_for(round_number)
    mappings: dict[int, dict[str, list[tuple[str, Relation]]]] = {}
    result = []
    for rnd in project.rounds():
        if rnd.number >= round_number:
            continue
        for comment in project.comments(round_number=rnd.number, unit_id=unit_id):
            ref = comment.clause_ref
            if rnd.version_number == current or ref in (GENERAL_CLAUSE_REF, UNPLACED_CLAUSE_REF):
                result.append(EarlierComment(comment, [ref]))
                continue
            if rnd.version_number not in mappings:
                mappings[rnd.version_number] = map_forward(project, rnd.version_number, current)
            result.append(EarlierComment(comment, [to for to, _ in mappings[rnd.version_number].get(ref, [])]))
    return result


def comments_on_clause(project, version_number: int, ref: str) -> list[ClauseComment]:
    """The comments on clause ``ref`` of ``version_number``: its own first, then those carried
    over from the matching clauses of earlier versions, each saying where it was made.

    >>> import tempfile, os
    >>> from feedback.outline import parse_lines
    >>> from storage.project import Project
    >>> project = Project.create(os.path.join(tempfile.mkdtemp(), 'p.yjt'),
    ...                          parse_lines(['某计划', '一、任务', '1.推进甲。加强甲工作。']))
    >>> _ = project.add_unit('市财政局', '市级部门')
    >>> _ = project.add_round()
    >>> _ = project.add_comment(round_number=1, unit_id=1, clause_ref='一1', body='建议细化。')
    >>> _ = import_revision(project, parse_lines(['某计划', '一、任务', '1.推进丙。开展丙工作。',
    ...                                           '2.推进甲。加强甲工作。']))
    >>> [(c.comment.body, c.carried, c.origin) for c in comments_on_clause(project, 2, '一2')]
    [('建议细化。', True, '第1稿一1（序号已调整）')]
    >>> project.close()
    """
    _check_version(project, version_number)
    entries: list[ClauseComment] = []
    mappings: dict[int, dict[str, list[tuple[str, Relation]]]] = {}
    for rnd in project.rounds():
        if rnd.version_number > version_number:
            continue
        own = rnd.version_number == version_number
        if own or ref in (GENERAL_CLAUSE_REF, UNPLACED_CLAUSE_REF):
            origins = {ref: Relation.SAME}
        else:
            if rnd.version_number not in mappings:
                mappings[rnd.version_number] = map_forward(project, rnd.version_number, version_number)
            origins = {origin: relation for origin, places in mappings[rnd.version_number].items()
                       for to_ref, relation in places if to_ref == ref}
        for origin, relation in origins.items():
            # the filter also takes the clauses under ``origin``: keep the clause itself only
            for comment in project.comments(round_number=rnd.number, clause_ref=origin):
                if comment.clause_ref == origin:
                    entries.append(ClauseComment(comment, not own, rnd.version_number, origin, relation))
    return sorted(entries, key=lambda e: (e.carried, -e.version_number, e.comment.id))


@dataclass
class CommentPlaces:
    """Where the comments of every round show among the clauses of one version (the ledger's tree).

    Comments of the rounds held on this version sit on their own clause; those of
    rounds on an earlier version on the clauses theirs became (``map_forward``): on
    every piece of a split clause, on nothing when the clause was deleted.
    """

    version_number: int
    children: dict[str | None, list[str]]
    forward: dict[int, dict[str, list[str]]]  # earlier version → its clause → clauses of this version
    round_versions: dict[int, int]  # round number → the version it consulted on

    def subtree(self, ref: str) -> list[str]:
        """``ref`` and every clause under it in this version, in draft order."""
        found, queue = [ref], [ref]
        while queue:
            for child in self.children.get(queue.pop(0), []):
                found.append(child)
                queue.append(child)
        return found

    def place(self, version_number: int, ref: str) -> list[str]:
        """The clauses of this version on which a comment on ``ref`` of ``version_number`` shows."""
        if version_number == self.version_number or ref in (GENERAL_CLAUSE_REF, UNPLACED_CLAUSE_REF):
            return [ref]
        return list(self.forward.get(version_number, {}).get(ref, []))

    def origins(self, ref: str) -> list[tuple[int, list[str]]]:
        """(version, clauses) whose comments show on ``ref`` of this version or on a clause under it.

        >>> places = CommentPlaces(2, {None: ['一'], '一': ['一1', '一2']}, {1: {'一': ['一'], '一1': ['一2']}}, {})
        >>> places.origins('一')
        [(2, ['一', '一1', '一2']), (1, ['一', '一1'])]
        >>> places.origins('一1')
        [(2, ['一1'])]
        """
        if ref in (GENERAL_CLAUSE_REF, UNPLACED_CLAUSE_REF):
            return [(number, [ref]) for number in sorted({self.version_number, *self.forward}, reverse=True)]
        here = set(self.subtree(ref))
        result = [(self.version_number, self.subtree(ref))]
        for number in sorted(self.forward, reverse=True):
            refs = [old for old, new in self.forward[number].items() if here.intersection(new)]
            if refs:
                result.append((number, refs))
        return result


def comment_places(project, version_number: int | None = None) -> CommentPlaces:
    """Where comments show on the clauses of ``version_number`` (the newest by default)."""
    numbers = _version_numbers(project)
    current = version_number if version_number is not None else (numbers[-1] if numbers else 0)
    children: dict[str | None, list[str]] = {}
    for clause in project.clauses(current) if numbers else []:
        children.setdefault(clause.parent_ref, []).append(clause.ref)
    rounds = project.rounds()
    forward = {}
    for number in sorted({r.version_number for r in rounds if r.version_number < current}):
        forward[number] = {ref: [to for to, _ in places]
                           for ref, places in map_forward(project, number, current).items()}
    return CommentPlaces(current, children, forward, {r.number: r.version_number for r in rounds})


def clause_comment_counts(project, places: CommentPlaces) -> dict[str, tuple[int, int]]:
    """Comments per clause of ``places``' version: (all, still 待处理), each comment counted once.

    A comment carried to several pieces of a split clause counts on the first; one whose
    clause was deleted counts under its old reference (``第1稿二（三）8``), which no clause
    of this version has, so that the whole still counts it.
    """
    version_of_round = dict(project.db.execute(
        "SELECT r.id, v.number FROM rounds r JOIN versions v ON v.id = r.version_id"))
    # grouped by round and clause: both passes read only the (round_id, clause_ref) index
    pending = {(round_id, ref): n for round_id, ref, n in project.db.execute(
        "SELECT round_id, clause_ref, count(*) FROM comments WHERE disposition = ? GROUP BY round_id, clause_ref",
        [Disposition.PENDING.value])}
    counts: dict[str, tuple[int, int]] = {}
    for round_id, ref, total in project.db.execute(
            "SELECT round_id, clause_ref, count(*) FROM comments GROUP BY round_id, clause_ref"):
        number = version_of_round[round_id]
        targets = places.place(number, ref) if number <= places.version_number else []
        key = targets[0] if targets else f"第{number}稿{ref}"
        before = counts.get(key, (0, 0))
        counts[key] = (before[0] + total, before[1] + pending.get((round_id, ref), 0))
    return counts


# -- the drafting history ---------------------------------------------------------------------

_ROUND_PHRASES = {
    RoundMethod.WRITTEN: "书面征求有关单位意见",
    RoundMethod.ONLINE: "在网上公开征求社会意见",
    RoundMethod.MEETING: "召开座谈会听取意见",
    RoundMethod.EXPERT: "组织专家论证",
}


@dataclass(frozen=True)
class TimelineEntry:
    """One step of the drafting history: the day it happened (None when not recorded) and the
    sentence saying it, date included: ``2023年4月10日，形成征求意见稿（第1稿）``."""

    date: date | None
    text: str


def version_timeline(project) -> list[TimelineEntry]:
    """The drafts formed and the rounds held, in order, for the 起草过程 of the explanation.

    A version's date is the plan's drafting date for the first one and the date recorded
    on import for later ones; a round's is the day it was sent, its text naming the span.

    >>> import tempfile, os
    >>> from feedback.outline import parse_lines
    >>> from storage.project import Project
    >>> project = Project.create(os.path.join(tempfile.mkdtemp(), 'p.yjt'), parse_lines(['某计划', '一、任务']))
    >>> _ = project.update_plan(drafted_on=date(2023, 4, 3))
    >>> _ = project.add_round(sent_on=date(2023, 4, 10), deadline=date(2023, 4, 12))
    >>> _ = import_revision(project, parse_lines(['某计划', '一、主要任务']), formed_on=date(2023, 4, 20),
    ...                     note='吸收反馈意见')
    >>> [e.text for e in version_timeline(project)]
    ['2023年4月3日，形成征求意见稿（第1稿）', '2023年4月10日至4月12日，就第1稿书面征求有关单位意见', '2023年4月20日，根据反馈意见修改形成第2稿（吸收反馈意见）']
    >>> project.close()
    """
    entries: list[TimelineEntry] = []
    rounds = project.rounds()
    for version in project.versions():
        when = version_date(project, version.number)
        if version.number == 1:
            event = "形成征求意见稿（第1稿）"
        else:
            consulted = any(r.version_number < version.number for r in rounds)
            note = f"（{version.note.strip()}）" if version.note.strip() else ""
            event = f"{'根据反馈意见修改形成' if consulted else '修改形成'}第{version.number}稿{note}"
        entries.append(TimelineEntry(when, f"{chinese_date(when)}，{event}" if when else event))
        for rnd in rounds:
            if rnd.version_number == version.number:
                span = date_span(rnd.sent_on, rnd.deadline)
                event = f"就第{version.number}稿{_ROUND_PHRASES[rnd.method]}"
                entries.append(TimelineEntry(rnd.sent_on or rnd.deadline, f"{span}，{event}" if span else event))
    return _in_date_order(entries)


def _in_date_order(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    """The entries by date, as things happened (a round on an earlier draft sent after a later
    one was formed comes after it); an entry without a date keeps its place after the one before."""
    keys, last = [], date.min
    for index, entry in enumerate(entries):
        last = entry.date or last
        keys.append((last, index))
    return [entry for _, entry in sorted(zip(keys, entries), key=lambda pair: pair[0])]


# -- what the versions panel lists ---------------------------------------------------------------

@dataclass(frozen=True)
class VersionInfo:
    """A version as the versions panel lists it."""

    number: int
    title: str
    source_file: str
    note: str
    formed_on: date | None
    clause_count: int
    rounds: tuple[int, ...]
    unconfirmed: int  # matches to the previous version awaiting confirmation


def version_overview(project) -> list[VersionInfo]:
    """Each version with its date, clause count, rounds held on it and open confirmations."""
    counts = dict(project.db.execute("SELECT v.number, count(c.id) FROM versions v LEFT JOIN clauses c "
                                     "ON c.version_id = v.id GROUP BY v.number").fetchall())
    open_matches = dict(project.db.execute(f"SELECT to_version, count(*) FROM {_MATCHES} WHERE confirmed = 0 "
                                           "GROUP BY to_version").fetchall())
    rounds = project.rounds()
    return [VersionInfo(v.number, v.title, v.source_file, v.note, version_date(project, v.number),
                        counts.get(v.number, 0), tuple(r.number for r in rounds if r.version_number == v.number),
                        open_matches.get(v.number, 0))
            for v in project.versions()]


# -- taking the newest version away again ------------------------------------------------------

def version_record(project, number: int) -> dict:
    """Everything removing version ``number`` takes away, for ``reinstate_version`` to put back."""
    _check_version(project, number)
    version = next(project.db.query("SELECT * FROM versions WHERE number = ?", [number]))
    return {
        "version": version,
        "clauses": list(project.db.query("SELECT * FROM clauses WHERE version_id = ? ORDER BY id", [version["id"]])),
        "matches": list(project.db.query(f"SELECT * FROM {_MATCHES} WHERE from_version = ? OR to_version = ? "
                                         "ORDER BY id", [number, number])),
        "change_notes": list(project.db.query("SELECT * FROM change_notes WHERE from_version = ? "
                                              "OR to_version = ? ORDER BY rowid", [number, number])),
    }


def remove_version(project, number: int) -> Change:
    """Remove the newest version (a wrong file imported), while no round consulted on it.

    Its clauses, their matches to the version before, its date and notes on changes go with it.
    """
    _check_version(project, number)
    numbers = _version_numbers(project)
    if number != numbers[-1]:
        raise LedgerError(f"只能删除最新的一稿，第{number}稿之后还有第{numbers[-1]}稿。")
    if len(numbers) == 1:
        raise LedgerError("项目中只有这一稿草案，不能删除。")
    rounds = [r.number for r in project.rounds() if r.version_number == number]
    if rounds:
        raise LedgerError(f"第{rounds[0]}轮征求意见针对的是第{number}稿，不能删除这一稿。")
    with project.transaction():
        version_id = project.db.execute("SELECT id FROM versions WHERE number = ?", [number]).fetchone()[0]
        project.db.execute("DELETE FROM clauses_search WHERE rowid IN (SELECT id FROM clauses WHERE version_id = ?)",
                           [version_id])
        project.db.execute("DELETE FROM clauses WHERE version_id = ?", [version_id])
        project.db.execute(f"DELETE FROM {_MATCHES} WHERE from_version = ? OR to_version = ?", [number, number])
        project.db.execute("DELETE FROM versions WHERE id = ?", [version_id])
        project.db.execute("DELETE FROM change_notes WHERE from_version = ? OR to_version = ?", [number, number])
    return Change("versions", (number,), f"已删除第{number}稿")


def reinstate_version(project, record: dict) -> Change:
    """Put back a removed version with the same rows (ids included), so later commands still find them."""
    number = record["version"]["number"]
    if number in _version_numbers(project):
        raise LedgerError(f"项目中已有第{number}稿。")
    with project.transaction():
        project.db["versions"].insert(record["version"])
        project.db["clauses"].insert_all(record["clauses"])
        search.index_clauses(project.db.conn, ({"id": c["id"], "heading": c["heading"], "text": c["text"]}
                                               for c in record["clauses"]))
        project.db[_MATCHES].insert_all(record["matches"])
        project.db["change_notes"].insert_all(record["change_notes"])
    return Change("versions", (number,), f"已恢复第{number}稿")


# -- what the undoable commands use ------------------------------------------------------------

class ProjectVersions:
    """The versions of one project as the undoable commands (``feedback.version_commands``) see them."""

    def __init__(self, project):
        self.project = project

    def matches(self, from_version: int, to_version: int) -> list[ClauseMatch]:
        return stored_matches(self.project, from_version, to_version)

    def put_matches(self, from_version: int, to_version: int, matches: Sequence[ClauseMatch]) -> Change:
        return store_matches(self.project, from_version, to_version, matches)

    def confirm(self, from_version: int, to_version: int, key: str) -> Change:
        return confirm_change(self.project, from_version, to_version, key)

    def confirm_all(self, from_version: int, to_version: int) -> Change:
        return confirm_all(self.project, from_version, to_version)

    def set_match(self, from_version: int, to_version: int, from_refs: Sequence[str],
                  to_refs: Sequence[str]) -> Change:
        return set_match(self.project, from_version, to_version, from_refs, to_refs)

    def note(self, number: int) -> str:
        _check_version(self.project, number)
        return next(v.note for v in self.project.versions() if v.number == number)

    def set_note(self, number: int, note: str) -> Change:
        return set_version_note(self.project, number, note)

    def recorded_date(self, number: int) -> date | None:
        return recorded_version_date(self.project, number)

    def set_date(self, number: int, when: date | None) -> Change:
        return set_version_date(self.project, number, when)

    def change_note(self, from_version: int, to_version: int, key: str) -> str:
        return change_notes(self.project, from_version, to_version).get(key, "")

    def set_change_note(self, from_version: int, to_version: int, key: str, note: str) -> Change:
        return set_change_note(self.project, from_version, to_version, key, note)

    def save_revision(self, prepared: PreparedRevision, *, source_file: str = "", note: str = "",
                      formed_on: date | None = None) -> RevisionResult:
        return save_revision(self.project, prepared, source_file=source_file, note=note, formed_on=formed_on)

    def version_record(self, number: int) -> dict:
        return version_record(self.project, number)

    def remove_version(self, number: int) -> Change:
        return remove_version(self.project, number)

    def reinstate_version(self, record: dict) -> Change:
        return reinstate_version(self.project, record)
