"""One store in the detailed fidelity: its floor (lanes, guides, rooms, devices) and the
processes that bring shoppers, as the `Floor` a journey sees.

The store is built from its own settings and handed the chain's desks it talks to on its
shoppers' behalf (`StoreDesks`); the journey logic lives in `sim.processes`, the devices in
`hardware_models`, the monitoring in `sim.metrics`.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass

import mesa
import numpy as np
import simpy

from hardware_models.pos import Duration, TillTiming
from sim.agents.shopper import Draw, Shopper
from sim.agents.staff import Cashier, Guide
from sim.business.endless_aisle import AisleOrders
from sim.business.guide_tasks import Worked
from sim.business.membership_desk import MembershipDesk
from sim.business.online_shop import OnlineShop
from sim.business.stock_room import StockRoom
from sim.config.fields import clock_minutes
from sim.config.schema import RunConfig, Shift, Site
from sim.devices.store_devices import StoreDevices
from sim.devices.till import Till
from sim.engine.calendar import MINUTES_PER_DAY, Calendar
from sim.engine.events import EventLog
from sim.engine.pools import Pool
from sim.engine.streams import Streams
from sim.processes.arrivals import arrival_times
from sim.processes.checkout import Checkout
from sim.processes.events import LaneClosed, LaneOpened, ShiftEnded, ShiftStarted, VisitStarted
from sim.processes.floor import Errand
from sim.processes.journey import store_visit
from sim.processes.pickup import collect
from sim.world.catalog import Catalog
from sim.world.population import Population, VisitorWeights


@dataclass(frozen=True)
class StoreDesks:
    """The chain's desks a store reaches on its shoppers' behalf."""

    membership: MembershipDesk
    shop: OnlineShop
    stock_room: StockRoom | None = None  # None: stock is not tracked
    aisle: AisleOrders | None = None  # None: no endless aisle
    staff_hours: Callable[[str], float] | None = None  # a store's staff-hours factor (by tier)


class StoreShelves:
    """A store's shelves in the stock room, at the store's clock (the `Shelves` a journey
    sees)."""

    def __init__(self, stock_room: StockRoom, store: str, env: simpy.Environment) -> None:
        self.stock_room, self.store, self.env = stock_room, store, env

    def take(self, visit: int, picks: list[int]) -> tuple[list[int], dict[int, int]]:
        return self.stock_room.take(self.store, visit, picks, self.env.now)

    def lost(self, visit: int, missing: dict[int, int]) -> None:
        self.stock_room.lost(self.store, visit, missing, self.env.now)

    def held(self, visit: int) -> str:
        return self.stock_room.basket(self.store, visit)

    def sell(self, visit: int, lines: tuple[tuple[str, int, int], ...]) -> None:
        self.stock_room.sell(self.store, visit, lines, self.env.now)

    def put_back(self, visit: int) -> None:
        self.stock_room.put_back(self.store, visit, self.env.now)


class DetailedStore:
    """A store whose every shopper's visit is a SimPy process."""

    def __init__(
        self,
        site: Site,
        config: RunConfig,
        *,
        agents: mesa.Model,
        env: simpy.Environment,
        log: EventLog,
        calendar: Calendar,
        population: Population,
        catalog: Catalog,
        streams: Streams,
        devices: StoreDevices,
        desks: StoreDesks,
        visitors: VisitorWeights | None = None,
    ) -> None:
        """`visitors`: who may visit and how likely each visit is hers (people, probabilities),
        when the chain's choice model says so (mixed fidelity); by default the gravity model
        over the run's stores."""
        self.id = site.id
        self.site = site
        self.format = fmt = config.store
        self.zone_names = tuple(zone.name for zone in fmt.zones)
        self.days = config.days
        self.agents, self.env, self.log, self.calendar = agents, env, log, calendar
        self.population, self.catalog = population, catalog
        self.desks = desks
        self.endless_aisle = config.strategy.endless_aisle
        self._arrival_rng = streams.get(f"arrivals/{site.id}")
        self._visit_rng = streams.get(f"visits/{site.id}")
        self._pick_rng = streams.get(f"customers/{site.id}")
        self._booked_rng = streams.get(f"booked/{site.id}")
        self._errand_rng = streams.get(f"errands/{site.id}")
        self._draws = Draw.block(len(fmt.zones))
        if visitors is None:
            weights = population.store_weights(
                site, config.chain.stores, config.population.distance_decay_km
            )
            visitors = (None, weights)
        self._visitor_people, self._visitor_weights = visitors
        self._spend_scale = fmt.spend_scale
        self._visits = 0

        # --- staff -------------------------------------------------------------------------
        self.cashiers = [Cashier(agents, site.id, f"L{i + 1}") for i in range(fmt.lanes)]
        self.checkout = Checkout(env, [c.lane for c in self.cashiers])
        skill_rng = streams.get(f"staff/{site.id}")
        guides = [
            Guide(agents, site.id, f"{site.id}-G{i + 1}", float(skill_rng.uniform(0.8, 1.2)))
            for i in range(fmt.guides)
        ]
        self.hired = len(guides)
        self._crews: list[list[Guide]] = []  # one per shift, then the all-day crew
        first = 0
        for shift in fmt.shifts:
            crew = guides[first : first + shift.guides]
            first += shift.guides
            self._crews.append(crew)
            env.process(self._shift(shift, crew))
        self._crews.append(guides[first:])  # no shift: on the floor all day
        self.guides: Pool[Guide] = Pool(env, guides[first:])  # on duty and free
        self._on_duty: set[str] = {g.code for g in guides[first:]}
        self._successor: dict[str, Guide] = {}  # a guide who quit while busy -> her successor
        self._busting = config.strategy.queue_busting
        self._mobile_open: dict[str, Guide] = {}

        # --- devices -----------------------------------------------------------------------
        self.devices = devices
        self.fitting_rooms: Pool[str] | None = None
        self._readers = {}
        if fmt.fitting_rooms:
            rooms = [f"FR{i + 1}" for i in range(fmt.fitting_rooms)]
            self.fitting_rooms = Pool(env, rooms)
            for room in rooms:
                reader = devices.fitting_room_reader(site.id, room)
                if reader is not None:
                    self._readers[room] = reader
        self.door = devices.door_sensor(site.id)
        self.beacon = devices.door_beacon(site.id)
        self._opt_in_adoption = config.hardware.beacons.opt_in_min_adoption
        self._tills = {c.lane: devices.till(site.id, c.lane) for c in self.cashiers}
        payment = config.hardware.pos
        self._till_timing = TillTiming(
            Duration(fmt.scan_s_per_item, fmt.scan_cv),
            {m: Duration(s, payment.payment_cv) for m, s in payment.payment_mean_s.items()},
        )
        self._methods = list(payment.payment_mix)
        self._method_cdf = np.cumsum([payment.payment_mix[m] for m in self._methods])
        self.shelves = (
            StoreShelves(desks.stock_room, site.id, env) if desks.stock_room is not None else None
        )
        env.process(self._arrivals())

    # --- staff ----------------------------------------------------------------------------
    def _shift(self, shift: Shift, crew: list[Guide]) -> Generator[simpy.Event, None, None]:
        start, end = clock_minutes(shift.start), clock_minutes(shift.end)
        label = f"{shift.start}-{shift.end}"
        for day in range(self.days):
            yield self.env.timeout(day * MINUTES_PER_DAY + start - self.env.now)
            self._on_duty.update(g.code for g in crew)
            for guide in crew:
                self.guides.give_back(guide)
            self.log.append(ShiftStarted(self.env.now, self.id, label, len(crew)))
            length = end - start
            if self.desks.staff_hours is not None:  # the tier's hours, none past closing
                length = min(length * self.desks.staff_hours(self.id),
                             self.calendar.closes_min - start)  # fmt: skip
            yield self.env.timeout(length)
            self._on_duty.difference_update(g.code for g in crew)
            # A guide busy with a customer finishes first; `release_guide` then sends her home.
            for guide in crew:
                self.guides.withdraw(guide)
            self.log.append(ShiftEnded(self.env.now, self.id, label, len(crew)))

    @property
    def guide_codes(self) -> list[str]:
        return [guide.code for crew in self._crews for guide in crew]

    @property
    def all_guides(self) -> list[Guide]:
        return [guide for crew in self._crews for guide in crew]

    def replace_guide(self, leaver: Guide, skill: float) -> Guide:
        """`leaver` quits; a new guide of `skill` takes her place in her crew (and on the floor
        if she was free there)."""
        self.hired += 1
        newcomer = Guide(self.agents, self.id, f"{self.id}-G{self.hired}", skill)
        for crew in self._crews:
            if leaver in crew:
                crew[crew.index(leaver)] = newcomer
        if leaver.code in self._on_duty:
            self._on_duty.discard(leaver.code)
            self._on_duty.add(newcomer.code)
        if not self.guides.replace(leaver, newcomer):
            # busy (or off shift): her successor takes the floor when she would have
            self._successor[leaver.code] = newcomer
        leaver.remove()
        return newcomer

    def release_guide(self, guide: Guide) -> None:
        """A guide is free again: back to the floor if her shift is on (her successor, if she
        quit meanwhile)."""
        guide = self._successor.pop(guide.code, guide)
        if guide.code in self._on_duty and guide not in self.guides:
            self.guides.give_back(guide)

    def work_task(self, minutes: float, done: Worked) -> None:
        """The next free guide on duty works a task of `minutes` (off the floor), then `done`."""

        def work() -> Generator[simpy.Event, object, None]:
            guide = yield self.guides.request()
            yield self.env.timeout(minutes)
            self.release_guide(guide)
            done(guide, self.env.now)

        self.env.process(work())

    # --- visits -----------------------------------------------------------------------------
    def book_visit(
        self, person: int, at_min: float, errand: Errand | None = None, reason: str = "booked"
    ) -> None:
        """She comes at `at_min`, alone, on her own draws: a visit she booked with her guide,
        or to run `errand` before she browses. Each kind draws from its own stream."""
        rng = self._booked_rng if errand is None else self._errand_rng

        def come() -> Generator[simpy.Event, None, None]:
            yield self.env.timeout(at_min - self.env.now)
            self._start_visit(person, 1, rng.random(self._draws).tolist(), reason, errand)

        self.env.process(come())

    def collect_order(self, person: int, at_min: float, key: str, handover_min: float) -> None:
        """She comes at `at_min` to pick up online order `key` (the shop's pickup counter)."""
        self.book_visit(person, at_min, collect(key, handover_min), "pickup")

    def _arrivals(self) -> Generator[simpy.Event, None, None]:
        party_cdf = np.cumsum(self.format.party_size_probs)
        daily = self.format.daily_visitors * self.site.traffic_factor
        for day in range(self.days):
            times = arrival_times(self.calendar.rate_segments(day, daily), self._arrival_rng)
            n = len(times)
            customers = self._pick_rng.choice(len(self._visitor_weights), n,
                                              p=self._visitor_weights)  # fmt: skip
            if self._visitor_people is not None:
                customers = self._visitor_people[customers]
            parties = np.minimum(
                1 + np.searchsorted(party_cdf, self._arrival_rng.random(n), side="right"),
                len(party_cdf),
            )
            draws = self._visit_rng.random((n, self._draws))
            # Python scalars from here on: numpy scalars would leak into SimPy's clock.
            for t, customer, party, visit_draws in zip(
                times.tolist(), customers.tolist(), parties.tolist(), draws.tolist(), strict=True
            ):
                yield self.env.timeout(t - self.env.now)
                self._start_visit(customer, party, visit_draws)
            day_end = (day + 1) * MINUTES_PER_DAY
            if self.env.now < day_end:
                yield self.env.timeout(day_end - self.env.now)

    def _start_visit(
        self,
        customer: int,
        party_size: int,
        draws: list[float],
        reason: str = "walk_in",
        errand: Errand | None = None,
    ) -> None:
        self._visits += 1
        now = self.env.now
        shopper = Shopper(self.agents, self.id, self._visits, customer, party_size, draws,
                          self.population, self._spend_scale)  # fmt: skip
        self.log.append(VisitStarted(now, self.id, shopper.visit, customer, party_size, reason))
        self.door.passage(party_size, entering=True)
        self.env.process(store_visit(self, shopper, errand))

    @property
    def visits(self) -> int:
        """Visits started so far."""
        return self._visits

    # --- the door, the rooms ------------------------------------------------------------------
    def pass_door(self, shopper: Shopper, entering: bool) -> None:
        self.door.passage(shopper.party_size, entering)

    def recognised(self, shopper: Shopper) -> bool:
        """The door beacon reports her: a member who opted in through the app (or a mistake);
        decided on her own draw for the door."""
        if self.beacon is None:
            return False
        person = shopper.customer
        opted_in = (
            person in self.desks.membership.member_of
            and self.population.digital_adoption[person] >= self._opt_in_adoption
        )
        return self.beacon.arrival(shopper.visit, bool(opted_in), shopper.u(Draw.DOOR))

    def read_garments(self, room: str, tags: list[str]) -> None:
        reader = self._readers.get(room)
        if reader is not None:
            reader.garments_in(tags)

    # --- the chain's desks, for her -----------------------------------------------------------
    def at_till(self, shopper: Shopper, lane: str, picks: list[int], amount_cents: int) -> float:
        helper = shopper.guide
        return self.desks.membership.at_till(
            self.id,
            shopper.visit,
            shopper.customer,
            helper.code if helper is not None else self.staff_at(lane),
            helper.skill if helper is not None else 1.0,
            self.checkout.waiting,
            shopper.u(Draw.JOINS),
            picks,
            amount_cents,
            self.env.now,
        )

    def order_elsewhere(self, shopper: Shopper, missing: dict[int, int]) -> None:
        guide = shopper.guide.code if shopper.guide is not None else None
        self.desks.aisle.order(self.id, shopper.visit, shopper.customer, guide, missing,
                               self.env.now)  # fmt: skip

    def collected(self, key: str, shopper: Shopper, by: str) -> None:
        self.desks.shop.collected(key, self.id, shopper.visit, by, self.env.now)

    # --- checkout -------------------------------------------------------------------------
    def service_time(self, shopper: Shopper, items: int) -> tuple[str, float]:
        """Payment method and minutes at the till for a basket of `items`."""
        pick = int(np.searchsorted(self._method_cdf, shopper.u(Draw.PAYMENT), side="right"))
        method = self._methods[min(pick, len(self._methods) - 1)]
        seconds = self._till_timing.seconds(
            items, method, shopper.u(Draw.SCAN), shopper.u(Draw.PAY_TIME)
        )
        return method, seconds / 60.0

    def till(self, lane: str) -> Till:
        """The lane's terminal and printer (a mobile lane gets its handheld on first use)."""
        till = self._tills.get(lane)
        if till is None:
            till = self._tills[lane] = self.devices.till(self.id, lane)
        return till

    def staff_at(self, lane: str) -> str:
        """Who works the lane: its cashier, or the guide who opened a mobile lane."""
        guide = self._mobile_open.get(lane)
        return guide.code if guide is not None else f"{self.id}-cashier-{lane}"

    def on_checkout_joined(self) -> None:
        """Queue busting: a free guide opens a mobile lane when the queue is long (never one
        a shopper is waiting for)."""
        busting = self._busting
        if not busting.enabled or len(self._mobile_open) >= busting.mobile_lanes:
            return
        lanes = self.checkout
        if lanes.waiting + 1 < busting.queue_per_lane * lanes.open_lanes:
            return
        guide = self.guides.take_free()
        if guide is None:
            return
        lane = f"M{len(self._mobile_open) + 1}"
        self._mobile_open[lane] = guide
        lanes.open_lane(lane)
        self.log.append(LaneOpened(self.env.now, self.id, lane, guide.code))
        self.env.process(self._close_when_quiet(lane))

    def _close_when_quiet(self, lane: str) -> Generator[simpy.Event, None, None]:
        while self.checkout.waiting > 0:
            yield self.env.timeout(1.0)
        guide = self._mobile_open[lane]
        self.checkout.close_lane(lane, self._back_to_floor(lane, guide))

    def _back_to_floor(self, lane: str, guide: Guide) -> Callable[[], None]:
        def done() -> None:
            del self._mobile_open[lane]
            self.release_guide(guide)
            self.log.append(LaneClosed(self.env.now, self.id, lane, guide.code))

        return done
