"""A chain in mixed fidelity: `detailed_stores` visit by visit, the rest vectorized, one run.

One set of business modules and one population serve both. The chain model (`ChainModel`)
runs every store's day-step, but draws no visits for the stores in detail, and keeps the
chain-wide jobs (`sim.wiring.CHAIN_WIDE`: membership's daily job, campaigns, members' own
online orders) and the chain's online shop for all of them. A detailed twin (`TwinModel`)
of the stores in detail runs their days through SimPy (shoppers, guides, queues, devices,
their stock room and head office's intake), drawing each store's visitors from the chain's
choice model, with the chain's book of who each member is: a woman who joined at a
vectorized store is a member at a detailed till, and the other way round. A day is: what
arrives and the campaign (chain), the stores in detail (twin, to midnight), the other
stores' visits, then the chain's closing jobs. The KPI table is the chain's, with what the
twin counted folded into its stores' rows (`Totals.with_detail`).

Left out: store-to-store transfers (as in chain fidelity); a detailed store's stock comes
from the chain's first warehouse (as in the detailed twin); revenue shares are settled for
the stores in detail alone; the history is not archived (`history.keep_days` is for
fidelity=chain).
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from sim.chain.members import SharedBook
from sim.chain.model import ChainModel
from sim.chain.totals import Totals
from sim.config.schema import RunConfig
from sim.engine.calendar import MINUTES_PER_DAY
from sim.metrics.history import History
from sim.metrics.kpis import events_frame, store_day_totals
from sim.model import Shared, TwinModel
from sim.wiring import Modules


class MixedModel:
    """The chain vectorized, with `config.detailed_stores` simulated in detail."""

    def __init__(self, config: RunConfig, modules: Modules | None = None,
                 history: History | None = None) -> None:  # fmt: skip
        self.config = config
        self.chain = chain = ChainModel(config, modules, history)
        shared = Shared(chain.population, chain.streams, SharedBook(chain.members),
                        chain.world.visitor_weights)  # fmt: skip
        self.twin = TwinModel(detailed_part(config), chain.modules, shared)
        self.day = 0
        self._folded: tuple[int, pd.DataFrame, Totals] | None = None  # (day, events, totals)

    # What a reader (metrics, invariants, results) asks for by name; the chain's own
    # properties read `modules` and `day`, which this model has too.
    modules = property(lambda self: self.chain.modules)
    membership, inventory = ChainModel.membership, ChainModel.inventory
    orders, ledger, marketing = ChainModel.orders, ChainModel.ledger, ChainModel.marketing
    now, horizon_min = ChainModel.now, ChainModel.horizon_min
    population = property(lambda self: self.chain.population)
    history = property(lambda self: self.chain.history)
    stock = property(lambda self: self.chain.stock)
    log = property(lambda self: self.twin.log)
    monitors = property(lambda self: self.twin.monitors)

    @property
    def visits(self) -> int:
        return self.chain.visits + self.twin.visits

    def step(self) -> None:
        """One day of the whole chain, the stores in detail among it."""
        if self.day >= self.config.days:
            return
        self.chain.open_day()
        self.twin.advance((self.day + 1) * MINUTES_PER_DAY)
        self.chain.store_day()
        self.chain.close_day()
        self.day += 1

    def run(self) -> None:
        while self.day < self.config.days:
            self.step()

    def events(self) -> pd.DataFrame:
        """The stores in detail's event log, each event with its `day`."""
        return self._fold()[1]

    def totals(self) -> Totals:
        """The chain's totals with what the twin counted in the stores in detail."""
        return self._fold()[2]

    def _fold(self) -> tuple[int, pd.DataFrame, Totals]:
        """The event log and the folded totals as of this day, made once per day: a run's
        end reads them for its events, its daily KPIs and its summary."""
        if self._folded is None or self._folded[0] != self.day:
            events = events_frame(self.twin.log.to_arrow(), self.config.days)
            detail, area = store_day_totals(events, self.twin.monitors, self.twin.calendar,
                                            self.config.days)  # fmt: skip
            self._folded = (self.day, events, self.chain.totals.with_detail(detail, area))
        return self._folded

    def daily_kpis(self) -> pd.DataFrame:
        return self.chain.daily_kpis(self.totals())

    def summary(self) -> dict[str, float]:
        return self.chain.summary(self.totals())


def detailed_part(config: RunConfig) -> RunConfig:
    """The run's config for its stores in detail: the chain's sites cut to them and the
    warehouses."""
    detail = set(config.detailed_stores)
    sites = [s for s in config.chain.sites if s.id in detail or s.kind == "warehouse"]
    return dataclasses.replace(config, chain=dataclasses.replace(config.chain, sites=sites,
                                                                 generate=None))  # fmt: skip
