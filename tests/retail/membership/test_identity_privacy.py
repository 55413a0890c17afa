"""Identity: every way of typing one number is one member; no plain number ever leaves."""

import datetime as dt
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retail.errors import InvalidInput, NotFound
from retail.membership import Membership, MembershipConfig, mask_mobile, normalise_mobile
from retail.membership.phone import normalise_mobiles
from retail.ports import MembershipPort

SECRET = "test-secret-of-enough-length"
T0 = dt.datetime(2026, 3, 2, 12, 0)

mobiles = st.builds(
    lambda second, rest: f"1{second}{rest:09d}",
    st.sampled_from("3456789"),
    st.integers(0, 10**9 - 1),
)
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def typings(number: str) -> list[str]:
    a, b, c = number[:3], number[3:7], number[7:]
    return [
        number,
        f"+86 {a}-{b}-{c}",
        f"0086 {number}",
        f"{a} {b} {c}",
        f"(+86){a} {b} {c}",
        f"86{number}",
        f"+86.{a}.{b}.{c}",
        number.translate(FULL_WIDTH),
        f" {a}\u3000{b}\u3000{c} ",
    ]


@given(mobiles)
def test_every_way_of_typing_normalises_to_the_number_and_is_idempotent(number):
    for typed in typings(number):
        assert normalise_mobile(typed) == number
    assert normalise_mobile(normalise_mobile(number)) == number


typed_or_not = st.one_of(
    st.builds(lambda n, k: typings(n)[k], mobiles, st.integers(0, 8)),
    st.sampled_from(
        [
            "+1 415 555 0100",
            "1381234567",
            "86 86 13812345678",
            "+86\n13812345678",
            "+86 0086 138 1234 5678",
            "0086+86 13812345678",
            "+86 86 13812345678",
            "138\x0012345678",
            "0086 86 13812345678",
        ]
    ),
    st.text(alphabet="0123456789+-() \n８６", max_size=16),
)


@given(st.lists(typed_or_not, max_size=12))
def test_a_batch_normalises_as_each_number_alone_or_names_the_first_bad_row(raws):
    expected, first_bad = [], None
    for i, raw in enumerate(raws):
        try:
            expected.append(normalise_mobile(raw))
        except InvalidInput as error:
            first_bad = first_bad or (i, error.reason)
    if first_bad is None:
        assert normalise_mobiles(raws) == expected
    else:
        with pytest.raises(InvalidInput) as refused:
            normalise_mobiles(raws)
        assert (refused.value.field, refused.value.reason) == (
            f"mobiles[{first_bad[0]}]",
            first_bad[1],
        )


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("+1 415 555 0100", "country code"),
        ("1381234567", "11 digits"),
        ("12812345678", "must start 13-19"),
        ("138-1234-567x", "other than digits"),
        ("010 6552 9988", "not a mobile number"),
    ],
)
def test_what_is_not_a_mainland_mobile_is_refused_with_why(typed, reason):
    with pytest.raises(InvalidInput) as refused:
        normalise_mobile(typed)
    assert reason in str(refused.value) and refused.value.field == "mobile"


def test_masked_form():
    assert mask_mobile("13812345678") == "138****5678"


@settings(max_examples=25)
@given(st.lists(mobiles, min_size=1, max_size=8, unique=True))
def test_no_plain_number_anywhere_the_module_returns_logs_or_keeps(numbers):
    m = Membership(MembershipConfig(categories=("tops",)), secret=SECRET)
    outputs = []
    for i, number in enumerate(numbers):
        member = m.register(typings(number)[i % 9], T0, "S001", "G1")
        outputs.append(m.masked_mobile(member, T0, "G1", "greeting"))
        outputs.append(m.record_purchase(member, T0, "S001", 9900, {"tops": 9900}))
        try:
            m.resolve("mobile", number[:-1] + "x")
        except InvalidInput as error:
            outputs.append(str(error))
    try:
        m.resolve("mobile", "13900000000" if "13900000000" not in numbers else "13900000001")
    except NotFound as error:
        outputs.append(str(error))
    outputs += [m.rfm(T0).to_csv(), m.new_members(T0, T0.replace(year=2027), "store").to_csv()]
    outputs += [repr(e) for e in m.audit.entries]
    everything = "\n".join(map(str, outputs)).encode()
    everything += pickle.dumps(m.state) + pickle.dumps(m.audit)
    for number in numbers:
        assert number.encode() not in everything
        assert number[-8:].encode() not in everything  # not even most of it


def test_a_secret_is_required_and_must_be_long_enough(monkeypatch):
    monkeypatch.delenv("STORETWIN_MEMBER_SECRET", raising=False)
    with pytest.raises(InvalidInput, match="secret"):
        Membership()
    with pytest.raises(InvalidInput, match="at least 16"):
        Membership(secret="short")
    with pytest.raises(InvalidInput, match="text or bytes"):  # not 20 MB of zero bytes
        Membership(secret=20260101)


def test_identifiers_resolve_and_a_follower_who_registers_is_one_member(membership):
    follower = membership.follow("openid-1", T0, "S001", "G2")
    member = membership.register("138 1234 5678", T0, "S001", "G1", openid="openid-1")
    assert member == follower
    membership.link(member, "card", "CARD-9", T0)
    for kind, value in [("mobile", "+8613812345678"), ("openid", "openid-1"), ("card", "CARD-9")]:
        assert membership.resolve(kind, value) == member
    assert isinstance(membership, MembershipPort)


def test_audit_log_records_every_read_masked(membership):
    member = membership.register("13812345678", T0, "S001")
    membership.masked_mobile(member, T0, "G7", "birthday call")
    (entry,) = membership.audit.entries
    assert (entry.actor, entry.purpose, entry.masked_mobile) == (
        "G7",
        "birthday call",
        "138****5678",
    )


def test_batch_registration_and_lookup_agree_with_single_calls(membership):
    import numpy as np

    numbers = ["13700000000", "+86 137 0000 0001", "13700000000", "13700000002"]
    ids = membership.register_many(
        numbers,
        np.array(["2026-03-02T10:00"] * 4, "datetime64[s]"),
        ["S001"] * 4,
        ["G1", None, "G1", "G3"],
        np.zeros(4, np.int8),
    )
    assert ids[0] == ids[2] and len(set(ids.tolist())) == 3
    assert membership.state.members.size == 3, "no ghost rows for a repeated number"
    looked = membership.lookup_many("mobile", ["137-0000-0002", "13799999999"])
    assert looked.tolist() == [ids[3], -1]


def test_the_keyed_hash_is_standard_hmac_sha256():
    import hashlib
    import hmac

    from retail.membership.privacy import PhoneHasher

    for secret in ("s" * 16, "a much longer secret " * 10):
        expected = hmac.new(secret.encode(), b"13812345678", hashlib.sha256).digest()
        assert PhoneHasher(secret).digest("13812345678") == expected


@settings(max_examples=40, deadline=None)
@given(drawn=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 3),
                                st.sampled_from(["S001", "S002"]), st.sampled_from([None, "G1"])),
                      max_size=12))  # fmt: skip
def test_batch_follows_leave_what_single_follows_leave(drawn):
    import numpy as np

    from retail.membership import Channel

    # Some people follow after registering (their openid linked), the rest are new records.
    drawn = sorted(drawn, key=lambda x: x[1])  # in order of time, as a day's tills give them
    one, many = (Membership(MembershipConfig(categories=("tops",)), secret=SECRET)
                 for _ in range(2))  # fmt: skip
    for m in (one, many):
        m.register("13700000001", T0, "S001", openid="wx-1")
        m.follow("wx-2", T0, "S002")
    at = [T0 + dt.timedelta(minutes=t) for _, t, _, _ in drawn]
    expected = [one.follow(f"wx-{p}", when, store, staff, Channel.STORE_QR)
                for (p, _, store, staff), when in zip(drawn, at, strict=True)]  # fmt: skip
    got = many.follow_many([f"wx-{p}" for p, *_ in drawn], np.array(at, "datetime64[s]"),
                           [x[2] for x in drawn], [x[3] for x in drawn],
                           np.full(len(drawn), int(Channel.STORE_QR), np.int8))  # fmt: skip
    assert got.tolist() == expected
    for name, column in one.state.members.arrays().items():
        assert np.array_equal(column, many.state.members[name]), name
    assert one.state.transitions.arrays().keys() == many.state.transitions.arrays().keys()
    for name, column in one.state.transitions.arrays().items():
        assert np.array_equal(column, many.state.transitions[name]), name


def test_batch_follows_name_the_bad_row(membership):
    import numpy as np

    with pytest.raises(InvalidInput, match=r"openids\[1\]"):
        membership.follow_many(["wx-1", ""], np.array([T0, T0], "datetime64[s]"),
                               ["S001", "S001"], [None, None], np.zeros(2, np.int8))  # fmt: skip
    assert membership.state.members.size == 0


@settings(max_examples=80, deadline=None)
@given(drawn=st.lists(st.tuples(st.integers(0, 4), st.integers(0, 3),
                                st.one_of(st.none(), st.integers(0, 4))), max_size=10))  # fmt: skip
def test_batch_registrations_with_openids_leave_what_single_ones_leave(drawn):
    import numpy as np

    from retail.membership import Channel

    # A row types 1370000000p with openid wx-q (or none): a follower record of wx-q becomes
    # hers, records of one number and one openid found apart are merged.
    drawn = sorted(drawn, key=lambda x: x[1])
    one, many = (Membership(MembershipConfig(categories=("tops",)), secret=SECRET)
                 for _ in range(2))  # fmt: skip
    for m in (one, many):
        m.follow("wx-1", T0, "S002")  # a follower who will register
        m.register("13700000002", T0, "S001")  # a member without an openid, who then follows
        m.follow("wx-2", T0, "S001")  # ... as a record of her own: a merge when both meet
    at = [T0 + dt.timedelta(minutes=t) for _, t, _ in drawn]
    openids = [None if q is None else f"wx-{q}" for _, _, q in drawn]
    expected = [one.register(f"1370000000{p}", when, "S001", None, Channel.STORE_QR, openid=wx)
                for (p, _, _), when, wx in zip(drawn, at, openids, strict=True)]  # fmt: skip
    channels = np.full(len(drawn), int(Channel.STORE_QR), np.int8)
    mobiles, times = [f"1370000000{p}" for p, *_ in drawn], np.array(at, "datetime64[s]")
    got = many.register_many(mobiles, times, ["S001"] * len(drawn), [None] * len(drawn),
                             channels, openids)  # fmt: skip
    assert got.tolist() == expected
    for name, column in one.state.members.arrays().items():
        assert np.array_equal(column, many.state.members[name]), name
    assert one.state.ids["openid"] == many.state.ids["openid"]
    assert one.state.ids["mobile"] == many.state.ids["mobile"]
