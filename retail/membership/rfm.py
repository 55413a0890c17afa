"""RFM over all members at a date, vectorised, with the eight-segment model.

Scores 1..5 by quintiles. Ties rule (deterministic, independent of row order): a value's
score is `1 + floor(5 * (r - 1) / n)`, where `r` is the lowest rank (1 = worst) among the
members sharing that value and `n` the number of members; members with equal values always
share a score. "Worse" is more days since the last purchase for R, fewer purchases for F,
less spend for M. Segments: R, F and M are each "high" when better than the population mean
(fewer days for R), as in DOMAIN.md §3.1.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from retail.errors import InvalidInput

SEGMENTS = {
    (True, True, True): "important_value",
    (True, False, True): "important_develop",
    (False, True, True): "important_keep",
    (False, False, True): "important_winback",
    (True, True, False): "general_value",
    (True, False, False): "general_develop",
    (False, True, False): "general_keep",
    (False, False, False): "general_winback",
}
COLUMNS = ["recency_days", "frequency", "monetary", "r_score", "f_score", "m_score", "segment"]


def rfm_table(
    transactions: pd.DataFrame, as_of: dt.datetime, window_days: int = 365
) -> pd.DataFrame:
    """One row per member in `transactions` (columns `member_id`, `ts`, `amount` in cents)
    with purchases up to `as_of`: recency, frequency and monetary in the window, scores,
    segment. Indexed by `member_id`, sorted."""
    missing = {"member_id", "ts", "amount"} - set(transactions.columns)
    if missing:
        raise InvalidInput("transactions", f"missing columns {sorted(missing)}")
    if window_days <= 0:
        raise InvalidInput("window_days", f"must be positive, got {window_days}")
    seconds = pd.to_datetime(transactions["ts"]).to_numpy("datetime64[s]").view(np.int64)
    members = transactions["member_id"].to_numpy()
    amount = transactions["amount"].to_numpy()
    now = int(np.datetime64(as_of, "s").astype(np.int64))
    past = seconds <= now
    if not past.all():
        seconds, members, amount = seconds[past], members[past], amount[past]
    if len(members) == 0:
        return empty_table()
    slot, slots, ids = member_slots(members)
    last = np.full(slots, np.iinfo(np.int64).min)
    np.maximum.at(last, slot, seconds)
    window = seconds > now - window_days * 86_400
    in_window = slot[window]
    frequency = np.bincount(in_window, minlength=slots).astype(np.int64)
    # Sums of integer cents in float64 are exact up to 2**53 cents (90 trillion yuan).
    monetary = np.bincount(in_window, weights=amount[window], minlength=slots)
    if slots != len(ids):  # dense slots: keep those of members who bought
        last, frequency, monetary = last[ids], frequency[ids], monetary[ids]
    return score_table(ids, last, frequency, monetary, now)


def empty_table() -> pd.DataFrame:
    """The table of nobody (no purchase up to `as_of`)."""
    return pd.DataFrame(columns=COLUMNS, index=pd.Index([], name="member_id"))


def score_table(
    ids: np.ndarray, last: np.ndarray, frequency: np.ndarray, monetary: np.ndarray, now: int
) -> pd.DataFrame:
    """The RFM table of members `ids` (sorted) from their last purchase time (seconds, up to
    `now`), frequency (int64) and monetary (float64 of whole cents) in the window."""
    recency = (now - last) // 86_400
    r_score = quintile_scores(-recency)
    f_score = quintile_scores(frequency)
    m_score = quintile_scores(monetary)
    codes = segment_codes(recency, frequency, monetary)
    names = [SEGMENTS[(bool(c & 4), bool(c & 2), bool(c & 1))] for c in range(8)]
    return pd.DataFrame(
        {
            "recency_days": recency.astype(np.int64),
            "frequency": frequency,
            "monetary": np.rint(monetary).astype(np.int64),
            "r_score": r_score,
            "f_score": f_score,
            "m_score": m_score,
            "segment": pd.Categorical.from_codes(codes, categories=names),
        },
        index=pd.Index(ids, name="member_id"),
    )


def segment_codes(recency: np.ndarray, frequency: np.ndarray, monetary: np.ndarray) -> np.ndarray:
    """4 * (R high) + 2 * (F high) + (M high), each against the population mean."""
    r_high = recency < recency.mean()
    f_high = frequency > frequency.mean()
    m_high = monetary > monetary.mean()
    return r_high.astype(int) * 4 + f_high.astype(int) * 2 + m_high.astype(int)


def member_slots(members: np.ndarray) -> tuple[np.ndarray, int, np.ndarray]:
    """(each row's slot, number of slots, distinct members sorted). Ids this module hands
    out are dense row numbers, which are their own slots (counting beats hashing tenfold);
    other ids are hashed to slots 0..n-1 in sorted order."""
    if members.dtype.kind in "iu":
        low, high = int(members.min()), int(members.max())
        if low >= 0 and high < 4 * len(members) + 1024:
            return members, high + 1, np.flatnonzero(np.bincount(members, minlength=high + 1))
    slot, ids = pd.factorize(members, sort=True)
    return slot, len(ids), np.asarray(ids)


def quintile_scores(goodness: np.ndarray) -> np.ndarray:
    """1..5 by quintile of `goodness` (higher is better), ties sharing the lower rank."""
    n = len(goodness)
    if goodness.dtype.kind == "i" and n:
        low = int(goodness.min())
        if int(goodness.max()) - low < 4 * n + 1024:  # days or counts: count, do not sort
            counts = np.bincount(goodness - low)
            below = np.cumsum(counts) - counts  # members with a worse value
            return (1 + (5 * below[goodness - low]) // n).astype(np.int8)
    return scores_within(goodness, quintile_bounds(goodness))


def quintile_bounds(goodness: np.ndarray) -> np.ndarray:
    """The four values a score passes: with `b = 5 * below // n` (`below` the members with
    a worse value), a value scores above k exactly when below >= ceil(k n / 5), that is when
    it exceeds the ceil(k n / 5)-th worst value. Four order statistics: a partition, no sort."""
    n = len(goodness)
    kth = np.array([-(-k * n // 5) - 1 for k in range(1, 5)])
    return np.partition(goodness, np.unique(kth))[kth]


def scores_within(goodness: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """1 + the number of `bounds` (ascending) each value exceeds."""
    score = np.ones(len(goodness), np.int8)
    for bound in bounds:
        score += goodness > bound
    return score
