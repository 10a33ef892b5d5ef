"""The records of a consultation, as the project file hands them out.

These are plain values: changing one changes nothing until it goes back through
the project façade (``storage.project.Project``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from feedback.errors import UserError
from feedback.vocabulary import Disposition, ReplyState, RoundMethod


class LedgerError(UserError, ValueError):
    """A user action the ledger refuses; the message is one Chinese sentence."""


@dataclass(frozen=True)
class Change:
    """What one mutation changed, so a window refreshes only that.

    ``what`` names the kind of records (``comments``, ``units``, ``rounds``,
    ``replies``, ``plan``, ``versions``), ``ids`` the records touched; ``also``
    the other kinds the same action touched (an import: units, rounds, replies).

    >>> a = Change('comments', (1, 2), '已录入2条意见')
    >>> a.merged(Change('rounds', (2,), '已建立第2轮')).kinds
    ('comments', 'rounds')
    >>> a.merged(Change('comments', (2, 3))).ids
    (1, 2, 3)
    """

    what: str
    ids: tuple[int, ...] = ()
    message: str = ""
    also: tuple[str, ...] = ()

    @property
    def kinds(self) -> tuple[str, ...]:
        """Every kind of record the action touched, ``what`` first."""
        return tuple(dict.fromkeys((self.what, *self.also)))

    def merged(self, other: "Change") -> "Change":
        """One change for two actions done as one: ids of ``what`` joined, other kinds kept in ``also``."""
        ids = tuple(dict.fromkeys(self.ids + other.ids)) if other.what == self.what else self.ids
        also = tuple(k for k in dict.fromkeys(self.also + other.kinds) if k != self.what)
        return Change(self.what, ids, self.message or other.message, also)


@dataclass
class Plan:
    title: str = ""
    short_name: str = ""
    drafting_unit: str = ""
    addressee: str = ""
    locality: str = ""
    contact_person: str = ""
    contact_phone: str = ""
    drafted_on: date | None = None
    written_on: date | None = None

    @property
    def display_short_name(self) -> str:
        """The 简称, or the title in 《》 when none was given."""
        return self.short_name or (f"《{self.title}》" if self.title else "")


@dataclass
class Version:
    id: int
    number: int
    title: str
    style: str
    source_file: str
    imported_at: str
    note: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass
class Unit:
    id: int
    name: str
    category: str
    aliases: list[str] = field(default_factory=list)
    contact_person: str = ""
    phone: str = ""
    note: str = ""


@dataclass
class Round:
    id: int
    number: int
    method: RoundMethod
    version_number: int
    sent_on: date | None
    deadline: date | None
    note: str = ""

    @property
    def title(self) -> str:
        return f"第{self.number}轮（{self.method.label}）"

    @property
    def label(self) -> str:
        """The round as lists name it: ``第1轮 书面征求（2023年4月10日）`` (without a date: ``第1轮 书面征求``)."""
        sent = f"（{self.sent_on.year}年{self.sent_on.month}月{self.sent_on.day}日）" if self.sent_on else ""
        return f"第{self.number}轮 {self.method.label}{sent}"


@dataclass
class Reply:
    round_number: int
    unit_id: int
    unit_name: str
    category: str
    state: ReplyState
    replied_on: date | None = None


@dataclass
class Comment:
    id: int
    round_number: int
    unit_id: int
    unit_name: str
    category: str
    clause_ref: str
    body: str
    quoted_text: str = ""
    proposed_wording: str = ""
    received_on: date | None = None
    source: str = ""
    submissions: int = 1
    disposition: Disposition = Disposition.PENDING
    reason: str = ""
    work_item: str = ""
    handler: str = ""
    decided_on: date | None = None

    @property
    def reason_missing(self) -> bool:
        """True while the disposition owes a reason that is not written yet."""
        return self.disposition.needs_reason and not self.reason.strip()


@dataclass
class HistoryEntry:
    comment_id: int
    field: str
    old_value: str | None
    new_value: str | None
    who: str
    at: str
    action: int = 0  # the user action it was part of: the fields of one save share it


@dataclass
class SearchHit:
    kind: str  # "comment" or "clause"
    id: int
    ref: str
    snippet: str


def check_disposition(disposition: Disposition, reason: str, work_item: str) -> None:
    """Refuse a disposition that owes a reason (or a work item) without one."""
    if disposition.needs_reason and not reason.strip():
        raise LedgerError(f"“{disposition.label}”须填写理由或说明。")
    if disposition is Disposition.IN_WORK and not work_item.strip():
        raise LedgerError("“在工作中落实”须写明在哪项工作中落实。")
