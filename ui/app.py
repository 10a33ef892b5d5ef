"""Starting the desktop app: ``run`` is what ``main.py`` calls.

With ``YIJIANTONG_QUIT_WHEN_SHOWN=1`` in the environment the app prints
``shown <milliseconds>`` as soon as its window is on screen, ``ready
<milliseconds>`` once the project is open in it, and quits;
``tests/benchmarks/bench_startup.py`` times start-up with it.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from ui.settings import APPLICATION, DISPLAY_NAME, ORGANIZATION, AppSettings, data_dir

QUIT_WHEN_SHOWN = "YIJIANTONG_QUIT_WHEN_SHOWN"
ICON = Path(__file__).resolve().parent.parent / "assets" / "yijiantong.png"
DESKTOP_ENTRY = "yijiantong"  # the installed yijiantong.desktop: the taskbar's icon and grouping
SCREENSHOT_SIZE = (1440, 900)


# What Qt's X11 window needs beside itself: (library, Debian package). Not every desktop has them all.
_X11_LIBRARIES = (("libxcb-cursor.so.0", "libxcb-cursor0"), ("libxcb-icccm.so.4", "libxcb-icccm4"),
                  ("libxcb-keysyms.so.1", "libxcb-keysyms1"), ("libxcb-image.so.0", "libxcb-image0"),
                  ("libxcb-render-util.so.0", "libxcb-render-util0"), ("libxcb-randr.so.0", "libxcb-randr0"),
                  ("libxcb-shape.so.0", "libxcb-shape0"), ("libxcb-xkb.so.1", "libxcb-xkb1"),
                  ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"))


def display_problem(environ=os.environ) -> str | None:
    """Why no window can be shown here (a sentence), or None when it can.

    Only Linux without a chosen Qt platform is checked: there a missing display or a
    missing X11 library would otherwise end the program with Qt's own abort.

    >>> display_problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    True
    """
    if not sys.platform.startswith("linux") or environ.get("QT_QPA_PLATFORM"):
        return None
    if environ.get("WAYLAND_DISPLAY"):
        return None
    import ctypes

    missing = []
    for library, package in _X11_LIBRARIES:
        try:
            ctypes.CDLL(library)
        except OSError:
            missing.append(package)
    libraries = f"缺少图形界面所需的系统库（可用 apt-get install {' '.join(missing)} 安装）" if missing else ""
    if not environ.get("DISPLAY"):  # the libraries named all the same: they are wanted once there is a display
        return "没有图形显示（未设置 DISPLAY）" + (f"，并且{libraries}" if libraries else "")
    return libraries or None


def _quiet_offscreen_warnings() -> None:
    """The offscreen platform warns about window hints it ignores; nobody can act on that."""
    from PySide6.QtCore import qInstallMessageHandler

    previous = None

    def handler(kind, context, message):
        if "propagateSizeHints" in message:
            return
        if previous is not None:
            previous(kind, context, message)
        else:
            print(message, file=sys.stderr)

    previous = qInstallMessageHandler(handler)


def utf8_locale(environ=os.environ) -> None:
    """Choose C.UTF-8 for characters when no UTF-8 locale is set (a bare environment, the packaged app):
    Qt would do the same, with a warning in English.

    >>> environ = {"LANG": "C"}; utf8_locale(environ); environ["LC_CTYPE"]
    'C.UTF-8'
    >>> environ = {"LANG": "zh_CN.UTF-8"}; utf8_locale(environ); "LC_CTYPE" in environ
    False
    """
    if not sys.platform.startswith("linux") or environ.get("LC_ALL"):
        return
    value = (environ.get("LC_CTYPE") or environ.get("LANG") or "C").lower()
    if "utf-8" not in value and "utf8" not in value:
        environ["LC_CTYPE"] = "C.UTF-8"


def _application() -> QApplication:
    if not QApplication.instance():
        utf8_locale()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(DISPLAY_NAME)
    app.setDesktopFileName(DESKTOP_ENTRY)
    if ICON.is_file():
        from PySide6.QtGui import QIcon

        app.setWindowIcon(QIcon(str(ICON)))
    return app


def translation_folders() -> list[str]:
    """Where Qt's own translations may be: Qt's configured folder, then the one bundled in PySide6."""
    from pathlib import Path

    import PySide6
    from PySide6.QtCore import QLibraryInfo

    bundled = Path(PySide6.__file__).parent
    folders = [QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
               str(bundled / "Qt" / "translations"), str(bundled / "translations")]
    return list(dict.fromkeys(f for f in folders if f and Path(f).is_dir()))


# Qt's own strings that its Chinese translation lacks (changed in newer Qt: the accelerators were added;
# the file dialog's 类型 column names folders and drives through QAbstractFileIconProvider, never translated).
QT_GAPS = {("QFileDialog", "&Look in:"): "查找范围(&L)：", ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
           ("QAbstractFileIconProvider", "Folder"): "文件夹", ("QAbstractFileIconProvider", "File Folder"): "文件夹",
           ("QAbstractFileIconProvider", "Drive"): "驱动器", ("QAbstractFileIconProvider", "File"): "文件",
           ("QAbstractFileIconProvider", "%1 File"): "%1 文件"}


def _gap_translator(app: QApplication):
    """A translator for ``QT_GAPS``, consulted after Qt's own."""
    from PySide6.QtCore import QTranslator

    class Gaps(QTranslator):
        def translate(self, context, source, disambiguation=None, n=-1):
            return QT_GAPS.get((context, source))  # None: not ours, the source text stands

        def isEmpty(self) -> bool:
            return False

    return Gaps(app)


def translate_qt(app: QApplication) -> bool:
    """Qt's own buttons, menus and dialogs in Chinese (qtbase_zh_CN.qm); dates and calendars too.

    Where the system's own file dialogs would speak another language, Qt's (translated) dialogs are
    used instead. True when the translation was found.
    """
    from PySide6.QtCore import QLocale, QTranslator, Qt

    chinese = QLocale(QLocale.Language.Chinese, QLocale.Country.China)
    QLocale.setDefault(chinese)
    if QLocale.system().language() != QLocale.Language.Chinese:
        app.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs, True)
    if getattr(app, "_qt_translator", None) is not None:
        return True
    for folder in translation_folders():
        translator = QTranslator(app)
        if translator.load("qtbase_zh_CN", folder):
            gaps = _gap_translator(app)
            app.installTranslator(gaps)
            app.installTranslator(translator)  # the last installed is asked first
            app._qt_translator = (translator, gaps)
            return True
    return False


def _dress(app: QApplication) -> None:
    from ui.style import STYLE_SHEET, choose_font

    choose_font(app)
    app.setStyleSheet(STYLE_SHEET)


def run(project_path: str | None, *, demo: bool, screenshot: str | None, page: str | None,
        read_only: bool = False, size: tuple[int, int] | None = None) -> int:
    """Open the app on the start page, on ``project_path``, or on the demo; return the exit status.

    With ``screenshot`` the window (on ``page``: one of ``ui.main_window.PAGES``
    or start) is saved as PNG once its layout has settled, and the app exits 0;
    ``size`` is the window's size in the picture (1440 × 900 when not given).
    """
    started = time.perf_counter()
    if page is not None:
        from ui.main_window import PAGES

        if page not in (*PAGES, "start"):
            print(f"错误：没有名为“{page}”的页面（可选：{'、'.join((*PAGES, 'start'))}）", file=sys.stderr)
            return 2
    # no screen to show a window on: open the project all the same and leave a picture of the window
    problem = None if screenshot or os.environ.get(QUIT_WHEN_SHOWN) else display_problem()
    if problem:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    if problem or screenshot:
        _quiet_offscreen_warnings()
    headless = bool(screenshot) or bool(problem) or bool(os.environ.get(QUIT_WHEN_SHOWN))
    if screenshot and sys.platform.startswith("linux") and not (
            os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = _application()
    _dress(app)

    from ui.main_window import MainWindow

    # the frame goes on screen first; pages, project code and the file follow in the first loop turn
    from ui.interaction import UnattendedInteraction

    window = MainWindow(AppSettings(), UnattendedInteraction() if headless else None,
                        remember_layout=not screenshot, defer=True)

    def finish() -> None:
        from ui.interaction import DialogInteraction
        from ui.logs import install_excepthook, setup_logging

        def show_error(message: str) -> None:
            if headless:
                print(message, file=sys.stderr)
            else:
                DialogInteraction(window).warn(message)

        install_excepthook(show_error, data_dir())
        setup_logging(data_dir())  # before the project opens: a file that cannot be opened is logged
        translate_qt(app)
        window.build()
        if demo:
            window.open_demo(read_only=read_only)
        elif project_path:
            window.open_project(project_path, read_only=read_only)
        if page == "start":
            window.show_start()
        elif page and window.project is not None:
            window.show_page(page)

    if problem:
        finish()
        failed = bool(demo or project_path) and window.project is None
        picture = data_dir() / "意见通窗口.png"
        status = _screenshot(app, window, str(picture))
        asked = "演示项目" if demo else f"“{project_path}”"
        opened = f"未能打开{asked}" if failed else f"已打开{asked}" if demo or project_path else "已显示起始页"
        print(f"{problem}，无法显示窗口：{opened}，窗口已保存为图片 {picture}。在桌面环境中运行同一命令即可打开窗口。")
        return 1 if failed else status
    if screenshot:
        finish()
        failed = bool(demo or project_path) and window.project is None
        status = _screenshot(app, window, screenshot, size)
        return 1 if failed else status
    if window.opens_maximised:
        window.showMaximized()
    else:
        window.show()
    timing = bool(os.environ.get(QUIT_WHEN_SHOWN))

    def first_turn() -> None:
        if timing:
            print(f"shown {(time.perf_counter() - started) * 1000:.0f}", flush=True)
        finish()
        if timing:
            QTimer.singleShot(0, ready)

    def ready() -> None:
        print(f"ready {(time.perf_counter() - started) * 1000:.0f}", flush=True)
        window.close()
        app.exit(0)

    QTimer.singleShot(0, first_turn)
    return app.exec()


def _screenshot(app: QApplication, window, path: str, size: tuple[int, int] | None = None) -> int:
    """Show the window at a fixed size, let layout and painting settle, save it as PNG."""
    window.resize(*(size or SCREENSHOT_SIZE))
    window.show()
    result = {"status": 1}

    def grab() -> None:
        app.processEvents()
        image = window.grab()
        result["status"] = 0 if image.save(path, "PNG") else 1
        if result["status"]:
            print(f"错误：无法保存截图“{path}”", file=sys.stderr)
        app.exit(result["status"])  # exit(), not quit(): no Quit event is left behind for a later loop

    QTimer.singleShot(400, grab)
    app.exec()
    quit_on_close = app.quitOnLastWindowClosed()
    app.setQuitOnLastWindowClosed(False)
    window.close()
    app.setQuitOnLastWindowClosed(quit_on_close)
    return result["status"]
