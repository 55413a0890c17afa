"""A tiny store-day's full event trace, frozen: any change to what happens, or when, shows here.

The trace is plain text so that a diff reads as a story. When a change is meant to alter the
simulation, regenerate it and review the diff before committing:

    STORETWIN_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/sim/test_golden_trace.py
"""

import dataclasses
import os
from pathlib import Path

from sim.config.load import compose_config, validate
from sim.experiment.run import simulate

GOLDEN = Path(__file__).parent / "golden" / "tiny_store_day.trace"
TINY = [
    "chain=single_store",
    "days=1",
    "seed=11",
    "population.size=300",
    "store.daily_visitors=25",
    "store.guides=1",
    "store.shifts=[]",
    "store.lanes=1",
]


def render(event) -> str:
    fields = []
    for field in dataclasses.fields(event):
        value = getattr(event, field.name)
        if isinstance(value, float):
            value = f"{value:.6f}"
        fields.append(f"{field.name}={value}")
    return f"{type(event).__name__} " + " ".join(fields)


def tiny_trace() -> str:
    model = simulate(validate(compose_config(TINY)))
    return "\n".join(render(e) for e in model.log) + "\n"


def test_tiny_store_day_trace_matches_golden():
    trace = tiny_trace()
    if os.environ.get("STORETWIN_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(trace)
    expected = GOLDEN.read_text()
    assert trace.count("\n") > 50, "the tiny scenario should still produce a readable story"
    assert trace == expected, "event trace changed; review and regenerate (see module docstring)"
