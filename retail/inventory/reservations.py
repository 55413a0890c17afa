"""Reservations: stock set aside under an idempotency key, then committed (handed over),
released (cancelled) or expired (time to live), with an append-only log from which every
reserved quantity can be recomputed.

The book is columnar (one row per reservation, one per line, one per log entry) so that a
batch of a hundred thousand reservations is a few array operations; single calls write the
same columns. Times are stored as integer microseconds since 1970."""

from __future__ import annotations

import datetime as dt
import enum
import heapq
from collections.abc import Iterable

import numpy as np
import pandas as pd

from retail import checks
from retail.clock import EPOCH, MICROSECOND, microseconds
from retail.columns import Columns
from retail.errors import Archived, Conflict, IllegalTransition, InvalidInput, NotFound
from retail.inventory.stock import StockPool, running_total
from retail.inventory.types import HoldState, Line, Reservation, SalesChannel
from retail.keys import KeyRanges


class Outcome(enum.IntEnum):
    """What a batch call did with each of its items."""

    DONE = 0
    REPEATED = 1  # idempotent replay: already reserved with these lines, or already settled
    OUT_OF_STOCK = 2
    CONFLICT = 3  # the key was used for other lines or another channel
    NOT_FOUND = 4
    ILLEGAL = 5  # e.g. committing a released reservation


SEQUENTIAL_AFTER = 32  # shortages in one batch before the rest is checked one by one
STATES = tuple(HoldState)  # code -> state, in the order of the enum
CHANNELS = tuple(SalesChannel)  # code -> channel (codes run 0, 1, ...)
HELD, COMMITTED, RELEASED, EXPIRED = range(4)
ACTIONS = ("reserve", "commit", "release", "expire")
NEVER = np.iinfo(np.int64).max


def checked_ttl(ttl: object) -> dt.timedelta | None:
    """A reservation's time to live: a positive timedelta, or None (until settled)."""
    if ttl is not None and (not isinstance(ttl, dt.timedelta) or ttl <= dt.timedelta(0)):
        raise InvalidInput("ttl", f"a positive timedelta or None, got {ttl!r}")
    return ttl


class ReservationBook:
    """Every reservation ever made, by key. Not thread-safe on its own (see InventoryCenter)."""

    def __init__(self, pool: StockPool) -> None:
        self.pool = pool
        self.index: dict[str, int] = {}
        self.keys: list[str] = []
        i8, i64 = np.dtype(np.int8), np.dtype(np.int64)
        self.holds = Columns({"state": (i8, HELD), "channel": (i8, 0), "created": (i64, 0),
                              "expires": (i64, NEVER), "closed": (i64, NEVER),
                              "first": (i64, 0), "count": (i64, 0)})  # fmt: skip
        self.lines = Columns({"row": (i64, 0), "column": (i64, 0), "quantity": (i64, 0)})
        # One row per event (reserve, commit, release, expire) of a reservation; its lines
        # are the reservation's, so the log stays append-only without repeating them.
        self.log = Columns({"at": (i64, 0), "action": (i8, 0), "hold": (i64, 0)}, capacity=4096)
        # Min-heap of (expires, first hold, end hold): a batch with one deadline is one entry.
        self._deadlines: list[tuple[int, int, int]] = []
        self.archived = KeyRanges()  # keys of the reservations `forget` dropped

    # --- one at a time ----------------------------------------------------------------------
    def reserve(
        self,
        key: str,
        lines: Iterable[tuple[str, str, int]],
        at: dt.datetime,
        channel: SalesChannel,
        ttl: dt.timedelta | None,
    ) -> Reservation:
        return self.view(self.place(key, lines, at, channel, ttl))

    def place(
        self,
        key: str,
        lines: Iterable[tuple[str, str, int]],
        at: dt.datetime,
        channel: SalesChannel,
        ttl: dt.timedelta | None,
    ) -> int:
        """`reserve` without the snapshot: the reservation's row."""
        pool = self.pool
        key = checks.key(key, "key")
        cells = []
        for i, line in enumerate(lines):
            if not isinstance(line, tuple | list) or len(line) != 3:
                raise InvalidInput(f"lines[{i}]", f"a (sku, location, quantity) line, got {line!r}")
            sku, location, q = line
            quantity = checks.quantity(q, f"lines[{i}].quantity")
            cells.append((pool.sku_row(sku), pool.location_column(location), quantity))
        checked_ttl(ttl)
        now = microseconds(at)
        existing = self.index.get(key)
        if existing is not None:
            if self._cells(existing) == cells and self.holds["channel"][existing] == channel:
                return existing
            raise Conflict(f"reservation {key!r} exists with other lines or channel")
        if key in self.archived:
            raise Conflict(f"reservation {key!r} was archived: its key is not used again")
        if not cells:
            raise InvalidInput("lines", "a reservation needs at least one line")
        if len({(row, column) for row, column, _ in cells}) < len(cells):
            raise InvalidInput("lines", "a (sku, location) appears twice: merge the lines")
        if self._deadlines and self._deadlines[0][0] <= now:
            self.expire(at)
        for row, column, quantity in cells:
            pool.check(row, column, quantity, channel)
        for row, column, quantity in cells:
            pool.hold(row, column, quantity, channel)
        expires = NEVER if ttl is None else now + ttl // MICROSECOND
        first = self.lines.size
        for row, column, quantity in cells:  # a few lines: scalar writes beat array building
            self.lines.append(row=row, column=column, quantity=quantity)
        hold = self._open(key, int(channel), now, expires, first, len(cells))
        self.log.append(at=now, action=HELD, hold=hold)
        return hold

    def place_cells(
        self,
        key: str,
        rows: np.ndarray,
        column: int,
        quantity: np.ndarray,
        at: dt.datetime,
        channel: SalesChannel,
        ttl: dt.timedelta | None,
    ) -> int:
        """A new reservation of distinct SKUs (`rows`) at one location whose key, lines and
        availability the caller (the allocator, under the center's lock) has checked. Its
        row."""
        pool = self.pool
        pool.reserved[channel, rows, column] += quantity
        pool.reserved_total[rows, column] += quantity
        now = microseconds(at)
        expires = NEVER if ttl is None else now + ttl // MICROSECOND
        first = self.lines.extend(row=rows, column=column, quantity=quantity).start
        hold = self._open(key, int(channel), now, expires, first, len(rows))
        self.log.append(at=now, action=HELD, hold=hold)
        return hold

    def commit(self, key: str, at: dt.datetime) -> Reservation:
        """Hand the reserved units over (sold). Committing twice is one commit."""
        hold = self._settle(self._find(key), at, COMMITTED)
        return self.view(hold)

    def release(self, key: str, at: dt.datetime) -> Reservation:
        """Cancel: the units are available again. Releasing twice (or after expiry) changes
        nothing."""
        hold = self._settle(self._find(key), at, RELEASED)
        return self.view(hold)

    def expire(self, at: dt.datetime) -> list[str]:
        """Expire every held reservation whose time to live has run out by `at`."""
        now = microseconds(at)
        expired: list[str] = []
        while self._deadlines and self._deadlines[0][0] <= now:
            deadline, first, end = heapq.heappop(self._deadlines)
            holds = np.arange(first, end)
            holds = holds[self.holds["state"][first:end] == HELD]
            if len(holds):
                self._close(holds, deadline, EXPIRED)
                expired.extend(self.keys[h] for h in holds.tolist())
        return expired

    # --- many at a time ---------------------------------------------------------------------
    def reserve_many(
        self,
        keys: list[str],
        owner: np.ndarray,
        rows: np.ndarray,
        columns: np.ndarray,
        quantity: np.ndarray,
        at: dt.datetime,
        channel: SalesChannel,
        ttl: dt.timedelta | None,
    ) -> np.ndarray:
        """Reservations keys[i] with lines where owner == i (owner sorted, validated by the
        caller), each all or none, exactly as if reserved one after another. Returns an
        Outcome per key."""
        n = len(keys)
        outcome = np.full(n, Outcome.DONE, np.int8)
        existing = np.fromiter((self.index.get(k, -1) for k in keys), np.int64, n)
        bounds = np.searchsorted(owner, np.arange(n + 1))
        for i in np.flatnonzero(existing >= 0).tolist():
            lines = slice(bounds[i], bounds[i + 1])
            cells = list(zip(rows[lines].tolist(), columns[lines].tolist(),
                             quantity[lines].tolist(), strict=True))  # fmt: skip
            same = self._cells(int(existing[i])) == cells
            same = same and self.holds["channel"][existing[i]] == channel
            outcome[i] = Outcome.REPEATED if same else Outcome.CONFLICT
        archived = np.zeros(n, bool)
        if self.archived:  # an archived key is never reserved again
            archived = np.fromiter((k in self.archived for k in keys), bool, n) & (existing < 0)
            outcome[archived] = Outcome.CONFLICT
        self.expire(at)
        now = microseconds(at)
        expires = NEVER if ttl is None else now + ttl // MICROSECOND
        todo = np.flatnonzero((existing < 0) & ~archived)
        shortages = 0
        while len(todo):
            if shortages >= SEQUENTIAL_AFTER:  # scarce stock: cheaper one by one
                for i in todo.tolist():
                    if not self._fits(rows, columns, quantity, bounds, np.array([i]), channel):
                        outcome[i] = Outcome.OUT_OF_STOCK
                    else:
                        self._open_many(keys, rows, columns, quantity, bounds, np.array([i]),
                                        channel, now, expires)  # fmt: skip
                break
            lines = lines_of(bounds, todo)
            r, c, q, o = rows[lines], columns[lines], quantity[lines], owner[lines]
            demand = running_total(r * len(self.pool.locations) + c, q)
            short = demand > self.pool.available_cells(r, c, channel)
            if not short.any():
                self._open_many(keys, rows, columns, quantity, bounds, todo, channel, now, expires)
                break
            first_short = int(o[short].min())  # every earlier key fits: this one truly fails
            self._open_many(keys, rows, columns, quantity, bounds, todo[todo < first_short],
                            channel, now, expires)  # fmt: skip
            outcome[first_short] = Outcome.OUT_OF_STOCK
            todo = todo[todo > first_short]
            shortages += 1
        return outcome

    def settle_many(self, keys: list[str], at: dt.datetime, to: int) -> np.ndarray:
        """Commit (to=COMMITTED) or release (to=RELEASED) many keys; an Outcome per key."""
        n = len(keys)
        holds = np.fromiter((self.index.get(k, -1) for k in keys), np.int64, n)
        self.expire(at)
        outcome = np.full(n, Outcome.DONE, np.int8)
        known = holds >= 0
        outcome[~known] = Outcome.NOT_FOUND
        state = np.full(n, -1, np.int64)
        state[known] = self.holds["state"][holds[known]]
        done = (state == to) | ((to == RELEASED) & (state == EXPIRED))
        outcome[done] = Outcome.REPEATED
        outcome[known & ~done & (state != HELD)] = Outcome.ILLEGAL
        settle = holds[state == HELD]
        if len(np.unique(settle)) < len(settle):
            raise InvalidInput("keys", "a key appears twice in one batch")
        if len(settle):
            self._close(settle, microseconds(at), to)
        return outcome

    def open_many(self, keys: list[str], rows: np.ndarray, columns: np.ndarray,
                  quantity: np.ndarray, count: np.ndarray, channel: SalesChannel,
                  at: dt.datetime, ttl: dt.timedelta | None) -> None:  # fmt: skip
        """New reservations keys[i] of the next count[i] lines each, whose keys are unused
        and whose units the caller (the allocator, under the center's lock) has checked."""
        now = microseconds(at)
        expires = NEVER if ttl is None else now + ttl // MICROSECOND
        bounds = np.r_[0, np.cumsum(count)]
        self._open_many(keys, rows, columns, quantity, bounds, np.arange(len(keys)), channel,
                        now, expires)  # fmt: skip

    def _fits(self, rows, columns, quantity, bounds, items, channel) -> bool:
        lines = lines_of(bounds, items)
        r, c = rows[lines], columns[lines]
        return bool((quantity[lines] <= self.pool.available_cells(r, c, channel)).all())

    def _open_many(self, keys, rows, columns, quantity, bounds, items, channel, now, expires):
        """Hold the lines of batch items `items` (known to fit) and record them."""
        if not len(items):
            return
        lines = lines_of(bounds, items)
        r, c, q = rows[lines], columns[lines], quantity[lines]
        pool = self.pool
        np.add.at(pool.reserved, (channel, r, c), q)
        np.add.at(pool.reserved_total, (r, c), q)
        count = bounds[items + 1] - bounds[items]
        written = self.lines.extend(row=r, column=c, quantity=q)
        first = written.start + np.cumsum(count) - count
        m = len(items)
        held = self.holds.extend(state=np.full(m, HELD), channel=np.full(m, int(channel)),
                                 created=np.full(m, now), expires=np.full(m, expires),
                                 closed=np.full(m, NEVER), first=first, count=count)  # fmt: skip
        new_keys = [keys[i] for i in items.tolist()]
        self.keys.extend(new_keys)
        self.index.update(zip(new_keys, range(held.start, held.stop), strict=True))
        self.log.extend(at=np.full(m, now), action=np.full(m, HELD),
                        hold=np.arange(held.start, held.stop))  # fmt: skip
        if expires != NEVER:
            heapq.heappush(self._deadlines, (expires, held.start, held.stop))

    # --- internals shared by single and batch calls ----------------------------------------------
    def _open(self, key, channel, now, expires, first, count) -> int:
        hold = len(self.keys)
        self.keys.append(key)
        self.index[key] = hold
        self.holds.append(state=HELD, channel=channel, created=now, expires=expires,
                          closed=NEVER, first=first, count=count)  # fmt: skip
        if expires != NEVER:
            heapq.heappush(self._deadlines, (expires, hold, hold + 1))
        return hold

    def _settle(self, hold: int, at: dt.datetime, to: int) -> int:
        now = microseconds(at)
        holds = self.holds.buffers()
        if holds["state"][hold] == HELD and holds["expires"][hold] <= now:
            self.expire(at)
        state = int(holds["state"][hold])
        if state == to or (to == RELEASED and state == EXPIRED):
            return hold
        if state != HELD:
            action = ACTIONS[to]
            raise IllegalTransition("reservation", self.keys[hold], STATES[state].value, action)
        self._close_one(hold, now, to)
        return hold

    def _close_one(self, hold: int, now: int, to: int) -> None:
        """`_close` of one reservation, in scalars: its few cells are distinct."""
        holds, pool = self.holds.buffers(), self.pool
        channel = int(holds["channel"][hold])
        for row, column, quantity in self._cells(hold):
            pool.hold(row, column, -quantity, channel)
            if to == COMMITTED:
                pool.q["on_hand"][row, column] -= quantity
                pool.q["sold"][row, column] += quantity
        holds["state"][hold] = to
        holds["closed"][hold] = now
        self.log.append(at=now, action=to, hold=hold)

    def _close(self, holds: np.ndarray, now: int, to: int) -> None:
        """Settle held reservations: unhold their lines, hand them over when committed."""
        lines = self._line_indices(holds)
        rows, columns = self.lines["row"][lines], self.lines["column"][lines]
        quantity = self.lines["quantity"][lines]
        pool = self.pool
        # Cells may repeat across reservations: accumulate.
        channel = np.repeat(self.holds["channel"][holds], self.holds["count"][holds])
        np.subtract.at(pool.reserved, (channel, rows, columns), quantity)
        np.subtract.at(pool.reserved_total, (rows, columns), quantity)
        if to == COMMITTED:
            np.subtract.at(pool.q["on_hand"], (rows, columns), quantity)
            np.add.at(pool.q["sold"], (rows, columns), quantity)
        self.holds["state"][holds] = to
        self.holds["closed"][holds] = now
        self.log.extend(at=np.full(len(holds), now), action=np.full(len(holds), to), hold=holds)

    def _line_indices(self, holds: np.ndarray) -> np.ndarray:
        if len(holds) == 1:
            first = int(self.holds["first"][holds[0]])
            return np.arange(first, first + int(self.holds["count"][holds[0]]))
        first, count = self.holds["first"][holds], self.holds["count"][holds]
        return np.repeat(first - np.cumsum(count) + count, count) + np.arange(int(count.sum()))

    def _cells(self, hold: int) -> list[tuple[int, int, int]]:
        holds, lines = self.holds.buffers(), self.lines.buffers()
        first = int(holds["first"][hold])
        span = slice(first, first + int(holds["count"][hold]))  # a hold's lines are adjacent
        return list(zip(lines["row"][span].tolist(), lines["column"][span].tolist(),
                        lines["quantity"][span].tolist(), strict=True))  # fmt: skip

    def _find(self, key: str) -> int:
        hold = self.index.get(key)
        if hold is None:
            raise (Archived if key in self.archived else NotFound)("reservation", key)
        return hold

    def taken(self, key: str) -> bool:
        """Whether a reservation has this key, or had it before it was archived."""
        return key in self.index or key in self.archived

    def taken_many(self, keys: list[str]) -> np.ndarray:
        """`taken` for each of the keys."""
        index = self.index
        held = np.fromiter((key in index for key in keys), bool, len(keys))
        return held | self.archived.contains_texts(keys)

    def forget(self, gone: np.ndarray) -> None:
        """Drop the closed reservations at `gone` (archived) with their lines and their log
        events: a closed reservation's events add up to nothing reserved, so the log still
        gives what is reserved. The reservations after them move up."""
        h = self.holds
        if (h["state"][gone] == HELD).any():
            raise ValueError("only closed reservations are forgotten")
        keep = np.ones(h.size, bool)
        keep[gone] = False
        self.archived.add_texts(self.keys[i] for i in np.asarray(gone).tolist())
        self.lines.compact(np.repeat(keep, h["count"]))  # a reservation's lines follow the last
        count = h["count"][keep]
        h.compact(keep)
        h["first"][:] = np.cumsum(count) - count
        moved = np.cumsum(keep) - 1
        self.log.compact(keep[self.log["hold"]])
        self.log["hold"][:] = moved[self.log["hold"]]
        self.keys = [k for k, kept in zip(self.keys, keep.tolist(), strict=True) if kept]
        self.index = dict(zip(self.keys, range(len(self.keys)), strict=True))
        before = np.concatenate([[0], np.cumsum(keep)])  # reservations kept before each one
        self._deadlines = [(due, int(before[a]), int(before[b]))
                           for due, a, b in self._deadlines if before[b] > before[a]]  # fmt: skip
        heapq.heapify(self._deadlines)

    # --- views ---------------------------------------------------------------------------------
    def view(self, hold: int) -> Reservation:
        """The reservation as a record (a copy: later changes do not show in it)."""
        h = self.holds.buffers()
        skus, locations = self.pool.skus, self.pool.locations
        lines = tuple(Line(skus[r], locations[c].id, q) for r, c, q in self._cells(hold))
        expires, closed = int(h["expires"][hold]), int(h["closed"][hold])
        return Reservation(
            self.keys[hold], lines, CHANNELS[h["channel"][hold]],
            EPOCH + int(h["created"][hold]) * MICROSECOND,
            None if expires == NEVER else EPOCH + expires * MICROSECOND,
            STATES[h["state"][hold]],
            None if closed == NEVER else EPOCH + closed * MICROSECOND,
        )  # fmt: skip

    def log_frame(self) -> pd.DataFrame:
        """The append-only log, one row per reservation line and event: `delta` is the change
        to reserved units (+ on reserve, - on commit, release and expiry)."""
        log = self.log.arrays()
        events = log["hold"]
        lines = self._line_indices(events)
        count = self.holds["count"][events]
        sign = np.where(log["action"] == HELD, 1, -1)
        pool = self.pool
        locations = np.array([loc.id for loc in pool.locations], dtype=object)
        return pd.DataFrame({
            "at": pd.to_datetime(np.repeat(log["at"], count), unit="us"),
            "action": pd.Categorical.from_codes(np.repeat(log["action"], count), ACTIONS),
            "key": np.array(self.keys, dtype=object)[np.repeat(events, count)],
            "sku": np.array(pool.skus, dtype=object)[self.lines["row"][lines]],
            "location": locations[self.lines["column"][lines]],
            "channel": np.repeat(self.holds["channel"][events], count),
            "delta": np.repeat(sign, count) * self.lines["quantity"][lines],
        })  # fmt: skip

    def reserved_from_log(self) -> dict[tuple[str, str, SalesChannel], int]:
        """Reserved quantity per (sku, location, channel), recomputed from the log alone."""
        frame = self.log_frame()
        totals = frame.groupby(["sku", "location", "channel"], observed=True)["delta"].sum()
        return {(s, loc, SalesChannel(int(c))): int(q) for (s, loc, c), q in totals.items() if q}


def lines_of(bounds: np.ndarray, items: np.ndarray) -> np.ndarray:
    """Indices of the lines of batch items `items`, in item order."""
    start, count = bounds[items], bounds[items + 1] - bounds[items]
    return np.repeat(start - np.cumsum(count) + count, count) + np.arange(int(count.sum()))
