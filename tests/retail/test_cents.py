"""Money is integer cents everywhere it enters a module: a float, NaN, text, a bool, a negative
amount or one beyond the bounds is an `InvalidInput` naming the field, never a bare TypeError,
a truncation or an overflow later on."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from retail.errors import InvalidInput
from retail.inventory import (
    InventoryCenter,
    Location,
    LocationKind,
    Order,
    OrderLine,
    SourcingRules,
    TransferRules,
)
from retail.marketing import CampaignSpec, ContactRules, MarketingCenter, MessageChannel, Offer
from retail.membership import Membership, MembershipConfig
from retail.orders import OrderCenter, OrderSpec, OrderType, RevenueLedger
from retail.stores import TierLevers, levers_for

T0 = dt.datetime(2026, 3, 2, 12, 0)
NOT_CENTS = [9.9, 100.0, float("nan"), "100", True, None, -1, 10**20, np.float64(100)]


def inventory() -> InventoryCenter:
    center = InventoryCenter([Location("S1", LocationKind.DIRECT_STORE, 31.2, 121.4)])
    center.receive("tee", "S1", 5, T0)
    return center


def orders() -> OrderCenter:
    center = OrderCenter(inventory(), RevenueLedger())
    center.submit("open", OrderSpec(OrderType.STORE_SALE, (OrderLine("tee", 1, 100),), "S1"), T0)
    return center


def members() -> tuple[Membership, int]:
    membership = Membership(MembershipConfig(categories=("tops",)), secret="a-test-secret-16b")
    return membership, membership.register("13800000001", T0, "S1")


def marketing() -> tuple[MarketingCenter, int]:
    center = MarketingCenter()
    return center, center.coupons.issue(1, Offer(), T0)


def ledger() -> RevenueLedger:
    book = RevenueLedger()
    book.post_sale("o1", 10_000, T0, "S1", "S1", None)
    return book


def _line(cents) -> Order:
    return Order("o", (OrderLine("tee", 1, cents),), 31.2, 121.4)


def _spec(cents) -> OrderSpec:
    return OrderSpec(OrderType.STORE_SALE, (OrderLine("tee", 1, cents),), "S1")


ENTRIES = {
    "order line price at submit": (lambda v: orders().submit("o", _spec(v), T0),
                                   "unit_price_cents"),
    "payment": (lambda v: orders().pay("open", v, T0), "amount_cents"),
    "allocation price": (lambda v: inventory().allocate(_line(v), T0), "unit_price_cents"),
    "quote price": (lambda v: inventory().quote(_line(v), T0), "unit_price_cents"),
    "batch allocation price": (lambda v: inventory().allocate_many([_line(v)], T0),
                               "unit_price_cents"),
    "ledger sale": (lambda v: ledger().post_sale("o2", v, T0, "S1", "S1", None), "amount_cents"),
    "ledger sales": (lambda v: ledger().post_sales(["o2"], [v], T0, [None], ["S1"], [None]),
                     r"amounts\[0\]"),
    "ledger refund": (lambda v: ledger().post_refund("o1", "r1", v, T0), "amount_cents"),
    "member purchase": (lambda v: members()[0].record_purchase(members()[1], T0, "S1", v),
                        "amount_cents"),
    "member purchase categories": (
        lambda v: (lambda m, i: m.record_purchase(i, T0, "S1", 100, {"tops": v}))(*members()),
        "categories"),
    "member purchases": (
        lambda v: (lambda m, i: m.record_purchases([i], np.array([T0], "M8[s]"), [0],
                                                   np.array([v])))(*members()),
        r"amounts\[0\]"),
    "campaign orders": (lambda v: marketing()[0].record_orders([1], [v], T0),
                        r"amounts_cents\[0\]"),
    "coupon basket": (lambda v: (lambda c, k: c.redeem(k, "o1", v, T0, 1))(*marketing()),
                      "basket_cents"),
    "offer threshold": (lambda v: Offer(threshold_cents=v), "offer.threshold_cents"),
    "offer value": (lambda v: Offer(value=v), "offer.value"),
    "campaign budget": (lambda v: CampaignSpec("c", MessageChannel.SMS, budget_cents=v),
                        "campaign.budget_cents"),
    "send cost": (lambda v: ContactRules(send_cost_cents={MessageChannel.SMS: v}),
                  "rules.send_cost_cents.SMS"),
    "handling cost": (lambda v: Location("S1", LocationKind.DIRECT_STORE, 31, 121,
                                         handling_cents=v), "handling_cents"),
    "parcel cost": (lambda v: SourcingRules(parcel_cents=v), "sourcing.parcel_cents"),
    "transfer cost": (lambda v: TransferRules(fixed_cents=v), "transfers.fixed_cents"),
    "tiering budget": (lambda v: levers_for(pd.DataFrame({"tier": ["S"]}, index=["s1"]),
                                            TierLevers(), v), "chain_campaign_budget_cents"),
}  # fmt: skip
ENTRIES_EXCEPT_BOUNDS = {"campaign budget", "tiering budget"}  # totals: a larger bound


# A campaign without a budget (None) is valid: that pair is not a bad amount.
CASES = [(e, v) for e in ENTRIES for v in NOT_CENTS if not (v is None and e == "campaign budget")]


@pytest.mark.parametrize(("entry", "value"), CASES, ids=repr)
def test_money_enters_as_integer_cents_only(entry, value):
    call, field = ENTRIES[entry]
    if value == 10**20 and entry in ENTRIES_EXCEPT_BOUNDS:
        value = 10**16  # beyond MAX_TOTAL_CENTS
    with pytest.raises(InvalidInput, match=field):
        call(value)
