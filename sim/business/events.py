"""What the business modules recorded (observed_by "module") and what people did (truth)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from sim.engine.events import Event


@dataclass(frozen=True, slots=True)
class CaptureAsked(Event):
    """Staff asked a customer who is not a member to join."""

    store: str
    visit: int
    staff: str


@dataclass(frozen=True, slots=True)
class MemberRegistered(Event):
    store: str
    visit: int
    member: int
    staff: str
    observed_by: ClassVar[str] = "module"


@dataclass(frozen=True, slots=True)
class FollowerGained(Event):
    store: str
    visit: int
    member: int
    staff: str
    observed_by: ClassVar[str] = "module"


@dataclass(frozen=True, slots=True)
class MemberPurchaseRecorded(Event):
    store: str
    visit: int
    member: int
    points: int
    observed_by: ClassVar[str] = "module"


@dataclass(frozen=True, slots=True)
class MembershipClosed(Event):
    """The membership module's state for a store's members after the daily job."""

    store: str
    active: int  # members whose stage is active
    buyers: int  # members with one purchase or more
    repeat_buyers: int  # members with two or more
    observed_by: ClassVar[str] = "module"


@dataclass(frozen=True, slots=True)
class MembershipDailyRun(Event):
    """The module's job at closing: lifecycle moves, guide tasks created."""

    stage_changes: int
    tasks_created: int
    observed_by: ClassVar[str] = "module"


@dataclass(frozen=True, slots=True)
class GuideTaskWorked(Event):
    store: str
    guide: str
    task: int
    kind: str
    outcome: str  # reached | not_reached | visit_booked
    minutes: float


@dataclass(frozen=True, slots=True)
class VisitBooked(Event):
    store: str
    customer: int
    visit_at: float  # simulation minutes


@dataclass(frozen=True, slots=True)
class OnlineOrderPlaced(Event):
    """A member ordered online (credited to her home store); `push` if a campaign's message
    made her order, `discount_cents` what its coupon took off."""

    store: str
    member: int
    amount_cents: int  # what she paid
    discount_cents: int
    push: bool


@dataclass(frozen=True, slots=True)
class CampaignPushed(Event):
    """One campaign's sends to the members of one home store, and what they did with them."""

    store: str
    campaign: str
    targeted: int
    holdout: int
    sent: int
    refused: int  # by the contact policy, reach or budget
    opened: int
    clicked: int
    ordered: int
    unfollowed: int


@dataclass(frozen=True, slots=True)
class CampaignMeasured(Event):
    """At the end of a campaign's credit window: the uplift the marketing module measured
    (conversion, treated over holdout, with its 95 % interval) beside the true one."""

    store: str  # "chain": a campaign is measured over every store's members
    campaign: str
    uplift_measured: float
    uplift_low: float
    uplift_high: float
    uplift_true: float
    coupons: int
    redeemed: int
    observed_by: ClassVar[str] = "module"


@dataclass(frozen=True, slots=True)
class LostSaleStockout(Event):
    """She wanted units the store had run out of (the twin knows; the center does not)."""

    store: str
    visit: int
    sku: str
    units: int


@dataclass(frozen=True, slots=True)
class StockArrived(Event):
    """An order of a review reached the shelves (or the warehouse) as the day opened."""

    store: str
    units: int
    ordered_day: int
    observed_by: ClassVar[str] = "module"


@dataclass(frozen=True, slots=True)
class StockReplenished(Event):
    """A store's review at closing ordered stock, on the shelf `lead_days` later."""

    store: str
    units: int
    lead_days: int
    observed_by: ClassVar[str] = "module"


@dataclass(frozen=True, slots=True)
class OnlineOrderShipped(Event):
    """A parcel of an online order left `location` (the warehouse or a store)."""

    store: str  # the order's store (the member's home store)
    location: str
    units: int
    observed_by: ClassVar[str] = "module"


@dataclass(frozen=True, slots=True)
class OnlineOrderCollected(Event):
    """She collected her online order at the store's counter (buy online, pick up in store)."""

    store: str
    visit: int
    units: int
    by: str  # "guide" (a guide found the parcel and handed it over) or "till" (none was free)
    observed_by: ClassVar[str] = "module"


@dataclass(frozen=True, slots=True)
class OnlineOrdersDue(Event):
    """The order center's on-time figures for online orders promised on this day."""

    store: str
    due: int
    on_time: int
    observed_by: ClassVar[str] = "module"


@dataclass(frozen=True, slots=True)
class RevenueShareSettled(Event):
    """A store's shares of the day's sales as the revenue ledger split them: `till_cents` from
    its own tills, `pool_cents` from online orders it brought or shipped."""

    store: str
    till_cents: int
    pool_cents: int
    orders: int
    observed_by: ClassVar[str] = "module"


@dataclass(frozen=True, slots=True)
class StoreTiered(Event):
    """The tiering module's tier for a store at closing, over the trailing window."""

    store: str
    tier: str
    previous: str
    days_online: int
    penetration: float
    on_time_rate: float
    reason: str
    observed_by: ClassVar[str] = "module"


@dataclass(frozen=True, slots=True)
class PoolShareChanged(Event):
    """A franchise owner changed how much of her stock the shared pool may ship."""

    store: str
    before: float
    after: float
    pool_cents: int  # what sharing paid her since her last review


@dataclass(frozen=True, slots=True)
class PoolShareReported(Event):
    """At closing, the share of a franchise store's stock its owner opens to the pool."""

    store: str
    share: float


@dataclass(frozen=True, slots=True)
class TransferShipped(Event):
    """A store-to-store transfer order left `source` for `store`."""

    store: str
    source: str
    sku: str
    units: int
    cost_cents: int
    observed_by: ClassVar[str] = "module"


@dataclass(frozen=True, slots=True)
class TransferArrived(Event):
    store: str
    sku: str
    units: int
    observed_by: ClassVar[str] = "module"


@dataclass(frozen=True, slots=True)
class StockCounted(Event):
    """A location's stock at closing as the inventory center holds it: units on hand and
    units it sold today (over its tills and in parcels)."""

    store: str
    on_hand: int
    sold: int
    observed_by: ClassVar[str] = "module"
