"""The chain's customers as columns: one row per person, most of them latent at any moment.

A person becomes an agent only while she is active (in a store); her row stays here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config.schema import PopulationConfig


@dataclass(frozen=True)
class Population:
    spending_power_cents: np.ndarray  # int64: what she is ready to spend in one visit
    price_sensitivity: np.ndarray  # float32 in [0, 1]
    visit_weight: np.ndarray  # float64: relative chance that a store visit is hers

    @classmethod
    def generate(cls, config: PopulationConfig, rng: np.random.Generator) -> Population:
        n = config.size
        spending = rng.lognormal(
            np.log(max(config.spending_power_median_cents, 1)), config.spending_power_sigma, n
        )
        mean = config.price_sensitivity_mean
        concentration = 8.0  # a beta around the mean, neither flat nor spiky
        sensitivity = rng.beta(
            max(mean * concentration, 1e-3), max((1 - mean) * concentration, 1e-3), n
        )
        weight = rng.lognormal(0.0, config.visit_propensity_sigma, n)
        return cls(
            spending_power_cents=np.rint(spending).astype(np.int64),
            price_sensitivity=sensitivity.astype(np.float32),
            visit_weight=weight / weight.sum(),
        )

    def __len__(self) -> int:
        return len(self.visit_weight)

    def draw_visitors(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Row indices of `n` visitors, drawn by visit propensity (with replacement)."""
        return rng.choice(len(self), size=n, p=self.visit_weight)

    @property
    def nbytes(self) -> int:
        return sum(column.nbytes for column in vars(self).values())
