"""How a long action says how far it has come, and learns that the user stopped it.

Every long operation takes an optional ``progress: Progress``. It calls
``progress(fraction, message)`` (0.0 … 1.0) as it goes, or ``progress.step(done, total)``
when it counts items, and hands ``progress.part(start, end)`` to a step that is one
stretch of the whole. Once the user has cancelled, the next report (or ``check()``)
raises ``Cancelled``: the one way a long action stops, with nothing written.

>>> seen = []
>>> progress = Progress(lambda done, total: seen.append((done, total)))
>>> progress(0.5, "正在比对"); progress.part(0.5, 1.0)(0.5, "正在保存"); progress.step(3, 40)
>>> seen
[(50, 100), (75, 100), (3, 40)]
>>> Progress(cancelled=lambda: True).step(1, 10)
Traceback (most recent call last):
feedback.errors.Cancelled
"""
from __future__ import annotations

from typing import Callable

from feedback.errors import Cancelled

__all__ = ["Cancelled", "Progress"]

_SCALE = 100  # a fraction is reported as so many hundredths


class Progress:
    """A long action's progress: ``report(done, total)`` is told, ``cancelled()`` is asked."""

    def __init__(self, report: Callable[[int, int], object] | None = None,
                 cancelled: Callable[[], bool] | None = None, *, start: float = 0.0, end: float = 1.0):
        self._report = report
        self._cancelled = cancelled
        self._start, self._end = start, end

    def __call__(self, fraction: float, message: str = "") -> None:
        """``fraction`` (0.0 … 1.0) of this stretch done; ``message`` says what is being done."""
        done = self._start + (self._end - self._start) * min(max(fraction, 0.0), 1.0)
        self._tell(round(done * _SCALE), _SCALE)

    def step(self, done: int, total: int, message: str = "") -> None:
        """``done`` of ``total`` items."""
        if (self._start, self._end) == (0.0, 1.0):
            self._tell(done, total)
        else:
            self(done / total if total else 0.0, message)

    def part(self, start: float, end: float) -> "Progress":
        """The stretch ``start`` … ``end`` of this progress, reported as a whole of its own."""
        width = self._end - self._start
        return Progress(self._report, self._cancelled,
                        start=self._start + width * start, end=self._start + width * end)

    @property
    def stopped(self) -> bool:
        return bool(self._cancelled and self._cancelled())

    def check(self) -> None:
        """Raise ``Cancelled`` if the user has stopped the action."""
        if self.stopped:
            raise Cancelled

    def _tell(self, done: int, total: int) -> None:
        if self._report:
            self._report(done, total)
        self.check()


def silent(progress: Progress | None) -> Progress:
    """``progress``, or one that tells no one and never stops."""
    return progress if progress is not None else Progress()
