"""The marketing center: campaigns from audience to funnel, through the contact policy.

A launch targets the audience in one pass of array operations: holdout drawn, reach and
policy checked, budget applied, sends counted, contents chosen, coupons issued. What happens
after (delivered, opened, clicked, orders) is reported back by whoever observes it; orders
are credited to every running campaign that assigned the member, treated or held out, so that
uplift compares like with like (intention to treat).

Promises: member ids, channels, cents and times are checked (`InvalidInput` naming the field)
before anything changes. Thread-safe: the center, its contact policy and its coupon book hold
one re-entrant lock in every public call, so a launch's checks and sends are one step and a
send through `center.policy` cannot slip between them. Idempotent: `create_campaign` and
`launch` by campaign key, coupon redemption by (coupon, order key).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from retail import checks
from retail.clock import checked_time, seconds
from retail.errors import Conflict, IllegalTransition, InvalidInput, NotFound
from retail.keys import KeyBlock
from retail.marketing import audience, personalisation
from retail.marketing.archive import Archiving, Outcomes
from retail.marketing.coupon_batch import RedemptionBatch
from retail.marketing.coupons import CouponBook, Redemption
from retail.marketing.policy import ContactPolicy
from retail.marketing.types import CampaignSpec, ContactRules, MessageChannel, Refusal
from retail.marketing.uplift import Uplift, uplift_from_outcomes
from retail.membership.snapshot import MemberSnapshot

EVENTS = ("delivered", "opened", "clicked")
ASSIGNED = ("member", "holdout", "sent", "reasons", "content", "coupon")  # fixed at launch


@dataclass(frozen=True)
class LaunchReport:
    key: str
    targeted: int
    holdout: int
    treated: int
    sent: int
    refused: dict[str, int]  # reason -> members refused for it (one member may have several)
    personalised: int
    coupons: int
    send_cost_cents: int


@dataclass
class Campaign:
    """One campaign and, once launched, one row per member of its audience (sorted by id)."""

    key: str
    code: int
    spec: CampaignSpec
    created: dt.datetime
    launched: dt.datetime | None = None
    report: LaunchReport | None = None
    rows: dict[str, np.ndarray] = field(default_factory=dict)
    outcomes: Outcomes | None = None  # once archived: what measurement reads, the rows gone
    archived_funnel: dict | None = None

    @property
    def credit_until(self) -> int:
        """Orders before this second count for the campaign."""
        end = self.spec.end or self.launched + dt.timedelta(days=14)
        return seconds(end)


class MarketingCenter(Archiving):
    def __init__(
        self, rules: ContactRules | None = None, store_tiers: Mapping[str, str] | None = None
    ) -> None:
        self._lock = threading.RLock()  # shared by the policy and the coupon book
        self.policy = ContactPolicy(rules, lock=self._lock)
        self.coupons = CouponBook(lock=self._lock)
        self.campaigns: dict[str, Campaign] = {}
        self.store_tiers = dict(store_tiers or {})

    # --- campaigns ----------------------------------------------------------------------
    def create_campaign(self, key: str, spec: CampaignSpec, at: dt.datetime) -> Campaign:
        """Idempotent under `key`: the same spec gives the same campaign, another is refused."""
        key = checks.key(key, "key")
        checked_time(at)
        if not isinstance(spec, CampaignSpec):
            raise InvalidInput("spec", f"must be a CampaignSpec, got {type(spec).__name__}")
        with self._lock:
            existing = self.campaigns.get(key)
            if existing is not None:
                if existing.spec != spec:
                    raise Conflict(f"campaign {key!r} exists with another spec")
                return existing
            campaign = Campaign(key, len(self.campaigns), spec, at)
            self.campaigns[key] = campaign
            return campaign

    def launch(self, key: str, snapshot: MemberSnapshot, at: dt.datetime) -> LaunchReport:
        """Target, check and send the whole campaign now. Launching again returns the report."""
        checked_time(at)
        with self._lock:
            campaign = self._find(key)
            if campaign.report is not None:
                return campaign.report
            spec = campaign.spec
            if (spec.start and at < spec.start) or (spec.end and at >= spec.end):
                raise InvalidInput("at", f"{at} is outside the schedule of campaign {key!r}")
            chosen = audience.select(snapshot, spec.audience, self.store_tiers)
            members = snapshot.member[chosen]
            held = audience.holdout(members, key, spec.holdout_share)
            reasons = np.zeros(len(members), np.uint16)
            reach = audience.reachable(snapshot, spec.channel)[chosen]
            reasons[~held & ~reach] = Refusal.UNREACHABLE
            asked = np.flatnonzero(~held & reach)
            reasons[asked] = self.policy.check_many(members[asked], spec.channel, at)
            go = asked[reasons[asked] == 0]
            go = self._within_budget(campaign, members, go, reasons)
            sent = np.zeros(len(members), bool)
            sent[go] = True
            # Everything that can refuse (contents, coupons) runs before the sends count.
            rows = self._rows(campaign, snapshot, chosen, members, held, reasons, sent, at)
            self.policy.send_many(members[go], spec.channel, at)
            campaign.rows = rows
            campaign.launched = at
            campaign.report = self._report(campaign)
            return campaign.report

    def _within_budget(
        self, campaign: Campaign, members: np.ndarray, go: np.ndarray, reasons: np.ndarray
    ) -> np.ndarray:
        """Those of `go` the budget covers, each send paying for itself and the most its
        coupon could cost; when it cannot cover all, a stable random draw decides who."""
        spec = campaign.spec
        unit = self.policy.rules.send_cost_cents.get(spec.channel, 0)
        unit += spec.offer.liability_cents if spec.offer else 0
        if spec.budget_cents is None or unit == 0 or len(go) * unit <= spec.budget_cents:
            return go
        affordable = spec.budget_cents // unit
        covered = audience.lowest(audience.draw(members[go], campaign.key + "/budget"), affordable)
        reasons[go[~covered]] |= np.uint16(Refusal.BUDGET)
        return go[covered]

    def _rows(self, campaign, snapshot, chosen, members, held, reasons, sent, at) -> dict:
        spec, n = campaign.spec, len(members)
        sent_rows = np.flatnonzero(sent)
        wants = spec.personalised & ~self.policy.personalisation_refused(members[sent_rows])
        content = np.full(n, -1, np.int16)
        content[sent_rows] = personalisation.choose(
            spec.contents, snapshot.segment[chosen][sent_rows],
            snapshot.top_category[chosen][sent_rows], snapshot.categories, wants,
        )  # fmt: skip
        coupon = np.full(n, -1, np.int64)
        if spec.offer is not None and len(sent_rows):
            coupon[sent_rows] = self.coupons.issue_many(
                members[sent_rows], spec.offer, at, campaign.code
            )
        never = np.full(n, -1, np.int64)
        return {
            "member": members, "holdout": held, "reasons": reasons, "sent": sent,
            "content": content, "coupon": coupon, "delivered": never, "opened": never.copy(),
            "clicked": never.copy(), "first_order": never.copy(),
            "orders": np.zeros(n, np.int32), "revenue": np.zeros(n, np.int64),
        }  # fmt: skip

    def _report(self, campaign: Campaign) -> LaunchReport:
        r, spec = campaign.rows, campaign.spec
        refused = {
            flag.name.lower(): int(((r["reasons"] & flag) != 0).sum())
            for flag in Refusal
            if ((r["reasons"] & flag) != 0).any()
        }
        personalised = [personalisation.is_personalised(c) for c in spec.contents]
        sent = int(r["sent"].sum())
        return LaunchReport(
            key=campaign.key,
            targeted=len(r["member"]),
            holdout=int(r["holdout"].sum()),
            treated=int((~r["holdout"]).sum()),
            sent=sent,
            refused=refused,
            personalised=int(np.asarray(personalised)[r["content"][r["sent"]]].sum()),
            coupons=int((r["coupon"] >= 0).sum()),
            send_cost_cents=sent * self.policy.rules.send_cost_cents.get(spec.channel, 0),
        )

    def assignments(self, key: str) -> pd.DataFrame:
        """The launched campaign's audience, one row per member: `holdout`, `sent`, `reasons`
        (Refusal bits), `content` (index into the spec's contents, -1 not sent), `coupon`
        (-1 none). What the send job hands to the channel gateway, and what analysis reads."""
        with self._lock:
            r = self._rows_of(key)
            columns = ("holdout", "sent", "reasons", "content", "coupon")
            return pd.DataFrame(
                {c: r[c] for c in columns}, index=pd.Index(r["member"], name="member")
            )

    def assignment_columns(self, key: str) -> dict[str, np.ndarray]:
        """`assignments` as columns, without a frame: `member` (sorted), `holdout`, `sent`,
        `reasons`, `content`, `coupon`, one row per member of the audience. Read-only views,
        O(1) at any audience size; what a launch decided never changes afterwards (an
        erasure replaces the columns, leaving views already handed out as they were)."""
        with self._lock:
            r = self._rows_of(key)
            columns = {}
            for name in ASSIGNED:
                view = r[name].view()
                view.flags.writeable = False
                columns[name] = view
            return columns

    # --- what happened next -------------------------------------------------------------
    def record(self, key: str, event: str, members: np.ndarray, at: dt.datetime) -> int:
        """Members who got, opened or clicked the campaign's message; the first time counts,
        and a later stage implies the earlier ones. Returns how many were new."""
        if event not in EVENTS:
            raise InvalidInput("event", f"must be one of {EVENTS}, got {event!r}")
        members, now = checks.member_ids(np.atleast_1d(members)), seconds(at)
        with self._lock:
            self._rows_of(key)
            campaign = self._launched(key)
            rows = self._positions(campaign, members)
            if not campaign.rows["sent"][rows].all():
                raise InvalidInput("members", f"{event} for members campaign {key!r} never sent to")
            fresh = 0
            for stage in EVENTS[: EVENTS.index(event) + 1]:
                column = campaign.rows[stage]
                new = rows[column[rows] < 0]
                column[new] = now
                fresh = len(new)
            return fresh

    def record_orders(self, members: np.ndarray, amounts_cents: np.ndarray, at: dt.datetime) -> int:
        """Customer orders (one per entry) at `at`: each is credited to every launched
        campaign still crediting that assigned the member. Returns the credits made."""
        members = checks.member_ids(np.atleast_1d(members))
        amounts = checks.cents_array(np.atleast_1d(amounts_cents), "amounts_cents")
        checks.same_length("record_orders", members=members, amounts_cents=amounts)
        now, credits = seconds(at), 0
        with self._lock:
            for campaign in self.campaigns.values():
                if (
                    campaign.launched is None
                    or campaign.outcomes is not None
                    or not seconds(campaign.launched) <= now < campaign.credit_until
                ):
                    continue
                r = campaign.rows
                pos, hit = _locate(r["member"], members)
                pos, paid = pos[hit], amounts[hit]
                np.add.at(r["orders"], pos, 1)
                np.add.at(r["revenue"], pos, paid)
                first = pos[r["first_order"][pos] < 0]
                r["first_order"][first] = now
                credits += len(pos)
        return credits

    def redeem(
        self, coupon: int, order_key: str, basket_cents: int, at: dt.datetime, member: int
    ) -> Redemption:
        return self.coupons.redeem(coupon, order_key, basket_cents, at, member)

    def redeem_many(
        self,
        coupons: np.ndarray,
        order_keys: Sequence[str] | KeyBlock,
        basket_cents: np.ndarray,
        at: dt.datetime,
        members: np.ndarray,
    ) -> RedemptionBatch:
        """`redeem` row by row in array operations, an outcome code per row instead of an
        exception (`RedeemOutcome`; batch semantics in `coupon_batch`)."""
        return self.coupons.redeem_many(coupons, order_keys, basket_cents, at, members)

    def send(self, member: int, channel: MessageChannel, at: dt.datetime) -> Refusal:
        """One message outside any campaign (a guide's 1:1, a service reply)."""
        return self.policy.send(member, channel, at)

    def opt_out(self, member: int, at: dt.datetime, channel: MessageChannel | None = None) -> None:
        self.policy.opt_out(member, at, channel)

    def opt_out_many(
        self, members: np.ndarray, at: dt.datetime, channel: MessageChannel | None = None
    ) -> None:
        """`opt_out` for each member (repeats allowed), in array operations."""
        self.policy.opt_out_many(members, at, channel)

    def erase(self, member: int) -> None:
        """Every trace of her goes: policy state, consent log, campaign rows; coupons stay in
        the accounts without her id."""
        member = checks.member_id(member)
        with self._lock:
            self.policy.forget(member)
            self.coupons.forget(member)
            for campaign in self.campaigns.values():
                keep = campaign.rows.get("member", np.empty(0)) != member
                campaign.rows = {name: column[keep] for name, column in campaign.rows.items()}

    # --- measurement --------------------------------------------------------------------
    def funnel(self, key: str) -> dict[str, int | float]:
        """Targeted to revenue for the treated group, with the holdout's figures beside."""
        with self._lock:
            campaign = self._launched(key)
            if campaign.archived_funnel is not None:
                return dict(campaign.archived_funnel)
            r, report = campaign.rows, campaign.report
            treated = ~r["holdout"]
            coupons = self.coupons.rows(r["coupon"][r["coupon"] >= 0])  # kept: not archived
            state = self.coupons.coupons.state[coupons]
            cost = self.coupons.coupons.cost_cents[coupons]
            funnel = {
                "targeted": report.targeted, "holdout": report.holdout,
                "treated": report.treated, "sent": int(r["sent"].sum()),
                **{f"refused_{k}": v for k, v in report.refused.items()},
                **{stage: int((r[stage] >= 0).sum()) for stage in EVENTS},
                "ordered": int((treated & (r["orders"] > 0)).sum()),
                "revenue_cents": int(r["revenue"][treated].sum()),
                "holdout_ordered": int((r["holdout"] & (r["orders"] > 0)).sum()),
                "holdout_revenue_cents": int(r["revenue"][r["holdout"]].sum()),
                "coupons": len(coupons), "redeemed": int((state == 1).sum()),
                "unsubscribed": self._unsubscribed(campaign),
                "cost_cents": report.send_cost_cents + int(cost.sum()),
            }  # fmt: skip
            funnel["redemption_rate"] = funnel["redeemed"] / max(len(coupons), 1)
            return funnel

    def funnels(self) -> pd.DataFrame:
        with self._lock:
            launched = [k for k, c in self.campaigns.items() if c.report is not None]
            rows = [self.funnel(k) for k in launched]
        return pd.DataFrame(rows, index=pd.Index(launched, name="campaign"))

    def uplift(self, key: str, confidence: float = 0.95) -> dict[str, Uplift]:
        """Treated over holdout, conversion and revenue per member, with their intervals."""
        with self._lock:
            campaign = self._launched(key)
            if campaign.outcomes is not None:
                return campaign.outcomes.uplift(confidence)
            r = campaign.rows
            return uplift_from_outcomes(~r["holdout"], r["orders"] > 0, r["revenue"], confidence)

    def _unsubscribed(self, campaign: Campaign) -> int:
        """Sent members who opted out while the campaign was crediting."""
        log = self.policy.consents
        opted = (log.opted_out & (log.channels != 0)) & (log.ts >= seconds(campaign.launched))
        opted &= log.ts < campaign.credit_until
        sent = campaign.rows["member"][campaign.rows["sent"]]
        return int(np.isin(sent, log.member[opted]).sum())

    # --- lookups ------------------------------------------------------------------------
    def _find(self, key: str) -> Campaign:
        campaign = self.campaigns.get(key)
        if campaign is None:
            raise NotFound("campaign", key)
        return campaign

    def _launched(self, key: str) -> Campaign:
        campaign = self._find(key)
        if campaign.report is None:
            raise IllegalTransition("campaign", key, "not launched", "measure")
        return campaign

    def _positions(self, campaign: Campaign, members: np.ndarray) -> np.ndarray:
        pos, found = _locate(campaign.rows["member"], members)
        if not found.all():
            missing = int((~found).sum())
            raise InvalidInput("members", f"{missing} not in the audience of {campaign.key!r}")
        return pos


def _locate(ids: np.ndarray, members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each member is in the sorted `ids`, and whether she is there at all."""
    pos = np.searchsorted(ids, members)
    found = pos < len(ids)
    found[found] = ids[pos[found]] == members[found]
    return pos, found
