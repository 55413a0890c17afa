"""The chain's customers as columns: one row per person, most of them latent at any moment.

A person becomes an agent only while she is active (in a store); her row stays here. Where
she shops follows a gravity (Huff) model: a store attracts her in proportion to its size
(traffic factor) and less with every kilometre between it and her home.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.config.schema import PopulationConfig, Site
from sim.world import phones
from sim.world.geo import haversine_km

AGE_BANDS = ("18-24", "25-34", "35-44", "45-54", "55+")
GENDERS = ("female", "male")
KM_PER_DEGREE = 111.32
# Who may visit a store, and the probability that a visit to it is each one's.
VisitorWeights = tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class Population:
    home_lat: np.ndarray  # float64
    home_lon: np.ndarray  # float64
    age_band: np.ndarray  # int8 index into AGE_BANDS
    gender: np.ndarray  # int8 index into GENDERS
    spending_power_cents: np.ndarray  # int64: what she is ready to spend in one visit
    price_sensitivity: np.ndarray  # float32 in [0, 1]
    digital_adoption: np.ndarray  # float32 in [0, 1]: follows, registers, uses mini-programs
    visit_interval_days: np.ndarray  # float32: her usual days between store visits
    contact_tolerance_per_week: np.ndarray  # float32: pushes a week before she feels harassed
    category_affinity: np.ndarray  # float32, (people, categories), rows sum to 1
    phone_number: np.ndarray  # int64: 11 digits; leaves the population only as typed text
    phone_style: np.ndarray  # int8: how she types it (see sim.world.phones)
    categories: tuple[str, ...]
    anchor: np.ndarray | None = None  # int32: the store (index) her home was drawn around

    @classmethod
    def generate(
        cls,
        config: PopulationConfig,
        stores: Sequence[Site],
        categories: Sequence[str],
        rng: np.random.Generator,
    ) -> Population:
        n = config.size
        anchor = rng.integers(0, len(stores), n)
        lat0 = np.array([s.lat for s in stores])[anchor]
        lon0 = np.array([s.lon for s in stores])[anchor]
        spread = rng.normal(0.0, config.home_spread_km, (2, n)) / KM_PER_DEGREE
        age_probs = np.asarray(config.age_band_probs) / sum(config.age_band_probs)

        def beta(mean: float, concentration: float = 8.0) -> np.ndarray:
            a, b = max(mean * concentration, 1e-3), max((1 - mean) * concentration, 1e-3)
            return rng.beta(a, b, n).astype(np.float32)

        affinity = rng.dirichlet(np.full(len(categories), config.category_concentration), n)
        return cls(
            home_lat=lat0 + spread[0],
            home_lon=lon0 + spread[1] / np.cos(np.radians(lat0)),
            age_band=rng.choice(len(AGE_BANDS), n, p=age_probs).astype(np.int8),
            gender=(rng.random(n) >= config.female_share).astype(np.int8),
            spending_power_cents=np.rint(
                rng.lognormal(
                    np.log(max(config.spending_power_median_cents, 1)),
                    config.spending_power_sigma,
                    n,
                )
            ).astype(np.int64),
            price_sensitivity=beta(config.price_sensitivity_mean),
            digital_adoption=beta(config.digital_adoption_mean),
            visit_interval_days=rng.lognormal(
                np.log(config.visit_interval_median_days), config.visit_interval_sigma, n
            ).astype(np.float32),
            contact_tolerance_per_week=rng.gamma(
                2.0, config.contact_tolerance_per_week / 2.0, n
            ).astype(np.float32),
            category_affinity=affinity.astype(np.float32),
            phone_number=phones.unique_numbers(n, rng),
            phone_style=phones.typing_styles(n, rng),
            categories=tuple(categories),
            anchor=anchor.astype(np.int32),
        )

    def __len__(self) -> int:
        return len(self.home_lat)

    def store_weights(self, store: Site, all_stores: Sequence[Site], decay_km: float) -> np.ndarray:
        """Probability that a visit to `store` is each person's (gravity model x frequency)."""
        attraction = np.stack(
            [
                s.traffic_factor
                * np.exp(-haversine_km(self.home_lat, self.home_lon, s.lat, s.lon) / decay_km)
                for s in all_stores
            ]
        )
        share = attraction[[s.id for s in all_stores].index(store.id)] / np.maximum(
            attraction.sum(axis=0), 1e-300
        )
        weights = share / self.visit_interval_days
        return weights / weights.sum()

    def typed_phone(self, person: int) -> str:
        """Her number as she types it: to be handed to the membership module only."""
        return phones.as_typed(int(self.phone_number[person]), int(self.phone_style[person]))

    @staticmethod
    def openid(person: int) -> str:
        """The id WeChat gives her for the chain's account (the same in both fidelities)."""
        return f"wx-o-{person:09d}"

    @property
    def nbytes(self) -> int:
        return sum(v.nbytes for v in vars(self).values() if isinstance(v, np.ndarray))
