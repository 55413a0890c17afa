"""A chain's sites: listed one by one, or generated from a few numbers for a large chain.

A chain of a thousand stores is not typed in: `generate` places its stores in cities (more
stores where a city weighs more, scattered within its radius), makes a share of them
franchises, gives each a format by the format mix and a size (traffic factor, lognormal
around 1), and puts its warehouses at the biggest cities. The same spec always gives the
same chain, whatever the run's seed: a chain's stores are a fact, not a random draw.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Annotated

import numpy as np
from pydantic import Field, model_validator
from pydantic.dataclasses import dataclass

from sim.config.fields import STRICT, Count, NonNegative, PositiveInt, Probability, real

MAX_SITES = 100_000
KM_PER_DEGREE = 111.32


@dataclass(config=STRICT)
class City:
    name: Annotated[str, Field(min_length=1, max_length=32)]
    lat: Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
    lon: Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
    weight: real(gt=0.0) = 1.0  # its share of the chain's stores, relative to the others
    radius_km: real(gt=0.0, le=500.0) = 15.0  # stores lie within this of its centre


@dataclass(config=STRICT)
class SiteGenerator:
    """How many stores and warehouses, where, of which kind, format and size."""

    stores: Annotated[PositiveInt, Field(le=MAX_SITES)]
    cities: Annotated[list[City], Field(min_length=1)]
    franchise_share: Probability = 0.3
    warehouses: Count = 1
    # Format name (a key of chain.formats, or "" for the run's store format) -> its share.
    format_mix: dict[str, real(ge=0.0, le=1.0)] = Field(default_factory=lambda: {"": 1.0})
    traffic_factor_sigma: NonNegative = 0.3  # lognormal spread of store sizes
    online_share: Probability = 0.7  # stores selling online by the run's start
    online_since_earliest: dt.date = dt.date(2024, 1, 1)
    online_since_latest: dt.date = dt.date(2025, 12, 31)

    @model_validator(mode="after")
    def _sound(self) -> SiteGenerator:
        if abs(sum(self.format_mix.values()) - 1.0) > 1e-6:
            raise ValueError(
                f"format_mix: shares must sum to 1, got {sum(self.format_mix.values())}"
            )
        if self.online_since_earliest > self.online_since_latest:
            raise ValueError("online_since_earliest must not be after online_since_latest")
        if self.warehouses > len(self.cities) * 10:
            raise ValueError(f"warehouses: at most 10 per city ({len(self.cities)} cities)")
        return self

    def sites(self, chain_name: str) -> list[dict]:
        """The sites as plain dicts (`Site` fields), stores first, then warehouses."""
        digest = hashlib.sha256(f"chain-sites/{chain_name}".encode()).digest()
        rng = np.random.default_rng(int.from_bytes(digest[:8], "little"))
        weights = np.array([c.weight for c in self.cities])
        city = rng.choice(len(self.cities), self.stores, p=weights / weights.sum())
        lat0 = np.array([c.lat for c in self.cities])[city]
        lon0 = np.array([c.lon for c in self.cities])[city]
        radius = np.array([c.radius_km for c in self.cities])[city]
        # Uniform over the city's disc.
        r = radius * np.sqrt(rng.random(self.stores))
        angle = rng.uniform(0.0, 2 * np.pi, self.stores)
        lat = lat0 + r * np.sin(angle) / KM_PER_DEGREE
        lon = lon0 + r * np.cos(angle) / KM_PER_DEGREE / np.cos(np.radians(lat0))
        franchise = rng.random(self.stores) < self.franchise_share
        names = list(self.format_mix)
        shares = np.array([self.format_mix[n] for n in names])
        fmt = rng.choice(len(names), self.stores, p=shares / shares.sum())
        size = rng.lognormal(0.0, self.traffic_factor_sigma, self.stores)
        online = rng.random(self.stores) < self.online_share
        span = (self.online_since_latest - self.online_since_earliest).days
        since = rng.integers(0, span + 1, self.stores)
        direct_no = franchise_no = 0
        sites = []
        for i in range(self.stores):
            if franchise[i]:
                franchise_no += 1
                site_id, kind = f"F{franchise_no:05d}", "franchise"
            else:
                direct_no += 1
                site_id, kind = f"S{direct_no:05d}", "direct"
            site = {"id": site_id, "kind": kind, "lat": round(float(lat[i]), 5),
                    "lon": round(float(lon[i]), 5),
                    "traffic_factor": round(float(min(size[i], 100.0)), 3),
                    "format": names[fmt[i]]}  # fmt: skip
            if online[i]:
                site["online_since"] = self.online_since_earliest + dt.timedelta(int(since[i]))
            sites.append(site)
        biggest = np.argsort(-weights, kind="stable")
        for w in range(self.warehouses):
            c = self.cities[biggest[w % len(self.cities)]]
            offset = (w // len(self.cities)) * 0.05
            sites.append({"id": f"W{w + 1:03d}", "kind": "warehouse",
                          "lat": c.lat + offset, "lon": c.lon + offset})  # fmt: skip
        return sites
