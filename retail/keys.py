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
import pyarrow as pa
import pyarrow.compute as pc

from retail import checks
from retail.errors import InvalidInput

MAX_NUMBER = 2**62  # a block's largest key number
SEPARATORS = "@#"  # start a parcel's suffix ("S-17@DC", "S-17#2@DC")
_FOLD = 42  # bits of a key's number below its suffix's code (numbers up to 4.4e12)
_CODES = 1 << (63 - _FOLD)  # suffix codes that fold: a folded number stays below 2**63
_ON_ARRAYS = 256  # fewer keys are split in Python: Arrow's call costs more than it saves
# `KeyBlock.split_suffixed` on arrays, for numbers of up to 18 digits (longer ones, and
# every key it does not match, are split one by one): prefix, number, suffix.
_SUFFIXED = r"(?s)^(?P<prefix>[^@#]*[^0-9@#])(?P<number>0|[1-9][0-9]{0,17})(?P<suffix>[@#].*)?$"


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
        numbers = checks.integers(self.numbers, "keys.numbers", 0, MAX_NUMBER, "an order number")
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
        rows = np.asarray(rows)
        numbers = self.numbers[rows]
        distinct = rows.dtype == bool or (
            rows.ndim == 1 and (len(rows) < 2 or (rows[0] >= 0 and (np.diff(rows) > 0).all()))
        )
        if not distinct:  # an index that may repeat a row: checked as a new block
            return KeyBlock(self.prefix, numbers)
        block = object.__new__(KeyBlock)  # a subset of a block's distinct keys, in its order
        object.__setattr__(block, "prefix", self.prefix)
        object.__setattr__(block, "numbers", numbers)
        return block

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
        number = int(tail)
        return (head, number) if number <= MAX_NUMBER else None


class KeyRanges:
    """A set of keys kept as runs of numbers per prefix (a day's block of keys is one run),
    and as text the keys that are no block's: a module remembers every key it has archived
    in a few bytes per block, so that an archived key is never used again. A parcel's suffix
    ("@S0042") goes into the number's high bits as a code, so that a day's parcels at a
    thousand locations are one array of runs, not a thousand."""

    def __init__(self) -> None:
        self._runs: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # prefix: starts, stops
        self._suffix: dict[str, int] = {"": 0}
        self._text: set[str] = set()  # no block's keys, and numbers too long to fold

    def __len__(self) -> int:
        runs = sum(int((stops - starts).sum()) for starts, stops in self._runs.values())
        return runs + len(self._text)

    def __bool__(self) -> bool:
        return bool(self._runs or self._text)

    def add(self, prefix: str, numbers: np.ndarray, suffix: str = "") -> None:
        """Add the keys `prefix + str(n) + suffix` for each n of `numbers`."""
        self.add_grouped([(prefix, suffix)], np.zeros(len(numbers), np.int64), numbers)

    def add_texts(self, keys) -> None:
        """Add keys given as text (grouped into runs where they are a block's)."""
        heads, group, numbers, texts = split_texts(list(keys))
        self._text.update(texts)
        self.add_grouped(heads, group, numbers)

    def add_grouped(self, heads: list[tuple[str, str]], group: np.ndarray,
                    numbers: np.ndarray) -> None:  # fmt: skip
        """Add the keys `prefix + str(n) + suffix` of each `heads[g]` = (prefix, suffix),
        for each n of `numbers` whose `group` is g (-1: none)."""
        numbers = np.asarray(numbers, np.int64)
        for suffix in {suffix for _, suffix in heads} - self._suffix.keys():
            self._suffix[suffix] = len(self._suffix)
        by_prefix: dict[str, list[np.ndarray]] = {}
        for (prefix, suffix), rows in zip(heads, _rows_by_group(group, len(heads)), strict=True):
            folded, long = _folded(numbers[rows], self._suffix[suffix])
            self._text.update(f"{prefix}{n}{suffix}" for n in numbers[rows][long].tolist())
            by_prefix.setdefault(prefix, []).append(folded[~long])
        for prefix, parts in by_prefix.items():
            self._merge(prefix, np.unique(np.concatenate(parts)))

    def _merge(self, prefix: str, numbers: np.ndarray) -> None:
        """Every (folded) number as a run of one, merged with the runs kept: sort by start,
        then join each run to the one before it when they touch or overlap."""
        if not len(numbers):
            return
        empty = np.zeros(0, np.int64)
        starts, stops = self._runs.get(prefix, (empty, empty))
        starts = np.concatenate([starts, numbers])
        stops = np.concatenate([stops, numbers + 1])
        order = np.argsort(starts, kind="stable")
        starts, stops = starts[order], np.maximum.accumulate(stops[order])
        fresh = np.concatenate([[True], starts[1:] > stops[:-1]])
        group = np.cumsum(fresh) - 1
        ends = np.zeros(int(group[-1]) + 1, np.int64)
        np.maximum.at(ends, group, stops)
        self._runs[prefix] = (starts[fresh], ends)

    def contains_texts(self, keys) -> np.ndarray:
        """Mask of the keys (text) in the set: `key in self` for each, on arrays."""
        keys = list(keys)
        if len(keys) < _ON_ARRAYS or not self:  # one by one: no array call's overhead
            return np.fromiter((key in self for key in keys), bool, len(keys))
        found = np.zeros(len(keys), bool)
        heads, group, numbers, _ = split_texts(keys)
        for (prefix, suffix), rows in zip(heads, _rows_by_group(group, len(heads)), strict=True):
            found[rows] = self.contains(prefix, numbers[rows], suffix)
        if self._text:
            texts = np.flatnonzero(group < 0)
            found[texts] = [keys[i] in self._text for i in texts.tolist()]
        return found

    def contains(self, prefix: str, numbers: np.ndarray, suffix: str = "") -> np.ndarray:
        """Mask of the numbers whose key is in the set."""
        numbers = np.asarray(numbers, np.int64)
        found = np.zeros(len(numbers), bool)
        code = self._suffix.get(suffix)
        if code is None:
            return found
        folded, long = _folded(numbers, code)
        runs = self._runs.get(prefix)
        if runs is not None:
            at = np.searchsorted(runs[0], folded, side="right") - 1
            found = (at >= 0) & (folded < runs[1][np.maximum(at, 0)]) & ~long
        if long.any() and self._text:
            found[long] = [f"{prefix}{n}{suffix}" in self._text for n in numbers[long].tolist()]
        return found

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str) or not (self._runs or self._text):
            return False
        parts = KeyBlock.split_suffixed(key)
        runs = None if parts is None else self._runs.get(parts[0])
        code = None if parts is None else self._suffix.get(parts[2])
        if parts is None or code is None or runs is None or parts[1] >> _FOLD or code >= _CODES:
            return key in self._text
        folded = code << _FOLD | parts[1]
        at = int(np.searchsorted(runs[0], folded, side="right")) - 1
        return at >= 0 and folded < int(runs[1][at])


def _folded(numbers: np.ndarray, code: int) -> tuple[np.ndarray, np.ndarray]:
    """Numbers with their suffix's code in the high bits, and the mask of those that do not
    fold (kept as text): too long a number, or more suffixes than the high bits hold."""
    if code >= _CODES:
        return np.zeros(len(numbers), np.int64), np.ones(len(numbers), bool)
    long = numbers >> _FOLD > 0
    return np.where(long, 0, numbers | (code << _FOLD)), long


def split_texts(keys: list[str]) -> tuple[list[tuple[str, str]], np.ndarray, np.ndarray, list[str]]:
    """The keys split as `KeyBlock.split_suffixed` splits each: the (prefix, suffix) heads,
    per key its head (-1: no block's key) and number, and the keys that are no block's."""
    group = np.full(len(keys), -1, np.int64)
    numbers = np.zeros(len(keys), np.int64)
    heads: dict[tuple[str, str], int] = {}
    rest = range(len(keys))
    if len(keys) >= _ON_ARRAYS:  # Arrow's regex in C++; what it leaves is split below
        parts = pc.extract_regex(pa.array(keys, pa.string()), _SUFFIXED)
        matched = parts.is_valid().to_numpy(zero_copy_only=False)
        if matched.any():
            parts = parts.filter(pa.array(matched))
            suffix = pc.fill_null(parts.field("suffix"), "")
            joined = pc.binary_join_element_wise(parts.field("prefix"), suffix, "\x00")
            joined = joined.dictionary_encode()
            where = np.flatnonzero(matched)
            group[where] = joined.indices.to_numpy()
            numbers[where] = pc.cast(parts.field("number"), pa.int64()).to_numpy()
            for text in joined.dictionary.to_pylist():
                heads[tuple(text.split("\x00", 1))] = len(heads)
        rest = np.flatnonzero(~matched).tolist()
    texts = []
    for i in rest:
        split = KeyBlock.split_suffixed(keys[i])
        if split is None:
            texts.append(keys[i])
        else:
            group[i] = heads.setdefault((split[0], split[2]), len(heads))
            numbers[i] = split[1]
    return list(heads), group, numbers, texts


def _rows_by_group(group: np.ndarray, groups: int) -> list[np.ndarray]:
    """Per group 0..groups-1, the rows in it (rows of group -1 in none)."""
    order = np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[order], np.arange(groups + 1))
    return [order[a:b] for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)]
