"""Typed events and the columnar event log.

An event is a frozen dataclass with a past-tense name (`VisitStarted`, `ReceiptPrinted`)
and a time `t` in simulation minutes. `observed_by` tells who knows the fact: the twin's
ground truth (`"truth"`), a device's reading (`"device"`) or a business module's record
(`"module"`). The log keeps events in the order they happened (a sequence number breaks ties
at equal times) and turns them into one Arrow table: the union of every kind's fields.
"""

from __future__ import annotations

import dataclasses
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

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
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

    def of_kind(self, *kinds: type[Event]) -> list[Event]:
        """Events of the given kinds, in log order."""
        return [e for e in self._events if isinstance(e, kinds)]

    def to_arrow(self) -> pa.Table:
        """Columns `seq`, `t`, `kind`, `observed_by`, then every field of every kind seen."""
        return events_to_arrow(self._events)


def events_to_arrow(events: Iterable[Event]) -> pa.Table:
    """One table for a sequence of events; a field a kind lacks is null in its rows."""
    events = list(events)
    by_kind: dict[type[Event], list[int]] = {}
    for seq, event in enumerate(events):
        by_kind.setdefault(type(event), []).append(seq)
    parts = []
    for kind, seqs in sorted(by_kind.items(), key=lambda item: item[0].__name__):
        rows = [events[s] for s in seqs]
        columns: dict[str, list] = {
            "seq": seqs,
            "t": [e.t for e in rows],
            "kind": [kind.__name__] * len(rows),
            "observed_by": [kind.observed_by] * len(rows),
        }
        for field in dataclasses.fields(kind):
            if field.name != "t":
                columns[field.name] = [getattr(e, field.name) for e in rows]
        parts.append(pa.table(columns))
    if not parts:
        return pa.table(
            {
                "seq": pa.array([], pa.int64()),
                "t": pa.array([], pa.float64()),
                "kind": pa.array([], pa.string()),
                "observed_by": pa.array([], pa.string()),
            }
        )
    table = pa.concat_tables(parts, promote_options="default")
    return table.sort_by("seq")
