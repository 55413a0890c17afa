"""Dataclass schemas for the run configuration.

Hydra composes plain YAML from `conf/`; `load.py` validates the result against these
schemas and reports every problem with its full key path before anything runs. Units are
in the field names where they are not obvious (`_min`, `_s`, `_cents`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator
from pydantic.dataclasses import dataclass

from hardware_models.faults import KINDS as FAULT_KINDS
from retail.membership import SEGMENT_NAMES
from sim.config.fields import (
    MAX_CENTS,
    STRICT,
    Cents,
    Clock,
    Count,
    NonNegative,
    Positive,
    PositiveInt,
    Probability,
    TimeOfDay,
    clock_minutes,
    count,
    real,
)
from sim.config.hardware import HardwareConfig, device_names

MAX_DAYS = 3_660  # ten years of detailed simulation
MAX_POPULATION = 100_000_000  # people in one chain's catchment
MAX_DAILY_VISITORS = 1_000_000  # parties a day at one store
MAX_TRAFFIC_FACTOR = 100.0

Latitude = real(ge=-90, le=90)
Longitude = real(ge=-180, le=180)
TrafficFactor = real(ge=0.0, le=MAX_TRAFFIC_FACTOR)
Price = count(ge=1, le=MAX_CENTS)
DailyVisitors = real(gt=0.0, le=MAX_DAILY_VISITORS)
BasketMean = real(ge=1.0, le=1_000)
Lift = real(ge=1.0)
ShareBelowOne = real(ge=0.0, lt=1.0)
ServiceLevel = real(ge=0.5, lt=1.0)
PopulationSize = count(ge=1, le=MAX_POPULATION)
Seed = count(le=2**63 - 1)
Days = count(ge=1, le=MAX_DAYS)


@dataclass(config=STRICT)
class Site:
    """A location of the chain: a store or a warehouse, with its position."""

    id: Annotated[str, Field(min_length=1, max_length=16)]
    kind: Literal["direct", "franchise", "warehouse"]
    lat: Latitude
    lon: Longitude
    traffic_factor: TrafficFactor = 1.0
    online_since: dt.date | None = None  # when the store began selling online (tiering)


@dataclass(config=STRICT)
class FranchiseOwners:
    """How franchise owners decide what share of their stock the shared pool may ship."""

    initial_pool_share: Probability = 0.3
    review_every_days: PositiveInt = 7
    hurdle_cents_per_week: Cents = 5_000  # sharing must pay this a week to open more
    step: Probability = 0.1
    max_pool_share: Probability = 1.0

    @model_validator(mode="after")
    def _start_within_the_ceiling(self) -> FranchiseOwners:
        if self.initial_pool_share > self.max_pool_share:
            raise ValueError(
                f"initial_pool_share {self.initial_pool_share} is above max_pool_share "
                f"{self.max_pool_share}"
            )
        return self


@dataclass(config=STRICT)
class ChainConfig:
    name: str
    sites: list[Site]
    franchise: FranchiseOwners = Field(default_factory=FranchiseOwners)
    tier_window_days: PositiveInt = 28  # store tiers judge this many days of orders
    # fixed: shifts as the format plans them; by_tier: each shift's length times the staff-hours
    # factor of the store's TOP tier (modules.tiering.levers), ending by closing time at most.
    staff_hours: Literal["fixed", "by_tier"] = "fixed"

    @model_validator(mode="after")
    def _unique_ids_and_a_store(self) -> ChainConfig:
        ids = [site.id for site in self.sites]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"site ids must be unique, repeated: {duplicates}")
        if not any(site.kind != "warehouse" for site in self.sites):
            raise ValueError("the chain needs at least one store (direct or franchise)")
        return self

    @property
    def stores(self) -> list[Site]:
        return [site for site in self.sites if site.kind != "warehouse"]


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


@dataclass(config=STRICT)
class PopulationConfig:
    size: PopulationSize
    home_spread_km: Positive  # how far from a store people live (normal, per axis)
    distance_decay_km: Positive  # store choice: a store's pull falls by e every this many km
    female_share: Probability
    age_band_probs: Annotated[list[Probability], Field(min_length=5, max_length=5)]
    spending_power_median_cents: Cents  # what a person is ready to spend in one visit
    spending_power_sigma: NonNegative  # lognormal sigma of spending power
    price_sensitivity_mean: Probability
    digital_adoption_mean: Probability  # follows the brand, gives her number, uses mini-programs
    visit_interval_median_days: Positive  # usual days between visits to the chain's stores
    visit_interval_sigma: NonNegative  # lognormal sigma: a few regulars, many rare visitors
    contact_tolerance_per_week: Positive  # pushes a week before the average member feels harassed
    category_concentration: Positive  # Dirichlet concentration: low = strong favourites
    # Online orders a member places a week on her own, at full digital adoption (scaled by hers).
    online_orders_per_week: NonNegative = 0.1
    # Of her online orders, the share she picks up at her home store instead of having shipped.
    pickup_share: Probability = 0.1

    @model_validator(mode="after")
    def _probabilities_sum_to_one(self) -> PopulationConfig:
        if abs(sum(self.age_band_probs) - 1.0) > 1e-6:
            raise ValueError(f"age_band_probs must sum to 1, got {sum(self.age_band_probs)}")
        return self


@dataclass(config=STRICT)
class QueueBusting:
    """A guide opens a mobile POS when the queue per open lane reaches a threshold."""

    enabled: bool
    queue_per_lane: Positive
    mobile_lanes: Count


@dataclass(config=STRICT)
class MemberCapture:
    """Staff at the till ask customers who are not yet members to join (and to follow)."""

    enabled: bool
    incentive_cents: Cents  # welcome coupon or points worth this much
    extra_service_s: NonNegative  # how long registering adds at the till


@dataclass(config=STRICT)
class GuideTasks:
    """Guides work the membership module's tasks (calls, messages) in their shifts."""

    enabled: bool
    minutes_per_task: Positive  # away from the floor
    reach_prob: Probability  # she answers the call or the message
    book_prob_if_reached: Probability  # and books a visit
    visit_within_days: PositiveInt


@dataclass(config=STRICT)
class EndlessAisle:
    """Shelves out of what she wanted: a guide offers to order it from the shared stock."""

    enabled: bool = False
    # Of shoppers offered a ship-to-home order for what the shelf lacked, how many accept.
    # An assumption (no public figure for Chinese apparel); calibrate from the chain's data.
    accept_prob: Probability = 0.35


@dataclass(config=STRICT)
class Campaigns:
    """HQ pushes a campaign every few days at closing, through the marketing module and its
    contact policy; followers answer by the push response model (sim.behaviour)."""

    enabled: bool
    first_day: Count = 2  # the first campaign goes out on this day (0-based) ...
    every_days: PositiveInt = 7
    send_at: TimeOfDay = "10:30"  # ... at this time: outside the quiet hours of the contact rules
    channel: Literal["WECHAT_TEMPLATE", "WECHAT_SERVICE", "SMS", "GUIDE_WECOM"] = "WECHAT_TEMPLATE"
    segments: list[str] = Field(default_factory=list)  # RFM segments; none: every member
    holdout_share: ShareBelowOne = 0.1
    offer_cents: PositiveInt = 2_000  # amount off ...
    threshold_cents: Cents = 10_000  # ... a basket of at least this much (满减)
    budget_cents: Cents | None = None
    credit_days: PositiveInt = 7  # orders within this many days count for the campaign
    # chain: one campaign for every member under `budget_cents`; equal or by_tier: one per
    # store for its members, the budget split equally or by the TOP tier's campaign share.
    budget_split: Literal["chain", "equal", "by_tier"] = "chain"

    @model_validator(mode="after")
    def _known_segments(self) -> Campaigns:
        unknown = sorted(set(self.segments) - set(SEGMENT_NAMES))
        if unknown:
            raise ValueError(f"segments: unknown {unknown} (one of {', '.join(SEGMENT_NAMES)})")
        if self.budget_split != "chain" and self.budget_cents is None:
            raise ValueError(f"budget_split {self.budget_split!r} needs a budget_cents to split")
        return self


@dataclass(config=STRICT)
class StockConfig:
    """The stores' stock, kept by the inventory center (sim/business/stock_room.py)."""

    enabled: bool = True
    initial_cover_days: PositiveInt = 10  # days of expected demand on the shelves at the start
    lead_days: PositiveInt = 2  # warehouse to store: ordered at closing, on the shelf then
    service_level: ServiceLevel = 0.95  # target cycle service level
    warehouse_cover_days: PositiveInt = 30  # the warehouse tops up to this much chain demand
    transfers: bool = True  # store-to-store rebalancing proposed by the center at closing
    # In days of cover at expected sales: a store below `transfer_short_days` may receive from
    # one above `transfer_long_days`, up to `transfer_target_days` (retail.inventory.TransferRules).
    transfer_short_days: NonNegative = 3.0
    transfer_long_days: NonNegative = 30.0
    transfer_target_days: NonNegative = 10.0
    # Who is served first when the warehouse cannot fill every store's order: the chain's
    # store order, or the stores' TOP tiers (their levers' stock_priority, lower first).
    priority: Literal["store_order", "by_tier"] = "store_order"

    @model_validator(mode="after")
    def _transfer_cover_in_order(self) -> StockConfig:
        short, target, long = (
            self.transfer_short_days, self.transfer_target_days, self.transfer_long_days
        )  # fmt: skip
        if not short <= target <= long:
            raise ValueError(
                f"need transfer_short_days <= transfer_target_days <= transfer_long_days, got "
                f"{short}, {target}, {long}"
            )
        return self


MODULES = ("membership", "inventory", "orders", "ledger", "marketing", "tiering")


@dataclass(config=STRICT)
class ModulesConfig:
    """Hydra `_target_` specs of the business modules (see conf/modules/); their own settings
    are checked by `sim.config.modules.problems` before the run."""

    membership: dict[str, Any]
    inventory: dict[str, Any] = Field(
        default_factory=lambda: {"_target_": "retail.inventory.InventoryCenter"}
    )
    orders: dict[str, Any] = Field(
        default_factory=lambda: {"_target_": "retail.orders.OrderCenter"}
    )
    ledger: dict[str, Any] = Field(
        default_factory=lambda: {"_target_": "retail.orders.RevenueLedger"}
    )
    marketing: dict[str, Any] = Field(
        default_factory=lambda: {"_target_": "retail.marketing.MarketingCenter"}
    )
    tiering: dict[str, Any] = Field(
        default_factory=lambda: {"_target_": "retail.stores.StoreTiering"}
    )


@dataclass(config=STRICT)
class StrategyConfig:
    name: str
    queue_busting: QueueBusting
    # run_to_empty: change the roll when the printer stops; swap_at_near_end: the cashier
    # changes it at the near-end warning, between customers, so no receipt is cut short.
    printer_roll: Literal["run_to_empty", "swap_at_near_end"] = "run_to_empty"
    member_capture: MemberCapture = Field(default_factory=lambda: MemberCapture(False, 0, 0.0))
    campaigns: Campaigns = Field(default_factory=lambda: Campaigns(False))
    guide_tasks: GuideTasks = Field(default_factory=lambda: GuideTasks(False, 5.0, 0.6, 0.3, 7))
    endless_aisle: EndlessAisle = Field(default_factory=EndlessAisle)


@dataclass(config=STRICT)
class ValidateConfig:
    """The M/M/c validation mode: flat Poisson arrivals straight to exponential lanes."""

    arrival_rate_per_min: Positive
    service_mean_min: Positive
    lanes: PositiveInt

    @model_validator(mode="after")
    def _stable(self) -> ValidateConfig:
        load = self.arrival_rate_per_min * self.service_mean_min / self.lanes
        if load >= 1.0:
            raise ValueError(f"utilisation {load:.3f} >= 1: the queue grows without bound")
        return self


@dataclass(config=STRICT)
class RunConfig:
    seed: Seed
    days: Days
    start_date: dt.date
    mode: Literal["store", "validate_mmc"]
    progress: Literal["auto", "on", "off"]
    chain: ChainConfig
    store: StoreFormat
    population: PopulationConfig
    strategy: StrategyConfig
    hardware: HardwareConfig
    modules: ModulesConfig
    stock: StockConfig = Field(default_factory=StockConfig)
    validate: ValidateConfig | None = None

    @model_validator(mode="after")
    def _mode_has_its_section(self) -> RunConfig:
        if self.mode == "validate_mmc" and self.validate is None:
            raise ValueError("mode validate_mmc needs the validate section")
        return self

    @model_validator(mode="after")
    def _faults_hit_real_devices(self) -> RunConfig:
        devices = device_names([s.id for s in self.chain.stores], self.store.lanes)
        problems = []
        for i, fault in enumerate(self.hardware.faults.scheduled):
            where = f"hardware.faults.scheduled[{i}]"
            if fault.device not in devices:
                problems.append(f"{where}.device: no device {fault.device!r} in this chain")
            elif fault.kind not in FAULT_KINDS[devices[fault.device]]:
                kinds = FAULT_KINDS[devices[fault.device]]
                problems.append(f"{where}.kind: a {devices[fault.device]} fails by {kinds}")
            if fault.day > self.days:
                problems.append(f"{where}.day: {fault.day} is after the last day ({self.days})")
        for i, spec in enumerate(self.hardware.faults.random):
            if spec.kind not in FAULT_KINDS[spec.device_type]:
                kinds = FAULT_KINDS[spec.device_type]
                problems.append(
                    f"hardware.faults.random[{i}].kind: a {spec.device_type} fails by {kinds}"
                )
        if problems:
            raise ValueError("; ".join(problems))
        return self
