"""Member records: which ids name a live record, and what joining writes on a record.

An id is any integer; it names a live record if it is below the number of records and the
record is neither erased (`NotFound`, as for an id never issued) nor merged into another
(`Conflict`, naming the survivor). Anything but an integer is `InvalidInput`."""

from __future__ import annotations

import datetime as dt

import numpy as np

from retail import checks
from retail.errors import Conflict, InvalidInput, NotFound
from retail.membership import lifecycle
from retail.membership.state import BRAND, State
from retail.membership.types import Stage

ANY_ID = (-(2**63), 2**63 - 1)  # any int64 may be looked up; only live records are found


def live_member(state: State, member: object, field: str = "member") -> int:
    """`member` as an int, if it names a live record."""
    member = checks.integer(member, field, *ANY_ID, "a member id")
    m = state.members
    if not 0 <= member < m.size or m.erased[member]:
        raise NotFound("member", member)
    if m.merged_into[member] >= 0:
        raise Conflict(f"member {member} was merged into {m.merged_into[member]}")
    return member


def live_members(state: State, members: object, field: str = "members") -> np.ndarray:
    """`live_member` of each id (an int or a sequence), as int64; repeats are allowed."""
    rows = checks.integers(np.atleast_1d(members), field, *ANY_ID, "a member id")
    m = state.members
    live = (rows >= 0) & (rows < m.size)
    live[live] = ~m.erased[rows[live]]
    if not live.all():
        raise NotFound("member", int(rows[np.argmin(live)]))
    merged = m.merged_into[rows] >= 0
    if merged.any():
        i = int(np.argmax(merged))
        raise Conflict(f"{field}[{i}]: member {rows[i]} was merged into {m.merged_into[rows[i]]}")
    return rows


def attribute(state: State, rows, when, store_codes, staff_codes, channels) -> None:
    """Records `rows` join now: when, where, by whom, through which channel; the first home
    store and owning guide stand; anyone below member becomes one."""
    m = state.members
    m.member_s[rows] = when
    m.member_store[rows] = store_codes
    m.member_staff[rows] = staff_codes
    m.member_channel[rows] = channels
    lifecycle.mark(state, rows)
    m.home_store[rows] = np.where(m.home_store[rows] < 0, store_codes, m.home_store[rows])
    m.owner_staff[rows] = np.where(m.owner_staff[rows] == BRAND, staff_codes, m.owner_staff[rows])
    below = np.flatnonzero(m.stage[rows] < Stage.MEMBER)
    below = below[np.argsort(when[below], kind="stable")]  # logged in order of time
    move(state, rows[below], Stage.MEMBER, when[below])


def move(state: State, rows: np.ndarray, stage: Stage, when: int | np.ndarray) -> None:
    """Rows to `stage` at `when` (one time, or one per row)."""
    lifecycle.record_transitions(state, rows, np.full(len(rows), int(stage), np.int8), when)


def birthday_code(birthday: object) -> int:
    """(month, day) as month * 100 + day, for a day that exists (29 February does)."""
    if not isinstance(birthday, tuple | list) or len(birthday) != 2:
        raise InvalidInput("birthday", f"a (month, day) pair, got {birthday!r}")
    month = checks.integer(birthday[0], "birthday.month", 1, 12, "a month")
    day = checks.integer(birthday[1], "birthday.day", 1, 31, "a day of the month")
    try:
        dt.date(2024, month, day)  # a leap year
    except ValueError:
        raise InvalidInput("birthday", f"{month}/{day} is no day of the year") from None
    return month * 100 + day
