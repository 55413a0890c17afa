"""Schemas of the `store` config group: a store format's traffic, floor, staffing, behaviour
and assortment."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator
from pydantic.dataclasses import dataclass

from sim.config.fields import (
    MAX_CENTS,
    STRICT,
    Clock,
    Count,
    NonNegative,
    Positive,
    PositiveInt,
    Probability,
    clock_minutes,
    count,
    real,
)

MAX_DAILY_VISITORS = 1_000_000  # parties a day at one store

Price = count(ge=1, le=MAX_CENTS)
DailyVisitors = real(gt=0.0, le=MAX_DAILY_VISITORS)
BasketMean = real(ge=1.0, le=1_000)
Lift = real(ge=1.0)
ShareBelowOne = real(ge=0.0, lt=1.0)


@dataclass(config=STRICT)
class Area:
    """A rectangle of the floor plan, in metres from its front-left corner (the door's wall
    is the front, y = 0)."""

    x_m: NonNegative
    y_m: NonNegative
    width_m: Positive
    depth_m: Positive

    def overlaps(self, other: Area) -> bool:
        return (
            self.x_m < other.x_m + other.width_m
            and other.x_m < self.x_m + self.width_m
            and self.y_m < other.y_m + other.depth_m
            and other.y_m < self.y_m + self.depth_m
        )

    def within(self, width_m: float, depth_m: float) -> bool:
        return self.x_m + self.width_m <= width_m and self.y_m + self.depth_m <= depth_m


@dataclass(config=STRICT)
class Zone:
    name: str
    visit_prob: Probability
    dwell_mean_min: NonNegative
    area: Area | None = None  # where the zone lies on the floor plan (for a live view)


@dataclass(config=STRICT)
class FloorPlan:
    """The sales floor: its size, the door, the checkout and the fitting rooms (for a live
    view; the zones carry their own areas)."""

    width_m: Positive
    depth_m: Positive
    door: Area
    checkout: Area
    fitting_rooms: Area | None = None


@dataclass(config=STRICT)
class Shift:
    """Guides on the floor from `start` to `end` each day (cashiers staff the tills all day)."""

    start: Clock
    end: Clock
    guides: PositiveInt


@dataclass(config=STRICT)
class CatalogItem:
    sku: str
    category: str
    price_cents: Price


@dataclass(config=STRICT)
class CheckoutBehaviour:
    """How shoppers treat the checkout queue."""

    balk_queue_per_lane: NonNegative  # waiting shoppers per open lane at which some balk
    balk_prob: Probability
    patience_mean_min: Positive  # exponential patience in the queue, then she reneges


@dataclass(config=STRICT)
class StoreFormat:
    """A store format: traffic, layout, staffing, behaviour and assortment."""

    format: Literal["apparel", "convenience", "furniture"]
    opens: Clock
    closes: Clock
    daily_visitors: DailyVisitors  # parties on a weekday at factor 1
    weekday_factors: Annotated[list[NonNegative], Field(min_length=7, max_length=7)]
    hourly_weights: Annotated[list[NonNegative], Field(min_length=24, max_length=24)]
    party_size_probs: Annotated[list[Probability], Field(min_length=1)]
    lanes: PositiveInt
    guides: Count
    zones: Annotated[list[Zone], Field(min_length=1)]
    ask_guide_prob: Probability
    guide_wait_max_min: NonNegative  # how long she waits for a free guide before going on
    consult_mean_min: Positive
    buy_prob: Probability
    buy_prob_with_guide: Probability
    basket_items_mean: BasketMean
    scan_s_per_item: Positive  # at the till: scan, de-tag, fold, bag
    checkout: CheckoutBehaviour
    catalog: Annotated[list[CatalogItem], Field(min_length=1)]
    scan_cv: NonNegative = 0.0  # variation of the basket's scan time (0: fixed per item)
    shifts: list[Shift] = Field(default_factory=list)  # guides beyond these work all day
    fitting_rooms: Count = 0
    try_on_prob: Probability = 0.0  # of browsers, how many take garments to a fitting room
    try_on_mean_min: Positive = 5.0
    fitting_wait_max_min: NonNegative = 3.0  # she gives up on trying on after this wait
    try_on_buy_lift: Lift = 1.0  # buy probability x this after a try-on
    spend_scale: Positive = 1.0  # a person's budget per visit here, relative to her apparel budget
    guide_turnover_per_year: ShareBelowOne = 0.0  # guides who quit
    floor: FloorPlan | None = None  # where the zones, door, tills and rooms lie (a live view)

    @model_validator(mode="after")
    def _consistent(self) -> StoreFormat:
        if clock_minutes(self.opens) >= clock_minutes(self.closes):
            raise ValueError(f"opens ({self.opens}) must be before closes ({self.closes})")
        open_hours = range(clock_minutes(self.opens) // 60, -(-clock_minutes(self.closes) // 60))
        if sum(self.hourly_weights[h] for h in open_hours) <= 0:
            raise ValueError("hourly_weights: no traffic weight inside opening hours")
        if abs(sum(self.party_size_probs) - 1.0) > 1e-6:
            raise ValueError(f"party_size_probs must sum to 1, got {sum(self.party_size_probs)}")
        opens, closes = clock_minutes(self.opens), clock_minutes(self.closes)
        for i, shift in enumerate(self.shifts):
            start, end = clock_minutes(shift.start), clock_minutes(shift.end)
            if not opens <= start < end <= closes:
                raise ValueError(
                    f"shifts[{i}]: {shift.start}-{shift.end} must lie within opening hours"
                    f" {self.opens}-{self.closes}"
                )
        if sum(s.guides for s in self.shifts) > self.guides:
            raise ValueError(
                f"shifts: their guides add up to {sum(s.guides for s in self.shifts)},"
                f" more than the store's guides={self.guides} (store.shifts=[] puts every"
                " guide on the floor all day)"
            )
        skus = [item.sku for item in self.catalog]
        if len(set(skus)) != len(skus):
            raise ValueError("catalog: sku codes must be unique")
        self._check_floor_plan()
        return self

    def _check_floor_plan(self) -> None:
        """With a floor plan, every zone has its area, all on the floor, none overlapping."""
        plan = self.floor
        placed = [zone.area is not None for zone in self.zones]
        if plan is None:
            if any(placed):
                raise ValueError("floor: zones have areas, give the floor plan they lie on")
            return
        if not all(placed):
            missing = [z.name for z in self.zones if z.area is None]
            raise ValueError(f"zones: with a floor plan every zone needs its area, not {missing}")
        if self.fitting_rooms and plan.fitting_rooms is None:
            raise ValueError("floor.fitting_rooms: the format has fitting rooms, give their area")
        areas = {f"zones[{i}] ({z.name})": z.area for i, z in enumerate(self.zones)}
        areas |= {"floor.door": plan.door, "floor.checkout": plan.checkout}
        if plan.fitting_rooms is not None:
            areas["floor.fitting_rooms"] = plan.fitting_rooms
        problems = [
            f"{name}: lies outside the {plan.width_m} x {plan.depth_m} m floor"
            for name, area in areas.items()
            if not area.within(plan.width_m, plan.depth_m)
        ]
        names = list(areas)
        problems += [
            f"{a}: overlaps {b}"
            for i, a in enumerate(names)
            for b in names[i + 1 :]
            if areas[a].overlaps(areas[b])
        ]
        if problems:
            raise ValueError("; ".join(problems))
