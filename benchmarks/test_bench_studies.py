"""Sweeps in parallel against serial, and the fixed overhead of one run.

Goals (issue 8): 8 runs on this 2-core machine at least 1.8x faster in parallel than serially;
fixed overhead per run under 2 s.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from sim.experiment.backends import LocalBackend, SerialBackend
from sim.experiment.jobs import Job, execute
from sim.experiment.sweep import SweepSpec, study

# Runs the size of a real study: a week of the five-store chain at campaign-day traffic.
EIGHT_RUNS = SweepSpec(
    ("chain=five_stores", "days=7", "store.daily_visitors=1500", "store.lanes=1,2"), replications=4
)
TINY = ["chain=single_store", "days=1", "population.size=100", "store.daily_visitors=1"]

_WALL: dict[str, float] = {}


def _sweep(backend, root: Path) -> float:
    shutil.rmtree(root, ignore_errors=True)
    started = time.perf_counter()
    outcome = study(EIGHT_RUNS, root).run(backend)
    assert outcome.ran == 8 and not outcome.failures
    return time.perf_counter() - started


@pytest.mark.parametrize("backend", ["serial", "local"])
def test_bench_sweep_of_eight_runs(benchmark, tmp_path, backend):
    chosen = SerialBackend() if backend == "serial" else LocalBackend()
    benchmark.pedantic(_sweep, args=(chosen, tmp_path / backend), rounds=3, iterations=1)
    _WALL[backend] = benchmark.stats.stats.median
    benchmark.extra_info["runs"] = 8
    if len(_WALL) == 2:
        speedup = _WALL["serial"] / _WALL["local"]
        benchmark.extra_info["speedup_vs_serial"] = round(speedup, 3)
        print(
            f"\nsweep of 8 runs: serial {_WALL['serial']:.2f} s, local {_WALL['local']:.2f} s,"
            f" speedup {speedup:.2f}x (goal >= 1.8x)"
        )


def test_bench_fixed_overhead_per_run(benchmark, tmp_path):
    """A run that simulates almost nothing: what remains is the per-run overhead
    (config hash, model build, results, plots, atomic rename)."""
    job = Job.from_overrides(TINY)

    def one() -> float:
        shutil.rmtree(tmp_path / "runs", ignore_errors=True)
        result = execute(job, tmp_path)
        assert result.ok
        return result.wall_s

    benchmark.pedantic(one, rounds=5, iterations=1)
    benchmark.extra_info["overhead_s"] = round(benchmark.stats.stats.median, 3)
    print(f"\nfixed overhead per run: {benchmark.stats.stats.median:.3f} s (goal < 2 s)")


def test_bench_default_run(benchmark, tmp_path):
    """The default job (`make run`: five stores, 14 days, embedded defaults) end to end,
    results folder and plots included. Goal (issue 7): under 60 s on this machine."""
    job = Job.from_overrides([])

    def one() -> float:
        shutil.rmtree(tmp_path / "runs", ignore_errors=True)
        result = execute(job, tmp_path)
        assert result.ok
        return result.wall_s

    benchmark.pedantic(one, rounds=1, iterations=1)
    print(f"\ndefault run: {benchmark.stats.stats.median:.1f} s (goal < 60 s)")
