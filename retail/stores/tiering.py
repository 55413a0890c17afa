"""Store tiering (the TOP model): per store time online, order penetration and on-time
fulfilment; tiers S, A, B, C by thresholds or by quantiles of a composite score; and the
levers (campaign budget, staff hours, stock priority) and strategy each tier gets.

Thresholds: a store gets the best tier whose every minimum it meets. A store with nothing due
(on-time rate NaN) cannot reach S or A; for B its on-time rate is not judged, so a store just
starting online is not pushed to C for want of a record.

Quantiles: an indicator's percentile is (stores strictly below) / (stores - 1), NaN counting
below every number (percentile 0); the score is the mean of the three. A store's tier is the
first whose cumulative share of stores covers every store scoring at least as high, so ties
share the worse tier and no tier takes more than its share. The score is computed under both
methods; only quantiles uses it.

Promises: bad input is an `InvalidInput` naming the field or store; the chain budget is whole
cents within `retail.checks.MAX_TOTAL_CENTS`. Nothing here keeps state, so every call is safe from
any number of threads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from retail import checks
from retail.errors import InvalidInput

TIERS = ("S", "A", "B", "C")
INDICATORS = ("days_online", "penetration", "on_time_rate")
ORDER_COLUMNS = ("type", "state", "store", "created", "promised", "fulfilled_at", "fulfilled_by")


def indicators(
    launched: Mapping[str, dt.date | dt.datetime | None],
    orders: pd.DataFrame,
    as_of: dt.datetime,
    start: dt.datetime,
    end: dt.datetime,
) -> pd.DataFrame:
    """One row per store of `launched` (its digital launch, None if not yet), indexed by
    `store`, sorted. `orders` has the columns of `OrderCenter.frame()`. Store sales and online
    orders created in [start, end) and not cancelled are `all_orders`; an online order counts
    for `fulfilled_by` (else `store`), and locations not in `launched` are left out.
    `due`: online orders promised in [start, end) and by `as_of`, not cancelled; `on_time`:
    those fulfilled by their promise (an open one is late)."""
    if end <= start:
        raise InvalidInput("end", f"must be after start {start}, got {end}")
    stores = pd.Index(sorted(launched), name="store")
    days = [_days_online(store, launched[store], as_of) for store in stores]
    table = pd.DataFrame({"days_online": np.array(days, dtype=np.int64)}, index=stores)
    if orders.empty:  # OrderCenter.frame() of no orders has no columns either
        orders = pd.DataFrame(columns=list(ORDER_COLUMNS))
    missing = sorted(set(ORDER_COLUMNS) - set(orders.columns))
    if missing:
        raise InvalidInput("orders", f"missing columns {missing}")
    live = orders["state"] != "cancelled"
    online = live & (orders["type"] == "online")
    fulfiller = orders["fulfilled_by"]
    where = fulfiller.where(online & fulfiller.notna(), orders["store"])
    created = pd.to_datetime(orders["created"])
    placed = live & orders["type"].isin(["store_sale", "online"])
    placed &= (created >= start) & (created < end)
    promised = pd.to_datetime(orders["promised"])
    # A promise still ahead of as_of cannot have been missed yet.
    due = online & (promised >= start) & (promised < end) & (promised <= as_of)
    made_it = pd.to_datetime(orders["fulfilled_at"]) <= promised  # NaT (open) is False

    def count(mask: pd.Series) -> pd.Series:
        return where[mask].value_counts().reindex(stores, fill_value=0).astype(np.int64)

    table["online_orders"] = count(placed & online)
    table["all_orders"] = count(placed)
    table["penetration"] = (table["online_orders"] / table["all_orders"]).fillna(0.0)
    table["due"] = count(due)
    table["on_time"] = count(due & made_it)
    table["on_time_rate"] = table["on_time"] / table["due"]  # 0 / 0: NaN, nothing was due
    return table


def _days_online(store: str, launch: dt.date | None, as_of: dt.datetime) -> int:
    if launch is None:
        return 0
    if isinstance(launch, dt.datetime):  # before dt.date: a datetime is a date too
        days = (as_of - launch) // dt.timedelta(days=1)
    elif isinstance(launch, dt.date):
        days = (as_of.date() - launch).days
    else:
        kind = type(launch).__name__
        raise InvalidInput(f"launched[{store!r}]", f"a date, datetime or None, got {kind}")
    return max(days, 0)


@dataclass(frozen=True)
class Minimums:
    """The least value of each indicator a store needs for a tier."""

    days_online: int
    penetration: float
    on_time_rate: float


@dataclass(frozen=True)
class TierRules:
    """`method` "thresholds" uses the minimums `s`, `a`, `b`; "quantiles" uses `shares`, the
    parts of the stores (best scores first) in S, A and B, C taking the rest."""

    method: str = "thresholds"
    s: Minimums = Minimums(180, 0.30, 0.95)
    a: Minimums = Minimums(90, 0.15, 0.90)
    b: Minimums = Minimums(30, 0.05, 0.80)
    shares: tuple[float, float, float] = (0.10, 0.30, 0.40)

    def __post_init__(self) -> None:
        if self.method not in ("thresholds", "quantiles"):
            raise InvalidInput("rules.method", f'"thresholds" or "quantiles", got {self.method!r}')
        shares = tuple(self.shares)
        object.__setattr__(self, "shares", shares)  # configuration may hand over a list
        if len(shares) != 3:
            raise InvalidInput("rules.shares", f"one share each for S, A, B, got {len(shares)}")
        for tier, share in zip("SAB", shares, strict=True):
            if not share >= 0:  # NaN too
                raise InvalidInput(f"rules.shares[{tier}]", f"must be >= 0, got {share}")
        if sum(shares) > 1 + 1e-9:
            raise InvalidInput("rules.shares", f"S, A and B take {sum(shares):g} of the stores")
        above = None
        for tier, least in zip("SAB", (self.s, self.a, self.b), strict=True):
            for name in INDICATORS:
                value, top = getattr(least, name), np.inf if name == "days_online" else 1
                field = f"rules.{tier.lower()}.{name}"
                if not 0 <= value <= top:
                    raise InvalidInput(field, f"must be in 0..{top}, got {value}")
                if above is not None and value > getattr(above[1], name):
                    higher = getattr(above[1], name)
                    raise InvalidInput(field, f"{value} > {above[0]}'s {higher}: must not rise")
            above = (tier, least)


def assign_tiers(indicators: pd.DataFrame, rules: TierRules) -> pd.DataFrame:
    """`indicators` (one row per store) plus `score`, `tier` and `reason`: which minimum or
    rank kept the store out of the next tier up ("" for S)."""
    frame = _checked(indicators)
    n = len(frame)
    # Integer sums of ranks: equal scores are exactly equal, whatever the row order.
    below = sum(
        frame[name].astype(float).fillna(-np.inf).rank(method="min").astype(np.int64) - 1
        for name in INDICATORS
    )
    frame["score"] = below / (3 * max(n - 1, 1))
    if rules.method == "thresholds":
        picked = [_by_thresholds(row, rules) for _, row in frame.iterrows()]
    else:
        picked = _by_quantiles(frame["score"], rules.shares)
    frame["tier"] = [tier for tier, _ in picked]
    frame["reason"] = [reason for _, reason in picked]
    return frame


def _by_thresholds(row: pd.Series, rules: TierRules) -> tuple[str, str]:
    reason = ""
    for tier, least in zip("SAB", (rules.s, rules.a, rules.b), strict=True):
        misses = []
        for name in INDICATORS:
            value, minimum = row[name], getattr(least, name)
            if np.isnan(value):  # only on_time_rate can be NaN: nothing was due
                if tier != "B":
                    misses.append(f"{name} n/a (nothing due) for {tier}")
            elif value < minimum:
                misses.append(f"{name} {value:g} < {minimum:g} for {tier}")
        if not misses:
            return tier, reason
        reason = "; ".join(misses)
    return "C", reason


def _by_quantiles(score: pd.Series, shares: tuple[float, ...]) -> list[tuple[str, str]]:
    n = len(score)
    covered = score.rank(method="max", ascending=False).astype(np.int64)  # scoring as high
    tops = np.cumsum(shares)
    limits = np.round(tops * n, 9)  # in floats 0.1 + 0.2 of 10 stores is not quite 3
    picked = []
    for value, k in zip(score, covered, strict=True):
        i = int(np.searchsorted(limits, k))  # the first tier whose share covers k stores
        why = f"score {value:.3g} ranks {k} of {n}, outside the top {100 * tops[i - 1]:g}%"
        picked.append((TIERS[i], f"{why} for {TIERS[i - 1]}" if i else ""))
    return picked


def _checked(indicators: pd.DataFrame) -> pd.DataFrame:
    missing = sorted(set(INDICATORS) - set(indicators.columns))
    if missing:
        raise InvalidInput("indicators", f"missing columns {missing}")
    _unique(indicators, "indicators")
    for name in INDICATORS:
        values = pd.to_numeric(indicators[name], errors="coerce")
        bad = ~values.between(0, np.inf if name == "days_online" else 1)
        if name == "on_time_rate":
            bad &= values.notna()
        if bad.any():
            store, value = indicators.index[bad.to_numpy()][0], indicators[name][bad].iloc[0]
            raise InvalidInput(f"indicators[{store!r}].{name}", f"out of range: {value!r}")
    return indicators.copy()


def _unique(frame: pd.DataFrame, what: str) -> None:
    if frame.index.has_duplicates:
        store = frame.index[frame.index.duplicated()][0]
        raise InvalidInput(f"{what}[{store!r}]", "store appears more than once")


@dataclass(frozen=True)
class Lever:
    """What a tier gets: its stores' campaign budget is weighted by `campaign_budget_share`,
    their staff hours multiplied by `staff_hours_factor`; when stock is short, stores with a
    lower `stock_priority` are served first."""

    campaign_budget_share: float
    staff_hours_factor: float
    stock_priority: int
    strategy: str = ""


@dataclass(frozen=True)
class TierLevers:
    """The lever of each tier, S to C."""

    s: Lever = Lever(1.5, 1.1, 0, "keep indicators and expand the model")
    a: Lever = Lever(1.2, 1.0, 1, "keep basics and push indicators")
    b: Lever = Lever(1.0, 1.0, 2, "encourage and build basics")
    c: Lever = Lever(0.6, 0.9, 3, "encourage and build basics")

    def __post_init__(self) -> None:
        for tier in TIERS:
            for name in ("campaign_budget_share", "staff_hours_factor", "stock_priority"):
                value = getattr(self.of(tier), name)
                if not value >= 0:
                    raise InvalidInput(f"levers.{tier.lower()}.{name}", f"must be >= 0: {value}")

    def of(self, tier: str) -> Lever:
        return getattr(self, tier.lower())


def levers_for(
    tiers: pd.DataFrame, levers: TierLevers, chain_campaign_budget_cents: int
) -> pd.DataFrame:
    """Per store of `tiers` (a `tier` column): tier, campaign_budget_cents, staff_hours_factor,
    stock_priority, strategy. The chain budget is split in proportion to the tiers'
    `campaign_budget_share` (to a millionth) by largest remainder, so the parts sum to it
    exactly; equal remainders favour the lower store id."""
    total = checks.cents(
        chain_campaign_budget_cents, "chain_campaign_budget_cents", checks.MAX_TOTAL_CENTS
    )
    if "tier" not in tiers.columns:
        raise InvalidInput("tiers", "missing column 'tier'")
    _unique(tiers, "tiers")
    unknown = ~tiers["tier"].isin(TIERS).to_numpy()
    if unknown.any():
        store, tier = tiers.index[unknown][0], tiers["tier"][unknown].iloc[0]
        raise InvalidInput(f"tiers[{store!r}].tier", f"one of S, A, B, C, got {tier!r}")
    chosen = [levers.of(tier) for tier in tiers["tier"]]
    weights = [round(lever.campaign_budget_share * 1_000_000) for lever in chosen]
    whole, total = sum(weights), int(total)
    if whole == 0:
        if total:
            raise InvalidInput("chain_campaign_budget_cents", f"{total} but no store can take any")
        whole = 1  # nothing to split: every part is 0
    cents = [total * w // whole for w in weights]  # Python ints: exact for any budget
    stores = [str(store) for store in tiers.index]
    by_remainder = sorted(
        range(len(cents)), key=lambda i: (-(total * weights[i] % whole), stores[i])
    )
    for i in by_remainder[: total - sum(cents)]:
        cents[i] += 1
    table = pd.DataFrame({"tier": tiers["tier"], "campaign_budget_cents": cents}, tiers.index)
    for name in ("staff_hours_factor", "stock_priority", "strategy"):
        table[name] = [getattr(lever, name) for lever in chosen]
    return table.astype({"campaign_budget_cents": np.int64, "stock_priority": np.int64})


class StoreTiering:
    """Tiers stores under one set of rules and gives each tier its levers."""

    def __init__(self, rules: TierRules | None = None, levers: TierLevers | None = None) -> None:
        self.rules = TierRules() if rules is None else rules
        self.tier_levers = TierLevers() if levers is None else levers

    def assign(self, indicators: pd.DataFrame) -> pd.DataFrame:
        """`assign_tiers` under these rules."""
        return assign_tiers(indicators, self.rules)

    def levers(self, tiers: pd.DataFrame, chain_campaign_budget_cents: int) -> pd.DataFrame:
        """`levers_for` with these levers."""
        return levers_for(tiers, self.tier_levers, chain_campaign_budget_cents)
