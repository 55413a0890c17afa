"""Points: earned per yuan by tier, spent oldest first, expiring at the end of the year
after the one they were earned in. Integer points; fractions of a point are dropped."""

from __future__ import annotations

import numpy as np

from retail.errors import InvalidInput
from retail.membership.state import State
from retail.membership.types import PointsRules


def year_of(when: np.ndarray) -> np.ndarray:
    return when.astype("datetime64[s]").astype("datetime64[Y]").astype(np.int64) + 1970


def roll_years(state: State, members: np.ndarray, when: np.ndarray) -> None:
    """Bring each member's buckets to the year of `when`: last year's unspent points expire,
    this year's become last year's."""
    m = state.members
    year = year_of(when)
    behind = m.points_year[members] < year
    rows, year = members[behind], year[behind]
    gap = year - m.points_year[rows]
    one = gap == 1
    m.points_prev[rows] = np.where(one, m.points_cur[rows], 0)
    m.earned_prev[rows] = np.where(one, m.earned_cur[rows], 0)
    m.points_cur[rows] = 0
    m.earned_cur[rows] = 0
    m.points_year[rows] = year


def earn(
    state: State, rules: PointsRules, members: np.ndarray, amounts: np.ndarray, when: np.ndarray
) -> np.ndarray:
    m = state.members
    roll_years(state, members, when)
    multiplier = np.asarray(rules.tier_multipliers)[m.tier[members]]
    earned = np.floor(amounts / 100 * rules.points_per_yuan * multiplier).astype(np.int64)
    np.add.at(m.points_cur, members, earned)
    np.add.at(m.earned_cur, members, earned)
    thresholds = np.asarray(rules.tier_thresholds)
    basis = m.earned_cur[members] + m.earned_prev[members]
    m.tier[members] = np.maximum(np.searchsorted(thresholds, basis, side="right") - 1, 0)
    return earned


def redeem(state: State, member: int, amount: int, when: int) -> int:
    if not isinstance(amount, int | np.integer) or amount <= 0:
        raise InvalidInput("points", f"a positive integer, got {amount!r}")
    m = state.members
    roll_years(state, np.array([member]), np.array([when]))
    balance = int(m.points_prev[member] + m.points_cur[member])
    if amount > balance:
        raise InvalidInput("points", f"redeeming {amount} with a balance of {balance}")
    from_prev = min(amount, int(m.points_prev[member]))
    m.points_prev[member] -= from_prev
    m.points_cur[member] -= amount - from_prev
    return balance - amount
