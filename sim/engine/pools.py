"""Pools of interchangeable resources (lanes, guides, fitting rooms): every take and give-back.

A pool keeps its free items in a SimPy `Store` and is the only way to touch them. Most of the
day something is free when someone wants it and nobody waits when it comes back; then
`take_free` and `give_back` work without an event, and SimPy's `get`/`put` run only when
someone must wait. Whoever waits keeps her place: an item given back while someone waits is
hers (SimPy hands it over when the put is processed, later in the same instant), so in that
instant the item is among the free ones yet `take_free` takes nothing. Code that reached
into the store's list (`items.pop(0)`) took such an item from under the one waiting for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Generic, TypeVar

import simpy

T = TypeVar("T")


class Pool(Generic[T]):
    def __init__(self, env: simpy.Environment, items: Iterable[T] = ()) -> None:
        self._store = simpy.Store(env)
        self._store.items.extend(items)

    @property
    def free(self) -> tuple[T, ...]:
        """The items free right now, in the order they are handed out."""
        return tuple(self._store.items)

    def __contains__(self, item: object) -> bool:
        return item in self._store.items

    @property
    def waiting(self) -> int:
        """How many requests wait for an item."""
        return len(self._store.get_queue)

    def take_free(self) -> T | None:
        """The first free item, taken now; None if every item is in use or someone waits for
        one (then `request()`: she queues behind them)."""
        store = self._store
        return store.items.pop(0) if store.items and not store.get_queue else None

    def request(self) -> simpy.resources.store.StoreGet:
        """An event that gives an item once one is free for her (at once if one is and nobody
        waits); `cancel()` it to give up waiting."""
        return self._store.get()

    def give_back(self, item: T) -> None:
        """`item` is free again: to the first one waiting for it, else back among the free."""
        store = self._store
        if store.get_queue:
            store.put(item)
        else:
            store.items.append(item)

    def withdraw(self, item: T) -> bool:
        """Take `item` out of the pool if it is free (a lane closing, a guide going home);
        False if it is in use."""
        items = self._store.items
        if item in items:
            items.remove(item)
            return True
        return False

    def replace(self, old: T, new: T) -> bool:
        """`new` takes free `old`'s place in the pool; False if `old` is in use."""
        items = self._store.items
        if old in items:
            items[items.index(old)] = new
            return True
        return False
