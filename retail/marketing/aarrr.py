"""AARRR for the chain over a period: acquisition, activation, retention, revenue, referral
(seed 004 §5.5), from the members' snapshot and their purchases."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from retail.clock import SECONDS_PER_DAY, seconds, seconds_array
from retail.errors import InvalidInput
from retail.membership.snapshot import MemberSnapshot
from retail.membership.types import Channel


def aarrr(
    snapshot: MemberSnapshot,
    purchases: pd.DataFrame,
    start: dt.datetime,
    end: dt.datetime,
    activation_days: int = 30,
) -> dict[str, int | float]:
    """Figures for [start, end). `purchases` has `member_id`, `ts` and `amount` (cents).
    Activation: new members whose first purchase came within `activation_days` of joining
    (and before `end`). Retention: buyers of the period of equal length just before `start`
    who bought again within it."""
    if end <= start:
        raise InvalidInput("end", "must be after start")
    missing = {"member_id", "ts", "amount"} - set(purchases.columns)
    if missing:
        raise InvalidInput("purchases", f"missing columns {sorted(missing)}")
    lo, hi = seconds(start), seconds(end)
    before = lo - (hi - lo)
    joined = (snapshot.member_since >= lo) & (snapshot.member_since < hi)
    first = snapshot.first_purchase
    activated = joined & (first >= 0) & (first < hi)
    activated &= first < snapshot.member_since + activation_days * SECONDS_PER_DAY
    ts = seconds_array(purchases["ts"])
    who = purchases["member_id"].to_numpy()
    amount = purchases["amount"].to_numpy()
    now = (ts >= lo) & (ts < hi)
    buyers_now = np.unique(who[now])
    buyers_before = np.unique(who[(ts >= before) & (ts < lo)])
    retained = np.isin(buyers_before, buyers_now).sum()
    members = int(((snapshot.member_since >= 0) & (snapshot.member_since < hi)).sum())
    revenue = int(amount[now].sum())
    new_members = int(joined.sum())
    referred = int((joined & (snapshot.member_channel == Channel.REFERRAL)).sum())
    return {
        "new_followers": int(((snapshot.follow_since >= lo) & (snapshot.follow_since < hi)).sum()),
        "new_members": new_members,
        "activated": int(activated.sum()),
        "activation_rate": _share(int(activated.sum()), new_members),
        "previous_buyers": len(buyers_before),
        "retained": int(retained),
        "retention_rate": _share(int(retained), len(buyers_before)),
        "buyers": len(buyers_now),
        "revenue_cents": revenue,
        "revenue_per_buyer_cents": _share(revenue, len(buyers_now)),
        "revenue_per_member_cents": _share(revenue, members),
        "referred_members": referred,
        "referral_share": _share(referred, new_members),
    }


def _share(part: int, whole: int) -> float:
    return part / whole if whole else float("nan")
