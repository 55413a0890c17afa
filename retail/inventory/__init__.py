"""Inventory center: one stock pool across direct stores, franchise stores and warehouses;
channel sharing; reservations; source selection for online orders. Imports nothing of the
simulator; time is an argument."""

from retail.inventory.allocation import Allocation, Candidate, Order, OrderLine, Shipment
from retail.inventory.center import InventoryCenter
from retail.inventory.geo import great_circle_km
from retail.inventory.many import LocationTotals, Positions, ReviewResult
from retail.inventory.sourcing import SourcingRules, Strategy
from retail.inventory.transfers import TransferProposal, TransferRules
from retail.inventory.types import (
    HoldState,
    Location,
    LocationKind,
    Reservation,
    SalesChannel,
    StockPosition,
)

__all__ = [
    "Allocation",
    "Candidate",
    "HoldState",
    "InventoryCenter",
    "Location",
    "LocationKind",
    "LocationTotals",
    "Order",
    "OrderLine",
    "Positions",
    "Reservation",
    "ReviewResult",
    "SalesChannel",
    "Shipment",
    "SourcingRules",
    "StockPosition",
    "Strategy",
    "TransferProposal",
    "TransferRules",
    "great_circle_km",
]
