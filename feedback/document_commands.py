"""Undoable edits of the generated documents: their sections, the plan fields they print, the attachment order.

Like ``feedback.commands``, each command checks through an ``Interaction``, works on
the project and returns the ``Change`` it made; ``undo`` puts back exactly what
``do`` changed. The sections live in the project file and are kept by a *section
store*, ``storage.documents``, handed to each command: the domain says what it
needs of it (``SectionStore``) and reads no file itself.

>>> import tempfile, os
>>> from feedback.commands import ScriptedInteraction, execute
>>> from feedback.outline import parse_lines
>>> from storage import documents
>>> from storage.project import Project
>>> project = Project.create(os.path.join(tempfile.mkdtemp(), 'p.yjt'), parse_lines(['某计划', '一、任务']))
>>> talk = ScriptedInteraction()
>>> first = documents.list_sections(project)[0]
>>> edit = EditSection(project, documents, first.id, body='根据上级部署起草。')
>>> execute(edit, talk).message
'已保存“起草背景”'
>>> move = MoveSection(project, documents, first.id, 3)
>>> _ = execute(move, talk)
>>> [s.title for s in documents.list_sections(project)]
['主要内容', '起草过程', '下一步打算', '起草背景']
>>> _ = move.undo(), edit.undo()
>>> documents.list_sections(project)[0] == first
True
>>> execute(EditPlan(project, addressee='市政府'), talk).what, project.plan().addressee
('plan', '市政府')
>>> project.close()
"""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from feedback.commands import Command, Interaction
from feedback.explanation_text import EXPLANATION, GROUPINGS, clean_body, strip_heading_number
from feedback.ledger import Change, LedgerError, Plan

if TYPE_CHECKING:  # the façade lives in storage/; commands only call its methods
    from storage.project import Project

# The plan fields the documents print, by their names on screen.
PLAN_FIELD_LABELS = {
    "title": "文件标题",
    "short_name": "简称",
    "drafting_unit": "起草单位",
    "addressee": "主送机关",
    "drafted_on": "起草日期",
    "written_on": "成文日期",
    "contact_person": "联系人",
    "contact_phone": "联系电话",
    "locality": "地名",
}


class SectionStore(Protocol):
    """The document sections of a project file, as ``storage.documents`` keeps them.

    A section has ``id``, ``document``, ``position``, ``title``, ``body`` and ``kind``
    (None for one the drafter added).
    """

    def section(self, project: "Project", section_id: int) -> Any: ...

    def save_section(self, project: "Project", section_id: int, *, title: str | None = None,
                     body: str | None = None) -> Change: ...

    def move_section(self, project: "Project", section_id: int, position: int) -> Change: ...

    def add_section(self, project: "Project", title: str, body: str = "", *, document: str = EXPLANATION,
                    position: int | None = None) -> Change: ...

    def remove_section(self, project: "Project", section_id: int) -> Change: ...

    def restore_section(self, project: "Project", removed: Any) -> Change: ...

    def generated_body(self, project: "Project", section_id: int) -> str: ...

    def attachment_grouping(self, project: "Project") -> str: ...

    def set_attachment_grouping(self, project: "Project", group_by: str) -> Change: ...


def _excerpt(text: str, limit: int = 12) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


class EditSection(Command):
    """Change a section's title (rename) and/or its text; undo writes back both as they were.

    The number before a title (``三、``) is dropped: sections are numbered by position.
    An empty title is refused before anything is written.
    """

    def __init__(self, project: "Project", store: SectionStore, section_id: int, *, title: str | None = None,
                 body: str | None = None):
        self.project, self.store, self.section_id = project, store, section_id
        self.title = None if title is None else strip_heading_number(title)
        self.body = None if body is None else clean_body(body)
        self._before: tuple[str, str] | None = None
        self.text = f"重命名为“{_excerpt(self.title)}”" if self.title is not None and body is None else "修改文稿内容"

    def check(self, interaction: Interaction) -> bool:
        if self.title is not None and not self.title:
            interaction.inform("标题不能为空。")
            return False
        current = self.store.section(self.project, self.section_id)
        renamed = self.title is not None and self.title != current.title
        rewritten = self.body is not None and self.body != current.body
        return renamed or rewritten

    def do(self) -> Change:
        if self._before is None:
            current = self.store.section(self.project, self.section_id)
            self._before = (current.title, current.body)
            if self.text == "修改文稿内容":
                self.text = f"修改“{current.title}”"
        return self.store.save_section(self.project, self.section_id, title=self.title, body=self.body)

    def undo(self) -> Change:
        title, body = self._before
        return self.store.save_section(self.project, self.section_id, title=title, body=body)


class AddSection(Command):
    """A new section of the drafter's own; undo removes it, redo puts it back with the same id."""

    def __init__(self, project: "Project", store: SectionStore, title: str, body: str = "", *,
                 position: int | None = None, document: str = EXPLANATION):
        self.project, self.store = project, store
        self.title, self.body, self.position, self.document = strip_heading_number(title or ""), body, position, \
            document
        self._added: Any = None
        self.text = f"添加“{_excerpt(self.title)}”"

    def check(self, interaction: Interaction) -> bool:
        if not self.title:
            interaction.inform("标题不能为空。")
            return False
        return True

    def do(self) -> Change:
        if self._added is None:
            change = self.store.add_section(self.project, self.title, self.body, document=self.document,
                                            position=self.position)
            self._added = self.store.section(self.project, change.ids[0])
            return change
        return self.store.restore_section(self.project, self._added)

    def undo(self) -> Change:
        return self.store.remove_section(self.project, self._added.id)


class RemoveSection(Command):
    """Remove a section (asked first when it has text); undo restores it in its place with its text."""

    def __init__(self, project: "Project", store: SectionStore, section_id: int):
        self.project, self.store, self.section_id = project, store, section_id
        self._removed: Any = None
        self.text = "删除文稿的一部分"

    def check(self, interaction: Interaction) -> bool:
        current = self.store.section(self.project, self.section_id)
        self.text = f"删除“{_excerpt(current.title)}”"
        if not current.body.strip():
            return True
        return interaction.confirm(f"删除“{current.title}”这一部分吗？其中的文字将一并删除（可以撤销）。")

    def do(self) -> Change:
        self._removed = self.store.section(self.project, self.section_id)
        return self.store.remove_section(self.project, self.section_id)

    def undo(self) -> Change:
        return self.store.restore_section(self.project, self._removed)


class MoveSection(Command):
    """Put a section at another place (0 = first); undo moves it back."""

    def __init__(self, project: "Project", store: SectionStore, section_id: int, position: int):
        self.project, self.store, self.section_id, self.position = project, store, section_id, position
        self._before: int | None = None
        self.text = "调整顺序"

    def check(self, interaction: Interaction) -> bool:
        current = self.store.section(self.project, self.section_id)
        self.text = f"移动“{_excerpt(current.title)}”"
        return self.position >= 0 and self.position != current.position

    def do(self) -> Change:
        if self._before is None:
            self._before = self.store.section(self.project, self.section_id).position
        return self.store.move_section(self.project, self.section_id, self.position)

    def undo(self) -> Change:
        return self.store.move_section(self.project, self.section_id, self._before)


class RegenerateSection(Command):
    """Put a default section back to the text drafted from the newest draft (asked first); undo restores
    the drafter's text. Refused for a section the drafter added, which has nothing to go back to."""

    def __init__(self, project: "Project", store: SectionStore, section_id: int):
        self.project, self.store, self.section_id = project, store, section_id
        self._generated: str | None = None
        self._before: str | None = None
        self.text = "恢复自动生成的内容"

    def check(self, interaction: Interaction) -> bool:
        current = self.store.section(self.project, self.section_id)
        self._generated = self.store.generated_body(self.project, self.section_id)
        self.text = f"恢复“{_excerpt(current.title)}”的自动生成内容"
        if self._generated == current.body:
            interaction.inform(f"“{current.title}”已是自动生成的内容。")
            return False
        return interaction.confirm(f"用自动生成的内容替换“{current.title}”中现有的文字吗？（可以撤销）")

    def do(self) -> Change:
        if self._before is None:
            self._before = self.store.section(self.project, self.section_id).body
        if self._generated is None:
            self._generated = self.store.generated_body(self.project, self.section_id)
        return self.store.save_section(self.project, self.section_id, body=self._generated)

    def undo(self) -> Change:
        return self.store.save_section(self.project, self.section_id, body=self._before)


class EditPlan(Command):
    """Change the plan fields the documents print (主送机关, 起草单位, dates …); undo restores them.

    Only the fields that differ are written; unknown fields are refused by the project.
    """

    def __init__(self, project: "Project", **fields: str | date | None):
        self.project = project
        self.fields = fields
        self._before: dict[str, Any] | None = None
        names = [PLAN_FIELD_LABELS.get(k, k) for k in fields]
        self.text = f"修改{'、'.join(names)}" if len(names) <= 2 else "修改文稿信息"

    def _changed(self, plan: Plan) -> dict[str, Any]:
        unknown = set(self.fields) - set(Plan.__dataclass_fields__)
        if unknown:
            raise LedgerError(f"未知的计划字段：{'、'.join(sorted(unknown))}")
        return {k: v for k, v in self.fields.items() if (getattr(plan, k) or None) != (v or None)}

    def check(self, interaction: Interaction) -> bool:
        return bool(self._changed(self.project.plan()))

    def do(self) -> Change:
        plan = self.project.plan()
        if self._before is None:
            changed = self._changed(plan)
            self.fields = changed or self.fields
            self._before = {k: getattr(plan, k) for k in self.fields}
        change = self.project.update_plan(**self.fields)
        return Change(change.what, change.ids, f"已修改{'、'.join(PLAN_FIELD_LABELS.get(k, k) for k in self.fields)}")

    def undo(self) -> Change:
        change = self.project.update_plan(**self._before)
        return Change(change.what, change.ids, f"已撤销：{self.text}")


class SetAttachmentGrouping(Command):
    """Order the explanation's attachment table by unit or by clause; undo goes back."""

    def __init__(self, project: "Project", store: SectionStore, group_by: str):
        self.project, self.store, self.group_by = project, store, group_by
        self._before: str | None = None
        self.text = f"附件表格{GROUPINGS.get(group_by, group_by)}排列"

    def check(self, interaction: Interaction) -> bool:
        return self.group_by != self.store.attachment_grouping(self.project)

    def do(self) -> Change:
        if self._before is None:
            self._before = self.store.attachment_grouping(self.project)
        return self.store.set_attachment_grouping(self.project, self.group_by)

    def undo(self) -> Change:
        return self.store.set_attachment_grouping(self.project, self._before)
