"""A day of store visits over the whole chain as columns: who came, when, what she did.

The same decisions as a detailed journey (`sim.processes.journey`), drawn per visit from a
block of uniforms by name (`U`), with the contention a SimPy run simulates replaced by its
queueing-theory odds per store-hour: whether a guide is free in time, a fitting room, how
long the checkout queue is (see `sim.chain.queueing`). No module is called here: the chain
model hands the outcome to the modules.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import binom

from sim.agents.shopper import MAX_GARMENTS, MAX_ITEMS
from sim.chain.baskets import choose_items
from sim.chain.queueing import HourQueues
from sim.chain.world import ChainWorld


class U:
    """Where each decision of a visit finds its uniform (columns of the day's block)."""

    STORE_VISITOR = 0  # who she is
    HOUR = 1  # when she comes
    MINUTE = 2
    PARTY = 3
    ASK = 4
    GUIDE_FREE = 5  # a guide comes free within her wait
    TRY_ON = 6
    ROOM_FREE = 7
    GARMENTS = 8
    BUY = 9
    ITEMS = 10
    QUEUE_LONG = 11  # she finds the queue long enough to balk at
    BALK = 12
    RENEGE = 13
    JOINS = 14  # she agrees to become a member when asked
    DOOR_ABREAST = 15  # her party walks in abreast
    DOOR_MISSED = 16
    ITEM = 17  # which item, one per item of the basket
    WIDTH = ITEM + MAX_ITEMS


@dataclass
class DayVisits:
    """The day's visits (rows in time order within each store; stores in any order)."""

    store: np.ndarray  # int64 store index
    person: np.ndarray  # int64
    minute: np.ndarray  # float: minute of the day
    party: np.ndarray  # int64 people in the party
    counted: np.ndarray  # int64: the door counter's count of her party
    helped: np.ndarray  # bool: a guide helped her
    missed: np.ndarray  # bool: she asked for a guide and found none in time
    garments: np.ndarray  # int64 tried on (0: no try-on)
    wants: np.ndarray  # bool: she would buy, if the shelves hold it
    items: np.ndarray  # (visits, MAX_ITEMS) int64 catalog index, -1 beyond her basket
    u: np.ndarray  # the block of uniforms (visits, U.WIDTH)


def day_visits(world: ChainWorld, day: int, rng: np.random.Generator) -> DayVisits:
    """Draw the day's visits to every store, up to the wish to buy and the basket."""
    s, year = world.stores, world.year
    mean = s.daily_visitors * s.weekday[:, year.weekday[day]] * year.traffic[day]
    counts = rng.poisson(mean)
    store = np.repeat(np.arange(len(s)), counts)
    n = len(store)
    u = rng.random((n, U.WIDTH))
    person = world.visitors(store, u[:, U.STORE_VISITOR])
    hour_cdf = np.cumsum(s.hour_share, axis=1)
    hour = _row_searchsorted(hour_cdf, store, u[:, U.HOUR])
    start = np.maximum(hour * 60, s.opens_min[store])
    length = s.open_in_hour[store, hour]
    minute = start + u[:, U.MINUTE] * length
    order = np.argsort(store * 2000.0 + minute, kind="stable")  # by store, then minute (< 1440)
    store, person, minute, hour, u = (
        store[order],
        person[order],
        minute[order],
        hour[order],
        u.take(order, axis=0),  # a row gather: take is many times faster than u[order] here
    )
    party = 1 + _row_searchsorted(s.party_cdf, store, u[:, U.PARTY])

    # Guides: a newcomer asking finds one free at once or within her wait (per store-hour).
    asks = u[:, U.ASK] < s.behaviour("ask_guide_prob")[store]
    per_hour = _per_store_hour(store[asks], hour[asks], len(s)) / np.maximum(s.open_in_hour, 1)
    consult, wait = s.behaviour("consult_mean_min"), s.behaviour("guide_wait_max_min")
    guide_free = _found_within(per_hour, consult[:, None], s.guides_on_floor, wait[:, None])
    helped = asks & (u[:, U.GUIDE_FREE] < guide_free[store, hour])
    missed = asks & ~helped
    buy_prob = np.where(helped, np.minimum(1.0, s.behaviour("buy_prob_with_guide")[store]),
                        s.behaviour("buy_prob")[store])  # fmt: skip

    rooms = s.fitting_rooms[store] > 0
    tries = rooms & (u[:, U.TRY_ON] < s.behaviour("try_on_prob")[store])
    per_hour = _per_store_hour(store[tries], hour[tries], len(s)) / np.maximum(s.open_in_hour, 1)
    room_free = _found_within(per_hour, s.behaviour("try_on_mean_min")[:, None],
                              np.maximum(s.fitting_rooms, 1)[:, None] + 0 * per_hour,
                              s.behaviour("fitting_wait_max_min")[:, None])  # fmt: skip
    tried = tries & (u[:, U.ROOM_FREE] < room_free[store, hour])
    garments = np.where(
        tried,
        1 + np.minimum((u[:, U.GARMENTS] * MAX_GARMENTS).astype(np.int64), MAX_GARMENTS - 1),
        0,
    )
    buy_prob = np.where(tried, np.minimum(1.0, buy_prob * s.behaviour("try_on_buy_lift")[store]),
                        buy_prob)  # fmt: skip
    wants = u[:, U.BUY] < buy_prob
    items = _baskets(world, store, person, u, wants)
    counted = _door_counts(world, party, u, day)
    return DayVisits(store, person, minute, party, counted, helped, missed, garments, wants,
                     items, u)  # fmt: skip


def checkout_queues(world: ChainWorld, store: np.ndarray, minute: np.ndarray,
                    items: np.ndarray, extra_s: np.ndarray) -> HourQueues:  # fmt: skip
    """Each store-hour's checkout as an M/M/c queue: the hour's shoppers at the till (rows of
    `store`, arriving at `minute`, with baskets of `items` and `extra_s` seconds of talk)."""
    s = world.stores
    hour = (minute // 60).astype(np.int64)
    joins = _per_store_hour(store, hour, len(s))
    scan = np.array([f.scan_s_per_item for f in s.formats])
    pos = world.config.hardware.pos
    paying_s = sum(share * pos.payment_mean_s[m] for m, share in pos.payment_mix.items())
    service_s = scan[store] * items + paying_s + extra_s
    seconds = _per_store_hour(store, hour, len(s), service_s)
    mean_min = np.where(joins > 0, seconds / np.maximum(joins, 1) / 60.0, paying_s / 60.0)
    return HourQueues.of(joins / np.maximum(s.open_in_hour, 1), mean_min, s.lanes[:, None])


def _found_within(rate, service_mean, servers, wait_max):
    """P(a server is free at once or comes free within `wait_max`) for arrivals at `rate` per
    minute. Those who find none leave after `wait_max`, shorter than a service: the queue
    stays short, so all servers busy is taken as in a loss system (Erlang B), and a newcomer
    waits only for the first of the busy servers to finish (exponential, rate c*mu)."""
    whole = np.maximum(np.rint(np.asarray(servers)).astype(np.int64), 0)
    load = np.asarray(rate, float) * service_mean
    shape = np.broadcast(load, whole).shape
    load, whole = np.broadcast_to(load, shape), np.broadcast_to(whole, shape)
    blocked = np.ones(shape)
    for k in range(1, int(whole.max(initial=0)) + 1):
        step = load * blocked / (k + load * blocked)
        blocked = np.where(k <= whole, step, blocked)
    found = 1.0 - blocked * np.exp(-whole / service_mean * wait_max)
    return np.where(whole > 0, found, 0.0)


def _baskets(world, store, person, u, wants) -> np.ndarray:
    """Each would-be buyer's items (catalog indices; -1 beyond her basket)."""
    items = np.full((len(store), MAX_ITEMS), -1, np.int64)
    rows = np.flatnonzero(wants)
    if not len(rows):
        return items
    fmt_mean = world.stores.behaviour("basket_items_mean")[store[rows]]
    count = np.minimum(1 + _poisson_inverse(fmt_mean - 1.0, u[rows, U.ITEMS]), MAX_ITEMS)
    people = world.population
    budget = people.spending_power_cents[person[rows]] * world.stores.spend_scale[store[rows]]
    items[rows] = choose_items(world, budget, people.price_sensitivity[person[rows]], count,
                               u[rows, U.ITEM : U.ITEM + MAX_ITEMS])  # fmt: skip
    return items


def _poisson_inverse(mean: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Inverse CDF of Poisson(mean) at `u`, elementwise (small means)."""
    k = np.zeros(len(u), np.int64)
    term = np.exp(-mean)
    cumulative = term.copy()
    for step in range(1, 10 * MAX_ITEMS):
        more = u > cumulative
        if not more.any():
            break
        k += more
        term = term * mean / step
        cumulative = cumulative + term
    return k


def _door_counts(world, party, u, day) -> np.ndarray:
    """What the overhead counter registers of each party (see `hardware_models.sensors.door`):
    people abreast missed, a slow drift since calibration at the run's start."""
    door = world.config.hardware.door_counter
    abreast = (party >= 2) & (u[:, U.DOOR_ABREAST] < door.side_by_side_prob)
    # One uniform for the binomial of misses among the others: its inverse CDF, the smallest
    # k whose CDF reaches it, from a table of the few party sizes (as `binom.ppf`, faster).
    rows = np.flatnonzero(abreast)
    others = party[rows] - 1
    sizes = np.arange(int(others.max(initial=1)) + 1)
    cdf = binom.cdf(sizes[None, :], sizes[:, None], door.miss_prob_side_by_side)
    missed = np.zeros(len(party), np.int64)
    missed[rows] = (cdf[others] < u[rows, U.DOOR_MISSED, None]).sum(axis=1)
    counted = party - missed
    drift = door.drift_per_day * (day + 0.5)
    return np.rint(counted * (1.0 + drift)).astype(np.int64)


def _row_searchsorted(cdf: np.ndarray, row: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Per element, the bin of `u` in the cdf row `row` (rows end at 1)."""
    width = cdf.shape[1]
    flat = (cdf + np.arange(len(cdf))[:, None]).ravel()
    found = np.searchsorted(flat, row + u, side="right") - row * width
    return np.clip(found, 0, width - 1)


def _per_store_hour(store, hour, stores: int, weights=None) -> np.ndarray:
    """Counts (or sums of `weights`) per store and hour, as a (stores, 24) array."""
    return np.bincount(store * 24 + hour, weights=weights, minlength=stores * 24).reshape(
        stores, 24
    )
