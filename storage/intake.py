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


def _setting(project, key: str) -> str | None:
    row = project.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def form_keys(project) -> tuple[str, str]:
    """The project's form identifier and signing key, made on first use.

    Returned forms are recognised by the identifier; the key signs each form's
    identifiers, so an edited identifier is detected.
    """
    plan_id, secret = _setting(project, _PLAN_ID_KEY), _setting(project, _SECRET_KEY)
    if plan_id and secret:
        return plan_id, secret
    plan_id, secret = secrets.token_hex(8), secrets.token_hex(16)
    with project.transaction():
        project.db["settings"].insert_all([{"key": _PLAN_ID_KEY, "value": plan_id},
                                           {"key": _SECRET_KEY, "value": secret}], replace=True)
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
class FormIntake:
    """One unit's answers from one returned form, ready to apply."""

    round_number: int
    unit_id: int
    file_name: str
    checksum: str
    no_comments: bool
    comments: list[dict]  # clause_ref, body, proposed_wording, received_on, source
    replace: bool = False
    received_on: date | None = None


def apply_form(project, intake: FormIntake) -> int:
    """Apply one unit's form; returns how many earlier comments it replaced.

    A resubmission (``replace``) takes the place of the comments earlier forms of
    the unit brought in that round; comments that are word for word the same stay,
    with their decisions. Without ``replace`` a unit whose form was collected
    before is refused.
    """
    with project.transaction():
        round_id = _round_id(project, intake.round_number)
        previous = _collected_ids(project, round_id, intake.unit_id)
        if previous and not intake.replace:
            raise LedgerError(f"“{project.unit(intake.unit_id).name}”本轮的反馈表已收集过，替换须先确认。")
        old = project.comments_by_ids(previous)
        waiting: dict[tuple, list[int]] = {}
        for comment in old.values():
            waiting.setdefault((comment.clause_ref, comment.body, comment.proposed_wording), []).append(comment.id)
        kept: list[int] = []
        new_items = []
        for item in intake.comments:
            same = waiting.get((item["clause_ref"], item["body"], item.get("proposed_wording", "")))
            if same:
                kept.append(same.pop(0))
            else:
                new_items.append(dict(item, round_number=intake.round_number, unit_id=intake.unit_id))
        removed = [i for ids in waiting.values() for i in ids]
        for comment_id in removed:
            project.delete_comment(comment_id)
        added = list(project.add_comments(new_items).ids) if new_items else []
        state = ReplyState.NO_COMMENTS if intake.no_comments else ReplyState.WITH_COMMENTS
        project.set_reply(intake.round_number, intake.unit_id, state,
                          replied_on=intake.received_on or date.today(), source=intake.file_name)
        _record(project, round_id, intake.unit_id, intake.file_name, intake.checksum, kept + added)
    return len(removed)


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
        project.add_category(category)
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
