"""Pools of interchangeable resources (lanes, guides, fitting rooms) kept in a SimPy `Store`.

Most of the day something is free when someone wants it and nobody waits when it comes
back. Then `pool.get()` and `pool.put()` cost an event each for nothing; these two calls
take and give back directly and leave the events to the times someone must wait. Whoever
waits keeps her place: an item put while someone waits is hers (SimPy hands it over when
the put is processed, later in the same instant), so `take_free` takes nothing then.
"""

from __future__ import annotations

from typing import TypeVar

import simpy

T = TypeVar("T")


def take_free(pool: simpy.Store) -> object | None:
    """The first free item, taken now; None if every item is in use or someone waits for
    one (then `pool.get()`: she queues behind them)."""
    return pool.items.pop(0) if pool.items and not pool.get_queue else None


def give_back(pool: simpy.Store, item: T) -> None:
    """`item` is free again: to the first one waiting for it, else back among the free."""
    if pool.get_queue:
        pool.put(item)
    else:
        pool.items.append(item)
