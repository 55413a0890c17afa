import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.engine.calendar import Calendar

WEEKDAYS = (1.0, 1.0, 1.0, 1.0, 1.2, 1.5, 1.4)
FLAT = tuple([1.0] * 24)


def calendar(opens=600, closes=1320, hourly=FLAT) -> Calendar:
    return Calendar(dt.date(2026, 3, 2), opens, closes, WEEKDAYS, hourly)


def test_minutes_map_to_dates_and_weekdays():
    cal = calendar()
    assert cal.datetime_at(0) == dt.datetime(2026, 3, 2, 0, 0)
    assert cal.datetime_at(5 * 1440 + 630.5) == dt.datetime(2026, 3, 7, 10, 30, 30)
    assert cal.date_of(5 * 1440 + 1).weekday() == 5
    assert cal.weekday_factor(5) == 1.5


def test_opening_hours():
    cal = calendar()
    assert cal.opening(2) == (2 * 1440 + 600, 2 * 1440 + 1320)
    assert cal.is_open(600) and not cal.is_open(599.9) and not cal.is_open(1320)


def test_bad_hours_are_refused():
    with pytest.raises(ValueError, match="opening hours"):
        calendar(opens=1320, closes=600)


@given(
    opens=st.integers(0, 23 * 60),
    length=st.integers(1, 24 * 60),
    day=st.integers(0, 30),
    daily=st.floats(1, 10_000),
    weights=st.lists(st.floats(0, 10), min_size=24, max_size=24),
)
def test_rate_segments_integrate_to_the_days_expected_arrivals(opens, length, day, daily, weights):
    closes = min(opens + length, 1440)
    cal = calendar(opens, closes, tuple(weights))
    segments = cal.rate_segments(day, daily)
    total_weight = sum(s for s in weights)
    if not segments:
        assert total_weight == 0 or all(
            weights[h] == 0 for h in range(opens // 60, -(-closes // 60))
        )
        return
    expected = daily * cal.weekday_factor(day)
    assert sum(rate * (end - start) for start, end, rate in segments) == pytest.approx(expected)
    day_open, day_close = cal.opening(day)
    assert all(day_open <= start < end <= day_close for start, end, _ in segments)


def test_hour_weights_shape_the_rate():
    hourly = tuple(2.0 if h == 12 else 1.0 for h in range(24))
    segments = calendar(hourly=hourly).rate_segments(0, 1300)
    rates = {int(start // 60): rate for start, _, rate in segments}
    assert rates[12] == pytest.approx(2 * rates[11])
