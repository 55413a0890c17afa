"""Reservations: stock set aside for an order under an idempotency key, then committed
(handed over), released (cancelled) or expired (time to live), with an append-only log from
which every reserved quantity can be recomputed."""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from collections.abc import Iterable

from retail.errors import Conflict, IllegalTransition, InvalidInput, NotFound
from retail.inventory.stock import StockPool
from retail.inventory.types import HoldState, Line, LogEntry, Reservation, SalesChannel


def quantity_of(value: object, field: str) -> int:
    """A positive whole number of units, or a clear error naming `field`."""
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise InvalidInput(field, f"must be a whole number of units, got {value!r}")
    quantity = int(value)  # type: ignore[call-overload]
    if quantity <= 0:
        raise InvalidInput(field, f"must be positive, got {quantity}")
    return quantity


class ReservationBook:
    """Every reservation ever made, by key. Not thread-safe on its own (see InventoryCenter)."""

    def __init__(self, pool: StockPool) -> None:
        self.pool = pool
        self.by_key: dict[str, Reservation] = {}
        self.log: list[LogEntry] = []
        self._deadlines: list[tuple[dt.datetime, int, str]] = []

    def reserve(
        self,
        key: str,
        lines: Iterable[tuple[str, str, int]],
        at: dt.datetime,
        channel: SalesChannel,
        ttl: dt.timedelta | None,
    ) -> Reservation:
        wanted = tuple(
            Line(sku, location, quantity_of(q, f"lines[{i}].quantity"))
            for i, (sku, location, q) in enumerate(lines)
        )
        existing = self.by_key.get(key)
        if existing is not None:
            if existing.lines == wanted and existing.channel == channel:
                return existing
            raise Conflict(f"reservation {key!r} exists with other lines or channel")
        if not wanted:
            raise InvalidInput("lines", "a reservation needs at least one line")
        if ttl is not None and ttl <= dt.timedelta(0):
            raise InvalidInput("ttl", f"must be positive, got {ttl}")
        self.expire(at)
        pool = self.pool
        cells = [(pool.sku_row(line.sku), pool.location_column(line.location)) for line in wanted]
        held = 0
        try:
            for (row, column), line in zip(cells, wanted, strict=True):
                pool.check(row, column, line.quantity, channel)
                pool.hold(row, column, line.quantity, channel)
                held += 1
        except Exception:
            for (row, column), line in zip(cells[:held], wanted[:held], strict=True):
                pool.hold(row, column, -line.quantity, channel)
            raise
        expires = None if ttl is None else at + ttl
        reservation = Reservation(key, wanted, channel, at, expires)
        self.by_key[key] = reservation
        self._write(reservation, at, "reserve", +1)
        if expires is not None:
            heapq.heappush(self._deadlines, (expires, len(self.log), key))
        return reservation

    def commit(self, key: str, at: dt.datetime) -> Reservation:
        """Hand the reserved units over (sold). Committing twice is one commit."""
        reservation = self._find(key)
        self._expire_if_due(reservation, at)
        if reservation.state is HoldState.COMMITTED:
            return reservation
        self._require_held(reservation, "commit")
        pool = self.pool
        for line in reservation.lines:
            row, column = pool.row[line.sku], pool.column[line.location]
            pool.hand_over(row, column, line.quantity, reservation.channel)
        self._close(reservation, at, HoldState.COMMITTED, "commit")
        return reservation

    def release(self, key: str, at: dt.datetime) -> Reservation:
        """Cancel: the units are available again. Releasing twice is one release."""
        reservation = self._find(key)
        self._expire_if_due(reservation, at)
        if reservation.state in (HoldState.RELEASED, HoldState.EXPIRED):
            return reservation
        self._require_held(reservation, "release")
        self._unhold(reservation)
        self._close(reservation, at, HoldState.RELEASED, "release")
        return reservation

    def expire(self, at: dt.datetime) -> list[str]:
        """Expire every held reservation whose time to live has run out by `at`."""
        expired = []
        while self._deadlines and self._deadlines[0][0] <= at:
            deadline, _, key = heapq.heappop(self._deadlines)
            reservation = self.by_key[key]
            if reservation.state is HoldState.HELD:
                self._unhold(reservation)
                self._close(reservation, deadline, HoldState.EXPIRED, "expire")
                expired.append(key)
        return expired

    def reserved_from_log(self) -> dict[tuple[str, str, SalesChannel], int]:
        """Reserved quantity per (sku, location, channel), recomputed from the log alone."""
        totals: dict[tuple[str, str, SalesChannel], int] = defaultdict(int)
        for entry in self.log:
            totals[entry.sku, entry.location, entry.channel] += entry.delta
        return {cell: q for cell, q in totals.items() if q}

    # --- internals -----------------------------------------------------------------------
    def _find(self, key: str) -> Reservation:
        reservation = self.by_key.get(key)
        if reservation is None:
            raise NotFound("reservation", key)
        return reservation

    def _expire_if_due(self, reservation: Reservation, at: dt.datetime) -> None:
        expires = reservation.expires
        if reservation.state is HoldState.HELD and expires is not None and expires <= at:
            self.expire(at)

    @staticmethod
    def _require_held(reservation: Reservation, action: str) -> None:
        if reservation.state is not HoldState.HELD:
            raise IllegalTransition("reservation", reservation.key, reservation.state.value, action)

    def _unhold(self, reservation: Reservation) -> None:
        pool = self.pool
        for line in reservation.lines:
            row, column = pool.row[line.sku], pool.column[line.location]
            pool.hold(row, column, -line.quantity, reservation.channel)

    def _close(self, reservation: Reservation, at: dt.datetime, state: HoldState, action: str):
        reservation.state = state
        reservation.closed = at
        self._write(reservation, at, action, -1)

    def _write(self, reservation: Reservation, at: dt.datetime, action: str, sign: int) -> None:
        for line in reservation.lines:
            self.log.append(
                LogEntry(len(self.log), at, action, reservation.key, line.sku, line.location,
                         reservation.channel, sign * line.quantity)
            )  # fmt: skip
