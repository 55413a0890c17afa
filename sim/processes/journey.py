"""A shopper's visit as a SimPy process: browse, maybe ask a guide, decide, queue, pay.

Every decision uses the shopper's own uniform for it (`Draw`, see `sim.agents.shopper`),
never a shared stream, so two strategies on one seed differ only where the strategy makes
them differ. The journey knows its store only as a `Floor`.
"""

from __future__ import annotations

from collections.abc import Generator
from math import log1p

import numpy as np
import simpy

from sim.agents.shopper import MAX_GARMENTS, MAX_ITEMS, Draw, Phase, Shopper
from sim.processes.checkout import wait_for_lane
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
from sim.processes.floor import Errand, Floor

Visit = Generator[simpy.Event, object, None]
BROWSE = Draw.ZONE  # zone k: whether she browses it at BROWSE + 2k, how long at BROWSE + 2k + 1


def store_visit(floor: Floor, shopper: Shopper, errand: Errand | None = None) -> Visit:
    """Her visit; `errand` (see `sim.processes.pickup`) is what she came for first, if any."""
    env, fmt, log = floor.env, floor.format, floor.log
    if errand is not None:
        yield from errand(floor, shopper)
        shopper.phase = Phase.BROWSING
    greeted = floor.recognised(shopper)
    u = shopper.u
    minutes = [  # in each zone: 0 if she skips it
        -zone.dwell_mean_min * log1p(-u(BROWSE + 2 * k + 1))
        if u(BROWSE + 2 * k) < zone.visit_prob
        else 0.0
        for k, zone in enumerate(fmt.zones)
    ]
    # Nothing happens between zones, so one timeout covers the whole walk through them.
    browsing = shopper.walk(env.now, floor.zone_names, minutes)
    if browsing > 0:
        yield env.timeout(browsing)

    buy_prob = fmt.buy_prob
    asks = shopper.chance(Draw.ASK, fmt.ask_guide_prob)
    if greeted or asks:
        # Recognised at the door, she is greeted by a free guide; else she may look for one.
        guide = floor.guides.take_free() if greeted else None
        if guide is not None:
            log.append(GuideGreeted(env.now, floor.id, shopper.visit, guide.code))
        elif asks:
            guide = yield from find_guide(floor, shopper)
        if guide is not None:
            consult = shopper.exponential(Draw.CONSULT, fmt.consult_mean_min)
            shopper.phase = Phase.WITH_GUIDE
            yield env.timeout(consult)
            guide.consultations += 1
            guide.minutes_consulting += consult
            shopper.guide = guide
            floor.release_guide(guide)
            shopper.phase = Phase.BROWSING
            log.append(GuideConsulted(env.now, floor.id, shopper.visit, guide.code, consult))
            buy_prob = min(1.0, fmt.buy_prob_with_guide * guide.skill)
    if floor.fitting_rooms is not None and shopper.chance(Draw.TRY_ON, fmt.try_on_prob):
        tried = yield from _try_on(floor, shopper)
        if tried:
            buy_prob = min(1.0, buy_prob * fmt.try_on_buy_lift)
    if not shopper.chance(Draw.BUY, buy_prob):
        _end(floor, shopper, "no_purchase")
        return

    items, amount = _basket(floor, shopper)
    if floor.shelves is not None:  # what the shelves still hold; the rest is a lost sale
        on_shelf, missing = floor.shelves.take(shopper.visit, items)
        if missing:
            aisle = floor.endless_aisle
            if aisle.enabled and shopper.chance(Draw.AISLE, aisle.accept_prob):
                floor.order_elsewhere(shopper, missing)
            else:
                floor.shelves.lost(shopper.visit, missing)
        if len(on_shelf) < len(items):
            items, amount = on_shelf, sum(floor.catalog.prices[i] for i in on_shelf)
        if not items:
            _end(floor, shopper, "stockout")
            return
    yield from checkout(floor, shopper, items, amount)


def find_guide(floor: Floor, shopper: Shopper, asking_for_help: bool = True):
    """A guide off the floor for her, if one comes free within the format's wait; else None
    (logged as help missed when she was `asking_for_help`)."""
    env = floor.env
    guide = floor.guides.take_free()
    if guide is not None:
        return guide
    request = floor.guides.request()
    yield request | env.timeout(floor.format.guide_wait_max_min)
    if request.triggered:
        return request.value
    request.cancel()
    if asking_for_help:
        floor.log.append(GuideUnavailable(env.now, floor.id, shopper.visit))
    return None


def _try_on(floor: Floor, shopper: Shopper):
    """She takes a few garments to a fitting room, if one frees up in time; True if she did."""
    env, fmt, rooms = floor.env, floor.format, floor.fitting_rooms
    garments = 1 + min(int(shopper.u(Draw.GARMENTS) * MAX_GARMENTS), MAX_GARMENTS - 1)
    minutes = shopper.exponential(Draw.TRY_ON_MIN, fmt.try_on_mean_min)
    skus = floor.catalog.skus
    picks = [min(int(shopper.u(Draw.GARMENT + k) * len(skus)), len(skus) - 1)
             for k in range(garments)]  # fmt: skip
    tags = [f"{skus[i]}:{shopper.visit}:{k}" for k, i in enumerate(picks)]
    room = rooms.take_free()
    if room is None:
        request = rooms.request()
        yield request | env.timeout(fmt.fitting_wait_max_min)
        if not request.triggered:
            request.cancel()
            floor.log.append(FittingRoomUnavailable(env.now, floor.id, shopper.visit))
            return False
        room = request.value
    floor.log.append(GarmentsTriedOn(env.now, floor.id, shopper.visit, room, garments))
    floor.read_garments(room, tags)
    shopper.phase = Phase.FITTING_ROOM
    yield env.timeout(minutes)
    rooms.give_back(room)
    shopper.phase = Phase.BROWSING
    return True


def _basket(floor: Floor, shopper: Shopper) -> tuple[list[int], int]:
    """Items she takes to the till (catalog indices) and their total in cents."""
    fmt, catalog = floor.format, floor.catalog
    count = min(1 + _poisson_inverse(fmt.basket_items_mean - 1.0, shopper.u(Draw.ITEMS)), MAX_ITEMS)
    cdf = catalog.choice_cdf(shopper.budget_cents, shopper.price_sensitivity)
    picks = [catalog.pick(cdf, shopper.u(Draw.ITEM + k)) for k in range(count)]
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


def checkout(floor: Floor, shopper: Shopper, items: list[int], amount_cents: int) -> Visit:
    """Queue for a till (she may balk or renege), pay, leave."""
    env, log, lanes = floor.env, floor.log, floor.checkout
    behaviour = floor.format.checkout
    waiting = lanes.waiting
    if waiting >= behaviour.balk_queue_per_lane * lanes.open_lanes and shopper.chance(
        Draw.BALK, behaviour.balk_prob
    ):
        log.append(CheckoutBalked(env.now, floor.id, shopper.visit, waiting))
        _end(floor, shopper, "balked")
        return
    log.append(CheckoutJoined(env.now, floor.id, shopper.visit, waiting))
    floor.on_checkout_joined()
    joined = env.now
    shopper.phase = Phase.QUEUEING
    patience = shopper.exponential(Draw.PATIENCE, behaviour.patience_mean_min)
    lane = yield from wait_for_lane(env, lanes, patience)
    if lane is None:
        log.append(CheckoutReneged(env.now, floor.id, shopper.visit, env.now - joined))
        _end(floor, shopper, "reneged")
        return
    shopper.phase = Phase.PAYING
    log.append(ServiceStarted(env.now, floor.id, shopper.visit, lane, env.now - joined))
    method, service_min = floor.service_time(shopper, len(items))
    yield env.timeout(service_min)
    till = floor.till(lane)
    lines = floor.catalog.sale_lines(items)
    held = floor.shelves.held(shopper.visit) if floor.shelves is not None else ""
    guide = shopper.guide.code if shopper.guide is not None else ""
    outcome = yield from till.ring_up(shopper.visit, lines, method, held, guide)
    if outcome.sale is None:
        lanes.release(lane)
        _end(floor, shopper, "refused")
        return
    if floor.shelves is not None:
        floor.shelves.sell(shopper.visit, lines)
    log.append(SaleCompleted(env.now, floor.id, shopper.visit, shopper.customer, lane,
                             len(items), amount_cents, method))  # fmt: skip
    # The sale is committed; the membership desk, then the receipt.
    extra_s = floor.at_till(shopper, lane, items, amount_cents)
    if extra_s:
        yield env.timeout(extra_s / 60.0)
    yield from till.print_receipt(outcome, floor.staff_at(lane))
    lanes.release(lane)
    _end(floor, shopper, "bought")


def _end(floor: Floor, shopper: Shopper, outcome: str) -> None:
    if outcome != "bought" and floor.shelves is not None:
        floor.shelves.put_back(shopper.visit)
    floor.log.append(VisitEnded(floor.env.now, floor.id, shopper.visit, outcome))
    floor.pass_door(shopper, entering=False)
    shopper.phase = Phase.LEFT
    shopper.remove()
