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
    index, ids = pd.factorize(members, sort=True)  # a hash table: far faster than a sort
    ids = np.asarray(ids)
    n = len(ids)
    if n == 0:
        return pd.DataFrame(columns=COLUMNS, index=pd.Index([], name="member_id"))
    last = np.full(n, np.iinfo(np.int64).min)
    np.maximum.at(last, index, seconds)
    window = seconds > now - window_days * 86_400
    in_window = index[window]
    frequency = np.bincount(in_window, minlength=n).astype(np.int64)
    # Sums of integer cents in float64 are exact up to 2**53 cents (90 trillion yuan).
    monetary = np.bincount(in_window, weights=amount[window], minlength=n)
    recency = (now - last) // 86_400
    r_score = quintile_scores(-recency)
    f_score = quintile_scores(frequency)
    m_score = quintile_scores(monetary)
    r_high = recency < recency.mean()
    f_high = frequency > frequency.mean()
    m_high = monetary > monetary.mean()
    codes = r_high.astype(int) * 4 + f_high.astype(int) * 2 + m_high.astype(int)
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
