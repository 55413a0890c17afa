"""Endless aisle (无限货架): what the shelves lack is ordered for her on the spot, paid and
shipped to her home from wherever the chain's shared stock has it; the store that made the
sale is the order's store (its guide's, if one helped), so the revenue-sharing rule pays it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from retail.inventory import OrderLine
from sim.agents.shopper import Shopper
from sim.business.events import OnlineOrderPlaced
from sim.processes.events import EndlessAisleOrdered

if TYPE_CHECKING:
    from sim.world.store import StoreRuntime


def order_elsewhere(store: StoreRuntime, shopper: Shopper, missing: dict[int, int]) -> str:
    """Place the online order for `missing` (catalog index -> units); returns its key. It
    counts as sold once the inventory center has allocated it."""
    catalog, env, log = store.catalog, store.env, store.log
    picks = [i for i, units in missing.items() for _ in range(units)]
    lines = tuple(OrderLine(sku, n, price) for sku, n, price in catalog.sale_lines(picks))
    member = store.membership_desk.member_of.get(shopper.customer)
    guide = shopper.guide.code if shopper.guide is not None else None
    visit = shopper.visit

    def allocated(key: str, value_cents: int, shipped: dict[str, int], at: dt.datetime) -> None:
        log.append(OnlineOrderPlaced(env.now, store.id, -1 if member is None else member,
                                     value_cents, 0, False))  # fmt: skip
        log.append(EndlessAisleOrdered(env.now, store.id, visit, sum(shipped.values()),
                                       value_cents))  # fmt: skip
        short = {i: units - shipped.get(catalog.skus[i], 0) for i, units in missing.items()}
        store.stock_room.lost(store.id, visit, {i: n for i, n in short.items() if n > 0})

    def cancelled(key: str, at: dt.datetime) -> None:  # nothing came free in time
        store.stock_room.lost(store.id, visit, missing)

    at = store.calendar.datetime_at(env.now)
    return store.model.shop.place(member, shopper.customer, store.id, lines, at, allocated,
                                  guide=guide, lost=cancelled)  # fmt: skip
