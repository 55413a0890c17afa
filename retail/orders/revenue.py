"""Revenue sharing (利益分配): each sale is split between the originating store (whose follower
or guide brought it), the fulfilling store, the guide's commission and HQ, in an append-only
ledger with per-store and per-guide statements.

Rounding rule: every share except HQ's is the amount times its rate in basis points divided
by 10,000, truncated toward zero (so a refund mirrors its sale exactly); HQ receives the rest.
The shares therefore always sum to the amount, and no store or guide is ever paid a fraction
of a cent it did not earn. A refund is split by computing the shares of everything refunded so
far and posting the difference, so a full refund takes every party back to exactly zero.

Promises: amounts are whole cents within `retail.checks.MAX_CENTS`; bad input is an
`InvalidInput` naming the field and a refused posting writes nothing. Thread-safe: every
public call holds the ledger's one re-entrant lock. Idempotent: a sale by order key, a refund
by refund key (the same figures again post nothing; other figures are a `Conflict`)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from retail import checks
from retail.clock import checked_time, microseconds
from retail.columns import Columns, texts
from retail.errors import Archived, Conflict, InvalidInput, NotFound
from retail.keys import KeyBlock, KeyRanges
from retail.orders.columns import checked_block
from retail.orders.ledger_batch import BatchSales

BASIS = 10_000
ROLES = ("origin", "fulfil", "guide", "hq")
KINDS = ("sale", "refund")
HQ = "HQ"


@dataclass(frozen=True)
class SharingRules:
    """Rates in basis points of the order amount. Defaults: the store that brought the
    customer 5 %, the store that packed and shipped 10 %, the guide 3 %, HQ (which owns the
    goods) the rest. When one store both brought and fulfilled an order it earns both shares.
    A missing guide's share goes to `unassigned_guide_to` ("hq" or "origin"), a missing
    originating store's share to HQ."""

    origin_bp: int = 500
    fulfil_bp: int = 1_000
    guide_bp: int = 300
    unassigned_guide_to: str = "hq"

    def __post_init__(self) -> None:
        for name in ("origin_bp", "fulfil_bp", "guide_bp"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= BASIS:
                raise InvalidInput(
                    f"sharing.{name}", f"whole basis points in [0, 10000], got {value!r}"
                )
        total = self.origin_bp + self.fulfil_bp + self.guide_bp
        if total > BASIS:
            raise InvalidInput("sharing", f"rates add up to {total} basis points, above 10000")
        if self.unassigned_guide_to not in ("hq", "origin"):
            raise InvalidInput(
                "sharing.unassigned_guide_to", f"'hq' or 'origin', got {self.unassigned_guide_to!r}"
            )


def split_amounts(amount: np.ndarray, has_origin: np.ndarray, has_guide: np.ndarray,
                  rules: SharingRules) -> np.ndarray:  # fmt: skip
    """Cents per role (origin, fulfil, guide, hq) for each amount: n x 4, rows summing to the
    amounts. Vectorised; `split` is the same for one order."""
    amount = np.asarray(amount, np.int64)
    guide_bp = np.where(has_guide, rules.guide_bp, 0)
    origin_bp = np.where(has_origin, rules.origin_bp, 0)
    if rules.unassigned_guide_to == "origin":
        origin_bp = origin_bp + np.where(has_origin & ~has_guide, rules.guide_bp, 0)
    shares = np.empty((len(amount), 4), np.int64)
    for role, bp in enumerate((origin_bp, rules.fulfil_bp, guide_bp)):
        product = amount * bp
        shares[:, role] = np.sign(product) * (np.abs(product) // BASIS)  # toward zero
    shares[:, 3] = amount - shares[:, :3].sum(axis=1)
    return shares


def split(amount: int, has_origin: bool, has_guide: bool, rules: SharingRules) -> tuple[int, ...]:
    """`split_amounts` for one order, in plain integers (the till's path: one sale at a time)."""
    guide_bp = rules.guide_bp if has_guide else 0
    origin_bp = rules.origin_bp if has_origin else 0
    if rules.unassigned_guide_to == "origin" and has_origin and not has_guide:
        origin_bp += rules.guide_bp
    shares = [
        (1 if amount >= 0 else -1) * (abs(amount * bp) // BASIS)  # toward zero
        for bp in (origin_bp, rules.fulfil_bp, guide_bp)
    ]
    return (*shares, amount - sum(shares))


@dataclass(frozen=True)
class Share:
    party_kind: str  # store | guide | hq
    party: str
    role: str  # origin | fulfil | guide | hq
    cents: int


@dataclass(frozen=True)
class _Sale:
    amount: int
    parties: tuple[str, str, str, str]  # who plays origin, fulfil, guide, hq
    at: dt.datetime


class RevenueLedger:
    """Sales and refunds split by `rules`, one row per party and posting; append-only."""

    def __init__(self, rules: SharingRules | None = None) -> None:
        self.rules = rules or SharingRules()
        i64 = np.dtype(np.int64)
        self.entries = Columns({"at": (i64, 0), "order": (i64, 0), "party": (i64, 0),
                                "role": (np.dtype(np.int8), 0), "kind": (np.dtype(np.int8), 0),
                                "cents": (i64, 0)}, capacity=4096)  # fmt: skip
        self.orders: list[str] = []
        self.parties: list[str] = []
        self._party_index: dict[str, int] = {}
        self._order_index: dict[str, int] = {}
        self._sales: dict[str, _Sale] = {}
        self._refunds: dict[str, tuple[str, int]] = {}  # refund key -> (order, cents)
        self._refunded: dict[str, int] = {}
        self._batch = BatchSales()  # sales posted by post_sales_many, as columns
        self._archived = KeyRanges()  # the keys of the sales `archive` forgot
        self.archived_before: dt.datetime | None = None
        self._lock = threading.RLock()  # held by every public call

    # --- posting ---------------------------------------------------------------------------
    def post_sale(self, order_key: str, amount_cents: int, at: dt.datetime, origin: str | None,
                  fulfilling: str, guide: str | None) -> tuple[Share, ...]:  # fmt: skip
        """Split a sale; the same order posted again with the same figures is one posting,
        with other figures a Conflict."""
        order_key = checks.key(order_key, "order_key")
        amount_cents = checks.cents(amount_cents, "amount_cents")
        parties = _parties(origin, fulfilling, guide)
        when = microseconds(at)
        with self._lock:
            existing = self._sale(order_key)
            self._refuse_archived([order_key])
            if existing is not None:
                if (existing.amount, existing.parties) == (amount_cents, parties):
                    return self.shares(order_key)
                raise Conflict(f"order {order_key!r} was posted with other figures")
            shares = split(amount_cents, origin is not None, guide is not None, self.rules)
            self._sales[order_key] = _Sale(amount_cents, parties, at)
            self._batch.note_text(order_key)
            self._write(order_key, parties, shares, when, 0)
            return self._rows(order_key, parties, shares)

    def post_sales(self, order_keys: list[str], amounts: np.ndarray,
                   at: dt.datetime | Sequence[dt.datetime], origins: list[str | None],
                   fulfilling: list[str], guides: list[str | None]) -> None:  # fmt: skip
        """Many new sales at once (no replays), split exactly as `post_sale` would; `at` is
        one time for all or each sale's own. All are posted or none."""
        keys = checks.distinct_keys(order_keys, "order_keys")
        amounts = checks.cents_array(amounts, "amounts")
        ats = [at] * len(keys) if isinstance(at, dt.datetime) else list(at)
        if len(ats) != len(keys):
            raise InvalidInput("at", f"{len(ats)} times for {len(keys)} sales")
        n = checks.same_length("post_sales", order_keys=keys, amounts=amounts, origins=origins,
                               fulfilling=fulfilling, guides=guides)  # fmt: skip
        times = np.array([microseconds(when, f"at[{i}]") for i, when in enumerate(ats)], np.int64)
        parties = [
            _parties(o, f, g, (f"origins[{i}]", f"fulfilling[{i}]", f"guides[{i}]"))
            for i, (o, f, g) in enumerate(zip(origins, fulfilling, guides, strict=True))
        ]
        has_origin = np.array([o is not None for o in origins], bool)
        has_guide = np.array([g is not None for g in guides], bool)
        shares = split_amounts(amounts, has_origin, has_guide, self.rules)
        with self._lock:
            if any(k in self._sales for k in keys) or (
                len(self._batch) and any(self._batch.row(k) >= 0 for k in keys)
            ):
                raise Conflict("post_sales takes new order keys only, each once")
            self._refuse_archived(keys)
            for key, amount, who, when in zip(keys, amounts.tolist(), parties, ats, strict=True):
                self._sales[key] = _Sale(amount, who, when)
                self._batch.note_text(key)
            orders = np.repeat([self._order(k) for k in keys], 4)
            party = np.array([self._party(p) for who in parties for p in who], np.int64)
            self.entries.extend(at=np.repeat(times, 4), order=orders, party=party,
                                role=np.tile(np.arange(4), n), kind=np.zeros(4 * n),
                                cents=shares.ravel())  # fmt: skip

    def post_refund(self, order_key: str, refund_key: str, amount_cents: int,
                    at: dt.datetime) -> tuple[Share, ...]:  # fmt: skip
        """Give back part of a sale; what each party returns is the change in its share of
        everything refunded so far. Idempotent under `refund_key`."""
        order_key, refund_key = (
            checks.key(order_key, "order_key"),
            checks.key(refund_key, "refund_key"),
        )
        amount_cents = checks.cents(amount_cents, "amount_cents")
        when = microseconds(at)
        with self._lock:
            sale = self._sale(order_key)
            if sale is None:
                raise (Archived if order_key in self._archived else NotFound)("sale", order_key)
            existing = self._refunds.get(refund_key)
            if existing is not None:
                if existing == (order_key, amount_cents):
                    return ()
                raise Conflict(f"refund {refund_key!r} was posted with other figures")
            before = self._refunded.get(order_key, 0)
            if before + amount_cents > sale.amount:
                raise InvalidInput(
                    "amount_cents",
                    f"{amount_cents} refunded, "
                    f"{sale.amount - before} of order {order_key!r} left to refund",
                )
            has = np.array([sale.parties[0] != HQ]), np.array([sale.parties[2] != HQ])
            old, new = split_amounts(np.array([before, before + amount_cents]), *has, self.rules)
            self._refunds[refund_key] = (order_key, amount_cents)
            self._refunded[order_key] = before + amount_cents
            row = self._batch.row(order_key) if order_key not in self._sales else -1
            if row >= 0:
                self._batch.rows["refunded"][row] = before + amount_cents
            self._write(order_key, sale.parties, old - new, when, 1)
            return tuple(s for s in self._rows(order_key, sale.parties, old - new) if s.cents)

    def _refuse_archived(self, keys: list[str]) -> None:
        keys = list(keys)
        archived = self._archived.contains_texts(keys)
        if archived.any():
            key = keys[int(archived.argmax())]
            raise Conflict(f"sale {key!r} was archived: its key is not posted again")

    def _write(self, order_key, parties, cents, when: int, kind) -> None:
        order = self._order(order_key)
        cents = cents.tolist() if isinstance(cents, np.ndarray) else cents
        for role, (party, amount) in enumerate(zip(parties, cents, strict=True)):
            self.entries.append(at=when, order=order, party=self._party(party),
                                role=role, kind=kind, cents=amount)  # fmt: skip

    def _order(self, key: str) -> int:
        """The order's id in the entries: its index in `orders`, or -1 - its batch row."""
        if key not in self._sales and key not in self._order_index:
            row = self._batch.row(key)
            if row >= 0:
                return -1 - row
        if key not in self._order_index:
            self._order_index[key] = len(self.orders)
            self.orders.append(key)
        return self._order_index[key]

    def _party(self, name: str) -> int:
        if name not in self._party_index:
            self._party_index[name] = len(self.parties)
            self.parties.append(name)
        return self._party_index[name]

    # --- reading ---------------------------------------------------------------------------
    def shares(self, order_key: str) -> tuple[Share, ...]:
        """The order's sale split, as posted."""
        with self._lock:
            sale = self._sale(order_key)
            if sale is None:
                raise (Archived if order_key in self._archived else NotFound)("sale", order_key)
        cents = split(sale.amount, sale.parties[0] != HQ, sale.parties[2] != HQ, self.rules)
        return self._rows(order_key, sale.parties, cents)

    @staticmethod
    def _rows(order_key, parties, cents) -> tuple[Share, ...]:
        kinds = ("store", "store", "guide", "hq")
        return tuple(
            Share("hq" if party == HQ else kinds[role], party, ROLES[role], int(c))
            for role, (party, c) in enumerate(zip(parties, cents, strict=True))
        )

    def frame(self) -> pd.DataFrame:
        """Every posting: at, order, party, party_kind, role, kind (sale|refund), cents."""
        with self._lock:
            return self._postings(np.ones(self.entries.size, bool))

    def _postings(self, which: np.ndarray) -> pd.DataFrame:
        """`frame` of the entries where the mask `which` is true."""
        with self._lock:
            e = {name: column[which] for name, column in self.entries.arrays().items()}
            parties, order = list(self.parties), e["order"]
            batch = order < 0
            sold, at = np.unique(-1 - order[batch], return_inverse=True)  # batch rows
            order[batch] = len(self.orders) + at
            orders = pa.chunked_array([pa.array(list(self.orders), pa.string()),
                                       pa.array(self._batch.keys(sold), pa.string())],
                                      pa.string())  # fmt: skip
        kind = np.array([0, 0, 1, 2])[e["role"]]  # store, store, guide, hq; the HQ party: hq
        if HQ in parties:
            kind[e["party"] == parties.index(HQ)] = 2
        return pd.DataFrame({
            "at": pd.to_datetime(e["at"], unit="us"),
            "order": texts(orders.combine_chunks(), order),
            "party": texts(parties, e["party"]),
            "party_kind": texts(["store", "guide", "hq"], kind),
            "role": pd.Categorical.from_codes(e["role"], ROLES),
            "kind": pd.Categorical.from_codes(e["kind"], KINDS),
            "cents": e["cents"],
        })  # fmt: skip

    def archive(self, before: dt.datetime) -> dict[str, pd.DataFrame]:
        """Forget the batch-posted sales posted before `before`, with every posting of them
        (their refunds too), and return those postings as `postings` (`frame` rows); empty
        when there are none. An archived sale can no longer be refunded, and its key is
        never posted again; statements cannot start before the newest `before`."""
        limit = microseconds(before, "before")
        with self._lock:
            b = self._batch
            gone = np.flatnonzero(b.rows["at"] < limit) if len(b) else np.zeros(0, np.int64)
            if not len(gone):
                return {}
            gone_mask = np.zeros(len(b), bool)
            gone_mask[gone] = True
            order = self.entries["order"]
            archived = (order < 0) & gone_mask[np.maximum(-1 - order, 0)]
            postings = self._postings(archived)
            # The refund books hold the few sales refunded: look those up, not every key.
            forgotten = {k for k in self._refunded if (row := b.row(k)) >= 0 and gone_mask[row]}
            if forgotten:
                for key in forgotten:
                    del self._refunded[key]
                self._refunds = {k: v for k, v in self._refunds.items() if v[0] not in forgotten}
            r = b.rows
            codes, group = np.unique(r["prefix"][gone] * len(b.suffixes) + r["suffix"][gone],
                                     return_inverse=True)  # fmt: skip
            heads = [(b.prefixes[p], b.suffixes[x])
                     for p, x in (divmod(c, len(b.suffixes)) for c in codes.tolist())]  # fmt: skip
            self._archived.add_grouped(heads, group, r["number"][gone])
            moved = b.forget(gone)
            self.entries.compact(~archived)
            order = self.entries["order"]
            batch = order < 0
            order[batch] = -1 - moved[-1 - order[batch]]
            self.archived_before = max(self.archived_before or before, before)
            return {"postings": postings}

    def statement(self, party: str, start: dt.datetime, end: dt.datetime) -> pd.DataFrame:
        """One party's postings within [start, end)."""
        self._check_period(start, end)
        frame = self.frame()
        return frame[(frame["party"] == party) & (frame["at"] >= start) & (frame["at"] < end)]

    def statements(self, party_kind: str, start: dt.datetime, end: dt.datetime) -> pd.DataFrame:
        """Per party of `party_kind` (store, guide, hq) within [start, end): sales share,
        refunds, net in cents, and the number of orders."""
        self._check_period(start, end)
        frame = self.frame()
        frame = frame[
            (frame["party_kind"] == party_kind) & (frame["at"] >= start) & (frame["at"] < end)
        ]
        signed = frame.assign(
            sales=frame["cents"].where(frame["kind"] == "sale", 0),
            refunds=frame["cents"].where(frame["kind"] == "refund", 0),
        )
        table = signed.groupby("party").agg(
            sales_cents=("sales", "sum"),
            refunds_cents=("refunds", "sum"),
            orders=("order", "nunique"),
        )
        table["net_cents"] = table["sales_cents"] + table["refunds_cents"]
        return table

    def _check_period(self, start: dt.datetime, end: dt.datetime) -> None:
        checked_time(start, "start")
        checked_time(end, "end")
        if self.archived_before is not None and start < self.archived_before:
            raise InvalidInput("start", f"postings before {self.archived_before} are archived")

    def unbalanced(self) -> list[str]:
        """Orders whose postings do not sum to what was sold minus what was refunded (none,
        unless the ledger is broken). Summed in int64: exact, every posting being within
        MAX_CENTS."""
        with self._lock:
            e = self.entries.arrays()
            single = e["order"] >= 0
            posted = np.zeros(len(self.orders), np.int64)
            np.add.at(posted, e["order"][single], e["cents"][single])
            wrong = [
                key
                for i, key in enumerate(self.orders)
                if int(posted[i]) != self._sales[key].amount - self._refunded.get(key, 0)
            ]
            b = self._batch.rows
            posted = np.zeros(b.size, np.int64)
            np.add.at(posted, -1 - e["order"][~single], e["cents"][~single])
            bad = np.flatnonzero(posted != b["amount"] - b["refunded"])
            return wrong + list(self._batch.keys(bad))

    def _sale(self, key: str) -> _Sale | None:
        """The sale posted under this text key, by `post_sale(s)` or a batch."""
        sale = self._sales.get(key)
        if sale is None and len(self._batch):
            row = self._batch.row(key)
            if row >= 0:
                sale = _Sale(*self._batch.sale(row, self.parties))
        return sale

    def post_sales_many(
        self, keys: KeyBlock, amounts: np.ndarray, at_us: np.ndarray, origins: np.ndarray,
        fulfilling: np.ndarray, guides: np.ndarray, party_names: Sequence[str],
        suffixes: np.ndarray | None = None, suffix_names: Sequence[str] = (),
    ) -> int:  # fmt: skip
        """Many new sales as columns, split exactly as `post_sale` splits each: sale i is keyed
        `keys[i] + suffix_names[suffixes[i]]` (a suffix starts with '@' or '#': a parcel of
        an order, "S-17@DC"; -1 or no `suffixes`: the key alone), posted at `at_us[i]`
        (microseconds since the epoch), with `origins`, `fulfilling` and `guides` codes into
        `party_names` (-1: none for origins and guides, whose share goes as `post_sale` sends
        it). Every key must be new (posted before by any path, or twice here: Conflict). All
        are posted or none; returns how many."""
        keys = checked_block(keys, "keys")
        n = len(keys)
        amounts = checks.cents_array(amounts, "amounts")
        at_us = checks.integers(at_us, "at_us", 0, 2**62, "microseconds since the epoch")
        names = [checks.key(p, f"party_names[{i}]") for i, p in enumerate(party_names)]
        top = len(names) - 1
        origin = checks.integers(origins, "origins", -1, top, "a code into party_names")
        fulfil = checks.integers(fulfilling, "fulfilling", 0, top, "a code into party_names")
        guide = checks.integers(guides, "guides", -1, top, "a code into party_names")
        tails = [checks.key(x, f"suffix_names[{i}]") for i, x in enumerate(suffix_names)]
        for i, tail in enumerate(tails):
            if tail[0] not in "@#":
                raise InvalidInput(f"suffix_names[{i}]", f"must start with '@' or '#': {tail!r}")
        suffix = np.full(n, -1, np.int64)
        if suffixes is not None:
            suffix = checks.integers(suffixes, "suffixes", -1, len(tails) - 1, "a suffix code")
        checks.same_length("post_sales_many", keys=keys.numbers, amounts=amounts,
                           at_us=at_us, origins=origin, fulfilling=fulfil, guides=guide,
                           suffixes=suffix)  # fmt: skip
        shares = split_amounts(amounts, origin >= 0, guide >= 0, self.rules)
        with self._lock:
            codes = np.array([self._party(p) for p in names] + [self._party(HQ)], np.int64)
            tail_codes = np.append(self._batch.suffix_codes(tails), 0)
            suffix = tail_codes[suffix]
            for code in np.unique(suffix).tolist():
                mine = keys.numbers[suffix == code]
                suffix_name = self._batch.suffixes[code]
                archived = mine[self._archived.contains(keys.prefix, mine, suffix_name)]
                if len(archived):
                    key = f"{keys.prefix}{archived[0]}{self._batch.suffixes[code]}"
                    raise Conflict(f"sale {key!r} was archived: its key is not posted again")
            self._batch.check_new(keys.prefix, keys.numbers, suffix,
                                  lambda key: key in self._sales)  # fmt: skip
            parties = np.stack([codes[origin], codes[fulfil], codes[guide],
                                np.full(n, codes[-1])], axis=1)  # fmt: skip
            rows = self._batch.add(keys.prefix, keys.numbers, suffix, amounts, parties, at_us)
            self.entries.extend(at=np.repeat(at_us, 4), order=np.repeat(-1 - rows, 4),
                                party=parties.ravel(), role=np.tile(np.arange(4), n),
                                kind=np.zeros(4 * n), cents=shares.ravel())  # fmt: skip
            return n


def _parties(
    origin: object, fulfilling: object, guide: object,
    fields: tuple[str, str, str] = ("origin", "fulfilling", "guide"),
) -> tuple[str, str, str, str]:  # fmt: skip
    """Who plays origin, fulfil, guide and HQ: stores and guides by name, HQ for none."""
    origin = checks.optional_key(origin, fields[0])
    fulfilling = checks.key(fulfilling, fields[1])
    guide = checks.optional_key(guide, fields[2])
    return (origin or HQ, fulfilling, guide or HQ, HQ)
