from dataclasses import FrozenInstanceError, dataclass

import pyarrow as pa
import pytest
import simpy

from sim.engine.events import Event, EventLog, event_schema, events_to_arrow


@dataclass(frozen=True, slots=True)
class ThingHappened(Event):
    store: str
    visit: int


@dataclass(frozen=True, slots=True)
class ThingMeasured(Event):
    store: str
    count: int
    observed_by = "device"


def test_events_are_frozen():
    event = ThingHappened(1.0, "S1", 3)
    with pytest.raises(FrozenInstanceError):
        event.visit = 4


def test_equal_times_keep_scheduling_order():
    env, log = simpy.Environment(), EventLog()

    def emitter(name_offset: int):
        yield env.timeout(5)
        for i in range(3):
            log.append(ThingHappened(env.now, "S1", name_offset + i))

    for offset in (100, 200, 300):
        env.process(emitter(offset))
    env.run()
    table = log.to_arrow()
    assert table["t"].to_pylist() == [5.0] * 9
    assert table["visit"].to_pylist() == [100, 101, 102, 200, 201, 202, 300, 301, 302]
    assert table["seq"].to_pylist() == list(range(9))


def test_table_is_the_union_of_kinds_with_nulls_and_observers():
    table = events_to_arrow([ThingHappened(0.5, "S1", 1), ThingMeasured(0.7, "S1", 2)])
    rows = table.to_pylist()
    assert rows[0]["kind"] == "ThingHappened" and rows[0]["count"] is None
    assert rows[1]["observed_by"] == "device" and rows[1]["visit"] is None
    assert table.schema.field("count").type == pa.int64()


def test_schema_is_stable_even_when_a_kind_never_happened():
    empty = events_to_arrow([])
    assert empty.num_rows == 0
    assert empty.schema == event_schema()
    assert "count" in empty.schema.names


def test_bad_observer_is_refused():
    with pytest.raises(TypeError, match="observed_by"):

        @dataclass(frozen=True, slots=True)
        class Wrong(Event):
            observed_by = "oracle"
