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
