"""The revised draft with Word revision marks (修订稿), and its clean copy (清洁稿).

The new version is written in the official format (``exports.official_format``)
clause by clause; every difference from the old version is a real Word revision —
``w:ins`` and ``w:del`` with author and date, paragraph marks included — so that
accepting all revisions gives exactly the new draft's text and rejecting all gives the
old one. A renumbered clause shows its old number deleted and the new one inserted; a
clause moved elsewhere is deleted where it stood and inserted where it now is. Each
changed clause carries a Word comment naming the comments behind the change (ledger
number, unit, disposition) and the drafter's 修改说明.

>>> [(p.style, [(x.text, x.op) for x in p.pieces], p.mark) for p in diff_paragraphs('甲乙', '甲丙', [STYLE_BODY])]
[('GwBody', [('甲', 'equal'), ('乙', 'delete'), ('丙', 'insert')], 'equal')]
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Sequence
from xml.sax.saxutils import escape

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from feedback.progress import Progress, silent
from exports.official_format import (STYLE_BODY, STYLE_HEADING1, STYLE_HEADING2, STYLE_TITLE, OfficialDocument,
                                     save_document, set_properties, title_lines, title_width, xml_safe)
from feedback.draft import Clause
from feedback.explanation_text import quoted_title
from feedback.revision import Relation, char_diff, clause_reading, first_paragraph_refs, restates_article
from feedback.vocabulary import ClauseKind
from storage.numbering import comment_numbers, fix_numbers
from storage.versions import VersionChange, changes_between, version_date


DEFAULT_AUTHOR = "起草组"
EQUAL, INSERT, DELETE = "equal", "insert", "delete"
LINE_BREAK = "\v"  # a line break inside a paragraph (the title's two lines); no text of its own
_HEADING1_KINDS = {ClauseKind.PART, ClauseKind.VOLUME, ClauseKind.CHAPTER}
_HEADING2_KINDS = {ClauseKind.SECTION, ClauseKind.DIVISION}


@dataclass
class Piece:
    """A stretch of text inside one paragraph: kept, inserted or deleted."""

    text: str
    op: str = EQUAL


@dataclass
class RedParagraph:
    """One paragraph of the revised draft; ``mark`` is what became of its paragraph mark."""

    style: str
    pieces: list[Piece] = field(default_factory=list)
    mark: str = EQUAL
    comment_start: list[int] = field(default_factory=list)
    comment_end: list[int] = field(default_factory=list)

    def text(self, accept: bool = True) -> str:
        dropped = DELETE if accept else INSERT
        return "".join(p.text for p in self.pieces if p.op != dropped)


def clause_style(clause: Clause) -> str:
    """The style of a clause's first paragraph: 黑体 for a part or chapter, 楷体 for a section
    standing alone as a heading, body text otherwise (and for the paragraphs after it)."""
    text, heading = clause.text.strip(), clause.heading.strip()
    alone = not text or text == heading or bool(heading) and not clause.text.startswith(clause.heading)
    if clause.kind in _HEADING1_KINDS and alone:
        return STYLE_HEADING1
    if clause.kind in _HEADING2_KINDS and alone:
        return STYLE_HEADING2
    return STYLE_BODY


def clause_lines(clauses: Sequence[Clause]) -> tuple[list[str], list[str]]:
    """The paragraphs the clauses read as, and the style of each. An article's 第一款 is the
    article's own paragraph (the one carrying its number): only what follows it is written."""
    lines, styles = [], []
    for clause in clauses:
        own = clause_reading(clause).split("\n")
        if clause.kind is ClauseKind.PARAGRAPH and clause.number == 1:
            own = own[1:]
        for index, line in enumerate(own):
            lines.append(line)
            styles.append(clause_style(clause) if index == 0 else STYLE_BODY)
    return lines, styles


def _add(paragraph: RedParagraph, text: str, op: str) -> None:
    if not text:
        return
    if paragraph.pieces and paragraph.pieces[-1].op == op:
        paragraph.pieces[-1].text += text
    else:
        paragraph.pieces.append(Piece(text, op))


def diff_paragraphs(old: str, new: str, styles: Sequence[str]) -> list[RedParagraph]:
    """The paragraphs of one change: the character diff of the old and new texts (paragraphs
    joined by ``\\n``), a ``\\n`` inserted or deleted becoming an inserted or deleted paragraph
    mark. ``styles`` are those of the new paragraphs (of the old ones when nothing is new)."""
    styles = list(styles) or [STYLE_BODY]
    result: list[RedParagraph] = []
    line = 0

    def current() -> RedParagraph:
        if not result or result[-1].mark != "open":
            result.append(RedParagraph(styles[min(line, len(styles) - 1)], mark="open"))
        return result[-1]

    if old == new:
        runs = [(old, EQUAL)]
    else:
        runs = []
        for run in char_diff(old, new):
            if run.op == "equal":
                runs.append((run.old, EQUAL))
            else:
                runs += [(run.old, DELETE), (run.new, INSERT)]
    for text, op in runs:
        parts = text.split("\n")
        for index, part in enumerate(parts):
            paragraph = current()
            _add(paragraph, part, op)
            if index < len(parts) - 1:
                paragraph.mark = op
                if op != DELETE:
                    line += 1
    if result and result[-1].mark == "open":
        result[-1].mark = EQUAL
    elif not result:
        result.append(RedParagraph(styles[0]))
    return result


def whole_paragraphs(lines: Sequence[str], styles: Sequence[str], op: str) -> list[RedParagraph]:
    """Paragraphs inserted or deleted whole (or kept whole), marks included."""
    return [RedParagraph(style, [Piece(text, op)] if text else [], op) for text, style in zip(lines, styles)]


# -- the order of the changes -----------------------------------------------------------------

def _contiguous(indexes: list[int]) -> bool:
    return bool(indexes) and indexes == list(range(indexes[0], indexes[0] + len(indexes)))


def _longest_rising(values: list[int]) -> set[int]:
    """Positions of a longest strictly rising subsequence of ``values``."""
    import bisect

    tails: list[int] = []
    tail_at: list[int] = []
    before = [-1] * len(values)
    for index, value in enumerate(values):
        place = bisect.bisect_left(tails, value)
        if place == len(tails):
            tails.append(value)
            tail_at.append(index)
        else:
            tails[place] = value
            tail_at[place] = index
        before[index] = tail_at[place - 1] if place else -1
    kept, index = set(), tail_at[-1] if tail_at else -1
    while index != -1:
        kept.add(index)
        index = before[index]
    return kept


@dataclass
class _Unit:
    change: VersionChange
    side: str  # "both", "old" (deleted here) or "new" (inserted here)
    moved: bool = False


def ordered_units(changes: Sequence[VersionChange], old_order: Sequence[str],
                  new_order: Sequence[str]) -> list[_Unit]:
    """The changes in the order of a document that reads as the new draft when the revisions
    are accepted and as the old one when they are rejected: changes keeping their place in
    both drafts in order, deletions at their old place, insertions at their new place; a
    change whose clauses moved is deleted at the old place and inserted at the new one."""
    old_rank = {ref: i for i, ref in enumerate(old_order)}
    new_rank = {ref: i for i, ref in enumerate(new_order)}
    paired, olds, news = [], [], []
    for change in changes:
        o = [old_rank[r] for r in change.group.from_refs if r in old_rank]
        n = [new_rank[r] for r in change.group.to_refs if r in new_rank]
        if o and n and _contiguous(o) and _contiguous(n):
            paired.append((o[0], n[0], change))
        else:
            if o:
                olds.append((o[0], change, bool(n)))
            if n:
                news.append((n[0], change, bool(o)))
    paired.sort(key=lambda item: item[0])
    staying = _longest_rising([n for _, n, _ in paired])
    anchors = []
    for index, (o, n, change) in enumerate(paired):
        if index in staying:
            anchors.append((o, n, change))
        else:
            olds.append((o, change, True))
            news.append((n, change, True))
    olds.sort(key=lambda item: item[0])
    news.sort(key=lambda item: item[0])
    units: list[_Unit] = []
    o_next = n_next = 0
    for o, n, change in anchors + [(len(old_rank), len(new_rank), None)]:
        while o_next < len(olds) and olds[o_next][0] < o:
            units.append(_Unit(olds[o_next][1], "old", olds[o_next][2]))
            o_next += 1
        while n_next < len(news) and news[n_next][0] < n:
            units.append(_Unit(news[n_next][1], "new", news[n_next][2]))
            n_next += 1
        if change is not None:
            units.append(_Unit(change, "both"))
    return units


# -- what a change's Word comment says ----------------------------------------------------------

def comment_text(change: VersionChange, unit_side: str = "both", moved: bool = False,
                 numbers: dict[int, int] | None = None) -> str:
    """``修改（原二（二）3，现为二（二）4）`` / ``依据意见：第12号 市财政局（采纳）…`` / the 修改说明.

    >>> from feedback.revision import ChangeGroup
    >>> print(comment_text(VersionChange(ChangeGroup(['一1'], [], Relation.DELETED, 0, True), [], [], [], '与一2重复')))
    删除（原一1）
    无对应意见
    修改说明：与一2重复
    """
    group = change.group
    old, new = "、".join(group.from_refs), "、".join(group.to_refs)
    if moved:
        head = f"移至{new}（{group.relation.label}）" if unit_side == "old" else f"由{old}移至此处（{group.relation.label}）"
    elif group.relation is Relation.INSERTED:
        head = f"新增（{new}）"
    elif group.relation is Relation.DELETED:
        head = f"删除（原{old}）"
    elif old != new:
        head = f"{group.relation.label}（原{old}，现为{new}）"
    else:
        head = f"{group.relation.label}（{new}）"
    lines = [head]
    if change.comments:
        number = (lambda c: (numbers or {}).get(c.id, c.id))  # the number the ledger shows
        lines.append("依据意见：" + "；".join(f"第{number(c)}号 {c.unit_name}（{c.disposition.label}）"
                                           for c in sorted(change.comments, key=number)))
    else:
        lines.append("无对应意见")
    if change.note:
        lines.append(f"修改说明：{change.note}")
    return "\n".join(lines)


# -- the document -----------------------------------------------------------------------------

@dataclass
class Revisions:
    """Author and date of the revisions; hands out the ids Word needs."""

    author: str = DEFAULT_AUTHOR
    when: datetime = field(default_factory=lambda: datetime.now(timezone.utc).replace(microsecond=0))
    next_id: int = 1

    @property
    def stamp(self) -> str:
        return self.when.strftime("%Y-%m-%dT%H:%M:%SZ")

    def attributes(self) -> str:
        self.next_id += 1
        return f'w:id="{self.next_id}" w:author="{escape(self.author, {chr(34): "&quot;"})}" w:date="{self.stamp}"'


def _text_xml(text: str, deleted: bool) -> str:
    tag = "w:delText" if deleted else "w:t"
    inner = "<w:br/>".join(f'<{tag} xml:space="preserve">{escape(xml_safe(line))}</{tag}>'
                           for line in text.split(LINE_BREAK))
    return f"<w:r>{inner}</w:r>"


def title_paragraphs(old_title: str, new_title: str) -> list[RedParagraph]:
    """The title, cut into even lines as the official format does, or its diff when it changed;
    then the blank line under it."""
    if not (old_title or new_title):
        return []
    if old_title == new_title:
        title = RedParagraph(STYLE_TITLE, [Piece(LINE_BREAK.join(title_lines(new_title, title_width())))])
        return [title, RedParagraph(STYLE_BODY)]
    return diff_paragraphs(old_title, new_title, [STYLE_TITLE]) + [RedParagraph(STYLE_BODY)]


def paragraph_xml(paragraph: RedParagraph, revisions: Revisions | None) -> str:
    """One ``w:p`` with its revisions; the paragraph mark tracked in ``w:pPr/w:rPr``."""
    mark = ""
    if revisions is not None and paragraph.mark == INSERT:
        mark = f"<w:rPr><w:ins {revisions.attributes()}/></w:rPr>"
    elif revisions is not None and paragraph.mark == DELETE:
        mark = f"<w:rPr><w:del {revisions.attributes()}/></w:rPr>"
    parts = [f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="{paragraph.style}"/>{mark}</w:pPr>']
    parts += [f'<w:commentRangeStart w:id="{n}"/>' for n in paragraph.comment_start]
    for piece in paragraph.pieces:
        if revisions is None or piece.op == EQUAL:
            if revisions is not None or piece.op != DELETE:
                parts.append(_text_xml(piece.text, False))
        elif piece.op == INSERT:
            parts.append(f"<w:ins {revisions.attributes()}>{_text_xml(piece.text, False)}</w:ins>")
        else:
            parts.append(f"<w:del {revisions.attributes()}>{_text_xml(piece.text, True)}</w:del>")
    for n in paragraph.comment_end:
        parts.append(f'<w:commentRangeEnd w:id="{n}"/><w:r><w:commentReference w:id="{n}"/></w:r>')
    parts.append("</w:p>")
    return "".join(parts)


@dataclass
class RedlineResult:
    """What ``write_redline`` wrote."""

    path: Path
    clean_path: Path | None
    changed: int  # changes with wording changed (and moves)
    renumbered: int
    comments: int
    paragraphs: list[RedParagraph]


def redline_paragraphs(changes: Sequence[VersionChange], old_order: Sequence[str], new_order: Sequence[str],
                       old_title: str = "", new_title: str = "") -> tuple[list[RedParagraph], list[tuple]]:
    """Every paragraph of the revised draft, and the comments to attach: (unit, first, last)."""
    paragraphs = title_paragraphs(old_title, new_title)
    anchors: list[tuple] = []
    for unit in ordered_units(changes, old_order, new_order):
        change = unit.change
        old_lines, old_styles = clause_lines(change.old_clauses)
        new_lines, new_styles = clause_lines(change.new_clauses)
        if not old_lines and not new_lines:
            continue  # a 第一款 read with its article
        if unit.side == "old":
            made = whole_paragraphs(old_lines, old_styles, DELETE)
        elif unit.side == "new":
            made = whole_paragraphs(new_lines, new_styles, INSERT)
        else:
            made = diff_paragraphs("\n".join(old_lines), "\n".join(new_lines), new_styles or old_styles)
        if made and (unit.moved or change.relation.changed):
            anchors.append((unit, len(paragraphs), len(paragraphs) + len(made) - 1))
        paragraphs += made
    if paragraphs and paragraphs[-1].mark != EQUAL:
        paragraphs.append(RedParagraph(STYLE_BODY))  # the last paragraph mark of a document is never tracked
    return paragraphs, anchors


def build_redline(project, from_version: int, to_version: int, *, author: str = DEFAULT_AUTHOR,
                  when: date | None = None, tracked: bool = True,
                  progress: Progress | None = None) -> tuple[OfficialDocument, RedlineResult]:
    """The revised draft as a Word document (``tracked`` False: the clean copy of the new draft)."""
    report = silent(progress)
    changes = changes_between(project, from_version, to_version, include_unchanged=True,
                              progress=report.part(0, 0.6))
    old, new = project.draft(from_version), project.draft(to_version)
    old_order, new_order = [c.ref for c in old.clauses], [c.ref for c in new.clauses]
    if tracked:
        paragraphs, anchors = redline_paragraphs(changes, old_order, new_order, old.title, new.title)
    else:
        lines, styles = clause_lines(new.clauses)
        paragraphs = title_paragraphs(new.title, new.title) + whole_paragraphs(lines, styles, EQUAL)
        anchors = []
    report(0.7, "正在生成修订稿")
    stamp_day = when or version_date(project, to_version) or date.today()
    revisions = Revisions(author or DEFAULT_AUTHOR, datetime.combine(stamp_day, time(9, 0), tzinfo=timezone.utc))
    doc = OfficialDocument()
    numbers = comment_numbers(project) if anchors else {}
    if anchors:
        _add_comment_styles(doc)
    body = doc.document.element.body
    for child in list(body):
        if child.tag.endswith("}p"):
            body.remove(child)
    for unit, first, last in anchors:
        comment = doc.document.comments.add_comment(xml_safe(comment_text(unit.change, unit.side, unit.moved,
                                                                          numbers)),
                                                    author=revisions.author, initials="")
        comment._comment_elm.date = revisions.when
        paragraphs[first].comment_start.append(comment.comment_id)
        paragraphs[last].comment_end.append(comment.comment_id)
        revisions.next_id = max(revisions.next_id, comment.comment_id + 1)  # ids unique over all annotations
    sect_pr = body.find(f"{{{body.nsmap['w']}}}sectPr")
    for paragraph in paragraphs:
        element = parse_xml(paragraph_xml(paragraph, revisions if tracked else None))
        if sect_pr is not None:
            sect_pr.addprevious(element)
        else:
            body.append(element)
    firsts = first_paragraph_refs(old), first_paragraph_refs(new)
    changed = sum(1 for c in changes if c.relation.changed and not restates_article(c.group, *firsts)) if tracked else 0
    renumbered = sum(1 for c in changes if c.relation is Relation.RENUMBERED) if tracked else 0
    return doc, RedlineResult(Path(), None, changed, renumbered, len(anchors), paragraphs)


_COMMENT_STYLES = (
    '<w:style {ns} w:type="paragraph" w:styleId="CommentText"><w:name w:val="annotation text"/>'
    '<w:basedOn w:val="Normal"/><w:pPr><w:snapToGrid w:val="0"/><w:spacing w:line="240" w:lineRule="auto"/>'
    '<w:jc w:val="left"/></w:pPr><w:rPr><w:spacing w:val="0"/><w:sz w:val="21"/><w:szCs w:val="21"/></w:rPr></w:style>',
    '<w:style {ns} w:type="character" w:styleId="CommentReference"><w:name w:val="annotation reference"/>'
    '<w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>')


def _add_comment_styles(doc: OfficialDocument) -> None:
    """The styles Word's comments use, in 5号 with single spacing (not the 22-line body grid)."""
    styles = doc.document.styles.element
    for xml in _COMMENT_STYLES:
        styles.append(parse_xml(xml.format(ns=nsdecls("w"))))


def redline_title(project, to_version: int, tracked: bool = True) -> str:
    return f"{quoted_title(project.plan())}第{to_version}稿（{'修订稿' if tracked else '清洁稿'}）"


def clean_copy_path(path) -> Path:
    """``修改稿（修订）.docx`` → ``修改稿（清洁稿）.docx``; otherwise ``…（清洁稿）.docx`` beside it."""
    path = Path(path)
    stem = path.stem
    for tail in ("（修订）", "(修订)", "（修订稿）", "修订稿", "修订"):
        if stem.endswith(tail) and len(stem) > len(tail):
            stem = stem[: -len(tail)]
            break
    return path.with_name(f"{stem}（清洁稿）{path.suffix or '.docx'}")


def write_redline(project, from_version: int, to_version: int, path, *, author: str = DEFAULT_AUTHOR,
                  when: date | None = None, clean: bool = True,
                  progress: Progress | None = None) -> RedlineResult:
    """Write the revised draft with revision marks to ``path`` and, with ``clean``, the clean
    copy of the new draft beside it (``clean_copy_path``); each whole or not at all."""
    report = silent(progress)
    fix_numbers(project)  # the revision notes cite the comments by number: kept for good
    doc, result = build_redline(project, from_version, to_version, author=author, when=when,
                                progress=report.part(0, 0.8))
    unit = project.plan().drafting_unit
    report(0.85, "正在保存")
    set_properties(doc.document, title=redline_title(project, to_version), author=unit)
    result.path = save_document(doc.document, path)
    if clean:
        clean_doc, _ = build_redline(project, from_version, to_version, tracked=False)
        set_properties(clean_doc.document, title=redline_title(project, to_version, False), author=unit)
        result.clean_path = save_document(clean_doc.document, clean_copy_path(path))
    report(1.0, "已完成")
    return result


__all__ = ["DEFAULT_AUTHOR", "Piece", "RedParagraph", "RedlineResult", "build_redline", "clean_copy_path",
           "comment_text", "diff_paragraphs", "ordered_units", "redline_paragraphs", "write_redline"]
