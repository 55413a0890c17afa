"""Store-to-store transfers (调货) at closing: the inventory center proposes moves from
stores piling a SKU up to stores running out of it, at the stores' expected daily sales; each
proposal is carried out as a transfer order in the order center (both legs or neither),
picked and shipped tonight and delivered when the day its lead time reaches opens.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator

import numpy as np
import pandas as pd
import simpy

from retail.inventory import OrderLine, TransferRules
from retail.orders import OrderSpec, OrderType
from retail.ports import InventoryPort, OrderPort
from sim.business.events import TransferArrived, TransferShipped
from sim.engine.calendar import Calendar
from sim.engine.events import EventLog


class StoreTransfers:
    def __init__(
        self,
        env: simpy.Environment,
        log: EventLog,
        calendar: Calendar,
        inventory: InventoryPort,
        orders: OrderPort,
        rules: TransferRules | None = None,
    ) -> None:
        self.env, self.log, self.calendar = env, log, calendar
        self.inventory, self.orders = inventory, orders
        self.rules = rules or TransferRules()
        self.shipped = 0

    def rebalance(
        self,
        day: int,
        stores: list[str],
        skus: list[str],
        daily: np.ndarray,
        arrived: Callable[[str, str, int], None],
    ) -> list[tuple[str, str, int]]:
        """Propose and ship tonight's transfers at `daily` (stores x skus, units a day);
        returns (destination, sku, units) shipped. `arrived(destination, sku, units)` is
        called as each reaches its shelf."""
        index = pd.MultiIndex.from_product([skus, stores], names=["sku", "location"])
        rates = pd.Series(np.asarray(daily, float).T.ravel(), index=index)
        at = self.calendar.datetime_at(self.env.now)
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
                    self.env.now,
                    proposal.destination,
                    proposal.source,
                    proposal.sku,
                    proposal.quantity,
                    proposal.cost_cents,
                )
            )
            self.env.process(self._deliver(key, proposal.destination, proposal.sku,
                                           proposal.quantity, due_day, arrived))  # fmt: skip
            shipped.append((proposal.destination, proposal.sku, proposal.quantity))
        return shipped

    def _deliver(
        self, key: str, store: str, sku: str, units: int, due_day: int, arrived
    ) -> Generator[simpy.Event, None, None]:
        opens = self.calendar.opening(due_day)[0]
        yield self.env.timeout(max(opens - self.env.now, 0.0))
        at = self.calendar.datetime_at(self.env.now)
        self.orders.deliver(key, at)
        self.orders.complete(key, at)
        arrived(store, sku, units)
        self.log.append(TransferArrived(self.env.now, store, sku, units))
