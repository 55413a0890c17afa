"""A year of a chain preset in chain fidelity, timed and profiled: where the time goes.

    python benchmarks/chain_year.py national [days] [overrides...]

Prints the build and run wall times, the resident memory at fifteen points of the run (its
growth per day is what a longer run adds), the peak RSS and the twenty costliest functions.
"""

from __future__ import annotations

import cProfile
import pstats
import resource
import sys
import time

from sim.chain.model import ChainModel
from sim.config.load import compose_config, validate


def main(preset: str, days: int, overrides: list[str]) -> None:
    config = validate(compose_config([f"chain={preset}", f"days={days}", *overrides]))
    started = time.perf_counter()
    profile = cProfile.Profile()
    profile.enable()
    model = ChainModel(config)
    built = time.perf_counter()
    every = max(1, days // 15)
    while model.day < days:
        model.step()
        if model.day % every == 0 or model.day == days:
            print(f"day {model.day}: {time.perf_counter() - built:.1f} s, RSS {rss_mb():,.0f} MB",
                  flush=True)  # fmt: skip
    done = time.perf_counter()
    profile.disable()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{preset}: {len(config.chain.stores)} stores, {len(model.population):,} people, "
          f"{days} days: build {built - started:.1f} s, run {done - built:.1f} s, "
          f"{model.visits:,} visits, peak RSS {peak:,.0f} MB")  # fmt: skip
    pstats.Stats(profile).sort_stats("cumulative").print_stats(20)


def rss_mb() -> float:
    """This process's resident memory now (Linux), in MB."""
    with open("/proc/self/status") as status:
        line = next(x for x in status if x.startswith("VmRSS"))
    return int(line.split()[1]) / 1024


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 365, sys.argv[3:])
