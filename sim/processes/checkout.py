"""The checkout: tills as a pool of lanes that shoppers queue for, with a queue monitor.

Monitoring stays out of the model logic: `QueueMonitor` records each change of the number
waiting, and the metrics fold it into time averages afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field

import numpy as np
import simpy

from sim.engine.pools import Pool


@dataclass
class QueueMonitor:
    """Piecewise-constant record of how many shoppers wait: (time, count from then on)."""

    times: list[float] = field(default_factory=lambda: [0.0])
    counts: list[int] = field(default_factory=lambda: [0])

    def record(self, t: float, count: int) -> None:
        if t == self.times[-1]:
            self.counts[-1] = count
        else:
            self.times.append(t)
            self.counts.append(count)

    def cumulative_area(self, points: np.ndarray) -> np.ndarray:
        """Integral of the waiting count from time 0 up to each of `points`, vectorised."""
        times = np.asarray(self.times, dtype=float)
        counts = np.asarray(self.counts, dtype=float)
        area_at_change = np.concatenate(([0.0], np.cumsum(counts[:-1] * np.diff(times))))
        points = np.asarray(points, dtype=float)
        last_change = np.maximum(np.searchsorted(times, points, side="right") - 1, 0)
        return area_at_change[last_change] + counts[last_change] * (points - times[last_change])

    def area(self, start: float, end: float) -> float:
        """Integral of the waiting count over [start, end), in shopper-minutes."""
        before, after = self.cumulative_area(np.array([start, end]))
        return float(after - before)


class Checkout:
    """Open lanes in a pool; a shopper takes the first free one or queues for one."""

    def __init__(self, env: simpy.Environment, lanes: list[str]) -> None:
        self.env = env
        self._free: Pool[str] = Pool(env, lanes)
        self.open_lanes = len(lanes)
        self.waiting = 0
        self.monitor = QueueMonitor()
        self._closing: dict[str, Callable[[], None]] = {}

    def _set_waiting(self, change: int) -> None:
        self.waiting += change
        self.monitor.record(self.env.now, self.waiting)

    def take_free(self) -> str | None:
        """A lane free right now with nobody waiting for it, taken; None if she must queue."""
        return self._free.take_free()

    def join(self) -> simpy.events.Event:
        """Join the queue; the returned event gives a lane once one is free."""
        self._set_waiting(+1)
        request = self._free.request()
        request.callbacks.append(self._served)
        return request

    def _served(self, request: simpy.events.Event) -> None:
        if request.ok:
            self._set_waiting(-1)

    def leave_queue(self, request: simpy.events.Event) -> None:
        """She gives up waiting (reneges) before a lane took her."""
        if not request.triggered:
            request.cancel()
            self._set_waiting(-1)

    def release(self, lane: str) -> None:
        """The lane is free again, unless it was asked to close meanwhile."""
        on_closed = self._closing.pop(lane, None)
        if on_closed is None:
            self._free.give_back(lane)
        else:
            self.open_lanes -= 1
            on_closed()

    def open_lane(self, lane: str) -> None:
        self.open_lanes += 1
        self._free.give_back(lane)

    def close_lane(self, lane: str, on_closed: Callable[[], None]) -> None:
        """Close `lane` now if it is free, else as soon as its current sale is over."""
        if self._free.withdraw(lane):
            self.open_lanes -= 1
            on_closed()
        else:
            self._closing[lane] = on_closed


def wait_for_lane(
    env: simpy.Environment, lanes: Checkout, patience_min: float | None = None
) -> Generator[simpy.Event, object, str | None]:
    """A lane for her: a free one at once, else the first that frees up while she queues;
    None if her patience (`None`: endless) ran out first, and she left the queue."""
    lane = lanes.take_free()
    if lane is not None:
        return lane
    request = lanes.join()
    if patience_min is None:
        return (yield request)
    yield request | env.timeout(patience_min)
    if not request.triggered:
        lanes.leave_queue(request)
        return None
    return request.value
