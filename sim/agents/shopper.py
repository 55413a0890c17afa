"""A shopper in a store: a Mesa agent only for the length of her visit.

Her lasting attributes live in the columnar population; the agent holds the visit's state:
where she is (`phase`, and her zone at any moment), who helped her, and her block of random
numbers, drawn at arrival. Each decision of the visit reads its own uniform from the block,
by name (`Draw`), never the next one in line: a strategy that adds a decision on some path
(a beacon greets her, a till scans at random speed) shifts no other decision's uniform, so
every strategy compared on the same seed sees the same shopper decide alike wherever their
paths agree (common random numbers).
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from sim.world.population import Population

MAX_ITEMS = 12  # in one basket
MAX_GARMENTS = 3  # taken into a fitting room at once


class Draw:
    """Where each decision of a visit finds its uniform in the visit's block."""

    DOOR = 0  # the door's beacon recognises her (drawn whether or not one is installed)
    ASK = 1  # she asks a guide for help
    CONSULT = 2  # how long the consultation takes
    TRY_ON = 3  # she takes garments to a fitting room
    TRY_ON_MIN = 4  # how long she tries them on
    GARMENTS = 5  # how many she takes
    BUY = 6  # she buys
    ITEMS = 7  # how many items her basket holds
    AISLE = 8  # she accepts having what the shelf lacks ordered for her
    BALK = 9  # she would balk at a long queue
    PATIENCE = 10  # how long she waits in the queue before giving up
    PAYMENT = 11  # how she pays
    SCAN = 12  # how fast the till scans her basket
    PAY_TIME = 13  # how long paying takes
    JOINS = 14  # she agrees to become a member (or to follow) when asked at the till
    GARMENT = 15  # which garment, one per garment taken in
    ITEM = GARMENT + MAX_GARMENTS  # which item, one per item of the basket
    ZONE = ITEM + MAX_ITEMS  # per zone of the floor: whether she browses it, then how long

    @staticmethod
    def block(zones: int) -> int:
        """How many uniforms a visit's block holds on a floor of `zones` zones."""
        return Draw.ZONE + 2 * zones


class Phase(StrEnum):
    """Where she is in her visit, for a live view of the floor."""

    BROWSING = "browsing"  # walking the zones, or looking for a guide
    WITH_GUIDE = "with_guide"  # a guide helps her (or hands her an online order over)
    FITTING_ROOM = "fitting_room"
    QUEUEING = "queueing"  # at the checkout, waiting for a lane
    PAYING = "paying"  # at a lane: scanning, paying, the receipt
    LEFT = "left"


class Shopper(mesa.Agent):
    def __init__(
        self,
        model: mesa.Model,
        store: str,
        visit: int,
        customer: int,
        party_size: int,
        draws: list[float],
        people: Population,
        spend_scale: float = 1.0,
    ) -> None:
        super().__init__(model)
        self.store = store
        self.visit = visit
        self.customer = customer
        self.party_size = party_size
        self._people, self._spend_scale = people, spend_scale
        self.guide = None  # the guide who helped her, if one did: credit for capture
        self.phase = Phase.BROWSING
        self._draws = draws
        # u(draw): her uniform in [0, 1) for the decision `draw` (a `Draw` position). The
        # list's own lookup, bound: a visit reads a score of them, and a C call is cheapest.
        self.u = draws.__getitem__
        # Her walk through the zones: when it began, the zones and her minutes in each.
        self._walk: tuple[float, tuple[str, ...], list[float]] | None = None

    @property
    def budget_cents(self) -> int:
        """What she is ready to spend on this visit (her spending power, at this format)."""
        return int(self._people.spending_power_cents[self.customer] * self._spend_scale)

    @property
    def price_sensitivity(self) -> float:
        return float(self._people.price_sensitivity[self.customer])

    def chance(self, draw: int, probability: float) -> bool:
        return self._draws[draw] < probability

    def exponential(self, draw: int, mean: float) -> float:
        return -mean * math.log1p(-self._draws[draw])

    def walk(self, start: float, zones: tuple[str, ...], minutes: list[float]) -> float:
        """From `start` she spends `minutes[k]` in zone `zones[k]` (0: she skips it), in order;
        returns the minutes in all. Kept only to tell where she is (`zone_at`)."""
        self._walk = (start, zones, minutes)
        return sum(minutes)

    def zone_at(self, t: float) -> str | None:
        """The zone she is browsing at minute `t`; None before or after her walk."""
        if self._walk is None:
            return None
        start, zones, minutes = self._walk
        for name, spent in zip(zones, minutes, strict=True):
            if start <= t < start + spent:
                return name
            start += spent
        return None
