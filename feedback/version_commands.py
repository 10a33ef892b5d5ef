"""Undoable edits of draft versions: a version's note and date, the clause matches, the notes on changes.

Like ``feedback.commands``, each command has ``check``/``do``/``undo`` and returns
the ``Change`` reported (``what == 'versions'``). They work through a
``VersionStore`` — ``storage.versions.ProjectVersions`` over a project file — and
name a change by its key (``ChangeGroup.key``), never by a stored row id, so that
an undo that rewrites the matches leaves the later commands on the stack valid.

>>> import tempfile, os
>>> from feedback.commands import ScriptedInteraction, execute
>>> from feedback.outline import parse_lines
>>> from storage.project import Project
>>> from storage.versions import ProjectVersions, import_revision
>>> project = Project.create(os.path.join(tempfile.mkdtemp(), 'p.yjt'),
...                          parse_lines(['某计划', '一、任务', '1.推进甲。加强甲工作。']))
>>> _ = import_revision(project, parse_lines(['某计划', '一、任务', '1.推进甲。全面加强甲工作。']))
>>> store = ProjectVersions(project)
>>> edit = EditVersionNote(store, 2, '吸收第一轮反馈意见')
>>> execute(edit, ScriptedInteraction()).message
'已修改第2稿的说明'
>>> edit.undo().message, store.note(2)
('已撤销：修改第2稿的说明', '')
>>> project.close()
"""
from __future__ import annotations

from datetime import date
from typing import Any, Protocol, Sequence

from feedback.commands import Command, Interaction
from feedback.ledger import Change
from feedback.revision import ClauseMatch, change_groups


class VersionStore(Protocol):
    """What the commands need of the project file's versions."""

    def matches(self, from_version: int, to_version: int) -> list[ClauseMatch]:
        """The stored matches of two versions."""

    def put_matches(self, from_version: int, to_version: int, matches: Sequence[ClauseMatch]) -> Change:
        """Replace the stored matches of two versions (an undo puts the earlier ones back)."""

    def confirm(self, from_version: int, to_version: int, key: str) -> Change:
        """Accept the change named ``key`` as the matcher proposed it."""

    def confirm_all(self, from_version: int, to_version: int) -> Change:
        """Accept every proposed match of two versions."""

    def set_match(self, from_version: int, to_version: int, from_refs: Sequence[str],
                  to_refs: Sequence[str]) -> Change:
        """The drafter's own correspondence: ``from_refs`` became ``to_refs``."""

    def note(self, number: int) -> str:
        """A version's note."""

    def set_note(self, number: int, note: str) -> Change:
        """Write a version's note."""

    def recorded_date(self, number: int) -> date | None:
        """The day recorded for a version (None when none was)."""

    def set_date(self, number: int, when: date | None) -> Change:
        """Record (or, with None, forget) the day a version was formed."""

    def change_note(self, from_version: int, to_version: int, key: str) -> str:
        """The 修改说明 of one change."""

    def set_change_note(self, from_version: int, to_version: int, key: str, note: str) -> Change:
        """Write (or, when empty, remove) the 修改说明 of one change."""

    def save_revision(self, prepared: Any, *, source_file: str = "", note: str = "",
                      formed_on: date | None = None) -> Any:
        """Store a matched revision (``storage.versions.PreparedRevision``) as the next version; its result."""

    def version_record(self, number: int) -> dict:
        """Everything removing a version takes away."""

    def remove_version(self, number: int) -> Change:
        """Remove the newest version."""

    def reinstate_version(self, record: dict) -> Change:
        """Put a removed version back with the same rows."""


def _undone(change: Change, text: str) -> Change:
    return Change(change.what, change.ids, f"已撤销：{text}")


class EditVersionNote(Command):
    """The note on a version (``吸收第一轮反馈意见``), which the drafting history quotes."""

    def __init__(self, store: VersionStore, number: int, note: str):
        self.store, self.number, self.note = store, number, note.strip()
        self._before: str | None = None
        self.text = f"修改第{number}稿的说明"

    def check(self, interaction: Interaction) -> bool:
        return self.store.note(self.number) != self.note

    def do(self) -> Change:
        if self._before is None:
            self._before = self.store.note(self.number)
        return self.store.set_note(self.number, self.note)

    def undo(self) -> Change:
        return _undone(self.store.set_note(self.number, self._before or ""), self.text)


class SetVersionDate(Command):
    """The day a version was formed (None forgets it); the drafting history dates the version by it."""

    def __init__(self, store: VersionStore, number: int, when: date | None):
        self.store, self.number, self.when = store, number, when
        self._before: date | None = None
        self._remembered = False
        self.text = f"修改第{number}稿的形成日期"

    def check(self, interaction: Interaction) -> bool:
        return self.store.recorded_date(self.number) != self.when

    def do(self) -> Change:
        if not self._remembered:
            self._before, self._remembered = self.store.recorded_date(self.number), True
        return self.store.set_date(self.number, self.when)

    def undo(self) -> Change:
        return _undone(self.store.set_date(self.number, self._before), self.text)


class _MatchesCommand(Command):
    """A command on the matches of two versions; undo writes back the matches as they were."""

    def __init__(self, store: VersionStore, from_version: int, to_version: int):
        self.store, self.from_version, self.to_version = store, from_version, to_version
        self._before: list[ClauseMatch] | None = None

    def _remember(self) -> None:
        if self._before is None:
            self._before = self.store.matches(self.from_version, self.to_version)

    def undo(self) -> Change:
        return _undone(self.store.put_matches(self.from_version, self.to_version, self._before or []), self.text)


class ConfirmMatch(_MatchesCommand):
    """Accept one proposed change (a pair, a split or a merge) as it is.

    ``key`` names the change (``ChangeGroup.key``); a change already confirmed is left alone.
    """

    def __init__(self, store: VersionStore, from_version: int, to_version: int, key: str):
        super().__init__(store, from_version, to_version)
        self.key = key
        self.text = f"确认对应关系 {key}"

    def check(self, interaction: Interaction) -> bool:
        groups = [g for g in change_groups(self.store.matches(self.from_version, self.to_version))
                  if g.key == self.key]
        if not groups:
            interaction.inform(f"第{self.from_version}稿与第{self.to_version}稿之间没有“{self.key}”这一对应关系，"
                               "可能已被更正。")
            return False
        return not groups[0].confirmed

    def do(self) -> Change:
        self._remember()
        return self.store.confirm(self.from_version, self.to_version, self.key)


class ConfirmAllMatches(_MatchesCommand):
    """Accept every match of two versions still awaiting confirmation."""

    def __init__(self, store: VersionStore, from_version: int, to_version: int):
        super().__init__(store, from_version, to_version)
        self.text = f"确认第{from_version}稿与第{to_version}稿的全部对应关系"

    def check(self, interaction: Interaction) -> bool:
        return any(not m.confirmed for m in self.store.matches(self.from_version, self.to_version))

    def do(self) -> Change:
        self._remember()
        return self.store.confirm_all(self.from_version, self.to_version)


class SetMatch(_MatchesCommand):
    """The drafter's correspondence: ``from_refs`` became ``to_refs``.

    One to one pairs two clauses; one to several is a split, several to one a merge;
    an old clause to nothing marks it deleted (its former partners become new), and
    nothing to a new clause marks it inserted.
    """

    def __init__(self, store: VersionStore, from_version: int, to_version: int, from_refs: Sequence[str],
                 to_refs: Sequence[str]):
        super().__init__(store, from_version, to_version)
        self.from_refs, self.to_refs = list(from_refs), list(to_refs)
        old, new = "、".join(self.from_refs), "、".join(self.to_refs)
        if not self.to_refs:
            self.text = f"将第{from_version}稿{old}标为删除"
        elif not self.from_refs:
            self.text = f"将第{to_version}稿{new}标为新增"
        else:
            self.text = f"将第{from_version}稿{old}对应到第{to_version}稿{new}"

    def do(self) -> Change:
        self._remember()
        return self.store.set_match(self.from_version, self.to_version, self.from_refs, self.to_refs)


class SetChangeNote(Command):
    """The 修改说明 of one change, written into the 修改对照表; it answers a 修改无对应意见 flag."""

    def __init__(self, store: VersionStore, from_version: int, to_version: int, key: str, note: str):
        self.store, self.from_version, self.to_version = store, from_version, to_version
        self.key, self.note = key, note.strip()
        self._before: str | None = None
        self.text = f"修改说明 {key}"

    def check(self, interaction: Interaction) -> bool:
        return self.store.change_note(self.from_version, self.to_version, self.key) != self.note

    def do(self) -> Change:
        if self._before is None:
            self._before = self.store.change_note(self.from_version, self.to_version, self.key)
        return self.store.set_change_note(self.from_version, self.to_version, self.key, self.note)

    def undo(self) -> Change:
        return _undone(self.store.set_change_note(self.from_version, self.to_version, self.key, self._before or ""),
                       self.text)


class ImportRevision(Command):
    """A revised draft, already matched to the newest version, stored as the next one.

    Undo removes exactly what the import added (the version, its clauses, its
    matches); redo puts the same rows back, so later commands still find them.
    ``result`` is the import's ``RevisionResult`` (the summary, the uncertain matches).
    """

    def __init__(self, store: VersionStore, prepared: Any, *, source_file: str = "", note: str = "",
                 formed_on: date | None = None):
        self.store, self.prepared = store, prepared
        self.source_file, self.note, self.formed_on = source_file, note, formed_on
        self.result: Any = None
        self._record: dict | None = None
        self.text = f"导入修改稿“{source_file}”" if source_file else "导入修改稿"

    def do(self) -> Change:
        if self.result is None:
            self.result = self.store.save_revision(self.prepared, source_file=self.source_file, note=self.note,
                                                   formed_on=self.formed_on)
            return self.result.change
        return self.store.reinstate_version(self._record)

    def undo(self) -> Change:
        number = self.result.version_number
        self._record = self.store.version_record(number)
        return _undone(self.store.remove_version(number), self.text)


class RemoveVersion(Command):
    """Take the newest version away (a wrong file imported), after the user confirms; undo brings it back."""

    def __init__(self, store: VersionStore, number: int):
        self.store, self.number = store, number
        self._record: dict | None = None
        self.text = f"删除第{number}稿"

    def check(self, interaction: Interaction) -> bool:
        return interaction.confirm(f"删除第{self.number}稿吗？它的条款、与上一稿的对应关系和修改说明将一并删除"
                                   "（可以撤销）。")

    def do(self) -> Change:
        record = self.store.version_record(self.number)
        change = self.store.remove_version(self.number)
        self._record = record
        return change

    def undo(self) -> Change:
        return _undone(self.store.reinstate_version(self._record), self.text)
