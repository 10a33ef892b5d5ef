"""A bureau's own Word templates, filled with docxtpl (Jinja2 placeholders in the .docx).

A template is an ordinary .docx in which the drafter types placeholders:
``{{ plan.title }}``, ``{{ statistics.sentence }}``, paragraph loops
``{%p for s in sections %}`` … ``{%p endfor %}`` and table-row loops
``{%tr for c in comments %}`` … ``{%tr endfor %}``. ``TEMPLATE_FIELDS`` lists every
field of each document. The default templates in ``assets/templates`` are built by
``build_default_templates`` in the official format; the documents are written
programmatically unless a template is given.

>>> sorted(TEMPLATE_FILES)
['adoption_table', 'explanation', 'letter']
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from exports.official_format import (LANDSCAPE, PORTRAIT, STYLE_ADDRESSEE, STYLE_ATTACHMENT_LABEL,
                                     STYLE_ATTACHMENT_NOTE, STYLE_BODY, STYLE_HEADING1, STYLE_SIGNATURE,
                                     STYLE_TITLE, Column, DocumentError, OfficialDocument, PageGeometry,
                                     atomic_save, set_indent, signature_left_indents, title_lines, title_width)
from feedback.explanation_text import (chinese_date, drafting_unit, plain_title, quoted_title, short_name)
from feedback.statistics import Statistics
from feedback.vocabulary import Disposition

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FOLDER = ROOT / "assets" / "templates"
TEMPLATE_FILES = {"explanation": "explanation.docx", "letter": "letter.docx", "adoption_table": "adoption_table.docx"}

_COMMON_FIELDS = """\
{{ plan.title }} 文件标题；{{ plan.short_name }} 简称（如《行动计划》）；{{ plan.drafting_unit }} 起草单位；
{{ plan.addressee }} 主送机关；{{ plan.contact_person }} 联系人；{{ plan.contact_phone }} 联系电话；
{{ statistics.sentence }} 意见统计句；{{ statistics.comments_total }} 意见总数；
{{ statistics.adopted }} {{ statistics.partly_adopted }} {{ statistics.rejected }} {{ statistics.in_work }}
{{ statistics.pending }} 各处理结果条数；{{ statistics.no_comments }} 无意见单位数；{{ statistics.overdue }} 逾期单位数；
{{ date }} 成文日期；{{ signature_unit }} {{ signature_date }} 落款（已用空格排到位置，段落左对齐、不缩进）"""
_TABLE_FIELDS = """\
{%tr for c in comments %} … {%tr endfor %} 每条意见一行：{{ c.number }} 序号、{{ c.unit }} 单位、
{{ c.clause }} 条款、{{ c.body }} 意见建议、{{ c.disposition }} 采纳情况、{{ c.note }} 理由/说明；
{% for g in groups %} 按单位或条款分组（{{ g.name }}、g.comments）；
{%p for line in reply_lines %}{{ line }}{%p endfor %} 无意见、逾期未反馈的单位"""
TEMPLATE_FIELDS = {
    "explanation": _COMMON_FIELDS + """
{{ title }} 说明标题（{{ title_display }} 过长时已分为两行）；{{ addressee }} 主送机关行；{{ opening }} 开头语；
{%p for s in sections %} 各部分：{{ s.heading }} 带序号标题、{{ s.title }}、{{ s.text }} 全文、
{%p for para in s.paragraphs %}{{ para.lead }}{{ para.rest }}{%p endfor %} 逐段；
{{ attachment_note }} 附件说明；{{ attachment_title }} 附件标题
""" + _TABLE_FIELDS,
    "letter": _COMMON_FIELDS + """
{{ title }} 函的标题（{{ title_display }} 分行的）；{{ addressee }} 主送单位；
{%p for para in paragraphs %}{{ para.text }}{%p endfor %} 正文；
{{ deadline }} 截止日期；{{ contact }} 联系人及电话；{{ attachment_note }} 附件说明；{{ round.number }} 轮次""",
    "adoption_table": _COMMON_FIELDS + """
{{ title }} 表格标题（{{ title_display }} 分行的）；""" + _TABLE_FIELDS,
}


class TemplateError(DocumentError):
    """A template that cannot be filled; one Chinese sentence naming the file and the reason."""


def default_template(kind: str) -> Path:
    """The shipped default template of ``explanation``, ``letter`` or ``adoption_table``."""
    return DEFAULT_FOLDER / TEMPLATE_FILES[kind]


# -- the fields every document offers ----------------------------------------------

def signature_fields(unit: str, when: str) -> dict[str, str]:
    """Unit and date led by spaces to their GB/T 9704 places (see ``signature_left_indents``),
    for template paragraphs without indent: full-width spaces count whole characters, two
    Latin spaces half of one.

    >>> fields = signature_fields('汉中市教育局', '2023年4月27日')
    >>> fields['signature_unit'].count('\u3000'), fields['signature_date'].count('\u3000')
    (17, 19)
    """
    result = {}
    for key, text, left in zip(("signature_unit", "signature_date"), (unit, when),
                               signature_left_indents(unit, when)):
        whole, half = divmod(round(left * 2), 2)
        result[key] = "\u3000" * whole + "  " * half + text
    return result


def common_context(project, statistics: Statistics, when: date | None = None) -> dict:
    """``plan``, ``statistics``, ``date``, ``unit`` and the signature fields."""
    plan = project.plan()
    when_text = chinese_date(when or plan.written_on or date.today())
    by = statistics.by_disposition
    context = {
        "plan": {
            "title": plain_title(plan.title), "quoted_title": quoted_title(plan), "short_name": short_name(plan),
            "drafting_unit": plan.drafting_unit, "addressee": plan.addressee, "locality": plan.locality,
            "contact_person": plan.contact_person, "contact_phone": plan.contact_phone,
            "drafted_on": chinese_date(plan.drafted_on) if plan.drafted_on else "",
            "written_on": chinese_date(plan.written_on) if plan.written_on else "",
        },
        "statistics": {
            "sentence": statistics.sentence, "comments_total": statistics.comments_total,
            "adopted": by[Disposition.ADOPTED.label], "partly_adopted": by[Disposition.PARTLY_ADOPTED.label],
            "rejected": by[Disposition.REJECTED.label], "in_work": by[Disposition.IN_WORK.label],
            "pending": by[Disposition.PENDING.label], "with_comments": statistics.replied_with_comments,
            "no_comments": statistics.replied_no_comments, "overdue": statistics.overdue,
            "not_replied": statistics.not_replied, "units_consulted": dict(statistics.units_consulted),
        },
        "date": when_text,
        "unit": drafting_unit(plan),
    }
    context.update(signature_fields(drafting_unit(plan), when_text))
    return context


def title_fields(title: str, page: PageGeometry = PORTRAIT) -> dict[str, str]:
    """``title`` on one line and ``title_display`` cut into two lines where it is long."""
    return {"title": title, "title_display": "\n".join(title_lines(title, title_width(page)))}


# -- filling a template ------------------------------------------------------------------

_UNDEFINED_RE = re.compile(r"'([^']+)' is undefined|has no attribute '([^']+)'")


# control characters an XML file cannot hold, except \a, which docxtpl turns into a new paragraph
_INVALID_IN_CONTEXT = re.compile("[\x00-\x06\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ue01b\ue01d]")
# Braces in the data (a comment quoting ``{{ 7*7 }}``) stand in for themselves: while the
# template is filled they are private-use characters, so neither docxtpl nor the leftover
# check can take them for template syntax; the saved file gets them back.
_BRACES = str.maketrans({"{": "\ue01b", "}": "\ue01d"})
_BRACES_BACK = ((b"\xee\x80\x9b", b"{"), (b"\xee\x80\x9d", b"}"))


def _clean(value):
    """Context values without the control characters XML cannot hold, braces set aside."""
    if isinstance(value, str):
        return _INVALID_IN_CONTEXT.sub("", value).translate(_BRACES)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def _leftovers(document) -> list[str]:
    """Placeholders still in the filled document (body, headers, footers)."""
    texts = ["".join(document.element.body.itertext())]
    for section in document.sections:
        for part in (section.header, section.footer, section.even_page_header, section.even_page_footer):
            if not part.is_linked_to_previous:
                texts.append("".join(part._element.itertext()))
    found = []
    for text in texts:
        found += re.findall(r"\{\{.{0,30}?\}\}|\{%.{0,30}?%\}|\{\{|\{%", text)
    return found


def _save_with_braces(filled, target: str) -> None:
    """Save the filled document with the data's braces put back in every part."""
    import io
    import zipfile

    buffer = io.BytesIO()
    filled.save(buffer)
    buffer.seek(0)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.endswith((".xml", ".rels")):
                for masked, brace in _BRACES_BACK:
                    data = data.replace(masked, brace)
            out.writestr(item, data)


def render_template(template, context: dict, path) -> Path:
    """Fill ``template`` with ``context`` in the sandbox and write ``path``; a bad template changes nothing.

    The template's placeholders run under ``exports.template_sandbox``: no internals, limited
    loops, output and time. The context's text is data: braces in it are never template syntax.
    """
    import jinja2
    from docxtpl import DocxTemplate
    from jinja2.sandbox import SecurityError

    from exports.draft_files import DraftFileError, check_office_zip
    from exports.template_sandbox import TemplateLimitError, TemplateTimeout, limits, sandbox_environment

    template = Path(template)
    name = template.name
    if template.suffix.lower() != ".docx":
        raise TemplateError(f"模板“{name}”须是 .docx 文件。")
    if Path(path).resolve() == template.resolve():
        raise TemplateError(f"输出文件与模板“{name}”是同一个文件，生成的文稿会覆盖模板；请换一个输出文件名。")
    try:
        check_office_zip(template)
    except DraftFileError as error:
        raise TemplateError(f"模板{error}") from error
    environment = sandbox_environment()
    try:
        filled = DocxTemplate(str(template))
        with limits():
            filled.render(_clean(context), environment)
    except SecurityError as error:
        raise TemplateError(f"模板“{name}”试图访问程序内部（{_security_detail(error)}），已拒绝；"
                            "模板中只能使用模板字段说明中的字段。") from error
    except TemplateTimeout as error:  # the time limit struck as the filling ended
        raise TemplateError(f"模板“{name}”超出填写限制（填写时间超过限制），已停止。") from error
    except TemplateLimitError as error:
        raise TemplateError(f"模板“{name}”超出填写限制（{error.message}），已停止；"
                            "请检查模板中的循环和数值。") from error
    except jinja2.TemplateNotFound as error:
        raise TemplateError(f"模板“{name}”不能引用其他文件（{error.name}）。") from error
    except jinja2.TemplateSyntaxError as error:
        raise TemplateError(f"模板“{name}”中的占位符写法有误：{error.message}。") from error
    except jinja2.UndefinedError as error:
        match = _UNDEFINED_RE.search(str(error))
        field = next((g for g in match.groups() if g), "") if match else str(error)
        raise TemplateError(f"模板“{name}”中的字段“{field}”不存在，请对照模板字段说明修改。") from error
    except jinja2.TemplateError as error:
        raise TemplateError(f"模板“{name}”无法填写：{error}。") from error
    except RecursionError as error:  # a macro or loop calling itself without end
        raise TemplateError(f"模板“{name}”超出填写限制（嵌套过深），已停止；请检查模板中的宏和循环。") from error
    except Exception as error:  # a damaged package or XML the template engine cannot read
        raise TemplateError(f"模板“{name}”无法读取（{type(error).__name__}），请在 Word 中另存为 .docx 后重试。") from error
    left = _leftovers(filled.docx)
    if left:
        raise TemplateError(f"模板“{name}”中有未能填写的占位符：{left[0]}，请检查括号是否成对。")
    return atomic_save(path, lambda target: _save_with_braces(filled, target))


def _security_detail(error) -> str:
    match = re.search(r"attribute '([^']+)'", str(error))
    return f"属性“{match.group(1)}”" if match else "不允许的操作"


# -- the default templates -------------------------------------------------------------------

def _loop(doc: OfficialDocument, tag: str) -> None:
    doc.paragraph(tag, STYLE_BODY)


def _signature(doc: OfficialDocument) -> None:
    doc.blank_line().paragraph_format.keep_with_next = True
    for field, keep in (("{{ signature_unit }}", True), ("{{ signature_date }}", False)):
        # placed by the leading spaces of the field
        doc.paragraph(field, STYLE_SIGNATURE).paragraph_format.keep_with_next = keep


def _attachment_note(doc: OfficialDocument) -> None:
    doc.blank_line().paragraph_format.keep_with_next = True
    note = doc.paragraph("{{ attachment_note }}", STYLE_ATTACHMENT_NOTE)
    set_indent(note, left=5, hanging=3)
    note.paragraph_format.keep_with_next = True


def _table(doc: OfficialDocument, columns: list[Column]) -> None:
    fields = ["c.number", "c.unit", "c.clause", "c.body", "c.disposition", "c.note"]
    doc.table(columns, [["{%tr for c in comments %}"] + [""] * (len(columns) - 1),
                        ["{{ " + f + " }}" for f in fields],
                        ["{%tr endfor %}"] + [""] * (len(columns) - 1)])


def _replies(doc: OfficialDocument) -> None:
    _loop(doc, "{%p for line in reply_lines %}")
    doc.body("{{ line }}")
    _loop(doc, "{%p endfor %}")


def build_explanation_template() -> OfficialDocument:
    from exports.adoption_table import PORTRAIT_COLUMNS

    doc = OfficialDocument()
    doc.title("{{ title_display }}")
    doc.paragraph("{{ addressee }}", STYLE_ADDRESSEE)
    doc.body("{{ opening }}")
    _loop(doc, "{%p for s in sections %}")
    doc.paragraph("{{ s.heading }}", STYLE_HEADING1)
    _loop(doc, "{%p for para in s.paragraphs %}")
    _loop(doc, "{%p if s.last and loop.last %}")  # the last lines stay with the signature
    doc.body("{{ para.rest }}", lead="{{ para.lead }}").paragraph_format.keep_with_next = True
    _loop(doc, "{%p else %}")
    doc.body("{{ para.rest }}", lead="{{ para.lead }}")
    _loop(doc, "{%p endif %}")
    _loop(doc, "{%p endfor %}")
    _loop(doc, "{%p endfor %}")
    _attachment_note(doc)
    _signature(doc)
    label = doc.paragraph("附件", STYLE_ATTACHMENT_LABEL)
    label.paragraph_format.page_break_before = True
    doc.blank_line()
    doc.paragraph("{{ attachment_title }}", STYLE_TITLE)
    doc.blank_line()
    _table(doc, PORTRAIT_COLUMNS)
    _replies(doc)
    return doc


def build_letter_template() -> OfficialDocument:
    doc = OfficialDocument()
    doc.title("{{ title_display }}")
    doc.paragraph("{{ addressee }}", STYLE_ADDRESSEE)
    _loop(doc, "{%p for para in paragraphs %}")
    doc.body("{{ para.rest }}", lead="{{ para.lead }}")
    _loop(doc, "{%p endfor %}")
    _loop(doc, "{%p if contact %}")
    doc.body("{{ contact }}")
    _loop(doc, "{%p endif %}")
    _attachment_note(doc)
    _signature(doc)
    return doc


def build_adoption_table_template() -> OfficialDocument:
    from exports.adoption_table import LANDSCAPE_COLUMNS

    doc = OfficialDocument(page=LANDSCAPE)
    doc.title("{{ title_display }}")
    _table(doc, LANDSCAPE_COLUMNS)
    _replies(doc)
    return doc


def build_default_templates(folder=DEFAULT_FOLDER) -> list[Path]:
    """Write explanation.docx, letter.docx and adoption_table.docx into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    builders = {"explanation": (build_explanation_template, "起草情况说明模板"),
                "letter": (build_letter_template, "征求意见函模板"),
                "adoption_table": (build_adoption_table_template, "意见采纳情况表模板")}
    written = []
    for kind, (builder, title) in builders.items():
        doc = builder()
        written.append(doc.save(folder / TEMPLATE_FILES[kind], title=title))
    return written


if __name__ == "__main__":  # python -m exports.templates [FOLDER]
    import sys

    for written_path in build_default_templates(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_FOLDER):
        print(written_path)
