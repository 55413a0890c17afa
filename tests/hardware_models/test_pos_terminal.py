"""Offline selling: caps, journal capacity, restart, reconnect, forwarded exactly once."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hardware_models.pos import (
    Duration,
    FileStorage,
    MemoryStorage,
    OfflineJournal,
    OfflinePolicy,
    PosTerminal,
    TerminalState,
    TillTiming,
)


class HeadOffice:
    """Receives sales under idempotency keys; may drop the link after some calls."""

    def __init__(self, fail_after: int | None = None) -> None:
        self.sales: dict[str, int] = {}
        self.calls = 0
        self.flagged: set[str] = set()
        self.fail_after = fail_after

    def __call__(self, sale, flagged: bool) -> None:
        self.calls += 1
        if self.fail_after is not None and self.calls > self.fail_after:
            raise ConnectionError("uplink dropped")
        self.sales.setdefault(sale.key, sale.amount_cents)  # a seen key changes nothing
        if flagged:
            self.flagged.add(sale.key)


def sell(terminal: PosTerminal, at_s: float, cents: int):
    assert terminal.start_sale()
    return terminal.complete_sale(at_s, (("TEE-001", 1, cents),), "qr")


def test_online_sales_are_forwarded_at_once_and_journal_nothing_pending():
    office = HeadOffice()
    terminal = PosTerminal("S001-L1", OfflineJournal(MemoryStorage()), office)
    outcome = sell(terminal, 10.0, 9900)
    assert outcome.status == "forwarded" and office.sales == {"S001-L1:1": 9900}
    assert not terminal.journal.pending and terminal.state is TerminalState.IDLE


def test_offline_restart_reconnect_forwards_each_sale_exactly_once(tmp_path):
    office = HeadOffice()
    storage = FileStorage(tmp_path / "journal.jsonl")
    terminal = PosTerminal("S001-L1", OfflineJournal(storage), office)
    sell(terminal, 0.0, 1000)
    terminal.link_down()
    assert terminal.state is TerminalState.OFFLINE
    amounts = [1100, 1200, 1300, 1400, 1500]
    outcomes = [sell(terminal, 60.0 * i, cents) for i, cents in enumerate(amounts, 1)]
    assert {o.status for o in outcomes} == {"journaled"} and all(o.sale.offline for o in outcomes)
    terminal.crash()
    assert terminal.start_sale() is False
    # A new process boots on the same disk: nothing lost, sequence numbers carry on.
    terminal = PosTerminal("S001-L1", OfflineJournal(FileStorage(storage.path)), office)
    terminal.link_down()
    assert len(terminal.journal.pending) == 5
    assert sell(terminal, 400.0, 1600).sale.key == "S001-L1:7"
    report = terminal.link_restored(at_s=500.0)
    assert report.forwarded == [f"S001-L1:{i}" for i in range(2, 8)] and report.remaining == 0
    assert sum(office.sales.values()) == 1000 + sum(amounts) + 1600
    assert office.calls == 7, "each sale sent exactly once"
    assert not OfflineJournal(FileStorage(storage.path)).pending


def test_link_failing_mid_forward_leaves_the_rest_pending_and_never_double_counts():
    office = HeadOffice(fail_after=2)
    terminal = PosTerminal("T", OfflineJournal(MemoryStorage()), office, online=False)
    for i in range(5):
        sell(terminal, float(i), 100 * (i + 1))
    report = terminal.link_restored(at_s=10.0)
    assert len(report.forwarded) == 2 and report.remaining == 3
    assert terminal.state is TerminalState.OFFLINE
    office.fail_after = None
    report = terminal.link_restored(at_s=20.0)
    assert report.remaining == 0
    assert sum(office.sales.values()) == 100 + 200 + 300 + 400 + 500


def test_crash_between_send_and_mark_is_absorbed_by_the_idempotent_key():
    office = HeadOffice()
    storage = MemoryStorage()
    terminal = PosTerminal("T", OfflineJournal(storage), office, online=False)
    sale = sell(terminal, 0.0, 2500).sale
    office(sale, False)  # head office got it, the terminal died before marking it
    terminal = PosTerminal("T", OfflineJournal(storage), office)
    assert terminal.forward_pending(at_s=5.0).forwarded == [sale.key]
    assert office.sales == {sale.key: 2500}


def test_offline_cap_journal_capacity_and_old_sales_flagged_not_dropped():
    office = HeadOffice()
    policy = OfflinePolicy(cap_cents=5000, max_sales=2, max_age_s=3600.0)
    terminal = PosTerminal("T", OfflineJournal(MemoryStorage()), office, policy, online=False)
    assert sell(terminal, 0.0, 6000).reason == "offline_cap"
    assert sell(terminal, 0.0, 4000).status == "journaled"
    assert sell(terminal, 7000.0, 4000).status == "journaled"
    assert sell(terminal, 7100.0, 100).reason == "journal_full"
    report = terminal.link_restored(at_s=7200.0)
    assert report.forwarded == ["T:1", "T:2"] and report.flagged == ["T:1"]
    assert office.flagged == {"T:1"}
    assert sell(terminal, 7300.0, 6000).status == "forwarded", "no cap online"


def test_torn_last_journal_line_is_ignored_and_counted(tmp_path):
    storage = FileStorage(tmp_path / "j.jsonl")
    terminal = PosTerminal("T", OfflineJournal(storage), HeadOffice(), online=False)
    sell(terminal, 0.0, 100)
    with storage.path.open("a") as f:
        f.write(json.dumps({"op": "sale"})[:9])  # power cut mid-write
    journal = OfflineJournal(storage)
    assert len(journal.pending) == 1 and storage.torn_records == 1


@given(st.lists(st.sampled_from(["sell", "down", "up", "crash"]), max_size=60))
def test_any_sequence_of_events_loses_and_duplicates_nothing(actions):
    office, storage = HeadOffice(), MemoryStorage()
    terminal = PosTerminal("T", OfflineJournal(storage), office)
    accepted, t = 0, 0.0
    for action in actions:
        t += 60.0
        if action == "sell" and terminal.start_sale():
            accepted += sell_on(terminal, t)
        elif action == "down":
            terminal.link_down()
        elif action == "up":
            terminal.link_restored(t)
        elif action == "crash":
            terminal.crash()
            terminal.restart(OfflineJournal(storage), t)
    terminal.link_restored(t + 1)
    assert sum(office.sales.values()) == accepted
    assert not terminal.journal.pending


def sell_on(terminal: PosTerminal, t: float) -> int:
    outcome = terminal.complete_sale(t, (("X", 1, 700),), "cash")
    return 700 if outcome.sale is not None else 0


def test_till_timing_laws_have_their_configured_means():
    import numpy as np

    timing = TillTiming(
        Duration(20.0, cv=0.5), {"qr": Duration(15.0, cv=1.0), "cash": Duration(45.0, cv=0.0)}
    )
    u = np.random.default_rng(3).random((20_000, 2))
    qr = [timing.seconds(3, "qr", a, b) for a, b in u]
    assert np.mean(qr) == pytest.approx(60.0 + 15.0, rel=0.02)
    assert timing.seconds(2, "cash", 0.3, 0.9) == pytest.approx(
        Duration(40.0, 0.5 / 2**0.5).quantile(0.3) + 45.0
    )
    with pytest.raises(ValueError, match="mean_s"):
        Duration(0.0)


# (starting state, action) -> state afterwards
STATE_TABLE = [
    ("idle", "start_sale", "busy"),
    ("idle", "link_down", "offline"),
    ("idle", "crash", "error"),
    ("busy", "complete_sale", "idle"),
    ("busy", "start_sale", "busy"),  # refused: one sale at a time
    ("offline", "start_sale", "busy"),
    ("offline", "link_restored", "idle"),
    ("error", "start_sale", "error"),  # refused until restarted
    ("error", "restart", "idle"),
]


@pytest.mark.parametrize(("start", "action", "after"), STATE_TABLE)
def test_terminal_state_table(start, action, after):
    storage = MemoryStorage()
    terminal = PosTerminal("T", OfflineJournal(storage), HeadOffice(), online=start != "offline")
    if start == "busy":
        terminal.start_sale()
    elif start == "error":
        terminal.crash()
    if action == "complete_sale":
        terminal.complete_sale(1.0, (("X", 1, 100),), "qr")
    elif action == "restart":
        terminal.restart(OfflineJournal(storage), 1.0)
    elif action == "link_restored":
        terminal.link_restored(1.0)
    else:
        getattr(terminal, action)()
    assert terminal.state is TerminalState(after)
