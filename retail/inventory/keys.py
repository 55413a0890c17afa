"""Keys of a batch call (SKUs, locations) as codes into their distinct values, found with one
hash pass over the column (`pd.factorize`) instead of a Python step per line."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from retail import checks
from retail.errors import InvalidInput


def key_codes(values: Sequence[str] | np.ndarray, field: str) -> tuple[np.ndarray, list]:
    """(code of each value, the distinct values in order of first appearance), every value a
    non-empty str; else `InvalidInput` naming the first bad row, `field[i]`."""
    try:
        if isinstance(values, pd.Categorical):  # coded already
            codes, uniques = values.codes, values.categories.tolist()
        else:
            array = values if isinstance(values, np.ndarray) else np.asarray(values, dtype=object)
            if array.ndim != 1:
                raise ValueError("not flat")
            found = _str_codes(array) if array.dtype.kind == "U" else None
            codes, uniques = found or pd.factorize(array)
            uniques = uniques if isinstance(uniques, list) else uniques.tolist()
        if (codes >= 0).all() and all(isinstance(u, str) and u for u in uniques):
            return codes.astype(np.int64), uniques
    except (TypeError, ValueError):
        pass
    for i, value in enumerate(values):  # say which row is wrong
        checks.key(value, f"{field}[{i}]")
    raise InvalidInput(field, "must be a flat sequence of non-empty strings")


def _str_codes(array: np.ndarray) -> tuple[np.ndarray, list] | None:
    """`pd.factorize` of a numpy str array without a Python str per element: the characters
    hashed column by column, each code's first value compared with every value it stands for
    (None, for the caller to factorize the strings, if two values share a hash)."""
    width = array.dtype.itemsize // 4
    if not len(array) or not width:
        return None
    chars = np.ascontiguousarray(array).view(np.uint32).reshape(len(array), width)
    hashed = np.zeros(len(array), np.uint64)
    for k in range(width):
        hashed = hashed * np.uint64(1_000_003) ^ chars[:, k]
    codes, distinct = pd.factorize(hashed)
    first = np.empty(len(distinct), np.int64)
    first[codes[::-1]] = np.arange(len(array) - 1, -1, -1)
    uniques = array[first]
    if not (uniques[codes] == array).all():
        return None
    return codes, uniques.tolist()
