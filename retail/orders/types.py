"""Order vocabulary: types, states, the legal transitions of each type, and the order record."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field

from retail import checks
from retail.clock import checked_time
from retail.errors import InvalidInput
from retail.inventory.allocation import Order, OrderLine, checked


class OrderType(enum.StrEnum):
    STORE_SALE = "store_sale"  # paid and handed over at a till
    STORE_RETURN = "store_return"  # goods back to a store, money back to the customer
    ONLINE = "online"  # B2C: shipped from a DC or a store, or picked up in a store
    PURCHASE = "purchase"  # a store orders from the DC
    PURCHASE_RETURN = "purchase_return"  # a store sends goods back to the DC
    TRANSFER = "transfer"  # one location sends stock to another


class OrderState(enum.StrEnum):
    CREATED = "created"
    PAID = "paid"
    ALLOCATED = "allocated"
    PICKED = "picked"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    PICKED_UP = "picked_up"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    RETURNED = "returned"  # every sold unit came back


S = OrderState
# action -> (states it may start from, state it leads to), per order type. Anything not listed
# is refused; returns are not here because they are partial (see OrderCenter.return_lines).
TRANSITIONS: dict[OrderType, dict[str, tuple[frozenset[OrderState], OrderState]]] = {
    OrderType.ONLINE: {
        "pay": (frozenset({S.CREATED}), S.PAID),
        "allocate": (frozenset({S.PAID}), S.ALLOCATED),
        "pick": (frozenset({S.ALLOCATED}), S.PICKED),
        "ship": (frozenset({S.PICKED}), S.SHIPPED),
        "deliver": (frozenset({S.SHIPPED}), S.DELIVERED),
        "pick_up": (frozenset({S.PICKED}), S.PICKED_UP),
        "complete": (frozenset({S.DELIVERED, S.PICKED_UP}), S.COMPLETED),
        "cancel": (frozenset({S.CREATED, S.PAID, S.ALLOCATED, S.PICKED}), S.CANCELLED),
    },
    OrderType.STORE_SALE: {
        "pay": (frozenset({S.CREATED}), S.PAID),
        "complete": (frozenset({S.PAID}), S.COMPLETED),
        "cancel": (frozenset({S.CREATED, S.PAID}), S.CANCELLED),
    },
    OrderType.STORE_RETURN: {
        "complete": (frozenset({S.CREATED}), S.COMPLETED),
        "cancel": (frozenset({S.CREATED}), S.CANCELLED),
    },
    OrderType.TRANSFER: {
        "pick": (frozenset({S.CREATED}), S.PICKED),
        "ship": (frozenset({S.PICKED}), S.SHIPPED),
        "deliver": (frozenset({S.SHIPPED}), S.DELIVERED),
        "complete": (frozenset({S.DELIVERED}), S.COMPLETED),
        "cancel": (frozenset({S.CREATED, S.PICKED}), S.CANCELLED),
    },
}
# Goods between the DC and a store move like a transfer.
TRANSITIONS[OrderType.PURCHASE] = TRANSITIONS[OrderType.TRANSFER]
TRANSITIONS[OrderType.PURCHASE_RETURN] = TRANSITIONS[OrderType.TRANSFER]

# States in which the customer holds the goods, so lines may be returned.
RETURNABLE = frozenset({S.DELIVERED, S.PICKED_UP, S.COMPLETED})
# Orders that move goods between two locations of the chain.
MOVES_GOODS = (OrderType.TRANSFER, OrderType.PURCHASE, OrderType.PURCHASE_RETURN)


@dataclass(frozen=True)
class OrderSpec:
    """What is submitted under an idempotency key; the same key must always carry the same
    spec. `store`: the originating store (whose follower or guide brought the order, or the
    till's store); `source`/`destination`: the two locations of a transfer or purchase order;
    `lat`/`lon`: where an online order is delivered; `hold`: the reservation that held a store
    sale's basket (completing the sale commits it rather than selling the units again)."""

    type: OrderType
    lines: tuple[OrderLine, ...]
    store: str
    guide: str | None = None
    member: int | None = None
    promised: dt.datetime | None = None
    pickup_store: str | None = None
    source: str | None = None
    destination: str | None = None
    lat: float | None = None
    lon: float | None = None
    origin_order: str | None = None  # the sale a return belongs to
    hold: str | None = None  # a store sale's basket, held in the inventory center at the till

    @property
    def amount_cents(self) -> int:
        return sum(line.quantity * line.unit_price_cents for line in self.lines)


@dataclass(slots=True)
class OrderRecord:
    """An order as it is now. Per line: units handed to the customer (`sold`), units back
    (`returned`), money received (`paid`) and money given back (`refunded`), in cents."""

    key: str
    spec: OrderSpec
    created: dt.datetime
    state: OrderState = S.CREATED
    history: list[tuple[OrderState, dt.datetime]] = field(default_factory=list)
    sold: list[int] = field(default_factory=list)
    returned: list[int] = field(default_factory=list)
    paid: list[int] = field(default_factory=list)
    refunded: list[int] = field(default_factory=list)
    shipments: tuple[tuple[str, tuple[tuple[str, int], ...], str], ...] = ()  # where, lines, hold
    backordered: tuple[tuple[str, int], ...] = ()
    fulfilled_at: dt.datetime | None = None
    returns: tuple[str, ...] = ()  # keys of the return orders

    @property
    def type(self) -> OrderType:
        return self.spec.type

    @property
    def on_time(self) -> bool | None:
        """Fulfilled by the promised time; None without a promise or before fulfilment."""
        if self.spec.promised is None or self.fulfilled_at is None:
            return None
        return self.fulfilled_at <= self.spec.promised


def check_spec(key: str, spec: OrderSpec) -> None:
    """InvalidInput naming the first bad field of the spec (an order of `key`)."""
    if not isinstance(spec, OrderSpec):
        raise InvalidInput("spec", f"must be an OrderSpec, got {type(spec).__name__}")
    where = f"order {key!r}"
    checks.option(spec.type, OrderType, f"{where}.type")
    checks.key(spec.store, f"{where}.store")
    for name in ("guide", "origin_order", "hold"):
        checks.optional_key(getattr(spec, name), f"{where}.{name}")
    if spec.member is not None:
        checks.member_id(spec.member, f"{where}.member")
    if spec.promised is not None:
        checked_time(spec.promised, f"{where}.promised")
    lat, lon = (0.0, 0.0) if spec.lat is None and spec.lon is None else (spec.lat, spec.lon)
    checked(Order(key, spec.lines, lat, lon, spec.pickup_store))  # lines, amount, place
    if spec.type is OrderType.ONLINE and spec.pickup_store is None and spec.lat is None:
        raise InvalidInput(
            f"order {key!r}.lat/lon", "an online order needs a delivery address or a pickup store"
        )
    if spec.hold is not None and spec.type is not OrderType.STORE_SALE:
        raise InvalidInput(f"order {key!r}.hold", "only a store sale settles a basket hold")
    if spec.type in MOVES_GOODS:
        for name in ("source", "destination"):
            if getattr(spec, name) is None:
                raise InvalidInput(f"order {key!r}.{name}", f"a {spec.type.value} order needs one")
            checks.key(getattr(spec, name), f"order {key!r}.{name}")
        if spec.source == spec.destination:
            raise InvalidInput(f"order {key!r}.destination", "must differ from the source")
