"""Replenishment: safety stock, reorder point, order-up-to level and purchase orders to the
DC, for many (store, SKU) series at once.

Timing: stock is reviewed at the close of every `review_days`-th day; an order placed at the
close of day t is on the shelf when day t + L opens (L = lead_days). What an order must
protect against is the demand until the next order can arrive: the protection interval
P = L + review_days - 1 days, which is L for a daily review. Hence

    safety stock   SS  = z * sigma * sqrt(P)     (sigma: one-day forecast error; z from the
                                                  target cycle service level)
    reorder point  ROP = forecast demand over P + SS
    order-up-to    S   = ROP + forecast demand over `cover_days` more days

and an order goes out when the inventory position (on hand + on order) is at or below ROP,
for S minus the position, rounded up to whole cases. With cover_days = 0 (the default) every
review tops the position up to S = ROP, so a review cycle runs out exactly when demand over P
exceeds S: the cycle service level is the target for normally distributed errors. Larger
cover_days order less often, and the position can fall below ROP before a review sees it, so
service ends a little under target. The reorder point is the smallest whole number of units
meeting the target (see `plan`); order quantities are rounded up to whole cases."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from retail.errors import InvalidInput


@dataclass(frozen=True)
class ReplenishmentPolicy:
    service_level: float = 0.95  # target cycle service level
    review_days: int = 1
    cover_days: int = 0
    case_pack: int = 1
    min_order: int = 0  # smallest order worth placing, in units

    def __post_init__(self) -> None:
        if not 0.5 <= self.service_level < 1.0:
            raise InvalidInput(
                "replenishment.service_level", f"must be within [0.5, 1), got {self.service_level}"
            )
        for name, low in (
            ("review_days", 1),
            ("cover_days", 0),
            ("case_pack", 1),
            ("min_order", 0),
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise InvalidInput(
                    f"replenishment.{name}", f"a whole number >= {low}, got {value!r}"
                )

    @property
    def z(self) -> float:
        return float(norm.ppf(self.service_level))


@dataclass(frozen=True)
class Plan:
    """Per series, in units."""

    safety_stock: np.ndarray
    reorder_point: np.ndarray
    order_up_to: np.ndarray
    position: np.ndarray
    order_quantity: np.ndarray
    lead_days: np.ndarray


def plan(
    daily: np.ndarray,
    sigma: np.ndarray,
    on_hand: np.ndarray,
    on_order: np.ndarray,
    lead_days: int | np.ndarray,
    policy: ReplenishmentPolicy | None = None,
) -> Plan:
    """What to order at this review. `daily`: forecast demand for the days after the review
    (series x days, at least P + cover_days of them); `sigma`: one-day forecast error;
    `on_hand` may be negative (backorders); `lead_days` one for all or one per series."""
    policy = policy or ReplenishmentPolicy()
    n = len(sigma)
    lead = np.broadcast_to(np.asarray(lead_days, np.int64), (n,))
    if (lead < 1).any():
        raise InvalidInput(
            "lead_days", "an order reaches the shelf one day after it is placed at the earliest"
        )
    protection = lead + policy.review_days - 1
    needed = int(protection.max()) + policy.cover_days
    if daily.shape != (n, daily.shape[1]) or daily.shape[1] < needed:
        raise InvalidInput(
            "daily", f"series x at least {needed} forecast days, got shape {daily.shape}"
        )
    cumulative = np.cumsum(daily, axis=1, dtype=np.float64)
    rows = np.arange(n)
    over_p = cumulative[rows, protection - 1]
    over_cover = (
        cumulative[rows, protection - 1 + policy.cover_days] - over_p if policy.cover_days else 0.0
    )
    exact_safety = policy.z * sigma.astype(np.float64) * np.sqrt(protection)
    safety = np.ceil(exact_safety - 1e-9).astype(np.int64)
    # Demand comes in whole units: the smallest whole ROP meeting the target under the normal
    # approximation with continuity correction (P(D <= ROP) ~ Phi((ROP + 0.5 - mean) / sd)).
    reorder = np.ceil(over_p + exact_safety - 0.5 - 1e-9).astype(np.int64)
    up_to = reorder + np.ceil(over_cover - 1e-9).astype(np.int64)
    position = np.asarray(on_hand, np.int64) + np.asarray(on_order, np.int64)
    quantity = np.where(position <= reorder, up_to - position, 0)
    quantity = -(-quantity // policy.case_pack) * policy.case_pack  # up to whole cases
    quantity = np.where(quantity >= max(policy.min_order, 1), quantity, 0)
    return Plan(safety, reorder, up_to, position, quantity, lead.copy())


def purchase_orders(plan: Plan, stores: np.ndarray, skus: np.ndarray, at: dt.datetime,
                    dc: str) -> pd.DataFrame:  # fmt: skip
    """One row per series with something to order: store, sku, quantity, source dc,
    ordered_at and due_at (on the shelf when that day opens). `stores` and `skus` label the
    series (arrays as long as the plan, categorical is fine)."""
    if not len(stores) == len(skus) == len(plan.order_quantity):
        raise InvalidInput("stores/skus", "one label per series of the plan")
    chosen = np.flatnonzero(plan.order_quantity > 0)
    opens = pd.Timestamp(at).normalize() + pd.to_timedelta(plan.lead_days[chosen], unit="D")
    return pd.DataFrame({
        "store": np.asarray(stores)[chosen],
        "sku": np.asarray(skus)[chosen],
        "quantity": plan.order_quantity[chosen],
        "source": dc,
        "ordered_at": pd.Timestamp(at),
        "due_at": opens,
    })  # fmt: skip
