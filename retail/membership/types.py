"""The membership module's vocabulary: lifecycle stages, channels, tasks, configuration."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Stage(enum.IntEnum):
    VISITOR = 0  # known by a mini-program id or a scan only: not following, no number
    FOLLOWER = 1  # follows the account, no number given
    MEMBER = 2  # registered, no purchase yet
    ACTIVE = 3
    AT_RISK = 4
    DORMANT = 5
    CHURNED = 6


class Channel(enum.IntEnum):
    STORE_QR = 0
    GUIDE_WECOM = 1  # the guide's enterprise WeChat
    LIVE_STREAM = 2
    REFERRAL = 3
    MINI_PROGRAM = 4


class TaskKind(enum.IntEnum):
    CALLBACK_AT_RISK_VIP = 0
    THANK_FIRST_PURCHASE = 1
    BIRTHDAY_GREETING = 2
    WIN_BACK_DORMANT = 3


class TaskOutcome(enum.IntEnum):
    PENDING = 0
    REACHED = 1
    NOT_REACHED = 2
    VISIT_BOOKED = 3


@dataclass(frozen=True)
class LifecycleRules:
    """Days since the last purchase (or since joining, before any purchase) that move a
    member on. With a known rhythm (3+ purchases), a threshold is at least that many of
    her own average intervals."""

    at_risk_days: int = 90
    dormant_days: int = 180
    churned_days: int = 365
    at_risk_intervals: float = 2.0
    dormant_intervals: float = 4.0


@dataclass(frozen=True)
class PointsRules:
    """Points per yuan by tier; tiers by points earned in the last twelve months. Points
    expire at the end of the year after the one they were earned in (积分次年年底清零)."""

    points_per_yuan: float = 1.0
    tier_names: tuple[str, ...] = ("regular", "silver", "gold", "platinum")
    tier_thresholds: tuple[int, ...] = (0, 1_000, 5_000, 20_000)
    tier_multipliers: tuple[float, ...] = (1.0, 1.2, 1.5, 2.0)
    vip_tier: int = 2  # gold and above: at-risk VIPs get a call back


@dataclass(frozen=True)
class MembershipConfig:
    categories: tuple[str, ...] = ()
    lifecycle: LifecycleRules = field(default_factory=LifecycleRules)
    points: PointsRules = field(default_factory=PointsRules)
    task_due_days: int = 3
