"""Where a detailed-store journey's time goes: `.venv/bin/python benchmarks/journey_cost.py`.

Times the simulation loop of the engine benchmark's store-day (see test_bench_engine.py) in
microseconds per journey, whole and with one part of the work left out, next to a bare
SimPy M/M/c customer. The parts are left out by replacing a call with a no-op: a diagnostic
of cost, not a simulation anyone should read results from. Best of three rounds each, one
fresh process per variant so that no variant inherits another's heap.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

BROWSE_ONLY = ["store.buy_prob=0.0001", "store.buy_prob_with_guide=0.0001",
               "store.ask_guide_prob=0", "store.try_on_prob=0"]  # fmt: skip
VARIANTS = {
    "full journey": [],
    "without receipt printing": ["no-printing"],
    "without head office booking": ["no-booking"],
    "without stock tracking": ["stock.enabled=false"],
    "without all three": ["no-printing", "no-booking", "stock.enabled=false"],
    "a visitor who only browses": BROWSE_ONLY,
}


def measure(arguments: list[str]) -> float:
    """Microseconds per journey of the simulation loop, best of three."""
    from test_bench_engine import STORE_OVERRIDES

    from hardware_models.printer import service
    from sim.business.head_office import HeadOffice
    from sim.config.load import compose_config, validate
    from sim.engine.gc_tuning import fewer_gc_passes
    from sim.model import TwinModel

    if "no-printing" in arguments:
        service.ReceiptSpool.print_receipt = lambda *_: service.PrintResult(0.5)
    if "no-booking" in arguments:
        HeadOffice.receive = lambda *_: None
    overrides = [a for a in arguments if "=" in a]
    config = validate(compose_config([*STORE_OVERRIDES, *overrides]))
    best = float("inf")
    for _ in range(3):
        model = TwinModel(config)
        with fewer_gc_passes():
            started = time.perf_counter()
            model.run()
            elapsed = time.perf_counter() - started
        journeys = model.visits
        best = min(best, elapsed / journeys)
    return best * 1e6


def bare_customer() -> float:
    from test_bench_engine import bare_mmc

    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        bare_mmc(100_000)
        best = min(best, (time.perf_counter() - started) / 100_000)
    return best * 1e6


def main() -> None:
    if len(sys.argv) > 1:  # a child: one variant
        print(measure(sys.argv[1:]) if sys.argv[1] != "bare" else bare_customer())
        return
    bare = float(_child(["bare"]))
    print(f"{'bare SimPy M/M/c customer':>30}: {bare:6.1f} us")
    for label, arguments in VARIANTS.items():
        cost = float(_child(arguments or ["full"]))
        print(f"{label:>30}: {cost:6.1f} us  ({cost / bare:4.1f}x the bare customer)")


def _child(arguments: list[str]) -> str:
    result = subprocess.run([sys.executable, __file__, *arguments], capture_output=True,
                            text=True, check=True)  # fmt: skip
    return result.stdout.strip().splitlines()[-1]


if __name__ == "__main__":
    main()
