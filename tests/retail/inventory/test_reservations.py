"""Reservations, movements and their errors; many threads reserving the last units."""

import datetime as dt
import threading

import pytest

from retail.errors import Conflict, IllegalTransition, InvalidInput, NotFound, OutOfStock
from retail.inventory import HoldState, InventoryCenter, Location, LocationKind, SalesChannel

T = dt.datetime(2026, 5, 1, 10)
MIN = dt.timedelta(minutes=1)


def center(units: int = 5) -> InventoryCenter:
    c = InventoryCenter(
        [
            Location("S1", LocationKind.DIRECT_STORE, 31.2, 121.4),
            Location("S2", LocationKind.DIRECT_STORE, 31.3, 121.5),
        ],
        reservation_ttl=30 * MIN,
    )
    c.receive("tee", "S1", units, T)
    c.receive("cap", "S1", 1, T)
    return c


def test_reserve_is_idempotent_under_its_key():
    c = center()
    first = c.reserve("r1", [("tee", "S1", 2)], T)
    assert c.reserve("r1", [("tee", "S1", 2)], T + MIN) == first
    assert c.position("tee", "S1").reserved == 2
    with pytest.raises(Conflict, match="r1"):
        c.reserve("r1", [("tee", "S1", 3)], T)


def test_commit_and_release_are_idempotent_and_refuse_each_other():
    c = center()
    c.reserve("r1", [("tee", "S1", 2)], T)
    c.commit("r1", T + MIN)
    c.commit("r1", T + 2 * MIN)
    assert c.position("tee", "S1") == (3, 0, 3, 0)
    with pytest.raises(IllegalTransition, match="cannot release while committed"):
        c.release("r1", T)
    c.reserve("r2", [("tee", "S1", 1)], T)
    c.release("r2", T)
    c.release("r2", T)
    with pytest.raises(IllegalTransition, match="cannot commit while released"):
        c.commit("r2", T)
    assert c.conservation().loc["tee", "sold"] == 2


def test_a_reservation_expires_after_its_time_to_live():
    c = center()
    c.reserve("r1", [("tee", "S1", 5)], T)
    assert c.expire(T + 29 * MIN) == []
    with pytest.raises(OutOfStock):
        c.sell("tee", "S1", 1, T + 29 * MIN)
    with pytest.raises(IllegalTransition, match="cannot commit while expired"):
        c.commit("r1", T + 31 * MIN)  # too late: expired on the way
    assert c.reservation("r1").state is HoldState.EXPIRED
    assert c.reservation("r1").closed == T + 30 * MIN
    c.sell("tee", "S1", 5, T + 31 * MIN)


def test_a_reservation_holds_all_its_lines_or_none():
    c = center()
    with pytest.raises(OutOfStock, match="'cap' at 'S1': wanted 2, available 1"):
        c.reserve("r1", [("tee", "S1", 2), ("cap", "S1", 2)], T)
    assert c.position("tee", "S1").reserved == 0
    with pytest.raises(InvalidInput, match="appears twice"):  # 3 + 3 must not pass as 3
        c.reserve("r2", [("tee", "S1", 3), ("tee", "S1", 3)], T)
    assert c.reserved_from_log() == {}


def test_stock_never_goes_below_zero_and_errors_name_what_is_wrong():
    c = center(2)
    c.reserve("r1", [("tee", "S1", 1)], T)
    with pytest.raises(OutOfStock, match="wanted 2, available 1"):
        c.sell("tee", "S1", 2, T)
    with pytest.raises(OutOfStock):  # reserved units cannot shrink
        c.record_shrink("tee", "S1", 2, T)
    with pytest.raises(InvalidInput, match="quantity: must be positive"):
        c.sell("tee", "S1", 0, T)
    with pytest.raises(InvalidInput, match=r"lines\[0\].quantity: must be a whole number"):
        c.reserve("r2", [("tee", "S1", 1.5)], T)
    with pytest.raises(InvalidInput, match="returned"):
        c.return_sale("tee", "S1", 1, T)
    with pytest.raises(NotFound, match="location 'S9'"):
        c.sell("tee", "S9", 1, T)
    with pytest.raises(NotFound, match="sku 'hat'"):
        c.reserve("r3", [("hat", "S1", 1)], T)
    assert c.position("tee", "S1") == (2, 1, 1, 0)


def test_movements_keep_every_unit_accounted_for():
    c = center(10)
    c.sell("tee", "S1", 3, T)
    c.return_sale("tee", "S1", 1, T)
    c.record_shrink("tee", "S1", 1, T)
    c.dispatch("tee", "S1", "S2", 4, T)
    assert c.position("tee", "S2") == (0, 0, 0, 4)
    c.arrive("tee", "S2", 3, T + 60 * MIN)
    row = c.conservation().loc["tee"]
    assert (row.received, row.sold, row.on_hand, row.in_transit, row.shrink) == (10, 2, 6, 1, 1)
    assert row.balanced
    with pytest.raises(InvalidInput, match="2 arriving, 1 in transit"):
        c.arrive("tee", "S2", 2, T)


def test_many_threads_reserving_the_last_units_sell_exactly_the_stock():
    units, threads, attempts = 50, 8, 20
    c = center(units)
    sold = []
    refused = []
    start = threading.Barrier(threads)

    def shopper(who: int) -> None:
        start.wait()
        for i in range(attempts):
            key = f"t{who}-{i}"
            try:
                c.reserve(key, [("tee", "S1", 1)], T)
            except OutOfStock:
                refused.append(key)
                continue
            c.commit(key, T)
            sold.append(key)

    workers = [threading.Thread(target=shopper, args=(w,)) for w in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert len(sold) == units
    assert len(refused) == threads * attempts - units
    assert c.position("tee", "S1") == (0, 0, 0, 0)
    assert bool(c.conservation().loc["tee", "balanced"])


def test_channels_reserve_within_their_share():
    c = InventoryCenter([Location("F1", LocationKind.FRANCHISE_STORE, 31.0, 121.0,
                                  shares={SalesChannel.ONLINE: 0.3})])  # fmt: skip
    c.receive("tee", "F1", 10, T)
    c.reserve("o1", [("tee", "F1", 3)], T, channel=SalesChannel.ONLINE)
    with pytest.raises(OutOfStock):
        c.reserve("o2", [("tee", "F1", 1)], T, channel=SalesChannel.ONLINE)
    c.sell("tee", "F1", 7, T)  # the store's own tills sell the rest
    assert c.available("tee", "F1") == 0
