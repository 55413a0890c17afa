"""HQ's marketing desk and the members' online channel.

Two day jobs. At the campaigns' send time (`send_campaign`), when a campaign is due, the
desk launches it through the marketing module on the membership module's snapshot; the
module decides who is sent what (audience, holdout, contact policy, budget). What recipients
do is the response model's call: the twin draws it, reports to the module what a platform
would report (delivered, opened, clicked, orders, unfollows), keeps the truth (the chance the push
added to each recipient's buying), and those who order do so an hour later. After closing
(`close_day`), members order online on their own (a rate scaled by their digital adoption),
and when a campaign's credit window has ended, the module's measured uplift is logged beside
the true one (unless the module finds a group too small to measure).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np

from retail.errors import IllegalTransition, InvalidInput
from retail.marketing import Audience, CampaignSpec, Content, Interaction, MessageChannel, Offer
from retail.membership import SEGMENT_NAMES
from retail.ports import MarketingPort, MembershipPort
from sim.behaviour.push_response import ResponseModel
from sim.business.events import CampaignMeasured, CampaignPushed, OnlineOrderPlaced
from sim.business.membership_desk import MembershipDesk
from sim.business.online_shop import OnlineShop
from sim.config.schema import Campaigns
from sim.engine.agenda import Agenda
from sim.engine.calendar import Calendar
from sim.engine.events import EventLog
from sim.world.catalog import Catalog
from sim.world.population import Population

AFTER_CLOSING_MIN = 30.0  # members' own orders: after the closing jobs (membership first)
ONLINE_STORE = "online"  # where membership books an online purchase
GENERIC_FIT = 0.3  # affinity fit of a message that names no category
OPENED_AFTER_MIN = 20.0  # a recipient who opens a push does so this long after it was sent
ORDERED_AFTER_MIN = 60.0  # ... and one who orders, this long after

# (total cents, by tier?) -> each store's part of a campaign budget (head office's split).
BudgetSplit = Callable[[int, bool], dict[str, int]]


class MarketingDesk:
    def __init__(
        self,
        log: EventLog,
        calendar: Calendar,
        marketing: MarketingPort,
        membership: MembershipPort,
        members: MembershipDesk,
        population: Population,
        catalog: Catalog,
        campaigns: Campaigns,
        online_orders_per_week: float,
        shop: OnlineShop,
        rng: np.random.Generator,
        agenda: Agenda,
        store_budgets: BudgetSplit | None = None,
    ) -> None:
        self.log, self.calendar, self.agenda = log, calendar, agenda
        self.marketing, self.membership, self.members = marketing, membership, members
        self.population, self.catalog = population, catalog
        self.campaigns = campaigns
        self.shop = shop
        self.online_rate_per_day = online_orders_per_week / 7.0
        self.rng = rng
        self.response = ResponseModel()
        self.pushes: list[tuple[int, np.ndarray]] = []  # (day, persons sent to): her fatigue
        self.pending: list[tuple[str, dt.datetime, float]] = []  # (campaign, end, true uplift)
        self.unfollowed: dict[int, dt.datetime] = {}  # member -> when she opted out (truth)
        self.launched: list[tuple[str, dt.datetime]] = []
        self.store_budgets = store_budgets  # needed by budget_split equal or by_tier

    def due(self, day: int) -> bool:
        """Whether a campaign goes out on `day`."""
        c = self.campaigns
        return c.enabled and day >= c.first_day and (day - c.first_day) % c.every_days == 0

    def send_campaign(self, day: int, at: float) -> None:
        """The campaigns' send time: the day's campaign, if one is due and anyone is a member
        or follower to send it to."""
        if self.due(day) and self.members.person_of:
            when = self.calendar.datetime_at(at)
            self._campaign(day, self.membership.snapshot(when), at)

    def close_day(self, day: int, at: float) -> None:
        """After closing: the members' own online orders of the day, and the measurement of
        campaigns whose credit window has ended."""
        when = self.calendar.datetime_at(at)
        members, persons = self._members()
        if len(members):
            self._own_orders(members, persons, self.membership.snapshot(when), at)
        self._measure(at)

    # --- members ordering on their own ------------------------------------------------------
    def _members(self) -> tuple[np.ndarray, np.ndarray]:
        """Registered members (ids sorted) and who they are."""
        pairs = sorted((m, p) for p, m in self.members.member_of.items())
        members = np.array([m for m, _ in pairs], np.int64)
        return members, np.array([p for _, p in pairs], np.int64)

    def _own_orders(self, members, persons, snapshot, at: float) -> None:
        chance = self.online_rate_per_day * self.population.digital_adoption[persons]
        buying = self.rng.random(len(members)) < chance
        for member, person in zip(members[buying], persons[buying], strict=True):
            self._order(int(member), int(person), snapshot, at, coupon=None)

    def _order(self, member: int, person: int, snapshot, at: float, coupon: int | None):
        """An online order of hers through the shop (order center, inventory center); it
        counts once allocated (see `_allocated`)."""
        store = _home_store(snapshot, member)
        lines, _ = self.shop.basket(person)

        def allocated(key: str, value: int, shipped: dict[str, int], at: float) -> None:
            self._allocated(key, value, at, member, store, coupon)

        self.shop.place(member, person, store, lines, at, then=allocated, may_pick_up=True)

    def _allocated(self, key: str, value: int, at: float, member: int, store: str,
                   coupon: int | None) -> None:  # fmt: skip
        """The order will ship `value`: the coupon is redeemed against it if it applies, the
        purchase booked with membership (points, affinity) and credited by marketing."""
        when = self.calendar.datetime_at(at)
        discount = 0
        if coupon is not None and value >= self.campaigns.threshold_cents:
            try:
                discount = self.marketing.redeem(coupon, key, value, when, member).discount_cents
            except IllegalTransition:  # it expired while the order waited for stock
                discount = 0
        paid = value - discount
        self.membership.record_purchase(member, when, ONLINE_STORE, paid)
        self.marketing.policy.interact(member, Interaction.PAYMENT, when)
        self.marketing.record_orders(np.array([member]), np.array([paid]), when)
        self.log.append(OnlineOrderPlaced(at, store, member, paid, discount, coupon is not None))

    # --- campaigns ----------------------------------------------------------------------------
    def _campaign(self, day: int, snapshot, at: float) -> None:
        """The day's campaign: one for the chain, or one per store with its part of the budget."""
        c = self.campaigns
        key = f"campaign-d{day}"
        segments = tuple(c.segments)
        if c.budget_split == "chain":
            self._launch(day, key, Audience(segments=segments), c.budget_cents, snapshot, at)
            return
        budgets = self.store_budgets(c.budget_cents, c.budget_split == "by_tier")
        for store, budget in budgets.items():
            audience = Audience(segments=segments, stores=(store,))
            self._launch(day, f"{key}-{store}", audience, budget, snapshot, at)

    def _launch(self, day: int, key: str, audience: Audience, budget_cents: int | None,
                snapshot, t: float) -> None:  # fmt: skip
        c = self.campaigns
        at = self.calendar.datetime_at(t)
        end = at + dt.timedelta(days=c.credit_days)
        offer = Offer(
            value=c.offer_cents, threshold_cents=c.threshold_cents, valid_days=c.credit_days
        )
        contents = (
            Content("本周会员专享 This week's member offer"),
            *(
                Content(f"新品 New in: {name}", category=name)
                for name in self.catalog.category_names
            ),
        )
        spec = CampaignSpec(name=key, channel=MessageChannel[c.channel], audience=audience,
                            offer=offer, start=at, end=end, budget_cents=budget_cents,
                            holdout_share=c.holdout_share, contents=contents)  # fmt: skip
        self.marketing.create_campaign(key, spec, at)
        report = self.marketing.launch(key, snapshot, at)
        self.launched.append((key, at))
        table = self.marketing.assignments(key)
        sent = table[table["sent"]]
        members = sent.index.to_numpy()
        persons = np.array([self.members.person_of[m] for m in members], np.int64)
        p, answered = self._answers(day, members, persons, sent["content"].to_numpy(), snapshot)
        self.marketing.record(key, "delivered", members, at)
        opened_at = at + dt.timedelta(minutes=OPENED_AFTER_MIN)
        self.marketing.record(key, "opened", members[answered["opened"]], opened_at)
        self.marketing.record(key, "clicked", members[answered["clicked"]], opened_at)
        for member in members[answered["unfollowed"]]:
            self.marketing.opt_out(int(member), opened_at)
            self.unfollowed.setdefault(int(member), opened_at)
        coupons = sent["coupon"].to_numpy()
        orders = [
            (int(members[i]), int(persons[i]), int(coupons[i]) if coupons[i] >= 0 else None)
            for i in np.flatnonzero(answered["ordered"])
        ]
        if orders:
            self.agenda.call_at(t + ORDERED_AFTER_MIN,
                                lambda at: self._push_orders(orders, snapshot, at))  # fmt: skip
        self.pushes.append((day, persons))
        self._log_pushes(t, key, table, members, answered, snapshot)
        # Truth, intention to treat: what the push added to the chance of ordering at all in
        # the window, averaged over every treated member (sent or not).
        window = self.campaigns.credit_days * self.online_rate_per_day
        own = 1 - np.exp(-window * self.population.digital_adoption[persons])
        added = p["open"] * p["click"] * p["order"] * (1 - own)
        self.pending.append((key, end, float(added.sum()) / max(report.treated, 1)))

    def _push_orders(self, orders: list[tuple[int, int, int | None]], snapshot, at: float):
        """Recipients the push made order, in the mini-program, with the push's coupon."""
        for member, person, coupon in orders:
            self._order(member, person, snapshot, at, coupon)

    def _answers(self, day, members, persons, content, snapshot):
        """Her chances and what she did: segment, category fit, offer value and fatigue."""
        segment_codes = snapshot.segment[np.searchsorted(snapshot.member, members)]
        segments = np.array([SEGMENT_NAMES[s] if s >= 0 else "" for s in segment_codes])
        fit = np.full(len(members), GENERIC_FIT)
        personal = content > 0  # content k > 0 names category k - 1 (see _campaign)
        if personal.any():
            affinity = self.population.category_affinity[persons[personal], content[personal] - 1]
            fit[personal] = np.minimum(affinity * len(self.catalog.category_names), 1.0)
        value = self.campaigns.offer_cents / np.maximum(
            self.population.spending_power_cents[persons], 1
        )
        recent = [sent for d, sent in self.pushes if day - 7 < d <= day]
        contacts = (
            np.bincount(np.concatenate(recent), minlength=len(self.population))[persons] + 1
            if recent
            else np.ones(len(members))
        )
        channel = self.campaigns.channel.lower()
        tolerance = self.population.contact_tolerance_per_week[persons]
        p = self.response.probabilities(channel, segments, fit, value, contacts, tolerance)
        return p, self.response.draw(self.rng.random((len(members), 4)), p)

    def _log_pushes(self, t: float, key, table, members, answered, snapshot) -> None:
        home = _home_stores(snapshot, table.index.to_numpy())
        sent_home = home[table["sent"].to_numpy()]
        for store in sorted(set(home)):
            mine = home == store
            done = sent_home == store
            self.log.append(
                CampaignPushed(
                    t, store, key, int(mine.sum()),
                    int(table["holdout"].to_numpy()[mine].sum()), int(done.sum()),
                    int((~table["holdout"].to_numpy() & ~table["sent"].to_numpy())[mine].sum()),
                    *(int(answered[k][done].sum())
                      for k in ("opened", "clicked", "ordered", "unfollowed")),
                )
            )  # fmt: skip

    def _measure(self, t: float) -> None:
        at = self.calendar.datetime_at(t)
        due = [entry for entry in self.pending if entry[1] <= at]
        self.pending = [entry for entry in self.pending if entry[1] > at]
        for key, _, true_uplift in due:
            try:
                measured = self.marketing.uplift(key)["conversion"]
            except InvalidInput:  # a group too small to measure: the module says so
                continue
            funnel = self.marketing.funnel(key)
            self.log.append(
                CampaignMeasured(
                    t, "chain", key, measured.difference, measured.low, measured.high,
                    true_uplift, int(funnel["coupons"]), int(funnel["redeemed"]),
                )
            )  # fmt: skip


def _home_stores(snapshot, members: np.ndarray) -> np.ndarray:
    """Each member's home store name (`online` for one who has none)."""
    codes = snapshot.store[np.searchsorted(snapshot.member, members)]
    names = np.array([*snapshot.stores, ONLINE_STORE], dtype=object)
    return names[np.where(codes >= 0, codes, len(snapshot.stores))]


def _home_store(snapshot, member: int) -> str:
    return str(_home_stores(snapshot, np.array([member]))[0])
