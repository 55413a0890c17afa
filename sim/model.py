"""The twin: a Mesa model whose clock is SimPy's, one hour per Mesa step."""

from __future__ import annotations

import mesa
import simpy

from retail.inventory import SalesChannel, TransferRules
from sim.agents.franchise_owner import FranchiseOwner
from sim.business.head_office import HeadOffice
from sim.business.marketing_desk import MarketingDesk
from sim.business.membership_desk import MembershipDesk
from sim.business.modules import (
    build_inventory,
    build_ledger,
    build_marketing,
    build_membership,
    build_orders,
    build_tiering,
)
from sim.business.online_shop import OnlineShop
from sim.business.stock_room import StockRoom
from sim.business.transfers import StoreTransfers
from sim.config.fields import clock_minutes
from sim.config.schema import RunConfig
from sim.devices.store_devices import StoreDevices
from sim.engine.calendar import MINUTES_PER_DAY, Calendar
from sim.engine.events import EventLog
from sim.engine.streams import Streams
from sim.world.catalog import Catalog
from sim.world.population import Population
from sim.world.staff_turnover import StaffTurnover
from sim.world.store import StoreRuntime

STEP_MIN = 60.0


class TwinModel(mesa.Model):
    """A chain of stores in the detailed fidelity.

    Staff and in-store shoppers are Mesa agents; a shopper exists as an agent only while
    she is in a store. Time advances in SimPy; each Mesa `step()` runs one simulated hour.
    """

    def __init__(self, config: RunConfig) -> None:
        streams = Streams(config.seed)
        super().__init__(rng=streams.get("model"))
        self.config = config
        self.streams = streams
        self.env = simpy.Environment()
        self.log = EventLog()
        self.calendar = Calendar(
            start=config.start_date,
            opens_min=clock_minutes(config.store.opens),
            closes_min=clock_minutes(config.store.closes),
            weekday_factors=tuple(config.store.weekday_factors),
            hourly_weights=tuple(config.store.hourly_weights),
        )
        self.catalog = Catalog.from_config(config.store.catalog)
        self.population = Population.generate(
            config.population,
            config.chain.stores,
            self.catalog.category_names,
            streams.get("population"),
        )
        self.membership = build_membership(config, self.catalog.category_names)
        self.membership_desk = MembershipDesk(
            self.env,
            self.log,
            self.calendar,
            self.membership,
            self.population,
            self.catalog,
            config.strategy.member_capture,
        )
        self.inventory = build_inventory(config)
        tracked = config.stock.enabled and config.mode == "store"
        self.ledger = build_ledger(config)
        # Without stock tracking, orders are not checked against stock: the store ships them.
        self.orders = build_orders(config, self.inventory if tracked else None, self.ledger)
        transfers = (
            StoreTransfers(
                self.env,
                self.log,
                self.calendar,
                self.inventory,
                self.orders,
                TransferRules(
                    short_days=config.stock.transfer_short_days,
                    long_days=config.stock.transfer_long_days,
                    target_days=config.stock.transfer_target_days,
                ),
            )
            if tracked and config.stock.transfers
            else None
        )
        self.stock_room = (
            StockRoom(
                self.env, self.log, self.calendar, self.inventory, config, self.catalog, transfers
            )
            if tracked
            else None
        )
        self.shop = OnlineShop(self.env, self.log, self.calendar, self.orders, self.catalog,
                               self.population, streams.get("online-shop"),
                               config.population.pickup_share)  # fmt: skip
        self.marketing = build_marketing(config)
        self.marketing_desk = MarketingDesk(
            self.env,
            self.log,
            self.calendar,
            self.marketing,
            self.membership,
            self.membership_desk,
            self.population,
            self.catalog,
            config.strategy.campaigns,
            config.population.online_orders_per_week,
            self.shop,
            streams.get("online"),
        )
        self.tiering = build_tiering(config)
        franchise = config.chain.franchise
        owners = [
            FranchiseOwner(
                self,
                site.id,
                franchise.initial_pool_share,
                franchise.hurdle_cents_per_week,
                franchise.step,
                franchise.max_pool_share,
            )
            for site in config.chain.stores
            if site.kind == "franchise"
        ]
        if self.stock_room is not None:  # the owners' opening shares, before anything sells
            at = self.calendar.datetime_at(0.0)
            for owner in owners:
                self.inventory.set_share(owner.store, SalesChannel.ONLINE, owner.pool_share, at)
        self.head_office = HeadOffice(
            self.env,
            self.log,
            self.calendar,
            self.orders,
            self.ledger,
            self.tiering,
            self.inventory if self.stock_room is not None else None,
            config.chain,
            owners,
        )
        self.devices = StoreDevices(
            self.env,
            config.hardware,
            streams,
            self.log,
            self.head_office.receive,
            swap_rolls_at_near_end=config.strategy.printer_roll == "swap_at_near_end",
        )
        self.stores = [
            StoreRuntime(
                self, site, config, self.calendar, self.population, self.catalog, streams, self.log
            )
            for site in config.chain.stores
        ]
        if config.mode == "store":
            store_ids = [site.id for site in config.chain.stores]
            self.shop.counters = {store.id: store.collect_order for store in self.stores}
            self.marketing_desk.store_budgets = self.head_office.campaign_budgets
            if self.stock_room is not None and config.stock.priority == "by_tier":
                self.stock_room.priority = self.head_office.stock_priority
            self.faults = self.devices.start_faults(store_ids, config.store.lanes, config.days)
            # First at every closing: head office books the day's last till sales, so that
            # every closing job after it (stock count, settlement) sees them all.
            self.env.process(self.head_office.intake(config.days))
            self.env.process(self.membership_desk.closing(store_ids, config.days))
            self.env.process(self.marketing_desk.run(config.days))
            if self.stock_room is not None:
                self.env.process(self.stock_room.closing(config.days))
            self.env.process(self.shop.closing(config.days))
            self.env.process(self.head_office.closing(config.days))
            turnover = StaffTurnover(self.env, self.log, self.calendar, self.membership,
                                     config.store.guide_turnover_per_year)  # fmt: skip
            for store in self.stores:
                rng = streams.get(f"staff-turnover/{store.id}")
                self.env.process(turnover.run(store, rng, config.days))

    @property
    def horizon_min(self) -> float:
        return self.config.days * MINUTES_PER_DAY

    def step(self) -> None:
        self.env.run(until=min(self.env.now + STEP_MIN, self.horizon_min))
        if self.env.now >= self.horizon_min:  # the run ends: book what the tills forwarded
            self.head_office.book_intake()

    def run(self) -> None:
        while self.env.now < self.horizon_min:
            self.step()
