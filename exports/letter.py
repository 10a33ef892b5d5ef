"""The solicitation letter (征求意见函) of one consultation round.

Title ``关于征求《…》意见建议的函``, the round's recipients named by category
(各县区、市级有关部门、…), the body (kept in the project as the ``letter`` section,
with ``{截止日期}`` filled from the round: ``于2023年4月12日前``), the contact, the
attachment line, unit and date.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from feedback.progress import Progress, silent
from exports.official_format import OfficialDocument, title_lines, title_width
from feedback.explanation_text import (LETTER, OVERDUE_RULE, Paragraph, chinese_date, drafting_unit,
                                       fill_placeholders, letter_title, placeholder_values, plain_title,
                                       recipients_line, split_paragraphs)
from feedback.ledger import LedgerError, Plan, Round
from storage.documents import list_sections


@dataclass
class LetterContent:
    """Everything the letter says, already worded."""

    plan: Plan
    round: Round
    title: str
    addressee: str
    paragraphs: list[Paragraph]
    contact: str
    attachment_names: list[str]
    unit: str
    date_text: str
    deadline_text: str

    @property
    def attachment_note(self) -> str:
        names = self.attachment_names
        if len(names) == 1:
            return f"附件：{names[0]}"
        return "附件：" + "\a".join(f"{i + 1}.{n}" for i, n in enumerate(names))


def contact_line(plan: Plan) -> str:
    """``联系人：张姗姗　　联系电话：2626670``; empty when neither is known.

    >>> contact_line(Plan(contact_person='张姗姗', contact_phone='2626670'))
    '联系人：张姗姗\\u3000\\u3000联系电话：2626670'
    """
    parts = []
    if plan.contact_person.strip():
        parts.append(f"联系人：{plan.contact_person.strip()}")
    if plan.contact_phone.strip():
        parts.append(f"联系电话：{plan.contact_phone.strip()}")
    return "\u3000\u3000".join(parts)


def letter_content(project, round_number: int, *, attachments: list[str] | None = None,
                   unit_id: int | None = None) -> LetterContent:
    """The letter of round ``round_number`` with today's project data; with ``unit_id`` the letter
    to that one unit, saying how its comments of the earlier rounds were handled."""
    rounds = {r.number: r for r in project.rounds()}
    if round_number not in rounds:
        raise LedgerError(f"没有第{round_number}轮征求意见。")
    rnd = rounds[round_number]
    plan = project.plan()
    groups: dict[str, list[str]] = {}
    for reply in project.replies(round_number):
        groups.setdefault(reply.category, []).append(reply.unit_name)
    values = placeholder_values(plan, deadline=rnd.deadline)
    body = "\n".join(fill_placeholders(s.body, values) for s in list_sections(project, LETTER))
    if "逾期" not in body:  # the ledger counts a unit silent after the deadline as without comments
        body = body.rstrip() + OVERDUE_RULE
    names = attachments if attachments is not None else [f"{plain_title(plan.title)}（征求意见稿）"]
    addressee = recipients_line(groups.items())
    if unit_id is not None:
        from feedback.handling import handling_lines
        from storage.versions import earlier_comments

        addressee = f"{project.unit(unit_id).name}："
        body = body.rstrip() + "\n" + "\n".join(handling_lines(earlier_comments(project, unit_id, round_number)))
    return LetterContent(
        plan=plan, round=rnd, title=letter_title(plan), addressee=addressee,
        paragraphs=split_paragraphs(body), contact=contact_line(plan), attachment_names=names,
        unit=drafting_unit(plan), date_text=chinese_date(rnd.sent_on or date.today()),
        deadline_text=chinese_date(rnd.deadline))


def letter_preview_text(project, round_number: int) -> str:
    """The letter as plain text (for a preview)."""
    content = letter_content(project, round_number)
    lines = [*title_lines(content.title, title_width()), "", content.addressee]
    lines += ["　　" + p.text for p in content.paragraphs]
    if content.contact:
        lines.append("　　" + content.contact)
    lines += ["", "　　" + content.attachment_note.replace("\a", "\n　　　　　"), "", content.unit,
              content.date_text]
    return "\n".join(lines)


def build_letter(content: LetterContent) -> OfficialDocument:
    doc = OfficialDocument()
    doc.title(content.title)
    doc.addressee(content.addressee)
    for paragraph in content.paragraphs:
        doc.body(paragraph.rest, lead=paragraph.lead, level=paragraph.level)
    if content.contact:
        doc.body(content.contact)
    doc.attachment_note(content.attachment_names)
    doc.signature(content.unit, content.date_text)
    return doc


def letter_context(content: LetterContent, project) -> dict:
    """The fields of a bureau's letter template (see ``exports.templates.TEMPLATE_FIELDS``)."""
    from exports.templates import common_context, title_fields

    context = common_context(project, project.statistics(content.round.number),
                             content.round.sent_on or date.today())
    context.update(title_fields(content.title))
    context.update({
        "addressee": content.addressee,
        "paragraphs": [{"lead": p.lead, "rest": p.rest, "text": p.text, "level": p.level}
                       for p in content.paragraphs],
        "text": "\a".join(p.text for p in content.paragraphs),
        "deadline": content.deadline_text, "contact": content.contact,
        "attachment_note": content.attachment_note,
        "round": {"number": content.round.number, "method": content.round.method.label,
                  "sent_on": chinese_date(content.round.sent_on) if content.round.sent_on else "",
                  "deadline": content.deadline_text},
    })
    return context


def write_letter(project, round_number: int, path, *, template=None, attachments: list[str] | None = None,
                 progress: Progress | None = None, unit_id: int | None = None) -> Path:
    """Write the letter of one round (from ``template`` when given) and return the path; with
    ``unit_id`` the letter to that unit (see ``letter_content``)."""
    report = silent(progress)
    report(0.1, "正在读取项目")
    content = letter_content(project, round_number, attachments=attachments, unit_id=unit_id)
    if template is not None:
        from exports.templates import render_template

        result = render_template(template, letter_context(content, project), path)
    else:
        report(0.5, "正在生成")
        result = build_letter(content).save(path, title=content.title, author=content.plan.drafting_unit)
    report(1.0, "已完成")
    return result
