"""RFM kept as it goes: a time index of the purchase log and per-member running aggregates.

`rfm_table` (rfm.py) rebuilds RFM from the whole purchase log; at two million members that
is a second a call. The module keeps instead, for one cursor (`as_of`, `window_days`), each
member's last purchase time up to `as_of` and her frequency and monetary in the window
(`rfm_last`, `rfm_frequency`, `rfm_monetary`, member columns), and a time index of the log
(its rows sorted by purchase time). Moving the cursor forward reads only the purchases
entering the window (times in (old as_of, new as_of]) and those leaving it (times in
(old start, new start]), found by binary search in the index. The table it scores is
exactly `rfm_table` over the log (same rows, scores, tie rule and segments: the same
`rfm.score_table` scores both).

- A purchase booked with a time at or before the cursor (out of order) is counted when it is
  booked, as the cursor would have counted it; one after the cursor waits in the index.
- An `as_of` before the cursor, or another window, recomputes the aggregates from the index
  (one pass over the log, no sort).
- A merge adds the dropped record's aggregates to the survivor's; an erasure compacts the
  index with the log (`compact`) and clears hers.

Spending power (1..5, the quintile of lifetime spend among live buyers) is re-scored in full
at most once a week (`SPENDING_RESCORE_S`): the first `run_daily`, and the first one seven
days or more after the last full re-score, give every buyer exactly the quintile the old
daily re-score gave. On the days between, only the members who bought since the last
`run_daily` are scored, against the quintile bounds of the last full re-score.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from retail.membership import rfm

if TYPE_CHECKING:
    from retail.membership.state import State

NO_PURCHASE = np.iinfo(np.int64).min  # `rfm_last` of a member with no purchase up to as_of
DAY_S = 86_400
SPENDING_RESCORE_S = 7 * DAY_S


class RfmIndex:
    """The purchase log's rows sorted by time (`rows`, `ts`), how many log rows it holds,
    the RFM cursor, and the spending-power bounds of the last full re-score."""

    def __init__(self) -> None:
        self._rows = np.zeros(4096, np.int64)
        self._ts = np.zeros(4096, np.int64)
        self.size = 0  # entries in the index
        self.indexed = 0  # log rows taken into the index: rows 0 .. indexed - 1
        self.as_of: int | None = None  # the cursor, seconds
        self.window_s: int | None = None
        self.spend_bounds: np.ndarray | None = None  # 4 quintile bounds of spend
        self.spend_full_s: int | None = None  # when spending power was re-scored in full
        self.spend_scored = 0  # log rows whose buyers are scored

    @property
    def rows(self) -> np.ndarray:
        return self._rows[: self.size]

    @property
    def ts(self) -> np.ndarray:
        return self._ts[: self.size]

    def _append(self, rows: np.ndarray, ts: np.ndarray) -> None:
        needed = self.size + len(rows)
        if needed > len(self._rows):
            capacity = max(needed, 2 * len(self._rows))
            for name in ("_rows", "_ts"):
                grown = np.zeros(capacity, np.int64)
                grown[: self.size] = getattr(self, name)[: self.size]
                setattr(self, name, grown)
        self._rows[self.size : needed] = rows
        self._ts[self.size : needed] = ts
        self.size = needed

    def _replace(self, rows: np.ndarray, ts: np.ndarray) -> None:
        self._rows, self._ts, self.size = rows, ts, len(rows)


def absorb(state: State) -> None:
    """Take the log rows booked since the last call into the index; count at once those at
    or before the cursor (booked late: the cursor has passed their time)."""
    index, log = state.rfm, state.purchases
    start, stop = index.indexed, log.size
    if stop == start:
        return
    ts = log.ts[start:stop]
    if index.as_of is not None:
        late = np.flatnonzero(ts <= index.as_of)
        if len(late):
            rows = late + start
            _enter(state, log.member[rows], ts[late], log.amount[rows], index)
    if len(ts) > 1 and not (ts[1:] >= ts[:-1]).all():
        order = np.argsort(ts, kind="stable")
        rows, ts = order + start, ts[order]
    else:
        rows = np.arange(start, stop, dtype=np.int64)
    if index.size == 0 or ts[0] >= index.ts[-1]:
        index._append(rows, ts)
    else:  # booked before the latest indexed time: merge into place (one copy of the index)
        at = np.searchsorted(index.ts, ts, side="right")
        index._replace(np.insert(index.rows, at, rows), np.insert(index.ts, at, ts))
    index.indexed = stop


def _enter(state: State, members, ts, amounts, index: RfmIndex) -> None:
    """Purchases at or before the cursor: the last time moves up, and those in the window
    count."""
    m = state.members
    np.maximum.at(m.rfm_last, members, ts)
    inside = ts > index.as_of - index.window_s
    np.add.at(m.rfm_frequency, members[inside], 1)
    np.add.at(m.rfm_monetary, members[inside], amounts[inside])


def advance(state: State, as_of: int, window_days: int) -> None:
    """Bring the aggregates to `as_of` and the window: forward by the purchases entering and
    leaving the window, or recomputed from the index if the cursor would go back or the
    window differs."""
    absorb(state)
    index, window_s = state.rfm, window_days * DAY_S
    if index.as_of is None or index.window_s != window_s or as_of < index.as_of:
        _recompute(state, as_of, window_s)
        return
    if as_of == index.as_of:
        return
    log, m, ts = state.purchases, state.members, index.ts
    old = index.as_of
    entering = index.rows[np.searchsorted(ts, old, "right") : np.searchsorted(ts, as_of, "right")]
    leave_lo = np.searchsorted(ts, old - window_s, "right")
    leaving = index.rows[leave_lo : np.searchsorted(ts, as_of - window_s, "right")]
    # A purchase both entering and leaving (the cursor jumped more than a window) counts
    # +1 and -1: only her last time moves.
    members = log.member[entering]
    np.maximum.at(m.rfm_last, members, log.ts[entering])
    np.add.at(m.rfm_frequency, members, 1)
    np.add.at(m.rfm_monetary, members, log.amount[entering])
    members = log.member[leaving]
    np.subtract.at(m.rfm_frequency, members, 1)
    np.subtract.at(m.rfm_monetary, members, log.amount[leaving])
    index.as_of = as_of


def _recompute(state: State, as_of: int, window_s: int) -> None:
    index, log, m = state.rfm, state.purchases, state.members
    n = m.size
    past = np.searchsorted(index.ts, as_of, "right")
    start = np.searchsorted(index.ts, as_of - window_s, "right")
    rows = index.rows[:past]
    members = log.member[rows]
    m.rfm_last[:] = NO_PURCHASE
    np.maximum.at(m.rfm_last, members, index.ts[:past])
    window = members[start:]
    m.rfm_frequency[:] = np.bincount(window, minlength=n)[:n]
    m.rfm_monetary[:] = np.bincount(window, weights=log.amount[rows[start:]], minlength=n)[:n]
    index.as_of, index.window_s = as_of, window_s


def table(state: State, as_of: int) -> pd.DataFrame:
    """`rfm.rfm_table` of the purchase log at the cursor, from the aggregates."""
    m = state.members
    ids = np.flatnonzero(m.rfm_last != NO_PURCHASE)
    if not len(ids):
        return rfm.empty_table()
    return rfm.score_table(ids, *_columns(m, ids, as_of)[1:], as_of)


def _columns(m, ids: np.ndarray, as_of: int) -> tuple[np.ndarray, ...]:
    """Recency in days, last time, frequency and monetary of `ids`, typed as `rfm_table`'s."""
    last = m.rfm_last[ids]
    frequency = m.rfm_frequency[ids].astype(np.int64)
    return (as_of - last) // DAY_S, last, frequency, m.rfm_monetary[ids].astype(np.float64)


def segments(state: State, as_of: int) -> np.ndarray:
    """Each member row's RFM segment code at the cursor (-1 none): the table's segment
    column without its scores (segments compare with means; nothing is ranked)."""
    m = state.members
    codes = np.full(m.size, -1, np.int8)
    ids = np.flatnonzero(m.rfm_last != NO_PURCHASE)
    if len(ids):
        recency, _, frequency, monetary = _columns(m, ids, as_of)
        codes[ids] = rfm.segment_codes(recency, frequency, monetary)
    return codes


def merged(state: State, keep: int, drop: int) -> None:
    """`drop`'s purchases are now `keep`'s (call before `drop` is cleared)."""
    m = state.members
    m.rfm_last[keep] = max(m.rfm_last[keep], m.rfm_last[drop])
    m.rfm_frequency[keep] += m.rfm_frequency[drop]
    m.rfm_monetary[keep] += m.rfm_monetary[drop]


def compact(state: State, kept: np.ndarray) -> None:
    """The log keeps only rows `kept` (a mask over it, erasure): the index follows."""
    index = state.rfm
    absorb(state)
    new_row = np.cumsum(kept) - 1
    stays = kept[index.rows]
    index._replace(new_row[index.rows[stays]], index.ts[stays].copy())
    index.indexed = int(kept.sum())
    index.spend_scored = int(kept[: index.spend_scored].sum())


def rescore_spending(state: State, now: int) -> None:
    """Spending power of live buyers: in full once a week, else of the recent buyers only."""
    index, m, log = state.rfm, state.members, state.purchases
    full = index.spend_full_s
    if full is None or now - full >= SPENDING_RESCORE_S or now < full:
        buyers = np.flatnonzero((m.spend_cents > 0) & (m.merged_into < 0) & ~m.erased)
        spend = m.spend_cents[buyers]
        index.spend_bounds = rfm.quintile_bounds(spend) if len(buyers) else None
        if len(buyers):
            m.spending_power[buyers] = rfm.scores_within(spend, index.spend_bounds)
        index.spend_full_s = now
    elif index.spend_bounds is not None and log.size > index.spend_scored:
        recent = distinct(log.member[index.spend_scored : log.size])
        recent = recent[(m.merged_into[recent] < 0) & ~m.erased[recent]]
        recent = recent[m.spend_cents[recent] > 0]
        m.spending_power[recent] = rfm.scores_within(m.spend_cents[recent], index.spend_bounds)
    index.spend_scored = log.size


def distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (np.unique's hash path is slow on tens of thousands)."""
    values = np.sort(values)
    keep = np.ones(len(values), bool)
    keep[1:] = values[1:] != values[:-1]
    return values[keep]


def bought_between(state: State, start: int, end: int) -> np.ndarray:
    """Members with a purchase at a time in [start, end), distinct and sorted."""
    index = state.rfm
    absorb(state)
    lo, hi = np.searchsorted(index.ts, [start, end], "left")
    return distinct(state.purchases.member[index.rows[lo:hi]])
