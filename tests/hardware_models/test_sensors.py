"""Sensors: measured values err at their configured rates; bad data is quarantined."""

import numpy as np
import pytest

from hardware_models.sensors import (
    BeaconConfig,
    BeaconReader,
    CameraCounter,
    CameraCounterConfig,
    DoorCounter,
    DoorCounterConfig,
    Quarantine,
    Reason,
    RfidConfig,
    RfidReader,
    ShelfSensor,
    ShelfSensorConfig,
)
from hardware_models.sensors.quarantine import OrderedFeed


def rng(seed=0):
    return np.random.Generator(np.random.PCG64(seed))


def within(observed, expected, n, sigmas=4.0):
    """A binomial proportion within a few standard errors of its expectation."""
    se = np.sqrt(expected * (1 - expected) / n)
    return abs(observed - expected) <= sigmas * se + 1e-12


def test_door_counter_misses_people_abreast_at_the_configured_rate():
    config = DoorCounterConfig(side_by_side_prob=0.5, miss_prob_side_by_side=0.6)
    door = DoorCounter("door", config, rng(1))
    parties = 20_000
    counted = sum(door.passage(float(t), 3) for t in range(parties))
    # Per party of 3: abreast half the time, then each of 2 extra people missed with 0.6.
    expected = 3 - 0.5 * 2 * 0.6
    assert counted / parties == pytest.approx(expected, abs=4 * 0.9 / np.sqrt(parties))
    assert door.entered == counted


def test_single_people_and_files_are_counted_exactly():
    door = DoorCounter("door", DoorCounterConfig(side_by_side_prob=0.0), rng(2))
    assert [door.passage(float(t), n) for t, n in enumerate([1, 2, 3, 1])] == [1, 2, 3, 1]


def test_drift_grows_the_count_over_days():
    config = DoorCounterConfig(side_by_side_prob=0.0, drift_per_day=0.01)
    door = DoorCounter("door", config, rng(3))
    day30 = 30 * 86_400.0
    counted = sum(door.passage(day30 + t, 1) for t in range(20_000))
    assert within(counted / 20_000 - 1, 0.30, 20_000)
    door.recalibrate(day30 + 30_000)
    assert door.passage(day30 + 30_001, 5) == 5


def test_door_counter_is_bidirectional():
    door = DoorCounter("door", DoorCounterConfig(side_by_side_prob=0.0), rng(4))
    door.passage(1.0, 3, entering=True)
    door.passage(2.0, 2, entering=False)
    assert (door.entered, door.exited, door.occupancy) == (3, 2, 1)


def test_implausible_readings_are_quarantined_and_the_counter_goes_on():
    door = DoorCounter("door", DoorCounterConfig(side_by_side_prob=0.0), rng(5))
    assert door.passage(10.0, 2) == 2
    assert door.passage(5.0, 1) == 0  # out of order
    assert door.passage(11.0, -1) == 0  # negative
    assert door.passage(12.0, 1) == 1
    assert door.quarantine.counts == {Reason.OUT_OF_ORDER: 1, Reason.NEGATIVE: 1}
    assert door.entered == 3


def test_dropouts_are_counted():
    quarantine = Quarantine()
    feed = OrderedFeed("shelf-1", quarantine, heartbeat_s=60)
    assert all(feed.accept(t, 1) for t in (0, 30, 200, 230))
    assert quarantine.counts == {Reason.DROPOUT: 1}


def test_camera_counter_error_rates():
    camera = CameraCounter(
        "cam", CameraCounterConfig(miss_prob=0.05, double_count_prob=0.02), rng(6)
    )
    people = 50_000
    counted = sum(camera.passage(float(t), 1) for t in range(people))
    assert counted / people == pytest.approx(1 - 0.05 + 0.02, abs=0.006)


def test_rfid_read_rate_and_duplicates():
    reader = RfidReader("rfid", RfidConfig(read_rate=0.9, duplicate_prob=0.1), rng(7))
    tags = [f"T{i}" for i in range(20_000)]
    accepted = reader.scan(100.0, tags)
    assert len(set(accepted)) == len(accepted)  # each tag at most once
    assert within(len(accepted) / len(tags), 0.9, len(tags))
    assert within(reader.quarantine.counts[Reason.DUPLICATE] / len(accepted), 0.1, len(accepted))
    later = reader.scan(200.0, tags[:100])  # outside the dedupe window: read again
    assert len(later) > 80


def test_beacon_detects_opted_in_members_only_at_its_rate():
    beacon = BeaconReader("beacon", BeaconConfig(detection_prob=0.8, false_match_prob=0.01), rng(8))
    hits = sum(beacon.arrival(float(t), opted_in=True) for t in range(10_000))
    false = sum(beacon.arrival(float(t), opted_in=False) for t in range(10_000))
    assert within(hits / 10_000, 0.8, 10_000) and within(false / 10_000, 0.01, 10_000)


def test_shelf_sensor_detection_and_false_alarms():
    shelf = ShelfSensor(
        "shelf", ShelfSensorConfig(detection_prob=0.9, false_alarm_prob=0.02), rng(9)
    )
    empty = sum(bool(shelf.check(float(t), 0)) for t in range(10_000))
    stocked = sum(bool(shelf.check(float(10_000 + t), 4)) for t in range(10_000))
    assert within(empty / 10_000, 0.9, 10_000) and within(stocked / 10_000, 0.02, 10_000)
    assert shelf.check(5.0, 3) is None  # out of order: quarantined, no verdict


@pytest.mark.parametrize(
    ("factory", "field"),
    [
        (lambda: DoorCounterConfig(side_by_side_prob=1.5), "side_by_side_prob"),
        (lambda: DoorCounterConfig(drift_per_day=0.5), "drift_per_day"),
        (lambda: CameraCounterConfig(miss_prob=-0.1), "miss_prob"),
        (lambda: RfidConfig(read_rate=2), "read_rate"),
        (lambda: BeaconConfig(detection_prob=1.1), "detection_prob"),
        (lambda: ShelfSensorConfig(false_alarm_prob=-1), "false_alarm_prob"),
    ],
)
def test_bad_config_names_the_field(factory, field):
    with pytest.raises(ValueError, match=field):
        factory()
