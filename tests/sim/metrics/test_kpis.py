"""The KPI fold over a hand-built event table: every figure worked out by hand.

Two stores (S1, S2) and a warehouse (W1), two days open 10:00-22:00. Both folds are checked:
the end-of-run one (`run_summary`, `daily_kpis`) and the running one (`RunningKpis`).
"""

import datetime as dt

import pytest

from sim.business.events import (
    CaptureAsked,
    MemberRegistered,
    MembershipClosed,
    OnlineOrderPlaced,
    OnlineOrdersDue,
    PoolShareReported,
    StockCounted,
)
from sim.devices.events import DeviceRecovered, DoorCounted
from sim.engine.calendar import Calendar
from sim.engine.events import EventLog
from sim.metrics.kpis import daily_kpis, events_frame, run_summary
from sim.metrics.running import RunningKpis
from sim.processes.checkout import QueueMonitor
from sim.processes.events import (
    CheckoutBalked,
    CheckoutJoined,
    SaleCompleted,
    ServiceStarted,
    VisitStarted,
)

CAL = Calendar(dt.date(2026, 3, 2), 600, 1320, (1.0,) * 7, (1.0,) * 24)
D1 = 1440.0  # day 1 starts


def story() -> list:
    def door(t, store, count, direction):
        return DoorCounted(t, store, f"door-{store}", count, direction)

    return [
        # Day 0, S1: a party of two buys (waits 2 min), one alone balks; door counts 4 in, 2 out.
        VisitStarted(610, "S1", 1, 7, 2, "walk_in"), door(610, "S1", 3, "in"),
        VisitStarted(620, "S1", 2, 8, 1, "walk_in"), door(620, "S1", 1, "in"),
        CheckoutJoined(630, "S1", 1, 0), CheckoutBalked(640, "S1", 2, 4),
        ServiceStarted(632, "S1", 1, "L1", 2.0), door(645, "S1", 2, "out"),
        SaleCompleted(634, "S1", 1, 7, "L1", 3, 30_000, "qr"),
        CaptureAsked(634, "S1", 1, "S1-G1"), MemberRegistered(634, "S1", 1, 0, "S1-G1"),
        # Day 1, S2: one buys without waiting; a member online.
        VisitStarted(D1 + 700, "S2", 1, 9, 1, "walk_in"), door(D1 + 700, "S2", 1, "in"),
        CheckoutJoined(D1 + 710, "S2", 1, 0), ServiceStarted(D1 + 710, "S2", 1, "L1", 0.0),
        SaleCompleted(D1 + 712, "S2", 1, 9, "L1", 1, 10_000, "card"),
        OnlineOrderPlaced(D1 + 1350, "S2", 0, 5_000, 1_000, True),
        # A printer down from 21:30 to 10:30 the next morning: 30 + 30 open minutes lost.
        DeviceRecovered(D1 + 630, "S1", "printer-S1-L1", 13 * 60.0),
        # Closing reports: stock (the warehouse's left out), members, pool shares, promises.
        StockCounted(1320, "S1", 100, 3), StockCounted(1320, "S2", 50, 0),
        StockCounted(1320, "W1", 900, 0), StockCounted(D1 + 1320, "S1", 80, 20),
        StockCounted(D1 + 1320, "S2", 50, 1), StockCounted(D1 + 1320, "W1", 800, 100),
        MembershipClosed(1320, "S1", 1, 1, 0), MembershipClosed(D1 + 1320, "S1", 1, 1, 1),
        PoolShareReported(1320, "S2", 0.2), PoolShareReported(D1 + 1320, "S2", 0.4),
        OnlineOrdersDue(D1 + 1320, "S2", 4, 3),
    ]  # fmt: skip


def monitors() -> dict:
    queue = QueueMonitor()
    queue.record(630, 1)  # S1: one waits from 10:30 for two minutes
    queue.record(632, 0)
    return {"S1": queue, "S2": QueueMonitor()}


@pytest.fixture(scope="module")
def summary() -> dict:
    log = EventLog()
    for event in story():
        log.append(event)
    return run_summary(events_frame(log.to_arrow()), monitors(), CAL, 2)


def test_traffic_and_sales(summary):
    assert summary["footfall_true"] == 4  # party sizes
    assert summary["footfall_measured"] == 5  # door counts in, not out
    assert summary["transactions"] == 2 and summary["revenue"] == 40_000
    assert summary["conversion_true"] == pytest.approx(2 / 4)
    assert summary["conversion_measured"] == pytest.approx(2 / 5)
    assert summary["conversion_measurement_error"] == pytest.approx(1 / 5)
    assert summary["aov"] == 20_000 and summary["units_per_transaction"] == 2.0
    assert summary["online_orders"] == 1 and summary["online_revenue"] == 5_000
    assert summary["total_revenue"] == 45_000 and summary["online_order_share"] == 1 / 3
    assert summary["coupon_redemption_rate"] == 0.0  # a coupon used, but no push was sent


def test_checkout_figures(summary):
    assert summary["checkout_wait_mean_min"] == 1.0  # waits 2 and 0
    assert summary["checkout_abandon_rate"] == pytest.approx(1 / 3)  # 1 balked of 3 arriving
    open_min = 2 * 720 * 2  # two stores, two days of twelve hours
    assert summary["checkout_queue_len_mean"] == pytest.approx(2 / open_min)
    assert summary["checkout_arrival_rate_per_min"] == pytest.approx(2 / open_min)


def test_reports_and_devices(summary):
    assert summary["members_new"] == 1 and summary["member_capture_rate"] == 1.0
    assert summary["active_members"] == 1  # the last report, summed over stores
    assert summary["repurchase_rate"] == 1.0  # last report: one buyer, one repeat buyer
    assert summary["on_time_fulfilment_rate"] == 0.75
    assert summary["franchise_pool_share"] == pytest.approx(0.4)  # S2's last report
    # Sold 24 units over a mean stock of 90 (S1) + 50 (S2); the warehouse is not a store.
    assert summary["inventory_turnover"] == pytest.approx(24 / 140)
    assert summary["hardware_downtime_min"] == pytest.approx(60.0)  # open minutes only


def test_the_daily_table_splits_by_store_and_day():
    log = EventLog()
    for event in story():
        log.append(event)
    daily = daily_kpis(events_frame(log.to_arrow()), monitors(), CAL, 2).set_index(["store", "day"])
    assert list(daily.index) == [("S1", 0), ("S1", 1), ("S2", 0), ("S2", 1)]
    assert daily.loc[("S1", 0), "footfall_measured"] == 4
    assert daily.loc[("S1", 0), "checkout_queue_len_mean"] == pytest.approx(2 / 720)
    assert daily.loc[("S2", 1), "revenue"] == 10_000 and daily.loc[("S2", 0), "revenue"] == 0
    # The printer down from 21:30 to 10:30: half an hour of each day's opening.
    assert daily.loc[("S1", 0), "hardware_downtime_min"] == pytest.approx(30.0)
    assert daily.loc[("S1", 1), "hardware_downtime_min"] == pytest.approx(30.0)
    assert daily.loc[("S2", 1), "franchise_pool_share"] == pytest.approx(0.4)
    assert str(daily.loc[("S1", 0), "date"]) == "2026-03-02"


def test_the_running_fold_gives_the_same_figures(summary):
    log = EventLog()
    running = RunningKpis(log, CAL, ["S1", "S2"], monitors())
    for i, event in enumerate(story()):
        log.append(event)
        if i % 5 == 0:  # read in bits, as a live view would
            running.update()
    running.update()
    folded = running.summary(2 * 1440.0)
    for name, value in summary.items():
        assert folded[name] == pytest.approx(value), name


def test_downtime_over_midnights_counts_on_each_day_it_lost():
    from sim.devices.events import UplinkRestored

    log = EventLog()  # down from 20:00 on day 0 to 12:00 on day 2: open 10:00-22:00 daily
    log.append(UplinkRestored(2 * D1 + 720, "S1", 40 * 60.0))
    daily = daily_kpis(events_frame(log.to_arrow()), monitors(), CAL, 3).set_index(["store", "day"])
    assert daily.loc["S1", "uplink_down_min"].tolist() == [240.0, 1440.0, 720.0]
    assert daily.loc["S1", "hardware_downtime_min"].tolist() == [120.0, 720.0, 120.0]
    summary = run_summary(events_frame(log.to_arrow()), monitors(), CAL, 3)
    assert summary["uplink_down_min"] == 2400 and summary["hardware_downtime_min"] == 960
