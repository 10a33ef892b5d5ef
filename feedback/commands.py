"""Undoable user actions on a project, as small command objects.

Each command works through the project façade (``storage.project.Project``) and
returns the ``Change`` the façade reported, so a window refreshes only what
changed. ``check`` asks the user what needs asking and refuses what the ledger
would refuse, through an ``Interaction`` — never a dialog of its own — so the
commands run the same in a window, on the command line and in tests.

>>> import tempfile, os
>>> from storage.project import Project
>>> from feedback.outline import parse_lines
>>> project = Project.create(os.path.join(tempfile.mkdtemp(), 'p.yjt'),
...                          parse_lines(['某行动计划', '一、总体要求', '1.推进工作。']))
>>> _ = project.add_unit('市公安局', '市级部门')
>>> _ = project.add_round()
>>> interaction = ScriptedInteraction()
>>> add = AddComments(project, [dict(round_number=1, unit_id=1, clause_ref='一1', body='建议细化。')])
>>> execute(add, interaction).ids
(1,)
>>> decide = SetDisposition(project, 1, Disposition.REJECTED)
>>> execute(decide, interaction) is None, interaction.messages
(True, ['“未采纳”须填写理由或说明。'])
>>> adopt = SetDisposition(project, 1, Disposition.ADOPTED)
>>> execute(adopt, interaction).message
'已设为“采纳”'
>>> adopt.undo().ids, project.comment(1).disposition.label
((1,), '待处理')
>>> project.close()
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Iterable, Protocol, Sequence

from feedback.errors import Cancelled, UserError
from feedback.ledger import Change, Comment, LedgerError, check_disposition
from feedback.vocabulary import Disposition, ReplyState

if TYPE_CHECKING:  # the façade lives in storage/; commands only call its methods
    from storage.project import Project


class Interaction(Protocol):
    """How a command talks to the person using it."""

    def confirm(self, question: str) -> bool:
        """A yes/no question; True means go ahead."""

    def choose(self, question: str, options: Sequence[str]) -> str | None:
        """One of ``options``, or None when the user declined."""

    def inform(self, message: str) -> None:
        """A message the user must see (a refusal, a result)."""

    def ask_text(self, question: str, default: str = "") -> str | None:
        """A line of text, or None when the user declined."""


@dataclass
class ScriptedInteraction:
    """An ``Interaction`` with answers given in advance; it records what it was told.

    >>> talk = ScriptedInteraction(confirmations=[False], choices=['只读'])
    >>> talk.confirm('删除吗？'), talk.confirm('再问一次？'), talk.choose('怎么办？', ['只读', '取消'])
    (False, True, '只读')
    >>> talk.questions
    ['删除吗？', '再问一次？', '怎么办？']
    """

    confirmations: list[bool] = field(default_factory=list)
    choices: list[str | None] = field(default_factory=list)
    texts: list[str | None] = field(default_factory=list)
    default_confirmation: bool = True
    messages: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)

    def confirm(self, question: str) -> bool:
        self.questions.append(question)
        return self.confirmations.pop(0) if self.confirmations else self.default_confirmation

    def choose(self, question: str, options: Sequence[str]) -> str | None:
        self.questions.append(question)
        if self.choices:
            return self.choices.pop(0)
        return options[0] if options else None

    def inform(self, message: str) -> None:
        self.messages.append(message)

    def ask_text(self, question: str, default: str = "") -> str | None:
        self.questions.append(question)
        return self.texts.pop(0) if self.texts else default


class Command:
    """One user action that can be undone; ``text`` names it in the 撤销 menu."""

    text = ""

    def check(self, interaction: Interaction) -> bool:
        """Ask what needs asking before ``do``; False means do nothing."""
        return True

    def do(self) -> Change:
        """Carry the action out (again, after an undo)."""
        raise NotImplementedError

    def undo(self) -> Change:
        """Put the project back as it was before ``do``."""
        raise NotImplementedError


def execute(command: Command, interaction: Interaction) -> Change | None:
    """Check and do ``command``: the one way every action is run (window, command line, tests).

    A refusal (any ``UserError``: the ledger's, the project file's, a file's) is
    told through ``interaction`` and gives None, as does the user's cancelling.
    """
    try:
        if not command.check(interaction):
            return None
        return command.do()
    except UserError as error:
        interaction.inform(str(error))
        return None
    except Cancelled:
        return None


def _merged(what: str, changes: Iterable[Change], message: str) -> Change:
    ids: dict[int, None] = {}
    for change in changes:
        ids.update(dict.fromkeys(change.ids))
    return Change(what, tuple(ids), message)


@dataclass(frozen=True)
class _Decision:
    disposition: Disposition
    reason: str
    work_item: str
    handler: str
    decided_on: date | None

    @classmethod
    def of(cls, comment: Comment) -> "_Decision":
        return cls(comment.disposition, comment.reason, comment.work_item, comment.handler, comment.decided_on)


class SetDisposition(Command):
    """Decide one comment: disposition with its reason, work item and handler.

    ``None`` for reason, work item or handler keeps what the comment has. A
    disposition that owes a reason (``Disposition.needs_reason``) without one is
    refused in ``check`` with the ledger's own sentence.
    """

    def __init__(self, project: "Project", comment_id: int, disposition: Disposition, *,
                 reason: str | None = None, work_item: str | None = None, handler: str | None = None,
                 who: str = ""):
        self.project = project
        self.comment_id = comment_id
        self.disposition = Disposition(disposition)
        self.reason, self.work_item, self.handler, self.who = reason, work_item, handler, who
        self._before: _Decision | None = None
        self.text = f"设为“{self.disposition.label}”"

    def _wanted(self, current: Comment) -> _Decision:
        return _Decision(self.disposition,
                         current.reason if self.reason is None else self.reason,
                         current.work_item if self.work_item is None else self.work_item,
                         current.handler if self.handler is None else self.handler,
                         current.decided_on)

    def check(self, interaction: Interaction) -> bool:
        current = self.project.comment(self.comment_id)
        wanted = self._wanted(current)
        try:
            check_disposition(wanted.disposition, wanted.reason, wanted.work_item)
        except LedgerError as error:
            interaction.inform(str(error))
            return False
        before = _Decision.of(current)
        return (wanted.disposition, wanted.reason, wanted.work_item, wanted.handler) != (
            before.disposition, before.reason, before.work_item, before.handler)

    def do(self) -> Change:
        if self._before is None:
            self._before = _Decision.of(self.project.comment(self.comment_id))
        return self.project.set_disposition(self.comment_id, self.disposition, reason=self.reason,
                                            work_item=self.work_item, handler=self.handler, who=self.who)

    def undo(self) -> Change:
        before = self._before
        return self.project.set_disposition(self.comment_id, before.disposition, reason=before.reason,
                                            work_item=before.work_item, handler=before.handler,
                                            decided_on=before.decided_on, who=self.who)


class SetDispositions(Command):
    """The same disposition for several comments, in one transaction (a multi-row selection).

    The reason, work item and handler are each comment's own unless given; the
    whole action is refused when any comment would then lack a required reason.
    """

    def __init__(self, project: "Project", comment_ids: Sequence[int], disposition: Disposition, *,
                 reason: str | None = None, work_item: str | None = None, handler: str | None = None,
                 who: str = ""):
        self.project = project
        self.parts = [SetDisposition(project, i, disposition, reason=reason, work_item=work_item,
                                     handler=handler, who=who) for i in comment_ids]
        self.text = f"{len(self.parts)}条意见设为“{Disposition(disposition).label}”"

    def check(self, interaction: Interaction) -> bool:
        comments = self.project.comments_by_ids([p.comment_id for p in self.parts])
        missing = 0
        for part in self.parts:
            wanted = part._wanted(comments[part.comment_id])
            try:
                check_disposition(wanted.disposition, wanted.reason, wanted.work_item)
            except LedgerError:
                missing += 1
        if missing:
            disposition = self.parts[0].disposition
            interaction.inform(f"所选意见中有{missing}条尚未填写理由或说明，不能一并设为“{disposition.label}”。")
            return False
        self.parts = [p for p in self.parts if _Decision.of(comments[p.comment_id]) != p._wanted(
            comments[p.comment_id])]
        return bool(self.parts)

    def do(self) -> Change:
        with self.project.transaction():
            changes = [part.do() for part in self.parts]
        return _merged("comments", changes, self.text)

    def undo(self) -> Change:
        with self.project.transaction():
            changes = [part.undo() for part in reversed(self.parts)]
        return _merged("comments", changes, f"已撤销：{self.text}")


_EDITABLE_FIELDS = ("clause_ref", "body", "quoted_text", "proposed_wording", "received_on", "source", "unit_id")


class EditComment(Command):
    """Change what a comment says or where it points (its text, clause, unit), not its decision."""

    def __init__(self, project: "Project", comment_id: int, *, who: str = "", **fields: Any):
        self.project = project
        self.comment_id = comment_id
        self.fields = fields
        self.who = who
        self._before: dict[str, Any] | None = None
        self.text = "修改意见"

    def check(self, interaction: Interaction) -> bool:
        current = self.project.comment(self.comment_id)
        # a field the façade does not edit goes through, so that the façade refuses it in its own words
        return any(k not in _EDITABLE_FIELDS or getattr(current, k) != v for k, v in self.fields.items())

    def do(self) -> Change:
        if self._before is None:
            current = self.project.comment(self.comment_id)
            self._before = {k: getattr(current, k) for k in self.fields if k in _EDITABLE_FIELDS}
        return self.project.comments.update(self.comment_id, who=self.who, **self.fields)

    def undo(self) -> Change:
        return self.project.comments.update(self.comment_id, who=self.who, **self._before)


def _stored_states(project: "Project", round_number: int) -> dict[int, tuple[ReplyState, date | None]]:
    """Each recipient's reply as it would have to be written back (overdue is only worked out)."""
    states = {}
    for reply in project.replies(round_number):
        state = ReplyState.NONE if reply.state is ReplyState.OVERDUE else reply.state
        states[reply.unit_id] = (state, reply.replied_on)
    return states


def _put_back_reply(project: "Project", round_number: int, unit_id: int,
                    before: tuple[ReplyState, date | None] | None) -> Change:
    """Write a recipient's earlier reply back; a unit that was not a recipient stops being one."""
    if before is None:
        project.set_reply(round_number, unit_id, ReplyState.NONE)
        others = [r.unit_id for r in project.replies(round_number) if r.unit_id != unit_id]
        return project.rounds.set_recipients(round_number, others)
    state, replied_on = before
    return project.set_reply(round_number, unit_id, state, replied_on=replied_on)


class AddComments(Command):
    """Log comments (one unit's letter, a form, a pasted list); undo removes exactly these.

    A redo puts the same comments back with the same numbers, so later commands
    on the stack still find them.
    """

    def __init__(self, project: "Project", items: Sequence[dict]):
        self.project = project
        self.items = [dict(item) for item in items]
        self._added: list[Comment] = []
        self._replies: dict[tuple[int, int], tuple[ReplyState, date | None] | None] = {}
        self.text = f"录入{len(self.items)}条意见"

    def check(self, interaction: Interaction) -> bool:
        if not self.items:
            interaction.inform("没有要录入的意见。")
            return False
        return True

    def _remember_replies(self) -> None:
        for number in {item["round_number"] for item in self.items}:
            states = _stored_states(self.project, number)
            for item in self.items:
                if item["round_number"] == number:
                    self._replies[(number, item["unit_id"])] = states.get(item["unit_id"])

    def do(self) -> Change:
        if not self._added:
            self._remember_replies()
            change = self.project.add_comments(self.items)
            found = self.project.comments_by_ids(change.ids)
            self._added = [found[i] for i in change.ids]
            return change
        with self.project.transaction():
            for comment in self._added:
                self.project.comments.restore(comment)
            for (number, unit_id) in self._replies:
                self.project.set_reply(number, unit_id, ReplyState.WITH_COMMENTS)
        return Change("comments", tuple(c.id for c in self._added), f"已恢复{len(self._added)}条意见")

    def undo(self) -> Change:
        with self.project.transaction():
            for comment in self._added:
                self.project.comments.delete(comment.id)
            for (number, unit_id), before in self._replies.items():
                _put_back_reply(self.project, number, unit_id, before)
        return Change("comments", tuple(c.id for c in self._added), f"已撤销录入的{len(self._added)}条意见")


class DeleteComment(Command):
    """Remove a comment after the user confirms; undo restores it with its number and decision."""

    def __init__(self, project: "Project", comment_id: int):
        self.project = project
        self.comment_id = comment_id
        self._comment: Comment | None = None
        self.text = "删除意见"

    def check(self, interaction: Interaction) -> bool:
        comment = self.project.comment(self.comment_id)
        excerpt = comment.body if len(comment.body) <= 30 else comment.body[:30] + "…"
        return interaction.confirm(f"删除{comment.unit_name}的这条意见吗？\n“{excerpt}”")

    def do(self) -> Change:
        self._comment = self.project.comment(self.comment_id)
        return self.project.comments.delete(self.comment_id)

    def undo(self) -> Change:
        return self.project.comments.restore(self._comment)


class RecordReply(Command):
    """Record a unit's answer in a round (无意见, or back to 未反馈); undo restores the earlier one."""

    def __init__(self, project: "Project", round_number: int, unit_id: int, state: ReplyState, *,
                 replied_on: date | None = None):
        self.project = project
        self.round_number, self.unit_id = round_number, unit_id
        self.state = ReplyState(state)
        self.replied_on = replied_on
        self._before: tuple[ReplyState, date | None] | None = None
        self._remembered = False
        self.text = f"记为“{self.state.label}”"

    def check(self, interaction: Interaction) -> bool:
        before = _stored_states(self.project, self.round_number).get(self.unit_id)
        if before is not None and before[0] is self.state:
            return False
        if self.state is ReplyState.NONE and before is None:
            return False
        return True

    def do(self) -> Change:
        if not self._remembered:
            self._before = _stored_states(self.project, self.round_number).get(self.unit_id)
            self._remembered = True
        return self.project.set_reply(self.round_number, self.unit_id, self.state, replied_on=self.replied_on)

    def undo(self) -> Change:
        with self.project.transaction():
            _put_back_reply(self.project, self.round_number, self.unit_id, self._before)
        return Change("replies", (self.unit_id,), f"已撤销：{self.text}")


# -- the registry: units, categories, rounds --------------------------------------------------------


class AddUnits(Command):
    """Register one unit or many (e.g. the units a draft names); undo removes them again.

    A redo gives the units back their numbers, so later commands on the stack still find them.
    """

    def __init__(self, project: "Project", rows: Sequence[dict], text: str = ""):
        self.project = project
        self.rows = [dict(row) for row in rows]
        self.ids: tuple[int, ...] = ()
        self.text = text or (f"登记单位“{self.rows[0]['name']}”" if len(self.rows) == 1
                             else f"登记{len(self.rows)}个单位")

    def do(self) -> Change:
        rows = [dict(row, id=unit_id) for row, unit_id in zip(self.rows, self.ids)] if self.ids else self.rows
        change = self.project.add_units(rows)
        self.ids = change.ids
        return change

    def undo(self) -> Change:
        return self.project.units.remove_many(self.ids)


class UpdateUnit(Command):
    """Change a unit's name, category, aliases or contact; undo puts the earlier values back."""

    _FIELDS = ("name", "category", "aliases", "contact_person", "phone", "note")

    def __init__(self, project: "Project", unit_id: int, **fields: Any):
        self.project, self.unit_id = project, unit_id
        unknown = set(fields) - set(self._FIELDS)
        if unknown:
            raise LedgerError(f"未知的单位字段：{'、'.join(sorted(unknown))}")
        self.fields = fields
        unit = project.unit(unit_id)
        self.before = {key: list(getattr(unit, key)) if key == "aliases" else getattr(unit, key) for key in fields}
        self.text = f"修改单位“{unit.name}”"

    def check(self, interaction: Interaction) -> bool:
        return self.fields != self.before

    def do(self) -> Change:
        return self.project.units.update(self.unit_id, **self.fields)

    def undo(self) -> Change:
        return self.project.units.update(self.unit_id, **self.before)


class RemoveUnit(Command):
    """Take a unit without comments off the registry; undo brings it back with its replies."""

    def __init__(self, project: "Project", unit_id: int):
        self.project, self.unit_id = project, unit_id
        self.name = project.unit(unit_id).name
        self.record: dict | None = None
        self.text = f"删除单位“{self.name}”"

    def check(self, interaction: Interaction) -> bool:
        return interaction.confirm(f"从名单中删除“{self.name}”吗？")

    def do(self) -> Change:
        self.record = self.project.units.record(self.unit_id)
        return self.project.units.remove(self.unit_id)

    def undo(self) -> Change:
        return self.project.units.reinstate(self.record)


class AddCategory(Command):
    """A new unit category (e.g. 高校); undo removes it while no unit is in it."""

    def __init__(self, project: "Project", name: str):
        self.project, self.name = project, name.strip()
        self.text = f"添加类别“{self.name}”"

    def do(self) -> Change:
        return self.project.units.add_category(self.name)

    def undo(self) -> Change:
        return self.project.units.remove_category(self.name)


class AddRound(Command):
    """Open a consultation round, registering units named for it first; undo removes both.

    ``new_units`` are (name, category) pairs not yet in the registry.
    """

    def __init__(self, project: "Project", *, recipients: Sequence[int] = (),
                 new_units: Sequence[tuple[str, str]] = (), **round_fields: Any):
        self.project = project
        self.recipients = list(recipients)
        self.new_units = AddUnits(project, [dict(name=n, category=c) for n, c in new_units]) if new_units else None
        self.round_fields = round_fields
        self.number: int | None = None
        self.text = "建立征求意见轮次"

    def do(self) -> Change:
        units = None
        with self.project.transaction():
            ids = list(self.recipients)
            if self.new_units is not None:
                units = self.new_units.do()
                ids.extend(units.ids)
            change = self.project.add_round(recipients=ids, **self.round_fields)
        self.number = change.ids[0]
        return change if units is None else change.merged(units)

    def undo(self) -> Change:
        with self.project.transaction():
            change = self.project.rounds.remove_last(self.number)
            if self.new_units is not None:
                change = change.merged(self.new_units.undo())
        return change


class EditRound(Command):
    """Correct a round's method, dates or note, or the units it was sent to; undo puts back the earlier ones.

    The dates drive the 逾期 counts, so a deadline before the day the round was sent is refused.
    Units that already answered stay recipients (``project.rounds.set_recipients``).
    """

    _FIELDS = ("method", "sent_on", "deadline", "note")

    def __init__(self, project: "Project", number: int, *, recipients: Sequence[int] | None = None, **fields: Any):
        unknown = set(fields) - set(self._FIELDS)
        if unknown:
            raise LedgerError(f"未知的轮次字段：{'、'.join(sorted(unknown))}")
        self.project, self.number = project, number
        self.fields = fields
        self.recipients = None if recipients is None else sorted(set(recipients))
        self._before: tuple[dict[str, Any], list[int]] | None = None
        self.text = f"修改第{number}轮"

    def _current(self) -> tuple[dict[str, Any], list[int]]:
        found = next((r for r in self.project.rounds() if r.number == self.number), None)
        if found is None:
            raise LedgerError(f"没有第{self.number}轮征求意见。")
        values = {key: getattr(found, key) for key in self._FIELDS}
        return values, sorted(r.unit_id for r in self.project.replies(self.number))

    def check(self, interaction: Interaction) -> bool:
        values, recipients = self._current()
        wanted = values | self.fields
        if wanted["sent_on"] and wanted["deadline"] and wanted["deadline"] < wanted["sent_on"]:
            interaction.inform("反馈截止日期不能早于发出日期。")
            return False
        return wanted != values or (self.recipients is not None and self.recipients != recipients)

    def _write(self, fields: dict[str, Any], recipients: Sequence[int] | None) -> Change:
        with self.project.transaction():
            if fields:
                self.project.rounds.update(self.number, **fields)
            if recipients is not None:
                self.project.rounds.set_recipients(self.number, recipients)
        return Change("rounds", (self.number,), f"已修改第{self.number}轮")

    def do(self) -> Change:
        if self._before is None:
            self._before = self._current()
        return self._write(self.fields, self.recipients)

    def undo(self) -> Change:
        values, recipients = self._before
        change = self._write({k: values[k] for k in self.fields}, recipients if self.recipients is not None else None)
        return Change(change.what, change.ids, f"已撤销：{self.text}")


class Recorder(Protocol):
    """The rows a long action changes, recorded while it runs (``storage.journal.Journal``)."""

    text: str

    def __enter__(self) -> "Recorder": ...

    def __exit__(self, *exc) -> None: ...

    def change(self, message: str = "") -> Change:
        """What the recorded rows are."""

    def undo(self, project: "Project") -> Change:
        """Put the rows back as they were before."""

    def redo(self, project: "Project") -> Change:
        """Write the same rows again."""


class RecordedAction(Command):
    """A long action — collecting forms, importing public comments — undone row by row.

    ``action(project)`` does the work and returns its result (kept in ``result``);
    ``recorder(project)`` records the rows it changes. The first ``do`` may run on
    another handle of the same file (``run_on``, in a background job); undo then
    takes exactly those rows away and redo puts the same rows back, ids included.
    """

    def __init__(self, project: "Project", text: str, action, recorder):
        self.project, self.text, self.action, self.recorder = project, text, action, recorder
        self.record: Recorder | None = None
        self.result: Any = None

    def run_on(self, project: "Project") -> Change:
        """The first ``do``, on ``project`` (this command's project or another handle of its file)."""
        record = self.recorder(project)
        with record:
            self.result = self.action(project)
        record.text = self.text
        self.record = record
        return record.change(self.text)

    def do(self) -> Change:
        if self.record is None:
            return self.run_on(self.project)
        return self.record.redo(self.project)

    def undo(self) -> Change:
        return self.record.undo(self.project)
