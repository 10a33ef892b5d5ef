"""The 起草说明 page: the fields the documents print, the sections of the drafting explanation
and their text, a live preview of the whole explanation, and generating the Word documents.

Every edit is a command of ``feedback.document_commands`` run through the window's undo
stack, so it is in the project file at once and can be undone; typed text is kept when
typing pauses (one undo step per pause, and before anything else happens). The numbers in
the preview are the ledger's at this moment. Generating runs off the UI thread
(``ui.jobs.run_job``) on a second, read-only handle of the project file.
"""
from __future__ import annotations

import html
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QFontDatabase, QKeySequence, QTextCursor
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDateEdit, QDialog, QFormLayout, QFrame, QGridLayout, QHBoxLayout, QLabel, QLineEdit,
                               QListWidget, QListWidgetItem, QMenu, QPlainTextEdit, QPushButton, QSplitter,
                               QTextBrowser, QVBoxLayout, QWidget)

from exports.adoption_table import PORTRAIT_COLUMNS, merge_column
from exports.explanation import ExplanationContent, explanation_content, explanation_warnings
from exports.official_format import DocumentError, title_lines, title_width
from feedback.document_commands import (PLAN_FIELD_LABELS, AddSection, EditPlan, EditSection, MoveSection,
                                        RegenerateSection, RemoveSection, SetAttachmentGrouping)
from feedback.explanation_text import (GROUP_BY_UNIT, GROUPINGS, PLACEHOLDERS, clean_body, guess_short_name,
                                       placeholder_values, plain_title, section_heading, used_placeholders)
from feedback.ledger import LedgerError
from storage import documents
from ui.style import set_role
from ui.text import tr
from ui.widgets import dialog_buttons, file_dialogs

_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SAVE_DELAY_MS = 600  # typed text is kept once typing pauses this long
PREVIEW_DELAY_MS = 250
PREVIEW_ROWS = 100  # the preview shows this many rows of the attachment table; the document has them all
ATTACHMENT_ANCHOR = "attachment"
TEXT_FIELDS = ("title", "short_name", "drafting_unit", "addressee", "contact_person", "contact_phone")
DATE_FIELDS = ("drafted_on", "written_on")
# The preview in faces close to the document's where installed (仿宋 body, 黑体 headings, 小标宋 title).
_BODY_FACES = ("FangSong", "仿宋", "仿宋_GB2312", "STFangsong", "Noto Serif CJK SC", "Source Han Serif SC", "SimSun")
_HEADING_FACES = ("SimHei", "黑体", "STHeiti", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei")
_TITLE_FACES = ("方正小标宋简体", "FZXiaoBiaoSong-B05S", "STZhongsong", "Noto Serif CJK SC", "SimSun")
_LEAD_FACES = ("KaiTi", "楷体", "楷体_GB2312", "STKaiti", "AR PL UKai CN")
_BODY_PX, _TITLE_PX = 16, 22  # Qt's rich text takes indents in pixels only


def open_url(url: QUrl) -> bool:
    """Open a file or folder with the system's program for it."""
    return QDesktopServices.openUrl(url)


def _face(candidates: tuple[str, ...]) -> str:
    installed = set(QFontDatabase.families())
    return next((f for f in candidates if f in installed), "")


def _font_css(candidates: tuple[str, ...]) -> str:
    face = _face(candidates)
    return f"font-family: '{face}';" if face else ""


def _text(value: str) -> str:
    return html.escape(value).replace("\n", "<br>")


# -- the preview as rich text ------------------------------------------------------------------------

def attachment_html(content: ExplanationContent, limit: int = PREVIEW_ROWS) -> str:
    """The attachment 征求意见反馈情况 as a table, units (or clauses) merged as in the document."""
    parts = [f'<p style="margin-top: 28px;"><a name="{ATTACHMENT_ANCHOR}"></a>附件</p>',
             f'<p align="center" style="font-size: {_TITLE_PX - 2}px; {_font_css(_TITLE_FACES)} margin: 8px 0 10px 0;">'
             f'{_text(content.attachment_title)}</p>',
             '<table border="1" cellspacing="0" cellpadding="4" width="100%" '
             'style="border-collapse: collapse; border-color: #6b7280; font-size: 9pt;">', "<tr>"]
    parts += [f'<th bgcolor="#f3f4f6">{_text(column.header)}</th>' for column in PORTRAIT_COLUMNS]
    parts.append("</tr>")
    merged = merge_column(content.group_by)
    rows = content.table_rows[:limit]
    spans = [1] * len(rows)  # the rows each merged cell covers; 0 where the cell above covers it
    start = None
    for index, row in enumerate(rows):
        if not isinstance(row, list):
            start = None
        elif start is not None and rows[start][merged] == row[merged]:
            spans[start] += 1
            spans[index] = 0
        else:
            start = index
    for row, span in zip(rows, spans):
        if not isinstance(row, list):
            parts.append(f'<tr><td colspan="{len(PORTRAIT_COLUMNS)}"><b>{_text(row.text)}</b></td></tr>')
            continue
        cells = []
        for column, (spec, value) in enumerate(zip(PORTRAIT_COLUMNS, row)):
            if column == merged and span == 0:
                continue
            rowspan = f' rowspan="{span}"' if column == merged and span > 1 else ""
            align = "center" if spec.align == "center" or column == merged else "left"
            cells.append(f'<td{rowspan} align="{align}" valign="middle">{_text(value)}</td>')
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</table>")
    if len(content.table_rows) > limit:
        more = tr("……预览只显示前{0}行，共{1}条意见，生成的文档中全部列出。").format(limit, len(content.rows))
        parts.append(f'<p style="color: #6b7280;">{_text(more)}</p>')
    for line in content.reply_lines:
        parts.append(f'<p style="text-indent: {2 * _BODY_PX}px; margin-top: 6px;">{_text(line)}</p>')
    return "".join(parts)


def explanation_html(content: ExplanationContent, *, current: int = 0, attachment: str = "") -> str:
    """The whole explanation as the preview shows it; the section ``current`` (an id) is tinted."""
    body = f"{_font_css(_BODY_FACES)} font-size: {_BODY_PX}px;"
    indent = f"text-indent: {2 * _BODY_PX}px; margin: 0; line-height: 150%;"
    parts = [f'<html><body style="{body}">',
             f'<p align="center" style="font-size: {_TITLE_PX}px; {_font_css(_TITLE_FACES)} margin: 6px 0 18px 0;">'
             f'{"<br>".join(_text(line) for line in title_lines(content.title, title_width()))}</p>']
    if content.addressee:
        parts.append(f'<p style="margin: 0; line-height: 150%;">{_text(content.addressee)}</p>')
    parts.append(f'<p style="{indent}">{_text(content.opening)}</p>')
    heading = _font_css(_HEADING_FACES)
    lead = _font_css(_LEAD_FACES)
    for section in content.sections:
        tint = "background-color: #fff4d6;" if current and section.section_id == current else ""
        parts.append(f'<p style="{indent} {tint}"><a name="s{section.section_id}"></a>'
                     f'<span style="{heading} font-weight: bold;">{_text(section.heading)}</span></p>')
        for paragraph in section.paragraphs:
            text = _text(paragraph.rest)
            if paragraph.lead:
                weight = " font-weight: bold;" if paragraph.level == 3 else ""
                text = f'<span style="{lead}{weight}">{_text(paragraph.lead)}</span>{text}'
            parts.append(f'<p style="{indent} {tint}">{text}</p>')
        if not section.paragraphs:
            empty = _text(tr("（这一部分还没有内容）"))
            parts.append(f'<p style="{indent} color: #9ca3af; {tint}">{empty}</p>')
    parts.append(f'<p style="{indent} margin-top: 18px;">{_text(content.attachment_note)}</p>')
    signature = f"margin: 18px {4 * _BODY_PX}px 0 0; line-height: 150%;"
    parts.append(f'<p align="right" style="{signature}">{_text(content.unit)}<br>{_text(content.date_text)}</p>')
    parts.append(attachment)
    parts.append("</body></html>")
    return "".join(parts)


# -- small widgets --------------------------------------------------------------------------------------


def go_ahead(interaction, findings) -> bool:
    """List what the check before generating found and let the drafter decide: True to generate.
    Advisory findings alone (shown on the page already) do not ask."""
    if all(f.advisory for f in findings):
        return True
    lines = "\n".join(f"{i}. {f.message}" for i, f in enumerate(findings, 1))
    answer = interaction.choose(tr("生成前发现{0}处问题：").format(len(findings)) + "\n" + lines,
                                [tr("返回修改"), tr("仍然生成")])
    return answer == tr("仍然生成")

class _OptionalDate(QWidget):
    """A date that may be left empty: a tick box, then the date."""

    changed = Signal()

    def __init__(self, empty_hint: str, parent=None):
        super().__init__(parent)
        self.given = QCheckBox()
        self.edit = QDateEdit(QDate.currentDate())
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy年M月d日")
        self.hint = QLabel(empty_hint)
        set_role(self.hint, "muted")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.given)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.hint, 1)
        self.given.toggled.connect(self._toggled)
        self.edit.dateChanged.connect(lambda *_: self.changed.emit())
        self._toggled(False)

    def _toggled(self, checked: bool) -> None:
        self.edit.setVisible(checked)
        self.hint.setVisible(not checked)
        self.changed.emit()

    def value(self) -> date | None:
        return self.edit.date().toPython() if self.given.isChecked() else None

    def set_value(self, value: date | None) -> None:
        self.blockSignals(True)
        self.given.setChecked(value is not None)
        if value is not None:
            self.edit.setDate(QDate(value.year, value.month, value.day))
        self.blockSignals(False)


class DocumentDialog(QDialog):
    """Where to save a document, the bureau's own template if any, and (for some) which round."""

    def __init__(self, title: str, path: Path, template: str = "", rounds: list[tuple[str, object]] | None = None,
                 parent=None, *, landscape: bool | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.path = QLineEdit(str(path))
        browse = QPushButton(tr("浏览…"))
        browse.clicked.connect(self._browse_path)
        self.template = QLineEdit(template)
        self.template.setPlaceholderText(tr("不选则按公文格式（GB/T 9704）生成"))
        choose_template = QPushButton(tr("选择…"))
        choose_template.clicked.connect(self._browse_template)
        clear_template = QPushButton(tr("不用模板"))
        clear_template.clicked.connect(self.template.clear)
        self.round = QComboBox()
        for label, value in rounds or []:
            self.round.addItem(label, value)
        self.error = QLabel()
        set_role(self.error, "cue")
        self.error.setWordWrap(True)
        grid = QGridLayout()
        grid.addWidget(QLabel(tr("保存为")), 0, 0)
        grid.addWidget(self.path, 0, 1)
        grid.addWidget(browse, 0, 2)
        grid.addWidget(QLabel(tr("单位模板（可选）")), 1, 0)
        grid.addWidget(self.template, 1, 1)
        template_buttons = QHBoxLayout()
        template_buttons.addWidget(choose_template)
        template_buttons.addWidget(clear_template)
        grid.addLayout(template_buttons, 1, 2)
        if rounds:
            grid.addWidget(QLabel(tr("征求意见轮次")), 2, 0)
            grid.addWidget(self.round, 2, 1)
        self.landscape = QCheckBox(tr("表格横向排版（A4 横向，适合列多、文字长的表格）"))
        self.landscape.setChecked(bool(landscape))
        if landscape is not None:
            grid.addWidget(self.landscape, 3, 1)
        grid.setColumnStretch(1, 1)
        buttons = dialog_buttons(self, tr("生成"))
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(640, 0)

    def _browse_path(self) -> None:
        chosen, _ = file_dialogs.getSaveFileName(self, tr("保存为"), self.path.text(), tr("Word 文档 (*.docx)"))
        if chosen:
            self.path.setText(chosen)

    def _browse_template(self) -> None:
        folder = self.template.text() or str(Path(self.path.text()).parent)
        chosen, _ = file_dialogs.getOpenFileName(self, tr("选择单位模板"), folder, tr("Word 模板 (*.docx)"))
        if chosen:
            self.template.setText(chosen)

    def problem(self) -> str:
        """Why the choices cannot be used, in one sentence; empty when they can."""
        path = self.path.text().strip()
        if not path:
            return tr("请填写保存位置。")
        if not Path(path).expanduser().parent.is_dir():
            return tr("文件夹“{0}”不存在。").format(Path(path).parent)
        template = self.template.text().strip()
        if template and not Path(template).expanduser().is_file():
            return tr("模板“{0}”不存在。").format(Path(template).name)
        return ""

    def accept(self) -> None:
        problem = self.problem()
        if problem:
            self.error.setText(problem)
            return
        super().accept()

    def values(self) -> tuple[Path, Path | None, object]:
        """(output .docx, template or None, chosen round)."""
        path = Path(self.path.text().strip()).expanduser()
        if path.suffix.lower() != ".docx":
            path = path.with_name(path.name + ".docx")
        template = self.template.text().strip()
        return path, Path(template).expanduser() if template else None, self.round.currentData()


def _card(title: str) -> tuple[QFrame, QVBoxLayout, QHBoxLayout, QLabel]:
    frame = QFrame()
    frame.setObjectName("card")
    label = QLabel(title)
    set_role(label, "heading")
    head = QHBoxLayout()
    head.addWidget(label)
    head.addStretch(1)
    body = QVBoxLayout(frame)
    body.setContentsMargins(12, 8, 12, 10)
    body.addLayout(head)
    return frame, body, head, label


# -- the page ----------------------------------------------------------------------------------------------

class ExplanationPage(QWidget):
    """Fields, sections, the text of one section, and the preview of the whole explanation."""

    status = Signal(str)

    def __init__(self, window, parent=None):
        super().__init__(parent)
        self.window = window
        self.project = None
        self.read_only = True
        self.section_id = 0  # the section in the editor
        self.sections: list = []
        self.attachment_rows: list = []
        self.last_job = None
        self.last_output: Path | None = None
        self._attachment_html = ""
        self._grouping = GROUP_BY_UNIT
        self.preview_content: ExplanationContent | None = None
        self._dirty_body = False
        self._dirty_fields: set[str] = set()
        self._loading = False
        self._templates: dict[str, str] = {}
        self.landscape: dict[str, bool] = {}  # document kind → its table landscape, as last chosen
        self._folder: Path | None = None

        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.flush)
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self.refresh_preview)

        # -- the fields the documents print ------------------------------------------------------------
        self.fields: dict[str, QLineEdit] = {}
        for name in TEXT_FIELDS:
            edit = QLineEdit()
            edit.textEdited.connect(lambda text, n=name: self._field_edited(n))
            edit.editingFinished.connect(self.flush)
            self.fields[name] = edit
        self.fields["addressee"].setPlaceholderText(tr("例如：市政府"))
        self.fields["drafting_unit"].setPlaceholderText(tr("例如：汉中市教育局"))
        self.fields["contact_phone"].setPlaceholderText(tr("征求意见函中使用"))
        self.dates = {"drafted_on": _OptionalDate(tr("未填写")),
                      "written_on": _OptionalDate(tr("未填写时为生成当天"))}
        for name, widget in self.dates.items():
            widget.changed.connect(lambda n=name: self._field_edited(n))
        fields_card, fields_body, _, _ = _card(tr("文稿信息"))
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        for name in ("title", "short_name", "addressee", "drafting_unit"):
            form.addRow(tr(PLAN_FIELD_LABELS[name]), self.fields[name])
        for name in DATE_FIELDS:
            form.addRow(tr(PLAN_FIELD_LABELS[name]), self.dates[name])
        for name in ("contact_person", "contact_phone"):
            form.addRow(tr(PLAN_FIELD_LABELS[name]), self.fields[name])
        fields_body.addLayout(form)

        # -- the sections ------------------------------------------------------------------------------------
        self.section_list = QListWidget()
        self.section_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.section_list.setSpacing(2)
        self.section_list.currentRowChanged.connect(self._section_chosen)
        self.section_list.itemDoubleClicked.connect(lambda item: self.rename_section())
        self.add_button = QPushButton(tr("添加…"))
        self.rename_button = QPushButton(tr("改名…"))
        self.remove_button = QPushButton(tr("删除"))
        self.up_button = QPushButton(tr("上移"))
        self.down_button = QPushButton(tr("下移"))
        for button, slot in ((self.add_button, self.add_section), (self.rename_button, self.rename_section),
                             (self.remove_button, self.remove_section), (self.up_button, lambda: self.move_section(-1)),
                             (self.down_button, lambda: self.move_section(1))):
            button.clicked.connect(lambda checked=False, s=slot: s())
        sections_card, sections_body, _, _ = _card(tr("说明的各部分"))
        sections_body.addWidget(self.section_list, 1)
        row = QHBoxLayout()
        for button in (self.add_button, self.rename_button, self.remove_button):
            row.addWidget(button)
        sections_body.addLayout(row)
        row = QHBoxLayout()
        for button in (self.up_button, self.down_button):
            row.addWidget(button)
        sections_body.addLayout(row)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(fields_card)
        left_layout.addWidget(sections_card, 1)

        # -- the text of the chosen section --------------------------------------------------------------
        editor_card, editor_body, editor_head, self.section_heading = _card(tr("正文"))
        self.section_kind = QLabel()
        set_role(self.section_kind, "muted")
        editor_head.insertWidget(1, self.section_kind)
        self.insert_button = QPushButton(tr("插入自动内容"))
        menu = QMenu(self.insert_button)
        for name, description in PLACEHOLDERS.items():
            action = menu.addAction(f"{{{name}}}　{tr(description)}")
            action.triggered.connect(lambda checked=False, n=name: self.insert_placeholder(n))
        self.insert_button.setMenu(menu)
        self.regenerate_button = QPushButton(tr("恢复自动生成内容"))
        self.regenerate_button.clicked.connect(self.regenerate_section)
        editor_head.addWidget(self.insert_button)
        editor_head.addWidget(self.regenerate_button)
        self.editor = QPlainTextEdit()
        self.editor.setTabChangesFocus(True)
        self.editor.textChanged.connect(self._text_edited)
        editor_font = self.editor.font()
        editor_font.setPointSizeF(editor_font.pointSizeF() + 1.5)
        self.editor.setFont(editor_font)
        self.automatic = QLabel()
        self.automatic.setWordWrap(True)
        self.automatic.setTextFormat(Qt.TextFormat.RichText)
        self.automatic.setStyleSheet("background: #f3f6fa; border: 1px solid #d6dbe1; border-radius: 4px;"
                                     " padding: 6px 8px; color: #374151;")
        hint = QLabel(tr("每行为一段；以“（一）”“1.”开头的段落，句号前的文字按小标题排版。"
                         "花括号中的自动内容在预览和生成时按当前数据填写。"))
        hint.setWordWrap(True)
        set_role(hint, "muted")
        editor_body.addWidget(self.editor, 1)
        editor_body.addWidget(hint)
        editor_body.addWidget(self.automatic)

        # -- the preview and the documents ------------------------------------------------------------------
        self.grouping_box = QComboBox()
        for value, label in GROUPINGS.items():
            self.grouping_box.addItem(tr(label), value)
        self.grouping_box.activated.connect(lambda index: self.set_grouping(self.grouping_box.itemData(index)))
        preview_card, preview_body, preview_head, _ = _card(tr("预览"))
        preview_head.addWidget(QLabel(tr("附件表格")))
        preview_head.addWidget(self.grouping_box)
        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet("color: #b45309;")
        self.preview = QTextBrowser()
        self.preview.setOpenLinks(False)
        self.preview.document().setDocumentMargin(28)
        self.preview.setStyleSheet("QTextBrowser { background: white; }")
        preview_body.addWidget(self.warnings)
        preview_body.addWidget(self.preview, 1)

        self.generate_button = QPushButton(tr("生成起草说明…"))
        self.generate_button.setToolTip(tr("生成 Word 文档（Ctrl+G）"))
        self.generate_button.setStyleSheet("QPushButton { font-weight: bold; padding: 4px 14px; }")
        self.generate_button.clicked.connect(self.generate_explanation)
        self.table_button = QPushButton(tr("生成意见采纳情况表…"))
        self.table_button.clicked.connect(self.generate_table)
        self.letter_button = QPushButton(tr("生成征求意见函…"))
        self.letter_button.clicked.connect(self.generate_letter)
        self.answers_button = QPushButton(tr("各单位采纳情况反馈…"))
        self.answers_button.setToolTip(tr("为每个提出意见的单位生成一份意见采纳情况反馈（每单位一个 Word 文件）"))
        self.answers_button.clicked.connect(self.generate_answers)
        self.generate_action = QAction(tr("生成起草说明…"), self)
        self.generate_action.setShortcut(QKeySequence("Ctrl+G"))
        self.generate_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)  # only while the page shows
        self.generate_action.triggered.connect(lambda checked=False: self.generate_explanation())
        self.addAction(self.generate_action)

        heading = QLabel(tr("起草说明"))
        heading.setStyleSheet("font-size: 14pt; font-weight: bold;")
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addSpacing(12)
        self.read_only_note = QLabel(tr("只读：可以预览和生成文档，不能修改。"))
        set_role(self.read_only_note, "cue")
        top.addWidget(self.read_only_note)
        top.addStretch(1)
        top.addWidget(self.letter_button)
        top.addWidget(self.answers_button)
        top.addWidget(self.table_button)
        top.addWidget(self.generate_button)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(editor_card)
        self.splitter.addWidget(preview_card)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 4)
        self.splitter.setSizes([360, 470, 610])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.addLayout(top)
        outer.addWidget(self.splitter, 1)
        self._editable = [*self.fields.values(), *self.dates.values(), self.add_button, self.rename_button,
                          self.remove_button, self.up_button, self.down_button, self.regenerate_button,
                          self.insert_button]

    # -- filling -------------------------------------------------------------------------------------------

    def set_project(self, project) -> None:
        if self.project is not None and project is not self.project:
            self._keep_pending_directly()
        self.project = project
        self.read_only = bool(project is None or project.read_only)
        self.section_id = 0
        self.last_job = None
        for widget in self._editable:
            widget.setEnabled(not self.read_only)
        self.editor.setReadOnly(self.read_only)
        self.read_only_note.setVisible(project is not None and project.read_only)
        for button in (self.generate_button, self.table_button, self.letter_button, self.answers_button):
            button.setEnabled(project is not None)
        self.generate_action.setEnabled(project is not None)
        if project is None:
            self.section_list.clear()
            self._load_editor(None)
            self.preview.clear()
            return
        self._grouping = documents.attachment_grouping(project)
        self._folder = None
        self.refresh()

    def refresh(self) -> None:
        """Everything from the project file again."""
        if self.project is None:
            return
        self._load_fields()
        self._load_sections()
        self.refresh_preview(attachment=True)

    def apply_change(self, change) -> None:
        """A change while the page is in view (also the page's own edits, undo and redo)."""
        if self.project is None:
            return
        if change.what == "sections":
            # a change to the sections while text is being typed comes from undo or redo: it wins over the typing
            self._dirty_body = False
            grouping = documents.attachment_grouping(self.project) if not self.read_only else self._grouping
            regroup = grouping != self._grouping
            self._grouping = grouping
            self._load_sections()
            self.refresh_preview(attachment=regroup)
            if not regroup:
                self.refresh_warnings()
        elif change.what == "plan":
            self._dirty_fields = set()
            self._load_fields()
            self.refresh_preview(attachment=True)
        else:  # the ledger changed: the numbers, the rows, the drafting history
            self.refresh_preview(attachment=True)

    def _load_fields(self) -> None:
        plan = self.project.plan()
        for name, edit in self.fields.items():
            if name not in self._dirty_fields and edit.text() != getattr(plan, name):
                edit.setText(getattr(plan, name))
                edit.setCursorPosition(0)  # a long title shows its beginning
        guessed = guess_short_name(plan.title)
        self.fields["short_name"].setPlaceholderText(
            tr("不填则为《{0}》").format(guessed) if guessed else tr("例如：《行动计划》"))
        for name, widget in self.dates.items():
            if name not in self._dirty_fields:
                widget.set_value(getattr(plan, name))

    def _load_sections(self) -> None:
        """The list from the file, the same section chosen (or the nearest when it went)."""
        self.sections = documents.list_sections(self.project)
        keep = self.section_id
        row = self.section_list.currentRow()
        self.section_list.blockSignals(True)
        self.section_list.clear()
        for section in self.sections:
            item = QListWidgetItem(self._heading(section))
            item.setData(_ID_ROLE, section.id)
            item.setToolTip(tr("自动生成的部分：可以修改，也可恢复自动生成内容") if section.regenerable
                            else tr("自行添加的部分"))
            self.section_list.addItem(item)
        ids = [s.id for s in self.sections]
        if keep and keep in ids:
            row = ids.index(keep)
        row = min(max(row, 0), len(ids) - 1)
        self.section_list.setCurrentRow(row)
        self.section_list.blockSignals(False)
        self._load_editor(self.sections[row] if self.sections else None)

    def _heading(self, section) -> str:
        return section_heading(self.sections.index(section), section.title)

    def _load_editor(self, section) -> None:
        """Show a section's text; the text being typed stays when it is the same section."""
        if section is None:
            self.section_id = 0
            self._set_editor_text("")
            self.section_heading.setText(tr("正文"))
            self.section_kind.setText("")
            self._update_buttons()
            return
        same = section.id == self.section_id
        self.section_id = section.id
        self.section_heading.setText(self._heading(section))
        self.section_kind.setText(tr("（自动生成，可修改）") if section.regenerable else tr("（自行添加）"))
        if not (same and self._dirty_body) and clean_body(self.editor.toPlainText()) != section.body:
            self._set_editor_text(section.body)
        self._update_buttons()

    def _set_editor_text(self, text: str) -> None:
        self._loading = True
        self.editor.setPlainText(text)
        self._loading = False
        self._dirty_body = False

    def _update_buttons(self) -> None:
        editable = not self.read_only and self.section_id > 0
        row = self.section_list.currentRow()
        count = self.section_list.count()
        current = self._current_section()
        self.rename_button.setEnabled(editable)
        self.remove_button.setEnabled(editable and count > 1)
        self.up_button.setEnabled(editable and row > 0)
        self.down_button.setEnabled(editable and 0 <= row < count - 1)
        self.regenerate_button.setEnabled(editable and current is not None and current.regenerable)
        self.insert_button.setEnabled(editable)
        self.add_button.setEnabled(not self.read_only)

    def _current_section(self):
        return next((s for s in self.sections if s.id == self.section_id), None)

    # -- the preview -------------------------------------------------------------------------------------------

    def grouping(self) -> str:
        return self._grouping

    def refresh_preview(self, attachment: bool = False) -> None:
        """The preview with the text as typed and the ledger's numbers; the attachment only when asked."""
        self._preview_timer.stop()
        if self.project is None:
            return
        bodies = {self.section_id: self.editor.toPlainText()} if self._dirty_body and self.section_id else None
        content = explanation_content(self.project, group_by=self._grouping, attachment=attachment, bodies=bodies)
        if attachment:
            self.attachment_rows = content.rows
            self._attachment_html = attachment_html(content)
            self.refresh_warnings()
        self.grouping_box.setCurrentIndex(max(0, self.grouping_box.findData(self._grouping)))
        self.preview_content = content
        bar = self.preview.verticalScrollBar()
        position = bar.value()
        if attachment or not self._replace_body(explanation_html(content, current=self.section_id)):
            self.preview.setHtml(explanation_html(content, current=self.section_id,
                                                  attachment=self._attachment_html))
        bar.setValue(position)
        self._show_automatic(content)

    def _replace_body(self, body_html: str) -> bool:
        """Put a new body before the attachment already shown; False when there is none to keep.

        Laying out a long table takes Qt far longer than the text, so typing leaves it alone.
        """
        document = self.preview.document()
        block = document.begin()
        while block.isValid():
            fragments = block.begin()
            while not fragments.atEnd():
                if ATTACHMENT_ANCHOR in fragments.fragment().charFormat().anchorNames():
                    cursor = QTextCursor(document)
                    cursor.setPosition(block.position() - 1, QTextCursor.MoveMode.KeepAnchor)
                    cursor.insertHtml(body_html)
                    return True
                fragments += 1
            block = block.next()
        return False

    def refresh_warnings(self) -> None:
        """What to look at before sending the explanation (fields missing, comments undecided …)."""
        self.warnings.setText("\n".join(explanation_warnings(self.project)))  # one finding a line
        self.warnings.setVisible(bool(self.warnings.text()))

    def _show_automatic(self, content: ExplanationContent) -> None:
        """What the placeholders of the section in the editor stand for now."""
        names = used_placeholders(self.editor.toPlainText())
        if not names:
            self.automatic.setText(tr("这一部分没有自动内容。可用“插入自动内容”加入按当前数据生成的统计、起草经过等。"))
            return
        values = placeholder_values(content.plan, content.statistics.sentence,
                                    documents.process_text(self.project))
        lines = [f"<b>{{{html.escape(n)}}}</b>：{html.escape(values.get(n, '') or tr('（暂无）'))}" for n in names]
        self.automatic.setText(tr("自动内容（按当前数据）：") + "<br>" + "<br>".join(lines))

    def scroll_preview_to_section(self) -> None:
        if self.section_id:
            self.preview.scrollToAnchor(f"s{self.section_id}")

    # -- editing -------------------------------------------------------------------------------------------------

    def _text_edited(self) -> None:
        if self._loading or self.read_only or not self.section_id:
            return
        self._dirty_body = True
        self._save_timer.start()
        self._preview_timer.start()

    def _field_edited(self, name: str) -> None:
        if self._loading or self.read_only:
            return
        self._dirty_fields.add(name)
        self._save_timer.start()

    def _field_value(self, name: str):
        if name in self.dates:
            return self.dates[name].value()
        return self.fields[name].text().strip()

    def flush(self) -> None:
        """Keep what was typed: the section text and the fields, each as one undoable edit."""
        self._save_timer.stop()
        if self.project is None or self.read_only:
            self._dirty_body, self._dirty_fields = False, set()
            return
        if self._dirty_body and self.section_id:
            self._dirty_body = False
            self.window.bridge.run(EditSection(self.project, documents, self.section_id,
                                               body=self.editor.toPlainText()))
        if self._dirty_fields:
            values = {name: self._field_value(name) for name in sorted(self._dirty_fields)}
            self._dirty_fields = set()
            self.window.bridge.run(EditPlan(self.project, **values))

    def _keep_pending_directly(self) -> None:
        """On closing: typed text goes into the file without the undo stack, which is being cleared."""
        self._save_timer.stop()
        project = self.project
        if project.read_only:
            return
        try:
            if self._dirty_body and self.section_id:
                documents.save_section(project, self.section_id, body=self.editor.toPlainText())
            if self._dirty_fields:
                project.update_plan(**{name: self._field_value(name) for name in self._dirty_fields})
        except LedgerError:
            pass  # e.g. the section was removed meanwhile: nothing left to keep it in
        self._dirty_body, self._dirty_fields = False, set()

    def _section_chosen(self, row: int) -> None:
        if not 0 <= row < len(self.sections):
            return
        chosen = self.sections[row].id
        self.flush()  # keeping the text of the section left reloads the list around that one
        ids = [s.id for s in self.sections]
        if chosen and chosen in ids:
            row = ids.index(chosen)
        self.section_list.blockSignals(True)
        self.section_list.setCurrentRow(row)
        self.section_list.blockSignals(False)
        self._load_editor(self.sections[row])
        self.refresh_preview()
        self.scroll_preview_to_section()

    def select_section(self, section_id: int) -> None:
        ids = [s.id for s in self.sections]
        if section_id in ids:
            self.section_list.setCurrentRow(ids.index(section_id))

    def insert_placeholder(self, name: str) -> None:
        if self.read_only or not self.section_id:
            return
        self.editor.insertPlainText(f"{{{name}}}")
        self.editor.setFocus()

    def _run(self, command):
        self.flush()
        return self.window.bridge.run(command)

    def add_section(self) -> None:
        if self.read_only:
            return
        title = self.window.interaction.ask_text(tr("新的一部分的标题："), tr("其他需要说明的事项"))
        if not title or not title.strip():
            return
        row = self.section_list.currentRow()
        change = self._run(AddSection(self.project, documents, title.strip(), position=row + 1 if row >= 0 else None))
        if change is not None and change.ids:
            self.select_section(change.ids[0])
            self.editor.setFocus()

    def rename_section(self) -> None:
        current = self._current_section()
        if self.read_only or current is None:
            return
        title = self.window.interaction.ask_text(tr("“{0}”改为：").format(current.title), current.title)
        if title is not None:
            self._run(EditSection(self.project, documents, current.id, title=title))

    def remove_section(self) -> None:
        current = self._current_section()
        if self.read_only or current is None or len(self.sections) <= 1:
            return
        self._run(RemoveSection(self.project, documents, current.id))

    def move_section(self, step: int) -> None:
        current = self._current_section()
        if self.read_only or current is None:
            return
        position = self.sections.index(current) + step
        if 0 <= position < len(self.sections):
            self._run(MoveSection(self.project, documents, current.id, position))
            self.select_section(current.id)

    def regenerate_section(self) -> None:
        current = self._current_section()
        if self.read_only or current is None or not current.regenerable:
            return
        self._run(RegenerateSection(self.project, documents, current.id))

    def set_grouping(self, group_by: str) -> None:
        if self.project is None or group_by == self._grouping:
            return
        if self.read_only:  # shown and generated so, not kept
            self._grouping = group_by
            self.refresh_preview(attachment=True)
            return
        self._run(SetAttachmentGrouping(self.project, documents, group_by))

    # -- the documents -------------------------------------------------------------------------------------

    def _suggested(self, name: str) -> Path:
        from exports.saving import safe_file_name

        folder = self._folder or self.project.path.parent
        return folder / safe_file_name(name, ".docx", folder=folder)

    def _ask(self, kind: str, title: str, name: str, rounds=None, *, landscape: bool | None = None):
        """The dialog: (path, template, round) or None when the user cancelled; with ``landscape``
        (the default) the choice of a landscape table, kept in ``self.landscape[kind]``."""
        if landscape is not None:
            landscape = self.landscape.get(kind, landscape)
        dialog = DocumentDialog(title, self._suggested(name), self._templates.get(kind, ""), rounds, self,
                                landscape=landscape)
        if not dialog.exec():
            return None
        problem = dialog.problem()
        if problem:
            self.window.interaction.inform(problem)
            return None
        path, template, round_number = dialog.values()
        if landscape is not None:
            self.landscape[kind] = dialog.landscape.isChecked()
        self._folder = path.parent
        self._templates[kind] = str(template) if template else ""
        return path, template, round_number

    def _round_choices(self, everything: bool) -> list[tuple[str, object]]:
        choices = [(tr("全部轮次"), None)] if everything else []
        for rnd in reversed(self.project.rounds()):  # the newest first: the usual choice
            choices.append((rnd.label, rnd.number))
        return choices

    def _checked(self, document: str, round_number=None) -> bool:
        """The check before generating: what it finds is listed, and the drafter decides."""
        from exports.explanation import document_findings

        return go_ahead(self.window.interaction, document_findings(self.project, document, round_number=round_number))

    def generate_explanation(self):
        """Ask where to save (and a template), then write the explanation off the UI thread."""
        if self.project is None:
            return None
        self.flush()
        title = plain_title(self.project.plan().title) or self.project.path.stem
        chosen = self._ask("explanation", tr("生成起草说明"), f"{title}起草情况说明", landscape=False)
        if chosen is None:
            return None
        path, template, _ = chosen
        if not self._checked("explanation"):
            return None
        group_by, landscape = self._grouping, self.landscape.get("explanation", False)

        def write(project, target, report):
            from exports.explanation import write_explanation

            return write_explanation(project, target, group_by=group_by, template=template, progress=report,
                                     landscape=landscape)

        return self._start(tr("正在生成起草说明…"), path, write)

    def generate_table(self):
        if self.project is None:
            return None
        self.flush()
        title = plain_title(self.project.plan().title) or self.project.path.stem
        rounds = self._round_choices(everything=True) if len(self.project.rounds()) > 1 else None
        chosen = self._ask("adoption_table", tr("生成意见采纳情况表"), f"{title}意见采纳情况表", rounds,
                           landscape=True)
        if chosen is None:
            return None
        path, template, round_number = chosen
        if not self._checked("table", round_number):
            return None
        group_by, landscape = self._grouping, self.landscape.get("adoption_table", True)

        def write(project, target, report):
            from exports.adoption_table import write_adoption_table

            return write_adoption_table(project, target, group_by=group_by, round_number=round_number,
                                        template=template, progress=report, landscape=landscape)

        return self._start(tr("正在生成意见采纳情况表…"), path, write)

    def generate_letter(self):
        if self.project is None:
            return None
        self.flush()
        if not self.project.rounds():
            self.window.interaction.inform(tr("还没有征求意见轮次。请先在“单位与反馈”页的“征求轮次”中新建一轮。"))
            return None
        title = plain_title(self.project.plan().title) or self.project.path.stem
        chosen = self._ask("letter", tr("生成征求意见函"), f"关于征求《{title}》意见建议的函",
                           self._round_choices(everything=False))
        if chosen is None:
            return None
        path, template, round_number = chosen
        if not self._checked("letter", round_number):
            return None

        def write(project, target, report):
            from exports.letter import write_letter

            return write_letter(project, round_number, target, template=template, progress=report)

        return self._start(tr("正在生成征求意见函…"), path, write)

    def choose_answers_folder(self) -> Path | None:

        folder = self._folder or self.project.path.parent
        chosen = file_dialogs.getExistingDirectory(self, tr("各单位采纳情况反馈保存到"), str(folder))
        return Path(chosen) if chosen else None

    def generate_answers(self):
        """A reply to every unit that commented, one Word file each, into a chosen folder."""
        if self.project is None:
            return None
        self.flush()
        folder = self.choose_answers_folder()
        if folder is None:
            return None
        self._folder = folder
        if not self._checked("answers"):
            return None
        thank = self.window.interaction.choose(
            tr("表示无修改意见的单位："), [tr("不单独反馈"), tr("也致函感谢")]) == tr("也致函感谢")

        def write(project, target, report):
            from exports.answers import write_answers

            write_answers(project, target, thank_no_comments=thank,
                          progress=report)
            return target

        return self._start(tr("正在生成各单位采纳情况反馈…"), folder, write)

    def _pdf_copy(self, document: Path):
        """A PDF beside the document, made by LibreOffice off the UI thread."""
        from exports.pdf_copy import pdf_copy
        from ui.jobs import run_job

        def done(pdf: Path) -> None:
            self.last_pdf = pdf
            self.status.emit(tr("已生成 PDF 副本：{0}").format(pdf))

        job = run_job(self.window, tr("正在生成 PDF 副本…"), lambda progress: pdf_copy(document), on_done=done,
                      on_error=lambda error: self.window.interaction.inform(str(error)))
        self.window.jobs.append(job)
        self.last_job = job
        return job

    def _start(self, title: str, path: Path, write):
        """Run ``write(project, path, report)`` as a job on a read-only handle of the file."""
        from storage.numbering import fix_numbers
        from ui.jobs import run_job

        fix_numbers(self.project)  # the document goes out: its numbers are the comments' for good
        project_path = self.project.path

        def work(progress):
            from storage.project import Project

            with Project.open(project_path, read_only=True, backup=False) as project:
                return Path(write(project, path, progress))

        def done(result: Path) -> None:
            from exports.pdf_copy import converter

            self.last_output = result
            self.status.emit(tr("已生成：{0}").format(result))
            options = [tr("打开"), tr("打开所在文件夹")]
            if result.is_file() and converter():
                options.append(tr("另存 PDF 副本"))
            answer = self.window.interaction.choose(tr("已生成“{0}”。").format(result.name), options)
            if answer == tr("另存 PDF 副本"):
                self._pdf_copy(result)
            elif answer == tr("打开"):
                open_url(QUrl.fromLocalFile(str(result)))
            elif answer == tr("打开所在文件夹"):
                open_url(QUrl.fromLocalFile(str(result.parent)))

        def failed(error: BaseException) -> None:
            from storage.project import ProjectError

            if isinstance(error, (DocumentError, LedgerError, ProjectError)):
                self.window.interaction.inform(str(error))
            else:
                self.window.interaction.inform(tr("无法生成“{0}”：{1}").format(path.name, error))

        job = run_job(self.window, title, work, on_done=done, on_error=failed,
                      on_cancel=lambda: self.status.emit(tr("已取消生成。")))
        self.window.jobs.append(job)
        self.last_job = job
        return job

    # -- events ----------------------------------------------------------------------------------------------

    def hideEvent(self, event) -> None:
        self.flush()  # leaving the page keeps what was typed
        super().hideEvent(event)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        focus = self.focusWidget()
        if focus is None or not self.isAncestorOf(focus):
            self.section_list.setFocus()
