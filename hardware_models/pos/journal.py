"""The terminal's write-ahead journal: every sale is stored before it is forwarded.

Records are appended, never rewritten: `sale` when the customer has paid, `forwarded` when
head office acknowledged it. What has a sale and no forwarded record is pending. Storage
outlives the terminal object, as a disk outlives a crash: a new terminal on the same
storage finds every pending sale. A file journal survives a power cut mid write: at boot
it drops the torn last line, keeping every record before it, and carries on after it.
"""

from __future__ import annotations

import json
import os
import zlib
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
    """JSON Lines on disk, one CRC-checked record per line, flushed (by default fsynced) on
    every append.

    A power cut can leave the last line half written. Booting (`records`) cuts such a torn
    tail off, so the next append starts on a line of its own instead of being glued to the
    fragment and lost with it; a tail that is a whole record short of its newline is kept.
    A damaged line elsewhere is skipped. Both are counted in `torn_records`.
    """

    def __init__(self, path: Path, fsync: bool = True) -> None:
        self.path = Path(path)
        self.fsync = fsync
        self.torn_records = 0
        self._tail_checked = False  # appends must not follow an unchecked, maybe torn, tail

    def append(self, record: dict) -> None:
        if not self._tail_checked:
            self._recover()
        if isinstance(record.get("sale"), SaleRecord):
            record = {**record, "sale": asdict(record["sale"])}
        with self.path.open("ab") as f:
            f.write(_line(record))
            f.flush()
            if self.fsync:
                os.fsync(f.fileno())

    def records(self) -> Iterator[dict]:
        self._recover()
        if not self.path.exists():
            return iter(())
        out = []
        for line in self.path.read_bytes().splitlines():
            record = _parse(line)
            if record is None:
                self.torn_records += 1
            else:
                out.append(record)
        return iter(out)

    def _recover(self) -> None:
        """Make the file end at a record boundary, as every append expects."""
        self._tail_checked, self.torn_records = True, 0
        if not self.path.exists():
            return
        with self.path.open("r+b") as f:
            data = f.read()
            start = data.rfind(b"\n") + 1
            if start == len(data):
                return
            if _parse(data[start:]) is not None:
                f.write(b"\n")  # whole but for its newline: the cut came just before it
            else:
                f.truncate(start)
                self.torn_records += 1
            f.flush()
            if self.fsync:
                os.fsync(f.fileno())


# A CRC32 per line, not a length prefix: a length catches a short tail, but a cut on flash
# or under a journalling filesystem can also leave the right length holding zeros, stale
# blocks or flipped bits, and a flipped digit still parses as JSON. A checksum rejects any
# damaged record; logs built for power loss (LevelDB's, SQLite's WAL) checksum each record.
def _line(record: dict) -> bytes:
    payload = json.dumps(record, separators=(",", ":")).encode("ascii")  # escapes newlines
    return b"%08x %s\n" % (zlib.crc32(payload), payload)


def _parse(line: bytes) -> dict | None:
    """The record on `line`, or None if the line is torn or damaged. A line of the journal's
    first format (plain JSON, no checksum) is read as it is: a till upgraded with sales still
    journalled forwards them, trusting what was written before checks existed."""
    if line.startswith(b"{"):
        try:
            return json.loads(line)
        except ValueError:  # a torn legacy line
            return None
    checksum, _, payload = line.partition(b" ")
    try:
        if len(checksum) != 8 or int(checksum, 16) != zlib.crc32(payload):
            return None
        return json.loads(payload)
    except ValueError:  # not hex, or (past a colliding checksum) not JSON
        return None


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
