"""Read-only reports over the membership state: who joined or followed when, members per
store, stage counts, the purchase log. The service calls them under its lock."""

from __future__ import annotations

import numpy as np
import pandas as pd

from retail.errors import InvalidInput
from retail.membership.state import BRAND, NEVER, State
from retail.membership.types import Channel, Stage


def joined(state: State, prefix: str, start_s: int, end_s: int, by: str) -> pd.Series:
    """Live records whose `prefix` ("member" or "follow") time is in [start, end), counted by
    `store`, `staff` or `channel`."""
    if by not in ("store", "staff", "channel"):
        raise InvalidInput("by", f"one of store, staff, channel; got {by!r}")
    m = state.members
    when = getattr(m, f"{prefix}_s")
    chosen = (when >= start_s) & (when < end_s) & ~m.erased & (m.merged_into < 0)
    codes = getattr(m, f"{prefix}_{by}")[chosen]
    if by == "store":
        labels = [state.stores[c] for c in codes]
    elif by == "staff":
        labels = ["(brand)" if c == BRAND else state.staff[c] for c in codes]
    else:
        labels = [Channel(c).name.lower() for c in codes]
    return pd.Series(labels, dtype="string").value_counts().sort_index().rename("count")


def members_by_store(state: State) -> pd.DataFrame:
    """Per home store: members, active ones, buyers (1+ purchases), repeat buyers (2+)."""
    m, stores = state.members, state.stores
    live = (m.merged_into < 0) & ~m.erased & (m.member_s != NEVER) & (m.home_store >= 0)
    home = m.home_store[live]
    n = len(stores)

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(home[mask[live]], minlength=n)

    return pd.DataFrame(
        {
            "members": np.bincount(home, minlength=n),
            "active": count(m.stage == Stage.ACTIVE),
            "buyers": count(m.purchases >= 1),
            "repeat_buyers": count(m.purchases >= 2),
        },
        index=pd.Index(stores, name="store"),
    )


def stage_counts(state: State) -> pd.Series:
    m = state.members
    live = (m.merged_into < 0) & ~m.erased
    counts = np.bincount(m.stage[live], minlength=len(Stage) + 1)
    return pd.Series({stage.name.lower(): int(counts[stage]) for stage in Stage})


def purchases_frame(state: State) -> pd.DataFrame:
    """Every purchase: `member_id`, `ts`, `amount` (cents), `store`."""
    p = state.purchases
    return pd.DataFrame(
        {
            "member_id": p.member,
            "ts": p.ts.astype("datetime64[s]"),
            "amount": p.amount,
            "store": pd.Categorical.from_codes(p.store, state.stores or ["?"]),
        }
    )
