"""Store-to-store transfers at closing: the center's proposals become transfer orders in the
order center, shipped tonight and on the receiving shelf when their due day opens."""

import datetime as dt

import numpy as np

from retail.inventory import InventoryCenter, Location, LocationKind, TransferRules
from retail.orders.center import OrderCenter
from sim.business.transfers import StoreTransfers
from sim.engine.calendar import Calendar
from sim.engine.events import EventLog

START = dt.date(2026, 5, 4)
LOCATIONS = [
    Location("A", LocationKind.DIRECT_STORE, 31.23, 121.47),
    Location("B", LocationKind.DIRECT_STORE, 31.20, 121.44),
]


def test_a_store_running_out_is_filled_from_one_piling_up_by_a_transfer_order():
    log = EventLog()  # no SimPy: the transfers are day jobs, called with their times
    calendar = Calendar(START, 600, 1320, (1.0,) * 7, (1.0,) * 24)
    inventory = InventoryCenter(LOCATIONS)
    inventory.receive_many(["tee", "tee"], ["A", "B"], [4, 60], calendar.datetime_at(0.0))
    orders = OrderCenter(inventory)
    transfers = StoreTransfers(log, calendar, inventory, orders, TransferRules())
    arrived = []
    rates = np.array([[5.0], [1.0]])
    shipped = transfers.rebalance(0, calendar.closing(0), ["A", "B"], ["tee"], rates,
                                  lambda *a: arrived.append(a))  # fmt: skip
    assert shipped == [("A", "tee", 46)]  # A to 10 days of cover at 5 a day
    assert inventory.position("tee", "A").in_transit == 46
    assert orders.order("transfer-000001").state.value == "shipped"
    transfers.open_day(1, calendar.opening(1)[0])
    assert arrived == []  # a day of handling and the drive: not by the next morning
    transfers.open_day(2, calendar.opening(2)[0])  # the day after opens: on the shelf
    assert arrived == [("A", "tee", 46)]
    assert inventory.position("tee", "A").on_hand == 50
    assert orders.order("transfer-000001").state.value == "completed"
    assert [type(e).__name__ for e in log] == ["TransferShipped", "TransferArrived"]
    assert inventory.conservation()["balanced"].all()
