"""Growable struct-of-arrays storage: one numpy array per field, amortised doubling. The
business modules keep their records this way so that batch calls are array operations.
Their text (keys, names kept as codes) leaves as pandas text columns built in Arrow
(`texts`, `key_texts`): a table of a million rows without a Python string per row."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

TEXT = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' own text dtype ("str")


class Columns:
    """Named numpy columns sharing one length; `grow` appends rows filled with defaults."""

    def __init__(self, spec: dict[str, tuple[np.dtype, object]], capacity: int = 1024) -> None:
        self._spec = spec
        if not spec:
            raise ValueError("Columns need at least one column")
        self._data = {name: np.full(capacity, fill, dtype) for name, (dtype, fill) in spec.items()}
        self._first = next(iter(spec))  # every column has its capacity
        self.size = 0

    def __getattr__(self, name: str) -> np.ndarray:
        data = self.__dict__.get("_data")
        if data is None or name not in data:
            raise AttributeError(name)
        return data[name][: self.size]

    def __getitem__(self, name: str) -> np.ndarray:
        """The live column (a view: do not keep it across appends, which may reallocate)."""
        return self._data[name][: self.size]

    def buffers(self) -> dict[str, np.ndarray]:
        """The whole storage, capacity included, for hot single-row paths: valid only until
        the next growth (`append`, `extend`, `grow`)."""
        return self._data

    def arrays(self) -> dict[str, np.ndarray]:
        return {name: array[: self.size] for name, array in self._data.items()}

    def append(self, **values: object) -> int:
        """One row; fields not given keep their default. Returns the row's index."""
        row = self.size
        if row == len(self._data[self._first]):
            self.grow(1)
        else:
            self.size = row + 1
        data = self._data
        for name, value in values.items():
            data[name][row] = value
        return row

    def extend(self, **columns: np.ndarray) -> slice:
        """Rows from equally long arrays; returns their slice."""
        rows = self.grow(len(next(iter(columns.values()))))
        for name, values in columns.items():
            self._data[name][rows] = values
        return rows

    def grow(self, rows: int) -> slice:
        """Make room for `rows` more rows; returns their slice."""
        needed = self.size + rows
        capacity = len(next(iter(self._data.values())))
        if needed > capacity:
            new_capacity = max(needed, 2 * capacity)
            for name, (dtype, fill) in self._spec.items():
                grown = np.full(new_capacity, fill, dtype)
                grown[: self.size] = self._data[name][: self.size]
                self._data[name] = grown
        start, self.size = self.size, needed
        return slice(start, needed)

    def reset(self, rows: np.ndarray | int) -> None:
        """Back to defaults for these rows (erasure)."""
        for name, (_, fill) in self._spec.items():
            self._data[name][rows] = fill

    def compact(self, keep: np.ndarray) -> None:
        """Keep only the rows where the mask `keep` is true, in their order. The storage
        shrinks with them when it is mostly empty, so that forgetting rows frees memory."""
        keep = np.asarray(keep, bool)
        if len(keep) != self.size:
            raise ValueError(f"keep has {len(keep)} rows, the columns {self.size}")
        kept, size = int(keep.sum()), self.size
        capacity = len(self._data[self._first])
        shrink = kept * 4 < capacity
        for name, (dtype, fill) in self._spec.items():
            rows = self._data[name][:size][keep]
            if shrink:  # a new, smaller array: the old one's memory goes back
                column = np.full(max(2 * kept, 16), fill, dtype)
                column[:kept] = rows
                self._data[name] = column
            else:  # in place, one column's rows at a time: no second copy of the storage
                self._data[name][:kept] = rows
                self._data[name][kept:size] = fill  # rows past the size hold the defaults
        self.size = kept

    def nbytes(self) -> int:
        return sum(array[: self.size].nbytes for array in self._data.values())


def texts(names: Sequence[str], codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """`names[code]` for each of the codes (-1: missing), as a pandas text array."""
    return pd.array(_taken(names, codes), dtype=TEXT)


def key_texts(prefixes: Sequence[str], prefix: np.ndarray, numbers: np.ndarray,
              suffixes: Sequence[str] = ("",), suffix: np.ndarray | None = None,
              ) -> pd.api.extensions.ExtensionArray:  # fmt: skip
    """Keys `prefixes[prefix] + str(number) + suffixes[suffix]` per row, as a pandas text
    array (`retail.keys.KeyBlock`'s texts, numbered keys stored as codes and numbers)."""
    suffix = np.zeros(len(numbers), np.int64) if suffix is None else suffix
    number = pc.cast(pa.array(np.asarray(numbers, np.int64)), pa.string())
    parts = (_taken(prefixes, prefix), number, _taken(suffixes, suffix))
    return pd.array(pc.binary_join_element_wise(*parts, ""), dtype=TEXT)


def _taken(names: Sequence[str], codes: np.ndarray) -> pa.Array:
    codes = np.asarray(codes, np.int64)
    table = names if isinstance(names, pa.Array) else pa.array(list(names), pa.string())
    return table.take(pa.array(codes, mask=codes < 0))
