"""Lifecycle: follower -> member -> active -> at-risk -> dormant -> churned, and win-back.

Every change of stage is written to the transitions log with its date. The daily job moves
members on by the days since their last purchase (or since joining, before any), each
threshold stretched to her own rhythm once she has bought three times or more.
"""

from __future__ import annotations

import numpy as np

from retail.clock import SECONDS_PER_DAY
from retail.membership.state import NEVER, State
from retail.membership.types import LifecycleRules, Stage


def record_transitions(state: State, rows: np.ndarray, new: np.ndarray,
                       when: int | np.ndarray) -> None:  # fmt: skip
    """Rows to stage `new` at `when` (one time, or one per row), each change logged."""
    m = state.members
    changed = m.stage[rows] != new
    rows, new = rows[changed], new[changed]
    if np.ndim(when):
        when = np.asarray(when)[changed]
    if not len(rows):
        return
    log = state.transitions
    slots = log.grow(len(rows))
    log.member[slots], log.ts[slots] = rows, when
    log.old[slots], log.new[slots] = m.stage[rows], new
    m.stage[rows] = new
    m.stage_since_s[rows] = when
    mark(state, rows)


def on_purchase(state: State, members: np.ndarray, when: np.ndarray) -> None:
    """A purchase makes a member active (a win-back if she was at risk or beyond): one
    transition per member not active, at her first purchase of the batch, logged in order of
    time, then member id."""
    m = state.members
    mark(state, members)
    registered = m.member_s[members] != NEVER
    rows, times = members[registered], when[registered]
    if not len(rows):
        return
    order = np.lexsort((times, rows))  # by member, her earliest purchase first
    rows, times = rows[order], times[order]
    first = np.ones(len(rows), bool)
    first[1:] = rows[1:] != rows[:-1]
    rows, times = rows[first], times[first]
    moving = m.stage[rows] != Stage.ACTIVE
    rows, times = rows[moving], times[moving]
    if not len(rows):
        return
    order = np.lexsort((rows, times))
    rows, times = rows[order], times[order]
    log = state.transitions
    slots = log.grow(len(rows))
    log.member[slots], log.ts[slots] = rows, times
    log.old[slots], log.new[slots] = m.stage[rows], int(Stage.ACTIVE)
    m.stage[rows] = int(Stage.ACTIVE)
    m.stage_since_s[rows] = times


def daily(state: State, rules: LifecycleRules, now: int) -> np.ndarray:
    """Move every live member to the stage her inactivity calls for; returns the rows moved.

    Only the members whose stage may have come due are looked at: those whose record changed
    since (`mark`) and those whose idle time reached the next threshold (`lifecycle_due_s`,
    kept a little early); the rest keep the stage they would be given. A day before the last
    one looks at everybody."""
    m = state.members
    if state.daily_s is None or now < state.daily_s:
        rows = np.arange(m.size, dtype=np.int64)
    else:
        rows = np.flatnonzero(m.lifecycle_due_s <= now)
    state.daily_s = now
    live = rows[(m.member_s[rows] != NEVER) & (m.merged_into[rows] < 0) & ~m.erased[rows]]
    m.lifecycle_due_s[rows] = NOT_DUE  # the live ones get their time below
    last = m.last_purchase_s[live]
    since = np.where(last == NEVER, m.member_s[live], last)
    idle_days = (now - since) / SECONDS_PER_DAY
    count = m.purchases[live]
    rhythm = np.where(
        count >= 3,
        (last - m.first_purchase_s[live]) / SECONDS_PER_DAY / np.maximum(count - 1, 1),
        0.0,
    )
    at_risk = np.maximum(rules.at_risk_days, rhythm * rules.at_risk_intervals)
    dormant = np.maximum(rules.dormant_days, rhythm * rules.dormant_intervals)
    churned = np.maximum(rules.churned_days, dormant)
    fresh = np.where(last == NEVER, int(Stage.MEMBER), int(Stage.ACTIVE))
    stage = np.select(
        [idle_days >= churned, idle_days >= dormant, idle_days >= at_risk],
        [int(Stage.CHURNED), int(Stage.DORMANT), int(Stage.AT_RISK)],
        fresh,
    ).astype(np.int8)
    before = m.stage[live].copy()
    record_transitions(state, live, stage, now)
    # The next threshold she has not reached, as a time two seconds early (float rounding).
    ahead = [np.where(b > idle_days, b, np.inf) for b in (at_risk, dormant, churned)]
    offset = np.minimum(np.minimum(*ahead[:2]), ahead[2]) * SECONDS_PER_DAY
    due = since + np.floor(np.minimum(offset, 2.0**61)).astype(np.int64) - 2
    m.lifecycle_due_s[live] = np.where(np.isinf(offset), NOT_DUE, due)
    return live[before != stage]


def mark(state: State, rows: np.ndarray | int) -> None:
    """Her stage or what it follows from changed: the next daily job looks at her."""
    state.members.lifecycle_due_s[rows] = DUE


DUE, NOT_DUE = np.iinfo(np.int64).min, np.iinfo(np.int64).max
