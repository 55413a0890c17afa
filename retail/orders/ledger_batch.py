"""The revenue ledger's batch-posted sales, kept as columns: one row per sale, its key as
(prefix, number, suffix) codes, found by its text too (`KeyBlock.split_suffixed`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from retail.clock import EPOCH, MICROSECOND
from retail.columns import Columns, key_texts
from retail.errors import Conflict
from retail.keys import KeyBlock
from retail.orders.columns import BlockIndex


class BatchSales:
    """Sales posted by `post_sales_many`. Not thread-safe on its own (the ledger's lock)."""

    def __init__(self) -> None:
        i32, i64 = np.dtype(np.int32), np.dtype(np.int64)
        self.rows = Columns(
            {
                "prefix": (i32, 0),
                "number": (i64, 0),
                "suffix": (i32, 0),
                "amount": (i64, 0),
                "origin": (i64, 0),
                "fulfil": (i64, 0),
                "guide": (i64, 0),
                "hq": (i64, 0),
                "at": (i64, 0),
                "refunded": (i64, 0),
            },
            capacity=4096,
        )
        self.prefixes: list[str] = []
        self._prefix: dict[str, int] = {}
        self.suffixes: list[str] = [""]
        self._suffix: dict[str, int] = {"": 0}
        self.index = BlockIndex()  # (prefix, number) -> rows of batch sales
        self.text = BlockIndex()  # (prefix, number) of sales posted by their text

    def __len__(self) -> int:
        return self.rows.size

    def suffix_codes(self, names: list[str]) -> np.ndarray:
        for name in names:
            if name not in self._suffix:
                self._suffix[name] = len(self.suffixes)
                self.suffixes.append(name)
        return np.array([self._suffix[n] for n in names], np.int64)

    def row(self, key: str) -> int:
        """The batch row of the sale with this text key, or -1."""
        if not len(self):
            return -1
        parts = KeyBlock.split_suffixed(key)
        if parts is None or parts[0] not in self._prefix or parts[2] not in self._suffix:
            return -1
        suffix = self._suffix[parts[2]]
        for row in self.index.find_all(parts[0], parts[1]).tolist():
            if self.rows["suffix"][row] == suffix:
                return row
        return -1

    def note_text(self, key: str) -> None:
        """A sale posted by its text: batches must not post it again."""
        parts = KeyBlock.split_suffixed(key)
        if parts is not None:
            self.text.add_one(parts[0], parts[1], self.suffix_codes([parts[2]])[0])

    def check_new(self, prefix: str, numbers: np.ndarray, suffixes: np.ndarray, text_row) -> None:
        """Conflict unless every (prefix, number, suffix) is new and appears once."""
        pairs = np.stack([numbers, suffixes], axis=1)
        if len(np.unique(pairs, axis=0)) < len(pairs):
            raise Conflict("post_sales_many takes each sale once")
        for index in (self.index, self.text):
            known = index.find(prefix, numbers) >= 0  # the same head: compare the suffix
            for i in np.flatnonzero(known).tolist():
                key = f"{prefix}{int(numbers[i])}{self.suffixes[int(suffixes[i])]}"
                if self.row(key) >= 0 or text_row(key):
                    raise Conflict(f"order {key!r} was posted before")

    def add(self, prefix: str, numbers, suffixes, amounts, parties, at_us) -> np.ndarray:
        """Append the sales; their rows."""
        code = self._prefix.setdefault(prefix, len(self.prefixes))
        if code == len(self.prefixes):
            self.prefixes.append(prefix)
        rows = self.rows.extend(
            prefix=np.full(len(numbers), code),
            number=numbers,
            suffix=suffixes,
            amount=amounts,
            origin=parties[:, 0],
            fulfil=parties[:, 1],
            guide=parties[:, 2],
            hq=parties[:, 3],
            at=at_us,
        )
        rows = np.arange(rows.start, rows.stop, dtype=np.int64)
        self.index.add(prefix, numbers, rows)
        return rows

    def forget(self, gone: np.ndarray) -> np.ndarray:
        """Drop the sales at rows `gone` (archived); each row's new number (-1: dropped)."""
        keep = np.ones(len(self), bool)
        keep[gone] = False
        moved = np.where(keep, np.cumsum(keep) - 1, -1)
        self.rows.compact(keep)
        self.index = BlockIndex.of(self.rows["prefix"], self.prefixes, self.rows["number"])
        return moved

    def keys(self, rows: np.ndarray) -> pd.api.extensions.ExtensionArray:
        """Text keys of batch rows (a pandas text array)."""
        r = self.rows
        return key_texts(self.prefixes, r["prefix"][rows], r["number"][rows], self.suffixes,
                         r["suffix"][rows])  # fmt: skip

    def sale(self, row: int, parties: list[str]):
        """(amount, parties, at) of a batch row."""
        r = self.rows
        who = tuple(parties[int(r[c][row])] for c in ("origin", "fulfil", "guide", "hq"))
        return int(r["amount"][row]), who, EPOCH + int(r["at"][row]) * MICROSECOND
