"""The chain as arrays: its stores and their formats, the year's days, who may visit where.

Everything a day-step reads about a store is a column here (one row per store), so the
step never loops over stores in Python: a store's format fills its rows (traffic, hours,
lanes, guides per hour, behaviour), its site its traffic factor.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.chain.choice import Guide, catchments
from sim.config.fields import clock_minutes
from sim.config.schema import RunConfig, Site
from sim.config.store import StoreFormat
from sim.world.catalog import Catalog
from sim.world.population import Population, VisitorWeights

MAX_PARTY = 8
HOURS = 24


@dataclass(frozen=True)
class StoreColumns:
    """One row per store of the chain (stores in config order)."""

    ids: tuple[str, ...]
    sites: tuple[Site, ...]
    formats: tuple[StoreFormat, ...]
    daily_visitors: np.ndarray  # parties on a plain weekday: format x traffic factor
    weekday: np.ndarray  # (stores, 7)
    hour_share: np.ndarray  # (stores, 24): a day's traffic by hour (0 when closed)
    open_in_hour: np.ndarray  # (stores, 24): minutes of each hour the store is open
    opens_min: np.ndarray
    closes_min: np.ndarray
    lanes: np.ndarray
    guides_on_floor: np.ndarray  # (stores, 24)
    fitting_rooms: np.ndarray
    party_cdf: np.ndarray  # (stores, MAX_PARTY)
    spend_scale: np.ndarray

    @classmethod
    def of(cls, config: RunConfig, stores: list[Site]) -> StoreColumns:
        formats = tuple(config.format_of(site) for site in stores)
        n = len(stores)
        opens = np.array([clock_minutes(f.opens) for f in formats])
        closes = np.array([clock_minutes(f.closes) for f in formats])
        starts = np.arange(HOURS) * 60
        open_in_hour = np.clip(
            np.minimum(closes[:, None], starts + 60) - np.maximum(opens[:, None], starts), 0, 60
        ).astype(float)
        weights = np.array([f.hourly_weights for f in formats], float) * (open_in_hour / 60)
        guides = np.zeros((n, HOURS))
        for i, f in enumerate(formats):
            in_shifts = sum(s.guides for s in f.shifts)
            guides[i] = f.guides - in_shifts
            for shift in f.shifts:
                start, end = clock_minutes(shift.start), clock_minutes(shift.end)
                cover = np.clip(np.minimum(end, starts + 60) - np.maximum(start, starts), 0, 60)
                guides[i] += shift.guides * cover / 60
        party = np.zeros((n, MAX_PARTY))
        for i, f in enumerate(formats):
            probs = np.array(f.party_size_probs[:MAX_PARTY], float)
            party[i, : len(probs)] = np.cumsum(probs / probs.sum())
            party[i, len(probs) :] = 1.0
        return cls(
            ids=tuple(s.id for s in stores),
            sites=tuple(stores),
            formats=formats,
            # Stores in detail (mixed fidelity) draw their own visits: none here.
            daily_visitors=np.array([f.daily_visitors * s.traffic_factor
                                     * (s.id not in config.detailed_stores)
                                     for f, s in zip(formats, stores, strict=True)]),
            weekday=np.array([f.weekday_factors for f in formats], float),
            hour_share=weights / weights.sum(axis=1, keepdims=True),
            open_in_hour=open_in_hour,
            opens_min=opens,
            closes_min=closes,
            lanes=np.array([f.lanes for f in formats]),
            guides_on_floor=guides,
            fitting_rooms=np.array([f.fitting_rooms for f in formats]),
            party_cdf=party,
            spend_scale=np.array([f.spend_scale for f in formats]),
        )  # fmt: skip

    def __len__(self) -> int:
        return len(self.ids)

    def behaviour(self, name: str) -> np.ndarray:
        """A behaviour field of each store's format, as a column (`buy_prob`, ...)."""
        return np.array([getattr(f, name) for f in self.formats], float)

    def checkout_behaviour(self, name: str) -> np.ndarray:
        return np.array([getattr(f.checkout, name) for f in self.formats], float)


@dataclass(frozen=True)
class Year:
    """The run's days: date, weekday, and the calendar's factors."""

    dates: tuple
    weekday: np.ndarray
    traffic: np.ndarray  # season x events, 0 on a closure
    online: np.ndarray
    closed: np.ndarray

    @classmethod
    def of(cls, config: RunConfig) -> Year:
        import datetime as dt

        dates = tuple(config.start_date + dt.timedelta(days=d) for d in range(config.days))
        traffic, online, closed = config.calendar.factors(config.start_date, config.days)
        return cls(dates, np.array([d.weekday() for d in dates]), np.array(traffic),
                   np.array(online), np.array(closed, bool))  # fmt: skip


class ChainWorld:
    """The stores, the year, the catalogue, the people and where each may shop."""

    def __init__(self, config: RunConfig, population: Population, catalog: Catalog) -> None:
        self.config = config
        self.stores = StoreColumns.of(config, config.chain.stores)
        self.year = Year.of(config)
        self.catalog = catalog
        self.population = population
        tables = catchments(population, population.anchor, config.chain.stores,
                            config.population.distance_decay_km,
                            config.population.choice_stores)  # fmt: skip
        # One table for the chain: store s's weights are offset by the stores' before it, so
        # a day's visitors at every store are one lookup.
        totals = np.array([t.cumulative[-1] if len(t.people) else 0.0 for t in tables])
        self.catchment_base = np.concatenate([[0.0], np.cumsum(totals)[:-1]])
        self.catchment_total = totals
        self.catchment_people = np.concatenate([t.people for t in tables]).astype(np.int32)
        self._catchment_start = np.cumsum([0, *(len(t.people) for t in tables)])
        self.catchment_cumulative = np.concatenate(
            [t.cumulative + base for t, base in zip(tables, self.catchment_base, strict=True)]
        )
        self._catchment_guide = Guide(self.catchment_cumulative)
        self.category_of_sku = np.array(
            [catalog.category_names.index(c) for c in catalog.categories], np.int64
        )

    def visitor_weights(self, site: Site) -> VisitorWeights:
        """Who may visit `site` and the probability that a visit is each one's, as `visitors`
        draws them (for a store simulated in detail)."""
        i = self.stores.ids.index(site.id)
        start, end = self._catchment_start[i], self._catchment_start[i + 1]
        weights = np.diff(self.catchment_cumulative[start:end], prepend=self.catchment_base[i])
        return self.catchment_people[start:end].astype(np.int64), weights / weights.sum()

    def visitors(self, store: np.ndarray, u: np.ndarray) -> np.ndarray:
        """The person each visit to `store` (indices) is, from a uniform per visit."""
        target = self.catchment_base[store] + u * self.catchment_total[store]
        rows = self._catchment_guide.find(target)
        return self.catchment_people[np.minimum(rows, len(self.catchment_people) - 1)].astype(
            np.int64
        )
