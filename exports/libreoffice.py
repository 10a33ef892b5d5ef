"""LibreOffice run headless to convert one file: old Word and WPS files to .docx, documents to PDF.

Every conversion runs in a private profile (a LibreOffice the user has open would otherwise
take the job) on a copy with a plain ASCII name (the user's file name may trouble it), and a
converter that hangs is stopped with the office process it started.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path


class ConversionError(Exception):
    """LibreOffice could not be started (``kind == "start"``) or did not finish in time (``"timeout"``)."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


def program() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(path: Path, target_format: str, work: Path, *, timeout: float, converter: str | None = None) -> Path | None:
    """``path`` converted to ``target_format`` (``docx``, ``pdf``) inside the folder ``work``.

    Returns the converted file, or None when LibreOffice finished without writing it.
    """
    source = work / ("document" + path.suffix.lower())
    shutil.copyfile(path, source)
    out_dir = work / "out"
    command = [converter or program() or "soffice", f"-env:UserInstallation={(work / 'profile').as_uri()}",
               "--headless", "--norestore", "--convert-to", target_format, "--outdir", str(out_dir), str(source)]
    try:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError as error:
        raise ConversionError("start") from error
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_process_tree(process)
        raise ConversionError("timeout") from None
    converted = out_dir / f"{source.stem}.{target_format}"
    return converted if converted.is_file() else None


def _kill_process_tree(process: subprocess.Popen) -> None:
    """Stop the converter and the office process it started."""
    if hasattr(os, "killpg"):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    else:
        process.kill()
    process.wait()
