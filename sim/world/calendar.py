"""The chain's calendar, from its configuration: the first day, the format's hours and its
traffic profile."""

from __future__ import annotations

from sim.config.fields import clock_minutes
from sim.config.schema import RunConfig
from sim.engine.calendar import Calendar


def store_calendar(config: RunConfig) -> Calendar:
    traffic, _, _ = config.calendar.factors(config.start_date, config.days)
    return Calendar(
        start=config.start_date,
        opens_min=clock_minutes(config.store.opens),
        closes_min=clock_minutes(config.store.closes),
        weekday_factors=tuple(config.store.weekday_factors),
        hourly_weights=tuple(config.store.hourly_weights),
        day_factors=() if config.calendar.is_flat else tuple(traffic),
    )
