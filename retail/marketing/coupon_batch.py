"""Coupons redeemed many at once: a batch of (coupon, order key, basket, member) rows in
array operations, with an outcome code per row instead of an exception.

Batch semantics: the rows are taken in order, as if `CouponBook.redeem` were called for each
one after another at the one time `at`, except that a refusal is an outcome code and not an
exception. A refused row changes nothing; the others are redeemed. As in `redeem`, a coupon
found past its validity is marked expired (time passing). Row outcomes, in the order
`redeem` checks them:

- `NOT_FOUND`: no such coupon (`redeem` raises `NotFound`);
- `ARCHIVED`: the coupon was redeemed or expired and has left the book (`Archived`);
- `WRONG_MEMBER`: the coupon is another member's (`InvalidInput`);
- `REPEATED`: already redeemed for this very order, before or earlier in the batch: the same
  redemption (its discount and cost are reported again, and nothing is booked twice);
- `CONFLICT`: already redeemed for another order (`Conflict`);
- `EXPIRED`: past its validity (`IllegalTransition`);
- `BELOW_THRESHOLD`: the basket is below the offer's threshold (`InvalidInput`);
- `REDEEMED`: redeemed now.

A malformed batch (columns of unequal length, a coupon id or member id that is not an
integer, a basket that is not whole cents, an order key that is not a non-empty string) is an
`InvalidInput` naming the field and its first bad row, and changes nothing at all.

Order keys: a list of strings, or a `retail.keys.KeyBlock` (no Python string per order).
The book keeps every redeemed order key as (prefix code, number): "S-17" and
`KeyBlock("S-", [17])` are the same key; a key that a block could not hold ("abc", "S-07")
is kept whole, with number -1.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from retail import checks
from retail.errors import InvalidInput
from retail.keys import MAX_NUMBER, KeyBlock
from retail.marketing.types import Offer, OfferKind


class RedeemOutcome(enum.IntEnum):
    """What became of one row of `redeem_many` (uint8 codes in `RedemptionBatch.outcome`)."""

    REDEEMED = 0  # redeemed now
    REPEATED = 1  # already redeemed for this same order: the same redemption
    EXPIRED = 2  # past its validity
    BELOW_THRESHOLD = 3  # the basket is below the offer's threshold
    WRONG_MEMBER = 4  # another member's coupon
    CONFLICT = 5  # already redeemed for another order
    NOT_FOUND = 6  # no such coupon
    ARCHIVED = 7  # redeemed or expired, and archived: no longer in the book


@dataclass(frozen=True)
class RedemptionBatch:
    """Per row of `redeem_many`: the outcome code (uint8, `RedeemOutcome`) and, for
    `REDEEMED` and `REPEATED` rows, the redemption's discount off the basket, bonus points and
    cost to the chain (int64; 0 where refused)."""

    outcome: np.ndarray
    discount_cents: np.ndarray
    points: np.ndarray
    cost_cents: np.ndarray

    def __len__(self) -> int:
        return len(self.outcome)

    def ok(self) -> np.ndarray:
        """Mask: rows redeemed now or replayed (the coupon applies to the order)."""
        return self.outcome <= RedeemOutcome.REPEATED


def split_key(key: str) -> tuple[str, int]:
    """(prefix, number) a book keeps for an order key: as a `KeyBlock` would hold it, or the
    whole key with number -1."""
    parts = KeyBlock.split(key)
    if parts is None or parts[1] > MAX_NUMBER:
        return key, -1
    return parts


def join_key(prefix: str, number: int) -> str:
    return prefix if number < 0 else f"{prefix}{number}"


def checked_keys(order_keys: object, n: int) -> tuple[list[str], np.ndarray]:
    """The batch's order keys as (prefixes, numbers): one prefix for a KeyBlock, one per row
    for a list of strings."""
    if isinstance(order_keys, KeyBlock):
        if len(order_keys) != n:
            checks.same_length("redeem_many", coupons=range(n), order_keys=order_keys.numbers)
        return [order_keys.prefix], order_keys.numbers
    if isinstance(order_keys, np.ndarray):
        order_keys = order_keys.tolist()
    if not isinstance(order_keys, Sequence) or isinstance(order_keys, str):
        raise InvalidInput("order_keys", "must be a list of strings or a KeyBlock")
    keys = list(order_keys)
    if not (set(map(type, keys)) <= {str} and "" not in keys):
        for i, key in enumerate(keys):
            checks.key(key, f"order_keys[{i}]")
    if len(keys) != n:
        checks.same_length("redeem_many", coupons=range(n), order_keys=keys)
    parts = [split_key(k) for k in keys]
    return [p for p, _ in parts], np.array([m for _, m in parts], np.int64).reshape(-1)


def offer_table(offers: list[Offer]) -> dict[str, np.ndarray]:
    """The offers as arrays indexed by offer code."""
    if not offers:
        offers = [Offer()]
    return {
        "kind": np.array([int(o.kind) for o in offers], np.int8),
        "value": np.array([o.value for o in offers], np.int64),
        "threshold": np.array([o.threshold_cents for o in offers], np.int64),
        "cap": np.array(
            [-1 if o.max_discount_cents is None else o.max_discount_cents for o in offers],
            np.int64,
        ),
        "liability": np.array([o.liability_cents for o in offers], np.int64),
    }


def redemption_amounts(
    offer: np.ndarray, basket: np.ndarray, table: dict[str, np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`coupons._redemption` on arrays: (discount, points, cost) per row."""
    kind, value = table["kind"][offer], table["value"][offer]
    cap = table["cap"][offer]
    discount = np.zeros(len(offer), np.int64)
    points = np.zeros(len(offer), np.int64)
    amount = kind == OfferKind.AMOUNT_OFF
    discount[amount] = np.minimum(value[amount], basket[amount])
    percent = kind == OfferKind.PERCENT_OFF
    off = basket[percent] * value[percent] // 100  # whole cents, rounded down
    capped = cap[percent]
    discount[percent] = np.where(capped >= 0, np.minimum(off, capped), off)
    cost = discount.copy()
    gift = kind == OfferKind.GIFT
    cost[gift] = value[gift]
    bonus = kind == OfferKind.POINTS
    points[bonus] = value[bonus]
    cost[bonus] = table["liability"][offer[bonus]]
    return discount, points, cost


@dataclass(frozen=True)
class _Decided:
    """What a batch decided, before the book writes it: the per-row result, the coupons
    redeemed now and the row redeeming each, the coupons found past their validity."""

    result: RedemptionBatch
    winners: np.ndarray
    winner_rows: np.ndarray
    expired: np.ndarray


def redeem_rows(book, coupons, codes, numbers, baskets, members, now) -> _Decided:
    """Decide every row of a checked batch in array operations (the book's lock held);
    changes nothing. `coupons`: the book's rows (ids less `book.first`; below 0 not found).
    `codes`: the order keys' prefix codes (one, or one per row; a negative code of its own
    for each prefix the book has never kept)."""
    c, n = book.coupons, len(coupons)
    code = np.broadcast_to(codes, (n,))
    out = np.full(n, RedeemOutcome.NOT_FOUND, np.uint8)
    discount = np.zeros(n, np.int64)
    points = np.zeros(n, np.int64)
    cost = np.zeros(n, np.int64)
    table = offer_table(book.offers)

    rows = np.flatnonzero((coupons >= 0) & (coupons < c.size))
    ids = coupons[rows]
    own = c.member[ids] == members[rows]
    out[rows[~own]] = RedeemOutcome.WRONG_MEMBER
    rows, ids = rows[own], ids[own]

    # Redeemed before this batch: the same order is a replay, another a conflict.
    done = c.state[ids] == 1  # CouponState.REDEEMED
    r, d = rows[done], ids[done]
    same = (c.order_prefix[d] == code[r]) & (c.order_number[d] == numbers[r])
    out[r] = np.where(same, RedeemOutcome.REPEATED, RedeemOutcome.CONFLICT)
    r, d = r[same], d[same]
    discount[r], cost[r] = c.discount_cents[d], c.cost_cents[d]
    kind = table["kind"][c.offer[d]]
    points[r] = np.where(kind == OfferKind.POINTS, table["value"][c.offer[d]], 0)
    rows, ids = rows[~done], ids[~done]

    late = (c.state[ids] == 2) | (now >= c.expires_s[ids])  # CouponState.EXPIRED
    out[rows[late]] = RedeemOutcome.EXPIRED
    expired = np.unique(ids[late])
    rows, ids = rows[~late], ids[~late]

    # The first row of a coupon whose basket meets the threshold redeems it; the rows of that
    # coupon after it see it redeemed, those before it were below the threshold.
    offer = c.offer[ids]
    meets = baskets[rows] >= table["threshold"][offer]
    winners, first = np.unique(ids[meets], return_index=True)
    winner_rows = rows[meets][first]
    out[rows] = RedeemOutcome.BELOW_THRESHOLD
    if len(winners):
        at = np.searchsorted(winners, ids)
        at[at == len(winners)] = 0
        won = winners[at] == ids
        w = winner_rows[at]
        after = won & (rows > w)
        same = (code[rows] == code[w]) & (numbers[rows] == numbers[w])
        out[rows[after]] = np.where(same[after], RedeemOutcome.REPEATED, RedeemOutcome.CONFLICT)
        out[winner_rows] = RedeemOutcome.REDEEMED
        amounts = redemption_amounts(c.offer[winners], baskets[winner_rows], table)
        discount[winner_rows], points[winner_rows], cost[winner_rows] = amounts
        again = rows[after & same]
        discount[again] = discount[w[after & same]]
        points[again] = points[w[after & same]]
        cost[again] = cost[w[after & same]]
    result = RedemptionBatch(out, discount, points, cost)
    return _Decided(result, winners, winner_rows, expired)
