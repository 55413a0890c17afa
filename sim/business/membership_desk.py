"""The till's conversation with the membership module.

A customer who is already a member gives her number as she types it; the module finds her
and records the purchase (points, affinity). One who is not is asked to join, if the
strategy says so: whether she agrees is the behaviour model's call, what is recorded is the
module's. Registering takes time at the till. At closing the module's daily job runs
(`close_day`, a day job). The WeChat platform hears of what the till saw (a follow, a
payment) and tells marketing's contact policy, which opens a customer-service window.
"""

from __future__ import annotations

import numpy as np

from retail.marketing import Interaction
from retail.membership import Channel
from retail.ports import ContactPolicyPort, MembershipPort
from sim.behaviour.capture import CaptureModel
from sim.business.events import (
    CaptureAsked,
    FollowerGained,
    MemberPurchaseRecorded,
    MemberRegistered,
    MembershipClosed,
    MembershipDailyRun,
)
from sim.config.schema import MemberCapture
from sim.engine.calendar import Calendar
from sim.engine.events import EventLog
from sim.world.catalog import Catalog
from sim.world.population import Population


class MemberBook:
    """Who each record is, as the tills learn it: person -> member id (her phone tells the
    till) and record (member or follower) -> person (the twin's truth). A chain run in mixed
    fidelity hands its own book (`sim.chain.members.SharedBook`), so that its tills and the
    detailed ones know the same members."""

    def __init__(self) -> None:
        self.member_of: dict[int, int] = {}
        self.person_of: dict[int, int] = {}

    def joined(self, person: int, member: int, store: str) -> None:
        self.member_of[person] = member
        self.person_of[member] = person

    def followed(self, follower: int, person: int, store: str) -> None:
        self.person_of[follower] = person


class MembershipDesk:
    def __init__(
        self,
        log: EventLog,
        calendar: Calendar,
        membership: MembershipPort,
        population: Population,
        catalog: Catalog,
        capture: MemberCapture,
        stores: list[str],
        platform: ContactPolicyPort | None = None,
        book: MemberBook | None = None,
    ) -> None:
        self.log, self.calendar = log, calendar
        self.membership = membership
        self.population = population
        self.catalog = catalog
        self.capture = capture
        self.stores = stores
        self.platform = platform
        self.model = CaptureModel()
        self.book = book or MemberBook()
        self.member_of = self.book.member_of  # read by the store's beacon, guides, marketing
        self.person_of = self.book.person_of

    def at_till(
        self,
        store: str,
        visit: int,
        person: int,
        staff: str,
        staff_skill: float,
        waiting: int,
        u: float,
        picks: list[int],
        amount_cents: int,
        t: float,
    ) -> float:
        """After payment at minute `t`: record a member's purchase, or ask a non-member to
        join. Returns the extra seconds the conversation took at the till."""
        at = self.calendar.datetime_at(t)
        extra_s = 0.0
        member = self.member_of.get(person)
        if member is None and self.capture.enabled:
            self.log.append(CaptureAsked(t, store, visit, staff))
            joins, follows = self.model.decide(
                np.array([u]),
                self.population.digital_adoption[person : person + 1],
                staff_skill,
                self.capture.incentive_cents,
                waiting,
            )
            if follows[0]:
                follower = self.membership.follow(
                    self.population.openid(person), at, store, staff, Channel.STORE_QR
                )
                self.book.followed(follower, person, store)
                if self.platform is not None:
                    self.platform.interact(follower, Interaction.FOLLOW, at)
                self.log.append(FollowerGained(t, store, visit, follower, staff))
            if joins[0]:
                member = self.membership.register(
                    self.population.typed_phone(person),
                    at,
                    store,
                    staff,
                    Channel.STORE_QR,
                    openid=self.population.openid(person),
                )
                self.book.joined(person, member, store)
                self.log.append(MemberRegistered(t, store, visit, member, staff))
                extra_s = self.capture.extra_service_s
        if member is not None:
            # She types her number at the till; the module finds her by it.
            member = self.membership.resolve("mobile", self.population.typed_phone(person))
            categories: dict[str, int] = {}
            for i in picks:
                name = self.catalog.categories[i]
                categories[name] = categories.get(name, 0) + self.catalog.prices[i]
            points = self.membership.record_purchase(member, at, store, amount_cents, categories)
            if self.platform is not None:
                self.platform.interact(member, Interaction.PAYMENT, at)
            self.log.append(MemberPurchaseRecorded(t, store, visit, member, points))
        return extra_s

    def close_day(self, day: int, at: float) -> None:
        """The module's daily job after the stores close, then each store's member figures."""
        done = self.membership.run_daily(self.calendar.datetime_at(at))
        self.log.append(MembershipDailyRun(at, done["stage_changes"], done["tasks_created"]))
        figures = self.membership.members_by_store()
        for store in self.stores:
            if store in figures.index:
                row = figures.loc[store]
                self.log.append(
                    MembershipClosed(
                        at, store, int(row["active"]), int(row["buyers"]), int(row["repeat_buyers"])
                    )
                )
