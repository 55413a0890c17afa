"""Booking purchases: the log, each member's totals and dates, points, lifecycle, RFM, category
spend. Callers (`Membership.record_purchase(s)`) have checked every argument (the category
matrix with `checked_category_spend`): nothing that books refuses."""

from __future__ import annotations

import numpy as np

from retail import checks
from retail.errors import InvalidInput
from retail.membership import lifecycle, points, rfm_state
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
    rfm_state.absorb(state)
    return earned


def add_category_spend(state: State, member: int, spend: list[tuple[int, int]]) -> None:
    """(category column, cents) of one purchase, learned as affinity (in yuan)."""
    for column, cents in spend:
        state.category_spend[member, column] += cents / 100
    state.learn_top_category(member)


def checked_category_spend(
    spend: object, amounts: np.ndarray, categories: tuple[str, ...]
) -> np.ndarray:
    """`record_purchases`' `category_spend` as an int64 (purchases x categories) matrix: whole
    cents each, a row summing to at most its purchase's amount (as `record_purchase` checks
    its `categories`), or `InvalidInput` naming the first bad row."""
    field, n, width = "category_spend", len(amounts), len(categories)
    try:
        array = np.asarray(spend)
    except ValueError:  # ragged rows
        raise InvalidInput(field, "must be a matrix of whole cents") from None
    if array.ndim != 2 or array.shape != (n, width):
        shape = "x".join(map(str, array.shape)) or "a scalar"
        raise InvalidInput(field, f"must be {n} purchases x {width} categories, got {shape}")
    if array.dtype.kind not in "iu" or not isinstance(spend, np.ndarray):
        # Floats, bools, text refused at the first bad cell, in the caller's own values:
        # numpy makes [[1, 2.5]] all floats (1 is no error) and [[True, 2]] all integers.
        rows = array.tolist() if isinstance(spend, np.ndarray) else spend
        for i, row in enumerate(rows):
            for cents in row:
                checks.cents(cents, f"{field}[{i}]")
        if not array.size:
            return np.zeros(array.shape, np.int64)
    bad = (array < 0) | (array > checks.MAX_CENTS)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        checks.cents(array[i, j].item(), f"{field}[{i}]")  # raises, saying which bound
    array = array.astype(np.int64)
    total = array.sum(axis=1)
    over = total > amounts
    if over.any():
        i = int(np.argmax(over))
        raise InvalidInput(f"{field}[{i}]", f"categories sum to {total[i]} cents, more than the "
                           f"purchase's {amounts[i]}")  # fmt: skip
    return array


def add_category_spend_many(state: State, members: np.ndarray, spend: np.ndarray) -> None:
    """Each row of `spend` (cents per category) onto its member's affinity, in yuan: the
    same float32 sums `add_category_spend` makes one purchase at a time."""
    rows, columns = np.nonzero(spend)
    yuan = (spend[rows, columns] / 100).astype(np.float32)
    np.add.at(state.category_spend, (members[rows], columns), yuan)
    state.learn_top_category(np.unique(members[rows]))
