"""The assortment a store sells, as arrays (prices in integer cents)."""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.config.schema import CatalogItem


@dataclass(frozen=True)
class Catalog:
    skus: tuple[str, ...]
    categories: tuple[str, ...]
    price_cents: np.ndarray  # int64

    @classmethod
    def from_config(cls, items: Sequence[CatalogItem]) -> Catalog:
        return cls(
            skus=tuple(item.sku for item in items),
            categories=tuple(item.category for item in items),
            price_cents=np.array([item.price_cents for item in items], dtype=np.int64),
        )

    def __len__(self) -> int:
        return len(self.skus)

    @property
    def category_names(self) -> tuple[str, ...]:
        """Distinct categories in order of first appearance."""
        return tuple(dict.fromkeys(self.categories))

    def choice_cdf(self, budget_cents: int, price_sensitivity: float) -> list[float]:
        """Cumulative choice weights over items (last = 1): a price-sensitive shopper shies
        away from items dear for her budget. Plain Python: a catalog is a few dozen items
        and this runs once per buyer."""
        scale = price_sensitivity * 3.0 / max(budget_cents, 1)
        half = 0.5 * max(budget_cents, 1)
        weights = [math.exp(-scale * max(price - half, 0)) for price in self._price_tuple]
        cdf = list(itertools.accumulate(weights))
        total = cdf[-1]
        return [w / total for w in cdf]

    def pick(self, cdf: Sequence[float], u: float) -> int:
        """The item a uniform `u` chooses from `choice_cdf` weights."""
        return min(bisect.bisect_right(cdf, u), len(self.skus) - 1)

    def sale_lines(self, picks: Sequence[int]) -> tuple[tuple[str, int, int], ...]:
        """The picked items as till lines (sku, quantity, unit price in cents), in sku order."""
        counts: dict[int, int] = {}
        for i in picks:
            counts[i] = counts.get(i, 0) + 1
        return tuple((self.skus[i], n, self._price_tuple[i]) for i, n in sorted(counts.items()))

    @property
    def prices(self) -> tuple[int, ...]:
        return self._price_tuple

    def __post_init__(self) -> None:
        object.__setattr__(self, "_price_tuple", tuple(self.price_cents.tolist()))
