"""The log file and the last-resort error dialog: details to the file, a short sentence to the user."""
from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from typing import Callable

log = logging.getLogger("yijiantong")
LOG_NAME = "yijiantong.log"


def setup_logging(folder: Path) -> Path:
    """Log to ``folder/logs/yijiantong.log`` (rotated at 1 MB, five kept); return the file."""
    from logging.handlers import RotatingFileHandler  # not needed to put the window up

    folder = Path(folder) / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOG_NAME
    if not any(isinstance(h, RotatingFileHandler) and Path(h.baseFilename) == path for h in log.handlers):
        handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        log.addHandler(handler)
    log.setLevel(logging.INFO)
    return path


def install_excepthook(show: Callable[[str], None], folder: Path) -> None:
    """Unexpected errors: the traceback goes to the log in ``folder``, a short dialog to the user."""

    def hook(kind, value, tb):
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, tb)
            return
        from feedback.errors import UserError

        if issubclass(kind, UserError):  # a refusal that no page caught: its own sentence, nothing more
            log.info("refused: %s", value)
            show(str(value))
            return
        log_file = setup_logging(folder)
        log.error("未处理的错误\n%s", "".join(traceback.format_exception(kind, value, tb)))
        try:
            show(f"出现了意外错误：{value}\n\n所做的修改均已保存。详细信息已记录在日志文件：\n{log_file}")
        except Exception:  # the dialog itself failed; the log has it
            sys.__excepthook__(kind, value, tb)

    sys.excepthook = hook
