"""The assortment a store sells, as arrays (prices in integer cents)."""

from __future__ import annotations

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

    def affordable_weights(self, budget_cents: int, price_sensitivity: float) -> np.ndarray:
        """Choice weights over items: a price-sensitive shopper shies away from items above
        her budget."""
        ratio = self.price_cents / max(budget_cents, 1)
        weights = np.exp(-price_sensitivity * 3.0 * np.maximum(ratio - 0.5, 0.0))
        return weights / weights.sum()
