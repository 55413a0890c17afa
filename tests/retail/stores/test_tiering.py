"""Store tiering: indicators from orders, tiers by thresholds and by quantiles (boundaries,
ties, missing on-time figures, row order), rule validation, and the campaign budget split."""

import datetime as dt
import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from retail.errors import InvalidInput
from retail.inventory import OrderLine
from retail.orders.center import OrderCenter
from retail.orders.types import OrderSpec, OrderType
from retail.stores import (
    Lever,
    Minimums,
    StoreTiering,
    TierLevers,
    TierRules,
    assign_tiers,
    indicators,
    levers_for,
)

NAN = float("nan")
START, END = dt.datetime(2026, 5, 1), dt.datetime(2026, 6, 1)
RANK = {"S": 0, "A": 1, "B": 2, "C": 3}


def figures(rows: dict[str, tuple[float, float, float]]) -> pd.DataFrame:
    frame = pd.DataFrame.from_dict(
        rows, orient="index", columns=["days_online", "penetration", "on_time_rate"]
    )
    return frame.rename_axis("store")


# --- indicators --------------------------------------------------------------------------------


def day(d: int, month: int = 5, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, d, hour)


ORDERS = pd.DataFrame(
    [
        # key, type, state, store, created, promised, fulfilled_at, fulfilled_by
        ("k1", "store_sale", "completed", "S1", day(2), None, day(2), "S1"),
        ("k2", "store_sale", "completed", "S1", day(3), None, day(3), "S1"),
        ("k3", "store_sale", "cancelled", "S1", day(3), None, None, "S1"),
        ("k4", "online", "completed", "S1", day(4), day(6), day(5), "S1"),  # on time
        ("k5", "online", "completed", "S1", day(5), day(7), day(8), "S2"),  # S2 ships it, late
        ("k6", "online", "allocated", "S2", day(10), day(12), None, "S2"),  # open past promise
        ("k7", "online", "cancelled", "S1", day(11), day(13), None, "S1"),
        ("k8", "store_sale", "completed", "S2", day(30, 4), None, day(30, 4), "S2"),  # before
        ("k9", "purchase", "completed", "S1", day(5), day(8), day(7), "S1"),
        ("k10", "store_return", "completed", "S1", day(6), None, None, "S1"),
        ("k11", "online", "completed", "S1", day(7), day(9), day(9), "DC"),  # not a store
        ("k12", "online", "paid", "S2", day(20), day(2, 6), None, None),  # due after the window
        ("k13", "online", "completed", "S1", day(28, 4), day(2), day(2), "S1"),  # created before
        ("k14", "store_sale", "completed", "S2", day(31, 5, 23), None, day(31, 5, 23), "S2"),
    ],
    columns=["key", "type", "state", "store", "created", "promised", "fulfilled_at",
             "fulfilled_by"],
).set_index("key")  # fmt: skip
LAUNCHED = {
    "S1": dt.date(2025, 11, 1),
    "S2": dt.datetime(2026, 5, 20, 12),
    "S3": None,
    "S4": dt.date(2026, 7, 1),  # after as_of
}


def test_indicators_count_orders_per_store_from_an_orders_frame():
    table = indicators(LAUNCHED, ORDERS, END, START, END)
    assert list(table.index) == ["S1", "S2", "S3", "S4"]
    assert table["days_online"].tolist() == [212, 11, 0, 0]
    # S1: k1, k2 and its own online k4 (k5 went to S2, k11 to the DC, k3 cancelled).
    assert table.loc["S1", ["online_orders", "all_orders"]].tolist() == [1, 3]
    assert table.loc["S1", "penetration"] == pytest.approx(1 / 3)
    # S2: online k5, k6, k12 and the sale k14 one minute before the window closes.
    assert table.loc["S2", ["online_orders", "all_orders"]].tolist() == [3, 4]
    assert table.loc["S2", "penetration"] == 0.75
    # Due in May: S1 k4 and k13 on time; S2 k5 late and k6 still open after its promise.
    assert table.loc["S1", ["due", "on_time", "on_time_rate"]].tolist() == [2, 2, 1.0]
    assert table.loc["S2", ["due", "on_time", "on_time_rate"]].tolist() == [2, 0, 0.0]
    for store in ("S3", "S4"):
        row = table.loc[store]
        assert row[["online_orders", "all_orders", "due", "on_time"]].tolist() == [0, 0, 0, 0]
        assert row["penetration"] == 0.0
        assert math.isnan(row["on_time_rate"])
    assert table["days_online"].dtype == np.int64
    assert table["all_orders"].dtype == np.int64


def test_a_promise_still_ahead_of_as_of_is_not_judged():
    as_of = day(11, 5, 12)  # k6 is promised on the 12th
    table = indicators(LAUNCHED, ORDERS, as_of, START, END)
    assert table.loc["S2", ["due", "on_time"]].tolist() == [1, 0]
    assert table["days_online"].tolist() == [191, 0, 0, 0]  # S2 launches on the 20th


def test_indicators_of_no_orders_and_of_a_real_order_center():
    empty = indicators({"S1": None}, pd.DataFrame(), END, START, END)
    assert empty.loc["S1", ["all_orders", "due"]].tolist() == [0, 0]
    center = OrderCenter()
    line = (OrderLine("tee", 1, 5_000),)
    center.submit("sale", OrderSpec(OrderType.STORE_SALE, line, "S1"), day(2))
    web = OrderSpec(OrderType.ONLINE, line, "S1", promised=day(4), lat=31.2, lon=121.4)
    center.submit("web", web, day(2))
    center.pay("web", 5_000, day(2))
    center.allocate("web", day(2))
    center.pick("web", day(3))
    center.ship("web", day(3))
    center.deliver("web", day(5))  # a day after its promise
    table = indicators({"S1": dt.date(2026, 1, 1)}, center.frame(), END, START, END)
    row = table.loc["S1"]
    assert row[["online_orders", "all_orders", "due", "on_time"]].tolist() == [1, 2, 1, 0]
    assert row["penetration"] == 0.5


def test_indicators_refuse_bad_input_naming_it():
    with pytest.raises(InvalidInput) as error:
        indicators({"S1": "2026-01-01"}, ORDERS, END, START, END)
    assert error.value.field == "launched['S1']"
    with pytest.raises(InvalidInput) as error:
        indicators(LAUNCHED, ORDERS.drop(columns="promised"), END, START, END)
    assert error.value.field == "orders" and "promised" in error.value.reason
    with pytest.raises(InvalidInput) as error:
        indicators(LAUNCHED, ORDERS, END, END, START)
    assert error.value.field == "end"


# --- thresholds --------------------------------------------------------------------------------

THRESHOLD_STORES = {
    "s_exact": (180, 0.30, 0.95),  # every S minimum exactly
    "s_high": (400, 0.60, 1.00),
    "a_days": (179, 0.30, 0.95),  # one day short of S
    "a_exact": (90, 0.15, 0.90),
    "b_pen": (365, 0.12, 0.99),
    "b_nothing_due": (365, 0.40, NAN),  # would be S, but has no on-time record
    "c_new": (29, 0.50, 1.00),
    "c_late": (365, 0.40, 0.7999),
    "c_nothing": (10, 0.00, NAN),
}


def test_thresholds_give_each_store_the_best_tier_whose_minimums_it_meets():
    tiers = assign_tiers(figures(THRESHOLD_STORES), TierRules())
    assert tiers["tier"].to_dict() == {
        "s_exact": "S", "s_high": "S", "a_days": "A", "a_exact": "A", "b_pen": "B",
        "b_nothing_due": "B", "c_new": "C", "c_late": "C", "c_nothing": "C",
    }  # fmt: skip
    assert tiers["reason"].to_dict() == {
        "s_exact": "",
        "s_high": "",
        "a_days": "days_online 179 < 180 for S",
        "a_exact": "days_online 90 < 180 for S; penetration 0.15 < 0.3 for S; "
        "on_time_rate 0.9 < 0.95 for S",
        "b_pen": "penetration 0.12 < 0.15 for A",
        "b_nothing_due": "on_time_rate n/a (nothing due) for A",
        "c_new": "days_online 29 < 30 for B",
        "c_late": "on_time_rate 0.7999 < 0.8 for B",
        "c_nothing": "days_online 10 < 30 for B; penetration 0 < 0.05 for B",
    }
    assert list(tiers.columns) == [
        "days_online", "penetration", "on_time_rate", "score", "tier", "reason",
    ]  # fmt: skip


def test_custom_thresholds_move_the_boundaries():
    rules = TierRules(
        s=Minimums(365, 0.5, 0.99), a=Minimums(365, 0.4, 0.9), b=Minimums(0, 0.0, 0.0)
    )
    tiers = StoreTiering(rules).assign(figures(THRESHOLD_STORES))
    assert tiers["tier"].to_dict() == {
        "s_exact": "B", "s_high": "S", "a_days": "B", "a_exact": "B", "b_pen": "B",
        "b_nothing_due": "B", "c_new": "B", "c_late": "B", "c_nothing": "B",
    }  # fmt: skip


# --- quantiles ---------------------------------------------------------------------------------

# Stores strictly below, per indicator (NaN below everything), summed over the three:
# n1 9+9+8=26, n2 8+4+9=21, n3 6+7+4=17, n4 17, n5 5+6+6=17, n6 4+5+7=16, n7 3+2+3=8,
# n8 2+1+0=3, n9 1+3+2=6, n10 0+0+1=1; score = sum / 27.
QUANTILE_STORES = {
    "n1": (500, 0.60, 0.99),
    "n2": (400, 0.20, 1.00),
    "n3": (300, 0.50, 0.90),
    "n4": (300, 0.50, 0.90),
    "n5": (200, 0.40, 0.95),
    "n6": (150, 0.30, 0.97),
    "n7": (100, 0.10, 0.85),
    "n8": (60, 0.05, NAN),
    "n9": (30, 0.15, 0.80),
    "n10": (10, 0.00, 0.50),
}
QUANTILE_TIERS = {
    # Top 10 % of 10 stores: one; top 40 %: four, but n3, n4 and n5 tie at ranks 3..5, so all
    # three fall to B; top 80 %: eight stores.
    "n1": "S", "n2": "A", "n3": "B", "n4": "B", "n5": "B",
    "n6": "B", "n7": "B", "n9": "B", "n8": "C", "n10": "C",
}  # fmt: skip


def test_quantiles_rank_a_composite_score_and_ties_share_the_worse_tier():
    tiers = assign_tiers(figures(QUANTILE_STORES), TierRules(method="quantiles"))
    sums = {"n1": 26, "n2": 21, "n3": 17, "n4": 17, "n5": 17, "n6": 16, "n7": 8, "n8": 3,
            "n9": 6, "n10": 1}  # fmt: skip
    for store, total in sums.items():
        assert tiers.loc[store, "score"] == pytest.approx(total / 27, abs=1e-12)
    assert tiers.loc["n3", "score"] == tiers.loc["n5", "score"]  # exactly, not nearly
    assert tiers["tier"].to_dict() == QUANTILE_TIERS
    assert tiers.loc["n1", "reason"] == ""
    assert tiers.loc["n2", "reason"] == "score 0.778 ranks 2 of 10, outside the top 10% for S"
    assert tiers.loc["n4", "reason"] == "score 0.63 ranks 5 of 10, outside the top 40% for A"
    assert tiers.loc["n8", "reason"] == "score 0.111 ranks 9 of 10, outside the top 80% for B"


@pytest.mark.parametrize("seed", range(5))
def test_row_order_does_not_change_quantile_tiers(seed):
    frame = figures(QUANTILE_STORES)
    shuffled = frame.sample(frac=1, random_state=seed)
    tiers = assign_tiers(shuffled, TierRules(method="quantiles"))
    assert list(tiers.index) == list(shuffled.index)
    assert tiers["tier"].to_dict() == QUANTILE_TIERS


def test_quantile_shares_are_configurable():
    rules = TierRules(method="quantiles", shares=[0.2, 0.0, 0.5])  # a list, as from YAML
    tiers = assign_tiers(figures(QUANTILE_STORES), rules)
    assert rules.shares == (0.2, 0.0, 0.5)
    # Cumulative limits 2, 2 and 7 stores: A is empty, B takes ranks 3..7.
    assert tiers["tier"].to_dict() == {
        "n1": "S", "n2": "S", "n3": "B", "n4": "B", "n5": "B",
        "n6": "B", "n7": "B", "n9": "C", "n8": "C", "n10": "C",
    }  # fmt: skip


# --- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"method": "median"}, "rules.method"),
        ({"shares": (0.5, 0.4, 0.2)}, "rules.shares"),
        ({"shares": (0.1, 0.3)}, "rules.shares"),
        ({"shares": (-0.1, 0.3, 0.4)}, "rules.shares[S]"),
        ({"a": Minimums(200, 0.15, 0.90)}, "rules.a.days_online"),
        ({"b": Minimums(30, 0.20, 0.80)}, "rules.b.penetration"),
        ({"s": Minimums(180, 0.30, 1.20)}, "rules.s.on_time_rate"),
        ({"b": Minimums(30, -0.01, 0.80)}, "rules.b.penetration"),
        ({"b": Minimums(-1, 0.05, 0.80)}, "rules.b.days_online"),
    ],
)
def test_bad_rules_are_refused_naming_the_field(kwargs, field):
    with pytest.raises(InvalidInput) as error:
        TierRules(**kwargs)
    assert error.value.field == field


@pytest.mark.parametrize(
    ("store", "column", "value"),
    [("n2", "penetration", 1.5), ("n3", "days_online", -1), ("n4", "on_time_rate", -0.1),
     ("n5", "penetration", NAN)],
)  # fmt: skip
def test_bad_indicators_are_refused_naming_the_store(store, column, value):
    frame = figures(QUANTILE_STORES)
    frame.loc[store, column] = value
    with pytest.raises(InvalidInput) as error:
        assign_tiers(frame, TierRules())
    assert error.value.field == f"indicators[{store!r}].{column}"


def test_bad_levers_and_tier_frames_are_refused():
    with pytest.raises(InvalidInput) as error:
        TierLevers(c=Lever(-0.5, 0.9, 3))
    assert error.value.field == "levers.c.campaign_budget_share"
    with pytest.raises(InvalidInput) as error:
        levers_for(pd.DataFrame({"tier": ["S", "D"]}, index=["x", "y"]), TierLevers(), 100)
    assert error.value.field == "tiers['y'].tier"
    with pytest.raises(InvalidInput) as error:
        levers_for(pd.DataFrame({"tier": ["S", "A"]}, index=["x", "x"]), TierLevers(), 100)
    assert error.value.field == "tiers['x']"
    with pytest.raises(InvalidInput) as error:
        levers_for(pd.DataFrame({"tier": ["S"]}, index=["x"]), TierLevers(), 10.5)
    assert error.value.field == "chain_campaign_budget_cents"


# --- levers ------------------------------------------------------------------------------------


def test_the_budget_splits_by_tier_multiplier_and_sums_exactly():
    tiers = pd.DataFrame({"tier": ["S", "A", "B", "C", "C"]}, index=["e", "d", "c", "b", "a"])
    # Weights 1.5 + 1.2 + 1.0 + 0.6 + 0.6 = 4.9.
    even = StoreTiering().levers(tiers, 4_900)
    assert even["campaign_budget_cents"].tolist() == [1_500, 1_200, 1_000, 600, 600]
    # 100 cents: quotas 30.6, 24.5, 20.4, 12.2, 12.2; floors sum to 98, S and A get the rest.
    odd = levers_for(tiers, TierLevers(), 100)
    assert odd["campaign_budget_cents"].tolist() == [31, 25, 20, 12, 12]
    assert odd["campaign_budget_cents"].dtype == np.int64
    assert odd["staff_hours_factor"].tolist() == [1.1, 1.0, 1.0, 0.9, 0.9]
    assert odd["stock_priority"].tolist() == [0, 1, 2, 3, 3]
    assert odd.loc["e", "strategy"] == "keep indicators and expand the model"
    assert odd.loc["d", "strategy"] == "keep basics and push indicators"
    assert odd.loc["a", "strategy"] == "encourage and build basics"
    # Equal remainders: the lower store id gets the cent.
    one = levers_for(tiers.loc[["b", "a"]], TierLevers(), 1)
    assert one["campaign_budget_cents"].to_dict() == {"b": 0, "a": 1}


@given(
    st.lists(st.sampled_from("SABC"), min_size=1, max_size=30),
    st.integers(0, 10**15),
)
def test_any_budget_split_sums_exactly_and_never_favours_a_lower_tier(tier_list, total):
    tiers = pd.DataFrame({"tier": tier_list}, index=[f"st{i:02d}" for i in range(len(tier_list))])
    cents = levers_for(tiers, TierLevers(), total)["campaign_budget_cents"]
    assert int(cents.sum()) == total
    weight = {"S": 15, "A": 12, "B": 10, "C": 6}
    whole = sum(weight[t] for t in tier_list)
    for store, tier in zip(tiers.index, tier_list, strict=True):
        assert abs(int(cents[store]) - Fraction(total * weight[tier], whole)) < 1
    by_tier = {t: cents[tiers["tier"] == t] for t in "SABC"}
    for better, worse in zip("SAB", "ABC", strict=True):
        if len(by_tier[better]) and len(by_tier[worse]):
            assert by_tier[better].min() >= by_tier[worse].max()


# --- monotonicity ------------------------------------------------------------------------------

# Values at, just below and far from the default minimums, and anything in range.
store_figures = st.tuples(
    st.one_of(st.sampled_from([0, 29, 30, 89, 90, 179, 180, 400]), st.integers(0, 400)),
    st.one_of(st.sampled_from([0.0, 0.04, 0.05, 0.14, 0.15, 0.29, 0.3, 1.0]), st.floats(0, 1)),
    st.one_of(st.sampled_from([0.79, 0.8, 0.89, 0.9, 0.94, 0.95, 1.0, NAN]), st.floats(0, 1)),
)
raises = st.tuples(st.integers(0, 200), st.floats(0, 1), st.floats(0, 1))


@given(st.lists(st.tuples(store_figures, raises), min_size=1, max_size=8))
def test_thresholds_never_rank_a_store_above_one_at_least_as_good(rows):
    stores = {}
    for i, ((days, pen, on_time), (more_days, more_pen, more_on_time)) in enumerate(rows):
        stores[f"x{i}"] = (days, pen, on_time)
        # A store at least as good on every indicator (NaN stays NaN: nothing due).
        stores[f"y{i}"] = (
            days + more_days,
            min(pen + more_pen, 1.0),
            min(on_time + more_on_time, 1.0),
        )
    frame = figures(stores)
    tiers = assign_tiers(frame, TierRules())["tier"]
    for x in frame.index:
        for y in frame.index:
            a, b = frame.loc[x], frame.loc[y]
            # NaN on-time compares only with NaN: "nothing due" is not a low rate.
            same_kind = math.isnan(a["on_time_rate"]) == math.isnan(b["on_time_rate"])
            on_time_ok = math.isnan(b["on_time_rate"]) or b["on_time_rate"] >= a["on_time_rate"]
            if (
                same_kind
                and on_time_ok
                and b["days_online"] >= a["days_online"]
                and b["penetration"] >= a["penetration"]
            ):
                assert RANK[tiers[x]] >= RANK[tiers[y]], (x, y)
