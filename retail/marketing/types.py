"""The marketing module's vocabulary: message channels, member interactions, refusal reasons,
offers, audiences, campaigns and the contact rules (all numbers configurable)."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field

from retail import checks
from retail.errors import InvalidInput


class MessageChannel(enum.IntEnum):
    WECHAT_TEMPLATE = 0  # template / subscription message of the official account
    WECHAT_SERVICE = 1  # customer-service message: only inside a service window
    SMS = 2
    GUIDE_WECOM = 3  # a guide's 1:1 message through enterprise WeChat
    STORE_SCREEN = 4  # shown on a screen in the store she is in


class Interaction(enum.IntEnum):
    """What a member did that opens a WeChat customer-service window."""

    MESSAGE = 0  # she wrote to the account
    CLICK = 1  # menu click
    FOLLOW = 2
    SCAN = 3  # scanned a QR code
    PAYMENT = 4


class Refusal(enum.IntFlag):
    """Why a send was refused; a refusal carries every reason that applied."""

    OPTED_OUT = 1
    UNREACHABLE = 2  # no identifier for the channel (not a follower, no guide, ...)
    QUIET_HOURS = 4
    OUTSIDE_SERVICE_WINDOW = 8  # WeChat errcode 45015: no interaction recent enough
    SERVICE_WINDOW_USED_UP = 16  # WeChat errcode 45047: the open windows' quota is spent
    CHANNEL_DAY_CAP = 32
    CHANNEL_WEEK_CAP = 64
    DAY_CAP = 128
    WEEK_CAP = 256
    BUDGET = 512  # the campaign's budget cannot cover the send and the offer's liability


WECHAT_ERRCODE = {Refusal.OUTSIDE_SERVICE_WINDOW: 45015, Refusal.SERVICE_WINDOW_USED_UP: 45047}


class OfferKind(enum.IntEnum):
    AMOUNT_OFF = 0  # 满减: `value` cents off a basket of at least `threshold_cents`
    PERCENT_OFF = 1  # `value` percent off a basket of at least `threshold_cents`
    GIFT = 2  # a gift worth `value` cents (its cost to the chain)
    POINTS = 3  # `value` bonus points; `point_cost_cents` each is what the chain pays


@dataclass(frozen=True)
class Offer:
    kind: OfferKind = OfferKind.AMOUNT_OFF
    value: int = 2_000
    threshold_cents: int = 0
    max_discount_cents: int | None = None  # cap of a percent-off coupon
    valid_days: int = 14
    point_cost_cents: float = 0.5

    def __post_init__(self) -> None:
        kind = checks.option(self.kind, OfferKind, "offer.kind")
        if kind == OfferKind.PERCENT_OFF:
            checks.integer(self.value, "offer.value", 1, 99, "a percent off")
        else:  # cents off, a gift's cost in cents, or bonus points: whole and positive
            checks.integer(self.value, "offer.value", 1, checks.MAX_CENTS, "a whole number")
        if kind == OfferKind.PERCENT_OFF and self.max_discount_cents is None:
            raise InvalidInput("offer.max_discount_cents", "a percent-off offer needs a cap")
        checks.cents(self.threshold_cents, "offer.threshold_cents")
        if self.max_discount_cents is not None:
            checks.cents(self.max_discount_cents, "offer.max_discount_cents")
        checks.integer(self.valid_days, "offer.valid_days", 1, checks.MAX_DAYS, "a number of days")
        cost = self.point_cost_cents
        if isinstance(cost, bool) or not isinstance(cost, int | float) or not 0 <= cost <= 100:
            raise InvalidInput(
                "offer.point_cost_cents", f"cents per point in [0, 100], got {cost!r}"
            )

    @property
    def liability_cents(self) -> int:
        """The most one redeemed coupon can cost the chain (what a budget must cover)."""
        if self.kind == OfferKind.PERCENT_OFF:
            return self.max_discount_cents
        if self.kind == OfferKind.POINTS:
            return round(self.value * self.point_cost_cents)
        return self.value


@dataclass(frozen=True)
class Audience:
    """Who a campaign is for; an empty criterion does not restrict. Criteria combine with AND."""

    segments: tuple[str, ...] = ()  # RFM segments, e.g. "important_keep"
    stages: tuple[int, ...] = ()  # membership lifecycle stages (retail.membership.Stage)
    tags_all: tuple[str, ...] = ()
    tags_any: tuple[str, ...] = ()
    stores: tuple[str, ...] = ()  # her home store
    member_tiers: tuple[int, ...] = ()  # points tier (0 regular ... 3 platinum)
    store_tiers: tuple[str, ...] = ()  # the home store's TOP tier, "S".."C"


@dataclass(frozen=True)
class Content:
    """One version of a message. The personalised ones name a segment and/or a category."""

    text: str
    segment: str | None = None
    category: str | None = None


@dataclass(frozen=True)
class CampaignSpec:
    name: str
    channel: MessageChannel
    audience: Audience = field(default_factory=Audience)
    offer: Offer | None = field(default_factory=Offer)
    start: dt.datetime | None = None
    end: dt.datetime | None = None  # orders up to here are credited to the campaign
    budget_cents: int | None = None
    holdout_share: float = 0.10
    contents: tuple[Content, ...] = (Content("Your member offer is waiting"),)
    personalised: bool = True

    def __post_init__(self) -> None:
        if not self.name:
            raise InvalidInput("campaign.name", "must not be empty")
        if not 0 <= self.holdout_share < 1:
            raise InvalidInput(
                "campaign.holdout_share", f"must be in [0, 1), got {self.holdout_share}"
            )
        if self.budget_cents is not None:
            checks.cents(self.budget_cents, "campaign.budget_cents", checks.MAX_TOTAL_CENTS)
        checks.option(self.channel, MessageChannel, "campaign.channel")
        if self.start and self.end and self.end <= self.start:
            raise InvalidInput("campaign.end", "must be after start")
        if not any(c.segment is None and c.category is None for c in self.contents):
            raise InvalidInput("campaign.contents", "needs one non-personalised version")


@dataclass(frozen=True)
class Cap:
    """At most `per_day` sends per calendar day and `per_week` per ISO week (None: no cap)."""

    per_day: int | None = None
    per_week: int | None = None


@dataclass(frozen=True)
class ServiceWindows:
    """WeChat customer-service windows: after an interaction, how long and how many sends.
    `None` sends means unlimited. The windows are alternatives: a send needs one open window
    with room, and is charged to the open one that closes first."""

    after_message: tuple[int, int | None] = (48 * 3600, 5)
    after_click: tuple[int, int | None] = (60, 3)  # click, follow or scan
    after_payment: tuple[int, int | None] = (48 * 3600, None)


def _default_caps() -> dict[MessageChannel, Cap]:
    return {
        MessageChannel.WECHAT_TEMPLATE: Cap(per_day=1, per_week=4),
        MessageChannel.SMS: Cap(per_day=1, per_week=2),
        MessageChannel.GUIDE_WECOM: Cap(per_day=1, per_week=3),
    }


@dataclass(frozen=True)
class ContactRules:
    """Every limit the policy engine applies. Where several apply, a send must pass them all,
    so the strictest wins. Days and weeks are calendar days and ISO weeks of local time."""

    windows: ServiceWindows = field(default_factory=ServiceWindows)
    caps: dict[MessageChannel, Cap] = field(default_factory=_default_caps)
    overall: Cap = field(default_factory=lambda: Cap(per_day=2, per_week=6))
    quiet_start: dt.time = dt.time(21, 0)
    quiet_end: dt.time = dt.time(9, 0)
    quiet_channels: tuple[MessageChannel, ...] = (
        MessageChannel.WECHAT_TEMPLATE,
        MessageChannel.SMS,
        MessageChannel.GUIDE_WECOM,
    )
    send_cost_cents: dict[MessageChannel, int] = field(
        default_factory=lambda: {MessageChannel.SMS: 5}
    )

    def __post_init__(self) -> None:
        # Configuration hands over names, lists and "21:00": normalise, naming what is wrong.
        set_ = object.__setattr__
        caps = {_channel(c, "rules.caps"): cap for c, cap in self.caps.items()}
        costs = {_channel(c, "rules.send_cost_cents"): v for c, v in self.send_cost_cents.items()}
        quiet = tuple(_channel(c, "rules.quiet_channels") for c in self.quiet_channels)
        set_(self, "caps", caps)
        set_(self, "send_cost_cents", costs)
        set_(self, "quiet_channels", quiet)
        set_(self, "quiet_start", _time(self.quiet_start, "rules.quiet_start"))
        set_(self, "quiet_end", _time(self.quiet_end, "rules.quiet_end"))
        for name, cap in [
            ("rules.overall", self.overall),
            *((f"rules.caps.{c.name}", k) for c, k in self.caps.items()),
        ]:
            for period in ("per_day", "per_week"):
                limit = getattr(cap, period)
                if limit is not None and not (isinstance(limit, int) and 0 <= limit <= 255):
                    raise InvalidInput(f"{name}.{period}", f"a whole number 0..255, got {limit!r}")
        for kind in ("after_message", "after_click", "after_payment"):
            window = getattr(self.windows, kind)
            if (
                len(window) != 2
                or window[0] <= 0
                or (window[1] is not None and not 0 <= window[1] <= 32_000)
            ):
                raise InvalidInput(
                    f"rules.windows.{kind}", f"(seconds > 0, sends 0..32000 or null), got {window}"
                )
        for channel, cost in self.send_cost_cents.items():
            checks.cents(cost, f"rules.send_cost_cents.{channel.name}")


def _channel(value: MessageChannel | str | int, field: str) -> MessageChannel:
    if isinstance(value, str):
        if value not in MessageChannel.__members__:
            known = ", ".join(MessageChannel.__members__)
            raise InvalidInput(field, f"unknown channel {value!r} (one of {known})")
        return MessageChannel[value]
    return MessageChannel(value)


def _time(value: dt.time | str, field: str) -> dt.time:
    if isinstance(value, dt.time):
        return value
    try:
        return dt.time.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(field, f"a time of day like '21:00', got {value!r}") from None
