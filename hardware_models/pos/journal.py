"""The terminal's write-ahead journal: every sale is stored before it is forwarded.

Records are appended, never rewritten: `sale` when the customer has paid, `forwarded` when
head office acknowledged it. What has a sale and no forwarded record is pending. Storage
outlives the terminal object, as a disk outlives a crash: a new terminal on the same
storage finds every pending sale. A file journal survives a torn last line (power cut mid
write) by ignoring it and counting it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True)
class SaleRecord:
    """A sale as the terminal journals it: no personal data, money in cents."""

    key: str  # idempotency key: terminal and sequence number, unique for ever
    terminal: str
    sequence: int
    at_s: float
    items: tuple[tuple[str, int, int], ...]  # (sku, quantity, unit price in cents)
    amount_cents: int
    payment: str
    offline: bool
    reference: str = ""  # what the sale settles in store systems, e.g. the basket's stock hold
    salesperson: str = ""  # the staff code credited with the sale (the guide who helped)


class JournalStorage(Protocol):
    """Appends records (`sale` records carry a `SaleRecord`; files store it as JSON)."""

    def append(self, record: dict) -> None: ...
    def records(self) -> Iterator[dict]: ...


class MemoryStorage:
    """Journal storage that lives beside the terminal, for simulations."""

    def __init__(self) -> None:
        self._records: list[dict] = []

    def append(self, record: dict) -> None:
        self._records.append(record)

    def records(self) -> Iterator[dict]:
        return iter(list(self._records))


class FileStorage:
    """JSON Lines on disk, flushed (and by default fsynced) on every append."""

    def __init__(self, path: Path, fsync: bool = True) -> None:
        self.path = Path(path)
        self.fsync = fsync
        self.torn_records = 0

    def append(self, record: dict) -> None:
        if isinstance(record.get("sale"), SaleRecord):
            record = {**record, "sale": asdict(record["sale"])}
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(record, separators=(",", ":")) + "\n")
            f.flush()
            if self.fsync:
                os.fsync(f.fileno())

    def records(self) -> Iterator[dict]:
        if not self.path.exists():
            return iter(())
        out, self.torn_records = [], 0
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                self.torn_records += 1
        return iter(out)


class OfflineJournal:
    """Pending sales, rebuilt from storage on creation."""

    def __init__(self, storage: JournalStorage) -> None:
        self.storage = storage
        self.pending: dict[str, SaleRecord] = {}
        self.last_sequence = 0
        for record in storage.records():
            if record["op"] == "sale":
                sale = record["sale"]
                sale = sale if isinstance(sale, SaleRecord) else _sale_from(sale)
                self.pending[sale.key] = sale
                self.last_sequence = max(self.last_sequence, sale.sequence)
            elif record["op"] == "forwarded":
                self.pending.pop(record["key"], None)

    def record_sale(self, sale: SaleRecord) -> None:
        self.storage.append({"op": "sale", "sale": sale})
        self.pending[sale.key] = sale
        self.last_sequence = max(self.last_sequence, sale.sequence)

    def mark_forwarded(self, key: str) -> None:
        self.storage.append({"op": "forwarded", "key": key})
        self.pending.pop(key, None)

    def offline_count(self) -> int:
        return sum(sale.offline for sale in self.pending.values())


def _sale_from(fields: dict) -> SaleRecord:
    items = tuple((sku, int(qty), int(price)) for sku, qty, price in fields["items"])
    return SaleRecord(**{**fields, "items": items})
