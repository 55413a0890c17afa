"""RFM against a straightforward, independent pandas computation, ties included."""

import datetime as dt
import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from retail.membership import rfm_table

AS_OF = dt.datetime(2026, 6, 30, 23, 0)


def reference(tx: pd.DataFrame, as_of: dt.datetime, window_days: int) -> pd.DataFrame:
    rows = []
    past = tx[tx["ts"] <= as_of]
    start = as_of - dt.timedelta(days=window_days)
    for member, group in past.groupby("member_id"):
        recent = group[group["ts"] > start]
        rows.append(
            {
                "member_id": member,
                "recency_days": (as_of - group["ts"].max()).total_seconds() // 86400,
                "frequency": len(recent),
                "monetary": int(recent["amount"].sum()),
            }
        )
    frame = pd.DataFrame(rows).set_index("member_id")
    n = len(frame)

    def score(goodness: pd.Series) -> pd.Series:
        # Lowest rank among equals, counted from the worst: the documented tie rule.
        worse = goodness.apply(lambda v: int((goodness < v).sum()))
        return worse.apply(lambda r: 1 + math.floor(5 * r / n))

    frame["r_score"] = score(-frame["recency_days"])
    frame["f_score"] = score(frame["frequency"])
    frame["m_score"] = score(frame["monetary"])
    r_high = frame["recency_days"] < frame["recency_days"].mean()
    f_high = frame["frequency"] > frame["frequency"].mean()
    m_high = frame["monetary"] > frame["monetary"].mean()
    names = {
        (1, 1, 1): "important_value", (1, 0, 1): "important_develop",
        (0, 1, 1): "important_keep", (0, 0, 1): "important_winback",
        (1, 1, 0): "general_value", (1, 0, 0): "general_develop",
        (0, 1, 0): "general_keep", (0, 0, 0): "general_winback",
    }  # fmt: skip
    frame["segment"] = [
        names[(int(r), int(f), int(m))] for r, f, m in zip(r_high, f_high, m_high, strict=True)
    ]
    return frame


transactions = st.lists(
    st.tuples(
        # Few members (many ties); dense row ids, and ids far apart or negative (hashed).
        st.sampled_from([0, 1, 2, 3, 4, 5, 7, 9, 12, -3, 10**12, 2**40 + 1]),
        st.integers(0, 500),  # days before AS_OF (some outside the window)
        st.sampled_from([990, 1990, 5000, 5000, 12900]),  # repeated amounts: ties
    ),
    min_size=1,
    max_size=80,
)


@settings(max_examples=60)
@given(transactions, st.sampled_from([30, 90, 365]))
def test_rfm_matches_an_independent_computation(rows, window_days):
    tx = pd.DataFrame(rows, columns=["member_id", "days_before", "amount"])
    tx["ts"] = AS_OF - pd.to_timedelta(tx["days_before"], unit="D") - pd.Timedelta(hours=1)
    got = rfm_table(tx[["member_id", "ts", "amount"]], AS_OF, window_days)
    want = reference(tx, AS_OF, window_days)
    assert got.index.tolist() == want.index.tolist()
    for column in ("recency_days", "frequency", "monetary", "r_score", "f_score", "m_score"):
        assert got[column].tolist() == want[column].astype(int).tolist(), column
    assert got["segment"].tolist() == want["segment"].tolist()


def test_future_purchases_are_ignored_and_scores_span_one_to_five():
    rng = np.random.default_rng(0)
    n = 1000
    tx = pd.DataFrame(
        {
            "member_id": rng.integers(0, 300, n),
            "ts": pd.Timestamp(AS_OF) - pd.to_timedelta(rng.integers(-30, 400, n), unit="D"),
            "amount": rng.integers(100, 100_000, n),
        }
    )
    table = rfm_table(tx, AS_OF)
    assert set(table["m_score"]) == {1, 2, 3, 4, 5}
    assert (table["recency_days"] >= 0).all()
