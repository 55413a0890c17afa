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
    ts = pd.to_datetime(transactions["ts"]).to_numpy("datetime64[s]")
    as_of64 = np.datetime64(as_of, "s")
    past = ts <= as_of64
    members = transactions["member_id"].to_numpy()[past]
    ts, amount = ts[past], transactions["amount"].to_numpy()[past].astype(np.int64)
    ids, index = np.unique(members, return_inverse=True)
    n = len(ids)
    if n == 0:
        return pd.DataFrame(columns=COLUMNS, index=pd.Index([], name="member_id"))
    seconds = ts.astype(np.int64)
    last = np.full(n, np.iinfo(np.int64).min)
    np.maximum.at(last, index, seconds)
    in_window = ts > as_of64 - np.timedelta64(window_days, "D")
    frequency = np.bincount(index[in_window], minlength=n).astype(np.int64)
    monetary = np.bincount(index[in_window], weights=amount[in_window], minlength=n)
    recency = (as_of64.astype(np.int64) - last) // 86_400
    r_score = quintile_scores(-recency)
    f_score = quintile_scores(frequency)
    m_score = quintile_scores(monetary)
    r_high = recency < recency.mean()
    f_high = frequency > frequency.mean()
    m_high = monetary > monetary.mean()
    codes = r_high.astype(int) * 4 + f_high.astype(int) * 2 + m_high.astype(int)
    names = np.array([SEGMENTS[(bool(c & 4), bool(c & 2), bool(c & 1))] for c in range(8)])
    return pd.DataFrame(
        {
            "recency_days": recency.astype(np.int64),
            "frequency": frequency,
            "monetary": np.rint(monetary).astype(np.int64),
            "r_score": r_score,
            "f_score": f_score,
            "m_score": m_score,
            "segment": names[codes],
        },
        index=pd.Index(ids, name="member_id"),
    )


def quintile_scores(goodness: np.ndarray) -> np.ndarray:
    """1..5 by quintile of `goodness` (higher is better), ties sharing the lower rank."""
    n = len(goodness)
    order = np.argsort(goodness, kind="stable")
    sorted_values = goodness[order]
    # Lowest 1-based rank of each distinct value: where its run starts in sorted order.
    starts = np.searchsorted(sorted_values, sorted_values, side="left")
    rank_min = np.empty(n, dtype=np.int64)
    rank_min[order] = starts + 1
    return (1 + (5 * (rank_min - 1)) // n).astype(np.int8)
