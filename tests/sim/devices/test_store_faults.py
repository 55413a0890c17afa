"""Devices in a running store: faults are events, every sale reaches head office once."""

from collections import Counter

import pytest

from sim.config.load import ConfigErrors, compose_config, validate
from sim.experiment.run import simulate
from sim.metrics.kpis import events_frame, run_summary
from sim.model import TwinModel

BASE = ["chain=single_store", "days=2", "population.size=3000", "seed=21"]
FAULTS = (
    "hardware.faults.scheduled=["
    "{day: 1, at: '12:00', device: printer-S001-L1, kind: paper_empty},"
    "{day: 1, at: '14:00', device: uplink-S001, kind: outage, minutes: 120},"
    "{day: 2, at: '15:00', device: terminal-S001-L2, kind: crash, minutes: 30}]"
)


@pytest.fixture(scope="module")
def faulty():
    return simulate(validate(compose_config([*BASE, FAULTS])))


def kinds(model) -> Counter:
    return Counter(type(e).__name__ for e in model.log)


def of(model, kind: str) -> list:
    return [e for e in model.log if type(e).__name__ == kind]


def test_paper_out_is_fixed_by_the_cashier_and_the_receipt_reprinted_once(faulty):
    (fix,) = [e for e in of(faulty, "DeviceFixed") if e.fault == "paper_empty"]
    assert fix.device == "printer-S001-L1" and fix.staff == "S001-cashier-L1"
    assert fix.t > 12 * 60
    assert sum(e.count for e in of(faulty, "ReceiptsReprinted")) == 1
    statuses = [e.status for e in of(faulty, "DeviceStatusChanged")]
    assert "PTR_SUE_REC_EMPTY" in statuses
    receipts = [
        r
        for till in {id(t): t for t in faulty.devices.tills.values()}.values()
        for r in till.printer.receipts
        if r.complete and r.cut
    ]
    keys = sorted(r.qr_codes[0].data for r in receipts)
    assert len(keys) == len(set(keys)) == kinds(faulty)["SaleCompleted"]


def test_outage_sales_go_offline_and_reach_head_office_exactly_once(faulty):
    down, up = of(faulty, "UplinkWentDown"), of(faulty, "UplinkRestored")
    assert [e.t for e in down] == [14 * 60] and up[0].minutes_down == pytest.approx(120)
    offline = of(faulty, "SaleJournaledOffline")
    assert offline and all(14 * 60 <= e.t <= 16 * 60 for e in offline)
    forwarded = sum(e.count for e in of(faulty, "OfflineSalesForwarded"))
    assert forwarded == len(offline)
    office = faulty.head_office
    sold = sum(e.amount_cents for e in of(faulty, "SaleCompleted"))
    assert office.revenue_cents == sold and office.duplicates == 0


def test_terminal_crash_blocks_its_lane_until_restart(faulty):
    (crash,) = of(faulty, "TerminalCrashed")
    (restart,) = of(faulty, "TerminalRestarted")
    assert crash.terminal == restart.terminal == "terminal-S001-L2"
    assert restart.t - crash.t == pytest.approx(30)
    on_l2 = [e.t for e in of(faulty, "SaleCompleted") if e.lane == "L2"]
    assert not [t for t in on_l2 if crash.t < t < restart.t]


def test_fault_kpis(faulty):
    frame = events_frame(faulty.log.to_arrow())
    monitors = {store.id: store.checkout.monitor for store in faulty.stores}
    summary = run_summary(frame, monitors, faulty.calendar, faulty.config.days)
    assert summary["device_fixes"] >= 1 and summary["receipts_reprinted"] == 1
    assert summary["uplink_down_min"] == pytest.approx(120)
    assert summary["sales_offline"] == len(of(faulty, "SaleJournaledOffline"))
    recovered = sum(e.minutes for e in of(faulty, "DeviceRecovered"))
    assert summary["hardware_downtime_min"] == pytest.approx(recovered + 120)  # all while open


def test_downtime_counts_only_while_the_store_is_open():
    night = (
        "hardware.faults.scheduled=[{day: 1, at: '02:00', device: uplink-S001, kind: outage,"
        " minutes: 600}]"
    )
    model = simulate(validate(compose_config([*BASE, night])))
    frame = events_frame(model.log.to_arrow())
    monitors = {store.id: store.checkout.monitor for store in model.stores}
    summary = run_summary(frame, monitors, model.calendar, model.config.days)
    opens = model.calendar.opens_min
    assert summary["uplink_down_min"] == pytest.approx(600)
    assert summary["hardware_downtime_min"] == pytest.approx(600 + 120 - opens)  # 02:00-12:00


def test_faults_naming_devices_that_do_not_exist_are_refused_with_their_key():
    bad = (
        "hardware.faults.scheduled=["
        "{day: 1, at: '12:00', device: printer-S009-L1, kind: paper_empty},"
        "{day: 5, at: '12:00', device: uplink-S001, kind: jam}]"
    )
    with pytest.raises(ConfigErrors) as refused:
        validate(compose_config([*BASE, bad]))
    text = str(refused.value)
    assert "hardware.faults.scheduled[0].device" in text
    assert "hardware.faults.scheduled[1].kind" in text
    assert "hardware.faults.scheduled[1].day" in text


def test_random_jams_and_outages_run_without_ending_the_run():
    model = simulate(
        validate(
            compose_config(
                [
                    *BASE,
                    "hardware.printer.jam_rate_per_km=400",
                    "hardware.faults.random=[{device_type: uplink, kind: outage,"
                    " mtbf_hours: 6, mttr_min: 20}]",
                ]
            )
        )
    )
    counts = kinds(model)
    assert counts["DeviceFixed"] > 0 and counts["UplinkWentDown"] > 0
    assert model.head_office.revenue_cents == sum(
        e.amount_cents for e in of(model, "SaleCompleted")
    )


def test_what_waits_for_the_uplink_resumes_when_it_is_restored():
    config = validate(compose_config([*BASE, FAULTS]))
    model = TwinModel(config)
    resumed = []

    def push():
        yield model.env.timeout(14 * 60 + 30)  # mid-outage
        yield model.devices.uplink_available("S001")
        resumed.append(model.env.now)
        yield model.devices.uplink_available("S001")  # up: no wait
        resumed.append(model.env.now)

    model.env.process(push())
    model.env.run(until=17 * 60)
    assert resumed == [16 * 60, 16 * 60]
