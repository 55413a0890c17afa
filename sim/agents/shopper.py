"""A shopper in a store: a Mesa agent only for the length of her visit.

Her lasting attributes live in the columnar population; the agent holds the visit's state
and its block of random numbers, drawn at arrival so that every strategy compared on the
same seed sees the same shopper make the same draws (common random numbers).
"""

from __future__ import annotations

import math

import mesa


class Shopper(mesa.Agent):
    def __init__(
        self,
        model: mesa.Model,
        store: str,
        visit: int,
        customer: int,
        party_size: int,
        draws: list[float],
    ) -> None:
        super().__init__(model)
        self.store = store
        self.visit = visit
        self.customer = customer
        self.party_size = party_size
        self.guide = None  # the guide who helped her, if one did: credit for capture
        # The visit's next uniform draw in [0, 1): a bound iterator, the cheapest call there is.
        self.uniform = iter(draws).__next__

    def chance(self, probability: float) -> bool:
        return self.uniform() < probability

    def exponential(self, mean: float) -> float:
        return -mean * math.log1p(-self.uniform())
