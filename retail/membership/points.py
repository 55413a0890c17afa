"""Points: earned per yuan by tier, spent oldest first, expiring at the end of the year
after the one they were earned in. Integer points; fractions of a point are dropped."""

from __future__ import annotations

import numpy as np

from retail import checks
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


def roll_live_years(state: State, now: int) -> None:
    """`roll_years` of every live member to the year of `now` (only those behind move)."""
    m = state.members
    behind = np.flatnonzero(m.points_year < year_of(np.array([now]))[0])
    behind = behind[(m.merged_into[behind] < 0) & ~m.erased[behind]]
    roll_years(state, behind, np.full(len(behind), now))


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


def balance_at(state: State, member: int, when: int) -> int:
    """Points she can spend at `when`, without rolling her buckets (a read changes nothing)."""
    m = state.members
    gap = int(year_of(np.array([when]))[0]) - int(m.points_year[member])
    if gap <= 0:
        return int(m.points_cur[member] + m.points_prev[member])
    return int(m.points_cur[member]) if gap == 1 else 0  # this year's become last year's


def redeem(state: State, member: int, amount: int, when: int) -> int:
    """Spend `amount` points, oldest first; refused (nothing changed) beyond the balance."""
    amount = checks.integer(amount, "points", 1, 2**62, "a positive whole number of points")
    balance = balance_at(state, member, when)
    if amount > balance:
        raise InvalidInput("points", f"redeeming {amount} with a balance of {balance}")
    m = state.members
    roll_years(state, np.array([member]), np.array([when]))
    from_prev = min(amount, int(m.points_prev[member]))
    m.points_prev[member] -= from_prev
    m.points_cur[member] -= amount - from_prev
    return balance - amount
