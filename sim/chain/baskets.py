"""What a buyer takes: items chosen as `Catalog.choice_cdf` and `Catalog.pick` choose them,
for many buyers at once."""

from __future__ import annotations

import numpy as np

from retail.orders.columns import OrderLines


def choose_items(world, budget_cents: np.ndarray, price_sensitivity: np.ndarray,
                 counts: np.ndarray, u: np.ndarray) -> np.ndarray:  # fmt: skip
    """Catalog indices, (buyers, u.shape[1]), -1 beyond each buyer's `counts`: item k of a
    buyer is her uniform `u[:, k]` on her choice cdf (dear items for her budget shied from
    as she is price-sensitive)."""
    items = np.full(u.shape, -1, np.int64)
    if not len(counts):
        return items
    budget = np.maximum(np.asarray(budget_cents).astype(np.int64), 1).astype(float)
    scale = np.asarray(price_sensitivity, float) * 3.0 / budget
    prices = world.catalog.price_cents.astype(float)
    weights = np.exp(-scale[:, None] * np.maximum(prices[None, :] - 0.5 * budget[:, None], 0))
    cdf = np.cumsum(weights, axis=1)
    cdf /= cdf[:, -1:]
    last = len(prices) - 1
    for k in range(u.shape[1]):
        has = np.flatnonzero(counts > k)  # only buyers of k items or more
        if not len(has):
            break
        pick = (cdf[has] <= u[has, k, None]).sum(axis=1)
        items[has, k] = np.minimum(pick, last)
    return items


def order_lines(catalog, items: np.ndarray) -> tuple[OrderLines, np.ndarray]:
    """Order lines (an SKU once per order, its units summed) and each order's amount."""
    rows, slots = np.nonzero(items >= 0)
    cell = rows * len(catalog) + items[rows, slots]
    cells, quantity = np.unique(cell, return_counts=True)
    order, sku = np.divmod(cells, len(catalog))
    price = catalog.price_cents[sku]
    amount = np.bincount(order, weights=price * quantity, minlength=len(items)).astype(np.int64)
    skus = np.asarray(catalog.skus, dtype=object)[sku]
    return OrderLines(order, skus, quantity.astype(np.int64), price.astype(np.int64)), amount
