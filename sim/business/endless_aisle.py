"""Endless aisle (无限货架): what the shelves lack is ordered for her on the spot, paid and
shipped to her home from wherever the chain's shared stock has it; the store that made the
sale is the order's store (its guide's, if one helped), so the revenue-sharing rule pays it.
"""

from __future__ import annotations

from retail.inventory import OrderLine
from sim.business.events import OnlineOrderPlaced
from sim.business.membership_desk import MembershipDesk
from sim.business.online_shop import OnlineShop
from sim.business.stock_room import StockRoom
from sim.engine.events import EventLog
from sim.processes.events import EndlessAisleOrdered
from sim.world.catalog import Catalog


class AisleOrders:
    def __init__(
        self,
        log: EventLog,
        catalog: Catalog,
        shop: OnlineShop,
        members: MembershipDesk,
        stock_room: StockRoom,
    ) -> None:
        self.log, self.catalog = log, catalog
        self.shop, self.members, self.stock_room = shop, members, stock_room

    def order(
        self,
        store: str,
        visit: int,
        person: int,
        guide: str | None,
        missing: dict[int, int],
        at: float,
    ) -> str:
        """Place the online order for `missing` (catalog index -> units) at minute `at`;
        returns its key. It counts as sold once the inventory center has allocated it; what
        does not ship is a lost sale."""
        catalog, log = self.catalog, self.log
        picks = [i for i, units in missing.items() for _ in range(units)]
        lines = tuple(OrderLine(sku, n, price) for sku, n, price in catalog.sale_lines(picks))
        member = self.members.member_of.get(person)

        def allocated(key: str, value_cents: int, shipped: dict[str, int], t: float) -> None:
            log.append(OnlineOrderPlaced(t, store, -1 if member is None else member,
                                         value_cents, 0, False))  # fmt: skip
            log.append(EndlessAisleOrdered(t, store, visit, sum(shipped.values()), value_cents))
            short = {i: units - shipped.get(catalog.skus[i], 0) for i, units in missing.items()}
            self.stock_room.lost(store, visit, {i: n for i, n in short.items() if n > 0}, t)

        def cancelled(key: str, t: float) -> None:  # nothing came free in time
            self.stock_room.lost(store, visit, missing, t)

        return self.shop.place(member, person, store, lines, at, allocated, guide=guide,
                               lost=cancelled)  # fmt: skip
