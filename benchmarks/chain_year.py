"""A year of a chain preset in chain fidelity, timed: how long a day takes, and where.

    python benchmarks/chain_year.py national [days] [--profile] [overrides...]

Prints the build and run wall times, the median day and the mean of the days after the
first twenty (when archiving has begun), the resident memory at fifteen points of the run
(its growth per day is what a longer run adds) and the peak RSS; with `--profile`, the
twenty costliest functions under cProfile (which slows the run by about a third).
"""

from __future__ import annotations

import cProfile
import pstats
import resource
import statistics
import sys
import time

from sim.chain.model import ChainModel
from sim.config.load import compose_config, validate

SETTLED_AFTER = 20  # days: the history window filled and the first archives run


def main(preset: str, days: int, profiled: bool, overrides: list[str]) -> None:
    config = validate(compose_config([f"chain={preset}", f"days={days}", *overrides]))
    started = time.perf_counter()
    profile = cProfile.Profile()
    if profiled:
        profile.enable()
    model = ChainModel(config)
    built = time.perf_counter()
    every, day_s = max(1, days // 15), []
    while model.day < days:
        before = time.perf_counter()
        model.step()
        day_s.append(time.perf_counter() - before)
        if model.day % every == 0 or model.day == days:
            print(f"day {model.day}: {time.perf_counter() - built:.1f} s, RSS {rss_mb():,.0f} MB",
                  flush=True)  # fmt: skip
    done = time.perf_counter()
    profile.disable()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    settled = statistics.mean(day_s[SETTLED_AFTER:] or day_s)
    print(f"{preset}: {len(config.chain.stores)} stores, {len(model.population):,} people, "
          f"{days} days: build {built - started:.1f} s, run {done - built:.1f} s, median day "
          f"{statistics.median(day_s):.2f} s, mean day after day {SETTLED_AFTER} {settled:.2f} s, "
          f"{model.visits:,} visits, peak RSS {peak:,.0f} MB")  # fmt: skip
    if profiled:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(20)


def rss_mb() -> float:
    """This process's resident memory now (Linux), in MB."""
    with open("/proc/self/status") as status:
        line = next(x for x in status if x.startswith("VmRSS"))
    return int(line.split()[1]) / 1024


if __name__ == "__main__":
    args = sys.argv[1:]
    profiled = "--profile" in args
    args = [a for a in args if a != "--profile"]
    days = int(args[1]) if len(args) > 1 and args[1].isdigit() else 365
    main(args[0], days, profiled, args[2:] if len(args) > 1 and args[1].isdigit() else args[1:])
