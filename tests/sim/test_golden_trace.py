"""Full event traces, frozen: any change to what happens, or when, shows here.

Two stories: a tiny store-day, and a short run of the five-store chain with campaigns every
day, online orders and pickups, queue busting, beacons, staff turnover, a printer out of
paper, an uplink outage and a terminal crash (52 of the 59 event kinds). The traces are
plain text so that a diff reads as a story. When a change is meant to alter the simulation,
regenerate them and review the diff before committing:

    STORETWIN_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/sim/test_golden_trace.py
"""

import dataclasses
import os
from collections import Counter
from pathlib import Path

import pytest

from sim.config.load import compose_config, validate
from sim.experiment.run import simulate

GOLDEN = Path(__file__).parent / "golden"
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
SHORT_CHAIN = [
    "chain=five_stores", "days=4", "seed=23", "population.size=800", "store.daily_visitors=14",
    "store.lanes=1", "store.ask_guide_prob=0.8", "store.guide_turnover_per_year=0.9999",
    "stock.initial_cover_days=2", "chain.franchise.review_every_days=1",
    "strategy.campaigns.first_day=0", "strategy.campaigns.every_days=1",
    "strategy.campaigns.credit_days=1", "population.online_orders_per_week=3",
    "population.pickup_share=0.6", "strategy.queue_busting.enabled=true",
    "strategy.queue_busting.queue_per_lane=0.5", "hardware.beacons.installed=true",
    "hardware.beacons.opt_in_min_adoption=0",
    "hardware.faults.scheduled=[{day: 2, at: '12:00', device: printer-S001-L1, kind: paper_empty},"
    " {day: 2, at: '11:00', device: uplink-S002, kind: outage, minutes: 300},"
    " {day: 3, at: '11:00', device: terminal-S003-L1, kind: crash, minutes: 20}]",
]  # fmt: skip
STORIES = {"tiny_store_day": (TINY, 50, 15), "short_chain": (SHORT_CHAIN, 2000, 52)}


def render(event) -> str:
    fields = []
    for field in dataclasses.fields(event):
        value = getattr(event, field.name)
        if isinstance(value, float):
            value = f"{value:.6f}"
        fields.append(f"{field.name}={value}")
    return f"{type(event).__name__} " + " ".join(fields)


def trace(overrides: list[str]) -> tuple[str, int]:
    model = simulate(validate(compose_config(overrides)))
    kinds = Counter(type(e).__name__ for e in model.log)
    return "\n".join(render(e) for e in model.log) + "\n", len(kinds)


@pytest.mark.parametrize("story", list(STORIES))
def test_the_trace_matches_golden(story):
    overrides, lines, kinds = STORIES[story]
    text, seen = trace(overrides)
    golden = GOLDEN / f"{story}.trace"
    if os.environ.get("STORETWIN_UPDATE_GOLDEN") == "1":
        golden.write_text(text)
    assert text.count("\n") > lines and seen >= kinds, "the story should still tell this much"
    assert text == golden.read_text(), "event trace changed; review and regenerate (see above)"
