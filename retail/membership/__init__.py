"""Membership (SCRM): identity across channels, privacy, lifecycle, attribution, points,
profile and tags, RFM and guide tasks. Imports nothing of the simulator; time is an argument."""

from retail.membership.phone import mask_mobile, normalise_mobile
from retail.membership.rfm import rfm_table
from retail.membership.service import Membership
from retail.membership.snapshot import SEGMENT_NAMES, MemberSnapshot
from retail.membership.types import (
    Channel,
    LifecycleRules,
    MembershipConfig,
    PointsRules,
    Stage,
    TaskKind,
    TaskOutcome,
)

__all__ = [
    "SEGMENT_NAMES",
    "Channel",
    "LifecycleRules",
    "MemberSnapshot",
    "Membership",
    "MembershipConfig",
    "PointsRules",
    "Stage",
    "TaskKind",
    "TaskOutcome",
    "mask_mobile",
    "normalise_mobile",
    "rfm_table",
]
