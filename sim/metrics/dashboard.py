"""The run's one-page KPI dashboard: what happened, as the twin knows it and as measured."""

from __future__ import annotations

from pathlib import Path

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.metrics.plots import draw_queue_profile, save
from sim.processes.checkout import QueueMonitor

STORES_SHOWN = 12  # panels by store show the busiest stores of a larger chain


def kpi_dashboard(
    daily: pd.DataFrame,
    monitors: dict[str, QueueMonitor],
    days: int,
    title: str,
    path: Path,
    rfm_mix: pd.Series | None = None,
) -> None:
    """Nine panels from the per-store, per-day KPIs, the queue monitors and the members'
    RFM segments at the end (`rfm_mix`: members per segment)."""
    figure, axes = plt.subplots(3, 3, figsize=(17, 13))
    by_day = daily.groupby("date", sort=True)[
        ["footfall_true", "footfall_measured", "transactions", "revenue", "lost_sales_stockout"]
    ].sum()
    by_day.index = pd.to_datetime(by_day.index)  # a date axis, not one category per day
    by_store = daily.groupby("store", sort=True).sum(numeric_only=True)
    busiest = by_store.nlargest(STORES_SHOWN, "footfall_true").sort_index()
    some = f" ({len(busiest)} busiest of {len(by_store)})" if len(busiest) < len(by_store) else ""

    _footfall(axes[0, 0], by_day)
    _conversion(axes[0, 1], busiest, some)
    _revenue(axes[0, 2], daily if not some else None, by_day)
    _funnel(axes[1, 0], by_store.sum())
    _rfm_mix(axes[1, 1], rfm_mix if rfm_mix is not None else pd.Series(dtype="int64"))
    _stockouts(axes[1, 2], by_day)
    _checkout(axes[2, 0], busiest, daily[daily["store"].isin(busiest.index)], some)
    draw_queue_profile(axes[2, 1], monitors, days)
    _devices(axes[2, 2], busiest, some)
    figure.suptitle(title, fontsize="large")
    save(figure, path)


FUNNEL = (
    ("footfall_true", "visitors"),
    ("transactions", "bought"),
    ("members_new", "joined as members"),
    ("pushes_sent", "pushes sent"),
    ("pushes_opened", "opened"),
    ("push_orders", "ordered from a push"),
)


def _funnel(axis: plt.Axes, totals: pd.Series) -> None:
    labels = [label for _, label in FUNNEL]
    values = [float(totals.get(name, 0)) for name, _ in FUNNEL]
    y = np.arange(len(labels))[::-1]
    axis.barh(y, values, color="tab:blue")
    axis.set_yticks(y, labels)
    for row, value in zip(y, values, strict=True):
        axis.text(value, row, f" {value:,.0f}", va="center", fontsize="small")
    axis.set_xscale("symlog")
    axis.set_title("Funnel: store visits to members to campaign orders")


def _date_axis(axis: plt.Axes, days: int) -> None:
    """Ticks at whole days for a few weeks, at months (concise labels) for longer runs."""
    if days <= 31:
        axis.xaxis.set_major_locator(mdates.DayLocator(interval=max(1, days // 8)))
        axis.xaxis.set_major_formatter(mdates.DateFormatter("%m-%d"))
        axis.tick_params(axis="x", labelrotation=45, labelsize="small")
    else:
        locator = mdates.AutoDateLocator()
        axis.xaxis.set_major_locator(locator)
        axis.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _nothing_to_show(axis: plt.Axes, what: str) -> None:
    """An empty panel says so rather than drawing empty axes."""
    axis.text(0.5, 0.5, what, ha="center", va="center", transform=axis.transAxes)
    axis.set_axis_off()


def _rfm_mix(axis: plt.Axes, mix: pd.Series) -> None:
    axis.set_title("Members by RFM segment at the end")
    if mix.sum() == 0:
        _nothing_to_show(axis, "no members yet")
        return
    axis.barh(list(mix.index)[::-1], list(mix.to_numpy())[::-1], color="tab:purple")


def _stockouts(axis: plt.Axes, by_day: pd.DataFrame) -> None:
    axis.set_title("Units lost to empty shelves per day, all stores")
    if not by_day["lost_sales_stockout"].any():
        _nothing_to_show(axis, "no stock-outs in this run")
        return
    axis.bar(by_day.index, by_day["lost_sales_stockout"], color="tab:orange")
    _date_axis(axis, len(by_day))


def _footfall(axis: plt.Axes, by_day: pd.DataFrame) -> None:
    marker = {"marker": "o"} if len(by_day) <= 31 else {}  # a year: lines, not dots
    axis.plot(by_day.index, by_day["footfall_true"], label="true", **marker)
    axis.plot(by_day.index, by_day["footfall_measured"], label="door counters", **marker)
    axis.set_title("Footfall per day, all stores")
    _date_axis(axis, len(by_day))
    axis.legend()


def _conversion(axis: plt.Axes, by_store: pd.DataFrame, some: str) -> None:
    stores = list(by_store.index)
    x = np.arange(len(stores))
    true = by_store["transactions"] / by_store["footfall_true"].where(by_store["footfall_true"] > 0)
    measured = by_store["transactions"] / by_store["footfall_measured"].where(
        by_store["footfall_measured"] > 0
    )
    axis.bar(x - 0.2, true.fillna(0), 0.4, label="true")
    axis.bar(x + 0.2, measured.fillna(0), 0.4, label="as measured")
    axis.set_xticks(x, stores)
    axis.set_title(f"Conversion by store{some}: the door counter's error shows here")
    axis.tick_params(axis="x", labelrotation=45 if len(stores) > 6 else 0, labelsize="small")
    axis.legend()


def _revenue(axis: plt.Axes, daily: pd.DataFrame | None, by_day: pd.DataFrame) -> None:
    """A line per store; for a larger chain (`daily` None) the chain's total."""
    if daily is None:
        axis.plot(by_day.index, by_day["revenue"] / 100, label="all stores")
    else:
        for store, rows in daily.groupby("store", sort=True):
            axis.plot(pd.to_datetime(rows["date"]), rows["revenue"] / 100, marker=".", label=store)
    axis.set_title("Revenue per day (yuan)")
    _date_axis(axis, len(by_day))
    axis.legend(fontsize="small")


def _checkout(axis: plt.Axes, by_store: pd.DataFrame, daily: pd.DataFrame, some: str) -> None:
    stores = list(by_store.index)
    x = np.arange(len(stores))
    waits = daily.groupby("store", sort=True)["checkout_wait_mean_min"].mean()
    abandon = daily.groupby("store", sort=True)["checkout_abandon_rate"].mean()
    axis.bar(x, waits, 0.5, label="mean wait (min)")
    axis.set_xticks(x, stores)
    axis.set_ylabel("minutes")
    twin = axis.twinx()
    twin.plot(x, abandon * 100, "o", color="tab:red", label="abandoned (%)")
    twin.set_ylim(bottom=0)
    twin.set_ylabel("% of shoppers at the checkout")
    axis.set_title(f"Checkout{some}: wait and abandonment")
    axis.tick_params(axis="x", labelrotation=45 if len(stores) > 6 else 0, labelsize="small")
    handles = axis.get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
    axis.legend(handles=handles, loc="upper left", fontsize="small")


def _devices(axis: plt.Axes, by_store: pd.DataFrame, some: str) -> None:
    stores = list(by_store.index)
    axis.set_title(f"Devices{some}: downtime and what it cost")
    shown = ["hardware_downtime_min", "staff_min_fixing_devices", "sales_offline"]
    if not by_store[shown].to_numpy().any():
        _nothing_to_show(axis, "no device faults in this run")
        return
    x = np.arange(len(stores))
    width = 0.27
    axis.bar(x - width, by_store["hardware_downtime_min"], width, label="devices down (min)")
    axis.bar(x, by_store["staff_min_fixing_devices"], width, label="staff fixing devices (min)")
    axis.bar(x + width, by_store["sales_offline"], width, label="sales sold offline")
    axis.set_xticks(x, stores)
    axis.legend(fontsize="small")
