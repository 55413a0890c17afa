"""Fault plans: scheduled faults where they are asked for, random ones at their rates."""

import numpy as np
import pytest

from hardware_models.faults import RandomFaults, ScheduledFault, plan_faults
from hardware_models.uplink import Uplink

DEVICES = {"printer-S001-L1": "printer", "printer-S001-L2": "printer", "uplink-S001": "uplink"}


def streams():
    return lambda name: np.random.default_rng(list(name.encode()))


def test_scheduled_fault_lands_on_its_device_at_its_time():
    plan = plan_faults(
        DEVICES,
        [ScheduledFault("printer-S001-L1", 2 * 86400 + 12 * 3600, "paper_empty")],
        [],
        horizon_s=3 * 86400,
        rng_for=streams(),
    )
    assert [(f.device, f.at_s, f.kind) for f in plan] == [
        ("printer-S001-L1", 2 * 86400 + 12 * 3600, "paper_empty")
    ]


def test_bad_scheduled_faults_are_named():
    with pytest.raises(ValueError, match="no device named 'printer-S009-L1'"):
        plan_faults(DEVICES, [ScheduledFault("printer-S009-L1", 0.0, "jam")], [], 10.0, streams())
    with pytest.raises(ValueError, match="'outage' is not one of"):
        plan_faults(DEVICES, [ScheduledFault("printer-S001-L1", 0.0, "outage")], [], 10, streams())


def test_random_outages_match_mtbf_and_mttr_and_adding_a_device_changes_no_other():
    spec = RandomFaults("uplink", "outage", mtbf_h=24.0, mttr_min=30.0)
    rng = {}

    def rng_for(name: str) -> np.random.Generator:
        rng.setdefault(name, np.random.SeedSequence([7, len(rng)]))
        return np.random.default_rng(rng[name])

    horizon = 2000 * 86400.0
    plan = plan_faults(DEVICES, [], [spec], horizon, rng_for)
    gaps = np.diff([f.at_s for f in plan]) / 3600
    assert len(plan) == pytest.approx(horizon / 3600 / 24.5, rel=0.1)
    assert np.mean([f.duration_s for f in plan]) / 60 == pytest.approx(30.0, rel=0.1)
    assert np.mean(gaps) == pytest.approx(24.5, rel=0.1)
    more = plan_faults({**DEVICES, "uplink-S002": "uplink"}, [], [spec], horizon, rng_for)
    assert [f for f in more if f.device == "uplink-S001"] == plan


def test_uplink_accounts_downtime_and_merges_overlapping_outages():
    link = Uplink("uplink-S001")
    assert link.go_down(100.0) and not link.go_down(150.0)
    assert link.restore(400.0) and not link.restore(500.0)
    assert (link.outages, link.downtime_s, link.up) == (1, 300.0, True)
