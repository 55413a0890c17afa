"""What chain fidelity counts, per store and day, folded into the KPIs as the event log is.

The detailed model logs every event and folds the log (`sim.metrics.kpis._totals`) into
totals per store-day; chain fidelity logs no per-visit events (a year of a national chain
would be a billion rows) but adds into the same totals directly, so that one function,
`kpis_from_totals`, makes the KPIs of both, and a mixed run concatenates the two.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.metrics.kpis import LAST, LAST_MEAN, MEAN

# The totals a run of the chain fills (the columns `kpis_from_totals` reads). Reports at
# closing are kept as the fold keeps them: LAST the day's last report, MEAN their mean.
SUMMED = (
    "footfall_true", "footfall_measured", "transactions", "revenue", "units", "joined",
    "balked", "reneged", "sales_refused", "sales_offline", "device_fixes",
    "staff_min_fixing_devices", "receipts_reprinted", "uplink_down_min",
    "uplink_still_down_min", "garments_tried_true", "garments_tried_measured", "members_new",
    "followers_new", "capture_asked", "guide_tasks_done", "booked_visits", "guide_helped",
    "guide_missed", "lost_units", "aisle_units", "online_orders", "online_pickups",
    "online_revenue", "orders_due", "orders_on_time", "pushes_sent", "pushes_refused",
    "pushes_opened", "push_orders", "unfollows", "coupons_redeemed", "campaigns_measured",
    "uplift_measured_sum", "uplift_true_sum", "transfers", "stock_sold", "receipts_printed",
    "endless_aisle_orders", "members_recognised", "store_pool_income",
    "device_down_open_min", "uplink_down_open_min", "device_still_down_open_min",
    "uplink_still_down_open_min", "sales_unforwarded", "forwarded_on_link",
    "forwarded_on_restart", "served", "wait_sum_min", "queue_area",
)  # fmt: skip
REPORTED = (*LAST, *MEAN, *LAST_MEAN)
# What the chain reports for a store in detail in a mixed run, rather than its twin: the
# membership figures after the chain's daily job, and the promises due (the two would read
# the same orders).
CHAIN_REPORTS = ("active_members", "buyers", "repeat_buyers", "orders_due", "orders_on_time")


class Totals:
    """(stores, days) arrays of every total, added to as the days run."""

    def __init__(self, stores: tuple[str, ...], days: int) -> None:
        self.stores, self.days = stores, days
        self.data = {name: np.zeros((len(stores), days)) for name in (*SUMMED, *REPORTED)}
        for name in LAST_MEAN:
            self.data[name][:] = np.nan  # no report: unknown, not 0
        self.wait_p95 = np.zeros((len(stores), days))

    def add(self, name: str, day: int, store: np.ndarray, values=None) -> None:
        """Add `values` (or 1 each) at rows `store` of `day` (repeated stores add up)."""
        column = self.data[name][:, day]
        np.add.at(column, store, 1.0 if values is None else values)

    def add_by_store(self, name: str, day: int, per_store: np.ndarray) -> None:
        self.data[name][:, day] += per_store

    def report(self, name: str, day: int, per_store: np.ndarray) -> None:
        """A closing report (active members, on hand, pool share) of each store for `day`."""
        self.data[name][:, day] = per_store

    def with_detail(self, detail: pd.DataFrame, queue_area: pd.Series) -> Totals:
        """A copy with the stores of `detail` (a detailed twin's totals per store and day,
        `sim.metrics.kpis.store_day_totals`, and its queues' areas) folded in: what the twin
        counted in its stores adds to what the chain counted for them (campaigns, online
        orders); its reports replace the chain's, but for `CHAIN_REPORTS`."""
        merged = Totals(self.stores, self.days)
        merged.data = {name: values.copy() for name, values in self.data.items()}
        merged.wait_p95 = self.wait_p95.copy()
        detail = detail.assign(queue_area=queue_area)
        names = [n for n in (*SUMMED, *REPORTED, "wait_p95")
                 if n in detail and n not in CHAIN_REPORTS]  # fmt: skip
        by_day = {name: detail[name].unstack("day").reindex(columns=range(self.days))
                  for name in names}  # fmt: skip
        rows = [self.stores.index(store) for store in by_day["served"].index]
        for name, table in by_day.items():
            values = table.to_numpy(float)
            if name == "wait_p95":
                merged.wait_p95[rows] = np.nan_to_num(values)
            elif name in SUMMED:
                merged.data[name][rows] += values
            else:
                merged.data[name][rows] = values
        return merged

    def frame(self) -> pd.DataFrame:
        """The totals per (store, day), as `sim.metrics.kpis._totals` makes them."""
        index = pd.MultiIndex.from_product([list(self.stores), range(self.days)],
                                           names=["store", "day"])  # fmt: skip
        columns = {name: values.ravel() for name, values in self.data.items()}
        served = columns["served"]
        columns["wait_mean"] = np.divide(
            columns["wait_sum_min"], served, out=np.full_like(served, np.nan), where=served > 0
        )
        columns["wait_p95"] = np.where(served > 0, self.wait_p95.ravel(), np.nan)
        return pd.DataFrame(columns, index=index)

    def run_totals(self) -> pd.DataFrame:
        """The whole run's totals (one row), reports as the fold aggregates them."""
        t = self.data
        row = {name: float(t[name].sum()) for name in SUMMED}
        for name in LAST:
            row[name] = float(t[name][:, -1].sum())
        for name in MEAN:
            row[name] = float(t[name].mean(axis=1).sum())
        for name in LAST_MEAN:
            last = t[name][:, -1]
            row[name] = float(np.nanmean(last)) if np.isfinite(last).any() else np.nan
        served = row["served"]
        row["wait_mean"] = row["wait_sum_min"] / served if served else np.nan
        weights = t["served"].ravel()
        row["wait_p95"] = (
            float(np.average(self.wait_p95.ravel(), weights=weights)) if served else np.nan
        )  # a served-weighted mean of the days' p95 (the exact mixture is not kept)
        return pd.DataFrame([row])
