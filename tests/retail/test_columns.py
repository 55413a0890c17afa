"""Columns: compacting keeps the rows asked for, in order, frees storage when mostly empty,
and leaves the capacity past the size at the defaults that later rows start from."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from retail.columns import Columns


def columns() -> Columns:
    return Columns({"a": (np.dtype(np.int64), -1), "b": (np.dtype(np.float64), 0.5)}, capacity=8)


@given(st.lists(st.tuples(st.integers(0, 99), st.booleans()), max_size=60), st.integers(0, 20))
def test_compact_keeps_the_rows_in_order_and_new_rows_start_at_the_defaults(rows, more):
    c = columns()
    if rows:
        c.extend(a=np.array([r[0] for r in rows]), b=np.arange(len(rows), dtype=float))
    keep = np.array([r[1] for r in rows], bool)
    capacity = len(c.buffers()["a"])
    c.compact(keep)
    assert c.size == keep.sum()
    assert list(c["a"]) == [r[0] for r in rows if r[1]]
    assert list(c["b"]) == [float(i) for i, r in enumerate(rows) if r[1]]
    assert len(c.buffers()["a"]) <= max(capacity, 16)
    if keep.sum() * 4 < capacity:
        assert len(c.buffers()["a"]) == max(2 * int(keep.sum()), 16)  # storage freed
    c.grow(more)
    assert (c["a"][c.size - more :] == -1).all() and (c["b"][c.size - more :] == 0.5).all()


def test_compact_refuses_a_mask_of_another_length():
    c = columns()
    c.grow(3)
    with pytest.raises(ValueError, match="keep has 2 rows, the columns 3"):
        c.compact(np.ones(2, bool))
