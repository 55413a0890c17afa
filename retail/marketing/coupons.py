"""Coupons: issued to a member, redeemed exactly once against an order, or expired.

A coupon's id is its row plus `first`, the number of coupons archived before it (the oldest
leave as a block, `archive`). Its cost to the chain is known at redemption (the discount given,
the gift's cost, or the points' cost), in integer cents; until then the offer's
`liability_cents` is what it could cost. Redemption is idempotent by (coupon, order key).
Thread-safe: every public call holds the book's one re-entrant lock (a marketing center
shares its own); a refused call changes nothing, except that a coupon found past its validity
is marked expired (time passing, as `expire` would).
"""

from __future__ import annotations

import datetime as dt
import enum
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from retail import checks
from retail.clock import SECONDS_PER_DAY, seconds
from retail.columns import Columns
from retail.errors import Archived, Conflict, IllegalTransition, InvalidInput, NotFound
from retail.keys import KeyBlock
from retail.marketing.coupon_batch import (
    RedeemOutcome,
    RedemptionBatch,
    checked_keys,
    join_key,
    redeem_rows,
    split_key,
)
from retail.marketing.types import Offer, OfferKind


class CouponState(enum.IntEnum):
    ISSUED = 0
    REDEEMED = 1
    EXPIRED = 2


@dataclass(frozen=True)
class Redemption:
    coupon: int
    order_key: str
    discount_cents: int  # off the basket
    points: int  # bonus points to credit
    cost_cents: int  # what the chain pays: discount, gift or points


COUPON_COLUMNS = {
    "member": (np.int64, -1),
    "campaign": (np.int32, -1),
    "offer": (np.int16, 0),
    "issued_s": (np.int64, 0),
    "expires_s": (np.int64, 0),
    "state": (np.int8, CouponState.ISSUED),
    "redeemed_s": (np.int64, -1),
    "cost_cents": (np.int64, 0),
    "discount_cents": (np.int64, 0),
    "order_prefix": (np.int32, -1),  # the redeeming order's key, as `coupon_batch` keeps it
    "order_number": (np.int64, -1),
}
KEY_COLUMNS = ("order_prefix", "order_number")
STATE_NAMES = np.array([state.name.lower() for state in CouponState])  # by code


class CouponBook:
    """Every coupon ever issued. Every call is serialised (`lock`, its own unless a marketing
    center shares one), so also under threads a coupon is redeemed at most once."""

    def __init__(self, lock: threading.RLock | None = None) -> None:
        self.coupons = Columns(COUPON_COLUMNS)
        self.first = 0  # the id of row 0: ids below it were archived
        self.offers: list[Offer] = []
        self._offer_codes: dict[Offer, int] = {}
        self.redemptions: dict[int, Redemption] = {}  # those asked for one by one, cached
        self._prefixes: list[str] = []  # order key prefixes, by code
        self._prefix_codes: dict[str, int] = {}
        self._lock = lock or threading.RLock()

    def issue(self, member: int, offer: Offer, at: dt.datetime, campaign: int = -1) -> int:
        return int(self.issue_many(np.array([member]), offer, at, campaign)[0])

    def issue_many(
        self, members: np.ndarray, offer: Offer, at: dt.datetime, campaign: int = -1
    ) -> np.ndarray:
        """One coupon per member, valid for `offer.valid_days` from `at`. Returns their ids."""
        members = checks.member_ids(members)
        if not isinstance(offer, Offer):
            raise InvalidInput("offer", f"must be an Offer, got {type(offer).__name__}")
        campaign = checks.integer(campaign, "campaign", -1, 2**31 - 1, "a campaign code")
        now = seconds(at)
        with self._lock:
            rows = self.coupons.extend(
                member=members,
                campaign=np.full(len(members), campaign, np.int32),
                offer=np.full(len(members), self._offer_code(offer), np.int16),
                issued_s=np.full(len(members), now),
                expires_s=np.full(len(members), now + offer.valid_days * SECONDS_PER_DAY),
            )
        return np.arange(rows.start + self.first, rows.stop + self.first, dtype=np.int64)

    def rows(self, coupons: np.ndarray) -> np.ndarray:
        """The rows of coupons still kept (their ids less `first`)."""
        return np.asarray(coupons, np.int64) - self.first

    def redeem(
        self, coupon: int, order_key: str, basket_cents: int, at: dt.datetime, member: int
    ) -> Redemption:
        """Redeem against an order. Asking again for the same order returns the same
        redemption; any other order is refused (`Conflict`), as are an expired coupon, another
        member's coupon and a basket below the threshold (nothing changes then)."""
        coupon = checks.integer(coupon, "coupon", -(2**63), 2**63 - 1, "a coupon id")
        order_key = checks.key(order_key, "order_key")
        basket_cents = checks.cents(basket_cents, "basket_cents")
        member, now = checks.member_id(member), seconds(at)
        with self._lock:
            c, row = self.coupons, coupon - self.first
            if 0 <= coupon < self.first:
                raise Archived("coupon", coupon)
            if not 0 <= row < c.size:
                raise NotFound("coupon", coupon)
            if int(c.member[row]) != member:
                raise InvalidInput("member", f"coupon {coupon} belongs to another member")
            done = self._redemption_of(coupon)
            if done is not None:
                if done.order_key == order_key:
                    return done
                raise Conflict(f"coupon {coupon} was already redeemed for order {done.order_key!r}")
            if c.state[row] == CouponState.EXPIRED or now >= c.expires_s[row]:
                c.state[row] = CouponState.EXPIRED
                raise IllegalTransition("coupon", coupon, "expired", "redeem")
            offer = self.offers[c.offer[row]]
            if basket_cents < offer.threshold_cents:
                raise InvalidInput(
                    "basket_cents", f"{basket_cents} is below the threshold {offer.threshold_cents}"
                )
            redemption = _redemption(coupon, order_key, basket_cents, offer)
            c.state[row] = CouponState.REDEEMED
            c.redeemed_s[row] = now
            c.cost_cents[row] = redemption.cost_cents
            c.discount_cents[row] = redemption.discount_cents
            prefix, number = split_key(order_key)
            c.order_prefix[row] = self._prefix_code(prefix)
            c.order_number[row] = number
            self.redemptions[coupon] = redemption
            return redemption

    def redeem_many(
        self,
        coupons: np.ndarray,
        order_keys: Sequence[str] | KeyBlock,
        basket_cents: np.ndarray,
        at: dt.datetime,
        members: np.ndarray,
    ) -> RedemptionBatch:
        """`redeem` for each row in turn at `at`, a refusal an outcome code instead of an
        exception (semantics and codes: `retail.marketing.coupon_batch`). A malformed batch
        is an `InvalidInput` and changes nothing."""
        coupons = checks.integers(coupons, "coupons", -(2**63), 2**63 - 1, "a coupon id")
        baskets = checks.cents_array(basket_cents, "basket_cents")
        members = checks.member_ids(members)
        n = checks.same_length(
            "redeem_many", coupons=coupons, basket_cents=baskets, members=members
        )
        prefixes, numbers = checked_keys(order_keys, n)  # refuses a length other than n
        now = seconds(at)
        with self._lock:
            codes = self._prefix_lookup(prefixes)
            batch = redeem_rows(self, coupons - self.first, codes, numbers, baskets, members,
                                now)  # fmt: skip
            batch.result.outcome[(coupons >= 0) & (coupons < self.first)] = RedeemOutcome.ARCHIVED
            won = batch.winners
            if len(won):
                c, rows = self.coupons, batch.winner_rows
                if len(prefixes) == 1:
                    c.order_prefix[won] = self._prefix_code(prefixes[0])
                else:
                    c.order_prefix[won] = [self._prefix_code(prefixes[i]) for i in rows.tolist()]
                c.order_number[won] = numbers[rows]
                c.state[won] = CouponState.REDEEMED
                c.redeemed_s[won] = now
                c.cost_cents[won] = batch.result.cost_cents[rows]
                c.discount_cents[won] = batch.result.discount_cents[rows]
            self.coupons.state[batch.expired] = CouponState.EXPIRED
            return batch.result

    def expire(self, at: dt.datetime) -> int:
        """Coupons past their validity and still unused become expired; returns how many."""
        now = seconds(at)
        with self._lock:
            c = self.coupons
            due = (c.state == CouponState.ISSUED) & (c.expires_s <= now)
            c.state[due] = CouponState.EXPIRED
            return int(due.sum())

    def liability_cents(self, campaign: int | None = None) -> int:
        """What the still-usable coupons (of one campaign, or all) could cost at most."""
        with self._lock:
            c = self.coupons
            open_ = c.state == CouponState.ISSUED
            if campaign is not None:
                open_ &= c.campaign == campaign
            per_offer = np.array([o.liability_cents for o in self.offers] or [0], np.int64)
            return int(per_offer[c.offer[open_]].sum())

    def frame(self) -> pd.DataFrame:
        with self._lock:
            c = self.coupons
            frame = pd.DataFrame(c.arrays()).drop(columns=list(KEY_COLUMNS))
            frame["state"] = STATE_NAMES[c.state]
            frame.index += self.first
        return frame.rename_axis("coupon")

    def archive(self, before: dt.datetime, settled: np.ndarray) -> pd.DataFrame:
        """Forget the oldest coupons that were redeemed or expired before `before`, of a
        campaign in `settled` (codes; -1, no campaign, always is), and return them: every
        column of `frame` (state `expired` for one unused past its validity) and the
        redeeming `order_key`. They leave as a block from the oldest: a coupon still open
        keeps every later one. Redeeming one of them is refused as `Archived`."""
        limit = seconds(before)
        with self._lock:
            c = self.coupons
            done = np.where(c.state == CouponState.REDEEMED, c.redeemed_s < limit,
                            c.expires_s <= limit)  # fmt: skip
            done &= (c.campaign == -1) | np.isin(c.campaign, settled)
            n = int(np.argmin(done)) if not done.all() else c.size
            if n == 0:
                return pd.DataFrame()
            block = {name: column[:n].copy() for name, column in c.arrays().items()}
            redeemed = block["state"] == CouponState.REDEEMED
            block["state"][~redeemed] = CouponState.EXPIRED
            table = pd.DataFrame(block).drop(columns=list(KEY_COLUMNS))
            table.insert(0, "coupon", np.arange(self.first, self.first + n))
            table["state"] = STATE_NAMES[block["state"]]
            keys = np.full(n, None, object)
            prefix, number = block["order_prefix"][redeemed], block["order_number"][redeemed]
            keys[redeemed] = [join_key(self._prefixes[p], int(m))
                              for p, m in zip(prefix, number, strict=True)]  # fmt: skip
            table["order_key"] = pd.array(keys, dtype="string")
            c.compact(np.arange(c.size) >= n)
            self.first += n
            self.redemptions = {k: v for k, v in self.redemptions.items() if k >= self.first}
            return table

    def forget(self, member: int) -> None:
        """Erasure: her coupons stay for the campaign's accounts, no longer tied to her."""
        member = checks.member_id(member)
        with self._lock:
            self.coupons.member[self.coupons.member == member] = -1

    def _redemption_of(self, coupon: int) -> Redemption | None:
        """The coupon's redemption, if it was redeemed (one by one or in a batch)."""
        done = self.redemptions.get(coupon)
        c, row = self.coupons, coupon - self.first
        if done is None and c.state[row] == CouponState.REDEEMED:
            offer = self.offers[c.offer[row]]
            key = join_key(self._prefixes[c.order_prefix[row]], int(c.order_number[row]))
            points = offer.value if offer.kind == OfferKind.POINTS else 0
            discount, cost = int(c.discount_cents[row]), int(c.cost_cents[row])
            done = self.redemptions[coupon] = Redemption(coupon, key, discount, points, cost)
        return done

    def _prefix_lookup(self, prefixes: list[str]) -> np.ndarray:
        """Their codes, without keeping them: a prefix never kept gets a negative code of
        its own (-2, -3, ...), which matches no redeemed coupon."""
        known, fresh = self._prefix_codes, {}
        codes = [known[p] if p in known else fresh.setdefault(p, -2 - len(fresh)) for p in prefixes]
        return np.array(codes, np.int64)

    def _prefix_code(self, prefix: str) -> int:
        code = self._prefix_codes.get(prefix)
        if code is None:
            code = self._prefix_codes[prefix] = len(self._prefixes)
            self._prefixes.append(prefix)
        return code

    def _offer_code(self, offer: Offer) -> int:
        if offer not in self._offer_codes:
            self._offer_codes[offer] = len(self.offers)
            self.offers.append(offer)
        return self._offer_codes[offer]


def _redemption(coupon: int, order_key: str, basket_cents: int, offer: Offer) -> Redemption:
    discount = points = cost = 0
    if offer.kind == OfferKind.AMOUNT_OFF:
        discount = cost = min(offer.value, basket_cents)
    elif offer.kind == OfferKind.PERCENT_OFF:
        discount = basket_cents * offer.value // 100  # whole cents, rounded down
        if offer.max_discount_cents is not None:
            discount = min(discount, offer.max_discount_cents)
        cost = discount
    elif offer.kind == OfferKind.GIFT:
        cost = offer.value
    else:
        points, cost = offer.value, offer.liability_cents
    return Redemption(coupon, order_key, int(discount), int(points), int(cost))
