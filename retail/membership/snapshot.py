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
    top = np.full(len(live), -1)
    if state.categories:
        spend = state.category_spend[live]
        top = np.where(spend.max(axis=1, initial=0) > 0, spend.argmax(axis=1), -1)
    return MemberSnapshot(
        as_of=as_of,
        member=live,
        stage=m.stage[live],
        tier=m.tier[live],
        store=m.home_store[live],
        tags=m.tags[live],
        segment=segments[live],
        top_category=top.astype(np.int16),
        follows=m.follow_s[live] != NEVER,
        has_mobile=m.member_s[live] != NEVER,
        has_guide=m.owner_staff[live] != BRAND,
        member_since=m.member_s[live],
        member_channel=m.member_channel[live],
        follow_since=m.follow_s[live],
        first_purchase=m.first_purchase_s[live],
        stores=tuple(state.stores),
        tag_bits=dict(state.tag_bits),
        categories=tuple(state.categories),
    )
