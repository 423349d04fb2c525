"""Small helpers shared by benchmark targets."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timed(
    fn: Callable[[], object],
    *,
    repeat: int = 20,
    warmup: int = 2,
    setup: Callable[[], object] | None = None,
) -> dict[str, float]:
    """Run ``fn`` and return p50/p95/max in milliseconds (``setup``, untimed, before each run)."""
    for _ in range(warmup):
        if setup:
            setup()
        fn()
    samples = []
    for _ in range(repeat):
        if setup:
            setup()
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[min(len(samples) - 1, int(len(samples) * 0.95))], 2),
        "max_ms": round(samples[-1], 2),
        "n": repeat,
    }


def show(label: str, value) -> None:
    print(f"  {label:<58} {value}", flush=True)
