"""A guard against a reference-counting fault in some PySide6 builds.

PySide6 6.12.0 on CPython 3.11 takes one reference from ``None`` each time a
C++ method returning ``void`` is called from Python (``setText``, ``setEnabled``
…). ``None`` starts with a few thousand references, so after some hundreds of
comments browsed the interpreter aborts with "deallocating None". Since Python
3.12 ``None`` is immortal (PEP 683: its count is set so high it never reaches
zero); on older versions, when the fault is present, the same is done here.
"""
from __future__ import annotations

import ctypes
import platform
import sys

_RESERVE = sys.maxsize // 4


def void_calls_drop_none() -> bool:
    """True when calling a void Qt method loses a reference to ``None``."""
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(64):
        probe.setObjectName("probe")
    return sys.getrefcount(None) < before - 32


def emit_drops_true() -> bool:
    """True when emitting a signal from Python loses a reference to ``True`` (the same fault, PySide6 6.12)."""
    from PySide6.QtCore import QObject, Signal

    class Probe(QObject):
        ping = Signal()

    probe = Probe()
    before = sys.getrefcount(True)
    for _ in range(64):
        probe.ping.emit()
    return sys.getrefcount(True) < before - 32


def keep_bools_alive() -> bool:
    """Make ``True`` and ``False`` as good as immortal where emitting signals would kill them; True when needed.

    Every progress report of a background job, every status message is an emit:
    a day's work would otherwise end in "deallocating True or False".
    """
    if sys.version_info >= (3, 12) or platform.python_implementation() != "CPython":
        return False
    if not emit_drops_true():
        return False
    for value in (True, False):
        count = ctypes.c_ssize_t.from_address(id(value))
        if count.value < _RESERVE:
            count.value += _RESERVE
    return True


def keep_none_alive() -> bool:
    """Make ``None`` as good as immortal where the fault would kill it; True when that was needed."""
    if sys.version_info >= (3, 12) or platform.python_implementation() != "CPython":
        return False
    if not void_calls_drop_none():
        return False
    count = ctypes.c_ssize_t.from_address(id(None))  # ob_refcnt, the first field of every object
    if count.value < _RESERVE:
        count.value += _RESERVE
    return True


# every window module reaches this through ui.widgets, ui.app or the tests' conftest
keep_none_alive()
keep_bools_alive()
