"""Guide tasks, the SCRM's closed loop: rules create them, guides work them, outcomes return.

Rules, run by the daily job: call back a VIP (gold and above) who just became at risk;
thank a first-time buyer the day after; greet on her birthday; win back a member who just
became dormant. The task goes to her owning guide, or, if she has none (the guide left),
to whoever is on duty at her home store. Each has a due date; outcomes are written back.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from retail.clock import SECONDS_PER_DAY
from retail.errors import IllegalTransition, InvalidInput, NotFound
from retail.membership import rfm_state
from retail.membership.state import BRAND, NEVER, State
from retail.membership.types import Stage, TaskKind, TaskOutcome


def create(
    state: State,
    now: int,
    moved: np.ndarray,
    vip_tier: int,
    due_days: int,
    birthday: int,
) -> int:
    """Tasks for today from the members whose stage just changed and from today's dates."""
    m = state.members

    def live(rows: np.ndarray) -> np.ndarray:
        return rows[(m.merged_into[rows] < 0) & ~m.erased[rows] & (m.member_s[rows] != NEVER)]

    # First-time buyers of the last day: among those who bought then (the purchase log by
    # time), not among every member.
    bought = live(rfm_state.bought_between(state, now - SECONDS_PER_DAY, now))
    first = m.first_purchase_s[bought]
    stage = m.stage[moved]
    kinds = [
        (moved[(stage == Stage.AT_RISK) & (m.tier[moved] >= vip_tier)],
         TaskKind.CALLBACK_AT_RISK_VIP),
        (moved[stage == Stage.DORMANT], TaskKind.WIN_BACK_DORMANT),
        (bought[(m.purchases[bought] == 1) & (first >= now - SECONDS_PER_DAY) & (first < now)],
         TaskKind.THANK_FIRST_PURCHASE),
        (live(np.flatnonzero(m.birthday == birthday)), TaskKind.BIRTHDAY_GREETING),
    ]  # fmt: skip
    created = 0
    for members, kind in kinds:
        if not len(members):
            continue
        slots = state.tasks.grow(len(members))
        t = state.tasks
        t.member[slots], t.kind[slots] = members, int(kind)
        t.staff[slots], t.store[slots] = m.owner_staff[members], m.home_store[members]
        t.created_s[slots], t.due_s[slots] = now, now + due_days * SECONDS_PER_DAY
        created += len(members)
    return created


def open_tasks(state: State, staff_code: int | None, store_code: int | None) -> pd.DataFrame:
    """Pending tasks of one guide, or the unowned ones of a store (staff_code None)."""
    t = state.tasks
    pending = t.outcome == TaskOutcome.PENDING
    if staff_code is not None:
        chosen = pending & (t.staff == staff_code)
    else:
        chosen = pending & (t.staff == BRAND) & (t.store == store_code)
    rows = np.flatnonzero(chosen)
    return pd.DataFrame(
        {
            "task": rows,
            "member": t.member[rows],
            "kind": [TaskKind(k).name.lower() for k in t.kind[rows]],
            "due": t.due_s[rows].astype("datetime64[s]"),
        }
    )


def complete(state: State, task: int, outcome: TaskOutcome, now: int) -> None:
    t = state.tasks
    if not 0 <= task < t.size:
        raise NotFound("task", task)
    if outcome is TaskOutcome.PENDING:
        raise InvalidInput("outcome", "a task is completed as reached, not_reached or visit_booked")
    if t.outcome[task] != TaskOutcome.PENDING:
        raise IllegalTransition("task", task, TaskOutcome(t.outcome[task]).name.lower(), "complete")
    t.outcome[task] = int(outcome)
    t.done_s[task] = now


def outcomes(state: State) -> pd.DataFrame:
    """Tasks by kind and outcome, with how many were done late."""
    t = state.tasks
    late = (t.done_s != NEVER) & (t.done_s > t.due_s)
    frame = pd.DataFrame(
        {
            "kind": [TaskKind(k).name.lower() for k in t.kind],
            "outcome": [TaskOutcome(o).name.lower() for o in t.outcome],
            "late": late,
        }
    )
    return frame.groupby(["kind", "outcome"]).agg(count=("late", "size"), late=("late", "sum"))
