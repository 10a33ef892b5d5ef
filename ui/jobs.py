"""Long work off the UI thread, with a progress dialog that can cancel it.

A job is a plain function ``job(progress) -> result`` given a ``feedback.progress.Progress``
(the one protocol every long operation takes): its reports move the dialog's bar, and once
the user has cancelled the next report raises ``Cancelled``, which ends the job. It runs on
the global ``QThreadPool``, so it must not use the window's ``Project`` connection: open a
second handle (``Project.open(path, read_only=True)``) or work on the path.

    run_job(window, tr("正在导出…"), lambda progress: export(path, progress=progress),
            on_done=lambda result: window.statusBar().showMessage(str(result)))
"""
from __future__ import annotations

import logging
import threading
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from feedback.errors import Cancelled
from feedback.progress import Progress
from ui.text import tr

log = logging.getLogger("yijiantong")
_RUNNING: set["Job"] = set()  # a job without a parent widget lives until it finishes


class _Signals(QObject):
    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)


class _Runnable(QRunnable):
    def __init__(self, function: Callable[[Progress], Any], signals: _Signals, cancelled: threading.Event):
        super().__init__()
        self.function, self.signals, self.cancelled = function, signals, cancelled
        self.setAutoDelete(True)

    def _report(self, done: int, total: int) -> None:
        self.signals.progressed.emit(int(done), int(total))

    def run(self) -> None:
        try:
            result = self.function(Progress(self._report, self.cancelled.is_set))
        except Cancelled:
            self.cancelled.set()
            self.signals.succeeded.emit(None)
        except BaseException as error:  # reported on the UI thread, never lost
            log.error("job failed\n%s", traceback.format_exc())
            self.signals.failed.emit(error)
        else:
            self.signals.succeeded.emit(result)


class Job(QObject):
    """A running job: its progress dialog, its outcome callbacks, and ``cancel``."""

    finished = Signal()

    def __init__(self, parent: QWidget | None, title: str, function: Callable[[Progress], Any], *,
                 on_done: Callable[[Any], None] | None = None,
                 on_error: Callable[[BaseException], None] | None = None,
                 on_cancel: Callable[[], None] | None = None, minimum_duration_ms: int = 400):
        super().__init__(parent)
        self.on_done, self.on_error, self.on_cancel = on_done, on_error, on_cancel
        self.cancelled = threading.Event()
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None
        self.dialog = QProgressDialog(title, tr("取消"), 0, 0, parent)
        self.dialog.setWindowTitle(tr("意见通"))
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(minimum_duration_ms)
        self.dialog.setAutoReset(False)
        self.dialog.setAutoClose(False)
        self.dialog.setMinimumWidth(360)
        self.dialog.canceled.connect(self.cancel)
        self._signals = _Signals()
        self._signals.progressed.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self._signals.succeeded.connect(self._on_succeeded, Qt.ConnectionType.QueuedConnection)
        self._signals.failed.connect(self._on_failed, Qt.ConnectionType.QueuedConnection)
        self._runnable = _Runnable(function, self._signals, self.cancelled)

    def start(self) -> "Job":
        _RUNNING.add(self)
        QThreadPool.globalInstance().start(self._runnable)
        return self

    def cancel(self) -> None:
        """Ask the job to stop; it stops at its next progress report."""
        self.cancelled.set()
        self.dialog.setLabelText(tr("正在取消…"))

    def _on_progress(self, done: int, total: int) -> None:
        if total > 0 and self.dialog.maximum() != total:
            self.dialog.setMaximum(total)
        self.dialog.setValue(min(done, total) if total > 0 else 0)

    def _finish(self) -> None:
        self.done = True
        _RUNNING.discard(self)
        self.dialog.canceled.disconnect(self.cancel)
        self.dialog.close()
        self.dialog.deleteLater()
        self.finished.emit()

    def _on_succeeded(self, result: Any) -> None:
        self._finish()
        if self.cancelled.is_set():
            if self.on_cancel:
                self.on_cancel()
            return
        self.result = result
        if self.on_done:
            self.on_done(result)

    def _on_failed(self, error: BaseException) -> None:
        self._finish()
        self.error = error
        if self.on_error:
            self.on_error(error)
        else:
            raise error  # to the excepthook: logged, and shown as a dialog


def run_job(parent: QWidget | None, title: str, function: Callable[[Progress], Any], **callbacks) -> Job:
    """Start ``function`` off the UI thread with a cancellable progress dialog; see ``Job``."""
    return Job(parent, title, function, **callbacks).start()
