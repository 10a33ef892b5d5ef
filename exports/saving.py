"""Writing an output file whole or not at all, with one Chinese sentence when it cannot be done."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable

from storage.paths import os_reason


class DocumentError(Exception):
    """A document that cannot be written; the message is one Chinese sentence naming the file."""


def _file_mode(path: Path) -> int:
    """The mode a new file gets here (a replaced file keeps its own): not the temporary file's 0600."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


# the program a drafter most likely has the file open in, by suffix
_EDITORS = {".docx": "Word 或 WPS", ".xlsx": "Excel 或 WPS"}


def atomic_save(path, write: Callable[[str], None], *, suffix: str = ".docx") -> Path:
    """Call ``write(temporary_path)`` and move the result onto ``path`` only when it succeeded.

    An exception from ``write`` (a cancelled export, say) leaves ``path`` as it was.
    """
    path = Path(path)
    if path.suffix.lower() != suffix:
        raise DocumentError(f"“{path.name}”须以 {suffix} 结尾。")
    if not path.parent.is_dir():
        raise DocumentError(f"无法保存“{path.name}”：文件夹“{path.parent}”不存在。")
    try:
        handle, temporary = tempfile.mkstemp(suffix=suffix, prefix=".保存中-", dir=path.parent)
    except OSError as error:
        raise DocumentError(f"无法保存“{path.name}”：{os_reason(error)}。") from error
    os.close(handle)
    try:
        write(temporary)
        os.chmod(temporary, _file_mode(path))
        os.replace(temporary, path)
    except PermissionError as error:
        raise DocumentError(f"无法保存“{path.name}”：文件可能正在 {_EDITORS.get(suffix, '其他程序')} 中打开，"
                            "请关闭后重试。") from error
    except OSError as error:
        raise DocumentError(f"无法保存“{path.name}”：{os_reason(error)}。") from error
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return path
