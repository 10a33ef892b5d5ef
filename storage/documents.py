"""The editable sections of the generated documents, kept in the project file.

The drafting explanation (起草情况说明) starts with 起草背景, 主要内容, 起草过程 and
下一步打算; the drafter edits, reorders, adds and removes sections. A body may hold
placeholders (``{统计}``, ``{过程}``, ``{简称}`` … see ``feedback.explanation_text``)
that are filled each time the document is generated, so the numbers are always those
of the ledger while the words around them are the drafter's.

Each mutation is one transaction and returns a ``Change`` (``what == 'sections'``).

>>> import tempfile, os
>>> from feedback.outline import parse_lines
>>> from storage.project import Project
>>> project = Project.create(os.path.join(tempfile.mkdtemp(), 'p.yjt'), parse_lines(['某计划', '一、总体要求']))
>>> [s.title for s in list_sections(project)]
['起草背景', '主要内容', '起草过程', '下一步打算']
>>> change = add_section(project, '其他需要说明的事项', '无。')
>>> section = list_sections(project)[-1]
>>> _ = move_section(project, section.id, 0)
>>> [s.title for s in list_sections(project)][:2]
['其他需要说明的事项', '起草背景']
>>> [s.title for s in project.documents()] == [s.title for s in list_sections(project)]
True
>>> project.close()
"""
from __future__ import annotations

from dataclasses import dataclass


from feedback.explanation_text import (DOCUMENT_KINDS, EXPLANATION, GROUP_BY_UNIT, GROUPINGS, LETTER, SectionKind,
                                       clean_body, default_section_body, default_sections, process_sentence,
                                       strip_heading_number)
from feedback.ledger import Change, LedgerError
from storage.part import Part
from storage.versions import version_timeline

__all__ = ["EXPLANATION", "LETTER", "Section", "list_sections", "section", "save_section", "move_section",
           "add_section", "remove_section", "restore_section", "reset_sections", "generated_body",
           "regenerate_section", "process_text", "attachment_grouping", "set_attachment_grouping"]

_TABLE = "document_sections"
_GROUPING = "explanation_grouping"  # settings key: how the attachment table is ordered


@dataclass(frozen=True)
class Section:
    """One section of a document: its title (numbered by position when written) and its body."""

    id: int
    document: str
    position: int
    title: str
    body: str
    kind: SectionKind | None = None  # a default section, which can be regenerated

    @property
    def regenerable(self) -> bool:
        return self.kind is not None


def _check_document(document: str) -> None:
    if document not in DOCUMENT_KINDS:
        raise LedgerError(f"没有“{document}”这种文稿。")


def _kind(value: str) -> SectionKind | None:
    try:
        return SectionKind(value) if value else None
    except ValueError:
        return None


def _rows(project, document: str) -> list[Section]:
    return [Section(r["id"], r["document"], r["position"], r["title"], r["body"], _kind(r["generated"]))
            for r in project.db.query(f"SELECT * FROM {_TABLE} WHERE document = ? ORDER BY position, id",
                                      [document])]


def _defaults(project, document: str) -> list[tuple[SectionKind, str, str]]:
    return default_sections(document, project.draft() if project.versions() else None)


def _insert_defaults(project, document: str) -> list[int]:
    rows = [{"document": document, "position": i, "title": title, "body": body, "generated": kind.value}
            for i, (kind, title, body) in enumerate(_defaults(project, document))]
    return [project.db[_TABLE].insert(row).last_pk for row in rows]


def list_sections(project, document: str = EXPLANATION) -> list[Section]:
    """The sections in order. The first call writes the default sections into the file;
    a read-only project gets them unsaved (ids 0)."""
    _check_document(document)
    sections = _rows(project, document)
    if sections:
        return sections
    if project.read_only:
        return [Section(0, document, i, title, body, kind)
                for i, (kind, title, body) in enumerate(_defaults(project, document))]
    with project.transaction():
        if not _rows(project, document):
            _insert_defaults(project, document)
    return _rows(project, document)


def section(project, section_id: int) -> Section:
    rows = list(project.db.query(f"SELECT * FROM {_TABLE} WHERE id = ?", [section_id]))
    if not rows:
        raise LedgerError("这一部分已不存在，请刷新后重试。")
    r = rows[0]
    return Section(r["id"], r["document"], r["position"], r["title"], r["body"], _kind(r["generated"]))


def _clean_title(title: str) -> str:
    title = strip_heading_number(title or "")
    if not title:
        raise LedgerError("标题不能为空。")
    if "\n" in title:
        raise LedgerError("标题不能分行。")
    return title


def _renumber(project, document: str, ordered_ids: list[int]) -> None:
    for position, section_id in enumerate(ordered_ids):
        project.db.execute(f"UPDATE {_TABLE} SET position = ? WHERE id = ?", [position, section_id])


def save_section(project, section_id: int, *, title: str | None = None, body: str | None = None) -> Change:
    """Keep the drafter's title and/or body of a section."""
    current = section(project, section_id)
    values = {}
    if title is not None:
        values["title"] = _clean_title(title)
    if body is not None:
        values["body"] = clean_body(body)
    values = {k: v for k, v in values.items() if getattr(current, k) != v}
    if not values:
        return Change("sections", (), "没有变化")
    with project.transaction():
        project.db[_TABLE].update(section_id, values)
    return Change("sections", (section_id,), f"已保存“{values.get('title', current.title)}”")


def move_section(project, section_id: int, position: int) -> Change:
    """Put a section at ``position`` (0 = first); the others keep their order."""
    current = section(project, section_id)
    ids = [s.id for s in _rows(project, current.document)]
    ids.remove(section_id)
    position = max(0, min(position, len(ids)))
    ids.insert(position, section_id)
    with project.transaction():
        _renumber(project, current.document, ids)
    return Change("sections", tuple(ids), f"已移动“{current.title}”")


def add_section(project, title: str, body: str = "", *, document: str = EXPLANATION,
                position: int | None = None) -> Change:
    """A new section of the drafter's own, at the end or at ``position``."""
    _check_document(document)
    title = _clean_title(title)
    list_sections(project, document)  # the defaults first, so a new section joins them
    with project.transaction():
        ids = [s.id for s in _rows(project, document)]
        new_id = project.db[_TABLE].insert({"document": document, "position": len(ids), "title": title,
                                            "body": body.strip("\n"), "generated": ""}).last_pk
        if position is not None:
            ids.insert(max(0, min(position, len(ids))), new_id)
            _renumber(project, document, ids)
    return Change("sections", (new_id,), f"已添加“{title}”")


def remove_section(project, section_id: int) -> Change:
    current = section(project, section_id)
    with project.transaction():
        project.db[_TABLE].delete(section_id)
        _renumber(project, current.document, [s.id for s in _rows(project, current.document)])
    return Change("sections", (section_id,), f"已删除“{current.title}”")


def restore_section(project, removed: Section) -> Change:
    """Put a removed section back with its id, title, body and place (undoing a removal).

    >>> import tempfile, os
    >>> from feedback.outline import parse_lines
    >>> from storage.project import Project
    >>> project = Project.create(os.path.join(tempfile.mkdtemp(), 'p.yjt'), parse_lines(['某计划', '一、任务']))
    >>> gone = list_sections(project)[1]
    >>> _ = remove_section(project, gone.id)
    >>> _ = restore_section(project, gone)
    >>> list_sections(project)[1] == gone
    True
    >>> project.close()
    """
    _check_document(removed.document)
    if project.db.execute(f"SELECT 1 FROM {_TABLE} WHERE id = ?", [removed.id]).fetchone():
        raise LedgerError(f"“{removed.title}”已在文稿中。")
    with project.transaction():
        ids = [s.id for s in _rows(project, removed.document)]
        project.db[_TABLE].insert({"id": removed.id, "document": removed.document, "position": len(ids),
                                   "title": removed.title, "body": removed.body,
                                   "generated": removed.kind.value if removed.kind else ""})
        ids.insert(max(0, min(removed.position, len(ids))), removed.id)
        _renumber(project, removed.document, ids)
    return Change("sections", (removed.id,), f"已恢复“{removed.title}”")


def reset_sections(project, document: str = EXPLANATION) -> Change:
    """Back to the default sections, drafted anew from the newest draft; the drafter's texts go."""
    _check_document(document)
    with project.transaction():
        project.db.execute(f"DELETE FROM {_TABLE} WHERE document = ?", [document])
        ids = _insert_defaults(project, document)
    return Change("sections", tuple(ids), "已恢复默认内容")


def generated_body(project, section_id: int) -> str:
    """The text a default section is drafted with now, from the newest draft; refused for the drafter's own."""
    current = section(project, section_id)
    if current.kind is None:
        raise LedgerError(f"“{current.title}”是自行添加的部分，没有可重新生成的内容。")
    return default_section_body(current.kind, project.draft() if project.versions() else None)


def regenerate_section(project, section_id: int) -> Change:
    """Redraft one default section (e.g. 主要内容 after a new draft version was imported)."""
    return save_section(project, section_id, body=generated_body(project, section_id))


def process_text(project) -> str:
    """What ``{过程}`` becomes: the drafts formed and the rounds held, in order, with their dates.

    >>> import tempfile, os
    >>> from datetime import date
    >>> from feedback.outline import parse_lines
    >>> from storage.project import Project
    >>> from storage.versions import import_revision
    >>> project = Project.create(os.path.join(tempfile.mkdtemp(), 'p.yjt'), parse_lines(['某计划', '一、任务']))
    >>> _ = project.update_plan(drafted_on=date(2023, 4, 3))
    >>> _ = project.add_round(sent_on=date(2023, 4, 10), deadline=date(2023, 4, 12))
    >>> process_text(project)
    '2023年4月3日，形成征求意见稿（第1稿）；2023年4月10日至4月12日，就第1稿书面征求有关单位意见。'
    >>> _ = import_revision(project, parse_lines(['某计划', '一、主要任务']), formed_on=date(2023, 4, 20))
    >>> process_text(project)
    '起草过程中，共形成2稿，开展1轮征求意见：2023年4月3日，形成征求意见稿（第1稿）；2023年4月10日至4月12日，就第1稿书面征求有关单位意见；2023年4月20日，根据反馈意见修改形成第2稿。'
    >>> project.close()
    """
    steps = [entry.text for entry in version_timeline(project)]
    return process_sentence(steps, len(project.versions()), len(project.rounds()))


# -- the drafter's choices about the documents ---------------------------------------

def attachment_grouping(project) -> str:
    """How the explanation's attachment table is ordered: ``unit`` (the default) or ``clause``."""
    value = project.settings.get_json(_GROUPING, GROUP_BY_UNIT)
    return value if value in GROUPINGS else GROUP_BY_UNIT


def set_attachment_grouping(project, group_by: str) -> Change:
    """Keep the ordering of the attachment table (``unit`` or ``clause``) in the project."""
    if group_by not in GROUPINGS:
        raise LedgerError(f"未知的分组方式：{group_by}（可选 unit 或 clause）")
    project.settings.set_json(_GROUPING, group_by)
    return Change("sections", (), f"附件表格改为{GROUPINGS[group_by]}排列")


class Documents(Part):
    """``project.documents``: the sections of the generated documents and the drafter's choices about them.

    Calling the part lists the explanation's sections (``project.documents()``); the methods are the
    functions of this module bound to the project.
    """

    def __call__(self, document: str = EXPLANATION) -> list[Section]:
        return list_sections(self.project, document)

    def section(self, section_id: int) -> Section:
        return section(self.project, section_id)

    def save(self, section_id: int, *, title: str | None = None, body: str | None = None) -> Change:
        return save_section(self.project, section_id, title=title, body=body)

    def move(self, section_id: int, position: int) -> Change:
        return move_section(self.project, section_id, position)

    def add(self, title: str, body: str = "", **options) -> Change:
        return add_section(self.project, title, body, **options)

    def remove(self, section_id: int) -> Change:
        return remove_section(self.project, section_id)

    def restore(self, removed: Section) -> Change:
        return restore_section(self.project, removed)

    def reset(self, document: str = EXPLANATION) -> Change:
        return reset_sections(self.project, document)

    def generated_body(self, section_id: int) -> str:
        return generated_body(self.project, section_id)

    def regenerate(self, section_id: int) -> Change:
        return regenerate_section(self.project, section_id)

    def process_text(self) -> str:
        return process_text(self.project)

    def attachment_grouping(self) -> str:
        return attachment_grouping(self.project)

    def set_attachment_grouping(self, group_by: str) -> Change:
        return set_attachment_grouping(self.project, group_by)
