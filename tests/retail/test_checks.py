"""The validation layer: what counts as integer cents, a quantity, a key, a member id, an enum
value; arrays checked as their elements are; the bounds keep int64 arithmetic exact."""

import decimal
import enum

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from retail import checks
from retail.checks import MAX_CENTS, MAX_MEMBERS, MAX_QUANTITY, MAX_STOCK, MAX_TOTAL_CENTS
from retail.errors import InvalidInput

INT64_MAX = 2**63 - 1
NOT_INTEGERS = [True, np.True_, 1.0, 2.7, float("nan"), float("inf"), "3", None,
                decimal.Decimal(3), np.float64(3.0), complex(3, 0), [3]]  # fmt: skip


def test_the_bounds_keep_int64_sums_and_products_exact():
    assert MAX_CENTS * MAX_QUANTITY < INT64_MAX  # a line's price times its quantity
    assert 10_000_000 * MAX_CENTS < INT64_MAX  # ten million amounts at the bound, summed
    assert 9_000 * MAX_TOTAL_CENTS < INT64_MAX
    assert 10_000 * MAX_STOCK < INT64_MAX  # ten thousand full cells of one SKU
    assert MAX_QUANTITY < MAX_STOCK and MAX_MEMBERS < 2**31


@pytest.mark.parametrize("value", NOT_INTEGERS, ids=repr)
def test_what_is_not_an_integer_is_refused_with_its_field(value):
    for check in (checks.cents, checks.quantity, checks.member_id):
        with pytest.raises(InvalidInput) as refused:
            check(value, "the_field")
        assert refused.value.field == "the_field"


@pytest.mark.parametrize(("check", "low", "high"), [
    (checks.cents, 0, MAX_CENTS),
    (checks.quantity, 1, MAX_QUANTITY),
    (checks.member_id, 0, MAX_MEMBERS - 1),
])  # fmt: skip
def test_integers_are_taken_up_to_the_bounds_and_refused_beyond(check, low, high):
    for value in (low, high, np.int64(low), np.uint64(high), np.int8(low)):
        assert check(value, "f") == int(value) and type(check(value, "f")) is int
    for value in (low - 1, high + 1, 2**62, 2**64, -(2**63)):
        with pytest.raises(InvalidInput, match=r"^f: must be"):
            check(value, "f")


def test_arrays_name_the_first_bad_row():
    assert checks.quantities([1, 2, 3], "q").tolist() == [1, 2, 3]
    assert checks.quantities(np.array([1, 2], np.uint8), "q").dtype == np.int64
    assert checks.quantities((x for x in [4, 5]), "q").tolist() == [4, 5]
    assert checks.quantities([], "q").dtype == np.int64
    for values, row in (([1, 2.7], 1), ([1, "3"], 1), ([1, True], 1), (np.array([1.0, 2.0]), 0),
                        ([1, 0], 1), ([1, 2**64], 1), ([1, None], 1),
                        (np.array([True, False]), 0)):  # fmt: skip
        with pytest.raises(InvalidInput, match=rf"^q\[{row}\]: "):
            checks.quantities(values, "q")
    with pytest.raises(InvalidInput, match=r"^amounts\[2\]: must be at most"):
        checks.cents_array(np.array([0, 1, MAX_CENTS + 1]), "amounts")
    with pytest.raises(InvalidInput, match="flat"):
        checks.cents_array(np.zeros((2, 2), np.int64), "amounts")
    with pytest.raises(InvalidInput, match=r"^orders\[7\]\.q: "):
        checks.quantities([1, 0], "q", row=lambda i: f"orders[{i + 6}].q")


OBJECTS = st.one_of(
    st.integers(-5, MAX_QUANTITY + 5), st.booleans(), st.floats(allow_nan=True),
    st.text(max_size=3), st.none(), st.integers(2**62, 2**70),
)  # fmt: skip


@given(st.lists(OBJECTS, max_size=8))
def test_an_array_check_is_the_check_of_each_element(values):
    def single(value):
        try:
            return checks.quantity(value, "v")
        except InvalidInput:
            return None

    each = [single(value) for value in values]
    if None in each:
        with pytest.raises(InvalidInput, match=rf"^v\[{each.index(None)}\]: "):
            checks.quantities(values, "v")
    else:
        assert checks.quantities(values, "v").tolist() == each


def test_keys_options_places_and_lengths():
    assert checks.key("S001", "store") == "S001"
    for bad in ("", None, 3, b"S1"):
        with pytest.raises(InvalidInput, match=r"^store: must be a non-empty string"):
            checks.key(bad, "store")
    assert checks.optional_key(None, "guide") is None
    with pytest.raises(InvalidInput, match=r"^keys\[2\]: 'a' appears twice"):
        checks.distinct_keys(["a", "b", "a"], "keys")
    with pytest.raises(InvalidInput, match=r"^keys\[1\]: must be a non-empty"):
        checks.distinct_keys(["a", ""], "keys")

    class Colour(enum.IntEnum):
        RED = 0
        BLUE = 2

    assert checks.option(2, Colour, "c") is Colour.BLUE
    assert checks.option(np.int8(0), Colour, "c") is Colour.RED
    for bad in (1, 99, 2.0, True, "BLUE", None):
        with pytest.raises(InvalidInput, match=r"^c: must be one of red, blue"):
            checks.option(bad, Colour, "c")
    assert checks.codes([0, 2, 2], Colour, "cs").tolist() == [0, 2, 2]
    with pytest.raises(InvalidInput, match=r"^cs\[1\]: 1 is not a Colour code"):
        checks.codes([0, 1], Colour, "cs")
    assert checks.lat_lon(31, 121.5, "p") == (31.0, 121.5)
    for lat, lon in ((91, 0), (0, 181), (float("nan"), 0), ("31", 121), (True, 0)):
        with pytest.raises(InvalidInput, match=r"^p: "):
            checks.lat_lon(lat, lon, "p")
    assert checks.same_length("batch", a=[1, 2], b=(3, 4)) == 2
    with pytest.raises(InvalidInput, match=r"^batch: columns must be equally long, got a 2, b 1"):
        checks.same_length("batch", a=[1, 2], b=[3])


def test_a_ragged_batch_is_refused_as_bad_input_not_a_numpy_error():
    with pytest.raises(InvalidInput, match=r"^quantities: must be a flat sequence"):
        checks.quantities([[1, 2], [3]], "quantities")
