"""Forecasting and replenishment: known patterns recovered, accuracy by hand, hand-computed
reorder points, purchase orders with due dates, and a simulation in which the safety-stock
policy reaches its target cycle service level on generated demand."""

import datetime as dt

import numpy as np
import pytest

from retail.errors import InvalidInput
from retail.inventory.forecast import SmoothingParams, accuracy, backtest, fit
from retail.inventory.replenishment import ReplenishmentPolicy, plan, purchase_orders

WEEKDAY = np.array([8, 8, 9, 10, 12, 16, 14], float)  # Monday .. Sunday, units a day


def test_a_noiseless_weekly_pattern_is_forecast_exactly():
    history = np.tile(WEEKDAY, 8)[None, :].repeat(3, axis=0)  # 8 weeks from a Monday
    forecast = fit(history, first_weekday=0)
    assert forecast.next_weekday == 0
    assert forecast.daily(7) == pytest.approx(np.tile(WEEKDAY, (3, 1)), abs=1e-3)
    assert forecast.sigma == pytest.approx(0.0, abs=1e-3)
    # The same series starting on a Thursday: the weekdays still line up.
    shifted = fit(np.roll(history, -3, axis=1), first_weekday=3)
    assert shifted.next_weekday == 3
    assert shifted.daily(7)[0] == pytest.approx(np.roll(WEEKDAY, -3), abs=1e-3)


def test_a_linear_trend_is_followed():
    days = np.arange(70, dtype=float)
    history = (20 + 0.5 * days)[None, :]
    forecast = fit(history, 0, SmoothingParams(alpha=0.5, beta=0.3, gamma=0.0, phi=1.0))
    assert forecast.daily(3)[0] == pytest.approx([55.0, 55.5, 56.0], abs=0.05)


def test_accuracy_by_hand():
    actual = np.array([[10, 0, 5], [4, 4, 0]])
    assert accuracy(actual, actual).wape == 0.0
    result = accuracy(actual, np.array([[12, 1, 5], [3, 4, 0]]))
    assert result.wape == pytest.approx((2 + 1 + 0 + 1) / 23)
    assert result.mape == pytest.approx([(0.2 + 0.0) / 2, (0.25 + 0) / 2])
    assert result.bias == pytest.approx((2 + 1 - 1) / 23)


def test_a_backtest_on_noisy_demand_scores_near_the_noise():
    rng = np.random.default_rng(2)
    history = rng.poisson(np.tile(WEEKDAY, 12), size=(500, 84))
    result = backtest(history, first_weekday=0, holdout_days=14)
    # Poisson noise alone gives a WAPE of about sqrt(2 / (pi * 11)) = 0.24 at 11 units a day.
    assert 0.2 < result.wape < 0.3 and abs(result.bias) < 0.05


def test_a_hand_computed_plan_and_its_purchase_orders():
    daily = np.full((2, 10), 10.0)
    policy = ReplenishmentPolicy(service_level=0.95, case_pack=6)
    result = plan(daily, np.array([3.0, 3.0]), np.array([20, 70]), np.array([10, 0]), 4, policy)
    # z = 1.6449; SS = ceil(1.6449 * 3 * 2) = 10; ROP = 4 x 10 + 10 = 50 = order-up-to.
    assert result.safety_stock.tolist() == [10, 10]
    assert result.reorder_point.tolist() == [50, 50] and result.order_up_to.tolist() == [50, 50]
    assert result.order_quantity.tolist() == [24, 0]  # 50 - 30 = 20, up to 4 cases of 6
    orders = purchase_orders(result, np.array(["S1", "S2"]), np.array(["tee", "tee"]),
                             dt.datetime(2026, 6, 1, 22), dc="DC-East")  # fmt: skip
    assert orders.to_dict("records") == [{
        "store": "S1", "sku": "tee", "quantity": 24, "source": "DC-East",
        "ordered_at": dt.datetime(2026, 6, 1, 22), "due_at": dt.datetime(2026, 6, 5),
    }]  # fmt: skip
    covering = plan(daily, np.array([3.0, 3.0]), np.array([20, 70]), np.array([10, 0]), 4,
                    ReplenishmentPolicy(cover_days=3))  # fmt: skip
    assert covering.order_up_to.tolist() == [80, 80] and covering.order_quantity.tolist() == [50, 0]


def test_bad_parameters_name_the_field():
    with pytest.raises(InvalidInput, match=r"forecast\.alpha"):
        SmoothingParams(alpha=1.5)
    with pytest.raises(InvalidInput, match=r"replenishment\.service_level"):
        ReplenishmentPolicy(service_level=1.0)
    with pytest.raises(InvalidInput, match=r"replenishment\.case_pack"):
        ReplenishmentPolicy(case_pack=0)
    with pytest.raises(InvalidInput, match="history"):
        fit(np.ones((2, 10)), 0)
    with pytest.raises(InvalidInput, match="daily"):
        plan(np.ones((1, 2)), np.ones(1), np.zeros(1), np.zeros(1), 5)


@pytest.mark.parametrize("target", [0.90, 0.95])
def test_the_policy_reaches_its_target_cycle_service_level(target):
    """2,000 series, Poisson demand with a weekday pattern and its own rate; forecast from 8
    weeks of history; 150 days of daily review with a 3-day lead time and backorders. A review
    cycle fails when the stock it ordered runs out before the next order can arrive."""
    rng = np.random.default_rng(int(target * 100))
    n, history_days, days, lead, warm_up = 2_000, 56, 150, 3, 10
    rate = rng.uniform(2, 20, n)[:, None] * WEEKDAY[None, :] / WEEKDAY.mean()
    pattern = np.tile(np.arange(7), (history_days + days) // 7 + 1)[: history_days + days]
    demand = rng.poisson(rate[:, pattern])
    forecast = fit(demand[:, :history_days], first_weekday=0)
    daily = forecast.daily(days + lead + 1)
    policy = ReplenishmentPolicy(service_level=target)
    on_hand = plan(daily, forecast.sigma, np.zeros(n), np.zeros(n), lead, policy).order_up_to
    on_order = np.zeros(n, np.int64)
    arriving = np.zeros((n, days + lead + 1), np.int64)
    short_days = cycles = 0
    for day in range(days):
        on_hand = on_hand + arriving[:, day]
        on_order -= arriving[:, day]
        on_hand = on_hand - demand[:, history_days + day]
        if day >= warm_up + lead:  # the cycle of the order placed `lead` days ago ends today
            short_days += int((on_hand < 0).sum())
            cycles += n
        review = plan(daily[:, day + 1 :], forecast.sigma, on_hand, on_order, lead, policy)
        arriving[:, day + lead] += review.order_quantity
        on_order += review.order_quantity
    achieved = 1 - short_days / cycles
    assert achieved == pytest.approx(target, abs=0.02), achieved
