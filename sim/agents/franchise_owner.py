"""Franchise owners as Mesa agents: each decides how much of her store's stock the chain's
shared pool may ship to online customers, from what the revenue-sharing rule paid her.

The rule is a simple hill-climb on her own experience (no owner sees the others' books): at
each review, if sharing paid at least her hurdle for the period she opens `step` more of her
stock; if it paid less and she shares anything, she closes `step` (stock shipped for others
is stock her own customers cannot buy, and packing costs her staff time).
"""

from __future__ import annotations

import mesa


class FranchiseOwner(mesa.Agent):
    def __init__(
        self,
        model: mesa.Model,
        store: str,
        pool_share: float,
        hurdle_cents_per_week: int,
        step: float,
        max_share: float,
    ) -> None:
        super().__init__(model)
        self.store = store
        self.pool_share = pool_share
        self.hurdle_cents_per_week = hurdle_cents_per_week
        self.step = step
        self.max_share = max_share

    def review(self, pool_cents: int, days: int) -> float:
        """Her new pool share after sharing paid `pool_cents` over the last `days`."""
        hurdle = self.hurdle_cents_per_week * days / 7
        if pool_cents >= hurdle:
            share = min(self.pool_share + self.step, self.max_share)
        else:
            share = max(self.pool_share - self.step, 0.0)
        self.pool_share = round(share, 4)
        return self.pool_share
