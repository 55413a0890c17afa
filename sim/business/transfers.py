"""Store-to-store transfers (调货) at closing: the inventory center proposes moves from
stores piling a SKU up to stores running out of it, at the stores' expected daily sales; each
proposal is carried out as a transfer order in the order center (both legs or neither),
picked and shipped tonight and delivered when the day its lead time reaches opens (the day
job `open_day`).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from retail.inventory import OrderLine, TransferRules
from retail.orders import OrderSpec, OrderType
from retail.ports import InventoryPort, OrderPort
from sim.business.events import TransferArrived, TransferShipped
from sim.engine.calendar import Calendar
from sim.engine.events import EventLog

# (destination, sku, units): a transfer reached its shelf.
Arrived = Callable[[str, str, int], None]


class StoreTransfers:
    def __init__(
        self,
        log: EventLog,
        calendar: Calendar,
        inventory: InventoryPort,
        orders: OrderPort,
        rules: TransferRules | None = None,
    ) -> None:
        self.log, self.calendar = log, calendar
        self.inventory, self.orders = inventory, orders
        self.rules = rules or TransferRules()
        self.shipped = 0
        # On the road, by the day they arrive: (order key, destination, sku, units, told).
        self._arriving: dict[int, list[tuple[str, str, str, int, Arrived]]] = {}

    def rebalance(
        self,
        day: int,
        t: float,
        stores: list[str],
        skus: list[str],
        daily: np.ndarray,
        arrived: Arrived,
    ) -> list[tuple[str, str, int]]:
        """Propose and ship tonight's (minute `t`) transfers at `daily` (stores x skus, units
        a day); returns (destination, sku, units) shipped. `arrived(destination, sku, units)`
        is called as each reaches its shelf."""
        index = pd.MultiIndex.from_product([skus, stores], names=["sku", "location"])
        rates = pd.Series(np.asarray(daily, float).T.ravel(), index=index)
        at = self.calendar.datetime_at(t)
        shipped = []
        for proposal in self.inventory.propose_transfers(rates, self.rules):
            self.shipped += 1
            key = f"transfer-{self.shipped:06d}"
            due_day = day + max(1, math.ceil(proposal.lead_days))
            spec = OrderSpec(
                OrderType.TRANSFER,
                (OrderLine(proposal.sku, proposal.quantity, 0),),
                proposal.destination,
                source=proposal.source,
                destination=proposal.destination,
                promised=self.calendar.datetime_at(self.calendar.opening(due_day)[0]),
            )
            self.orders.submit(key, spec, at)
            self.orders.pick(key, at)
            self.orders.ship(key, at)
            self.log.append(
                TransferShipped(
                    t,
                    proposal.destination,
                    proposal.source,
                    proposal.sku,
                    proposal.quantity,
                    proposal.cost_cents,
                )
            )
            self._arriving.setdefault(due_day, []).append(
                (key, proposal.destination, proposal.sku, proposal.quantity, arrived)
            )
            shipped.append((proposal.destination, proposal.sku, proposal.quantity))
        return shipped

    def open_day(self, day: int, at: float) -> None:
        """Transfers due today are delivered as the day opens."""
        when = self.calendar.datetime_at(at)
        for key, store, sku, units, arrived in self._arriving.pop(day, []):
            self.orders.deliver(key, when)
            self.orders.complete(key, when)
            arrived(store, sku, units)
            self.log.append(TransferArrived(at, store, sku, units))
