"""KPIs as running counters while a run goes on: for a live view, or to watch a long run.

`RunningKpis` reads the event log from a cursor and folds each new event into counters by
the same tables as the end-of-run fold (`sim.metrics.kpis`: what is counted, summed and
reported, which events count as another kind); `summary(now)` then turns the counters into
the run's KPIs so far with the same formulas. At the end of a run the two folds agree
(`tests/sim/metrics/test_kpis.py` on a hand-built log, `tests/sim/test_live_view.py` on a
run).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import pandas as pd

from sim.engine.calendar import Calendar
from sim.engine.events import Event, EventLog
from sim.metrics.kpis import (
    COUNTS,
    DOWNTIME,
    KPI_NAMES,
    LAST,
    LAST_MEAN,
    MEAN,
    RELABELLED,
    STORE_REPORTS,
    SUMS,
    kpis_from_totals,
)
from sim.processes.checkout import QueueMonitor

# What each kind of event adds to: the counters it counts in and the (counter, field) sums.
_COUNTED: dict[str, list[str]] = defaultdict(list)
for _name, _kind in COUNTS.items():
    _COUNTED[_kind].append(_name)
_SUMMED: dict[str, list[tuple[str, str]]] = defaultdict(list)
for _name, (_kind, _column) in SUMS.items():
    _SUMMED[_kind].append((_name, _column))
_REPORTED: dict[str, list[tuple[str, str]]] = defaultdict(list)
for _name, (_kind, _column) in {**LAST, **MEAN, **LAST_MEAN}.items():
    _REPORTED[_kind].append((_name, _column))
_MEANS = set(MEAN)


class RunningKpis:
    """The run's KPIs so far, folded incrementally from the event log."""

    def __init__(
        self,
        log: EventLog,
        calendar: Calendar,
        stores: Sequence[str],
        monitors: dict[str, QueueMonitor],
    ) -> None:
        self.log, self.calendar = log, calendar
        self.stores = frozenset(stores)
        self._monitors = monitors
        self._seq = 0  # the next event of the log to fold
        self._sums: dict[str, float] = defaultdict(float)
        self._last: dict[tuple[str, str], float] = {}  # (counter, store) -> last report
        self._mean: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0])
        self._waits: list[float] = []

    def update(self) -> int:
        """Fold the events logged since the last update; returns how many."""
        new = self.log.since(self._seq)
        for event in new:
            self._fold(event)
        self._seq += len(new)
        return len(new)

    def _fold(self, event: Event) -> None:
        kind = type(event).__name__
        store = getattr(event, "store", None)
        if kind in STORE_REPORTS and store not in self.stores:
            return  # the warehouse's reports: the KPIs are the stores'
        relabel = RELABELLED.get(kind)
        if relabel is not None and getattr(event, relabel[0]) == relabel[1]:
            kind = relabel[2]
        sums = self._sums
        for name in _COUNTED.get(kind, ()):
            sums[name] += 1
        for name, column in _SUMMED.get(kind, ()):
            sums[name] += self._value(event, column)
        for name, column in _REPORTED.get(kind, ()):
            value = getattr(event, column)
            if name in _MEANS:
                total = self._mean[(name, store)]
                total[0] += value
                total[1] += 1
            else:
                self._last[(name, store)] = value
        if kind == "ServiceStarted":
            self._waits.append(event.waited_min)

    def _value(self, event: Event, column: str) -> float:
        if column == "coupon_used":
            return 1 if event.discount_cents > 0 else 0
        if column == "open_minutes_down":
            down = getattr(event, DOWNTIME[type(event).__name__])
            opened = self.calendar.open_minutes_until(np.array([event.t, event.t - down]))
            return float(opened[0] - opened[1])
        return getattr(event, column)

    def totals(self) -> dict[str, float]:
        """Every counter of the fold so far, over the stores."""
        totals = {name: self._sums.get(name, 0) for name in (*COUNTS, *SUMS)}
        for name in (*LAST, *MEAN, *LAST_MEAN):  # per store, then over the stores
            if name in _MEANS:
                values = [t / n for (counter, _), (t, n) in self._mean.items() if counter == name]
            else:
                values = [v for (counter, _), v in self._last.items() if counter == name]
            over_stores = _mean if name in LAST_MEAN else sum
            totals[name] = over_stores(values) if values else 0
        waits = self._waits
        totals["wait_mean"] = float(np.mean(waits)) if waits else 0.0
        totals["wait_p95"] = float(np.quantile(waits, 0.95)) if waits else 0.0
        return totals

    def summary(self, now: float) -> dict[str, float]:
        """The run's KPIs from its start to minute `now` (fold first with `update`)."""
        monitors = self._monitors
        area = sum(m.area(0.0, now) for m in monitors.values())
        open_min = float(self.calendar.open_minutes_until(np.array([now]))[0]) * len(monitors)
        totals = pd.DataFrame([self.totals()])
        frame = kpis_from_totals(totals, pd.Series([area]), open_min if open_min else np.nan)
        return {name: _plain(frame[name].iloc[0]) for name in KPI_NAMES}


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def _plain(value):
    """A Python number (NaN, where nothing was open yet, as 0)."""
    value = value.item() if hasattr(value, "item") else value
    return 0.0 if isinstance(value, float) and value != value else value
