"""The catchments' lookup: a guide table finds exactly the rows searchsorted finds."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.chain.choice import Guide

# Weights with ties (zeros) and a wide spread (a bucket holding many rows), and targets on
# the rows' own values, between them, at both ends and past them.
weights_st = st.lists(st.sampled_from([0.0, 1e-9, 1e-3, 0.5, 1.0, 7.0, 1e3]), max_size=200)


@settings(max_examples=200)
@given(weights_st, st.lists(st.floats(0, 1.05), max_size=50), st.integers(0, 2**31))
def test_the_guide_finds_what_searchsorted_finds(weights, shares, seed):
    cumulative = np.cumsum(np.array(weights, float))
    total = float(cumulative[-1]) if len(cumulative) else 1.0
    on_rows = np.random.default_rng(seed).choice(cumulative, 10) if len(cumulative) else []
    targets = np.concatenate([np.array(shares) * total, on_rows, [0.0, total]])
    found = Guide(cumulative).find(targets)
    assert found.tolist() == np.searchsorted(cumulative, targets, side="right").tolist()


def test_a_target_rounded_into_the_next_bucket_is_still_found():
    # 8 rows up to 1 + 8/7, two of them on the bucket bounds 3W and 6W: a target just below
    # a bound divides into that bound's bucket, whose start is past the bound's row.
    n, last = 8, 1.0 + 8 / 7
    width = last / n
    bounds = np.array([3, 6]) * width
    below = np.nextafter(bounds, -np.inf)
    assert ((below / width).astype(np.int64) == [3, 6]).all()
    cumulative = np.sort(np.concatenate([bounds, np.linspace(0.1, last, n - 2)]))
    found = Guide(cumulative).find(below)
    assert found.tolist() == np.searchsorted(cumulative, below, side="right").tolist()
