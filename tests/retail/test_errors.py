"""The modules' errors survive being rebuilt from their arguments, as SimPy (re-raising a
failed process), pickle and process pools do, and read the same after."""

import pickle

import pytest

from retail.errors import Conflict, IllegalTransition, InvalidInput, NotFound, OutOfStock

ERRORS = [
    InvalidInput("mobiles[3]", "a mobile number has 11 digits, this has 10"),
    NotFound("campaign", "spring"),
    IllegalTransition("order", "o1", "shipped", "cancel"),
    OutOfStock("coat", "S001", 3, 1),
    Conflict("coupon 7 was already redeemed for order 'o2'"),
]


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: type(e).__name__)
def test_rebuilt_and_pickled_errors_read_the_same(error):
    for copy in (type(error)(*error.args), pickle.loads(pickle.dumps(error))):
        assert type(copy) is type(error)
        assert str(copy) == str(error)
        assert vars(copy) == vars(error)


def test_messages_name_the_field_or_record():
    assert str(ERRORS[0]) == "mobiles[3]: a mobile number has 11 digits, this has 10"
    assert str(ERRORS[1]) == "campaign 'spring' not found"
    assert str(ERRORS[2]) == "order 'o1': cannot cancel while shipped"
    assert str(ERRORS[3]) == "sku 'coat' at 'S001': wanted 3, available 1"
