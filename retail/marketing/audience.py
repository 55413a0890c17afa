"""Who a campaign reaches: the audience drawn from a member snapshot, the holdout group drawn
stably per member and campaign, and who can be reached on which channel."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import numpy as np

from retail.errors import InvalidInput
from retail.marketing.types import Audience, MessageChannel
from retail.membership.snapshot import SEGMENT_NAMES, MemberSnapshot

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def select(
    snapshot: MemberSnapshot, audience: Audience, store_tiers: Mapping[str, str] | None = None
) -> np.ndarray:
    """Mask over the snapshot: members meeting every criterion of `audience`."""
    chosen = np.ones(len(snapshot), bool)
    if audience.segments:
        unknown = set(audience.segments) - set(SEGMENT_NAMES)
        if unknown:
            raise InvalidInput("audience.segments", f"unknown segments {sorted(unknown)}")
        codes = [SEGMENT_NAMES.index(s) for s in audience.segments]
        chosen &= np.isin(snapshot.segment, codes)
    if audience.stages:
        chosen &= np.isin(snapshot.stage, audience.stages)
    if audience.member_tiers:
        chosen &= np.isin(snapshot.tier, audience.member_tiers)
    if audience.tags_all or audience.tags_any:
        unknown = [
            t for t in (*audience.tags_all, *audience.tags_any) if t not in snapshot.tag_bits
        ]
        if unknown:
            raise InvalidInput("audience.tags", f"unknown tags {unknown}")
        need = np.uint64(sum(1 << snapshot.tag_bits[t] for t in audience.tags_all))
        chosen &= (snapshot.tags & need) == need
        if audience.tags_any:
            some = np.uint64(sum(1 << snapshot.tag_bits[t] for t in audience.tags_any))
            chosen &= (snapshot.tags & some) != 0
    stores = set(audience.stores)
    if audience.store_tiers:
        if not store_tiers:
            raise InvalidInput("audience.store_tiers", "no store tiers are known yet")
        in_tiers = {s for s, tier in store_tiers.items() if tier in audience.store_tiers}
        stores = stores & in_tiers if audience.stores else in_tiers
    if audience.stores or audience.store_tiers:
        codes = [code for code, name in enumerate(snapshot.stores) if name in stores]
        chosen &= np.isin(snapshot.store, codes)
    return chosen


def reachable(snapshot: MemberSnapshot, channel: MessageChannel) -> np.ndarray:
    """Mask: members the channel has an address for. The store screen reaches whoever is in
    the store, so everyone."""
    if channel in (MessageChannel.WECHAT_TEMPLATE, MessageChannel.WECHAT_SERVICE):
        return snapshot.follows
    if channel == MessageChannel.SMS:
        return snapshot.has_mobile
    if channel == MessageChannel.GUIDE_WECOM:
        return snapshot.has_guide
    return np.ones(len(snapshot), bool)


def draw(members: np.ndarray, campaign_key: str) -> np.ndarray:
    """A uniform number in [0, 1) per member, fixed by member id and campaign key alone: the
    same member falls in the same group on every rerun, whatever else is in the audience."""
    salt = int.from_bytes(hashlib.blake2b(campaign_key.encode(), digest_size=8).digest(), "little")
    z = np.asarray(members, np.int64).astype(np.uint64) ^ np.uint64(salt)
    z = z + _GOLDEN  # splitmix64 finaliser: every input bit moves every output bit
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) / 2.0**53


def holdout(members: np.ndarray, campaign_key: str, share: float) -> np.ndarray:
    """Mask: members held out of the campaign (a `share` of them, stably)."""
    return draw(members, campaign_key) < share


def lowest(values: np.ndarray, k: int) -> np.ndarray:
    """Mask: the `k` smallest of `values`, ties going to the earlier row (what the first `k`
    of a stable sort are), in linear time."""
    chosen = np.zeros(len(values), bool)
    if k <= 0:
        return chosen
    if k >= len(values):
        chosen[:] = True
        return chosen
    kth = values[np.argpartition(values, k - 1)[k - 1]]
    chosen = values < kth
    tied = np.flatnonzero(values == kth)
    chosen[tied[: k - int(chosen.sum())]] = True
    return chosen
