"""Daily demand forecasts for many (store, SKU) series at once: Holt-Winters exponential
smoothing with a damped additive trend and an additive weekday season, and forecast accuracy.

Additive season because many series have days without a sale, where a multiplicative index
is undefined. Initial state from the first two weeks: trend = (second week's mean - first
week's) / 7, level = their mean moved along the trend to the last of those days, season = each
weekday's mean excess over that trend line. The loop
runs over days and is vectorised over series (state in float32: a million series fit in a
few seconds and tens of megabytes)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from retail.errors import InvalidInput

WEEK = 7
WARM_UP = 2 * WEEK  # days used to initialise; residuals count from here on


@dataclass(frozen=True)
class SmoothingParams:
    """alpha: level, beta: trend, gamma: weekday season, phi: trend damping (1 = none)."""

    alpha: float = 0.15
    beta: float = 0.02
    gamma: float = 0.10
    phi: float = 0.90

    def __post_init__(self) -> None:
        for name in ("alpha", "beta", "gamma"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise InvalidInput(
                    f"forecast.{name}", f"must be within [0, 1], got {getattr(self, name)}"
                )
        if not 0.0 < self.phi <= 1.0:
            raise InvalidInput("forecast.phi", f"must be within (0, 1], got {self.phi}")


@dataclass(frozen=True)
class Forecast:
    """Fitted state after the last day of history. `season[w]` is the weekday effect of
    weekday w (Monday 0); `sigma` the standard deviation of one-day-ahead errors."""

    level: np.ndarray
    trend: np.ndarray
    season: np.ndarray  # 7 x series
    sigma: np.ndarray
    next_weekday: int  # weekday of the first forecast day
    params: SmoothingParams

    def daily(self, horizon: int, start: int = 0) -> np.ndarray:
        """Mean demand per series for forecast days start .. start + horizon - 1 (day 0 is
        the day after the history), never below zero: series x horizon."""
        steps = np.arange(start + 1, start + horizon + 1)
        phi = self.params.phi
        damped = steps.astype(np.float64) if phi == 1.0 else phi * (1 - phi**steps) / (1 - phi)
        weekdays = (self.next_weekday + steps - 1) % WEEK
        mean = self.level[:, None] + self.trend[:, None] * damped[None, :].astype(np.float32)
        return np.maximum(mean + self.season[weekdays].T, 0.0)


def fit(history: np.ndarray, first_weekday: int, params: SmoothingParams | None = None) -> Forecast:
    """Smooth `history` (series x days of units sold, oldest first; day 0 falls on
    `first_weekday`, Monday 0)."""
    params = params or SmoothingParams()
    history = np.asarray(history)
    if history.ndim != 2 or history.shape[1] < WARM_UP + 1:
        raise InvalidInput(
            "history", f"series x days with at least {WARM_UP + 1} days, got shape {history.shape}"
        )
    if not 0 <= first_weekday < WEEK:
        raise InvalidInput("first_weekday", f"0 (Monday) to 6, got {first_weekday}")
    if (history < 0).any():
        raise InvalidInput("history", "units sold cannot be negative")
    n, days = history.shape
    first, second = (
        history[:, :WEEK].astype(np.float32),
        history[:, WEEK:WARM_UP].astype(np.float32),
    )
    level = (first.sum(axis=1) + second.sum(axis=1)) / WARM_UP  # in the middle, day 6.5
    trend = (second.mean(axis=1) - first.mean(axis=1)) / WEEK
    season = np.empty((WEEK, n), np.float32)
    for day in range(WEEK):  # each weekday's excess over the trend line, days `day` and +7
        on_line = 2 * level + trend * (2 * day + WEEK - (WARM_UP - 1))
        season[(first_weekday + day) % WEEK] = (first[:, day] + second[:, day] - on_line) / 2
    level = level + trend * (WARM_UP - 1) / 2  # the level on the last warm-up day
    alpha, beta, gamma, phi = (
        np.float32(v) for v in (params.alpha, params.beta, params.gamma, params.phi)
    )
    squared = np.zeros(n, np.float64)
    for day in range(WARM_UP, days):
        weekday = (first_weekday + day) % WEEK
        sold = history[:, day].astype(np.float32)
        expected = level + phi * trend
        squared += np.square(sold - (expected + season[weekday]))
        new_level = alpha * (sold - season[weekday]) + (1 - alpha) * expected
        trend = beta * (new_level - level) + (1 - beta) * phi * trend
        season[weekday] = gamma * (sold - new_level) + (1 - gamma) * season[weekday]
        level = new_level
    sigma = np.sqrt(squared / (days - WARM_UP)).astype(np.float32)
    return Forecast(level, trend, season, sigma, (first_weekday + days) % WEEK, params)


@dataclass(frozen=True)
class Accuracy:
    wape: float  # sum of absolute errors / sum of actual units, over every series and day
    mape: np.ndarray  # per series, over days with a sale (nan for a series that sold nothing)
    bias: float  # sum of errors / sum of actual: > 0 forecasts too much


def accuracy(actual: np.ndarray, predicted: np.ndarray) -> Accuracy:
    """Forecast accuracy of `predicted` against `actual` (series x days)."""
    actual = np.asarray(actual, np.float64)
    error = np.asarray(predicted, np.float64) - actual
    total = actual.sum()
    sold = actual > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(sold, np.abs(error) / np.where(sold, actual, 1), 0.0)
        mape = ratio.sum(axis=1) / sold.sum(axis=1)
    return Accuracy(float(np.abs(error).sum() / total) if total else float("nan"), mape,
                    float(error.sum() / total) if total else float("nan"))  # fmt: skip


def backtest(history: np.ndarray, first_weekday: int, holdout_days: int,
             params: SmoothingParams | None = None) -> Accuracy:  # fmt: skip
    """Fit on all but the last `holdout_days`, forecast them, and score the forecast."""
    if not 0 < holdout_days < history.shape[1] - WARM_UP:
        raise InvalidInput("holdout_days", f"must leave at least {WARM_UP + 1} days to fit")
    fitted = fit(history[:, :-holdout_days], first_weekday, params)
    return accuracy(history[:, -holdout_days:], fitted.daily(holdout_days))
