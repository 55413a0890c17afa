"""Terminal output of a run: a progress bar on long runs, a KPI table at the end."""

from __future__ import annotations

import time

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

SHOW_AFTER_S = 2.0


class SimulationProgress:
    """A bar of simulated time that appears only once a run has taken `SHOW_AFTER_S`."""

    def __init__(self, console: Console, mode: str = "auto") -> None:
        self.console = console
        self.enabled = mode == "on" or (mode == "auto" and console.is_terminal)
        self._started = time.perf_counter()
        self._progress: Progress | None = None
        self._task = None

    def update(self, now_min: float, horizon_min: float) -> None:
        if not self.enabled:
            return
        if self._progress is None:
            if time.perf_counter() - self._started < SHOW_AFTER_S:
                return
            self._progress = Progress(
                TextColumn("simulating"),
                BarColumn(),
                TextColumn("day {task.fields[day]:.1f} of {task.fields[days]:.0f}"),
                TimeElapsedColumn(),
                console=self.console,
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task(
                "run", total=horizon_min, day=0, days=horizon_min / 1440
            )
        self._progress.update(self._task, completed=now_min, day=now_min / 1440)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()


def kpi_table(summary: dict[str, float], title: str) -> Table:
    table = Table(title=title)
    table.add_column("KPI")
    table.add_column("value", justify="right")
    for name, value in summary.items():
        text = f"{value:,}" if isinstance(value, int) else f"{value:,.4f}"
        table.add_row(name, text)
    return table
