"""Writing an output file whole or not at all, with one Chinese sentence when it cannot be done."""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Callable

from feedback.errors import UserError
from storage.faults import os_reason


class DocumentError(UserError):
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


# -- file names made from user data ------------------------------------------------------------------

_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$", re.IGNORECASE)
MAX_NAME_CHARS = 80        # a name people can read in a file list, well within 255 on every system
MAX_NAME_BYTES = 240       # ext4 and others count UTF-8 bytes (a Chinese character is three)
MAX_PATH_CHARS = 250       # Windows' classic limit on a whole path (260), with room to spare


def safe_file_name(name: str, suffix: str = "", *, folder=None, taken: set[str] | None = None,
                   fallback: str = "未命名") -> str:
    """A file name made from user text that every system accepts, unique within ``taken``.

    ``/ \\ : * ? " < > |`` and control characters become ``_``; Windows' reserved device names
    (``CON``, ``NUL``, ``COM1``…) get ``_`` added; trailing dots and spaces go; the name is cut to
    fit 80 characters, 240 UTF-8 bytes and (with ``folder``) a 250-character path; a name
    already in ``taken`` (compared ignoring case, as Windows does) gets ``（2）``, ``（3）``….
    The name chosen is added to ``taken``.

    >>> taken = set()
    >>> safe_file_name('办公室/综合科', '.xlsx', taken=taken), safe_file_name('办公室\\\\综合科', '.xlsx', taken=taken)
    ('办公室_综合科.xlsx', '办公室_综合科（2）.xlsx')
    >>> safe_file_name('CON', '.xlsx'), safe_file_name('nul.txt'), safe_file_name(' 市局. ', '.docx')
    ('CON_.xlsx', 'nul_.txt', '市局.docx')
    >>> len(safe_file_name('某' * 300, '.xlsx'))  # 78 characters: 234 bytes and the suffix
    83
    """
    stem = _UNSAFE_IN_NAME.sub("_", name or "").strip().rstrip(". ").strip() or fallback
    reserved = _RESERVED.match(stem)
    if reserved:
        stem = reserved.group(1) + "_" + (reserved.group(2) or "")
    limit = MAX_NAME_CHARS
    if folder is not None:
        limit = max(8, min(limit, MAX_PATH_CHARS - len(str(Path(folder).resolve())) - 1 - len(suffix) - 4))
    keys = {t.casefold() for t in taken} if taken is not None else set()
    number = 1
    while True:
        tail = f"（{number}）" if number > 1 else ""
        cut = stem[:max(1, limit - len(tail))]
        while len((cut + tail + suffix).encode("utf-8")) > MAX_NAME_BYTES:
            cut = cut[:-1]
        candidate = cut.rstrip(". ") + tail + suffix
        if candidate.casefold() not in keys:
            break
        number += 1
    if taken is not None:
        taken.add(candidate)
    return candidate
