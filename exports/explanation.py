"""The drafting explanation (起草情况说明) as a Word document and as preview text.

Title ``《…》起草情况说明``, the addressee, the opening sentence, the sections the
drafter keeps in the project (``storage.documents``) with their placeholders filled
from the ledger at this moment, the attachment line, unit and date, and on a new page
the attachment 征求意见反馈情况: the table of every comment and the units that had none.

The numbers are never typed: ``{统计}`` is ``project.statistics().sentence``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Mapping

from feedback.progress import Progress, silent
from exports.adoption_table import (GROUP_BY_UNIT, LANDSCAPE_COLUMNS, PORTRAIT_COLUMNS, AdoptionRow, adoption_rows,
                                    merge_column, reply_lines, table_rows, comment_groups)
from exports.official_format import LANDSCAPE, OfficialDocument, title_lines, title_width
from feedback.explanation_text import (EXPLANATION, Paragraph, SectionKind, addressee_line, chinese_date,
                                       drafting_unit, explanation_title, fill_placeholders, opening_sentence,
                                       placeholder_values, section_heading, split_paragraphs,
                                       used_placeholders)
from feedback import preflight
from feedback.ledger import Plan
from feedback.statistics import Statistics
from storage.documents import list_sections, process_text

ATTACHMENT_TITLE = "征求意见反馈情况"


@dataclass
class FilledSection:
    """A section as it will be printed: numbered heading, paragraphs with current numbers."""

    title: str
    heading: str
    paragraphs: list[Paragraph]
    section_id: int = 0  # the stored section it comes from (0 in a read-only project never edited)

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)


@dataclass
class ExplanationContent:
    """Everything the explanation says, already worded; the document and the preview print it."""

    plan: Plan
    title: str
    addressee: str
    opening: str
    sections: list[FilledSection]
    attachment_title: str
    unit: str
    date_text: str
    statistics: Statistics
    group_by: str
    rows: list[AdoptionRow] = field(default_factory=list)
    table_rows: list = field(default_factory=list)
    reply_lines: list[str] = field(default_factory=list)

    @property
    def attachment_note(self) -> str:
        return f"附件：{self.attachment_title}"


def fill_sections(project, statistics: Statistics, document: str = EXPLANATION, *,
                  bodies: Mapping[int, str] | None = None) -> list[FilledSection]:
    """The stored sections with every placeholder replaced by today's value.

    ``bodies`` (section id → text) stands in for stored text, e.g. a section being typed.
    """
    plan = project.plan()
    values = placeholder_values(plan, statistics.sentence, process_text(project))
    bodies = bodies or {}
    filled = []
    for position, stored in enumerate(list_sections(project, document)):
        paragraphs = split_paragraphs(fill_placeholders(bodies.get(stored.id, stored.body), values))
        filled.append(FilledSection(stored.title, section_heading(position, stored.title), paragraphs,
                                    stored.id))
    return filled


def explanation_content(project, *, group_by: str = GROUP_BY_UNIT, attachment: bool = True,
                        bodies: Mapping[int, str] | None = None, fix: bool = False) -> ExplanationContent:
    """The whole explanation with the ledger's current numbers (``bodies`` as in ``fill_sections``;
    ``fix`` keeps the comments' numbers for good, as the document is going out)."""
    plan = project.plan()
    statistics = project.statistics()
    content = ExplanationContent(
        plan=plan, title=explanation_title(plan), addressee=addressee_line(plan), opening=opening_sentence(plan),
        sections=fill_sections(project, statistics, bodies=bodies), attachment_title=ATTACHMENT_TITLE,
        unit=drafting_unit(plan), date_text=chinese_date(plan.written_on or date.today()),
        statistics=statistics, group_by=group_by)
    if attachment:
        content.rows = adoption_rows(project, group_by=group_by, fix=fix)
        content.table_rows = table_rows(project, content.rows)
        content.reply_lines = reply_lines(project, statistics)
    return content


def document_findings(project, document: str = preflight.EXPLANATION, *, round_number: int | None = None,
                      versions: tuple[int, int] | None = None) -> list:
    """The check before generating ``document`` (``feedback.preflight``), with the
    explanation's own: its sections as stored, and a count sentence somewhere in them.
    The consistency check of the ledger against the text compares ``versions`` (old, new),
    by default the newest draft against the one before."""
    from storage.versions import consistency_findings

    stored = list_sections(project) if document == preflight.EXPLANATION else []
    consistency = consistency_findings(project, *(versions or ()))
    findings = preflight.preflight(project, document, round_number=round_number,
                                   sections=[(s.title, s.body) for s in stored], consistency=consistency)
    if document == preflight.EXPLANATION:
        from storage.versions import version_date

        for version in project.versions():
            if version_date(project, version.number) is None:
                what = "起草日期" if version.number == 1 else "形成日期"
                findings.append(preflight.Finding("dates.version", f"第{version.number}稿没有{what}："
                                                  f"起草经过中“形成第{version.number}稿”将没有日期。"))
        for rnd in project.rounds():
            if rnd.sent_on is None:
                findings.append(preflight.Finding(
                    "dates.round_sent", f"第{rnd.number}轮没有发出日期：起草经过中这一轮将没有日期。"))
    if document == preflight.EXPLANATION and not any("统计" in used_placeholders(s.body) for s in stored):
        process = next((s for s in stored if s.kind is SectionKind.PROCESS), None)
        where = f"“{process.title}”" if process else "各部分"
        findings.append(preflight.Finding(
            "sections.statistics", f"{where}中没有{{统计}}，说明中不会出现按处理结果自动生成的意见统计。"))
    return findings


def explanation_warnings(project) -> list[str]:
    """What the drafter should look at before sending the explanation, in Chinese."""
    return [f.message for f in document_findings(project)]


def explanation_preview_text(project, *, group_by: str = GROUP_BY_UNIT, attachment: bool = True) -> str:
    """The whole explanation as plain text, numbers as they are now (for the live preview)."""
    content = explanation_content(project, group_by=group_by, attachment=attachment)
    lines = [*title_lines(content.title, title_width()), ""]
    if content.addressee:
        lines.append(content.addressee)
    lines.append("　　" + content.opening)
    for section in content.sections:
        lines.append("　　" + section.heading)
        lines += ["　　" + p.text for p in section.paragraphs]
    lines += ["", "　　" + content.attachment_note, "", content.unit, content.date_text]
    if attachment:
        lines += ["", "附件", "", content.attachment_title, ""]
        lines.append("　".join(PORTRAIT_COLUMNS[i].header for i in range(len(PORTRAIT_COLUMNS))))
        for row in content.table_rows:
            if isinstance(row, list):
                lines.append(" | ".join(cell.replace("\n", " ") for cell in row))
            else:
                lines.append(f"【{row.text}】")
        lines += ["　　" + line for line in content.reply_lines]
    return "\n".join(lines)


def build_explanation(content: ExplanationContent, progress: Progress | None = None, *,
                      landscape: bool = False) -> OfficialDocument:
    """The document, in the official format, from worded content; the attachment on
    landscape pages when ``landscape``."""
    report = silent(progress)
    doc = OfficialDocument()
    doc.title(content.title)
    if content.addressee:
        doc.addressee(content.addressee)
    doc.body(content.opening)
    for section in content.sections:
        doc.heading1(section.heading)
        for paragraph in section.paragraphs:
            doc.body(paragraph.rest, lead=paragraph.lead, level=paragraph.level)
    doc.attachment_note([content.attachment_title])
    doc.signature(content.unit, content.date_text)
    doc.attachment_page(content.attachment_title, page=LANDSCAPE if landscape else None)
    report(0.5, "正在生成附件表格")
    doc.table(LANDSCAPE_COLUMNS if landscape else PORTRAIT_COLUMNS, content.table_rows,
              merge_column=merge_column(content.group_by))
    if content.reply_lines:
        doc.blank_line()
    for line in content.reply_lines:
        doc.body(line)
    return doc


def explanation_context(content: ExplanationContent, project) -> dict:
    """The fields of a bureau's explanation template (see ``exports.templates.TEMPLATE_FIELDS``)."""
    from exports.templates import common_context, title_fields

    context = common_context(project, content.statistics, content.plan.written_on)
    context.update(title_fields(content.title))
    context.update({
        "addressee": content.addressee, "opening": content.opening,
        "sections": [{"title": s.title, "heading": s.heading, "text": "\a".join(p.text for p in s.paragraphs),
                      "paragraphs": [{"lead": p.lead, "rest": p.rest, "text": p.text, "level": p.level}
                                     for p in s.paragraphs],
                      "last": index == len(content.sections) - 1}
                     for index, s in enumerate(content.sections)],
        "attachment_title": content.attachment_title, "attachment_note": content.attachment_note,
        "comments": [r.to_context() for r in content.rows],
        "groups": comment_groups(content.rows, content.group_by),
        "reply_lines": content.reply_lines, "reply_text": "\a".join(content.reply_lines),
    })
    return context


def write_explanation(project, path, *, group_by: str = GROUP_BY_UNIT, template=None,
                      progress: Progress | None = None, landscape: bool = False) -> Path:
    """Write the explanation to ``path`` (from ``template`` when given) and return the path;
    ``landscape`` puts the attachment table on landscape pages.

    ``progress(fraction, message)`` is called a few times on the way (0.0 … 1.0).
    """
    report = silent(progress)
    report(0.05, "正在读取项目")
    content = explanation_content(project, group_by=group_by, fix=True)
    if template is not None:
        from exports.templates import render_template

        report(0.4, "正在填写模板")
        result = render_template(template, explanation_context(content, project), path)
    else:
        doc = build_explanation(content, progress=report, landscape=landscape)
        report(0.9, "正在保存")
        result = doc.save(path, title=content.title, author=content.plan.drafting_unit)
    report(1.0, "已完成")
    return result
