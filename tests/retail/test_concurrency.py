"""Every module is safe under concurrent calls (tills, web servers, the twin's threads).

Each test starts many threads together on one module object (a `Barrier`), many rounds, with
the interpreter switching threads every microsecond so that a missing lock shows within a few
rounds; an unlocked module failed these in 7 to 25 rounds of 100."""

from __future__ import annotations

import datetime as dt
import functools
import sys
import threading
from collections.abc import Callable

import numpy as np
import pytest

from retail.errors import OutOfStock
from retail.inventory import InventoryCenter, Location, LocationKind
from retail.inventory.reservations import Outcome
from retail.marketing import ContactPolicy, MarketingCenter, MessageChannel
from retail.membership import Membership
from retail.orders import RevenueLedger

SECRET = "test-secret-of-enough-length"
T0 = dt.datetime(2026, 3, 2, 12, 0)
THREADS = 16
ROUNDS = 100


@pytest.fixture(autouse=True)
def eager_thread_switching():
    """Switch threads every microsecond (default 5 ms), so races show in few rounds."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(interval)


def together(work: Callable[[int], object], threads: int = THREADS) -> list[object]:
    """Run work(0..threads-1) on threads released at once; their results, errors re-raised."""
    barrier = threading.Barrier(threads)
    results: list[object] = [None] * threads
    errors: list[BaseException] = []

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except BaseException as error:
            errors.append(error)

    pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    if errors:
        raise errors[0]
    return results


def repeat(make: Callable[[], object], work: Callable, check: Callable, rounds: int = ROUNDS):
    """`rounds` times: a fresh module from `make()`, `work(module, i)` on every thread at
    once, then `check(module, results)`."""
    for _ in range(rounds):
        module = make()
        check(module, together(functools.partial(work, module)))


def _membership() -> Membership:
    return Membership(secret=SECRET)


def _one_member(membership: Membership, ids: list[int]) -> None:
    assert len(set(ids)) == 1
    assert membership.state.members.size == 1


def _one_sent(_, refusals: list) -> None:
    assert sum(not refusal for refusal in refusals) == 1


def test_one_number_registered_from_sixteen_tills_is_one_member():
    repeat(_membership, lambda m, i: m.register("13812345678", T0, f"S{i}"), _one_member)


def test_single_and_batch_registration_of_one_number_agree_under_threads():
    def work(membership: Membership, i: int) -> int:
        if i % 2:
            return membership.register("138 1234 5678", T0, "S1")
        at = np.array([T0], "datetime64[s]")
        return int(membership.register_many(["13812345678"], at, ["S1"], [None], [0])[0])

    repeat(_membership, work, _one_member)


def test_concurrent_purchases_are_all_booked():
    at = np.array([T0] * 3, "datetime64[s]")

    def make() -> Membership:
        membership = _membership()
        membership.register("13812345678", T0, "S1")
        return membership

    def work(membership: Membership, i: int) -> None:
        for _ in range(4):
            if i % 2:
                membership.record_purchase(0, T0, "S1", 100)
            else:
                membership.record_purchases(np.zeros(3, np.int64), at, np.zeros(3, np.int32),
                                            np.full(3, 100))  # fmt: skip

    def check(membership: Membership, _) -> None:
        expected = THREADS // 2 * 4 * (1 + 3)
        booked = membership.purchases_frame()
        assert len(booked) == expected
        assert int(booked["amount"].sum()) == 100 * expected

    repeat(make, work, check)


def test_sixteen_sms_to_one_member_send_one_against_a_daily_cap_of_one():
    repeat(MarketingCenter, lambda c, i: c.send(7, MessageChannel.SMS, T0), _one_sent)


def test_policy_single_and_batch_sends_share_the_cap():
    members = np.arange(4)

    def work(center: MarketingCenter, i: int) -> list[bool]:
        if i % 2:
            return [not center.policy.send(int(m), MessageChannel.SMS, T0) for m in members]
        return [not center.policy.send_many(np.array([m]), MessageChannel.SMS, T0)[0]
                for m in members]  # fmt: skip

    def check(_, sent: list[list[bool]]) -> None:
        assert np.sum(sent, axis=0).tolist() == [1] * len(members)

    repeat(MarketingCenter, work, check)


def test_a_standalone_contact_policy_keeps_its_caps_under_threads():
    repeat(ContactPolicy, lambda p, i: p.send(3, MessageChannel.SMS, T0), _one_sent)


def test_one_sale_posted_from_sixteen_threads_is_posted_once():
    orders = [f"o{k}" for k in range(5)]

    def work(ledger: RevenueLedger, i: int) -> None:
        for order in orders:
            ledger.post_sale(order, 10_000, T0, "S1", "S2", "g1")

    def check(ledger: RevenueLedger, _) -> None:
        assert len(ledger.frame()) == 4 * len(orders)  # origin, fulfil, guide, hq: once each
        assert ledger.unbalanced() == []

    repeat(RevenueLedger, work, check)


def test_one_refund_posted_from_sixteen_threads_is_posted_once():
    def make() -> RevenueLedger:
        ledger = RevenueLedger()
        ledger.post_sale("o1", 10_000, T0, "S1", "S2", "g1")
        return ledger

    def check(ledger: RevenueLedger, _) -> None:
        assert int(ledger.frame()["cents"].sum()) == 6_000

    repeat(make, lambda ledger, i: ledger.post_refund("o1", "r1", 4_000, T0), check)


def test_the_last_units_are_reserved_once_by_single_and_batch_calls():
    def make() -> InventoryCenter:
        center = InventoryCenter([Location("S1", LocationKind.DIRECT_STORE, 31.2, 121.4)])
        center.receive("tee", "S1", 5, T0)
        return center

    def work(center: InventoryCenter, i: int) -> int:
        if i % 2:
            try:
                center.reserve(f"k{i}", [("tee", "S1", 1)], T0)
                return 1
            except OutOfStock:
                return 0
        return int(center.reserve_many([f"k{i}"], ["tee"], ["S1"], [1], T0)[0] == Outcome.DONE)

    def check(center: InventoryCenter, held: list[int]) -> None:
        assert sum(held) == 5
        assert center.position("tee", "S1").available == 0
        assert center.conservation()["balanced"].all()

    repeat(make, work, check, ROUNDS // 4)
