"""Applying collected feedback forms and public comments to a project.

Plain functions over a ``Project``; each writes inside ``with project.transaction():``
so that it is one action, whole or not at all (inside a caller's transaction it is a
savepoint). What a returned file held is recorded in ``collected_files`` with a
checksum of its answers, so the same answers collected again change nothing.
"""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime

from feedback.ledger import LedgerError
from feedback.vocabulary import Disposition, ReplyState, RoundMethod, UnitCategory

PUBLIC_UNIT_NAME = "社会公众（网上征求意见）"
_PLAN_ID_KEY = "form_plan_id"
_SECRET_KEY = "form_secret"


def form_keys(project) -> tuple[str, str]:
    """The project's form identifier and signing key, made on first use.

    Returned forms are recognised by the identifier; the key signs each form's
    identifiers, so an edited identifier is detected.
    """
    plan_id, secret = project.settings.get(_PLAN_ID_KEY), project.settings.get(_SECRET_KEY)
    if plan_id and secret:
        return plan_id, secret
    if project.read_only:
        raise LedgerError(f"“{project.path.name}”以只读方式打开，而第一次生成反馈表须记下反馈表的识别码；"
                          "请在可以写入的位置生成。")
    plan_id, secret = secrets.token_hex(8), secrets.token_hex(16)
    project.settings.set_many({_PLAN_ID_KEY: plan_id, _SECRET_KEY: secret})
    return plan_id, secret


def _round_id(project, number: int) -> int:
    row = project.db.execute("SELECT id FROM rounds WHERE number = ?", [number]).fetchone()
    if row is None:
        raise LedgerError(f"没有第{number}轮征求意见。")
    return row[0]


def _collected_ids(project, round_id: int, unit_id: int) -> list[int]:
    ids: dict[int, None] = {}
    for (text,) in project.db.execute("SELECT comment_ids FROM collected_files WHERE round_id = ? AND unit_id = ?",
                                      [round_id, unit_id]):
        ids.update(dict.fromkeys(json.loads(text)))
    existing = {row[0] for row in project.db.execute(
        f"SELECT id FROM comments WHERE id IN ({','.join('?' * len(ids))})", list(ids))} if ids else set()
    return [i for i in ids if i in existing]


def collected_checksums(project, round_number: int) -> dict[int, tuple[str, int, int]]:
    """For each unit with a collected form in the round: (latest checksum, comments, decided comments)."""
    round_id = _round_id(project, round_number)
    latest: dict[int, str] = {}
    for unit_id, checksum in project.db.execute(
            "SELECT unit_id, checksum FROM collected_files WHERE round_id = ? ORDER BY id", [round_id]):
        latest[unit_id] = checksum
    result = {}
    for unit_id, checksum in latest.items():
        ids = _collected_ids(project, round_id, unit_id)
        decided = sum(1 for c in project.comments_by_ids(ids).values() if c.disposition is not Disposition.PENDING)
        result[unit_id] = (checksum, len(ids), decided)
    return result


def _record(project, round_id: int, unit_id: int, file_name: str, checksum: str, ids) -> None:
    project.db["collected_files"].insert({
        "round_id": round_id, "unit_id": unit_id, "file_name": file_name, "checksum": checksum,
        "collected_at": datetime.now().isoformat(timespec="seconds"),
        "comment_ids": json.dumps(list(ids))})


@dataclass
class Resubmission:
    """How a unit's new answers stand to the comments its earlier form brought in.

    ``kept``: rows word for word as before (the comment stays, with its decision);
    ``edited``: rows that are an earlier comment changed (same text on another clause or
    with other wording proposed, or a similar text on the same clause), as (row, comment
    id); ``added`` the other rows; ``removed`` the earlier comments no row answers to.
    """

    kept: list[tuple[dict, int]] = field(default_factory=list)
    edited: list[tuple[dict, int]] = field(default_factory=list)
    added: list[dict] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)


EDIT_SIMILARITY = 50.0
"""A new row on the same clause at least this similar (0–100) to an earlier comment is that comment edited."""


def pair_resubmission(old, rows: list[dict]) -> Resubmission:
    """Pair the rows of a resubmitted form with the earlier comments (``feedback.ledger.Comment``).

    >>> from feedback.ledger import Comment
    >>> old = [Comment(1, 1, 1, '甲', '市级部门', '一1', '建议增加经费保障内容。'),
    ...        Comment(2, 1, 1, '甲', '市级部门', '一2', '建议删除。')]
    >>> rows = [dict(clause_ref='一1', body='建议增加经费和人员保障内容。'), dict(clause_ref='一3', body='新意见。')]
    >>> result = pair_resubmission(old, rows)
    >>> [i for _, i in result.kept], [i for _, i in result.edited], [r['body'] for r in result.added], result.removed
    ([], [1], ['新意见。'], [2])
    """
    from rapidfuzz import fuzz

    result = Resubmission()
    waiting = {c.id: c for c in old}
    by_text: dict[tuple, list[int]] = {}
    for comment in old:
        by_text.setdefault((comment.clause_ref, comment.body, comment.proposed_wording), []).append(comment.id)
    rest: list[tuple[int, dict]] = []
    for index, row in enumerate(rows):
        same = by_text.get((row["clause_ref"], row["body"], row.get("proposed_wording", "")))
        if same:
            comment_id = same.pop(0)
            result.kept.append((row, comment_id))
            del waiting[comment_id]
        else:
            rest.append((index, row))
    by_body: dict[str, list[int]] = {}
    for comment_id, comment in waiting.items():
        by_body.setdefault(comment.body, []).append(comment_id)
    edited: dict[int, tuple[dict, int]] = {}
    for index, row in rest:
        same = [i for i in by_body.get(row["body"], []) if i in waiting]
        if same:
            edited[index] = (row, same[0])
            del waiting[same[0]]
    scored = sorted(((fuzz.ratio(c.body, row["body"]), index, c.id) for index, row in rest if index not in edited
                     for c in waiting.values() if c.clause_ref == row["clause_ref"]), reverse=True)
    for score, index, comment_id in scored:
        if score >= EDIT_SIMILARITY and index not in edited and comment_id in waiting:
            edited[index] = (rows[index], comment_id)
            del waiting[comment_id]
    for index, row in rest:
        if index in edited:
            result.edited.append(edited[index])
        else:
            result.added.append(row)
    result.removed = list(waiting)
    return result


@dataclass
class FormIntake:
    """One unit's answers from one returned form, ready to apply.

    ``keep_decisions``: for an earlier comment, already decided, that a row edits — True
    keeps its decision, False puts it back to 待处理 (the default)."""

    round_number: int
    unit_id: int
    file_name: str
    checksum: str
    no_comments: bool
    comments: list[dict]  # clause_ref, body, proposed_wording, received_on, source
    replace: bool = False
    received_on: date | None = None
    keep_decisions: dict[int, bool] = field(default_factory=dict)


@dataclass
class IntakeCounts:
    """What applying a form did to the unit's comments of the round."""

    kept: int = 0
    changed: int = 0
    reopened: int = 0  # of the changed: decided before, back to 待处理
    added: int = 0
    removed: int = 0

    def __add__(self, other: "IntakeCounts") -> "IntakeCounts":
        return IntakeCounts(self.kept + other.kept, self.changed + other.changed, self.reopened + other.reopened,
                            self.added + other.added, self.removed + other.removed)

    @property
    def total(self) -> int:
        return self.kept + self.changed + self.added


def previous_comments(project, round_number: int, unit_id: int) -> list:
    """The comments earlier forms of the unit brought into the round, in order."""
    ids = _collected_ids(project, _round_id(project, round_number), unit_id)
    found = project.comments_by_ids(ids)
    return [found[i] for i in ids if i in found]


def apply_form(project, intake: FormIntake) -> IntakeCounts:
    """Apply one unit's form and say how many comments were kept, changed, added and removed.

    A resubmission (``replace``) takes the place of the comments earlier forms of the
    unit brought in that round (``pair_resubmission``): a row word for word the same
    keeps its comment and decision; an edited row updates its comment (history kept),
    whose decision stays or goes back to 待处理 as ``keep_decisions`` says. Without
    ``replace`` a unit whose form was collected before is refused.
    """
    with project.transaction():
        round_id = _round_id(project, intake.round_number)
        old = previous_comments(project, intake.round_number, intake.unit_id)
        if old and not intake.replace:
            raise LedgerError(f"“{project.unit(intake.unit_id).name}”本轮的反馈表已收集过，替换须先确认。")
        paired = pair_resubmission(old, intake.comments)
        before = {c.id: c for c in old}
        counts = IntakeCounts(kept=len(paired.kept), changed=len(paired.edited), removed=len(paired.removed),
                              added=len(paired.added))
        for row, comment_id in paired.edited:
            fields = {k: row[k] for k in ("clause_ref", "body", "proposed_wording", "source", "received_on")
                      if k in row}
            project.comments.update(comment_id, who="反馈表", **fields)
            decided = before[comment_id].disposition is not Disposition.PENDING
            if decided and not intake.keep_decisions.get(comment_id, False):
                project.set_disposition(comment_id, Disposition.PENDING, who="反馈表")
                counts.reopened += 1
        for comment_id in paired.removed:
            project.comments.delete(comment_id)
        new_items = [dict(item, round_number=intake.round_number, unit_id=intake.unit_id) for item in paired.added]
        added = list(project.add_comments(new_items).ids) if new_items else []
        state = ReplyState.NO_COMMENTS if intake.no_comments else ReplyState.WITH_COMMENTS
        project.set_reply(intake.round_number, intake.unit_id, state,
                          replied_on=intake.received_on or date.today(), source=intake.file_name)
        ids = [i for _, i in paired.kept] + [i for _, i in paired.edited] + added
        _record(project, round_id, intake.unit_id, intake.file_name, intake.checksum, ids)
    return counts


# -- public comments -------------------------------------------------------------------------


@dataclass
class PublicGroup:
    """One comment made of identical or near-identical public submissions."""

    body: str
    clause_ref: str
    received_on: date | None
    submissions: list[dict] = field(default_factory=list)  # submitter, submitted_on, text, clause_text, source_row


def public_unit(project) -> int:
    """The unit public comments are filed under, added when missing."""
    row = project.db.execute("SELECT id FROM units WHERE name = ?", [PUBLIC_UNIT_NAME]).fetchone()
    if row:
        return row[0]
    category = UnitCategory.PUBLIC.label
    if category not in project.categories():
        project.units.add_category(category)
    return project.add_unit(PUBLIC_UNIT_NAME, category).ids[0]


def online_round(project, round_number: int | None = None, *, create: bool = False) -> int:
    """The round public comments belong to: the one given, else the newest online round,
    else a new online round when ``create``."""
    rounds = project.rounds()
    if round_number is not None:
        if not any(r.number == round_number for r in rounds):
            raise LedgerError(f"没有第{round_number}轮征求意见。")
        return round_number
    online = [r for r in rounds if r.method is RoundMethod.ONLINE]
    if online:
        return online[-1].number
    if not create:
        raise LedgerError("项目中还没有“网上公开”征求意见的轮次，请先建立一轮，或选择自动新建。")
    return project.add_round(method=RoundMethod.ONLINE).ids[0]


def public_file_imported(project, round_number: int, checksum: str) -> bool:
    round_id = _round_id(project, round_number)
    return project.db.execute("SELECT 1 FROM collected_files WHERE round_id = ? AND checksum = ?",
                              [round_id, checksum]).fetchone() is not None


def submission_key(submitter: str, submitted_on: str | None, text: str) -> tuple[str, str, str]:
    """What makes one public submission the same in two exports: who, when and what, blanks
    and byte-order marks aside (a re-saved file, a later cumulative export)."""
    def norm(value) -> str:
        return " ".join(str(value or "").replace("\ufeff", "").split())

    return norm(submitter), norm(submitted_on)[:10], norm(text)


def imported_submissions(project, round_number: int) -> tuple[dict[tuple, int], dict[str, int]]:
    """The public submissions of a round already in the project: how many of each key, and the
    comment each exact text was grouped into (to join later submissions of the same text)."""
    from collections import Counter

    round_id = _round_id(project, round_number)
    keys: Counter = Counter()
    bodies: dict[str, int] = {}
    for comment_id, submitter, submitted_on, text in project.db.execute(
            "SELECT s.comment_id, s.submitter, s.submitted_on, s.text FROM public_submissions s "
            "JOIN comments c ON c.id = s.comment_id WHERE c.round_id = ?", [round_id]):
        key = submission_key(submitter, submitted_on, text)
        keys[key] += 1
        bodies.setdefault(key[2], comment_id)
    return dict(keys), bodies


def apply_public_comments(project, groups: list[PublicGroup], *, round_number: int, file_name: str,
                          checksum: str, joins: dict[int, list[dict]] | None = None) -> list[int]:
    """One comment per group (``submissions`` = its size), every submission kept; returns the comment ids.

    ``joins`` maps an existing comment to further submissions of its text (from a later export):
    they are kept under it and its 人次 grows.
    """
    with project.transaction():
        unit_id = public_unit(project)
        round_id = _round_id(project, round_number)
        for comment_id, more in (joins or {}).items():
            project.db.execute("UPDATE comments SET submissions = submissions + ? WHERE id = ?",
                               [len(more), comment_id])
            project.db.conn.executemany(
                "INSERT INTO public_submissions(comment_id, submitter, submitted_on, text, clause_text, source_row) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(comment_id, m.get("submitter", ""), m.get("submitted_on"), m["text"], m.get("clause_text", ""),
                  m.get("source_row")) for m in more])
        if not groups:
            _record(project, round_id, unit_id, file_name, checksum, list(joins or {}))
            return []
        source = f"网上征求意见“{file_name}”"
        change = project.add_comments(
            dict(round_number=round_number, unit_id=unit_id, clause_ref=g.clause_ref, body=g.body,
                 received_on=g.received_on, source=source, submissions=len(g.submissions)) for g in groups)
        ids = list(change.ids)

        def rows():
            for comment_id, group in zip(ids, groups):
                for submission in group.submissions:
                    yield (comment_id, submission.get("submitter", ""), submission.get("submitted_on"),
                           submission["text"], submission.get("clause_text", ""), submission.get("source_row"))

        # one prepared statement for 100,000 rows: no per-batch SQL building
        project.db.conn.executemany(
            "INSERT INTO public_submissions(comment_id, submitter, submitted_on, text, clause_text, source_row) "
            "VALUES (?, ?, ?, ?, ?, ?)", rows())
        _record(project, round_id, unit_id, file_name, checksum, ids)
    return ids
