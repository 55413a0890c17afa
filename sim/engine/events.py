"""Typed events and the columnar event log.

An event is a frozen dataclass with a past-tense name (`VisitStarted`, `ReceiptPrinted`)
and a time `t` in simulation minutes. `observed_by` tells who knows the fact: the twin's
ground truth (`"truth"`), a device's reading (`"device"`) or a business module's record
(`"module"`). The log keeps events in the order they happened (a sequence number breaks ties
at equal times) and turns them into one Arrow table: the union of every kind's fields.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Iterable, Iterator
from typing import ClassVar

import pyarrow as pa

OBSERVERS = ("truth", "device", "module")


@dataclasses.dataclass(frozen=True, slots=True)
class Event:
    """Base of every event; subclasses add their own fields (plain scalars only)."""

    t: float
    observed_by: ClassVar[str] = "truth"

    kinds: ClassVar[dict[str, type[Event]]] = {}

    def __init_subclass__(cls) -> None:
        # No zero-argument super() here: slotted dataclasses are re-created, which breaks it.
        if cls.observed_by not in OBSERVERS:
            raise TypeError(f"{cls.__name__}.observed_by must be one of {OBSERVERS}")
        Event.kinds[cls.__name__] = cls


class EventLog:
    """Append-only log of events, written as one columnar table."""

    def __init__(self) -> None:
        self._events: list[Event] = []

    def append(self, event: Event) -> None:
        self._events.append(event)

    def __len__(self) -> int:
        return len(self._events)

    def __iter__(self) -> Iterator[Event]:
        return iter(self._events)

    def since(self, seq: int) -> list[Event]:
        """The events from sequence number `seq` on (an event's `seq` is its place in the
        log): a reader keeps the log's length as its cursor and asks again later."""
        return self._events[seq:]

    def of_kind(self, *kinds: type[Event]) -> list[Event]:
        """Events of the given kinds, in log order."""
        return [e for e in self._events if isinstance(e, kinds)]

    def to_arrow(self) -> pa.Table:
        """Columns `seq`, `t`, `kind`, `observed_by`, then every field of every kind seen."""
        return events_to_arrow(self._events)


ARROW_TYPES = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}
BASE_COLUMNS = {
    "seq": pa.int64(),
    "t": pa.float64(),
    "kind": pa.string(),
    "observed_by": pa.string(),
}


def event_schema() -> pa.Schema:
    """The log's columns: the base ones, then every field of every event kind, by name.

    One field name has one type across kinds, so logs of different runs share a schema.
    """
    columns = dict(BASE_COLUMNS)
    for name in sorted(Event.kinds):
        for field in dataclasses.fields(Event.kinds[name]):
            arrow_type = ARROW_TYPES.get(getattr(field.type, "__name__", str(field.type)))
            if arrow_type is None:
                raise TypeError(
                    f"{name}.{field.name}: event fields must be str, int, float "
                    f"or bool, not {field.type}"
                )
            if columns.setdefault(field.name, arrow_type) != arrow_type:
                raise TypeError(
                    f"{name}.{field.name}: {field.type} clashes with another "
                    f"event's {field.name} of type {columns[field.name]}"
                )
    return pa.schema(columns)


def events_to_arrow(events: Iterable[Event]) -> pa.Table:
    """One table for a sequence of events; a field a kind lacks is null in its rows."""
    events = list(events)
    schema = event_schema()
    by_kind: dict[type[Event], list[int]] = {}
    for seq, event in enumerate(events):
        by_kind.setdefault(type(event), []).append(seq)
    parts = [schema.empty_table()]
    for kind, seqs in by_kind.items():
        names = [f.name for f in dataclasses.fields(kind)]
        rows = map(operator.attrgetter(*names), (events[s] for s in seqs))
        if len(names) == 1:  # attrgetter of one name gives the value, not a 1-tuple
            rows = ((value,) for value in rows)
        values = dict(zip(names, zip(*rows, strict=True), strict=True))
        values["seq"] = seqs
        n = len(seqs)
        columns = []
        for field in schema:
            if field.name == "kind":
                columns.append(pa.repeat(kind.__name__, n).cast(field.type))
            elif field.name == "observed_by":
                columns.append(pa.repeat(kind.observed_by, n).cast(field.type))
            elif field.name in values:
                columns.append(pa.array(values[field.name], field.type))
            else:
                columns.append(pa.nulls(n, field.type))
        parts.append(pa.Table.from_arrays(columns, schema=schema))
    return pa.concat_tables(parts).sort_by("seq")
