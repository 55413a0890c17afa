"""HQ's campaigns in chain fidelity: the marketing desk's job (`sim.business.marketing_desk`)
with every member at once.

On a campaign day at its send time the marketing module launches the campaign on the
membership module's snapshot (audience, holdout, contact policy, budget); the response model
draws what each recipient does (open, click, order, unfollow) from her segment, category
fit, the offer's value and her fatigue (pushes in the last seven days); the module hears what
a platform reports; who orders does so an hour later with the push's coupon. When the credit
window ends the module's measured uplift is kept beside the true one. Left out against the
detailed desk: budgets split by store (`budget_split` other than `chain` run as `chain`).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from retail.errors import InvalidInput
from retail.marketing import Audience, CampaignSpec, Content, MessageChannel, Offer
from retail.membership import SEGMENT_NAMES
from sim.behaviour.push_response import ResponseModel
from sim.business.marketing_desk import GENERIC_FIT, OPENED_AFTER_MIN, ORDERED_AFTER_MIN
from sim.chain.moments import moment
from sim.config.schema import Campaigns

SEGMENTS = np.array([*SEGMENT_NAMES, ""], dtype=object)  # code -1 (never bought) is ""
FATIGUE_DAYS = 7  # pushes in the last this many days tire a member of the next


class ChainCampaigns:
    def __init__(self, modules, world, members, online, totals, campaigns: Campaigns,
                 online_rate_per_day: float, rng: np.random.Generator) -> None:  # fmt: skip
        self.marketing, self.membership = modules.marketing, modules.membership
        self.world, self.members, self.online, self.totals = world, members, online, totals
        self.campaigns, self.rng = campaigns, rng
        self.online_rate_per_day = online_rate_per_day
        self.response = ResponseModel()
        self.pushes: list[tuple[int, np.ndarray]] = []  # (day, persons sent to), recent
        self.pending: list[tuple[str, dt.datetime, float]] = []
        self.measured: list[tuple[str, float, float]] = []  # (key, measured, true uplift)

    def due(self, day: int) -> bool:
        c = self.campaigns
        return c.enabled and day >= c.first_day and (day - c.first_day) % c.every_days == 0

    def send(self, day: int, at_s: int) -> None:
        """The day's campaign, if one is due and anyone is a member to send it to."""
        if not self.due(day) or not (self.members.person_of >= 0).any():
            return
        c = self.campaigns
        at = moment(at_s)
        key = f"campaign-d{day}"
        offer = Offer(value=c.offer_cents, threshold_cents=c.threshold_cents,
                      valid_days=c.credit_days)  # fmt: skip
        contents = (Content("本周会员专享 This week's member offer"),
                    *(Content(f"新品 New in: {name}", category=name)
                      for name in self.world.catalog.category_names))  # fmt: skip
        end = at + dt.timedelta(days=c.credit_days)
        spec = CampaignSpec(name=key, channel=MessageChannel[c.channel],
                            audience=Audience(segments=tuple(c.segments)), offer=offer,
                            start=at, end=end, budget_cents=c.budget_cents,
                            holdout_share=c.holdout_share, contents=contents)  # fmt: skip
        snapshot = self.membership.snapshot(at)
        self.marketing.create_campaign(key, spec, at)
        report = self.marketing.launch(key, snapshot, at)
        rows = self.marketing.assignment_columns(key)
        assigned, sent_mask = rows["member"], rows["sent"].astype(bool)
        members = assigned[sent_mask]
        persons = self.members.person_of[members]
        p, answered = self._answers(day, members, persons, rows["content"][sent_mask], snapshot)
        self.marketing.record(key, "delivered", members, at)
        opened_at = at + dt.timedelta(minutes=OPENED_AFTER_MIN)
        self.marketing.record(key, "opened", members[answered["opened"]], opened_at)
        self.marketing.record(key, "clicked", members[answered["clicked"]], opened_at)
        gone = members[answered["unfollowed"]]
        if len(gone):
            self.marketing.opt_out_many(gone, opened_at)
        ordered = np.flatnonzero(answered["ordered"])
        if len(ordered):
            coupons = rows["coupon"][sent_mask][ordered]
            self.online.place(day, at_s + int(ORDERED_AFTER_MIN * 60), members[ordered],
                              coupon=coupons, threshold_cents=c.threshold_cents)  # fmt: skip
        self.pushes = [(d, sent) for d, sent in self.pushes if d > day - FATIGUE_DAYS]
        self.pushes.append((day, persons))
        self._count(day, assigned, rows, sent_mask, answered)
        window = c.credit_days * self.online_rate_per_day
        own = 1 - np.exp(-window * self.world.population.digital_adoption[persons])
        added = p["open"] * p["click"] * p["order"] * (1 - own)
        self.pending.append((key, end, float(added.sum()) / max(report.treated, 1)))

    def _answers(self, day, members, persons, content, snapshot):
        people = self.world.population
        codes = snapshot.segment[np.searchsorted(snapshot.member, members)]
        segments = SEGMENTS[np.where(codes >= 0, codes, len(SEGMENT_NAMES))]
        fit = np.full(len(members), GENERIC_FIT)
        personal = content > 0
        if personal.any():
            affinity = people.category_affinity[persons[personal], content[personal] - 1]
            fit[personal] = np.minimum(affinity * len(self.world.catalog.category_names), 1.0)
        value = self.campaigns.offer_cents / np.maximum(people.spending_power_cents[persons], 1)
        recent = [sent for d, sent in self.pushes if day - FATIGUE_DAYS < d <= day]
        contacts = (np.bincount(np.concatenate(recent), minlength=len(people))[persons] + 1
                    if recent else np.ones(len(members)))  # fmt: skip
        channel = self.campaigns.channel.lower()
        tolerance = people.contact_tolerance_per_week[persons]
        p = self.response.probabilities(channel, segments, fit, value, contacts, tolerance)
        return p, self.response.draw(self.rng.random((len(members), 4)), p)

    def _count(self, day, assigned, rows, sent_mask, answered) -> None:
        """Pushes per member's home store (members with none: the first store's row)."""
        home = np.maximum(self.members.home[assigned], 0)
        refused = ~rows["holdout"].astype(bool) & ~sent_mask
        t = self.totals
        t.add("pushes_sent", day, home[sent_mask])
        t.add("pushes_refused", day, home[refused])
        sent_home = home[sent_mask]
        for name, total in (("opened", "pushes_opened"), ("ordered", "push_orders"),
                            ("unfollowed", "unfollows")):  # fmt: skip
            t.add(total, day, sent_home[answered[name]])

    def close_day(self, at_s: int) -> None:
        """Campaigns whose credit window has ended: measured by the module, beside the truth."""
        at = moment(at_s)
        due = [entry for entry in self.pending if entry[1] <= at]
        self.pending = [entry for entry in self.pending if entry[1] > at]
        for key, _, true_uplift in due:
            try:
                measured = self.marketing.uplift(key)["conversion"]
            except InvalidInput:  # a group too small to measure: the module says so
                continue
            self.measured.append((key, measured.difference, true_uplift))
