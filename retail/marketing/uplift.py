"""A campaign's uplift of the treated group over a randomly drawn holdout, intention to treat:
every member assigned to treatment counts, whether or not the message reached them, so the
comparison keeps the randomisation and measures the effect of the decision to target.

Conversion: difference of two proportions with Newcombe's hybrid score interval (method 10
of Newcombe 1998, from the two Wilson score intervals; good coverage also at small rates),
p-value from the pooled two-proportion z-test. Per-member values (e.g. revenue in cents):
Welch's unequal-variance t interval and test. Values are reported in the units given.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from retail.errors import InvalidInput


@dataclass(frozen=True)
class Uplift:
    """Treated minus holdout for one metric, with its two-sided confidence interval."""

    metric: str
    treated_n: int
    holdout_n: int
    treated_value: float
    holdout_value: float
    difference: float
    low: float
    high: float
    confidence: float = 0.95
    relative: float = math.nan
    p_value: float = math.nan

    def covers(self, value: float) -> bool:
        """Whether `value` lies in the closed interval [low, high]."""
        return self.low <= value <= self.high


def conversion_uplift(
    treated_converted: int,
    treated_n: int,
    holdout_converted: int,
    holdout_n: int,
    confidence: float = 0.95,
) -> Uplift:
    """Uplift of the conversion rate, with Newcombe's hybrid score interval."""
    _check_confidence(confidence)
    _check_count("treated_n", treated_n, positive=True)
    _check_count("holdout_n", holdout_n, positive=True)
    _check_count("treated_converted", treated_converted, at_most=treated_n)
    _check_count("holdout_converted", holdout_converted, at_most=holdout_n)
    x1, n1, x2, n2 = int(treated_converted), int(treated_n), int(holdout_converted), int(holdout_n)
    p1, p2 = x1 / n1, x2 / n2
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    l1, u1 = _wilson(x1, n1, z)
    l2, u2 = _wilson(x2, n2, z)
    difference = p1 - p2
    low = difference - math.hypot(p1 - l1, u2 - p2)
    high = difference + math.hypot(u1 - p1, p2 - l2)
    pooled = (x1 + x2) / (n1 + n2)
    if pooled in (0.0, 1.0):  # both groups all-or-nothing alike: no evidence of a difference
        p_value = 1.0
    else:
        se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        p_value = float(2 * stats.norm.sf(abs(difference) / se))
    return Uplift("conversion", n1, n2, p1, p2, difference, low, high, confidence,
                  _relative(difference, p2), p_value)  # fmt: skip


def mean_uplift(
    treated: np.ndarray,
    holdout: np.ndarray,
    confidence: float = 0.95,
    metric: str = "revenue_per_member",
) -> Uplift:
    """Uplift of the mean per-member value, with Welch's unequal-variance t interval."""
    _check_confidence(confidence)
    a = _values("treated", treated)
    b = _values("holdout", holdout)
    mean_a, mean_b = float(a.mean()), float(b.mean())
    difference = mean_a - mean_b
    if a.min() == a.max() and b.min() == b.max():
        # No spread at all: the difference is known exactly (Welch's t would be 0/0).
        low = high = difference
        p_value = 1.0 if difference == 0 else 0.0
    else:
        result = stats.ttest_ind(a, b, equal_var=False)
        interval = result.confidence_interval(confidence)
        low, high, p_value = float(interval.low), float(interval.high), float(result.pvalue)
    return Uplift(metric, len(a), len(b), mean_a, mean_b, difference, low, high, confidence,
                  _relative(difference, mean_b), p_value)  # fmt: skip


def uplift_from_outcomes(
    assigned_treatment: np.ndarray,
    converted: np.ndarray,
    revenue: np.ndarray,
    confidence: float = 0.95,
) -> dict[str, Uplift]:
    """Conversion and revenue-per-member uplift from one row per member of the campaign."""
    assigned = _flags("assigned_treatment", assigned_treatment)
    bought = _flags("converted", converted)
    cents = np.asarray(revenue)
    if cents.ndim != 1 or cents.dtype.kind not in "iu":
        raise InvalidInput("revenue", "must be a 1-D array of integer cents")
    if not len(assigned) == len(bought) == len(cents):
        raise InvalidInput(
            "converted", "assigned_treatment, converted and revenue differ in length"
        )
    holdout = ~assigned
    conversion = conversion_uplift(int(np.count_nonzero(bought & assigned)),
                                   int(np.count_nonzero(assigned)),
                                   int(np.count_nonzero(bought & holdout)),
                                   int(np.count_nonzero(holdout)), confidence)  # fmt: skip
    revenue_uplift = mean_uplift(cents[assigned], cents[holdout], confidence)
    return {"conversion": conversion, "revenue_per_member": revenue_uplift}


def _wilson(x: int, n: int, z: float) -> tuple[float, float]:
    """Wilson score interval of x successes in n trials (no continuity correction)."""
    denominator = n + z * z
    centre = (x + z * z / 2) / denominator
    half = z * math.sqrt(x * (n - x) / n + z * z / 4) / denominator
    # Algebraically within [0, 1]; clip the rounding at x = 0 or x = n.
    return max(0.0, centre - half), min(1.0, centre + half)


def _relative(difference: float, base: float) -> float:
    return difference / base if base != 0 else math.nan


def _check_confidence(confidence: float) -> None:
    if not (isinstance(confidence, float | int) and 0 < confidence < 1):
        raise InvalidInput("confidence", f"must be strictly between 0 and 1, got {confidence!r}")


def _check_count(
    field: str, value: object, positive: bool = False, at_most: int | None = None
) -> None:
    # bool is an int subclass, but True as a count is a caller's mistake.
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise InvalidInput(field, f"must be an integer, got {value!r}")
    if value < (1 if positive else 0):
        raise InvalidInput(field, f"must be {'positive' if positive else 'non-negative'}")
    if at_most is not None and value > at_most:
        raise InvalidInput(field, f"{value} exceeds the group size {at_most}")


def _values(field: str, values: np.ndarray) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1 or array.dtype.kind not in "biuf":
        raise InvalidInput(field, "must be a 1-D array of numbers")
    if len(array) < 2:
        raise InvalidInput(field, f"needs at least 2 members, got {len(array)}")
    # float64 so that sums of integer cents neither overflow nor truncate.
    array = array.astype(np.float64)
    if not np.isfinite(array).all():
        raise InvalidInput(field, "contains NaN or infinite values")
    return array


def _flags(field: str, values: np.ndarray) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1 or array.dtype != np.bool_:
        raise InvalidInput(field, "must be a 1-D boolean array")
    return array
