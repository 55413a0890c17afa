"""Events of a store visit, from the door to the till, as the twin knows them (the truth)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.engine.events import Event


@dataclass(frozen=True, slots=True)
class VisitStarted(Event):
    store: str
    visit: int
    customer: int
    party_size: int
    reason: str  # walk_in, booked (with her guide) or pickup (an online order to collect)


@dataclass(frozen=True, slots=True)
class GuideConsulted(Event):
    store: str
    visit: int
    guide: str
    minutes: float


@dataclass(frozen=True, slots=True)
class GuideUnavailable(Event):
    """She wanted help, but no guide was free within her patience."""

    store: str
    visit: int


@dataclass(frozen=True, slots=True)
class CheckoutJoined(Event):
    store: str
    visit: int
    waiting: int  # shoppers already waiting when she joined


@dataclass(frozen=True, slots=True)
class CheckoutBalked(Event):
    store: str
    visit: int
    waiting: int


@dataclass(frozen=True, slots=True)
class CheckoutReneged(Event):
    store: str
    visit: int
    waited_min: float


@dataclass(frozen=True, slots=True)
class ServiceStarted(Event):
    store: str
    visit: int
    lane: str
    waited_min: float


@dataclass(frozen=True, slots=True)
class SaleCompleted(Event):
    store: str
    visit: int
    customer: int
    lane: str
    items: int
    amount_cents: int
    payment: str


@dataclass(frozen=True, slots=True)
class VisitEnded(Event):
    store: str
    visit: int
    outcome: str  # bought | no_purchase | balked | reneged | refused (the till could not sell)


@dataclass(frozen=True, slots=True)
class LaneOpened(Event):
    store: str
    lane: str
    guide: str


@dataclass(frozen=True, slots=True)
class LaneClosed(Event):
    store: str
    lane: str
    guide: str


@dataclass(frozen=True, slots=True)
class GarmentsTriedOn(Event):
    store: str
    visit: int
    room: str
    garments: int


@dataclass(frozen=True, slots=True)
class FittingRoomUnavailable(Event):
    """She wanted to try on, but no fitting room freed up within her patience."""

    store: str
    visit: int


@dataclass(frozen=True, slots=True)
class ShiftStarted(Event):
    store: str
    shift: str
    guides: int


@dataclass(frozen=True, slots=True)
class ShiftEnded(Event):
    store: str
    shift: str
    guides: int


@dataclass(frozen=True, slots=True)
class GuideLeft(Event):
    """A guide quit; `members`: how many she looked after (they stay with the brand)."""

    store: str
    staff: str
    members: int


@dataclass(frozen=True, slots=True)
class GuideHired(Event):
    store: str
    staff: str
    skill: float


@dataclass(frozen=True, slots=True)
class EndlessAisleOrdered(Event):
    """What the shelves lacked was ordered for her from elsewhere (once allocated)."""

    store: str
    visit: int
    units: int
    amount_cents: int


@dataclass(frozen=True, slots=True)
class GuideGreeted(Event):
    """A free guide came to greet a shopper the door beacon recognised."""

    store: str
    visit: int
    staff: str
