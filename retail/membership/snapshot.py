"""What other modules may know of the members at a date: no personal data, numbers only.

Marketing targets audiences and measures AARRR from it; a campaign over two million members
reads these arrays, never the membership module's own state.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from retail.membership.rfm import SEGMENTS
from retail.membership.state import BRAND, NEVER

SEGMENT_NAMES: tuple[str, ...] = tuple(
    SEGMENTS[(bool(c & 4), bool(c & 2), bool(c & 1))] for c in range(8)
)  # code = 4 * R high + 2 * F high + M high, as in rfm_table


@dataclass(frozen=True)
class MemberSnapshot:
    """Live (not merged, not erased) members sorted by id; one array entry each.
    Times are seconds since the epoch, -1 for never; codes index the name tuples."""

    as_of: dt.datetime
    member: np.ndarray  # int64
    stage: np.ndarray  # int8, retail.membership.Stage
    tier: np.ndarray  # int8, points tier
    store: np.ndarray  # int32 home store code into `stores`, -1 none
    tags: np.ndarray  # uint64, bit `tag_bits[name]` per tag
    segment: np.ndarray  # int8 RFM segment code into SEGMENT_NAMES, -1 never bought
    top_category: np.ndarray  # int16 into `categories`, -1 none
    follows: np.ndarray  # bool: reachable on the WeChat official account
    has_mobile: np.ndarray  # bool: reachable by SMS
    has_guide: np.ndarray  # bool: a guide looks after her (enterprise WeChat)
    member_since: np.ndarray  # int64 seconds
    member_channel: np.ndarray  # int8 retail.membership.Channel, -1 not a member
    follow_since: np.ndarray  # int64 seconds
    first_purchase: np.ndarray  # int64 seconds
    stores: tuple[str, ...]
    tag_bits: dict[str, int]
    categories: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.member)


def take(state, as_of: dt.datetime, segments: np.ndarray) -> MemberSnapshot:
    """The snapshot of `state` (retail.membership.state.State); `segments` holds each
    member row's RFM segment code (-1 none)."""
    m = state.members
    live = np.flatnonzero((m.merged_into < 0) & ~m.erased)
    everybody = len(live) == m.size  # copying whole columns beats gathering rows

    def of(column: np.ndarray) -> np.ndarray:
        return column.copy() if everybody else column[live]

    def seen(column: np.ndarray) -> np.ndarray:  # read only: no copy needed
        return column if everybody else column[live]

    # `top_category` is the argmax of her category spend where it is above 0, -1 otherwise,
    # kept as spend is learned (State.learn_top_category).
    top = of(m.top_category) if state.categories else np.full(len(live), -1, np.int16)
    return MemberSnapshot(
        as_of=as_of,
        member=live,
        stage=of(m.stage),
        tier=of(m.tier),
        store=of(m.home_store),
        tags=of(m.tags),
        segment=of(segments),
        top_category=top,
        follows=seen(m.follow_s) != NEVER,
        has_mobile=seen(m.member_s) != NEVER,
        has_guide=seen(m.owner_staff) != BRAND,
        member_since=of(m.member_s),
        member_channel=of(m.member_channel),
        follow_since=of(m.follow_s),
        first_purchase=of(m.first_purchase_s),
        stores=tuple(state.stores),
        tag_bits=dict(state.tag_bits),
        categories=tuple(state.categories),
    )
