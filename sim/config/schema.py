"""Dataclass schemas for the run configuration.

Hydra composes plain YAML from `conf/`; `load.py` validates the result against these
schemas and reports every problem with its full key path before anything runs. Units are
in the field names where they are not obvious (`_min`, `_s`, `_cents`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import Field, TypeAdapter, ValidationError, model_validator
from pydantic.dataclasses import dataclass

from hardware_models.faults import KINDS as FAULT_KINDS
from retail.checks import MAX_DAYS as MAX_OFFER_DAYS
from retail.checks import MAX_TOTAL_CENTS
from retail.membership import SEGMENT_NAMES
from sim.config.fields import (
    STRICT,
    Cents,
    Count,
    NonNegative,
    Positive,
    PositiveInt,
    Probability,
    TimeOfDay,
    count,
    real,
)
from sim.config.hardware import HardwareConfig, device_names
from sim.config.sites import SiteGenerator
from sim.config.store import (  # noqa: F401  (the store format's parts, named here too)
    Area,
    CatalogItem,
    CheckoutBehaviour,
    FloorPlan,
    ShareBelowOne,
    Shift,
    StoreFormat,
    Zone,
)
from sim.config.year import YearCalendar

_ADAPTER_STORE = TypeAdapter(StoreFormat)
MAX_DAYS = 3_660  # ten years of detailed simulation
MAX_POPULATION = 100_000_000  # people in one chain's catchment
MAX_TRAFFIC_FACTOR = 100.0

Latitude = real(ge=-90, le=90)
Longitude = real(ge=-180, le=180)
TrafficFactor = real(ge=0.0, le=MAX_TRAFFIC_FACTOR)
ServiceLevel = real(ge=0.5, lt=1.0)
PopulationSize = count(ge=1, le=MAX_POPULATION)
Seed = count(le=2**63 - 1)
Days = count(ge=1, le=MAX_DAYS)
# Bounds the modules set themselves: what the twin hands them must stay within them.
Budget = count(le=MAX_TOTAL_CENTS)  # a campaign's, split between stores by tier
OfferDays = count(ge=1, le=MAX_OFFER_DAYS)  # a campaign's credit window is its offer's validity
CoverDays = count(ge=1, le=365)  # stock on hand in days of demand: a year at the most


@dataclass(config=STRICT)
class Site:
    """A location of the chain: a store or a warehouse, with its position."""

    id: Annotated[str, Field(min_length=1, max_length=16)]
    kind: Literal["direct", "franchise", "warehouse"]
    lat: Latitude
    lon: Longitude
    traffic_factor: TrafficFactor = 1.0
    online_since: dt.date | None = None  # when the store began selling online (tiering)
    format: str = ""  # a key of chain.formats; "": the run's store format


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


# What a site's format may change of the run's store format: traffic, hours, size, staffing.
# The assortment and the shoppers' behaviour stay the chain's.
FORMAT_KEYS = frozenset({"daily_visitors", "opens", "closes", "weekday_factors",
                         "hourly_weights", "lanes", "guides", "shifts", "fitting_rooms",
                         "spend_scale"})  # fmt: skip


@dataclass(config=STRICT)
class ChainConfig:
    """The chain's sites, listed or generated (`generate`, when no site is listed), and the
    formats its stores come in besides the run's own (`formats`: name -> what differs)."""

    name: str
    sites: list[Site] = Field(default_factory=list)
    generate: SiteGenerator | None = None
    formats: dict[str, dict[str, Any]] = Field(default_factory=dict)
    franchise: FranchiseOwners = Field(default_factory=FranchiseOwners)
    tier_window_days: PositiveInt = 28  # store tiers judge this many days of orders
    # fixed: shifts as the format plans them; by_tier: each shift's length times the staff-hours
    # factor of the store's TOP tier (modules.tiering.levers), ending by closing time at most.
    staff_hours: Literal["fixed", "by_tier"] = "fixed"

    @model_validator(mode="after")
    def _unique_ids_and_a_store(self) -> ChainConfig:
        if not self.sites and self.generate is not None:
            self.sites = [Site(**site) for site in self.generate.sites(self.name)]
        if not self.sites:
            raise ValueError("sites: list the chain's sites, or give `generate` to make them")
        problems = []
        for name, changes in self.formats.items():
            if not name:
                problems.append('formats: "" is the run\'s store format, name the others')
            unknown = sorted(set(changes) - FORMAT_KEYS)
            if unknown:
                problems.append(f"formats.{name}: {unknown} cannot differ by format "
                                f"(only {sorted(FORMAT_KEYS)})")  # fmt: skip
        known = {"", *self.formats}
        problems += [f"sites[{i}].format: no format {site.format!r} in chain.formats"
                     for i, site in enumerate(self.sites) if site.format not in known]  # fmt: skip
        if self.generate is not None:
            problems += [f"generate.format_mix: no format {name!r} in chain.formats"
                         for name in self.generate.format_mix if name not in known]  # fmt: skip
        if problems:
            raise ValueError("; ".join(problems))
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
    # Members already at the run's start (registered before it, no purchase history yet), as
    # a share of the people, the digitally keener first: a chain that has run a programme.
    member_share: Probability = 0.0
    # Chain fidelity: the stores a person may choose from, her home's nearest (gravity model).
    choice_stores: Annotated[int, Field(ge=1, le=64)] = 8

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
    budget_cents: Budget | None = None
    credit_days: OfferDays = 7  # orders within this many days count for the campaign
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
    initial_cover_days: CoverDays = 10  # days of expected demand on the shelves at the start
    lead_days: PositiveInt = 2  # warehouse to store: ordered at closing, on the shelf then
    service_level: ServiceLevel = 0.95  # target cycle service level
    warehouse_cover_days: CoverDays = 30  # the warehouse tops up to this much chain demand
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


FIDELITIES = ("detailed", "chain", "mixed")


@dataclass(config=STRICT)
class HistoryConfig:
    """How long the modules keep closed orders and posted sales before archiving them to the
    run folder (`history/`, Parquet by table and day): a year of a chain's sales does not
    fit in memory. None keeps everything in the modules (the detailed twin's default)."""

    keep_days: PositiveInt | None = None


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
    # detailed: every journey a SimPy process; chain: a vectorized day-step over the whole
    # population; mixed: `detailed_stores` in detail, the rest vectorized, in one run.
    fidelity: Literal["detailed", "chain", "mixed"] = "detailed"
    detailed_stores: list[str] = Field(default_factory=list)
    calendar: YearCalendar = Field(default_factory=YearCalendar)
    history: HistoryConfig = Field(default_factory=HistoryConfig)

    @model_validator(mode="after")
    def _formats_and_fidelity(self) -> RunConfig:
        problems = []
        if self.history.keep_days is not None and self.fidelity != "chain":
            problems.append("history.keep_days: archiving runs in chain fidelity only (the "
                            "detailed twin's desks still read old orders): "
                            "set it to null")  # fmt: skip
        formats = {"": self.store}
        base = _ADAPTER_STORE.dump_python(self.store)
        for name, changes in self.chain.formats.items():
            if set(changes) - FORMAT_KEYS:
                continue  # named by the chain's own check
            try:
                formats[name] = _ADAPTER_STORE.validate_python({**base, **changes})
            except ValidationError as error:
                for item in error.errors():
                    where = ".".join(str(p) for p in item["loc"])
                    problems.append(f"chain.formats.{name}.{where}: {item['msg']}")
        object.__setattr__(self, "_formats", formats)
        stores = {site.id for site in self.chain.stores}
        unknown = [s for s in self.detailed_stores if s not in stores]
        if unknown:
            problems.append(f"detailed_stores: no store {unknown} in the chain")
        if self.fidelity == "mixed" and not self.detailed_stores:
            problems.append("detailed_stores: fidelity mixed needs the stores to run in detail")
        if self.fidelity != "mixed" and self.detailed_stores:
            problems.append(f"detailed_stores: only for fidelity mixed (fidelity is "
                            f"{self.fidelity!r})")  # fmt: skip
        in_detail = stores if self.fidelity == "detailed" else set(self.detailed_stores)
        other = sorted(s.id for s in self.chain.stores if s.id in in_detail and s.format)
        if other:
            problems.append(f"chain.sites: {other[:5]} have a format of their own; the "
                            "detailed fidelity runs the store format alone: fidelity=chain "
                            "(or mixed, with stores of the store format in detail)")  # fmt: skip
        if self.fidelity == "detailed" and self.population.member_share > 0:
            problems.append("population.member_share: members at the start are for "
                            "fidelity=chain or mixed")  # fmt: skip
        if self.fidelity != "detailed" and self.mode != "store":
            problems.append(f"fidelity: {self.fidelity!r} runs stores (mode=store)")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def format_of(self, site: Site) -> StoreFormat:
        """The store format `site` runs: the run's, or the chain's format it names."""
        return self._formats[site.format]  # type: ignore[attr-defined]

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
