"""Order center: orders of every type through one state machine, idempotent submission,
returns and refunds bounded per line, on-time fulfilment, and the revenue-sharing ledger.
Imports nothing of the simulator; time is an argument."""

from retail.orders.center import OrderCenter
from retail.orders.revenue import RevenueLedger, SharingRules
from retail.orders.types import OrderRecord, OrderSpec, OrderState, OrderType

__all__ = [
    "OrderCenter",
    "OrderRecord",
    "OrderSpec",
    "OrderState",
    "OrderType",
    "RevenueLedger",
    "SharingRules",
]
