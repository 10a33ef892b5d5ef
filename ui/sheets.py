"""Spreadsheets in the window: feedback forms out and back, the summary ledger, public comments.

``SheetActions`` owns the four menu commands (表格 menu). Long work runs through
``ui.jobs.run_job``; work that writes uses a second connection to the project
file (``Project.second_handle``) so the window keeps reading the file as it was
until the work commits, whole or not at all. Questions asked while a job runs
(replace a unit's earlier answers? is “汉中市体育局” the unit “市体育局”?) go to
the window's interaction on the UI thread, the job waiting for the answer.

File and folder choosers go through ``FileChooser``; tests put a scripted one
in its place, as they put ``ScriptedInteraction`` in place of the dialogs.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, Qt, QThread, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFormLayout,
                               QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from ui.style import ERROR, MUTED, set_role
from ui.text import tr
from ui.widgets import dialog_buttons, file_dialogs, fit_to_screen

PREVIEW_ROWS = 12
_FOLDER_BUTTON_MS = 30_000


# -- file choosers ---------------------------------------------------------------------------------


class FileChooser:
    """The file dialogs of the spreadsheet commands; each returns None (or []) when cancelled."""

    def __init__(self, parent: QWidget):
        self.parent = parent

    def folder(self, title: str, start: Path) -> Path | None:
        chosen = file_dialogs.getExistingDirectory(self.parent, title, str(start))
        return Path(chosen) if chosen else None

    def open_files(self, title: str, start: Path, filters: str) -> list[Path]:
        chosen, _ = file_dialogs.getOpenFileNames(self.parent, title, str(start), filters)
        return [Path(p) for p in chosen]

    def open_file(self, title: str, start: Path, filters: str) -> Path | None:
        chosen, _ = file_dialogs.getOpenFileName(self.parent, title, str(start), filters)
        return Path(chosen) if chosen else None

    def save_file(self, title: str, suggestion: Path, filters: str) -> Path | None:
        chosen, _ = file_dialogs.getSaveFileName(self.parent, title, str(suggestion), filters)
        return Path(chosen) if chosen else None


class OnUiThread(QObject):
    """Runs a function on the UI thread for a job on another thread and hands back its result.

    The job waits (a blocking queued call); on the UI thread itself the function simply runs.
    """

    _call = Signal(object)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._call.connect(self._run, Qt.ConnectionType.BlockingQueuedConnection)

    @staticmethod
    def _run(box: list) -> None:
        try:
            box.append((True, box[0]()))
        except BaseException as error:  # handed to the job, which reports it
            box.append((False, error))

    def __call__(self, function: Callable):
        if QThread.currentThread() == self.thread():
            return function()
        box: list = [function]
        self._call.emit(box)
        ok, value = box[1]
        if not ok:
            raise value
        return value


# -- what a collected file came to ----------------------------------------------------------------------

_RESULTS = {"imported": "已导入{0}条", "replaced": "已替换，现{0}条", "no_comments": "无意见",
            "unchanged": "未改动", "rejected": "已拒收", "declined": "未导入"}


def report_result(report) -> str:
    """The short result of one collected file (``exports.forms.FileReport``).

    >>> from exports.forms import FileReport
    >>> imported, rejected = FileReport("a.xlsx", "imported", "", comments=3), FileReport("b.xlsx", "rejected", "")
    >>> report_result(imported), report_result(rejected)
    ('已导入3条', '已拒收')
    """
    return tr(_RESULTS.get(report.status, report.status)).format(report.comments)


def report_reason(report) -> str:
    """The message of a report without the file name it starts with, then its notes.

    >>> from exports.forms import FileReport
    >>> report_reason(FileReport("汉台区.xlsx", "rejected",
    ...     "反馈表“汉台区.xlsx”被退回：工作表“反馈意见”第6行表头被改动（C6 应为“意见建议”）"))
    '工作表“反馈意见”第6行表头被改动（C6 应为“意见建议”）'
    >>> report_reason(FileReport("a.xlsx", "imported", "反馈表“a.xlsx”：已导入市财政局的1条意见", notes=["第9行未选择条款"]))
    '已导入市财政局的1条意见；第9行未选择条款'
    """
    prefix = re.compile(r"^(?:反馈表|无法读取)“" + re.escape(report.file) + r"”(?:被退回|未导入)?[：:]?")
    message = prefix.sub("", report.message, count=1)
    return "；".join(part for part in [message, *report.notes] if part)


class CollectReportDialog(QDialog):
    """One row per returned file: file, units, result (已导入N条 / 无意见 / 已拒收), reason with sheet and cell."""

    HEADERS = ("文件", "填报单位", "结果", "说明")

    def __init__(self, reports: Sequence, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(tr("收集反馈表的结果"))
        self.reports = list(reports)
        taken = [r for r in self.reports if r.taken]
        added = sum(r.comments for r in taken if r.status in ("imported", "replaced"))
        refused = len(self.reports) - len(taken)
        summary = tr("共{0}个文件：收取{1}个，导入意见{2}条").format(len(self.reports), len(taken), added)
        if refused:
            summary += tr("；{0}个未收取（未导入任何内容），请按“说明”修改后重新报送").format(refused)
        self.summary = QLabel(summary + tr("。"))
        self.summary.setWordWrap(True)
        set_role(self.summary, "heading")

        self.table = QTableWidget(len(self.reports), len(self.HEADERS))
        self.table.setHorizontalHeaderLabels([tr(h) for h in self.HEADERS])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(True)
        refused_brush, muted_brush, refused_row = QBrush(ERROR), QBrush(MUTED), QBrush(QColor("#fdecea"))
        for row, report in enumerate(self.reports):
            cells = [report.file, "、".join(report.units), report_result(report), report_reason(report)]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(report.message if column == 3 else text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                if not report.taken:
                    item.setBackground(refused_row)
                if column == 2:
                    if not report.taken:
                        item.setForeground(refused_brush)
                        font = item.font()
                        font.setBold(True)
                        item.setFont(font)
                    elif report.status == "unchanged":
                        item.setForeground(muted_brush)
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table.setColumnWidth(0, 200)
        self.table.setColumnWidth(1, 150)
        self.table.resizeColumnToContents(2)
        self.table.setColumnWidth(2, max(self.table.columnWidth(2) + 16, 90))
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a report to read: no cell cursor
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

        copy = QPushButton(tr("复制结果"))
        copy.setToolTip(tr("以文本复制全部结果，可粘贴到通知或表格中"))
        copy.clicked.connect(self.copy_text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("关闭"))
        buttons.rejected.connect(self.reject)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        fit_to_screen(self, 960, min(220 + 34 * len(self.reports), 640))

    def rows(self) -> list[list[str]]:
        """The table as text, row by row."""
        return [[self.table.item(r, c).text() for c in range(self.table.columnCount())]
                for r in range(self.table.rowCount())]

    def text(self) -> str:
        lines = [self.summary.text(), "\t".join(tr(h) for h in self.HEADERS)]
        return "\n".join(lines + ["\t".join(row) for row in self.rows()])

    def copy_text(self) -> None:
        QGuiApplication.clipboard().setText(self.text())


# -- the column mapping of a public consultation export ----------------------------------------------------


def _column_letter(index: int) -> str:
    """``0`` → ``A``, ``27`` → ``AB``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_choices(headers: Sequence[str]) -> list[tuple[str, str]]:
    """(label, mapping value) per column: the header, or the column letter where the header is blank or repeated.

    >>> column_choices(["序号", "", "内容", "内容"])
    [('A　序号', '序号'), ('B　（无表头）', 'B'), ('C　内容', '内容'), ('D　内容', 'D')]
    """
    seen: set[str] = set()
    choices = []
    for index, header in enumerate(headers):
        letter = _column_letter(index)
        name = re.sub(r"\s+", "", header or "")
        if name and name not in seen and not re.fullmatch(r"[A-Za-z]{1,2}", name):
            seen.add(name)
            choices.append((f"{letter}　{header}", header))
        else:
            choices.append((f"{letter}　{header or tr('（无表头）')}", letter))
    return choices


def used_width(headers: Sequence, rows: Sequence[Sequence], sample: int = 2000) -> int:
    """How many columns hold anything, in the header or the first ``sample`` rows (sheets come padded).

    >>> used_width(["序号", "内容", "", ""], [[1, "意见", None, ""], [2, "", "备注", None]])
    3
    """
    width = 0
    for row in [headers, *rows[:sample]]:
        for index in range(len(row) - 1, width - 1, -1):
            value = row[index]
            if value is not None and str(value).strip():
                width = index + 1
                break
    return width


NEW_ROUND = 0  # the round box's value for “a new online round”


class PublicMappingDialog(QDialog):
    """Which column holds what (意见内容, 提交人, 条款, 日期), with the first rows to see it by, and the round."""

    def __init__(self, table, guesses: dict[str, str], rounds: Sequence, parent: QWidget | None = None):
        from exports.public_comments import TABLE_ROLES as ROLES  # a table of decisions maps three more
        from feedback.vocabulary import RoundMethod

        super().__init__(parent)
        self.setWindowTitle(tr("导入公众意见：列的对应"))
        self.table = table
        width = used_width(table.headers, table.rows)
        self.choices = column_choices(table.headers[:width])
        intro = QLabel(tr("“{0}”共 {1} 行。请指明各列的内容（已按表头推测），下方预览前 {2} 行。").format(
            table.file, len(table.rows), min(PREVIEW_ROWS, len(table.rows))))
        intro.setWordWrap(True)
        form = QFormLayout()
        self.combos: dict[str, QComboBox] = {}
        for role, label in ROLES.items():
            combo = QComboBox()
            combo.addItem(tr("（选择意见内容所在的列）") if role == "text" else tr("（不导入）"), None)
            for text, value in self.choices:
                combo.addItem(text, value)
            guess = guesses.get(role)
            if guess is not None:
                combo.setCurrentIndex(max(0, combo.findData(guess)))
            combo.currentIndexChanged.connect(self._update)
            self.combos[role] = combo
            form.addRow(tr(label) + ("" if role != "text" else tr("（必选）")), combo)
        self.round_box = QComboBox()
        online = [r for r in rounds if r.method is RoundMethod.ONLINE]
        others = [r for r in rounds if r.method is not RoundMethod.ONLINE]
        if not online:
            self.round_box.addItem(tr("新建一轮（{0}）").format(RoundMethod.ONLINE.label), NEW_ROUND)
        for rnd in [*reversed(online), *others]:
            self.round_box.addItem(rnd.title, rnd.number)
        form.addRow(tr("记入轮次"), self.round_box)
        self.cue = QLabel()
        set_role(self.cue, "cue")

        self.preview = QTableWidget()
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.setWordWrap(False)
        self.preview.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        rows = table.rows[:PREVIEW_ROWS]
        self.preview.setRowCount(len(rows))
        self.preview.setColumnCount(width)
        self.preview.setVerticalHeaderLabels([str(n) for n in table.row_numbers[:PREVIEW_ROWS]])
        for r, row in enumerate(rows):
            for c in range(width):
                value = row[c] if c < len(row) else None
                text = "" if value is None else " ".join(str(value).split())
                item = QTableWidgetItem(text[:120])
                item.setToolTip(str(value)[:1000] if value is not None else "")
                self.preview.setItem(r, c, item)
        left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        self.preview.horizontalHeader().setDefaultAlignment(left)
        self.preview.horizontalHeader().setStretchLastSection(True)

        self.buttons = dialog_buttons(self, tr("导入"))
        top = QHBoxLayout()
        top.addLayout(form, 0)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.cue)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.buttons)
        fit_to_screen(self, 900, 600)
        self._update()

    def set_column(self, role: str, value: str | None) -> None:
        """Choose the column of ``role`` by its mapping value (header or letter); None for none."""
        combo = self.combos[role]
        combo.setCurrentIndex(max(0, combo.findData(value)))

    def mapping(self) -> dict[str, str]:
        return {role: combo.currentData() for role, combo in self.combos.items() if combo.currentData() is not None}

    def round_choice(self) -> tuple[int | None, bool]:
        """(round number, make a new online round)."""
        value = self.round_box.currentData()
        return (None, True) if value == NEW_ROUND else (value, False)

    def problem(self) -> str | None:
        mapping = self.mapping()
        if "text" not in mapping:
            return tr("请选择意见内容所在的列。")
        values = list(mapping.values())
        if len(set(values)) < len(values):
            return tr("同一列不能同时对应两项。")
        return None

    def _update(self) -> None:
        from exports.public_comments import TABLE_ROLES as ROLES

        problem = self.problem()
        self.cue.setText(problem or "")
        self.cue.setVisible(bool(problem))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(problem is None)
        by_value = {value: role for role, value in self.mapping().items()}
        highlight = QBrush(QColor("#e3eefa"))
        for c, (text, value) in enumerate(self.choices):
            role = by_value.get(value)
            label = text.split("　", 1)[1]
            header = QTableWidgetItem(f"{label}\n→ {tr(ROLES[role])}" if role else f"{label}\n")
            if role:
                font = header.font()
                font.setBold(True)
                header.setFont(font)
            self.preview.setHorizontalHeaderItem(c, header)
            for r in range(self.preview.rowCount()):
                item = self.preview.item(r, c)
                if item is not None:
                    item.setBackground(highlight if role else QBrush())
            if role == "text":
                self.preview.setColumnWidth(c, 320)
            else:
                self.preview.resizeColumnToContents(c)
                self.preview.setColumnWidth(c, min(self.preview.columnWidth(c) + 12, 200))

    def accept(self) -> None:
        if self.problem() is None:
            super().accept()


# -- the commands ----------------------------------------------------------------------------------------


class SheetActions(QObject):
    """The 表格 menu: 导出反馈表, 收集反馈表, 导入公众意见, 导出汇总表."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.files = FileChooser(window)
        self.on_ui_thread = OnUiThread(self)
        self.job = None  # the latest job, for the tests to wait on
        self.busy = False
        self.report_dialog: CollectReportDialog | None = None
        self.mapping_dialog: PublicMappingDialog | None = None
        self.last_output: Path | None = None
        self._disabled: list[QAction] = []
        self.export_forms_action = self._action(tr("导出反馈表…"), self.export_forms,
                                                tr("为各单位生成征求意见反馈表（.xlsx）"))
        self.collect_forms_action = self._action(tr("收集反馈表…"), self.collect_forms,
                                                 tr("读取各单位返回的反馈表，逐个文件检查后导入"))
        self.import_public_action = self._action(tr("导入公众意见…"), self.import_public,
                                                 tr("导入网站导出的公开征求意见（.xlsx/.csv），相同意见归为一组"))
        self.export_ledger_action = self._action(tr("导出汇总表…"), self.export_ledger,
                                                 tr("导出征求意见汇总处理表（.xlsx）"))
        # project_actions: need a project; edit_actions: also write to it (forms carry the project's key)
        self.project_actions = [self.export_forms_action, self.collect_forms_action, self.import_public_action,
                                self.export_ledger_action]
        self.edit_actions = [self.export_forms_action, self.collect_forms_action, self.import_public_action]
        self.folder_button = QPushButton(tr("打开所在文件夹"))
        self.folder_button.setFlat(True)
        self.folder_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.folder_button.setStyleSheet("color: #1f5fa8; padding: 0 8px;")
        self.folder_button.clicked.connect(self.open_output_folder)
        self.folder_button.hide()
        window.statusBar().insertPermanentWidget(0, self.folder_button)
        self._folder_timer = QTimer(self)
        self._folder_timer.setSingleShot(True)
        self._folder_timer.setInterval(_FOLDER_BUTTON_MS)
        self._folder_timer.timeout.connect(self.folder_button.hide)
        window.installEventFilter(self)

    def _action(self, text: str, slot, tip: str) -> QAction:
        action = QAction(text, self.window)
        action.setStatusTip(tip)
        action.triggered.connect(lambda checked=False: slot())
        return action

    def fill_menu(self, menu) -> None:
        menu.addAction(self.export_forms_action)
        menu.addAction(self.collect_forms_action)
        menu.addSeparator()
        menu.addAction(self.import_public_action)
        menu.addSeparator()
        menu.addAction(self.export_ledger_action)

    # -- shared steps ------------------------------------------------------------------------------------

    @property
    def project(self):
        return self.window.project

    @property
    def interaction(self):
        return self.window.interaction

    def _start_folder(self) -> Path:
        return self.project.path.parent if self.project is not None else Path.home()

    def _can_write(self) -> bool:
        project = self.project
        if project is None or project.read_only or self.busy:
            return False
        return self.window.ledger.leave_comment()  # a decision being typed is saved first

    def _form_rounds(self) -> list:
        """The rounds forms are for (written ones, else all), the default one first."""
        from exports.forms import default_round
        from feedback.vocabulary import RoundMethod

        rounds = self.project.rounds()
        if not rounds:
            return []
        written = [r for r in rounds if r.method is not RoundMethod.ONLINE] or rounds
        first = default_round(self.project)
        return sorted(written, key=lambda r: (r.number != first, -r.number))

    def _choose_round(self, question: str) -> int | None:
        rounds = self._form_rounds()
        if not rounds:
            self.interaction.inform(tr("项目中还没有征求意见轮次，请先在“单位与反馈”页建立一轮征求意见。"))
            return None
        if len(rounds) == 1:
            return rounds[0].number
        labels = [rnd.title + (tr("，{0}截止").format(rnd.deadline.isoformat()) if rnd.deadline else "")
                  for rnd in rounds]
        choice = self.interaction.choose(question, labels)
        return rounds[labels.index(choice)].number if choice in labels else None

    def _failed(self, what: str) -> Callable[[BaseException], None]:
        """A job's error as one sentence naming the file (the project is unchanged)."""
        from feedback.errors import UserError

        def report(error: BaseException) -> None:
            if isinstance(error, UserError):
                text = str(error)
            elif isinstance(error, OSError):
                text = tr("无法写入“{0}”：{1}").format(what, error.strerror or error)
            else:
                text = tr("“{0}”未完成：{1}").format(what, error)
            self.interaction.inform(" ".join(text.split()))

        return report

    def _show_output(self, message: str, folder: Path) -> None:
        """The status message, and a button to open the folder for a while."""
        self.last_output = folder
        self.window.show_message(message)
        self.folder_button.setToolTip(str(folder))
        self.folder_button.show()
        self._folder_timer.start()

    def open_output_folder(self) -> None:
        if self.last_output is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.last_output)))

    def _run(self, title: str, work, *, on_done, on_error, writes: bool):
        """Start ``work(progress)``; while work that writes runs, the window cannot edit or close."""
        from ui.jobs import run_job

        def finish(callback):
            def run(*args):
                if writes:
                    self._set_busy(False)
                if callback:
                    callback(*args)
            return run

        def cancelled():
            if writes:
                self._set_busy(False)
            self.window.show_message(tr("已取消，项目未作改动。") if writes else tr("已取消。"))

        if writes:
            self._set_busy(True)
        self.job = run_job(self.window, title, work, on_done=finish(on_done), on_error=finish(on_error),
                           on_cancel=cancelled)
        self.window.jobs.append(self.job)
        self.job.finished.connect(lambda job=self.job: job in self.window.jobs and self.window.jobs.remove(job))
        return self.job

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        if busy:
            self._disabled = [a for a in self.window.actions() + self.project_actions if a.isEnabled()]
            for action in self._disabled:
                action.setEnabled(False)
        else:
            for action in self._disabled:
                action.setEnabled(True)
            self._disabled = []

    def eventFilter(self, watched, event) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close and self.busy:
            event.ignore()  # the import writes through its own connection: the project stays open until it ends
            self.window.show_message(tr("正在导入，请等待完成或先取消。"))
            return True
        return super().eventFilter(watched, event)

    def _announce(self, before: set[int], after: set[int], message: str, *, replies: bool = False,
                  units: bool = False, rounds: bool = False) -> None:
        """Tell the pages what the work changed (comments that came or went, and the rest)."""
        from feedback.ledger import Change

        for what, flag in (("units", units), ("rounds", rounds), ("replies", replies)):
            if flag:
                self.window.announce(Change(what, (), ""))
        changed = tuple(sorted(after ^ before))
        if changed:
            self.window.announce(Change("comments", changed, message))
        elif message:
            self.window.show_message(message)

    # -- 导出反馈表 ----------------------------------------------------------------------------------------

    def export_forms(self) -> None:
        """Forms for every unit of a round, into a folder: one file each, or one workbook."""
        from exports.forms import form_units
        from feedback.ledger import LedgerError
        from storage.intake import form_keys

        if not self._can_write():
            return
        number = self._choose_round(tr("为哪一轮征求意见生成反馈表？"))
        if number is None:
            return
        count = len(form_units(self.project, number))
        each, single = tr("每个单位一个文件（{0}个单位，另附空白表）").format(count), tr("全部单位放在一个工作簿")
        shape = self.interaction.choose(tr("反馈表的形式："), [each, single])
        if shape is None:
            return
        changed_only = False
        version = self.project.rounds.version_for(number)
        if version > 1:  # a later round: the clause list may hold only what the draft changed
            from storage.versions import changed_refs

            whole = tr("第{0}稿的全部条款").format(version)
            changed = tr("只列第{0}稿修改和新增的条款（{1}条）").format(version, len(changed_refs(self.project, version)))
            scope = self.interaction.choose(tr("反馈表“条款”列表列出："), [whole, changed])
            if scope is None:
                return
            changed_only = scope == changed
        folder = self.files.folder(tr("选择保存反馈表的文件夹"), self._start_folder())
        if folder is None:
            return
        if any(folder.glob("*.xlsx")) and not self.interaction.confirm(
                tr("“{0}”中已有 .xlsx 文件，同名的反馈表将被替换。继续吗？").format(folder.name)):
            return
        try:
            form_keys(self.project)  # made once, on the window's connection: the job only reads
        except LedgerError as error:
            self.interaction.inform(str(error))
            return
        path = self.project.path

        def work(progress):
            from exports.forms import write_forms
            from storage.project import Project

            with Project.open(path, read_only=True, backup=False) as handle:
                return write_forms(handle, folder, round_number=number, single_workbook=shape == single,
                                   progress=progress, changed_only=changed_only)

        def done(files):
            self._show_output(tr("已生成{0}个反馈表文件，保存在“{1}”。").format(len(files), folder), folder)

        self._run(tr("正在生成第{0}轮的反馈表…").format(number), work, on_done=done,
                  on_error=self._failed(folder.name), writes=False)

    # -- 收集反馈表 ---------------------------------------------------------------------------------------

    def collect_forms(self) -> None:
        """Returned forms (files or a folder), checked one by one; then a report per file."""
        if not self._can_write():
            return
        files, folder = tr("选择文件…"), tr("选择整个文件夹…")
        how = self.interaction.choose(tr("收集反馈表：选择各单位返回的文件，或放着这些文件的文件夹。"), [files, folder])
        if how == files:
            paths = self.files.open_files(tr("选择返回的反馈表"), self._start_folder(),
                                          tr("反馈表 (*.xlsx *.xlsm);;所有文件 (*)"))
        elif how == folder:
            chosen = self.files.folder(tr("选择放着返回的反馈表的文件夹"), self._start_folder())
            paths = [chosen] if chosen else []
        else:
            return
        if paths:
            self.collect_paths(paths)

    def collect_paths(self, paths: Sequence) -> None:
        from exports.forms import form_files

        if not self._can_write():
            return
        found = form_files(paths)
        if not found:
            self.interaction.inform(tr("所选位置没有反馈表文件（.xlsx）。"))
            return
        number = self._choose_round(tr("收集哪一轮征求意见的反馈表？"))
        if number is None:
            return
        project = self.project
        ask = self.on_ui_thread
        interaction = self.interaction

        def confirm(question) -> bool:
            return bool(ask(lambda: interaction.confirm(str(question))))

        def choose(question: str, options: list[str]) -> int | None:
            none = tr("都不是")
            choice = ask(lambda: interaction.choose(question, [*options, none]))
            return options.index(choice) if choice in options else None

        def work(progress):
            from exports.forms import collect_forms
            from feedback.commands import RecordedAction
            from storage.journal import Journal

            def collect(handle):
                return collect_forms(handle, found, round_number=number, confirm=confirm, choose=choose,
                                     progress=progress)

            command = RecordedAction(project, tr("收集{0}个反馈表文件").format(len(found)), collect, Journal)
            handle = project.second_handle()
            try:
                before = set(handle.comment_ids())
                change = command.run_on(handle)
                return command, change, before, set(handle.comment_ids())
            finally:
                handle.close()

        def done(result):
            command, change, before, after = result
            reports = command.result
            if command.record.changes:
                self.window.bridge.push_done(command)  # the pages are told below
            taken = [r for r in reports if r.taken]
            added = sum(r.comments for r in taken if r.status in ("imported", "replaced"))
            message = tr("已收取{0}个反馈表文件，导入意见{1}条；{2}个未收取。").format(
                len(taken), added, len(reports) - len(taken))
            if taken:
                self._announce(before, after, message, replies=True)
            else:
                self.window.show_message(message)
            self.show_report(reports)

        self._run(tr("正在检查{0}个反馈表文件…").format(len(found)), work, on_done=done,
                  on_error=self._failed(tr("收集反馈表")), writes=True)

    def show_report(self, reports) -> CollectReportDialog:
        dialog = CollectReportDialog(reports, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.report_dialog = dialog
        dialog.destroyed.connect(lambda *_: setattr(self, "report_dialog", None))
        dialog.open()
        return dialog

    # -- 导出汇总表 --------------------------------------------------------------------------------------

    def export_ledger(self) -> None:
        """The 征求意见汇总处理表: the ledger's filtered view (in its order) or every comment."""
        project = self.project
        if project is None or self.busy:
            return
        model = self.window.ledger.model
        filters = dict(model.filters)
        order = model.order_sql()
        if filters:
            total = project.count_comments()
            view = tr("当前筛选出的{0}条（按台账中的顺序）").format(model.rowCount())
            everything = tr("全部{0}条").format(total)
            choice = self.interaction.choose(tr("导出哪些意见？"), [view, everything])
            if choice is None:
                return
            if choice == everything:
                filters, order = {}, "c.id"
        title = project.plan().title
        from exports.saving import safe_file_name

        suggestion = self._start_folder() / safe_file_name(f"{title}征求意见汇总处理表", ".xlsx",
                                                           folder=self._start_folder())
        out = self.files.save_file(tr("导出汇总表"), suggestion, tr("Excel 工作簿 (*.xlsx)"))
        if out is None:
            return
        if out.suffix.lower() != ".xlsx":
            out = out.with_name(out.name + ".xlsx")
        path = project.path

        def work(progress):
            from exports.ledger_xlsx import export_ledger
            from storage.project import Project

            with Project.open(path, read_only=True, backup=False) as handle:
                return export_ledger(handle, out, order=order, progress=progress, **filters)

        def done(count):
            self._show_output(tr("已导出{0}条意见到“{1}”。").format(count, out.name), out.parent)

        self._run(tr("正在导出汇总表…"), work, on_done=done, on_error=self._failed(out.name), writes=False)

    # -- 导入公众意见 -------------------------------------------------------------------------------------

    def import_public(self) -> None:
        """A website's export: choose the file, read it, then the column mapping dialog."""
        if not self._can_write():
            return
        path = self.files.open_file(tr("选择公开征求意见的导出表"), self._start_folder(),
                                    tr("表格 (*.xlsx *.xlsm *.csv *.txt *.tsv);;所有文件 (*)"))
        if path is not None:
            self.read_public(path)

    def read_public(self, path: Path) -> None:
        """Read the table off the UI thread, then offer the mapping."""
        path = Path(path)

        def work(progress):
            from exports.public_comments import read_public_table

            return read_public_table(path, progress=progress)

        self._run(tr("正在读取“{0}”…").format(path.name), work, on_done=lambda table: self.ask_mapping(path, table),
                  on_error=self._failed(path.name), writes=False)

    def ask_mapping(self, path: Path, table) -> PublicMappingDialog | None:
        from exports.public_comments import guess_mapping

        if self.project is None:
            return None
        dialog = PublicMappingDialog(table, guess_mapping(table.headers), self.project.rounds(), self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.import_mapped(path, dialog.mapping(), *dialog.round_choice(), table=table))
        self.mapping_dialog = dialog
        dialog.destroyed.connect(lambda *_: setattr(self, "mapping_dialog", None))
        dialog.open()
        return dialog

    def import_mapped(self, path: Path, mapping: dict[str, str], round_number: int | None,
                      new_round: bool, table=None) -> None:
        """Import with the chosen mapping; ``table`` (the one previewed) spares reading the file again."""
        if not self._can_write():
            return
        if {"unit", "disposition", "reason"} & set(mapping):
            from ui.comment_dialog import import_comment_table  # an existing table of comments and decisions

            import_comment_table(self.window, path, mapping, round_number)
            return
        project = self.project
        rounds_before = len(project.rounds())

        def work(progress):
            from exports.public_comments import import_public_comments
            from feedback.commands import RecordedAction
            from storage.journal import Journal

            def read(handle):
                return import_public_comments(handle, path if table is None else table, mapping,
                                              round_number=round_number, create_round=new_round, progress=progress)

            command = RecordedAction(project, tr("导入公众意见“{0}”").format(path.name), read, Journal)
            handle = project.second_handle()
            try:
                before = set(handle.comment_ids())
                command.run_on(handle)
                return command, before, set(handle.comment_ids())
            finally:
                handle.close()

        def done(result):
            command, before, after = result
            report = command.result
            if command.record.changes:
                self.window.bridge.push_done(command)  # the pages are told below
            if report.status == "unchanged":
                self.interaction.inform(tr("{0}。").format(report.message))
                return
            text = tr("“{0}”：{1}条网上意见，归并为{2}条意见，其中{3}组为相同或相近的意见（最多的一组{4}人次），"
                      "已记入第{5}轮。").format(report.file, report.submissions, report.comments,
                                          report.duplicate_groups, report.largest_group, report.round_number)
            if report.skipped_blank:
                text += tr("{0}行意见内容为空，已略过。").format(report.skipped_blank)
            if report.truncated:
                text += tr("{0}条意见过长，已截取前一万字。").format(report.truncated)
            self._announce(before, after, tr("已导入公众意见{0}条（{1}人次）。").format(
                report.comments, report.submissions), units=True, rounds=len(self.project.rounds()) != rounds_before)
            self.interaction.inform(text)

        self._run(tr("正在导入“{0}”并归并相同意见…").format(path.name), work, on_done=done,
                  on_error=self._failed(path.name), writes=True)
