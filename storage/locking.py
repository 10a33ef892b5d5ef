"""One writer per project file: an OS lock on a sidecar file, released if the process dies."""
from __future__ import annotations

import os
from pathlib import Path


class FileLock:
    """An exclusive, non-blocking lock on ``PATH.lock``; ``acquire`` says whether it was had."""

    def __init__(self, project_path: Path):
        self.path = Path(str(project_path) + ".lock")
        self._handle = None
        self.previous_note = ""

    def acquire(self) -> bool:
        handle = open(self.path, "a+b", buffering=0)
        try:
            if os.name == "nt":  # pragma: no cover - Windows
                import msvcrt

                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._handle = handle
        handle.seek(0)
        self.previous_note = handle.read(200).decode("ascii", "replace")  # left by a crashed session
        return True

    def note(self, text: str) -> None:
        """Keep a short line in the lock file (read back after a crash as ``previous_note``)."""
        if self._handle is not None:
            try:
                self._handle.seek(0)
                self._handle.truncate()
                self._handle.write(text.encode("ascii"))
            except OSError:  # a full disk: the note is a help after a crash, not a need
                pass

    def release(self) -> None:
        if self._handle is not None:
            try:
                self._handle.close()  # closing drops the lock
            except OSError:
                pass
            self._handle = None
            try:
                self.path.unlink()
            except OSError:
                pass
