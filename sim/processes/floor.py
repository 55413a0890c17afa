"""What a shopper's journey may ask of the store she is in: the floor, as a Protocol.

The journey (`sim.processes.journey`) and the pickup errand know a store only through this
interface; `sim.world.store.DetailedStore` implements it. The store reaches the chain's
desks (membership at the till, the online shop, the stock room) on the journey's behalf, so
no process reaches through the store into the model.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Protocol

import simpy

from sim.agents.shopper import Shopper
from sim.agents.staff import Guide
from sim.config.schema import EndlessAisle, StoreFormat
from sim.devices.till import Till
from sim.engine.events import EventLog
from sim.engine.pools import Pool
from sim.processes.checkout import Checkout
from sim.world.catalog import Catalog


class Shelves(Protocol):
    """The store's shelves as the stock room keeps them, for one shopper's visit."""

    def take(self, visit: int, picks: list[int]) -> tuple[list[int], dict[int, int]]:
        """What she takes (held for her) and what the shelves lack (catalog index -> units)."""
        ...

    def lost(self, visit: int, missing: dict[int, int]) -> None:
        """What the shelves lacked and she went without."""
        ...

    def held(self, visit: int) -> str:
        """The reservation holding her basket, "" if she holds nothing."""
        ...

    def sell(self, visit: int, lines: tuple[tuple[str, int, int], ...]) -> None:
        """She paid: what she held leaves the shelves."""
        ...

    def put_back(self, visit: int) -> None:
        """She left without paying: what she held goes back."""
        ...


class Floor(Protocol):
    """A store's floor during a visit: its people and rooms, shelves, door and checkout."""

    id: str
    env: simpy.Environment
    log: EventLog
    format: StoreFormat
    zone_names: tuple[str, ...]  # the format's zones, in the order she walks them
    catalog: Catalog
    endless_aisle: EndlessAisle
    guides: Pool[Guide]  # guides on duty and free
    fitting_rooms: Pool[str] | None  # None: the format has none
    shelves: Shelves | None  # None: stock is not tracked (shelves never run out)
    checkout: Checkout

    def release_guide(self, guide: Guide) -> None:
        """The guide is free again (back on the floor if her shift is on)."""
        ...

    def pass_door(self, shopper: Shopper, entering: bool) -> None:
        """Her party passes the door counter."""
        ...

    def recognised(self, shopper: Shopper) -> bool:
        """The door's beacon reports her as a member (False where none is installed)."""
        ...

    def read_garments(self, room: str, tags: list[str]) -> None:
        """The fitting room's RFID reader (if any) sees the garments taken in."""
        ...

    def on_checkout_joined(self) -> None:
        """Someone joined the checkout queue (queue busting may open a mobile lane)."""
        ...

    def service_time(self, shopper: Shopper, items: int) -> tuple[str, float]:
        """Her payment method and minutes at the till for a basket of `items`."""
        ...

    def till(self, lane: str) -> Till:
        """The lane's terminal and printer."""
        ...

    def staff_at(self, lane: str) -> str:
        """Who works the lane."""
        ...

    def at_till(self, shopper: Shopper, lane: str, picks: list[int], amount_cents: int) -> float:
        """After payment, the membership conversation; returns the extra seconds it took."""
        ...

    def order_elsewhere(self, shopper: Shopper, missing: dict[int, int]) -> None:
        """What the shelves lack is ordered for her from the chain's shared stock."""
        ...

    def collected(self, key: str, shopper: Shopper, by: str) -> None:
        """She has collected online order `key`, handed over by a guide or the till."""
        ...


# What she came to do before she browses (collecting an online order: `sim.processes.pickup`).
Errand = Callable[[Floor, Shopper], Generator[simpy.Event, object, None]]
