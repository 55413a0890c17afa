"""Booking purchases: the log, each member's totals and dates, points, lifecycle. Callers
(`Membership.record_purchase(s)`) have checked every argument: nothing here refuses."""

from __future__ import annotations

import numpy as np

from retail.membership import lifecycle, points
from retail.membership.state import NEVER, State
from retail.membership.types import PointsRules

LATEST = np.iinfo(np.int64).max


def book(
    state: State,
    rules: PointsRules,
    members: np.ndarray,
    when: np.ndarray,
    store_codes: np.ndarray,
    amounts: np.ndarray,
) -> np.ndarray:
    """Purchase i of `members[i]` at `when[i]` (seconds), `store_codes[i]`, `amounts[i]`
    cents; a member may appear more than once. Returns the points each earned."""
    log = state.purchases
    rows = log.grow(len(members))
    log.member[rows], log.ts[rows] = members, when
    log.amount[rows], log.store[rows] = amounts, store_codes
    m = state.members
    first = m.first_purchase_s
    first[members[first[members] == NEVER]] = LATEST  # the earliest of her purchases wins
    np.minimum.at(first, members, when)
    np.maximum.at(m.last_purchase_s, members, when)
    np.add.at(m.purchases, members, 1)
    np.add.at(m.spend_cents, members, amounts)
    earned = points.earn(state, rules, members, amounts, when)
    lifecycle.on_purchase(state, members, when)
    return earned


def add_category_spend(state: State, member: int, spend: list[tuple[int, int]]) -> None:
    """(category column, cents) of one purchase, learned as affinity (in yuan)."""
    for column, cents in spend:
        state.category_spend[member, column] += cents / 100
