"""Numbered keys: many order keys at once without a Python string per order.

A batch of orders from one source (a day of a chain's till sales, a day of online orders)
is keyed `prefix` + number: `KeyBlock("S-2026-03-02-", np.arange(40_000))` stands for
"S-2026-03-02-0" ... "S-2026-03-02-39999". Modules keep such keys as (prefix, number)
columns and answer for each by its text too (`order("S-2026-03-02-17")`), so a key is the
same key whichever path booked it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from retail import checks
from retail.errors import InvalidInput


@dataclass(frozen=True)
class KeyBlock:
    """Keys `prefix + str(n)` for each `n` of `numbers` (distinct, non-negative int64)."""

    prefix: str
    numbers: np.ndarray

    def __post_init__(self) -> None:
        checks.key(self.prefix, "keys.prefix")
        if self.prefix[-1:].isdigit():
            # "A1" + 23 and "A12" + 3 would both be "A123": the prefix must end in a non-digit.
            raise InvalidInput("keys.prefix", f"must not end in a digit, got {self.prefix!r}")
        numbers = checks.integers(self.numbers, "keys.numbers", 0, 2**62, "an order number")
        if len(np.unique(numbers)) != len(numbers):
            raise InvalidInput("keys.numbers", "each key may appear once in a batch")
        object.__setattr__(self, "numbers", numbers)

    @classmethod
    def range(cls, prefix: str, start: int, count: int) -> KeyBlock:
        """`count` keys numbered from `start`."""
        return cls(prefix, np.arange(start, start + count, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.numbers)

    def __getitem__(self, i: int) -> str:
        return f"{self.prefix}{int(self.numbers[i])}"

    def __iter__(self) -> Iterator[str]:
        prefix = self.prefix
        return (f"{prefix}{n}" for n in self.numbers.tolist())

    def take(self, rows: np.ndarray) -> KeyBlock:
        """The keys at `rows` (an index or a mask), as a block."""
        return KeyBlock(self.prefix, self.numbers[rows])

    @staticmethod
    def split(key: str) -> tuple[str, int] | None:
        """(prefix, number) of a key that a block could hold, else None: "S-7" -> ("S-", 7)."""
        head = key.rstrip("0123456789")
        tail = key[len(head) :]
        if not head or not tail or (len(tail) > 1 and tail[0] == "0") or not tail.isascii():
            return None
        return head, int(tail)
