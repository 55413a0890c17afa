"""One store at run time: its lanes, guides, devices and the processes that bring shoppers.

The store wires components together; the journey logic lives in `sim.processes`, the
devices in `hardware_models`, the monitoring in `sim.metrics`.
"""

from __future__ import annotations

from collections.abc import Callable, Generator

import numpy as np
import simpy

from hardware_models.pos import Duration, TillTiming
from sim.agents.shopper import Shopper
from sim.agents.staff import Cashier, Guide
from sim.business.guide_tasks import GuideTaskDesk
from sim.config.fields import clock_minutes
from sim.config.schema import RunConfig, Shift, Site
from sim.devices.till import Till
from sim.engine.calendar import MINUTES_PER_DAY, Calendar
from sim.engine.events import EventLog
from sim.engine.pools import give_back, take_free
from sim.engine.streams import Streams
from sim.processes.arrivals import arrival_times
from sim.processes.checkout import Checkout
from sim.processes.events import LaneClosed, LaneOpened, ShiftEnded, ShiftStarted, VisitStarted
from sim.processes.journey import checkout, draws_per_visit, store_visit
from sim.processes.pickup import Errand, collect
from sim.world.catalog import Catalog
from sim.world.population import Population


class StoreRuntime:
    """A store in the detailed fidelity: every shopper's visit is a SimPy process."""

    def __init__(
        self,
        model,
        site: Site,
        config: RunConfig,
        calendar: Calendar,
        population: Population,
        catalog: Catalog,
        streams: Streams,
        log: EventLog,
    ) -> None:
        self.model = model
        self.env: simpy.Environment = model.env
        self.id = site.id
        self.site = site
        self.config = config
        self.format = config.store
        self.calendar = calendar
        self.population = population
        self.catalog = catalog
        self.log = log
        self.validating = config.mode == "validate_mmc"
        self.balking = not self.validating
        self._arrival_rng = streams.get(f"arrivals/{site.id}")
        self._visit_rng = streams.get(f"visits/{site.id}")
        self._pick_rng = streams.get(f"customers/{site.id}")
        self._draws = draws_per_visit(len(self.format.zones))
        self._visitor_weights = population.store_weights(
            site, config.chain.stores, config.population.distance_decay_km
        )
        self._visits = 0

        lanes = config.validate.lanes if self.validating else self.format.lanes
        self.cashiers = [Cashier(model, site.id, f"L{i + 1}") for i in range(lanes)]
        self.checkout = Checkout(self.env, [c.lane for c in self.cashiers])
        skill_rng = streams.get(f"staff/{site.id}")
        guides = [
            Guide(model, site.id, f"{site.id}-G{i + 1}", float(skill_rng.uniform(0.8, 1.2)))
            for i in range(self.format.guides)
        ]
        self.hired = len(guides)
        self.guides = simpy.Store(self.env)  # guides on duty and free
        self._on_duty: set[str] = set()
        self._successor: dict[str, Guide] = {}  # a guide who quit while busy -> her successor
        self._crews: list[list[Guide]] = []  # one per shift, then the all-day crew
        first = 0
        for shift in [] if self.validating else self.format.shifts:
            crew = guides[first : first + shift.guides]
            first += shift.guides
            self._crews.append(crew)
            self.env.process(self._shift(shift, crew))
        self._crews.append(guides[first:])  # no shift: on the floor all day
        self.guides.items.extend(guides[first:])
        self._on_duty.update(g.code for g in guides[first:])
        self._busting = config.strategy.queue_busting
        self._mobile_open: dict[str, Guide] = {}

        self.devices = model.devices
        self.membership_desk = model.membership_desk
        self.stock_room = None if self.validating else model.stock_room
        self.fitting_rooms: simpy.Store | None = None
        self.fitting_room_readers = {}
        if self.format.fitting_rooms and not self.validating:
            rooms = [f"FR{i + 1}" for i in range(self.format.fitting_rooms)]
            self.fitting_rooms = simpy.Store(self.env)
            self.fitting_rooms.items.extend(rooms)
            for room in rooms:
                reader = self.devices.fitting_room_reader(site.id, room)
                if reader is not None:
                    self.fitting_room_readers[room] = reader
        self.door = model.devices.door_sensor(site.id)
        self.beacon = None if self.validating else model.devices.door_beacon(site.id)
        self._opt_in_adoption = config.hardware.beacons.opt_in_min_adoption
        self._tills = (
            {}
            if self.validating
            else {c.lane: self.devices.till(site.id, c.lane) for c in self.cashiers}
        )
        payment = config.hardware.pos
        self._till_timing = TillTiming(
            Duration(self.format.scan_s_per_item, self.format.scan_cv),
            {m: Duration(s, payment.payment_cv) for m, s in payment.payment_mean_s.items()},
        )
        self._methods = list(payment.payment_mix)
        self._method_cdf = np.cumsum([payment.payment_mix[m] for m in self._methods])
        self.env.process(self._arrivals())
        self._booked_rng = streams.get(f"booked/{site.id}")
        self._errand_rng = streams.get(f"errands/{site.id}")
        tasks = config.strategy.guide_tasks
        if tasks.enabled and not self.validating:
            desk = GuideTaskDesk(
                self,
                model.membership,
                model.membership_desk.person_of,
                tasks,
                streams.get(f"guide_tasks/{site.id}"),
            )
            self.env.process(desk.run(config.days))

    # --- staff ----------------------------------------------------------------------------
    def _shift(self, shift: Shift, crew: list[Guide]) -> Generator[simpy.Event, None, None]:
        start, end = clock_minutes(shift.start), clock_minutes(shift.end)
        label = f"{shift.start}-{shift.end}"
        by_tier = self.config.chain.staff_hours == "by_tier"
        for day in range(self.config.days):
            yield self.env.timeout(day * MINUTES_PER_DAY + start - self.env.now)
            self._on_duty.update(g.code for g in crew)
            for guide in crew:
                self.guides.put(guide)
            self.log.append(ShiftStarted(self.env.now, self.id, label, len(crew)))
            length = end - start
            if by_tier:  # the tier's staff hours, but nobody stays past closing
                factor = self.model.head_office.staff_hours_factor(self.id)
                length = min(length * factor, self.calendar.closes_min - start)
            yield self.env.timeout(length)
            self._on_duty.difference_update(g.code for g in crew)
            # A guide busy with a customer finishes first; `release_guide` then sends her home.
            self.guides.items[:] = [g for g in self.guides.items if g.code in self._on_duty]
            self.log.append(ShiftEnded(self.env.now, self.id, label, len(crew)))

    def recognised(self, shopper, u: float) -> bool:
        """The door beacon reports her: a member who opted in through the app (or a mistake);
        `u` is her draw for the door."""
        person = shopper.customer
        opted_in = (
            person in self.membership_desk.member_of
            and self.population.digital_adoption[person] >= self._opt_in_adoption
        )
        return self.beacon.arrival(shopper.visit, bool(opted_in), u)

    def free_guide(self) -> Guide | None:
        """A guide on the floor and free right now, taken off the floor; None if none is."""
        return take_free(self.guides)

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
        newcomer = Guide(self.model, self.id, f"{self.id}-G{self.hired}", skill)
        for crew in self._crews:
            if leaver in crew:
                crew[crew.index(leaver)] = newcomer
        if leaver.code in self._on_duty:
            self._on_duty.discard(leaver.code)
            self._on_duty.add(newcomer.code)
        if leaver in self.guides.items:
            self.guides.items[self.guides.items.index(leaver)] = newcomer
        else:  # busy (or off shift): her successor takes the floor when she would have
            self._successor[leaver.code] = newcomer
        leaver.remove()
        return newcomer

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
        """She comes at `at_min` to pick up online order `key` (see `OnlineShop.counters`)."""
        self.book_visit(person, at_min, collect(key, handover_min), "pickup")

    def release_guide(self, guide: Guide) -> None:
        """A guide is free again: back to the floor if her shift is on (her successor, if she
        quit meanwhile)."""
        guide = self._successor.pop(guide.code, guide)
        if guide.code in self._on_duty and guide not in self.guides.items:
            give_back(self.guides, guide)

    # --- arrivals -------------------------------------------------------------------------
    def _segments(self, day: int) -> list[tuple[float, float, float]]:
        if self.validating:
            start = day * MINUTES_PER_DAY
            return [(start, start + MINUTES_PER_DAY, self.config.validate.arrival_rate_per_min)]
        daily = self.format.daily_visitors * self.site.traffic_factor
        return self.calendar.rate_segments(day, daily)

    def _arrivals(self) -> Generator[simpy.Event, None, None]:
        party_cdf = np.cumsum(self.format.party_size_probs)
        for day in range(self.config.days):
            times = arrival_times(self._segments(day), self._arrival_rng)
            n = len(times)
            customers = self._pick_rng.choice(len(self.population), n, p=self._visitor_weights)
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
        shopper = Shopper(self.model, self.id, self._visits, customer, party_size, draws)
        self.log.append(VisitStarted(now, self.id, shopper.visit, customer, party_size, reason))
        self.door.passage(party_size, entering=True)
        if self.validating:
            self.env.process(checkout(self, shopper, [], 0))
        else:
            self.env.process(store_visit(self, shopper, errand))

    # --- checkout -------------------------------------------------------------------------
    def service_time(self, shopper: Shopper, items: int) -> tuple[str, float]:
        """Payment method and minutes at the till for a basket of `items`."""
        if self.validating:
            return "none", shopper.exponential(self.config.validate.service_mean_min)
        pick = int(np.searchsorted(self._method_cdf, shopper.uniform(), side="right"))
        method = self._methods[min(pick, len(self._methods) - 1)]
        u_scan = shopper.uniform() if self._till_timing.scan_per_item.cv > 0 else 0.0
        return method, self._till_timing.seconds(items, method, u_scan, shopper.uniform()) / 60.0

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
        """Queue busting: a free guide opens a mobile lane when the queue is long."""
        busting = self._busting
        if not busting.enabled or len(self._mobile_open) >= busting.mobile_lanes:
            return
        lanes = self.checkout
        if lanes.waiting + 1 < busting.queue_per_lane * lanes.open_lanes or not self.guides.items:
            return
        guide = self.guides.items.pop(0)
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
