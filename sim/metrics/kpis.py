"""KPIs folded from the event log, per store-day and for the whole run.

Names are stable (see README, "KPIs"); where a device measures what the twin knows,
both appear (`footfall_true`, `footfall_measured`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from sim.engine.calendar import MINUTES_PER_DAY, Calendar
from sim.processes.checkout import QueueMonitor

KPI_NAMES = (
    "footfall_true",
    "footfall_measured",
    "transactions",
    "conversion_true",
    "conversion_measured",
    "revenue",
    "aov",
    "units_per_transaction",
    "checkout_wait_mean_min",
    "checkout_wait_p95_min",
    "checkout_abandon_rate",
    "checkout_queue_len_mean",
    "checkout_arrival_rate_per_min",
)

# Which way is better, for verdicts in comparisons; a KPI in neither set is just "higher/lower".
HIGHER_IS_BETTER = frozenset(
    {
        "transactions",
        "conversion_true",
        "conversion_measured",
        "revenue",
        "aov",
        "units_per_transaction",
    }
)
LOWER_IS_BETTER = frozenset(
    {
        "checkout_wait_mean_min",
        "checkout_wait_p95_min",
        "checkout_abandon_rate",
        "checkout_queue_len_mean",
    }
)


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator / denominator) if denominator else 0.0


def _kind(events: pd.DataFrame, kind: str) -> pd.DataFrame:
    return events[events["kind"] == kind]


def _fold(events: pd.DataFrame, queue_area: float, open_min: float) -> dict[str, float]:
    """KPIs of one slice of the log (a store-day, or the whole run)."""
    visits = _kind(events, "VisitStarted")
    sales = _kind(events, "SaleCompleted")
    served = _kind(events, "ServiceStarted")
    joined = _kind(events, "CheckoutJoined")
    balked = _kind(events, "CheckoutBalked")
    reneged = _kind(events, "CheckoutReneged")
    counted = _kind(events, "DoorCounted")
    footfall_true = int(visits["party_size"].sum()) if len(visits) else 0
    footfall_measured = int(counted["count"].sum()) if len(counted) else 0
    transactions = len(sales)
    revenue = int(sales["amount_cents"].sum()) if transactions else 0
    waits = served["waited_min"].to_numpy(dtype=float)
    return {
        "footfall_true": footfall_true,
        "footfall_measured": footfall_measured,
        "transactions": transactions,
        "conversion_true": _ratio(transactions, footfall_true),
        "conversion_measured": _ratio(transactions, footfall_measured),
        "revenue": revenue,
        "aov": _ratio(revenue, transactions),
        "units_per_transaction": _ratio(sales["items"].sum() if transactions else 0, transactions),
        "checkout_wait_mean_min": float(waits.mean()) if len(waits) else 0.0,
        "checkout_wait_p95_min": float(np.percentile(waits, 95)) if len(waits) else 0.0,
        "checkout_abandon_rate": _ratio(len(balked) + len(reneged), len(joined) + len(balked)),
        "checkout_queue_len_mean": _ratio(queue_area, open_min),
        "checkout_arrival_rate_per_min": _ratio(len(joined), open_min),
    }


def events_frame(table: pa.Table) -> pd.DataFrame:
    frame = table.to_pandas()
    frame["day"] = (frame["t"] // MINUTES_PER_DAY).astype("int64")
    return frame


def daily_kpis(
    events: pd.DataFrame,
    monitors: dict[str, QueueMonitor],
    calendar: Calendar,
    days: int,
) -> pd.DataFrame:
    """One row per store and day: `store`, `date`, `day` and every KPI."""
    rows = []
    by_store_day = dict(iter(events.groupby(["store", "day"], sort=True))) if len(events) else {}
    empty = events.iloc[0:0]
    for store, monitor in sorted(monitors.items()):
        # Shoppers still queued after closing belong to that day's area.
        day_areas = np.diff(monitor.cumulative_area(np.arange(days + 1) * MINUTES_PER_DAY))
        for day in range(days):
            opens, closes = calendar.opening(day)
            part = by_store_day.get((store, day), empty)
            rows.append(
                {
                    "store": store,
                    "date": calendar.date_of(opens),
                    "day": day,
                    **_fold(part, float(day_areas[day]), closes - opens),
                }
            )
    return pd.DataFrame(rows)


def run_summary(
    events: pd.DataFrame,
    monitors: dict[str, QueueMonitor],
    calendar: Calendar,
    days: int,
) -> dict[str, float]:
    """The run's KPIs over every store and day (queue length: mean over stores' open time)."""
    area = sum(m.area(0.0, days * MINUTES_PER_DAY) for m in monitors.values())
    open_min = days * (calendar.closes_min - calendar.opens_min) * len(monitors)
    return _fold(events, area, open_min)
