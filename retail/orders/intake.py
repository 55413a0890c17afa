"""The order center's batch intake: a day of till sales booked (`book_store_sales_many`) and
a day of online orders submitted (`submit_many`) as columns, each order as the single path
would book it. Replays are found by key: the same spec again is skipped (REPEATED), another
spec is a Conflict (a CONFLICT code for `submit_many`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from retail import checks
from retail.clock import checked_time
from retail.errors import Conflict, InvalidInput
from retail.inventory.allocation import OrderLine
from retail.inventory.reservations import Outcome
from retail.keys import KeyBlock
from retail.orders.book import CODE, NONE
from retail.orders.columns import Lines, OnlineOrders, OrderLines, checked_block, checked_lines
from retail.orders.types import OrderSpec, OrderState, OrderType

LATEST_S = 2**40  # seconds since the epoch: far beyond any chain's calendar


class BatchIntake:
    """Mixed into OrderCenter."""

    def book_store_sales_many(
        self,
        keys: KeyBlock,
        stores: np.ndarray,
        store_names: Sequence[str],
        lines: OrderLines,
        at_s: np.ndarray,
        at: dt.datetime,
        guides: np.ndarray | None = None,
        guide_names: Sequence[str] = (),
        members: np.ndarray | None = None,
    ) -> int:
        """Till sales at many stores, booked as `book_store_sales` books them (paid and
        completed at `at_s[i]`, seconds since the epoch) without basket holds: units sold
        from each sale's store in one inventory call, the ledger posted in one call. `stores`
        are codes into `store_names`, `guides` into `guide_names` (-1: none), `members` ids
        (-1: none). A key booked before with the same sale is skipped, with another a
        Conflict; all or none (OutOfStock naming a short cell). Returns how many were booked."""
        keys = checked_block(keys)
        n = len(keys)
        checked_time(at)
        shops = [checks.key(s, f"store_names[{i}]") for i, s in enumerate(store_names)]
        people = [checks.key(g, f"guide_names[{i}]") for i, g in enumerate(guide_names)]
        store = checks.integers(stores, "stores", 0, len(shops) - 1, "a code into store_names")
        guide = _optional(guides, n, "guides", len(people) - 1)
        member = _optional(members, n, "members", checks.MAX_MEMBERS - 1)
        when = checks.integers(at_s, "at_s", 0, LATEST_S, "seconds since the epoch")
        checks.same_length(
            "book_store_sales_many",
            keys=keys.numbers,
            stores=store,
            at_s=when,
            guides=guide,
            members=member,
        )
        lines = checked_lines(lines, n)
        with self._lock:
            book = self._book
            codes = book.names.codes(shops + people)
            store_code = codes[store]
            guide_code = np.where(guide >= 0, codes[len(shops) + guide], NONE)
            new = self._replays(
                keys,
                lambda i: OrderSpec(
                    OrderType.STORE_SALE,
                    _lines(lines, i),
                    shops[store[i]],
                    guide=people[guide[i]] if guide[i] >= 0 else None,
                    member=int(member[i]) if member[i] >= 0 else None,
                ),
                conflict=True,
            )
            if not new.any():
                return 0
            mine = _subset(lines, new)
            if self.inventory is not None:
                owner = store[new][mine.order]
                sku_code, skus = pd.factorize(mine.sku)
                cell = sku_code * len(shops) + owner
                cells, inverse = np.unique(cell, return_inverse=True)
                units = np.bincount(inverse, weights=mine.quantity).astype(np.int64)
                self._sell_cells(
                    np.asarray(skus, dtype=object)[cells // len(shops)],
                    np.array(shops, dtype=object)[cells % len(shops)],
                    units,
                    at,
                )
            times = when[new] * 1_000_000
            states = {
                f"t_{s.value}": times
                for s in (OrderState.CREATED, OrderState.PAID, OrderState.COMPLETED)
            }
            rows = book.add(
                keys.take(new),
                mine,
                dict(
                    type=np.zeros(len(times)),
                    state=np.full(len(times), CODE[OrderState.COMPLETED]),
                    store=store_code[new],
                    guide=guide_code[new],
                    member=member[new],
                    fulfilled=times,
                    **states,
                ),
            )
            book.rows["sold"][rows] = book.rows["units"][rows]
            if self.ledger is not None:
                book.post(self.ledger, rows, times, suffixed=False)
            return int(new.sum())

    def submit_many(self, keys: KeyBlock, spec: OnlineOrders, at: dt.datetime) -> np.ndarray:
        """Online orders submitted as `submit` submits each (checked as `check_spec` checks
        one): an Outcome per order, DONE (created), REPEATED (the same key and spec again) or
        CONFLICT (the key carries another spec). Bad input is refused as a whole."""
        keys = checked_block(keys)
        n = len(keys)
        checked_time(at)
        if not isinstance(spec, OnlineOrders):
            raise InvalidInput("spec", f"must be OnlineOrders, got {type(spec).__name__}")
        shops = [checks.key(s, f"spec.store_names[{i}]") for i, s in enumerate(spec.store_names)]
        people = [checks.key(g, f"spec.guide_names[{i}]") for i, g in enumerate(spec.guide_names)]
        member = _optional(spec.members, n, "spec.members", checks.MAX_MEMBERS - 1)
        origin = _optional(spec.origin_stores, n, "spec.origin_stores", len(shops) - 1)
        pickup = _optional(spec.pickup_stores, n, "spec.pickup_stores", len(shops) - 1)
        guide = _optional(spec.guides, n, "spec.guides", len(people) - 1)
        promised = _optional(spec.promised_s, n, "spec.promised_s", LATEST_S)
        amount = checks.cents_array(spec.amount_cents, "spec.amount_cents")
        lat, lon = np.asarray(spec.lat), np.asarray(spec.lon)
        checks.same_length(
            "submit_many",
            keys=keys.numbers,
            members=member,
            origin_stores=origin,
            pickup_stores=pickup,
            guides=guide,
            promised_s=promised,
            amount_cents=amount,
            lat=lat,
            lon=lon,
        )
        if lat.dtype.kind not in "fiu" or lon.dtype.kind not in "fiu":
            raise InvalidInput("spec.lat/lon", "degrees as float arrays")
        lat, lon = lat.astype(float), lon.astype(float)
        missing = np.isnan(lat) & np.isnan(lon) & (pickup >= 0)
        off = ~missing & ~((np.abs(lat) <= 90) & (np.abs(lon) <= 180))  # NaN fails both
        if off.any():
            i = int(np.argmax(off))
            why = "an online order needs a delivery address or a pickup store"
            raise InvalidInput(f"orders[{i}].lat/lon", f"{why}; got {lat[i]}, {lon[i]}")
        lines = checked_lines(spec.lines, n, "spec.lines")
        wrong = amount != lines.amount
        if wrong.any():
            i = int(np.argmax(wrong))
            raise InvalidInput(
                f"spec.amount_cents[{i}]", f"the order's lines come to {lines.amount[i]}"
            )
        with self._lock:
            book = self._book
            codes = np.append(book.names.codes(shops + people), NONE)
            lat, lon = np.where(missing, np.nan, lat), np.where(missing, np.nan, lon)

            def one(i: int) -> OrderSpec:
                def shop(c):
                    return shops[c] if c >= 0 else None

                return OrderSpec(
                    OrderType.ONLINE,
                    _lines(lines, i),
                    shop(origin[i]),
                    guide=people[guide[i]] if guide[i] >= 0 else None,
                    member=int(member[i]) if member[i] >= 0 else None,
                    promised=None
                    if promised[i] < 0
                    else dt.datetime(1970, 1, 1) + dt.timedelta(seconds=int(promised[i])),
                    pickup_store=shop(pickup[i]),
                    lat=None if missing[i] else float(lat[i]),
                    lon=None if missing[i] else float(lon[i]),
                )

            out = np.full(n, Outcome.DONE, np.int64)
            new = self._replays(keys, one, conflict=False, out=out)
            if new.any():
                t = np.full(
                    int(new.sum()), (at - dt.datetime(1970, 1, 1)) // dt.timedelta(microseconds=1)
                )
                m = new
                book.add(
                    keys.take(new),
                    _subset(lines, new),
                    dict(
                        type=np.ones(len(t)),
                        state=np.full(len(t), CODE[OrderState.CREATED]),
                        store=np.where(origin >= 0, codes[origin], NONE)[m],
                        pickup=np.where(pickup >= 0, codes[pickup], NONE)[m],
                        guide=np.where(guide >= 0, codes[len(shops) + guide], NONE)[m],
                        member=member[m],
                        lat=lat[m],
                        lon=lon[m],
                        promised=np.where(promised >= 0, promised * 1_000_000, NONE)[m],
                        t_created=t,
                    ),
                )
            return out

    def _replays(self, keys: KeyBlock, spec_of, conflict: bool, out=None) -> np.ndarray:
        """Mask of the keys not booked before; a key booked before with the same spec is a
        replay (REPEATED in `out`), with another a Conflict (or CONFLICT in `out`)."""
        rows, single = self._locate(keys)
        seen = np.flatnonzero((rows >= 0) | single)
        for i in seen.tolist():  # replays only: the same order again, compared as a spec
            key = keys[i]
            old = self.orders[key].spec if single[i] else self._book.spec(int(rows[i]))
            if old != spec_of(i):
                if conflict:
                    raise Conflict(f"order {key!r} was submitted with another spec")
                out[i] = Outcome.CONFLICT
            elif out is not None:
                out[i] = Outcome.REPEATED
        new = np.ones(len(keys), bool)
        new[seen] = False
        archived = np.flatnonzero(self.archived(keys))
        if len(archived) and conflict:
            raise Conflict(
                f"order {keys[int(archived[0])]!r} was archived: its key is not used again"
            )
        if out is not None:
            out[archived] = Outcome.CONFLICT
        new[archived] = False
        return new


def _optional(values, n: int, field: str, top: int) -> np.ndarray:
    """Codes or ids with -1 for none; all -1 when not given."""
    if values is None:
        return np.full(n, NONE, np.int64)
    return checks.integers(values, field, -1, top, "a code (or -1 for none)")


def _lines(lines: Lines, i: int) -> tuple[OrderLine, ...]:
    a, b = int(lines.first[i]), int(lines.first[i] + lines.count[i])
    return tuple(
        OrderLine(s, int(q), int(p))
        for s, q, p in zip(
            lines.sku[a:b], lines.quantity[a:b].tolist(), lines.price[a:b].tolist(), strict=True
        )
    )


def _subset(lines: Lines, keep: np.ndarray) -> Lines:
    """The lines of the orders where `keep`, renumbered."""
    if keep.all():
        return lines
    mine = keep[lines.order]
    count = lines.count[keep]
    first = np.concatenate(([0], np.cumsum(count)[:-1])).astype(np.int64)
    order = np.repeat(np.arange(len(count)), count)
    return Lines(
        order,
        lines.sku[mine],
        lines.quantity[mine],
        lines.price[mine],
        first,
        count,
        lines.amount[keep],
    )
