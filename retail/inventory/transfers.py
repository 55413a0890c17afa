"""Transfers (调货): move stock from stores where a SKU sells slowly to stores where it runs
out, with lead time and cost. Proposals change nothing; a proposal is carried out as a
transfer order (the order center ships both legs or neither)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from retail import checks
from retail.errors import InvalidInput, NotFound
from retail.inventory.geo import great_circle_km
from retail.inventory.stock import StockPool
from retail.inventory.types import SalesChannel


@dataclass(frozen=True)
class TransferRules:
    """When a store counts as running out or piling up, in days of cover at its expected daily
    sales; what a transfer costs (integer cents) and how long it takes."""

    short_days: float = 3.0  # less cover than this: running out
    long_days: float = 30.0  # more cover than this (or stock that does not sell): piling up
    target_days: float = 10.0  # receivers are filled up to this cover, givers keep at least it
    fixed_cents: int = 2_000  # one van stop
    cents_per_unit: int = 100
    cents_per_km: int = 300
    km_per_day: float = 300.0
    handling_days: float = 1.0
    max_cents_per_unit: int | None = None  # skip transfers dearer than this per unit

    def __post_init__(self) -> None:
        for name in ("short_days", "long_days", "target_days", "km_per_day", "handling_days"):
            if getattr(self, name) < 0:
                raise InvalidInput(f"transfers.{name}", f"must be >= 0, got {getattr(self, name)}")
        for name in ("fixed_cents", "cents_per_unit", "cents_per_km"):
            checks.cents(getattr(self, name), f"transfers.{name}")
        if self.max_cents_per_unit is not None:
            checks.cents(self.max_cents_per_unit, "transfers.max_cents_per_unit")
        if not self.short_days <= self.target_days <= self.long_days:
            raise InvalidInput("transfers.target_days", "must lie within [short_days, long_days]")
        if self.km_per_day <= 0:
            raise InvalidInput("transfers.km_per_day", "must be positive")


@dataclass(frozen=True)
class TransferProposal:
    sku: str
    source: str
    destination: str
    quantity: int
    distance_km: float
    lead_days: float
    cost_cents: int
    reason: str


def propose_transfers(
    pool: StockPool, daily_sales: pd.Series, rules: TransferRules | None = None
) -> list[TransferProposal]:
    """Rebalancing moves between stores. `daily_sales`: expected units per day, indexed by
    (sku, location); missing pairs sell nothing. Receivers are served most urgent first
    (least cover), each from the nearest store that can spare units."""
    rules = rules or TransferRules()
    n = len(pool.skus)
    rate = _rate_matrix(pool, daily_sales)
    stores = np.array([loc.kind.is_store for loc in pool.locations])
    position = pool.q["on_hand"][:n] + pool.q["in_transit"][:n] - pool.reserved_total[:n]
    with np.errstate(divide="ignore", invalid="ignore"):
        cover = np.where(rate > 0, position / rate, np.where(position > 0, np.inf, 0.0))
    short = stores & (rate > 0) & (cover < rules.short_days)
    spare = np.floor(position - rules.target_days * rate).astype(np.int64)
    givable = pool.available_matrix(np.arange(n), np.arange(len(pool.locations)),
                                    SalesChannel.TRANSFER)  # fmt: skip
    spare = np.where(stores & (cover > rules.long_days), np.minimum(spare, givable), 0)
    lat = np.array([loc.lat for loc in pool.locations])
    lon = np.array([loc.lon for loc in pool.locations])
    proposals = []
    for row in np.flatnonzero(short.any(axis=1) & (spare > 0).any(axis=1)):
        receivers = np.flatnonzero(short[row])
        for column in receivers[np.argsort(cover[row, receivers], kind="stable")]:
            need = math.ceil(rules.target_days * rate[row, column] - position[row, column])
            givers = np.flatnonzero(spare[row] > 0)
            distance = great_circle_km(lat[column], lon[column], lat[givers], lon[givers])
            for i in np.argsort(distance, kind="stable"):
                if need <= 0:
                    break
                giver = givers[i]
                quantity = int(min(need, spare[row, giver]))
                proposal = _proposal(pool, rules, row, giver, column, quantity, float(distance[i]),
                                     cover, rate)  # fmt: skip
                if proposal is None:
                    continue
                proposals.append(proposal)
                spare[row, giver] -= quantity
                need -= quantity
    return proposals


def _proposal(pool, rules, row, source, destination, quantity, km, cover, rate):
    cost = rules.fixed_cents + rules.cents_per_unit * quantity + round(rules.cents_per_km * km)
    if rules.max_cents_per_unit is not None and cost > rules.max_cents_per_unit * quantity:
        return None
    lead = rules.handling_days + km / rules.km_per_day
    giver, taker = pool.locations[source].id, pool.locations[destination].id
    reason = (
        f"{taker} has {cover[row, destination]:.1f} days of cover at {rate[row, destination]:.2f}"
        f"/day, {giver} has {_days(cover[row, source])} at {rate[row, source]:.2f}/day: "
        f"{quantity} unit(s), {km:.1f} km, {lead:.1f} days, {cost} cents"
    )
    return TransferProposal(pool.skus[row], giver, taker, quantity, round(km, 3), round(lead, 2),
                            cost, reason)  # fmt: skip


def _days(cover: float) -> str:
    return "stock that does not sell" if math.isinf(cover) else f"{cover:.1f} days of cover"


def _rate_matrix(pool: StockPool, daily_sales: pd.Series) -> np.ndarray:
    rate = np.zeros((len(pool.skus), len(pool.locations)))
    if daily_sales.empty:
        return rate
    if daily_sales.index.nlevels != 2:
        raise InvalidInput("daily_sales", "index must be (sku, location)")
    if (daily_sales < 0).any() or daily_sales.isna().any():
        bad = daily_sales[(daily_sales < 0) | daily_sales.isna()].index[0]
        raise InvalidInput(f"daily_sales[{bad}]", "expected daily sales must be >= 0")
    rows = pd.Index(pool.skus).get_indexer(daily_sales.index.get_level_values(0))
    locations = daily_sales.index.get_level_values(1)
    columns = pd.Index([loc.id for loc in pool.locations]).get_indexer(locations)
    if (columns < 0).any():
        raise NotFound("location", locations[np.flatnonzero(columns < 0)[0]])
    known = rows >= 0  # a SKU never stocked anywhere has nothing to move
    rate[rows[known], columns[known]] = daily_sales.to_numpy(float)[known]
    return rate
