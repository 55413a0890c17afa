"""Campaign uplift over a holdout: Newcombe's published examples, a hand-computed Wilson
case, Welch's interval against its textbook formula, coverage and bias on simulated
campaigns with a known effect, and bad inputs naming their argument."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from retail.errors import InvalidInput
from retail.marketing.uplift import Uplift, conversion_uplift, mean_uplift, uplift_from_outcomes

Z95 = 1.959963984540054


def wilson(x: int, n: int, z: float = Z95) -> tuple[float, float]:
    p = x / n
    centre = (2 * n * p + z * z) / (2 * (n + z * z))
    half = z * math.sqrt(4 * n * p * (1 - p) + z * z) / (2 * (n + z * z))
    return centre - half, centre + half


@pytest.mark.parametrize(
    ("counts", "low", "high"),
    [
        # Newcombe (1998), Stat. Med. 17:873, Table II, method 10.
        ((56, 70, 48, 80), 0.0524, 0.3339),
        ((9, 10, 3, 10), 0.1705, 0.8090),
        ((5, 56, 0, 29), -0.0381, 0.1926),
        ((0, 10, 0, 20), -0.1611, 0.2775),
        ((10, 10, 0, 20), 0.6791, 1.0000),
    ],
)
def test_newcombe_published_examples(counts, low, high):
    u = conversion_uplift(*counts)
    assert u.difference == pytest.approx(counts[0] / counts[1] - counts[2] / counts[3])
    assert round(u.low, 4) == pytest.approx(low, abs=1e-12)
    assert round(u.high, 4) == pytest.approx(high, abs=1e-12)


def test_hand_computed_conversion_uplift():
    u = conversion_uplift(60, 500, 40, 500)
    l1, u1 = wilson(60, 500)
    l2, u2 = wilson(40, 500)
    assert (l1, u1) == pytest.approx((0.094375, 0.151420), abs=1e-6)
    assert (l2, u2) == pytest.approx((0.059298, 0.107106), abs=1e-6)
    assert u.metric == "conversion"
    assert (u.treated_n, u.holdout_n) == (500, 500)
    assert (u.treated_value, u.holdout_value) == pytest.approx((0.12, 0.08))
    assert u.difference == pytest.approx(0.04)
    assert u.low == pytest.approx(0.04 - math.sqrt((0.12 - l1) ** 2 + (u2 - 0.08) ** 2))
    assert u.high == pytest.approx(0.04 + math.sqrt((u1 - 0.12) ** 2 + (0.08 - l2) ** 2))
    assert (u.low, u.high) == pytest.approx((0.002699, 0.077627), abs=1e-6)
    assert u.relative == pytest.approx(0.5)
    # Pooled z-test: p = 0.1, se = sqrt(0.1 * 0.9 * 2 / 500) = 0.018974, z = 2.108.
    assert u.p_value == pytest.approx(2 * stats.norm.sf(0.04 / math.sqrt(0.09 * 2 / 500)))
    assert u.p_value == pytest.approx(0.03502, abs=1e-5)
    assert u.covers(0.04) and u.covers(u.low) and not u.covers(0.0)


def test_a_wider_confidence_gives_a_wider_interval_and_no_conversions_a_p_value_of_one():
    narrow = conversion_uplift(60, 500, 40, 500, confidence=0.80)
    wide = conversion_uplift(60, 500, 40, 500, confidence=0.99)
    assert wide.low < narrow.low < narrow.high < wide.high
    nothing = conversion_uplift(0, 100, 0, 50)
    assert nothing.p_value == 1.0 and math.isnan(nothing.relative)
    everything = conversion_uplift(30, 30, 20, 20)
    assert everything.p_value == 1.0 and everything.relative == 0.0


@given(
    st.integers(1, 400).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.integers(1, 400).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
)
def test_the_conversion_interval_holds_the_estimate_and_stays_within_minus_one_one(a, b):
    u = conversion_uplift(a[0], a[1], b[0], b[1])
    assert -1.0 <= u.low <= u.difference <= u.high <= 1.0
    assert 0.0 <= u.p_value <= 1.0


def test_mean_uplift_is_welchs_interval():
    rng = np.random.default_rng(7)
    treated = rng.integers(0, 20_000, 37)  # integer cents
    holdout = rng.integers(0, 9_000, 52)
    u = mean_uplift(treated, holdout, confidence=0.90)
    m1, m2 = treated.mean(), holdout.mean()
    v1, v2 = treated.var(ddof=1) / 37, holdout.var(ddof=1) / 52
    df = (v1 + v2) ** 2 / (v1**2 / 36 + v2**2 / 51)  # Welch–Satterthwaite
    half = stats.t.ppf(0.95, df) * math.sqrt(v1 + v2)
    t = (m1 - m2) / math.sqrt(v1 + v2)
    assert u.metric == "revenue_per_member"
    assert (u.treated_value, u.holdout_value, u.difference) == pytest.approx((m1, m2, m1 - m2))
    assert (u.low, u.high) == pytest.approx((m1 - m2 - half, m1 - m2 + half), rel=1e-10)
    assert u.p_value == pytest.approx(2 * stats.t.sf(abs(t), df), rel=1e-8)
    assert u.relative == pytest.approx((m1 - m2) / m2)
    assert u.confidence == 0.90


def test_groups_without_spread_give_the_exact_difference():
    same = mean_uplift(np.array([500, 500, 500]), np.array([500, 500]))
    assert (same.difference, same.low, same.high, same.p_value) == (0.0, 0.0, 0.0, 1.0)
    apart = mean_uplift(np.array([700, 700]), np.array([500, 500, 500]), metric="basket")
    assert (apart.metric, apart.low, apart.high, apart.p_value) == ("basket", 200, 200, 0.0)
    zero = mean_uplift(np.array([0, 0]), np.array([0, 0]))
    assert math.isnan(zero.relative)


def test_uplift_from_outcomes_splits_by_assignment_not_by_delivery():
    assigned = np.array([True, True, True, True, False, False, False])
    converted = np.array([True, False, True, False, True, False, False])
    revenue = np.array([1_000, 0, 3_000, 0, 500, 0, 0])
    result = uplift_from_outcomes(assigned, converted, revenue)
    assert set(result) == {"conversion", "revenue_per_member"}
    assert result["conversion"] == conversion_uplift(2, 4, 1, 3)
    money = result["revenue_per_member"]
    assert (money.treated_n, money.holdout_n) == (4, 3)
    assert (money.treated_value, money.holdout_value) == pytest.approx((1_000, 500 / 3))


def simulate(rng, replications, n, rate, mu, sigma):
    """Per-member revenue in cents: a lognormal basket for converters, zero otherwise."""
    converted = rng.random((replications, n)) < rate
    basket = np.rint(rng.lognormal(mu, sigma, (replications, n))).astype(np.int64)
    return converted, np.where(converted, basket, 0)


def test_intervals_cover_a_known_effect_and_the_estimates_are_unbiased():
    rng = np.random.default_rng(20260504)
    reps, n, mu, sigma = 400, 2_000, 8.5, 0.8
    basket_mean = math.exp(mu + sigma**2 / 2)  # ≈ 6,720 cents
    true = {"conversion": 0.06 - 0.04, "revenue_per_member": (0.06 - 0.04) * basket_mean}
    t_conv, t_rev = simulate(rng, reps, n, 0.06, mu, sigma)
    h_conv, h_rev = simulate(rng, reps, n, 0.04, mu, sigma)
    assigned = np.repeat([True, False], n)
    hits = {name: 0 for name in true}
    differences = {name: [] for name in true}
    for r in range(reps):
        result = uplift_from_outcomes(assigned, np.concatenate([t_conv[r], h_conv[r]]),
                                      np.concatenate([t_rev[r], h_rev[r]]))  # fmt: skip
        for name, u in result.items():
            hits[name] += u.covers(true[name])
            differences[name].append(u.difference)
    for name in true:
        coverage = hits[name] / reps
        assert 0.92 <= coverage <= 0.98, (name, coverage)
        d = np.array(differences[name])
        assert abs(d.mean() - true[name]) < 3 * d.std(ddof=1) / math.sqrt(reps), name


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((5, 0, 1, 10), "treated_n"),
        ((5, 10, 1, -3), "holdout_n"),
        ((11, 10, 1, 10), "treated_converted"),
        ((1, 10, -1, 10), "holdout_converted"),
        ((1.0, 10, 1, 10), "treated_converted"),
        ((True, 10, 1, 10), "treated_converted"),
        ((1, 10, 1, 10, 1.0), "confidence"),
        ((1, 10, 1, 10, 0.0), "confidence"),
    ],
)
def test_bad_counts_name_their_argument(args, field):
    with pytest.raises(InvalidInput) as caught:
        conversion_uplift(*args)
    assert caught.value.field == field


def test_bad_values_name_their_argument():
    ok = np.array([1, 2, 3])
    cases = [
        ((np.array([1]), ok), "treated"),
        ((ok, np.array([1.0, np.nan])), "holdout"),
        ((ok, np.array(["a", "b"])), "holdout"),
        ((ok.reshape(3, 1), ok), "treated"),
        ((ok, ok, 1.5), "confidence"),
    ]
    for args, field in cases:
        with pytest.raises(InvalidInput) as caught:
            mean_uplift(*args)
        assert caught.value.field == field
    flags = np.array([True, False, True])
    for args, field in [
        ((np.array([1, 0, 1]), flags, ok), "assigned_treatment"),
        ((flags, flags, ok.astype(float)), "revenue"),
        ((flags, flags[:2], ok), "converted"),
        ((np.array([True, True, True]), flags, ok), "holdout_n"),
    ]:
        with pytest.raises(InvalidInput) as caught:
            uplift_from_outcomes(*args)
        assert caught.value.field == field


def test_uplift_is_frozen():
    u = Uplift("x", 2, 2, 1.0, 0.5, 0.5, 0.1, 0.9)
    assert u.confidence == 0.95 and math.isnan(u.p_value)
    with pytest.raises(AttributeError):
        u.low = 0.0  # type: ignore[misc]
