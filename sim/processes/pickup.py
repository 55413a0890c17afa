"""Buy online, pick up in store: she comes for her parcel and is in the store anyway.

A guide finds the parcel and hands it over (her floor time is the cost of the service); if
none comes free in time, the till hands it over. Then she browses like any other visitor.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING

import simpy

from sim.agents.shopper import Shopper
from sim.processes.journey import find_guide

if TYPE_CHECKING:
    from sim.world.store import StoreRuntime

Errand = Callable[["StoreRuntime", Shopper], Generator[simpy.Event, object, None]]


def collect(key: str, handover_min: float) -> Errand:
    """The errand of collecting online order `key`; the handover takes `handover_min`."""

    def errand(store: StoreRuntime, shopper: Shopper) -> Generator[simpy.Event, object, None]:
        guide = yield from find_guide(store, shopper, asking_for_help=False)
        if guide is not None:
            yield store.env.timeout(handover_min)
            guide.minutes_consulting += handover_min
            store.release_guide(guide)
        store.model.shop.collected(
            key, store.id, shopper.visit, "till" if guide is None else "guide"
        )

    return errand
