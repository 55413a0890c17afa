"""The twin's wiring in three steps, as desmod builds a model: build every part from its own
settings, connect the one pair that needs each other, and write the day's jobs in one table.

Building goes in dependency order, each part handed what it needs at construction: the
business modules (`retail/`, behind their Protocols), then the desks that drive them
(membership, head office, stock, the online shop, marketing), then the devices, then the
stores, which are handed the desks they reach on their shoppers' behalf. Only the online
shop and the stores need each other (a store's endless aisle orders through the shop; the
shop books pickups at a store's counter): the shop is connected to the stores' counters once
they exist (`connect`). The day-job table (`day_jobs`) is the one place the order of the
day's jobs is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import mesa
import simpy

from retail.inventory import SalesChannel, TransferRules
from retail.ports import (
    InventoryPort,
    LedgerPort,
    MarketingPort,
    MembershipPort,
    OrderPort,
    TieringPort,
)
from sim.agents.franchise_owner import FranchiseOwner
from sim.business.endless_aisle import AisleOrders
from sim.business.guide_tasks import START_AFTER_OPENING_MIN, GuideTaskDesk
from sim.business.head_office import INTAKE_EVERY_MIN, HeadOffice
from sim.business.marketing_desk import AFTER_CLOSING_MIN, MarketingDesk
from sim.business.membership_desk import MemberBook, MembershipDesk
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
from sim.config.schema import RunConfig, Site
from sim.devices.store_devices import StoreDevices
from sim.engine.agenda import Agenda
from sim.engine.calendar import MINUTES_PER_DAY, Calendar
from sim.engine.day_jobs import DayJob, Run, at_clock, at_closing, at_opening, every
from sim.engine.events import EventLog
from sim.engine.streams import Streams
from sim.world.catalog import Catalog
from sim.world.population import Population, VisitorWeights
from sim.world.staff_turnover import StaffTurnover
from sim.world.store import DetailedStore, StoreDesks


@dataclass(frozen=True)
class Modules:
    """The business modules the twin drives, each behind its Protocol in `retail/ports.py`."""

    membership: MembershipPort
    inventory: InventoryPort
    orders: OrderPort
    ledger: LedgerPort
    marketing: MarketingPort
    tiering: TieringPort
    # The secrets the modules were given, for the end-of-run check that none reached a file.
    secrets: tuple[str, ...] = ()

    @classmethod
    def from_config(cls, config: RunConfig, categories: tuple[str, ...]) -> Modules:
        """Each module built from its Hydra `_target_` spec (`conf/modules/`)."""
        inventory, ledger = build_inventory(config), build_ledger(config)
        # Without stock tracking, orders are not checked against stock: the store ships them.
        orders = build_orders(config, inventory if config.stock.enabled else None, ledger)
        membership, secret = build_membership(config, categories)
        return cls(
            membership, inventory, orders, ledger, build_marketing(config), build_tiering(config),
            (secret,) if secret else (),
        )  # fmt: skip


@dataclass(frozen=True)
class Setting:
    """What every part is built in: the clock and its agenda, the event log, the calendar,
    the named random streams, the Mesa model that holds the agents, the people and goods;
    in a chain run in mixed fidelity, the chain's book of who each member is and where its
    choice model sends each store's visitors (None: the twin's own)."""

    env: simpy.Environment
    agenda: Agenda
    log: EventLog
    calendar: Calendar
    streams: Streams
    agents: mesa.Model
    population: Population
    catalog: Catalog
    book: MemberBook | None = None
    visitors: Callable[[Site], VisitorWeights] | None = None


@dataclass
class Parts:
    """Every part of the detailed twin, built and connected."""

    modules: Modules
    membership_desk: MembershipDesk
    head_office: HeadOffice
    owners: list[FranchiseOwner]
    stock_room: StockRoom | None
    transfers: StoreTransfers | None
    shop: OnlineShop
    marketing_desk: MarketingDesk
    devices: StoreDevices
    stores: list[DetailedStore]
    task_desks: list[GuideTaskDesk] = field(default_factory=list)
    turnover: StaffTurnover | None = None


def build(config: RunConfig, setting: Setting, modules: Modules) -> Parts:
    """Every part, in dependency order, each handed what it needs."""
    store_ids = [site.id for site in config.chain.stores]
    membership_desk = MembershipDesk(
        setting.log,
        setting.calendar,
        modules.membership,
        setting.population,
        setting.catalog,
        config.strategy.member_capture,
        store_ids,
        platform=modules.marketing.policy,
        book=setting.book,
    )
    owners = _franchise_owners(config, setting.agents)
    tracked = config.stock.enabled
    head_office = HeadOffice(
        setting.log,
        setting.calendar,
        modules.orders,
        modules.ledger,
        modules.tiering,
        modules.inventory if tracked else None,
        config.chain,
        owners,
    )
    transfers = stock_room = None
    if tracked:
        at = setting.calendar.datetime_at(0.0)
        for owner in owners:  # the owners' opening shares, before anything sells
            modules.inventory.set_share(owner.store, SalesChannel.ONLINE, owner.pool_share, at)
        stock = config.stock
        # In mixed fidelity the chain's stores have no demand rates the center could weigh
        # a transfer by: the stores in detail leave transfers out, as chain fidelity does.
        if stock.transfers and config.fidelity != "mixed":
            rules = TransferRules(
                short_days=stock.transfer_short_days,
                long_days=stock.transfer_long_days,
                target_days=stock.transfer_target_days,
            )
            transfers = StoreTransfers(
                setting.log, setting.calendar, modules.inventory, modules.orders, rules
            )
        priority = head_office.stock_priority if stock.priority == "by_tier" else None
        stock_room = StockRoom(
            setting.log,
            setting.calendar,
            modules.inventory,
            config,
            setting.catalog,
            transfers,
            priority,
        )
    shop = OnlineShop(
        setting.log,
        setting.calendar,
        modules.orders,
        setting.catalog,
        setting.population,
        setting.streams.get("online-shop"),
        setting.agenda,
        config.population.pickup_share,
    )
    marketing_desk = MarketingDesk(
        setting.log,
        setting.calendar,
        modules.marketing,
        modules.membership,
        membership_desk,
        setting.population,
        setting.catalog,
        config.strategy.campaigns,
        config.population.online_orders_per_week,
        shop,
        setting.streams.get("online"),
        setting.agenda,
        head_office.campaign_budgets,
    )
    devices = StoreDevices(
        setting.env,
        config.hardware,
        setting.streams,
        setting.log,
        head_office.receive,
        swap_rolls_at_near_end=config.strategy.printer_roll == "swap_at_near_end",
    )
    aisle = None
    if stock_room is not None and config.strategy.endless_aisle.enabled:
        aisle = AisleOrders(setting.log, setting.catalog, shop, membership_desk, stock_room)
    by_tier = config.chain.staff_hours == "by_tier"
    desks = StoreDesks(
        membership_desk,
        shop,
        stock_room,
        aisle,
        head_office.staff_hours_factor if by_tier else None,
    )
    stores = [
        DetailedStore(
            site,
            config,
            agents=setting.agents,
            env=setting.env,
            log=setting.log,
            calendar=setting.calendar,
            population=setting.population,
            catalog=setting.catalog,
            streams=setting.streams,
            devices=devices,
            desks=desks,
            visitors=setting.visitors(site) if setting.visitors else None,
        )
        for site in config.chain.stores
    ]
    tasks = config.strategy.guide_tasks
    horizon = config.days * MINUTES_PER_DAY
    task_desks = [
        GuideTaskDesk(
            store,
            setting.log,
            setting.calendar,
            modules.membership,
            membership_desk.person_of,
            tasks,
            setting.streams.get(f"guide_tasks/{store.id}"),
            horizon,
        )
        for store in stores
        if tasks.enabled
    ]
    turnover = StaffTurnover(
        setting.log,
        setting.calendar,
        modules.membership,
        config.store.guide_turnover_per_year,
        stores,
        setting.streams,
    )
    return Parts(
        modules,
        membership_desk,
        head_office,
        owners,
        stock_room,
        transfers,
        shop,
        marketing_desk,
        devices,
        stores,
        task_desks,
        turnover,
    )


def _franchise_owners(config: RunConfig, agents: mesa.Model) -> list[FranchiseOwner]:
    f = config.chain.franchise
    return [
        FranchiseOwner(
            agents, site.id, f.initial_pool_share, f.hurdle_cents_per_week, f.step, f.max_pool_share
        )
        for site in config.chain.stores
        if site.kind == "franchise"
    ]


def connect(parts: Parts) -> None:
    """The one connection made after building: the shop to the stores' pickup counters."""
    parts.shop.connect({store.id: store for store in parts.stores})


# The jobs a chain in mixed fidelity runs over all its members (`sim.chain.model`).
CHAIN_WIDE = ("campaign", "membership", "members online")


def day_jobs(parts: Parts, config: RunConfig) -> list[DayJob]:
    """The day's jobs in the order they run when due at the same minute: the one table.

    At opening, what was sent arrives before the doors open to shoppers; guides queue their
    tasks half an hour later; the campaign goes out at its send time. At closing, head office
    first books the day's last till sales, so that every closing job after it (the stock
    count, the settlement) sees them all; the membership job moves lifecycles and makes
    tomorrow's tasks before stock, the shop, head office and HR close their day; members'
    own online orders come after the closing jobs. In mixed fidelity the chain runs the
    chain-wide jobs (`CHAIN_WIDE`) for every store: the stores in detail run their own.
    """
    office, stock, shop = parts.head_office, parts.stock_room, parts.shop
    send_at = clock_minutes(config.strategy.campaigns.send_at)
    campaigns = config.strategy.campaigns.enabled
    task_desks = [desk.open_day for desk in parts.task_desks]
    table = [
        ("transfers arrive", at_opening(), parts.transfers and parts.transfers.open_day),
        ("stock arrives", at_opening(), stock and stock.open_day),
        ("guide tasks", at_opening(START_AFTER_OPENING_MIN), _each(task_desks)),
        ("campaign", at_clock(send_at), campaigns and parts.marketing_desk.send_campaign),
        ("till intake", every(INTAKE_EVERY_MIN), lambda day, at: office.book_intake(at)),
        ("till intake at closing", at_closing(), lambda day, at: office.book_intake(at)),
        ("membership", at_closing(), parts.membership_desk.close_day),
        ("stock review", at_closing(), stock and stock.close_day),
        ("online shop", at_closing(), shop.close_day),
        ("head office", at_closing(), office.close_day),
        ("staff turnover", at_closing(), parts.turnover and parts.turnover.close_day),
        ("members online", at_closing(AFTER_CLOSING_MIN), parts.marketing_desk.close_day),
    ]
    mine = config.fidelity != "mixed"
    return [DayJob(name, slot, run) for name, slot, run in table
            if run and (mine or name not in CHAIN_WIDE)]  # fmt: skip


def _each(runs: list[Run]) -> Run | None:
    """One job running each of `runs`, in order; None if there is none."""
    if not runs:
        return None

    def run(day: int, at: float) -> None:
        for each in runs:
            each(day, at)

    return run
