"""Plots of a run, as PNG files in the run's `plots/` folder."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.processes.checkout import QueueMonitor

MINUTES_PER_HOUR = 60


def _save(figure: plt.Figure, path: Path) -> None:
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)


def hourly_footfall_and_transactions(events: pd.DataFrame, days: int, path: Path) -> None:
    """Footfall (true and measured) and transactions per hour of the day, mean over days."""
    hours = np.arange(24)

    def per_hour(kind: str, weight: str | None) -> np.ndarray:
        part = events[events["kind"] == kind]
        hour = ((part["t"] % 1440) // MINUTES_PER_HOUR).astype(int)
        values = part[weight] if weight else pd.Series(1, index=part.index)
        return np.bincount(hour, weights=values, minlength=24)[:24] / max(days, 1)

    figure, axis = plt.subplots(figsize=(8, 4))
    width = 0.28
    axis.bar(hours - width, per_hour("VisitStarted", "party_size"), width, label="footfall (true)")
    axis.bar(hours, per_hour("DoorCounted", "count"), width, label="footfall (door counter)")
    axis.bar(hours + width, per_hour("SaleCompleted", None), width, label="transactions")
    axis.set_xlabel("hour of day")
    axis.set_ylabel("per day, all stores")
    axis.set_xticks(hours)
    axis.set_title("Footfall and transactions by hour")
    axis.legend()
    _save(figure, path)


def queue_length_over_day(monitors: dict[str, QueueMonitor], days: int, path: Path) -> None:
    """Shoppers waiting at the checkout over the day, per store (step plot, all days)."""
    figure, axis = plt.subplots(figsize=(8, 4))
    for store, monitor in sorted(monitors.items()):
        times = np.asarray(monitor.times) / MINUTES_PER_HOUR
        axis.step(times, monitor.counts, where="post", label=store, linewidth=0.9)
    axis.set_xlabel("hours since the start of the run")
    axis.set_ylabel("shoppers waiting")
    axis.set_xlim(0, days * 24)
    axis.set_title("Checkout queue length")
    axis.legend(loc="upper right", fontsize="small")
    _save(figure, path)
