"""Timing shared by the benchmarks (they run as scripts, so this folder is on the path)."""
from __future__ import annotations

import statistics
import time
from typing import Callable


def median_time(function: Callable[[], object], repeat: int) -> float:
    """Seconds ``function`` takes, the median of ``repeat`` runs (one slow moment of the machine does not count)."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)
