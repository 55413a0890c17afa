"""Buy online, pick up in store: she comes for her parcel and is in the store anyway.

A guide finds the parcel and hands it over (her floor time is the cost of the service); if
none comes free in time, the till hands it over. Then she browses like any other visitor.
"""

from __future__ import annotations

from collections.abc import Generator

import simpy

from sim.agents.shopper import Phase, Shopper
from sim.processes.floor import Errand, Floor
from sim.processes.journey import find_guide


def collect(key: str, handover_min: float) -> Errand:
    """The errand of collecting online order `key`; the handover takes `handover_min`."""

    def errand(floor: Floor, shopper: Shopper) -> Generator[simpy.Event, object, None]:
        guide = yield from find_guide(floor, shopper, asking_for_help=False)
        if guide is not None:
            shopper.phase = Phase.WITH_GUIDE
            yield floor.env.timeout(handover_min)
            guide.minutes_consulting += handover_min
            floor.release_guide(guide)
        floor.collected(key, shopper, "till" if guide is None else "guide")

    return errand
