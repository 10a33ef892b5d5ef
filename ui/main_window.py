"""The main window: start page, ledger, units and rounds, statistics; menus, undo, opening files.

The window is made in two steps so that it is on screen at once: the frame
(``MainWindow(defer=True)``, Qt only), then ``build()`` with the pages, the
project file code and the menus, in the first turn of the event loop.
"""
from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (QApplication, QCheckBox, QDialog, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QMainWindow, QStackedWidget, QToolBar, QVBoxLayout, QWidget)

from ui.interaction import DialogInteraction
from ui.settings import DISPLAY_NAME, AppSettings, data_dir
from ui.text import tr
from ui.widgets import dialog_buttons, file_dialogs

if TYPE_CHECKING:  # the domain is imported after the window is on screen
    from feedback.ledger import Change

log = logging.getLogger("yijiantong")
# Pages built on first use: name → (module, class, menu label). Each page has set_project(project),
# refresh(), a `status` signal, and optionally apply_change(change) for changes while it is in view.
LAZY_PAGES = {
    "units": ("ui.units_page", "UnitsPage", "单位与反馈"),
    "statistics": ("ui.statistics_page", "StatisticsPage", "统计分析"),
    "versions": ("ui.versions_page", "VersionsPage", "版本对照"),
    "explanation": ("ui.explanation_page", "ExplanationPage", "起草说明"),
}
PAGES = ("ledger", *LAZY_PAGES)
DEMO_FILE = "演示项目-汉中市提高教育质量三年行动计划.yjt"
# Alt+1…4 as the bare keys on the table; Alt+5 (and Alt+0) for 待处理.
_ALT_KEYS = {"adopted": ("Alt+1",), "partly": ("Alt+2",), "rejected": ("Alt+3",), "in_work": ("Alt+4",),
             "pending": ("Alt+5", "Alt+0")}


def _storage():
    """The project file module, imported when first needed (it is not needed to show the window)."""
    from storage import project

    return project


PREFERRED_SIZE = (1440, 900)
_FRAME = (16, 40)  # room left for the window's frame and title bar


def fitted_size(width: int, height: int) -> tuple[int, int]:
    """The window's first size on a screen whose free area is ``width`` × ``height``: most of a large
    screen; on one smaller than ``PREFERRED_SIZE`` all of it (and the window opens maximised).

    >>> fitted_size(1920, 1040), fitted_size(1366, 728)
    ((1728, 936), (1350, 688))
    """
    return (min(width - _FRAME[0], max(PREFERRED_SIZE[0], width * 9 // 10)),
            min(height - _FRAME[1], max(PREFERRED_SIZE[1], height * 9 // 10)))


def demo_path() -> Path:
    return data_dir() / DEMO_FILE


def build_demo(path: Path) -> None:
    """Write the bundled demo consultation to ``path`` (replacing a broken one)."""
    from storage.demo import build_demo_project

    path.parent.mkdir(parents=True, exist_ok=True)
    build_demo_project(path).close()


def project_summary(path: Path) -> tuple[str, str] | None:
    """(the project's title, ``64个单位、32条意见（待处理3条）``); None when the file cannot be read."""
    storage = _storage()
    if not path.is_file():
        return None
    try:
        with storage.Project.open(path, read_only=True, backup=False) as project:
            from feedback.vocabulary import Disposition

            title = project.plan().display_short_name
            units, comments = len(project.units()), project.count_comments()
            pending = project.count_comments(disposition=Disposition.PENDING)
    except Exception:  # noqa: BLE001 - a file that cannot be read (locked, damaged, newer) shows no counts
        return None
    return title, (tr("{0}个单位、{1}条意见").format(units, comments)
                   + (tr("（待处理{0}条）").format(pending) if pending else ""))


class SettingsDialog(QDialog):
    """The handler's name and the list of recent files."""

    def __init__(self, settings: AppSettings, parent=None):
        super().__init__(parent)
        self.setWindowTitle(tr("设置"))
        self.settings = settings
        self.handler = QLineEdit(settings.handler)
        self.handler.setPlaceholderText(tr("处理意见时记录的经办人"))
        self.clear_recent = QCheckBox(tr("清空“最近打开”列表"))  # done on 保存, so 取消 leaves everything as it was
        form = QFormLayout()
        form.addRow(tr("经办人姓名"), self.handler)
        form.addRow("", self.clear_recent)
        buttons = dialog_buttons(self, tr("保存"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(420, 0)

    def accept(self) -> None:
        self.settings.handler = self.handler.text()
        self.settings.handler_asked = True
        if self.clear_recent.isChecked():
            self.settings.clear_recent()
        super().accept()


class MainWindow(QMainWindow):
    """One window, one project at a time; every edit is in the file the moment it is made."""

    def __init__(self, settings: AppSettings | None = None, interaction=None, *, remember_layout: bool = True,
                 defer: bool = False):
        super().__init__()
        self.remember_layout = remember_layout
        self.settings = settings or AppSettings()
        self.interaction = interaction or DialogInteraction(self)
        self.project = None
        self.built = False
        self.setWindowTitle(DISPLAY_NAME)
        self.opens_maximised = self._fit_to_screen()
        # centred by stretches: the frame touches no Qt enum, whose first use costs start-up time
        label = QLabel(tr("正在启动…"))
        label.setStyleSheet("color: #6b7280; font-size: 12pt;")
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(label)
        row.addStretch(1)
        waiting = QWidget()
        column = QVBoxLayout(waiting)
        column.addStretch(1)
        column.addLayout(row)
        column.addStretch(1)
        self.setCentralWidget(waiting)
        if not defer:
            self.build()

    def _screen_key(self, key: str) -> str:
        """``key`` for the screen the window is on: a layout made on a large monitor does not land on a laptop."""
        screen = self.screen()
        size = screen.size() if screen is not None else None
        return f"{key}@{size.width()}x{size.height()}" if size is not None else key

    def _fit_to_screen(self) -> bool:
        """Size the window as it was last on this screen, or to the screen's free area; True: open maximised."""
        screen = self.screen()
        area = screen.availableGeometry() if screen is not None else None
        saved = self.settings.layout(self._screen_key("geometry")) if self.remember_layout else None
        if saved is not None and self.restoreGeometry(saved) and (area is None or area.contains(self.geometry())):
            return self.isMaximized()
        if area is None:
            self.resize(*PREFERRED_SIZE)
            return False
        width, height = fitted_size(area.width(), area.height())
        self.setGeometry(area.x() + (area.width() - width) // 2, area.y() + (area.height() - height) // 2,
                         width, height)
        return width < PREFERRED_SIZE[0] or height < PREFERRED_SIZE[1]

    def build(self) -> None:
        """Everything but the frame: pages, actions, menus, the undo stack."""
        if self.built:
            return
        from ui.ledger_page import LedgerPage
        from ui.start_page import StartPage
        from ui.undo import UndoBridge

        self.built = True
        self.bridge = UndoBridge(self.interaction, self)
        self.bridge.changed.connect(self.announce)
        self._handler_asked = False
        self._stale: set[str] = set()
        self.jobs = []

        self.start_page = StartPage()
        self.start_page.new_requested.connect(self.new_from_draft)
        self.start_page.open_requested.connect(self.open_dialog)
        self.start_page.demo_requested.connect(self.open_demo)
        self.start_page.recent_chosen.connect(self.open_project)
        self.ledger = LedgerPage(self)
        self.ledger.status.connect(self.show_message)
        self.pages: dict[str, QWidget | None] = {"ledger": self.ledger, **dict.fromkeys(LAZY_PAGES)}
        self.page_stack = QStackedWidget()
        self.page_stack.addWidget(self.ledger)
        self._placeholders = {}
        for name in LAZY_PAGES:
            placeholder = QWidget()
            self._placeholders[name] = placeholder
            self.page_stack.addWidget(placeholder)
        self.central = QStackedWidget()
        self.central.addWidget(self.start_page)
        self.central.addWidget(self.page_stack)
        self.setCentralWidget(self.central)

        self._make_actions()
        self._make_menus()
        self._make_toolbar()
        self.project_label = QLabel()
        self.statusBar().addPermanentWidget(self.project_label)
        self._restore_layout()
        self.show_start()

    # -- actions and menus ------------------------------------------------------------------

    def _action(self, text: str, slot, shortcut=None, *, tip: str = "") -> QAction:
        action = QAction(text, self)
        action.triggered.connect(lambda checked=False: slot())
        if shortcut:
            shortcuts = shortcut if isinstance(shortcut, (list, tuple)) else [shortcut]
            action.setShortcuts([QKeySequence(s) for s in shortcuts])
        if tip:
            action.setStatusTip(tip)
        self.addAction(action)
        return action

    def _make_actions(self) -> None:
        from PySide6.QtCore import Qt

        self.new_action = self._action(tr("从草案新建项目…"), self.new_from_draft, "Ctrl+N")
        self.open_action = self._action(tr("打开项目…"), self.open_dialog, QKeySequence.StandardKey.Open)
        self.demo_action = self._action(tr("打开演示项目"), self.open_demo)
        self.restore_action = self._action(tr("恢复备份…"), self.restore_backup)
        self.save_copy_action = self._action(tr("另存副本…"), self.save_copy, "Ctrl+Shift+S",
                                             tip=tr("把项目的完整副本另存为一个文件（例如备份到U盘或发给同事）"))
        self.close_action = self._action(tr("关闭项目"), self.close_project_to_start, "Ctrl+W")
        self.quit_action = self._action(tr("退出"), self.close, "Ctrl+Q")
        self.undo_action = self.bridge.stack.createUndoAction(self, tr("撤销"))
        self.undo_action.setShortcuts([QKeySequence("Ctrl+Z")])
        self.redo_action = self.bridge.stack.createRedoAction(self, tr("重做"))
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.addAction(self.undo_action)
        self.addAction(self.redo_action)
        self.find_action = self._action(tr("查找"), self.focus_search, QKeySequence.StandardKey.Find)
        self.save_next_action = self._action(tr("保存处理并转到下一条待处理"), self.ledger.save_and_next,
                                             ["Ctrl+Return", "Ctrl+Enter"])
        self.next_action = self._action(tr("下一条意见"), lambda: self.ledger.move(1), "Alt+Down")
        self.previous_action = self._action(tr("上一条意见"), lambda: self.ledger.move(-1), "Alt+Up")
        self.disposition_actions = []
        from feedback.vocabulary import Disposition
        from ui.comment_panel import DISPOSITION_KEYS

        for disposition in (Disposition.ADOPTED, Disposition.PARTLY_ADOPTED, Disposition.REJECTED,
                            Disposition.IN_WORK, Disposition.PENDING):
            action = self._action(tr("设为“{0}”").format(disposition.label),
                                  lambda d=disposition: self.ledger.set_disposition(d), _ALT_KEYS[disposition.value])
            action.setToolTip(tr("表格中也可直接按 {0}").format(DISPOSITION_KEYS[disposition]))
            self.disposition_actions.append(action)
        self.enter_action = self._action(tr("录入意见…"), self.enter_comments, "Ctrl+I")
        self.edit_comment_action = self._action(tr("修改意见内容…"), self.ledger.edit_comment, "F2")
        self.delete_comment_action = QAction(tr("删除意见"), self)
        self.delete_comment_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.delete_comment_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)  # the table's own key
        self.delete_comment_action.triggered.connect(lambda: self.ledger.delete_comment())
        self.ledger.table.addAction(self.delete_comment_action)
        self.settings_action = self._action(tr("设置…"), self.edit_settings)
        self.log_action = self._action(tr("打开日志文件夹"), self.open_log_folder)
        self.about_action = self._action(tr("关于意见通"), self.about)
        self.help_action = self._action(tr("快捷键与工作流程"), self.show_help, QKeySequence.StandardKey.HelpContents)
        self.page_actions = {}
        group = QActionGroup(self)
        labels = [("ledger", tr("意见台账"))] + [(name, tr(label)) for name, (_, _, label) in LAZY_PAGES.items()]
        for index, (name, text) in enumerate(labels):
            action = self._action(text, lambda n=name: self.show_page(n), f"Ctrl+{index + 1}")
            action.setCheckable(True)
            group.addAction(action)
            self.page_actions[name] = action
        self.project_actions = [self.restore_action, self.save_copy_action, self.close_action, self.find_action,
                                self.save_next_action, self.next_action, self.previous_action, self.enter_action,
                                self.edit_comment_action, self.delete_comment_action, *self.disposition_actions,
                                *self.page_actions.values()]
        self.edit_actions = [self.restore_action, self.save_next_action, self.enter_action,
                             self.edit_comment_action, self.delete_comment_action, *self.disposition_actions]
        from ui.sheets import SheetActions

        self.sheets = SheetActions(self)  # the 表格 menu: forms out and back, the ledger workbook, public comments
        self.project_actions += self.sheets.project_actions
        self.edit_actions += self.sheets.edit_actions

    def _make_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(tr("文件(&F)"))
        file_menu.addAction(self.new_action)
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu(tr("最近打开"))
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addAction(self.demo_action)
        file_menu.addSeparator()
        file_menu.addAction(self.save_copy_action)
        file_menu.addAction(self.restore_action)
        file_menu.addAction(self.close_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = bar.addMenu(tr("编辑(&E)"))
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.find_action)
        edit_menu.addAction(self.enter_action)
        edit_menu.addAction(self.edit_comment_action)
        edit_menu.addAction(self.delete_comment_action)
        decide_menu = bar.addMenu(tr("处理(&D)"))
        for action in self.disposition_actions:
            decide_menu.addAction(action)
        decide_menu.addSeparator()
        decide_menu.addAction(self.save_next_action)
        decide_menu.addAction(self.next_action)
        decide_menu.addAction(self.previous_action)
        self.sheets.fill_menu(bar.addMenu(tr("表格(&S)")))
        view_menu = bar.addMenu(tr("视图(&V)"))
        for action in self.page_actions.values():
            view_menu.addAction(action)
        tools_menu = bar.addMenu(tr("工具(&T)"))
        tools_menu.addAction(self.settings_action)
        tools_menu.addAction(self.log_action)
        help_menu = bar.addMenu(tr("帮助(&H)"))
        help_menu.addAction(self.help_action)
        help_menu.addSeparator()
        help_menu.addAction(self.about_action)

    def _make_toolbar(self) -> None:
        from PySide6.QtCore import Qt

        toolbar = QToolBar(tr("页面"))
        toolbar.setObjectName("pages")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in self.page_actions.values():
            toolbar.addAction(action)
        spacer = QWidget()
        spacer.setSizePolicy(spacer.sizePolicy().horizontalPolicy().Expanding,
                             spacer.sizePolicy().verticalPolicy().Preferred)
        toolbar.addWidget(spacer)
        toolbar.addAction(self.enter_action)
        toolbar.addSeparator()
        toolbar.addAction(self.undo_action)
        toolbar.addAction(self.redo_action)
        self.addToolBar(toolbar)
        self.toolbar = toolbar

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for path in self.settings.recent_files():
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda checked=False, p=path: self.open_project(p))
        if not self.recent_menu.actions():
            self.recent_menu.addAction(tr("（无）")).setEnabled(False)

    # -- pages ------------------------------------------------------------------------------------

    def show_start(self) -> None:
        self.start_page.set_recent(self.settings.recent_files())
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, self._summarise_start)  # after the page is drawn, and only if it still is
        self.central.setCurrentWidget(self.start_page)
        self.toolbar.setVisible(False)  # its pages and undo belong to an open project
        self._update_state()
        self.project_label.setVisible(False)

    def _summarise_start(self) -> None:
        """The start page's counts, read from the files as they are now."""
        if self.current_page() != "start":
            return
        paths = self.settings.recent_files()
        summaries = {p: summary for p in paths if (summary := project_summary(Path(p)))}
        self.start_page.set_recent(paths, summaries)
        demo = project_summary(demo_path())
        if demo:
            self.start_page.set_demo_summary(demo[1])

    def page(self, name: str) -> QWidget:
        """The page, built on first use (the statistics page is not built until shown)."""
        widget = self.pages[name]
        if widget is None:
            import importlib

            module, class_name, _ = LAZY_PAGES[name]
            widget = getattr(importlib.import_module(module), class_name)(self)
            widget.status.connect(self.show_message)
            placeholder = self._placeholders.pop(name)
            index = self.page_stack.indexOf(placeholder)
            self.page_stack.insertWidget(index, widget)
            self.page_stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self.pages[name] = widget
            widget.set_project(self.project)
            self._stale.discard(name)
        return widget

    def show_page(self, name: str) -> None:
        if self.project is None:
            self.show_start()
            return
        if name != "ledger" and not self.ledger.leave_comment():
            current = self.current_page()  # the tab clicked stays unchecked: the page in view keeps its tab
            if current in self.page_actions:
                self.page_actions[current].setChecked(True)
            return
        widget = self.page(name)
        if name in self._stale:
            self._stale.discard(name)
            widget.refresh()
        self.central.setCurrentWidget(self.page_stack)
        self.page_stack.setCurrentWidget(widget)
        self.page_actions[name].setChecked(True)
        self.toolbar.setVisible(True)
        self.project_label.setVisible(True)

    def current_page(self) -> str:
        if self.central.currentWidget() is self.start_page:
            return "start"
        return next(name for name, widget in self.pages.items() if widget is self.page_stack.currentWidget())

    # -- projects ---------------------------------------------------------------------------------

    def open_project(self, path, read_only: bool = False) -> bool:
        """Open a project file; a file open elsewhere is offered read-only. True when opened."""
        path = Path(path)
        if self.project is not None and self.project.path.resolve() == path.resolve():
            self.show_page("ledger")
            return True
        if not self.close_project():
            return False
        storage = _storage()
        try:
            try:
                project = storage.Project.open(path, read_only=read_only)
            except (storage.ProjectLockedError, storage.ProjectReadOnlyError) as error:
                answer = self.interaction.choose(
                    tr("{0}\n\n以只读方式打开可以查看和统计，但不能修改。").format(error),
                    [tr("以只读方式打开"), tr("取消")])
                if answer != tr("以只读方式打开"):
                    return False
                project = storage.Project.open(path, read_only=True)
        except storage.ProjectError as error:
            log.info("cannot open %s: %s", path, error, exc_info=True)  # the cause: what the sentence calls 详情
            self.interaction.inform(str(error))
            if not path.exists():
                self.settings.remove_recent(path)
                self.start_page.set_recent(self.settings.recent_files())
            return False
        if project.damage:  # a damaged file: restoring a backup is the way out
            project.close()
            if self.interaction.choose(project.damage, [tr("恢复备份"), tr("取消")]) == tr("恢复备份"):
                self.restore_backup(path)
            return self.project is not None
        self._set_project(project)
        for message in project.notices:
            self.interaction.inform(message)
        return True

    def _set_project(self, project) -> None:
        self.project = project
        self.bridge.clear()
        self.settings.add_recent(project.path)
        self.ledger.set_project(project)
        for name in LAZY_PAGES:
            if self.pages[name] is not None:
                self.pages[name].set_project(project)
        self._stale.clear()
        self.central.setCurrentWidget(self.page_stack)
        self.show_page("ledger")
        self.ledger.table.setFocus()  # keys 1–4, Alt+↑/↓ act on the comments at once, not typed into the search box
        self._update_state()
        log.info("opened %s%s", project.path, " read-only" if project.read_only else "")

    def close_project(self) -> bool:
        """Close the project (after saving an edited decision); False when the user stays."""
        if self.project is None:
            return True
        if not self.ledger.leave_comment():
            return False
        project, self.project = self.project, None
        self.bridge.clear()
        self.ledger.set_project(None)
        for name in LAZY_PAGES:
            if self.pages[name] is not None:
                self.pages[name].set_project(None)
        project.close()
        self._update_state()
        return True

    def close_project_to_start(self) -> None:
        if self.close_project():
            self.show_start()

    def _update_state(self) -> None:
        project = self.project
        read_only = bool(project and project.read_only)
        for action in self.project_actions:
            action.setEnabled(project is not None)
        for action in self.edit_actions:
            action.setEnabled(project is not None and not read_only)
        self.undo_action.setVisible(True)
        self.bridge.stack.setActive(not read_only)
        if project is None:
            self.setWindowTitle(DISPLAY_NAME)
            self.project_label.setText("")
            return
        name = project.plan().display_short_name or project.path.stem
        title = f"{name} — {DISPLAY_NAME}"
        if read_only:
            title = f"{name}（{tr('只读')}）— {DISPLAY_NAME}"
        self.setWindowTitle(title)
        self.project_label.setText((tr("只读　") if read_only else "") + project.path.name)
        self.project_label.setToolTip(str(project.path))
        self.project_label.setStyleSheet("color: #c62828; font-weight: bold;" if read_only else "color: #6b7280;")

    def open_dialog(self) -> None:
        folder = str(self.project.path.parent) if self.project else str(Path.home())
        path, _ = file_dialogs.getOpenFileName(self, tr("打开项目"), folder, tr("意见通项目 (*.yjt);;所有文件 (*)"))
        if path:
            self.open_project(path)

    def open_demo(self, read_only: bool = False) -> bool:
        path = demo_path()
        if not path.is_file():
            from PySide6.QtCore import Qt

            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                build_demo(path)
            finally:
                QApplication.restoreOverrideCursor()
        return self.open_project(path, read_only=read_only)

    def new_from_draft(self) -> None:
        """Choose a draft, read it off the UI thread, save it as a new project."""
        folder = str(self.project.path.parent) if self.project else str(Path.home())
        source, _ = file_dialogs.getOpenFileName(self, tr("选择征求意见稿"), folder,
                                                tr("草案 (*.docx *.txt *.pdf *.doc *.wps);;所有文件 (*)"))
        if source:
            self.import_draft(source)

    def import_draft(self, source, target=None, review=None):
        """Read ``source`` as a draft (in the background) and create a project from it at ``target``.

        The tree is shown to check and fix first (``review``; by default when no target was given).
        """
        from ui.jobs import run_job

        source = Path(source)

        def read(progress):
            from exports.draft_files import load_draft

            progress.step(0, 1)
            return load_draft(source, simplified=False)

        def done(draft):
            if review if review is not None else target is None:
                from ui.draft_preview import review_draft

                draft = review_draft(self, draft, source.name)
                if draft is None:
                    return
            chosen = target
            if chosen is None:
                suggestion = str(source.with_suffix(".yjt"))
                chosen, _ = file_dialogs.getSaveFileName(self, tr("保存项目"), suggestion,
                                                        tr("意见通项目 (*.yjt)"))
                if not chosen:
                    return
            chosen = Path(chosen if str(chosen).endswith(".yjt") else f"{chosen}.yjt")
            if not self.close_project():
                return
            storage = _storage()
            try:
                project = storage.Project.create(chosen, draft, source_file=source.name, overwrite=True)
            except storage.ProjectError as error:
                self.interaction.inform(str(error))
                return
            self._set_project(project)
            if draft.warnings:
                shown = "\n".join(f"· {w}" for w in draft.warnings[:12])
                more = tr("\n……共{0}处").format(len(draft.warnings)) if len(draft.warnings) > 12 else ""
                self.interaction.inform(tr("草案已导入，读取时做了以下处理：\n{0}{1}").format(shown, more))

        def failed(error):
            from feedback.errors import UserError

            self.interaction.inform(str(error) if isinstance(error, UserError)
                                    else tr("无法读取“{0}”：{1}").format(source.name, error))

        job = run_job(self, tr("正在读取草案“{0}”…").format(source.name), read, on_done=done, on_error=failed)
        self.jobs.append(job)
        return job

    def save_copy(self, target=None) -> bool:
        """文件 → 另存副本: a complete copy of the project, written while it stays open here."""
        if self.project is None:
            return False
        if target is None:
            suggestion = self.project.path.with_name(
                f"{self.project.path.stem}-副本-{datetime.now():%Y%m%d-%H%M}{self.project.path.suffix}")
            target, _ = file_dialogs.getSaveFileName(self, tr("另存副本"), str(suggestion), tr("意见通项目 (*.yjt)"))
            if not target:
                return False
        target = Path(target if str(target).lower().endswith(".yjt") else f"{target}.yjt")
        if not self.ledger.leave_comment():
            return False
        try:
            self.project.save_copy(target)
        except _storage().ProjectError as error:
            self.interaction.inform(str(error))
            return False
        self.show_message(tr("已另存副本：{0}").format(target))
        return True

    def show_help(self) -> None:
        from ui.help_dialog import HelpDialog

        HelpDialog(self).exec()

    def restore_backup(self, path: Path | None = None) -> None:
        """Choose one of the project's backups (time, size, counts) and put it in place."""
        from storage.backups import backup_infos, restore_backup

        if path is None:
            if self.project is None or self.project.read_only:
                return
            path = self.project.path
        infos = backup_infos(path)
        if not infos:
            self.interaction.inform(tr("这个项目还没有备份。"))
            return
        listing = "\n".join(f"{n}. {info.describe()}" for n, info in enumerate(infos, 1))
        labels = [tr("第{0}份").format(n) for n in range(1, len(infos) + 1)]
        choice = self.interaction.choose(
            tr("选择要恢复的备份（每次打开项目时自动备份，保留最近10份，第1份最新）：\n\n{0}").format(listing), labels)
        if choice is None:
            return
        info = infos[labels.index(choice)]
        backup = info.path
        if not self.interaction.confirm(
                tr("用 {0} 的备份替换当前内容吗？\n这一步不能撤销，撤销记录将清空；当前内容会先另存一份备份，"
                   "可再恢复。").format(info.describe())):
            return
        if not self.close_project():
            return
        try:
            restore_backup(path, backup)
        except Exception as error:  # noqa: BLE001 - reported, and the file is reopened either way
            log.exception("restore failed")
            self.interaction.inform(tr("恢复备份失败：{0}").format(error))
        if self.open_project(path):
            self.show_message(tr("已恢复 {0} 的备份；此前的撤销记录已清空。").format(info.when))

    # -- editing helpers ------------------------------------------------------------------------------

    def ensure_handler(self) -> str:
        """The handler's name; asked once when it was never given."""
        if not self.settings.handler and not self.settings.handler_asked and not self._handler_asked:
            self._handler_asked = True
            name = self.interaction.ask_text(
                tr("请输入您的姓名，处理意见时将记为经办人（以后可在“工具 › 设置”中修改）："), "")
            self.settings.handler_asked = True
            if name and name.strip():
                self.settings.handler = name.strip()
        return self.settings.handler

    def enter_comments(self):
        """Ctrl+I: 录入意见 over the page in view; from the ledger on its clause, back on the comments entered."""
        if self.project is None or self.project.read_only:
            return None
        if self.current_page() == "units":
            return self.page("units").enter_comments()
        from ui.comment_dialog import open_entry

        self.show_page("ledger")
        dialog = open_entry(self, self, clause_ref=self.ledger.current_clause_ref())
        if dialog is not None:
            dialog.accepted.connect(lambda: self.ledger.show_entered(dialog.change))
        return dialog

    def focus_search(self) -> None:
        if self.project is None:
            return
        self.show_page("ledger")
        self.ledger.focus_search()

    def edit_settings(self) -> None:
        dialog = SettingsDialog(self.settings, self)
        if dialog.exec():
            self.show_message(tr("设置已保存。"))

    def open_log_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(data_dir() / "logs")))

    def about(self) -> None:
        from feedback import __version__

        self.interaction.inform(tr("意见通 {version}\n征求意见稿的意见收集、逐条处理与起草说明生成。\n\n"
                                   "每一处修改都即时写入项目文件；每次打开项目时自动备份。").format(version=__version__))

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 6000)

    # -- after every change ---------------------------------------------------------------------------

    def announce(self, change: Change) -> None:
        """Pass a change to the pages that show it; pages not in view refresh when next shown."""
        self.ledger.apply_change(change)
        for name in LAZY_PAGES:
            widget = self.pages[name]
            if widget is None:
                continue
            if self.page_stack.currentWidget() is widget and self.central.currentWidget() is self.page_stack:
                if hasattr(widget, "apply_change"):
                    widget.apply_change(change)
                else:
                    widget.refresh()
            else:
                self._stale.add(name)
        if change.what in ("plan",):
            self._update_state()
        if change.message:
            self.show_message(change.message)

    # -- layout -----------------------------------------------------------------------------------------

    def _restore_layout(self) -> None:
        if not self.remember_layout:
            return
        state = self.settings.layout(self._screen_key("state"))
        if state is not None:
            self.restoreState(state)
        self.ledger.restore_state({key: self.settings.layout(self._screen_key(f"ledger_{key}"))
                                   for key in ("splitter", "right", "table")})

    def save_layout(self) -> None:
        if not self.remember_layout:
            return
        self.settings.set_layout(self._screen_key("geometry"), self.saveGeometry())
        if self.built:
            self.settings.set_layout(self._screen_key("state"), self.saveState())
            for key, value in self.ledger.state().items():
                self.settings.set_layout(self._screen_key(f"ledger_{key}"), value)
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.close_project():
            event.ignore()
            return
        self.save_layout()
        event.accept()
