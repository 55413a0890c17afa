"""Head office: where till sales land (in the order center, which splits them in the revenue
ledger), and its closing jobs: the day's revenue-share settlement per store, the franchise
owners' reviews of what they share, and store tiering over a trailing window.

A till forwards each sale once its link is up (at once, or when an outage ends); head office
books it at the time it was rung up, idempotent by the terminal's sale key, so the twin can
check that every sale arrived exactly once whatever the uplink and terminals did. Its jobs
are day jobs (`book_intake` every `INTAKE_EVERY_MIN` and first at closing, `close_day` at
closing): they take the time as an argument.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from hardware_models.pos import SaleRecord
from retail.inventory import OrderLine, SalesChannel
from retail.orders import OrderSpec, OrderType
from retail.ports import InventoryPort, LedgerPort, OrderPort, TieringPort
from retail.stores import indicators
from sim.agents.franchise_owner import FranchiseOwner
from sim.business.events import (
    PoolShareChanged,
    PoolShareReported,
    RevenueShareSettled,
    StoreTiered,
)
from sim.config.schema import ChainConfig
from sim.engine.calendar import Calendar
from sim.engine.events import EventLog

SECONDS_PER_MINUTE = 60.0
INTAKE_EVERY_MIN = 15.0  # till sales reach the order center in batches, as a sales sync does


class HeadOffice:
    def __init__(
        self,
        log: EventLog,
        calendar: Calendar,
        orders: OrderPort,
        ledger: LedgerPort,
        tiering: TieringPort,
        inventory: InventoryPort | None,
        chain: ChainConfig,
        owners: list[FranchiseOwner],
    ) -> None:
        self.log, self.calendar = log, calendar
        self.orders, self.ledger, self.tiering, self.inventory = orders, ledger, tiering, inventory
        self.chain = chain
        self.owners = owners
        self.amounts: dict[str, int] = {}  # till sales received, by sale key
        self._intake: list[tuple[str, SaleRecord]] = []  # received, not yet booked
        self.flagged: set[str] = set()  # forwarded with a flag (e.g. over the offline cap)
        self.duplicates = 0
        self.tiers: dict[str, str] = {}
        self._pool_since_review: dict[str, int] = {owner.store: 0 for owner in owners}
        self._launched = {site.id: site.online_since for site in chain.stores}
        self._settled_rows = 0  # ledger postings settled so far

    # --- till sales ----------------------------------------------------------------------------
    def receive(self, store: str, sale: SaleRecord, flagged: bool) -> None:
        """A till forwarded a sale: booked with the next intake, at the time it was rung up."""
        if sale.key in self.amounts:
            self.duplicates += 1
            return
        self.amounts[sale.key] = sale.amount_cents
        if flagged:
            self.flagged.add(sale.key)
        self._intake.append((store, sale))

    def book_intake(self, at: float) -> None:
        """Book every till sale received and not yet booked, in one call to the order center
        (which splits them in the ledger); kept for the next intake if the call fails. `at`:
        the intake's simulation minute."""
        if not self._intake:
            return
        intake = self._intake
        keys, specs, ats = [], [], []
        for store, sale in intake:
            lines = tuple(OrderLine(sku, quantity, price) for sku, quantity, price in sale.items)
            keys.append(sale.key)
            specs.append(OrderSpec(OrderType.STORE_SALE, lines, store, guide=sale.salesperson
                                   or None, hold=sale.reference or None))  # fmt: skip
            ats.append(self.calendar.datetime_at(sale.at_s / SECONDS_PER_MINUTE))
        self.orders.book_store_sales(keys, specs, ats, self.calendar.datetime_at(at))
        self._intake = []

    @property
    def revenue_cents(self) -> int:
        return sum(self.amounts.values())

    # --- levers by tier ---------------------------------------------------------------------
    def _levers(self, budget_cents: int = 0) -> pd.DataFrame | None:
        """The tiering module's levers for every store by its current tier; None before the
        first tiering."""
        if not self.tiers:
            return None
        stores = [site.id for site in self.chain.stores]
        tiers = pd.DataFrame({"tier": [self.tiers[s] for s in stores]}, index=stores)
        return self.tiering.levers(tiers, budget_cents)

    def campaign_budgets(self, total_cents: int, by_tier: bool) -> dict[str, int]:
        """Each store's part of a campaign budget, to the cent: equal, or by the campaign share
        of its TOP tier (equal until the first tiering)."""
        levers = self._levers(total_cents) if by_tier else None
        if levers is not None:
            return levers["campaign_budget_cents"].to_dict()
        stores = [site.id for site in self.chain.stores]
        part, extra = divmod(total_cents, len(stores))
        return {store: part + (i < extra) for i, store in enumerate(stores)}

    def stock_priority(self) -> dict[str, int]:
        """Each store's place in the queue for short warehouse stock (lower goes first), by its
        TOP tier's lever; all equal until the first tiering."""
        levers = self._levers()
        if levers is None:
            return {site.id: 0 for site in self.chain.stores}
        return levers["stock_priority"].to_dict()

    def staff_hours_factor(self, store: str) -> float:
        """How much of its planned staff hours the store's TOP tier gets (1 until tiered)."""
        levers = self._levers()
        return 1.0 if levers is None else float(levers.loc[store, "staff_hours_factor"])

    # --- closing ---------------------------------------------------------------------------
    def close_day(self, day: int, at: float) -> None:
        """At closing: settle the day's shares, let the franchise owners review theirs when
        due, tier the stores."""
        franchise = self.chain.franchise
        when = self.calendar.datetime_at(at)
        start = dt.datetime.combine(self.calendar.date_of(at), dt.time())
        self._settle(at)
        if (day + 1) % franchise.review_every_days == 0:
            self._review_pool_shares(franchise.review_every_days, at)
        for owner in self.owners:
            self.log.append(PoolShareReported(at, owner.store, owner.pool_share))
        self._tier(at, when, start + dt.timedelta(days=1))

    def _settle(self, at: float) -> None:
        """Each store's shares of what the ledger posted since the last settlement (the ledger
        is append-only), its own till sales apart from the pool's orders."""
        frame = self.ledger.frame()
        frame, self._settled_rows = frame.iloc[self._settled_rows :], len(frame)
        frame = frame[frame["party_kind"] == "store"]
        from_till = frame["order"].isin(self.amounts.keys())
        for store in sorted(set(frame["party"])):  # stores, and the warehouse that ships
            mine = frame["party"] == store
            till = int(frame.loc[mine & from_till, "cents"].sum())
            pool = int(frame.loc[mine & ~from_till, "cents"].sum())
            if store in self._pool_since_review:  # what sharing her stock earned: shipping
                shipped = mine & ~from_till & (frame["role"] == "fulfil")
                self._pool_since_review[store] += int(frame.loc[shipped, "cents"].sum())
            if till or pool:
                orders = int(frame.loc[mine, "order"].nunique())
                self.log.append(RevenueShareSettled(at, store, till, pool, orders))

    def _review_pool_shares(self, days: int, at: float) -> None:
        for owner in self.owners:
            paid = self._pool_since_review[owner.store]
            self._pool_since_review[owner.store] = 0
            before = owner.pool_share
            after = owner.review(paid, days)
            if after != before:
                if self.inventory is not None:
                    when = self.calendar.datetime_at(at)
                    self.inventory.set_share(owner.store, SalesChannel.ONLINE, after, when)
                self.log.append(PoolShareChanged(at, owner.store, before, after, paid))

    def _tier(self, at: float, when: dt.datetime, end: dt.datetime) -> None:
        """Tiers over the trailing window of orders, by the tiering module's rules."""
        start = end - dt.timedelta(days=self.chain.tier_window_days)
        table = indicators(self._launched, self.orders.frame(), when, start, end)
        tiers = self.tiering.assign(table)
        for store, row in tiers.iterrows():
            previous = self.tiers.get(store, "")
            self.tiers[store] = row["tier"]
            self.log.append(
                StoreTiered(
                    at,
                    store,
                    row["tier"],
                    previous,
                    int(row["days_online"]),
                    float(row["penetration"]),
                    float(row["on_time_rate"]),  # NaN: nothing was due
                    row["reason"],
                )
            )
