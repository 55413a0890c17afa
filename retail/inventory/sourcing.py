"""Source selection (寻源发货): which locations ship an online order, and why.

`choose` is the decision on arrays (candidates x lines); `SourcingRules` configures it per
chain. Every strategy first looks for one location that covers the whole order (no split);
only when none does are lines split over several locations, and what nobody can serve is
backordered (or, with `allow_partial=False`, the whole order waits).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import numpy as np

from retail import checks
from retail.errors import InvalidInput


class Strategy(enum.StrEnum):
    PRIORITY = "priority"  # the chain's ranking of locations, then distance
    DISTANCE = "distance"  # nearest to the customer first
    FEWEST_SPLITS = "fewest_splits"  # fewest parcels, then nearest
    LOWEST_COST = "lowest_cost"  # shipping + handling + the fulfilling store's revenue share


@dataclass(frozen=True)
class SourcingRules:
    """How a chain selects sources. Costs in integer cents; `store_share_bp`: the revenue
    share paid to a store that ships, in basis points of the value it ships;
    `nearest_stores`: a delivered order considers only this many of the stores nearest to
    her (warehouses always), as order-management systems limit ship-from-store to nearby
    nodes; None: every store."""

    strategy: Strategy = Strategy.FEWEST_SPLITS
    ship_from_store: bool = True
    allow_partial: bool = True
    parcel_cents: int = 800
    parcel_cents_per_km: float = 0.5
    store_share_bp: int = 1000
    max_distance_km: float | None = None
    nearest_stores: int | None = None

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "strategy", Strategy(self.strategy))
        except ValueError:
            raise InvalidInput(
                "sourcing.strategy", f"one of {[s.value for s in Strategy]}, got {self.strategy!r}"
            ) from None
        checks.cents(self.parcel_cents, "sourcing.parcel_cents")
        per_km = self.parcel_cents_per_km
        if isinstance(per_km, bool) or not isinstance(per_km, int | float) or not 0 <= per_km < 1e6:
            raise InvalidInput("sourcing.parcel_cents_per_km", f"cents per km >= 0, got {per_km!r}")
        checks.integer(self.store_share_bp, "sourcing.store_share_bp", 0, 10_000, "basis points")
        if self.nearest_stores is not None:
            checks.integer(self.nearest_stores, "sourcing.nearest_stores", 1, 1_000_000)


@dataclass(frozen=True)
class Choice:
    """Units each candidate ships per line, and the sentence that explains the decision."""

    take: np.ndarray  # candidates x lines
    reason: str


def choose(
    strategy: Strategy,
    need: np.ndarray,
    available: np.ndarray,
    distance_km: np.ndarray,
    priority: np.ndarray,
    parcel_cost: np.ndarray,
    unit_cost: np.ndarray | None,
    names: np.ndarray,
    order_cost: np.ndarray | None = None,
) -> Choice:
    """Decide for one order. `need` per line; `available`, `unit_cost` candidates x lines;
    `distance_km`, `priority`, `parcel_cost` (and, if known, `order_cost`: everything from one
    candidate) per candidate; ties go to the earlier candidate. `unit_cost` may be None when
    `order_cost` is given and the strategy is not lowest_cost."""
    n = len(distance_km)
    covers = (available >= need).all(axis=1)
    if order_cost is None:
        order_cost = parcel_cost + unit_cost @ need
    index = np.arange(n)
    if strategy is Strategy.PRIORITY:
        rank = np.lexsort((index, distance_km, priority))
    elif strategy is Strategy.LOWEST_COST:
        rank = np.lexsort((index, distance_km, order_cost))
    else:
        rank = np.lexsort((index, priority, distance_km))
    whole = rank[covers[rank]]
    if len(whole):
        best = int(whole[0])
        take = np.zeros_like(available)
        take[best] = need
        return Choice(take, why_whole(strategy, names[best], len(whole), distance_km[best],
                                       priority[best], order_cost[best]))  # fmt: skip
    if strategy in (Strategy.PRIORITY, Strategy.DISTANCE):
        take = _fill_in_rank_order(need, available, rank)
        why = "in order of " + ("priority" if strategy is Strategy.PRIORITY else "distance")
    else:
        take = _greedy_cover(strategy, need, available, distance_km, parcel_cost, unit_cost)
        why = (
            "most units per parcel"
            if strategy is Strategy.FEWEST_SPLITS
            else "lowest cost per unit"
        )
    used = [names[i] for i in np.flatnonzero(take.sum(axis=1))]
    short = int((need - take.sum(axis=0)).sum())
    sentence = (
        f"{strategy.value}: no location covers the whole order; split over {used or 'none'} ({why})"
    )
    if short:
        sentence += f"; {short} unit(s) nobody can serve"
    return Choice(take, sentence)


def why_whole(strategy, name, count, distance, priority, cost) -> str:
    """The sentence for an order one location ships whole."""
    what = {
        Strategy.PRIORITY: f"highest priority ({priority})",
        Strategy.DISTANCE: f"nearest ({distance:.1f} km)",
        Strategy.FEWEST_SPLITS: f"nearest ({distance:.1f} km)",
        Strategy.LOWEST_COST: f"cheapest ({cost} cents)",
    }[strategy]
    return f"{strategy.value}: {name} ships the whole order, the {what} of {count} that could"


def _fill_in_rank_order(need: np.ndarray, available: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Each line takes what it can from candidates in rank order."""
    ranked = available[rank]
    # Units each candidate would give if every earlier one gave all it had.
    before = np.cumsum(ranked, axis=0) - ranked
    take_ranked = np.clip(need - before, 0, ranked)
    take = np.empty_like(available)
    take[rank] = take_ranked
    return take


def _greedy_cover(strategy, need, available, distance_km, parcel_cost, unit_cost) -> np.ndarray:
    """Pick parcels one by one: most units (fewest_splits) or lowest cost per unit."""
    take = np.zeros_like(available)
    remaining = need.copy()
    open_ = np.ones(len(distance_km), bool)
    while remaining.any():
        gives = np.minimum(available, remaining) * open_[:, None]
        units = gives.sum(axis=1)
        if not units.any():
            break
        if strategy is Strategy.FEWEST_SPLITS:
            key = np.lexsort((distance_km, -units))
        else:
            per_unit = (parcel_cost + (unit_cost * gives).sum(axis=1)) / np.maximum(units, 1)
            key = np.lexsort((distance_km, np.where(units > 0, per_unit, np.inf)))
        best = int(key[0])
        take[best] = gives[best]
        remaining -= gives[best]
        open_[best] = False
    return take
