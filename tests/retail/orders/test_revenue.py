"""The revenue-sharing ledger: hand-computed splits, shares that always sum to the amount,
refunds that take every party back to zero, batch equal to one by one, statements by period,
and the order center posting sales and returns."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from retail.errors import Conflict, InvalidInput, NotFound
from retail.inventory import InventoryCenter, Location, LocationKind, OrderLine
from retail.orders.center import OrderCenter
from retail.orders.revenue import RevenueLedger, SharingRules, split, split_amounts
from retail.orders.types import OrderSpec, OrderType

T = dt.datetime(2026, 6, 1, 12)
DAY = dt.timedelta(days=1)


def test_a_hand_computed_split_and_its_rounding():
    ledger = RevenueLedger(SharingRules(origin_bp=500, fulfil_bp=1_000, guide_bp=300))
    shares = ledger.post_sale("o1", 9_999, T, origin="S1", fulfilling="S2", guide="g7")
    # 9,999 x 5 % = 499.95 -> 499; x 10 % = 999.9 -> 999; x 3 % = 299.97 -> 299; HQ the rest.
    assert [(s.party, s.role, s.cents) for s in shares] == [
        ("S1", "origin", 499), ("S2", "fulfil", 999), ("g7", "guide", 299), ("HQ", "hq", 8_202),
    ]  # fmt: skip
    assert sum(s.cents for s in shares) == 9_999


def test_missing_guide_and_origin_shares_go_where_the_rules_say():
    to_hq = RevenueLedger().post_sale("o1", 10_000, T, origin=None, fulfilling="S2", guide=None)
    assert {s.role: s.cents for s in to_hq} == {"origin": 0, "fulfil": 1_000, "guide": 0,
                                                "hq": 9_000}  # fmt: skip
    rules = SharingRules(unassigned_guide_to="origin")
    to_store = RevenueLedger(rules).post_sale("o1", 10_000, T, "S1", "S2", guide=None)
    assert {s.role: s.cents for s in to_store}["origin"] == 800  # 5 % + the guide's 3 %


rates = st.integers(0, 4_000)


@given(amount=st.integers(0, 10**9), origin=rates, fulfil=rates, guide=st.integers(0, 2_000),
       has_origin=st.booleans(), has_guide=st.booleans(),
       to=st.sampled_from(["hq", "origin"]))  # fmt: skip
def test_shares_always_sum_to_the_amount(amount, origin, fulfil, guide, has_origin, has_guide, to):
    rules = SharingRules(origin, fulfil, guide, to)
    shares = split_amounts(np.array([amount]), np.array([has_origin]), np.array([has_guide]),
                           rules)[0]  # fmt: skip
    assert shares.sum() == amount
    assert (shares >= 0).all()
    assert shares[1] * 10_000 <= amount * fulfil < (shares[1] + 1) * 10_000


@given(amount=st.integers(-(10**9), 10**9), origin=rates, fulfil=rates,
       guide=st.integers(0, 2_000), has_origin=st.booleans(), has_guide=st.booleans(),
       to=st.sampled_from(["hq", "origin"]))  # fmt: skip
def test_one_orders_split_is_the_vectorised_split(amount, origin, fulfil, guide, has_origin,
                                                  has_guide, to):  # fmt: skip
    rules = SharingRules(origin, fulfil, guide, to)
    many = split_amounts(np.array([amount]), np.array([has_origin]), np.array([has_guide]), rules)
    assert split(amount, has_origin, has_guide, rules) == tuple(many[0].tolist())


@given(amount=st.integers(1, 10**7), cuts=st.lists(st.integers(1, 10**6), max_size=6))
def test_refunds_in_pieces_take_every_party_back_to_exactly_zero(amount, cuts):
    ledger = RevenueLedger()
    ledger.post_sale("o1", amount, T, "S1", "S2", "g7")
    left = amount
    for i, cut in enumerate(cuts):
        if cut > left:
            with pytest.raises(InvalidInput, match="left to refund"):
                ledger.post_refund("o1", f"r{i}", cut, T + DAY)
            continue
        ledger.post_refund("o1", f"r{i}", cut, T + DAY)
        left -= cut
    ledger.post_refund("o1", "final", left, T + DAY)
    net = ledger.frame().groupby("role", observed=True)["cents"].sum()
    assert (net == 0).all()
    assert ledger.unbalanced() == []


def test_postings_are_idempotent_and_changed_figures_conflict():
    ledger = RevenueLedger()
    first = ledger.post_sale("o1", 5_000, T, "S1", "S1", "g1")
    assert ledger.post_sale("o1", 5_000, T + DAY, "S1", "S1", "g1") == first
    with pytest.raises(Conflict):
        ledger.post_sale("o1", 5_001, T, "S1", "S1", "g1")
    ledger.post_refund("o1", "r1", 1_000, T)
    assert ledger.post_refund("o1", "r1", 1_000, T) == ()
    with pytest.raises(Conflict):
        ledger.post_refund("o1", "r1", 999, T)
    with pytest.raises(NotFound):
        ledger.post_refund("nope", "r2", 1, T)
    assert len(ledger.frame()) == 8  # one sale and one refund, four roles each


def test_a_batch_of_sales_splits_exactly_like_one_by_one():
    rng = np.random.default_rng(4)
    n = 500
    amounts = rng.integers(0, 10**6, n)
    origins = [None if i % 7 == 0 else f"S{i % 5}" for i in range(n)]
    guides = [None if i % 3 == 0 else f"g{i % 11}" for i in range(n)]
    fulfilling = [f"S{i % 4}" for i in range(n)]
    one, many = RevenueLedger(), RevenueLedger()
    for i in range(n):
        one.post_sale(f"o{i}", int(amounts[i]), T, origins[i], fulfilling[i], guides[i])
    many.post_sales([f"o{i}" for i in range(n)], amounts, T, origins, fulfilling, guides)
    assert many.frame().equals(one.frame())
    with pytest.raises(Conflict):
        many.post_sales(["o1"], np.array([5]), T, ["S1"], ["S1"], [None])


def test_statements_cover_a_period_and_add_up_to_the_ledger():
    ledger = RevenueLedger()
    ledger.post_sale("a", 10_000, T, "S1", "S2", "g1")
    ledger.post_sale("b", 20_000, T + DAY, "S2", "S2", "g2")
    ledger.post_refund("a", "ra", 10_000, T + 2 * DAY)
    first_day = ledger.statements("store", T, T + DAY)
    assert first_day.loc["S1", "net_cents"] == 500 and first_day.loc["S2", "net_cents"] == 1_000
    stores = ledger.statements("store", T, T + 3 * DAY)
    assert stores.loc["S1", "net_cents"] == 0  # the refund took S1's share back
    assert stores.loc["S2", "sales_cents"] == 1_000 + 1_000 + 2_000
    assert stores.loc["S2", "orders"] == 2
    guides = ledger.statements("guide", T, T + 3 * DAY)
    assert guides["net_cents"].to_dict() == {"g1": 0, "g2": 600}
    everyone = sum(ledger.statements(k, T, T + 3 * DAY)["net_cents"].sum()
                   for k in ("store", "guide", "hq"))  # fmt: skip
    assert everyone == 20_000
    assert len(ledger.statement("g1", T, T + DAY)) == 1


def test_bad_rules_name_the_field():
    with pytest.raises(InvalidInput, match=r"sharing\.guide_bp"):
        SharingRules(guide_bp=-1)
    with pytest.raises(InvalidInput, match="above 10000"):
        SharingRules(origin_bp=6_000, fulfil_bp=5_000)
    with pytest.raises(InvalidInput, match="unassigned_guide_to"):
        SharingRules(unassigned_guide_to="brand")
    with pytest.raises(InvalidInput, match="amount_cents"):
        RevenueLedger().post_sale("o", -5, T, "S1", "S1", None)


def test_the_order_center_posts_sales_per_parcel_and_refunds_returns():
    inventory = InventoryCenter([
        Location("S1", LocationKind.DIRECT_STORE, 31.20, 121.40),
        Location("S2", LocationKind.DIRECT_STORE, 31.25, 121.50),
    ])  # fmt: skip
    inventory.receive_many(["tee", "cap"], ["S1", "S2"], [5, 5], T)
    ledger = RevenueLedger()
    orders = OrderCenter(inventory, ledger)
    spec = OrderSpec(OrderType.ONLINE, (OrderLine("tee", 1, 10_000), OrderLine("cap", 1, 5_000)),
                     "S1", guide="g1", lat=31.25, lon=121.5)  # fmt: skip
    orders.submit("o1", spec, T)
    orders.pay("o1", 15_000, T)
    record = orders.allocate("o1", T)
    assert len(record.shipments) == 2  # tees only at S1, caps only at S2
    orders.pick("o1", T)
    orders.ship("o1", T)
    orders.deliver("o1", T + DAY)
    assert set(ledger.frame()["order"]) == {"o1@S1", "o1@S2"}
    stores = ledger.statements("store", T, T + 2 * DAY)
    # S1 brought the order (5 % of 15,000) and shipped the tee (10 % of 10,000).
    assert stores.loc["S1", "net_cents"] == 750 + 1_000
    assert stores.loc["S2", "net_cents"] == 500
    orders.return_lines("o1", "r1", [("cap", 1)], T + 2 * DAY)
    orders.complete("r1", T + 2 * DAY)
    assert ledger.statements("store", T, T + 3 * DAY).loc["S2", "net_cents"] == 0
    assert ledger.frame()["cents"].sum() == 10_000 and ledger.unbalanced() == []


def test_the_ledger_satisfies_its_port():
    from retail.ports import LedgerPort

    assert isinstance(RevenueLedger(), LedgerPort)
