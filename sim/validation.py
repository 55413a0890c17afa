"""The M/M/c validation model: the twin's checkout against queueing theory.

Flat Poisson arrivals, around the clock, go straight to `validate.lanes` lanes with
exponential service: no browsing, no balking, no reneging, no devices, no modules. It runs
the twin's own queueing code (`Checkout`: lanes, queue and queue monitor, and `wait_for_lane`,
which the journey's checkout uses) on arrival times from the twin's `arrival_times`, so the
Erlang C mean wait and Little's law check the queueing core the stores run on
(`tests/sim/test_validate_mmc.py`).
"""

from __future__ import annotations

import math
from collections.abc import Generator

import simpy

from sim.config.schema import RunConfig
from sim.engine.calendar import MINUTES_PER_DAY
from sim.engine.clocked import ClockedModel
from sim.engine.events import EventLog
from sim.engine.streams import Streams
from sim.metrics.running import RunningKpis
from sim.processes.arrivals import arrival_times
from sim.processes.checkout import Checkout, QueueMonitor, wait_for_lane
from sim.processes.events import (
    CheckoutJoined,
    SaleCompleted,
    ServiceStarted,
    VisitEnded,
    VisitStarted,
)
from sim.world.calendar import store_calendar


class MmcModel(ClockedModel):
    def __init__(self, config: RunConfig) -> None:
        if config.validate is None:
            raise ValueError("mode validate_mmc needs the validate section")
        streams = Streams(config.seed)
        super().__init__(config.days, streams.get("model"))
        self.config = config
        self.log = EventLog()
        self.calendar = store_calendar(config)
        self.store = config.chain.stores[0].id
        self.checkout = Checkout(self.env, [f"L{i + 1}" for i in range(config.validate.lanes)])
        self._arrival_rng = streams.get(f"arrivals/{self.store}")
        self._service_rng = streams.get(f"visits/{self.store}")
        self.visits = 0
        self.kpis = RunningKpis(self.log, self.calendar, [self.store], self.monitors)
        self.env.process(self._arrivals())

    @property
    def monitors(self) -> dict[str, QueueMonitor]:
        return {self.store: self.checkout.monitor}

    def _arrivals(self) -> Generator[simpy.Event, None, None]:
        v = self.config.validate
        for day in range(self.config.days):
            start = day * MINUTES_PER_DAY
            segment = [(start, start + MINUTES_PER_DAY, v.arrival_rate_per_min)]
            times = arrival_times(segment, self._arrival_rng).tolist()
            services = self._service_rng.random(len(times)).tolist()
            for t, u in zip(times, services, strict=True):
                yield self.env.timeout(t - self.env.now)
                self.visits += 1
                minutes = -v.service_mean_min * math.log1p(-u)
                self.env.process(self._customer(self.visits, minutes))
            if self.env.now < start + MINUTES_PER_DAY:
                yield self.env.timeout(start + MINUTES_PER_DAY - self.env.now)

    def _customer(self, visit: int, service_min: float) -> Generator[simpy.Event, object, None]:
        env, log, lanes, store = self.env, self.log, self.checkout, self.store
        log.append(VisitStarted(env.now, store, visit, -1, 1, "walk_in"))
        log.append(CheckoutJoined(env.now, store, visit, lanes.waiting))
        joined = env.now
        lane = yield from wait_for_lane(env, lanes)  # endless patience: nobody reneges
        log.append(ServiceStarted(env.now, store, visit, lane, env.now - joined))
        yield env.timeout(service_min)
        log.append(SaleCompleted(env.now, store, visit, -1, lane, 0, 0, "none"))
        lanes.release(lane)
        log.append(VisitEnded(env.now, store, visit, "bought"))
