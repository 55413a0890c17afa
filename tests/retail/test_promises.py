"""The promises of retail/README.md that hold for every module: a refused call changes nothing,
and a replayed idempotent call returns what it returned the first time and changes nothing.
For each module a populated object is fingerprinted (every array, map and record it holds),
the call is made, and the fingerprints are compared."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import threading
from collections.abc import Callable

import numpy as np
import pytest

from retail.columns import Columns
from retail.errors import Conflict, InvalidInput, NotFound
from retail.inventory import InventoryCenter, Location, LocationKind, Order, OrderLine
from retail.marketing import CampaignSpec, MarketingCenter, MessageChannel, Offer
from retail.membership import Membership, MembershipConfig
from retail.orders import OrderCenter, OrderSpec, OrderType, RevenueLedger

SECRET = "test-secret-of-enough-length"
T0 = dt.datetime(2026, 3, 2, 12, 0)
NEXT_YEAR = dt.datetime(2027, 1, 5, 12, 0)
LOCKS = (type(threading.Lock()), type(threading.RLock()))
CACHES = {"_sku_index", "_position", "_built_allocator"}  # built on demand from the state


def fingerprint(obj: object) -> object:
    """Everything `obj` holds, as plain comparable values (arrays copied)."""
    if isinstance(obj, Columns):
        return {name: array.copy() for name, array in obj.arrays().items()}
    if isinstance(obj, np.ndarray):
        return obj.copy()
    if obj is None or isinstance(
        obj, str | bytes | int | float | enum.Enum | dt.date | dt.timedelta
    ):
        return obj
    if isinstance(obj, dict):
        return {key: fingerprint(value) for key, value in obj.items()}
    if isinstance(obj, list | tuple):
        return [fingerprint(value) for value in obj]
    if isinstance(obj, set | frozenset):
        return sorted(map(repr, obj))
    if isinstance(obj, LOCKS) or type(obj).__module__ == "_hashlib":
        return None
    if dataclasses.is_dataclass(obj):
        return {f.name: fingerprint(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if hasattr(obj, "__dict__"):
        return {k: fingerprint(v) for k, v in vars(obj).items() if k not in CACHES}
    return repr(obj)


def assert_same(before: object, after: object, path: str = "state") -> None:
    assert type(before) is type(after), path
    if isinstance(before, np.ndarray):
        assert before.dtype == after.dtype and before.shape == after.shape, path
        assert np.array_equal(before, after, equal_nan=before.dtype.kind == "f"), path
    elif isinstance(before, dict):
        assert before.keys() == after.keys(), path
        for key in before:
            assert_same(before[key], after[key], f"{path}.{key}")
    elif isinstance(before, list):
        assert len(before) == len(after), path
        for i, (a, b) in enumerate(zip(before, after, strict=True)):
            assert_same(a, b, f"{path}[{i}]")
    else:
        assert before == after or (before != before and after != after), path


# --- the worlds ----------------------------------------------------------------------------
def membership_world() -> tuple[Membership, dict[str, int]]:
    m = Membership(MembershipConfig(categories=("tops", "bottoms")), secret=SECRET)
    kept = m.register("13800000001", T0, "S1", "g1")
    other = m.register("13800000002", T0, "S1")
    erased = m.register("13800000003", T0, "S2")
    merged = m.register("13800000004", T0, "S1")
    m.erase(erased, T0, "dpo")
    m.merge(kept, merged, T0)
    m.record_purchase(kept, T0, "S1", 150_000, {"tops": 150_000})
    m.run_daily(T0 + dt.timedelta(days=1))  # a thank-you task for the first purchase
    return m, {"kept": kept, "other": other, "erased": erased, "merged": merged}


def inventory_world() -> tuple[InventoryCenter, dict]:
    center = InventoryCenter(
        [
            Location("DC", LocationKind.WAREHOUSE, 31.10, 121.30),
            Location("S1", LocationKind.DIRECT_STORE, 31.23, 121.45),
            Location("S2", LocationKind.DIRECT_STORE, 31.20, 121.40),
        ]
    )
    center.receive("tee", "DC", 4, T0)
    center.receive("tee", "S1", 10, T0)
    center.receive("cap", "S2", 3, T0)
    center.sell("tee", "S1", 2, T0)
    center.reserve("basket", [("tee", "S1", 1)], T0)
    # An order of 9 tees splits over DC and S1; a reservation already holds its S1 key.
    center.reserve("split@S1", [("cap", "S2", 1)], T0)
    return center, {}


def orders_world() -> tuple[OrderCenter, dict]:
    inventory, _ = inventory_world()
    center = OrderCenter(inventory, RevenueLedger())
    sale = OrderSpec(OrderType.STORE_SALE, (OrderLine("tee", 2, 5_000),), "S1")
    center.submit("sale", sale, T0)
    center.pay("sale", 10_000, T0)
    center.complete("sale", T0)
    center.submit("open", OrderSpec(OrderType.STORE_SALE, (OrderLine("tee", 1, 100),), "S1"), T0)
    return center, {}


def marketing_world() -> tuple[MarketingCenter, dict]:
    members = Membership(secret=SECRET)
    for i in range(20):
        members.follow(f"openid-{i}", T0, "S1")
    center = MarketingCenter()
    spec = CampaignSpec("spring", MessageChannel.WECHAT_TEMPLATE, holdout_share=0.2)
    center.create_campaign("spring", spec, T0)
    center.launch("spring", members.snapshot(T0), T0)
    center.send(1, MessageChannel.SMS, T0)
    coupon = center.coupons.issue(1, Offer(), T0)
    return center, {"coupon": coupon}


def ledger_world() -> tuple[RevenueLedger, dict]:
    ledger = RevenueLedger()
    ledger.post_sale("o1", 10_000, T0, "S1", "S2", "g1")
    return ledger, {}


def _sale(*lines: OrderLine, store: str = "S1") -> OrderSpec:
    return OrderSpec(OrderType.STORE_SALE, lines, store)


Call = Callable[[object, dict], object]
CASES: list[tuple[str, Callable, Call, type[Exception]]] = [
    # membership: single calls
    ("purchase, unknown category", membership_world,
     lambda m, ids: m.record_purchase(ids["kept"], T0, "S1", 1_000, {"shoes": 1_000}),
     InvalidInput),
    ("purchase, category cents a float", membership_world,
     lambda m, ids: m.record_purchase(ids["kept"], T0, "S1", 1_000, {"tops": 9.5}), InvalidInput),
    ("purchase, amount beyond any order", membership_world,
     lambda m, ids: m.record_purchase(ids["kept"], T0, "S1", 10**20), InvalidInput),
    ("purchase, empty store", membership_world,
     lambda m, ids: m.record_purchase(ids["kept"], T0, "", 1_000), InvalidInput),
    ("purchase, time not a datetime", membership_world,
     lambda m, ids: m.record_purchase(ids["kept"], "today", "S1", 1_000), InvalidInput),
    ("register, time not a datetime", membership_world,
     lambda m, ids: m.register("13900000009", "today", "S1"), InvalidInput),
    ("register, unknown channel", membership_world,
     lambda m, ids: m.register("13900000009", T0, "S1", channel=99), InvalidInput),
    ("register, empty openid", membership_world,
     lambda m, ids: m.register("13900000009", T0, "S1", openid=""), InvalidInput),
    ("register, Devanagari digits", membership_world,
     lambda m, ids: m.register("13८१२३४५६७९", T0, "S1"), InvalidInput),
    ("follow, time not a datetime", membership_world,
     lambda m, ids: m.follow("new-openid", "today", "S1"), InvalidInput),
    ("visit, time not a datetime", membership_world,
     lambda m, ids: m.visit("new-mini", "today", "S1"), InvalidInput),
    ("profile, second field bad", membership_world,
     lambda m, ids: m.set_profile(ids["other"], age_band=2, gender=7), InvalidInput),
    ("profile, impossible birthday", membership_world,
     lambda m, ids: m.set_profile(ids["other"], age_band=2, birthday=(2, 30)), InvalidInput),
    ("tag, unknown member", membership_world,
     lambda m, ids: m.tag(10**6, "vip"), NotFound),
    ("tag, erased member", membership_world,
     lambda m, ids: m.tag(ids["erased"], "vip"), NotFound),
    ("redeem, more than the balance in a new year", membership_world,
     lambda m, ids: m.redeem(ids["kept"], 10**6, NEXT_YEAR), InvalidInput),
    ("complete task, unknown outcome", membership_world,
     lambda m, ids: m.complete_task(0, 9, T0), InvalidInput),
    ("link, empty identifier", membership_world,
     lambda m, ids: m.link(ids["other"], "card", "", T0), InvalidInput),
    # membership: batch calls check what the single ones check
    ("purchases onto an erased member", membership_world,
     lambda m, ids: m.record_purchases(np.array([ids["erased"]]), np.array([T0], "M8[s]"),
                                       np.array([0]), np.array([100])), NotFound),
    ("purchases onto id -1", membership_world,
     lambda m, ids: m.record_purchases(np.array([-1]), np.array([T0], "M8[s]"),
                                       np.array([0]), np.array([100])), NotFound),
    ("purchases onto a merged member", membership_world,
     lambda m, ids: m.record_purchases(np.array([ids["merged"]]), np.array([T0], "M8[s]"),
                                       np.array([0]), np.array([100])), Conflict),
    ("purchases, float amounts", membership_world,
     lambda m, ids: m.record_purchases(np.array([ids["kept"]]), np.array([T0], "M8[s]"),
                                       np.array([0]), np.array([99.5])), InvalidInput),
    ("purchases, unknown store code", membership_world,
     lambda m, ids: m.record_purchases(np.array([ids["kept"]]), np.array([T0], "M8[s]"),
                                       np.array([99]), np.array([100])), InvalidInput),
    ("purchases, lengths differ", membership_world,
     lambda m, ids: m.record_purchases(np.array([ids["kept"], ids["other"]]),
                                       np.array([T0], "M8[s]"), np.array([0, 0]),
                                       np.array([100, 100])), InvalidInput),
    ("register_many, empty store", membership_world,
     lambda m, ids: m.register_many(["13900000009", "13900000008"], np.array([T0, T0], "M8[s]"),
                                    ["S1", ""], [None, None], np.array([0, 0])), InvalidInput),
    ("register_many, unknown channel", membership_world,
     lambda m, ids: m.register_many(["13900000009"], np.array([T0], "M8[s]"), ["S1"], [None],
                                    np.array([99])), InvalidInput),
    ("register_many, times not datetimes", membership_world,
     lambda m, ids: m.register_many(["13900000009"], ["today"], ["S1"], [None], np.array([0])),
     InvalidInput),
    ("register_many, Devanagari digits", membership_world,
     lambda m, ids: m.register_many(["13900000009", "13८१२३४५६७९"], np.array([T0, T0], "M8[s]"),
                                    ["S1", "S1"], [None, None], np.array([0, 0])), InvalidInput),
    # inventory
    ("receive_many, a fractional quantity", inventory_world,
     lambda c, _: c.receive_many(["tee"], ["S1"], [2.7], T0), InvalidInput),
    ("receive_many, a quantity as text", inventory_world,
     lambda c, _: c.receive_many(["new", "tee"], ["S1", "S1"], [1, "3"], T0), InvalidInput),
    ("receive_many, an empty sku after a new one", inventory_world,
     lambda c, _: c.receive_many(["new", ""], ["S1", "S1"], [1, 1], T0), InvalidInput),
    ("receive, beyond any receipt", inventory_world,
     lambda c, _: c.receive("tee", "S1", 2**62, T0), InvalidInput),
    ("reserve_many, a fractional quantity", inventory_world,
     lambda c, _: c.reserve_many(["k"], ["tee"], ["S1"], [1.9], T0), InvalidInput),
    ("reserve_many, an empty key", inventory_world,
     lambda c, _: c.reserve_many(["k", ""], ["tee", "tee"], ["S1", "DC"], [1, 1], T0),
     InvalidInput),
    ("reserve, an empty key", inventory_world,
     lambda c, _: c.reserve("", [("tee", "S1", 1)], T0), InvalidInput),
    ("reserve, unknown channel", inventory_world,
     lambda c, _: c.reserve("k", [("tee", "S1", 1)], T0, channel=9), InvalidInput),
    ("commit_many, an empty key", inventory_world,
     lambda c, _: c.commit_many(["basket", ""], T0), InvalidInput),
    ("return at a store that sold none", inventory_world,
     lambda c, _: c.return_sale("tee", "S2", 1, T0), InvalidInput),
    ("set_share, unknown channel", inventory_world,
     lambda c, _: c.set_share("S1", 9, 0.5, T0), InvalidInput),
    ("allocate, a float price", inventory_world,
     lambda c, _: c.allocate(Order("o", (OrderLine("tee", 1, 9.9),), 31.2, 121.4), T0),
     InvalidInput),
    ("allocate, a second parcel's key taken", inventory_world,
     lambda c, _: c.allocate(Order("split", (OrderLine("tee", 9, 100),), 31.2, 121.4), T0),
     Conflict),
    ("allocate_many, a fractional quantity", inventory_world,
     lambda c, _: c.allocate_many([Order("o", (OrderLine("tee", 1.9, 100),), 31.2, 121.4)], T0),
     InvalidInput),
    ("allocate_many, a price as text", inventory_world,
     lambda c, _: c.allocate_many([Order("o", (OrderLine("tee", 1, "100"),), 31.2, 121.4)], T0),
     InvalidInput),
    # orders
    ("submit, a float price", orders_world,
     lambda c, _: c.submit("o", _sale(OrderLine("tee", 1, 9.9)), T0), InvalidInput),
    ("submit, a NaN price", orders_world,
     lambda c, _: c.submit("o", _sale(OrderLine("tee", 1, float("nan"))), T0), InvalidInput),
    ("submit, a price as text", orders_world,
     lambda c, _: c.submit("o", _sale(OrderLine("tee", 1, "100")), T0), InvalidInput),
    ("submit, 10**20 cents", orders_world,
     lambda c, _: c.submit("o", _sale(OrderLine("tee", 1, 10**20)), T0), InvalidInput),
    ("submit, a billion units", orders_world,
     lambda c, _: c.submit("o", _sale(OrderLine("tee", 10**9, 1)), T0), InvalidInput),
    ("submit, an empty key", orders_world,
     lambda c, _: c.submit("", _sale(OrderLine("tee", 1, 100)), T0), InvalidInput),
    ("submit, an empty store", orders_world,
     lambda c, _: c.submit("o", _sale(OrderLine("tee", 1, 100), store=""), T0), InvalidInput),
    ("pay, a float amount", orders_world,
     lambda c, _: c.pay("open", 100.0, T0), InvalidInput),
    ("return, an empty store", orders_world,
     lambda c, _: c.return_lines("sale", "r1", [("tee", 1)], T0, store=""), InvalidInput),
    ("book_store_sales, times not datetimes", orders_world,
     lambda c, _: c.book_store_sales(["till-1"], [_sale(OrderLine("tee", 1, 100))], ["noon"], T0),
     InvalidInput),
    # ledger
    ("post_sale, a float amount", ledger_world,
     lambda c, _: c.post_sale("o2", 9.9, T0, "S1", "S1", None), InvalidInput),
    ("post_sale, 10**20 cents", ledger_world,
     lambda c, _: c.post_sale("o2", 10**20, T0, "S1", "S1", None), InvalidInput),
    ("post_sale, time not a datetime", ledger_world,
     lambda c, _: c.post_sale("o2", 100, "noon", "S1", "S1", None), InvalidInput),
    ("post_sales, float amounts", ledger_world,
     lambda c, _: c.post_sales(["o2"], [9.9], T0, ["S1"], ["S1"], [None]), InvalidInput),
    ("post_sales, times not datetimes", ledger_world,
     lambda c, _: c.post_sales(["o2"], [100], ["noon"], ["S1"], ["S1"], [None]), InvalidInput),
    ("post_sales, parties missing", ledger_world,
     lambda c, _: c.post_sales(["o2", "o3"], [100, 100], T0, ["S1"], ["S1"], [None]),
     InvalidInput),
    # marketing
    ("send, a channel that does not exist", marketing_world,
     lambda c, _: c.send(1, 99, T0), InvalidInput),
    ("send, a member id beyond any chain", marketing_world,
     lambda c, _: c.send(2**40, MessageChannel.SMS, T0), InvalidInput),
    ("opt_out, unknown channel for a new member", marketing_world,
     lambda c, _: c.opt_out(5_000, T0, channel=9), InvalidInput),
    ("interact, unknown kind for a new member", marketing_world,
     lambda c, _: c.policy.interact(5_000, 9, T0), InvalidInput),
    ("record_orders, a fractional member id", marketing_world,
     lambda c, _: c.record_orders(np.array([1.7]), np.array([100]), T0), InvalidInput),
    ("record_orders, a negative amount", marketing_world,
     lambda c, _: c.record_orders(np.array([1]), np.array([-100]), T0), InvalidInput),
    ("issue coupons, a fractional member id", marketing_world,
     lambda c, _: c.coupons.issue_many(np.array([1.5]), Offer(), T0), InvalidInput),
    ("redeem, basket a float", marketing_world,
     lambda c, ids: c.redeem(ids["coupon"], "o1", 99.5, T0, 1), InvalidInput),
    ("redeem, coupon id as text", marketing_world,
     lambda c, ids: c.redeem("7", "o1", 10_000, T0, 1), InvalidInput),
]  # fmt: skip


@pytest.mark.parametrize(("world", "call", "error"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])  # fmt: skip
def test_a_refused_call_changes_nothing(world, call, error):
    module, ids = world()
    before = fingerprint(module)
    with pytest.raises(error):
        call(module, ids)
    assert_same(before, fingerprint(module))


def test_the_fingerprint_sees_a_change():
    """The comparison can fail: a call that is not refused changes the fingerprint."""
    membership, ids = membership_world()
    before = fingerprint(membership)
    membership.record_purchase(ids["kept"], T0, "S1", 100)
    with pytest.raises(AssertionError):
        assert_same(before, fingerprint(membership))


SAME = object()  # the replay returns what the first call returned
# (name, world, call, what the replay returns): batch calls report a replay as REPEATED (1),
# book_store_sales returns the sales booked now (none), post_refund the postings made (none).
REPLAYS: list[tuple[str, Callable, Call, object]] = [
    ("register", membership_world, lambda m, ids: m.register("+86 138-0000-0002", T0, "S9"),
     SAME),
    ("register_many", membership_world,
     lambda m, ids: m.register_many(["13800000002", "13900000009"], np.array([T0, T0], "M8[s]"),
                                    ["S1", "S1"], [None, "g2"], np.array([0, 1])).tolist(), SAME),
    ("follow", membership_world, lambda m, ids: m.follow("openid-x", T0, "S1"), SAME),
    ("visit", membership_world, lambda m, ids: m.visit("mini-x", T0, "S1"), SAME),
    ("reserve", inventory_world,
     lambda c, _: c.reserve("basket", [("tee", "S1", 1)], T0), SAME),
    ("reserve_many", inventory_world,
     lambda c, _: c.reserve_many(["k1", "k2"], ["tee", "cap"], ["DC", "S2"], [1, 1], T0).tolist(),
     [1, 1]),
    ("commit", inventory_world, lambda c, _: c.commit("basket", T0), SAME),
    ("release_many", inventory_world, lambda c, _: c.release_many(["basket"], T0).tolist(),
     [1]),
    ("allocate", inventory_world,
     lambda c, _: c.allocate(Order("web", (OrderLine("tee", 2, 100),), 31.2, 121.4), T0), SAME),
    ("allocate_many", inventory_world,
     lambda c, _: list(c.allocate_many([Order("w1", (OrderLine("tee", 1, 100),), 31.2, 121.4),
                                        Order("w2", (OrderLine("cap", 1, 100),), 31.2, 121.4)],
                                       T0)), SAME),
    ("submit", orders_world,
     lambda c, _: c.submit("o", _sale(OrderLine("tee", 1, 100)), T0), SAME),
    ("return_lines", orders_world,
     lambda c, _: c.return_lines("sale", "r1", [("tee", 1)], T0, store="S2"), SAME),
    ("book_store_sales", orders_world,
     lambda c, _: c.book_store_sales(["till-1"], [_sale(OrderLine("tee", 1, 100))], [T0], T0),
     []),
    ("post_sale", ledger_world, lambda c, _: c.post_sale("o2", 100, T0, None, "S1", "g1"), SAME),
    ("post_refund", ledger_world, lambda c, _: c.post_refund("o1", "r1", 2_500, T0), ()),
    ("create_campaign", marketing_world,
     lambda c, _: c.create_campaign("autumn", CampaignSpec("autumn", MessageChannel.SMS), T0),
     SAME),
    ("launch", marketing_world, lambda c, _: c.launch("spring", None, T0), SAME),
    ("redeem", marketing_world,
     lambda c, ids: c.redeem(ids["coupon"], "o1", 50_000, T0, 1), SAME),
]  # fmt: skip


@pytest.mark.parametrize(("world", "call", "replayed"), [c[1:] for c in REPLAYS],
                         ids=[c[0] for c in REPLAYS])  # fmt: skip
def test_a_replayed_call_returns_the_same_and_changes_nothing(world, call, replayed):
    module, ids = world()
    first = fingerprint(call(module, ids))
    before = fingerprint(module)
    expected = first if replayed is SAME else fingerprint(replayed)
    assert_same(expected, fingerprint(call(module, ids)), "result")
    assert_same(before, fingerprint(module))
