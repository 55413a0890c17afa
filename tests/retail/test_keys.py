"""Keys as text: the array path splits and finds them exactly as the one-key path does; a
block taken at some rows is the block of their numbers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retail import keys
from retail.errors import InvalidInput
from retail.keys import MAX_NUMBER, KeyBlock, KeyRanges, split_texts

# Digits, the parcel separators, a non-ASCII digit and a newline: the edges of splitting.
key_st = st.text(st.sampled_from([*"ab-@#0123456789", "٣", "\n"]), max_size=14) | st.builds(
    lambda p, n, s: f"{p}{n}{s}",
    st.sampled_from(["web-d3-", "S-", "a"]),
    st.integers(0, MAX_NUMBER + 5) | st.integers(0, 40),
    st.sampled_from(["", "@DC", "@S0042", "#2@DC"]),
)
# Short lists take the one-by-one path, long ones Arrow's: both must agree with split_suffixed.
keys_st = st.lists(key_st, max_size=8) | st.lists(key_st, min_size=256, max_size=300)


@settings(max_examples=60)
@given(keys_st)
def test_split_texts_splits_each_key_as_split_suffixed(keys):
    heads, group, numbers, texts = split_texts(keys)
    for i, key in enumerate(keys):
        parts = KeyBlock.split_suffixed(key)
        if parts is None:
            assert group[i] == -1 and key in texts
        else:
            assert heads[group[i]] == (parts[0], parts[2]) and numbers[i] == parts[1]


@settings(max_examples=60)
@given(keys_st, keys_st)
def test_keys_added_as_text_are_found_as_text_one_by_one_and_together(added, probed):
    ranges = KeyRanges()
    ranges.add_texts(added)
    expected = [key in set(added) for key in probed]
    assert [key in ranges for key in probed] == expected
    assert ranges.contains_texts(probed).tolist() == expected
    assert len(ranges) == len(set(added))


@given(
    st.integers(1, 12).flatmap(lambda n: st.tuples(st.just(n), st.lists(st.integers(-n, n - 1))))
)
def test_a_block_taken_at_rows_is_the_block_of_those_numbers_repeats_refused(case):
    size, rows = case
    block = KeyBlock.range("S-", 3, size)
    index = np.array(rows, np.int64)
    if len(set(block.numbers[index].tolist())) < len(rows):
        with pytest.raises(InvalidInput, match="once"):
            block.take(index)
    else:
        assert list(block.take(index)) == [f"S-{n}" for n in block.numbers[index].tolist()]
    mask = block.numbers % 2 == 0
    assert list(block.take(mask)) == [k for k, m in zip(block, mask, strict=True) if m]


def test_keys_beyond_what_folds_are_kept_as_text_and_found(monkeypatch):
    monkeypatch.setattr(keys, "_CODES", 2)  # two suffix codes fold: "" and the first one
    ranges = KeyRanges()
    added = [f"web-d1-{n}@S{s}" for n in range(5) for s in range(3)] + ["web-d1-7", "a"]
    ranges.add_texts(added)
    ranges.add("web-d1-", np.array([2**50, 9]), "@S2")
    probed = [*added, "web-d1-5@S1", f"web-d1-{2**50}@S2", "web-d1-9@S2", "web-d1-9@S1"]
    expected = [True] * len(added) + [False, True, True, False]
    assert [key in ranges for key in probed] == expected
    assert ranges.contains_texts(probed * 20).tolist() == expected * 20
    assert len(ranges) == len(added) + 2
