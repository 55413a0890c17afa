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

SEPARATORS = "@#"  # start a parcel's suffix ("S-17@DC", "S-17#2@DC")


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
    def split_suffixed(key: str) -> tuple[str, int, str] | None:
        """(prefix, number, suffix) of a key a block could hold followed by a parcel's
        suffix, which starts at the first '@' or '#': "S-17@DC" -> ("S-", 17, "@DC")."""
        cut = min((i for i in (key.find(c) for c in SEPARATORS) if i >= 0), default=len(key))
        head = KeyBlock.split(key[:cut])
        return None if head is None else (head[0], head[1], key[cut:])

    @staticmethod
    def split(key: str) -> tuple[str, int] | None:
        """(prefix, number) of a key that a block could hold, else None: "S-7" -> ("S-", 7)."""
        head = key.rstrip("0123456789")
        tail = key[len(head) :]
        if not head or not tail or (len(tail) > 1 and tail[0] == "0") or not tail.isascii():
            return None
        return head, int(tail)


class KeyRanges:
    """A set of keys kept as runs of numbers per (prefix, suffix) (a day's block of keys is
    one run), and as text the keys that are no block's: a module remembers every key it has
    archived in a few bytes per block, so that an archived key is never used again."""

    def __init__(self) -> None:
        self._runs: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}  # starts, stops
        self._text: set[str] = set()

    def __len__(self) -> int:
        runs = sum(int((stops - starts).sum()) for starts, stops in self._runs.values())
        return runs + len(self._text)

    def __bool__(self) -> bool:
        return bool(self._runs or self._text)

    def add(self, prefix: str, numbers: np.ndarray, suffix: str = "") -> None:
        """Add the keys `prefix + str(n) + suffix` for each n of `numbers`."""
        numbers = np.unique(np.asarray(numbers, np.int64))
        if not len(numbers):
            return
        empty = np.zeros(0, np.int64)
        starts, stops = self._runs.get((prefix, suffix), (empty, empty))
        # Every number as a run of one, merged with the runs kept: sort by start, then join
        # each run to the one before it when they touch or overlap.
        starts = np.concatenate([starts, numbers])
        stops = np.concatenate([stops, numbers + 1])
        order = np.argsort(starts, kind="stable")
        starts, stops = starts[order], np.maximum.accumulate(stops[order])
        fresh = np.concatenate([[True], starts[1:] > stops[:-1]])
        group = np.cumsum(fresh) - 1
        ends = np.zeros(int(group[-1]) + 1, np.int64)
        np.maximum.at(ends, group, stops)
        self._runs[(prefix, suffix)] = (starts[fresh], ends)

    def add_texts(self, keys) -> None:
        """Add keys given as text (grouped into runs where they are a block's)."""
        groups: dict[tuple[str, str], list[int]] = {}
        for key in keys:
            parts = KeyBlock.split_suffixed(key)
            if parts is None:
                self._text.add(key)
            else:
                groups.setdefault((parts[0], parts[2]), []).append(parts[1])
        for (prefix, suffix), numbers in groups.items():
            self.add(prefix, np.array(numbers, np.int64), suffix)

    def contains(self, prefix: str, numbers: np.ndarray, suffix: str = "") -> np.ndarray:
        """Mask of the numbers whose key is in the set."""
        numbers = np.asarray(numbers, np.int64)
        runs = self._runs.get((prefix, suffix))
        if runs is None:
            return np.zeros(len(numbers), bool)
        starts, stops = runs
        at = np.searchsorted(starts, numbers, side="right") - 1
        return (at >= 0) & (numbers < stops[np.maximum(at, 0)])

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str) or not (self._runs or self._text):
            return False
        parts = KeyBlock.split_suffixed(key)
        if parts is None:
            return key in self._text
        return bool(self.contains(parts[0], np.array([parts[1]], np.int64), parts[2])[0])
