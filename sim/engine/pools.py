"""Pools of interchangeable resources (lanes, guides, fitting rooms) kept in a SimPy `Store`.

Most of the day something is free when someone wants it and nobody waits when it comes
back. Then `pool.get()` and `pool.put()` cost an event each for nothing; these two calls
take and give back directly and leave the events to the times someone must wait. A free
item and a waiting getter never coexist (SimPy serves a getter as soon as an item comes),
so the order in which people are served is the same either way.
"""

from __future__ import annotations

from typing import TypeVar

import simpy

T = TypeVar("T")


def take_free(pool: simpy.Store) -> object | None:
    """The first free item, taken now; None if every item is in use (then `pool.get()`)."""
    return pool.items.pop(0) if pool.items else None


def give_back(pool: simpy.Store, item: T) -> None:
    """`item` is free again: to the first one waiting for it, else back among the free."""
    if pool.get_queue:
        pool.put(item)
    else:
        pool.items.append(item)
