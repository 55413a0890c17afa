"""Benchmark-wide settings and the throughput summary printed at the end of `make bench`."""

import os
import pathlib

import pytest
from hypothesis import HealthCheck, settings

_cache = pathlib.Path(__file__).resolve().parent.parent / ".cache" / "escpos"
_cache.mkdir(parents=True, exist_ok=True)
os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", str(_cache))

settings.register_profile(
    "ci", deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

_THROUGHPUT: dict[str, float] = {}

# Ratios worth printing, each with its goal: (numerator, denominator, goal).
RATIOS = {"journey cost vs bare M/M/c": ("store_journeys", "mmc_customers", 0.2)}


@pytest.fixture
def throughput():
    """Record items per second of a finished benchmark, from its median round."""

    def record(benchmark, name: str, items: int) -> float:
        per_second = items / benchmark.stats.stats.median
        benchmark.extra_info[f"{name}_per_s"] = round(per_second)
        _THROUGHPUT[name] = per_second
        return per_second

    return record


def pytest_terminal_summary(terminalreporter):
    if not _THROUGHPUT:
        return
    write = terminalreporter.write_line
    terminalreporter.section("throughput (items per second, from the median round)")
    for name, value in sorted(_THROUGHPUT.items()):
        write(f"{name:>32}: {value:14,.0f} /s")
    for label, (top, bottom, goal) in RATIOS.items():
        if top in _THROUGHPUT and bottom in _THROUGHPUT:
            ratio = _THROUGHPUT[top] / _THROUGHPUT[bottom]
            verdict = "meets" if ratio >= goal else "MISSES"
            write(f"{label:>32}: {ratio:14.3f}   ({verdict} the goal >= {goal})")
