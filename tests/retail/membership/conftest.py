import datetime as dt

import pytest

from retail.membership import Membership, MembershipConfig

SECRET = "test-secret-of-enough-length"
T0 = dt.datetime(2026, 3, 2, 12, 0)


@pytest.fixture
def membership() -> Membership:
    return Membership(MembershipConfig(categories=("tops", "bottoms", "dresses")), secret=SECRET)
