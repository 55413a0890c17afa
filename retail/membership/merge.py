"""Two records of one person, found later, become one; a member can be erased entirely.

Merging keeps the surviving record's id. Sums add (points in both buckets, purchases,
spend, category spend), earliest dates win (following, joining, first purchase), latest
last purchase, tags are united, the attribution of whichever record came first stands, the
owning guide is the survivor's unless she had none. The dropped record's identifiers,
purchases, transitions and tasks are re-pointed to the survivor, so nothing is lost and
every total is unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from retail.errors import InvalidInput
from retail.membership import lifecycle, rfm_state
from retail.membership.points import roll_years
from retail.membership.state import BRAND, NEVER

if TYPE_CHECKING:
    from retail.membership.service import Membership

SUMMED = ("points_cur", "points_prev", "earned_cur", "earned_prev", "purchases", "spend_cents")
ATTRIBUTION = {"follow": ("store", "staff", "channel"), "member": ("store", "staff", "channel")}


def merge(membership: Membership, keep: int, drop: int, when: int) -> None:
    if keep == drop:
        raise InvalidInput("drop", "cannot merge a member into herself")
    membership._require(keep)
    membership._require(drop)
    s = membership.state
    m = s.members
    pair = np.array([keep, drop])
    roll_years(s, pair, np.full(2, max(when, int(m.points_year[pair].max()))))
    for name in SUMMED:
        getattr(m, name)[keep] += getattr(m, name)[drop]
    for prefix, fields in ATTRIBUTION.items():
        since = getattr(m, f"{prefix}_s")
        if since[drop] != NEVER and (since[keep] == NEVER or since[drop] < since[keep]):
            since[keep] = since[drop]
            for field in fields:
                getattr(m, f"{prefix}_{field}")[keep] = getattr(m, f"{prefix}_{field}")[drop]
    first = [x for x in (m.first_purchase_s[keep], m.first_purchase_s[drop]) if x != NEVER]
    m.first_purchase_s[keep] = min(first) if first else NEVER
    m.last_purchase_s[keep] = max(m.last_purchase_s[keep], m.last_purchase_s[drop])
    m.tier[keep] = max(m.tier[keep], m.tier[drop])
    m.tags[keep] |= m.tags[drop]
    for field in ("owner_staff",):
        if getattr(m, field)[keep] == BRAND:
            getattr(m, field)[keep] = getattr(m, field)[drop]
    for field in ("home_store", "age_band", "gender", "spending_power", "birthday"):
        if getattr(m, field)[keep] < 0:
            getattr(m, field)[keep] = getattr(m, field)[drop]
    m.stage[keep] = max(m.stage[keep], m.stage[drop]) if m.stage[keep] < 3 else m.stage[keep]
    s.category_spend[keep] += s.category_spend[drop]
    s.learn_top_category(keep)
    rfm_state.merged(s, keep, drop)
    lifecycle.mark(s, keep)
    for table in s.ids.values():
        for key in [k for k, v in table.items() if v == drop]:
            table[key] = keep
    for log in (s.purchases, s.transitions, s.tasks):
        log.member[log.member == drop] = keep
    if not s.masked[keep]:
        s.masked[keep] = s.masked[drop]
    _clear(membership, drop)
    m.merged_into[drop] = keep


def erase(membership: Membership, member: int) -> None:
    """Every trace of her leaves the module's state: identifiers, purchases, history, reads."""
    s = membership.state
    for table in s.ids.values():
        for key in [k for k, v in table.items() if v == member]:
            del table[key]
    for log in (s.purchases, s.transitions, s.tasks):
        keep = log.member != member
        if not keep.all():
            if log is s.purchases:
                rfm_state.compact(s, keep)
            _compact(log, keep)
    membership.audit.forget(member)
    _clear(membership, member)
    s.members.erased[member] = True


def _clear(membership: Membership, member: int) -> None:
    s = membership.state
    s.members.reset(member)
    s.category_spend[member] = 0
    s.masked[member] = ""


def _compact(log, keep: np.ndarray) -> None:
    """Drop rows of an append-only log in place (erasure is the only deletion)."""
    kept = int(keep.sum())
    for name in log._spec:
        column = log._data[name]
        column[:kept] = column[: log.size][keep]
    log.size = kept
