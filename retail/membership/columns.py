"""Growable struct-of-arrays storage: one numpy array per field, amortised doubling."""

from __future__ import annotations

import numpy as np


class Columns:
    """Named numpy columns sharing one length; `grow` appends rows filled with defaults."""

    def __init__(self, spec: dict[str, tuple[np.dtype, object]], capacity: int = 1024) -> None:
        self._spec = spec
        self._data = {name: np.full(capacity, fill, dtype) for name, (dtype, fill) in spec.items()}
        self.size = 0

    def __getattr__(self, name: str) -> np.ndarray:
        data = self.__dict__.get("_data")
        if data is None or name not in data:
            raise AttributeError(name)
        return data[name][: self.size]

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

    def nbytes(self) -> int:
        return sum(array[: self.size].nbytes for array in self._data.values())
