"""The twin: a Mesa model whose clock is SimPy's, with the calendar's day jobs in between.

Like the M/M/c validation model (`sim.validation`), it advances with `step(minutes)` and is
read the same way: the event log, each store's queue monitor, running KPIs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sim.agents.shopper import Shopper
from sim.business.membership_desk import MemberBook
from sim.config.schema import RunConfig, Site
from sim.engine.agenda import SimpyAgenda
from sim.engine.clocked import ClockedModel
from sim.engine.day_jobs import DayJobs
from sim.engine.events import EventLog
from sim.engine.streams import Streams
from sim.metrics.running import RunningKpis
from sim.processes.checkout import QueueMonitor
from sim.wiring import Modules, Setting, build, connect, day_jobs
from sim.world.calendar import store_calendar
from sim.world.catalog import Catalog
from sim.world.population import Population, VisitorWeights


@dataclass(frozen=True)
class Shared:
    """What a twin takes from the chain it runs inside (mixed fidelity): the people, the
    named streams, the book of who each member is, where each store's visitors come from."""

    population: Population
    streams: Streams
    book: MemberBook
    visitors: Callable[[Site], VisitorWeights]


class TwinModel(ClockedModel):
    """A chain of stores in the detailed fidelity.

    Staff and in-store shoppers are Mesa agents; a shopper exists as an agent only while
    she is in a store. Time advances in SimPy; each `step(minutes)` runs that much simulated
    time (an hour by default), running every day job on its minute before anything else of
    that minute. `modules` replaces the business modules built from config (a plug-in, a
    test's wrapper); `shared`, what it takes from the chain it runs inside.
    """

    def __init__(self, config: RunConfig, modules: Modules | None = None,
                 shared: Shared | None = None) -> None:  # fmt: skip
        if config.mode != "store":
            raise ValueError(f"mode {config.mode!r}: the twin runs stores (see sim.validation)")
        streams = shared.streams if shared else Streams(config.seed)
        super().__init__(config.days, streams.get("model"))
        self.config = config
        self.streams = streams
        self.log = EventLog()
        self.calendar = store_calendar(config)
        self.catalog = Catalog.from_config(config.store.catalog)
        self.population = (
            shared.population
            if shared
            else Population.generate(
                config.population,
                config.chain.stores,
                self.catalog.category_names,
                streams.get("population"),
            )
        )
        self.modules = modules or Modules.from_config(config, self.catalog.category_names)
        setting = Setting(self.env, SimpyAgenda(self.env), self.log, self.calendar, streams,
                          self, self.population, self.catalog,
                          shared and shared.book, shared and shared.visitors)  # fmt: skip
        self.parts = parts = build(config, setting, self.modules)
        connect(parts)
        self.day_jobs = DayJobs(self.calendar, day_jobs(parts, config), config.days)
        self.stores = parts.stores
        store_ids = [store.id for store in self.stores]
        self.faults = parts.devices.start_faults(store_ids, config.store.lanes, config.days)
        self.kpis = RunningKpis(self.log, self.calendar, store_ids, self.monitors)
        self._ended = False

    # The parts a reader (metrics, invariants, tests) asks for by name.
    membership = property(lambda self: self.modules.membership)
    inventory = property(lambda self: self.modules.inventory)
    orders = property(lambda self: self.modules.orders)
    ledger = property(lambda self: self.modules.ledger)
    marketing = property(lambda self: self.modules.marketing)
    tiering = property(lambda self: self.modules.tiering)
    membership_desk = property(lambda self: self.parts.membership_desk)
    head_office = property(lambda self: self.parts.head_office)
    stock_room = property(lambda self: self.parts.stock_room)
    shop = property(lambda self: self.parts.shop)
    marketing_desk = property(lambda self: self.parts.marketing_desk)
    devices = property(lambda self: self.parts.devices)

    @property
    def monitors(self) -> dict[str, QueueMonitor]:
        """Each store's checkout queue record, by store."""
        return {store.id: store.checkout.monitor for store in self.stores}

    def shoppers_in(self, store: str) -> list[Shopper]:
        """The shoppers in `store` right now (each knows her phase and zone)."""
        return [s for s in self.agents_by_type.get(Shopper, ()) if s.store == store]

    @property
    def visits(self) -> int:
        return sum(store.visits for store in self.stores)

    def advance(self, end: float) -> None:
        """Run to minute `end`, each day job on its minute before anything else of it."""
        env, jobs = self.env, self.day_jobs
        while jobs.next_time() <= end:
            t = jobs.next_time()
            if t > env.now:
                env.run(until=t)
            jobs.run_due(t)
        if end > env.now:
            env.run(until=end)
        if env.now >= self.horizon_min and not self._ended:
            self._ended = True  # the run ends: book what the tills forwarded since the intake,
            self.head_office.book_intake(env.now)
            self.devices.report_run_end()  # and report what is still down or unforwarded
