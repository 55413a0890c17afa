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


def save(figure: plt.Figure, path: Path) -> None:
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)


def hourly_footfall_and_transactions(events: pd.DataFrame, days: int, path: Path) -> None:
    """Footfall (true and measured) and transactions per hour of the day, mean over days."""
    hours = np.arange(24)

    def per_hour(kind: str, weight: str | None) -> np.ndarray:
        return per_hour_of(events[events["kind"] == kind], weight)

    def per_hour_of(part: pd.DataFrame, weight: str | None) -> np.ndarray:
        hour = ((part["t"] % 1440) // MINUTES_PER_HOUR).astype(int)
        values = part[weight] if weight else pd.Series(1, index=part.index)
        return np.bincount(hour, weights=values, minlength=24)[:24] / max(days, 1)

    figure, axis = plt.subplots(figsize=(8, 4))
    width = 0.28
    axis.bar(hours - width, per_hour("VisitStarted", "party_size"), width, label="footfall (true)")
    entering = events[(events["kind"] == "DoorCounted") & (events["direction"] == "in")]
    axis.bar(hours, per_hour_of(entering, "count"), width, label="footfall (door counter)")
    axis.bar(hours + width, per_hour("SaleCompleted", None), width, label="transactions")
    axis.set_xlabel("hour of day")
    axis.set_ylabel("per day, all stores")
    axis.set_xticks(hours)
    axis.set_title("Footfall and transactions by hour")
    axis.legend()
    save(figure, path)


def queue_length_over_day(
    monitors: dict[str, QueueMonitor], days: int, path: Path, slot_min: int = 15
) -> None:
    """Mean number waiting at the checkout in each slot of the day (averaged over days)."""
    figure, axis = plt.subplots(figsize=(8, 4))
    draw_queue_profile(axis, monitors, days, slot_min)
    save(figure, path)


def draw_queue_profile(
    axis: plt.Axes, monitors: dict[str, QueueMonitor], days: int, slot_min: int = 15
) -> None:
    slots = np.arange(0, 1440, slot_min)
    edges = np.arange(0, days * 1440 + slot_min, slot_min)
    for store, monitor in sorted(monitors.items()):
        per_slot = np.diff(monitor.cumulative_area(edges)).reshape(days, len(slots))
        mean = per_slot.mean(axis=0) / slot_min
        axis.step(slots / MINUTES_PER_HOUR, mean, where="post", label=store, linewidth=1.0)
    axis.set_xlabel("hour of day")
    axis.set_ylabel(f"shoppers waiting (mean per {slot_min} min)")
    axis.set_xlim(0, 24)
    axis.set_xticks(range(0, 25, 2))
    axis.set_title("Checkout queue over the day")
    if monitors:  # chain fidelity models its queues: no trace to draw
        axis.legend(loc="upper left", fontsize="small")
    else:
        axis.text(0.5, 0.5, "queues modelled (chain fidelity)", ha="center",
                  transform=axis.transAxes)  # fmt: skip
