"""Who visits a store: each store's catchment as a cumulative weight table, sampled per visit.

The detailed twin weighs every person for every store (`Population.store_weights`: gravity
share times visit frequency), an array of the whole population per store: fine for five
stores, 16 GB for a thousand. Here a person weighs only for the `choice_stores` stores
nearest her anchor store (where her home was drawn around); with as many choice stores as
the chain has, the weights are the detailed twin's exactly. A store's table lists the people
who may choose it and their cumulative weights, so drawing a day's visitors is one lookup
of its visits' uniforms in the chain's tables (`Guide`: a searchsorted in a few steps).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.config.schema import Site
from sim.world.geo import haversine_km
from sim.world.population import Population


@dataclass(frozen=True)
class Catchment:
    """People who may visit one store, and their cumulative visit weights (last = total)."""

    people: np.ndarray  # int32 person rows
    cumulative: np.ndarray  # float64

    def draw(self, u: np.ndarray) -> np.ndarray:
        """The visitors that uniforms `u` in [0, 1) pick, by weight."""
        if not len(self.people):
            return np.empty(0, np.int64)
        rows = np.searchsorted(self.cumulative, u * self.cumulative[-1], side="right")
        return self.people[np.minimum(rows, len(self.people) - 1)].astype(np.int64)


class Guide:
    """`np.searchsorted(cumulative, targets, side="right")`, exactly, in a few steps: a guide
    table of equal-width buckets over the cumulative weights says where each bucket's rows
    start (the index-table method of inverse-CDF sampling), so a lookup reads a row or two
    instead of binary-searching a table of millions at random."""

    STEPS = 6  # rows read past a bucket's start; targets further on are searched

    def __init__(self, cumulative: np.ndarray) -> None:
        self.cumulative = cumulative
        n = len(cumulative)
        self.width = float(cumulative[-1]) / n if n and cumulative[-1] > 0 else 0.0
        bounds = np.arange(n + 1) * self.width
        self.starts = np.searchsorted(cumulative, bounds, side="right") if self.width else None

    def find(self, targets: np.ndarray) -> np.ndarray:
        c = self.cumulative
        if self.starts is None:
            return np.searchsorted(c, targets, side="right")
        bucket = np.clip(targets / self.width, 0, len(self.starts) - 1).astype(np.int64)
        i = self.starts[bucket]
        # Rounding may put a target one bucket too high: its bucket then starts past it.
        unsure = (i > 0) & (c[np.maximum(i - 1, 0)] > targets)
        moving = np.arange(len(i))  # those that may not have reached their row yet
        for _ in range(self.STEPS):
            moving = moving[i[moving] < len(c)]
            moving = moving[c[i[moving]] <= targets[moving]]
            i[moving] += 1
            if not len(moving):
                break
        unsure[moving] = True  # still short of their row after STEPS: searched
        i[unsure] = np.searchsorted(c, targets[unsure], side="right")
        return i


def nearest_stores(stores: Sequence[Site], k: int) -> np.ndarray:
    """For each store, the `k` stores nearest it (itself first), as indices (stores x k)."""
    lat = np.array([s.lat for s in stores])
    lon = np.array([s.lon for s in stores])
    k = min(k, len(stores))
    rows = []
    for start in range(0, len(stores), 512):  # 512 x stores distances at a time
        d = haversine_km(lat[start : start + 512, None], lon[start : start + 512, None],
                         lat[None, :], lon[None, :])  # fmt: skip
        d[np.arange(d.shape[0]), np.arange(start, start + d.shape[0])] = -1.0  # itself first
        part = np.argpartition(d, k - 1, axis=1)[:, :k] if k < len(stores) else np.argsort(d, 1)
        order = np.take_along_axis(d, part, 1).argsort(axis=1, kind="stable")
        rows.append(np.take_along_axis(part, order, 1))
    return np.concatenate(rows).astype(np.int32)


def catchments(
    population: Population,
    anchor: np.ndarray,
    stores: Sequence[Site],
    decay_km: float,
    choice_stores: int,
) -> list[Catchment]:
    """Each store's catchment (in the order of `stores`): `anchor` is each person's anchor
    store index."""
    near = nearest_stores(stores, choice_stores)
    k = near.shape[1]
    lat = np.array([s.lat for s in stores])
    lon = np.array([s.lon for s in stores])
    pull = np.array([s.traffic_factor for s in stores])
    by_anchor = np.argsort(anchor, kind="stable").astype(np.int32)
    bounds = np.searchsorted(anchor[by_anchor], np.arange(len(stores) + 1))
    # Each person's attraction to each of her choice stores, and its total.
    weight = np.empty((len(anchor), k))
    for j in range(k):
        store = near[anchor, j]
        distance = haversine_km(population.home_lat, population.home_lon, lat[store], lon[store])
        weight[:, j] = pull[store] * np.exp(-distance / decay_km)
    weight /= np.maximum(weight.sum(axis=1, keepdims=True), 1e-300)
    weight /= population.visit_interval_days[:, None]
    # Invert: store s is choice j of the anchors a with near[a, j] == s.
    anchors, slots = np.nonzero(near >= 0)
    chooser = near[anchors, slots]
    order = np.argsort(chooser, kind="stable")
    anchors, slots, chooser = anchors[order], slots[order], chooser[order]
    edges = np.searchsorted(chooser, np.arange(len(stores) + 1))
    tables = []
    for s in range(len(stores)):
        people, weights = [], []
        for a, j in zip(anchors[edges[s] : edges[s + 1]], slots[edges[s] : edges[s + 1]],
                        strict=True):  # fmt: skip
            block = by_anchor[bounds[a] : bounds[a + 1]]
            people.append(block)
            weights.append(weight[block, j])
        people_s = np.concatenate(people) if people else np.empty(0, np.int32)
        order_s = np.argsort(people_s, kind="stable")  # by person: independent of store order
        tables.append(
            Catchment(
                people_s[order_s],
                np.cumsum(np.concatenate(weights)[order_s]) if people else np.empty(0),
            )
        )
    return tables
