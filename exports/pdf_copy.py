"""A PDF copy of a written document, made by LibreOffice when it is installed.

The copy goes beside the document with the same name and ``.pdf``; it is converted
in a private LibreOffice profile (an office the user has open would otherwise take the
job) from a copy with a plain name, and replaces an older copy only when it succeeded.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from exports.draft_files import _kill_process_tree
from exports.saving import DocumentError

PDF_TIMEOUT_SECONDS = 180


def converter() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_copy(path) -> Path:
    """Write ``path`` (.docx or .xlsx) again as PDF beside it and return the PDF's path."""
    path = Path(path)
    program = converter()
    if program is None:
        raise DocumentError(f"未安装 LibreOffice，无法为“{path.name}”生成 PDF 副本。")
    target = path.with_suffix(".pdf")
    with tempfile.TemporaryDirectory(prefix="pdf-copy-") as work_dir:
        work = Path(work_dir)
        source = work / ("document" + path.suffix.lower())
        shutil.copyfile(path, source)
        command = [program, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
                   "--convert-to", "pdf", "--outdir", str(work / "out"), str(source)]
        try:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, start_new_session=True)
        except OSError as error:
            raise DocumentError(f"无法启动 LibreOffice 为“{path.name}”生成 PDF 副本。") from error
        try:
            process.wait(timeout=PDF_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            _kill_process_tree(process)
            raise DocumentError(f"为“{path.name}”生成 PDF 副本超时（{PDF_TIMEOUT_SECONDS} 秒）。") from None
        converted = work / "out" / "document.pdf"
        if not converted.is_file():
            raise DocumentError(f"LibreOffice 未能把“{path.name}”转为 PDF。")
        try:
            shutil.move(str(converted), str(target))
        except OSError as error:
            raise DocumentError(f"无法写入“{target.name}”：{error.strerror or error}") from error
    return target
