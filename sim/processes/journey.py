"""A shopper's visit as a SimPy process: browse, maybe ask a guide, decide, queue, pay.

Every decision uses the shopper's own block of draws (see `Shopper`), never a shared
stream, so two strategies on one seed differ only where the strategy makes them differ.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING

import numpy as np
import simpy

from sim.agents.shopper import Shopper
from sim.engine.pools import give_back, take_free
from sim.processes.endless_aisle import order_elsewhere
from sim.processes.events import (
    CheckoutBalked,
    CheckoutJoined,
    CheckoutReneged,
    FittingRoomUnavailable,
    GarmentsTriedOn,
    GuideConsulted,
    GuideGreeted,
    GuideUnavailable,
    SaleCompleted,
    ServiceStarted,
    VisitEnded,
)

if TYPE_CHECKING:
    from sim.processes.pickup import Errand
    from sim.world.store import StoreRuntime

MAX_ITEMS = 12
MAX_GARMENTS = 3  # taken into a fitting room at once
DRAWS_FIXED = 12  # the door (beacon), ask, consult, buy, items, payment method and time,
# balk, patience, joining as a member at the till, accepting an endless-aisle order, spare
DRAWS_TRY_ON = 3 + MAX_GARMENTS  # whether, how long, how many, which


def draws_per_visit(zones: int) -> int:
    """How many uniforms one visit may consume: two per zone, one per item, the rest."""
    return 2 * zones + MAX_ITEMS + DRAWS_FIXED + DRAWS_TRY_ON


def store_visit(
    store: StoreRuntime, shopper: Shopper, errand: Errand | None = None
) -> Generator[simpy.Event, object, None]:
    """Her visit; `errand` (see `sim.processes.pickup`) is what she came for first, if any."""
    env, fmt, log = store.env, store.format, store.log
    if errand is not None:
        yield from errand(store, shopper)
    at_door = shopper.uniform()  # drawn whether or not a beacon is installed: CRN
    greeted = store.beacon is not None and store.recognised(shopper, at_door)
    browsing = 0.0
    for zone in fmt.zones:
        browses, dwell = shopper.chance(zone.visit_prob), shopper.exponential(zone.dwell_mean_min)
        if browses:
            browsing += dwell
    # Nothing happens between zones, so one timeout covers the whole walk through them.
    if browsing > 0:
        yield env.timeout(browsing)

    buy_prob = fmt.buy_prob
    asks = shopper.chance(fmt.ask_guide_prob)
    if greeted or asks:
        # Recognised at the door, she is greeted by a free guide; else she may look for one.
        guide = store.free_guide() if greeted else None
        if guide is not None:
            log.append(GuideGreeted(env.now, store.id, shopper.visit, guide.code))
        elif asks:
            guide = yield from find_guide(store, shopper)
        consult = shopper.exponential(fmt.consult_mean_min)
        if guide is not None:
            yield env.timeout(consult)
            guide.consultations += 1
            guide.minutes_consulting += consult
            shopper.guide = guide
            store.release_guide(guide)
            log.append(GuideConsulted(env.now, store.id, shopper.visit, guide.code, consult))
            buy_prob = min(1.0, fmt.buy_prob_with_guide * guide.skill)
    if store.fitting_rooms is not None and shopper.chance(fmt.try_on_prob):
        tried = yield from _try_on(store, shopper)
        if tried:
            buy_prob = min(1.0, buy_prob * fmt.try_on_buy_lift)
    if not shopper.chance(buy_prob):
        _end(store, shopper, "no_purchase")
        return

    items, amount = _basket(store, shopper)
    aisle = store.config.strategy.endless_aisle
    accepts = shopper.chance(aisle.accept_prob)  # drawn whatever the shelf holds: CRN
    if store.stock_room is not None:  # what the shelves still hold; the rest is a lost sale
        on_shelf, missing = store.stock_room.take(store.id, shopper.visit, items)
        if missing:
            if aisle.enabled and accepts:
                order_elsewhere(store, shopper, missing)
            else:
                store.stock_room.lost(store.id, shopper.visit, missing)
        if len(on_shelf) < len(items):
            items, amount = on_shelf, sum(store.catalog.prices[i] for i in on_shelf)
        if not items:
            _end(store, shopper, "stockout")
            return
    yield from checkout(store, shopper, items, amount)


def find_guide(store: StoreRuntime, shopper: Shopper, asking_for_help: bool = True):
    """A guide off the floor for her, if one comes free within the format's wait; else None
    (logged as help missed when she was `asking_for_help`)."""
    env = store.env
    guide = store.free_guide()
    if guide is not None:
        return guide
    request = store.guides.get()
    yield request | env.timeout(store.format.guide_wait_max_min)
    if request.triggered:
        return request.value
    request.cancel()
    if asking_for_help:
        store.log.append(GuideUnavailable(env.now, store.id, shopper.visit))
    return None


def _try_on(store: StoreRuntime, shopper: Shopper):
    """She takes a few garments to a fitting room, if one frees up in time; True if she did."""
    env, fmt = store.env, store.format
    garments = 1 + min(int(shopper.uniform() * MAX_GARMENTS), MAX_GARMENTS - 1)
    minutes = shopper.exponential(fmt.try_on_mean_min)
    skus = store.catalog.skus
    tags = [
        f"{skus[min(int(shopper.uniform() * len(skus)), len(skus) - 1)]}:{shopper.visit}:{k}"
        for k in range(garments)
    ]
    room = take_free(store.fitting_rooms)
    if room is None:
        request = store.fitting_rooms.get()
        yield request | env.timeout(fmt.fitting_wait_max_min)
        if not request.triggered:
            request.cancel()
            store.log.append(FittingRoomUnavailable(env.now, store.id, shopper.visit))
            return False
        room = request.value
    store.log.append(GarmentsTriedOn(env.now, store.id, shopper.visit, room, garments))
    reader = store.fitting_room_readers.get(room)
    if reader is not None:
        reader.garments_in(tags)
    yield env.timeout(minutes)
    give_back(store.fitting_rooms, room)
    return True


def _basket(store: StoreRuntime, shopper: Shopper) -> tuple[list[int], int]:
    """Items she takes to the till (catalog indices) and their total in cents."""
    fmt, catalog = store.format, store.catalog
    extra_mean = fmt.basket_items_mean - 1.0
    count = 1 + _poisson_inverse(extra_mean, shopper.uniform())
    count = min(count, MAX_ITEMS)
    budget = int(store.population.spending_power_cents[shopper.customer] * fmt.spend_scale)
    sensitivity = float(store.population.price_sensitivity[shopper.customer])
    cdf = catalog.choice_cdf(budget, sensitivity)
    picks = [catalog.pick(cdf, shopper.uniform()) for _ in range(count)]
    return picks, sum(catalog.prices[i] for i in picks)


def _poisson_inverse(mean: float, u: float) -> int:
    """Inverse CDF of a Poisson distribution at `u` (small means: a short walk)."""
    k, term = 0, np.exp(-mean)
    cumulative = term
    while u > cumulative and k < 10 * MAX_ITEMS:
        k += 1
        term *= mean / k
        cumulative += term
    return k


def checkout(store: StoreRuntime, shopper: Shopper, items: list[int], amount_cents: int):
    """Queue for a till (she may balk or renege), pay, leave."""
    env, log, lanes = store.env, store.log, store.checkout
    behaviour = store.format.checkout
    balks = shopper.chance(behaviour.balk_prob)
    patience = shopper.exponential(behaviour.patience_mean_min)
    waiting = lanes.waiting
    if store.balking and waiting >= behaviour.balk_queue_per_lane * lanes.open_lanes and balks:
        log.append(CheckoutBalked(env.now, store.id, shopper.visit, waiting))
        _end(store, shopper, "balked")
        return
    log.append(CheckoutJoined(env.now, store.id, shopper.visit, waiting))
    store.on_checkout_joined()
    joined = env.now
    lane = lanes.take_free()
    if lane is None:
        request = lanes.join()
        if store.balking:
            yield request | env.timeout(patience)
        else:
            yield request
        if not request.triggered:
            lanes.leave_queue(request)
            log.append(CheckoutReneged(env.now, store.id, shopper.visit, env.now - joined))
            _end(store, shopper, "reneged")
            return
        lane = request.value
    log.append(ServiceStarted(env.now, store.id, shopper.visit, lane, env.now - joined))
    method, service_min = store.service_time(shopper, len(items))
    yield env.timeout(service_min)
    till = None if store.validating else store.till(lane)
    if till is not None:
        lines = store.catalog.sale_lines(items)
        stock = store.stock_room
        held = stock.basket(store.id, shopper.visit) if stock is not None else ""
        guide = shopper.guide.code if shopper.guide is not None else ""
        outcome = yield from till.ring_up(shopper.visit, lines, method, held, guide)
        if outcome.sale is None:
            lanes.release(lane)
            _end(store, shopper, "refused")
            return
        if store.stock_room is not None:
            store.stock_room.sell(store.id, shopper.visit, lines)
    log.append(
        SaleCompleted(
            env.now,
            store.id,
            shopper.visit,
            shopper.customer,
            lane,
            len(items),
            amount_cents,
            method,
        )
    )
    if till is not None:  # the sale is committed; the membership desk, then the receipt
        joins = shopper.uniform()
        helper = shopper.guide
        staff = helper.code if helper is not None else store.staff_at(lane)
        extra_s = store.membership_desk.at_till(
            store.id,
            shopper.visit,
            shopper.customer,
            staff,
            helper.skill if helper is not None else 1.0,
            lanes.waiting,
            joins,
            items,
            amount_cents,
        )
        if extra_s:
            yield env.timeout(extra_s / 60.0)
        yield from till.print_receipt(outcome, store.staff_at(lane))
    lanes.release(lane)
    _end(store, shopper, "bought")


def _end(store: StoreRuntime, shopper: Shopper, outcome: str) -> None:
    if outcome != "bought" and store.stock_room is not None:
        store.stock_room.put_back(store.id, shopper.visit)
    store.log.append(VisitEnded(store.env.now, store.id, shopper.visit, outcome))
    store.door.passage(shopper.party_size, entering=False)
    shopper.remove()
