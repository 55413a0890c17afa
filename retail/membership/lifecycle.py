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


def record_transitions(state: State, rows: np.ndarray, new: np.ndarray, when: int) -> None:
    m = state.members
    changed = m.stage[rows] != new
    rows, new = rows[changed], new[changed]
    if not len(rows):
        return
    log = state.transitions
    slots = log.grow(len(rows))
    log.member[slots], log.ts[slots] = rows, when
    log.old[slots], log.new[slots] = m.stage[rows], new
    m.stage[rows] = new
    m.stage_since_s[rows] = when


def on_purchase(state: State, members: np.ndarray, when: np.ndarray) -> None:
    """A purchase makes a member active (a win-back if she was at risk or beyond)."""
    m = state.members
    registered = m.member_s[members] != NEVER
    for t in np.unique(when[registered]):
        rows = np.unique(members[registered & (when == t)])
        record_transitions(state, rows, np.full(len(rows), int(Stage.ACTIVE), np.int8), int(t))


def daily(state: State, rules: LifecycleRules, now: int) -> np.ndarray:
    """Move every live member to the stage her inactivity calls for; returns the rows moved."""
    m = state.members
    live = np.flatnonzero((m.member_s != NEVER) & (m.merged_into < 0) & ~m.erased)
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
    return live[before != stage]
