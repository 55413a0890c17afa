"""Figures of studies: effects with intervals (forest plot), a KPI against a swept parameter."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.experiment.stats import mean_interval


def _save(figure: plt.Figure, path: Path) -> Path:
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def forest(effects: pd.DataFrame, path: Path, deciding_only: bool = True) -> Path:
    """Relative effect of each treatment on each KPI (% of the baseline mean), with its 95 % CI."""
    rows = effects[effects["deciding"]] if deciding_only else effects
    rows = rows[rows["baseline_mean"] != 0].reset_index(drop=True)
    figure, axis = plt.subplots(figsize=(8, 0.45 * max(len(rows), 2) + 1.2))
    y = np.arange(len(rows))[::-1]
    scale = 100 / rows["baseline_mean"].abs()
    centre = rows["difference"] * scale
    low, high = rows["ci_low"] * scale, rows["ci_high"] * scale
    colours = rows["verdict"].map({"better": "tab:green", "worse": "tab:red"}).fillna("tab:gray")
    for i in range(len(rows)):
        axis.errorbar(
            centre[i],
            y[i],
            fmt="o",
            color=colours[i],
            capsize=3,
            xerr=[[np.nan_to_num(centre[i] - low[i])], [np.nan_to_num(high[i] - centre[i])]],
        )
    axis.axvline(0, color="black", linewidth=0.8)
    axis.set_yticks(y, [f"{t}: {k}" for t, k in zip(rows["treatment"], rows["kpi"], strict=True)])
    axis.set_xlabel("effect, % of the baseline mean (95 % CI)")
    axis.set_title("Effects of each treatment over the baseline")
    return _save(figure, path)


def kpi_by_parameter(
    table: pd.DataFrame, parameter: str, kpi: str, path: Path, group: str | None = None
) -> Path:
    """Mean of `kpi` at each value of `parameter` with its 95 % CI over replications."""
    figure, axis = plt.subplots(figsize=(7, 4))
    groups = table.groupby(group) if group else [(None, table)]
    for name, part in groups:
        points = []
        for value, rows in part.groupby(parameter, sort=True):
            interval = mean_interval(rows[kpi].to_numpy(float))
            points.append((value, interval))
        xs = [str(v) for v, _ in points]
        means = np.array([i.mean for _, i in points])
        lows = np.array([i.low for _, i in points])
        highs = np.array([i.high for _, i in points])
        yerr = [np.nan_to_num(means - lows), np.nan_to_num(highs - means)]
        axis.errorbar(
            xs, means, yerr=yerr, marker="o", capsize=3, label=f"{group}={name}" if group else None
        )
    axis.set_xlabel(parameter)
    axis.set_ylabel(kpi)
    axis.set_title(f"{kpi} by {parameter} (mean, 95 % CI)")
    if group:
        axis.legend(fontsize="small")
    return _save(figure, path)
