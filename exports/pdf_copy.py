"""A PDF copy of a written document, made by LibreOffice when it is installed.

The copy goes beside the document with the same name and ``.pdf``; it is converted
in a private LibreOffice profile (an office the user has open would otherwise take the
job) from a copy with a plain name, and replaces an older copy only when it succeeded.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from exports import libreoffice
from exports.saving import DocumentError

PDF_TIMEOUT_SECONDS = 180


def converter() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    return libreoffice.program()


def pdf_copy(path) -> Path:
    """Write ``path`` (.docx or .xlsx) again as PDF beside it and return the PDF's path."""
    path = Path(path)
    if converter() is None:
        raise DocumentError(f"未安装 LibreOffice，无法为“{path.name}”生成 PDF 副本。")
    target = path.with_suffix(".pdf")
    with tempfile.TemporaryDirectory(prefix="pdf-copy-") as work_dir:
        try:
            converted = libreoffice.convert(path, "pdf", Path(work_dir), timeout=PDF_TIMEOUT_SECONDS)
        except libreoffice.ConversionError as error:
            if error.kind == "timeout":
                raise DocumentError(f"为“{path.name}”生成 PDF 副本超时（{PDF_TIMEOUT_SECONDS} 秒）。") from None
            raise DocumentError(f"无法启动 LibreOffice 为“{path.name}”生成 PDF 副本。") from error
        if converted is None:
            raise DocumentError(f"LibreOffice 未能把“{path.name}”转为 PDF。")
        try:
            shutil.move(str(converted), str(target))
        except OSError as error:
            raise DocumentError(f"无法写入“{target.name}”：{error.strerror or error}") from error
    return target
