"""Only ASCII digits make a mobile number. Full-width forms (what a Chinese input method types)
are the same characters and are normalised; digits of other scripts, circled, superscript or
mathematical digits are refused, so that one person can never become two members."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from retail.errors import InvalidInput, NotFound
from retail.membership import Membership, normalise_mobile
from retail.membership.phone import normalise_mobiles

SECRET = "test-secret-of-enough-length"
T0 = dt.datetime(2026, 3, 2, 12, 0)
ASCII = "13812345679"
FULL_WIDTH = "".join(chr(ord(d) + 0xFEE0) for d in ASCII)  # １３８１２３４５６７９
REFUSED = {
    "devanagari": "13८१२३४५६७९",
    "arabic-indic": "13٨١٢٣٤٥٦٧٩",
    "thai": "13๘๑๒๓๔๕๖๗๙",
    "circled": "①③⑧①②③④⑤⑥⑦⑨",
    "superscript": "¹³⁸¹²³⁴⁵⁶⁷⁹",
    "mathematical bold": "𝟏𝟑𝟖𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟗",
    "one devanagari digit": "1381234567९",
}
SAME_NUMBER = [
    ASCII,
    FULL_WIDTH,
    "+86 138-1234-5679",
    "＋８６ １３８－１２３４－５６７９",  # full-width plus, digits and hyphens
    "（＋８６）１３８　１２３４　５６７９",  # full-width parentheses, ideographic spaces
    "0086 13812345679",
]


@pytest.mark.parametrize("raw", REFUSED.values(), ids=REFUSED.keys())
def test_digits_of_other_scripts_are_refused_by_every_path(raw):
    membership = Membership(secret=SECRET)
    membership.register(ASCII, T0, "S1")
    with pytest.raises(InvalidInput, match="mobile"):
        normalise_mobile(raw)
    with pytest.raises(InvalidInput, match=r"mobiles\[1\]"):
        normalise_mobiles([ASCII, raw])
    with pytest.raises(InvalidInput):
        membership.register(raw, T0, "S1")
    with pytest.raises(InvalidInput, match=r"mobiles\[0\]"):
        membership.register_many([raw], np.array([T0], "M8[s]"), ["S1"], [None], np.array([0]))
    with pytest.raises(InvalidInput):
        membership.resolve("mobile", raw)
    with pytest.raises(InvalidInput, match=r"mobiles\[0\]"):
        membership.lookup_many("mobile", [raw])
    assert membership.state.members.size == 1  # nobody new


def test_full_width_and_typed_forms_are_one_member_on_every_path():
    membership = Membership(secret=SECRET)
    member = membership.register(ASCII, T0, "S1")
    for raw in SAME_NUMBER:
        assert normalise_mobile(raw) == ASCII
        assert membership.register(raw, T0, "S1") == member
        assert membership.resolve("mobile", raw) == member
    at = np.array([T0] * len(SAME_NUMBER), "M8[s]")
    ids = membership.register_many(SAME_NUMBER, at, ["S1"] * len(at), [None] * len(at),
                                   np.zeros(len(at), np.int8))  # fmt: skip
    assert ids.tolist() == [member] * len(SAME_NUMBER)
    assert membership.lookup_many("mobile", SAME_NUMBER).tolist() == [member] * len(SAME_NUMBER)
    assert membership.state.members.size == 1


DIGITS = "0123456789" + FULL_WIDTH + "".join(REFUSED.values())
# Shaped like numbers (a prefix, "13"-style head, nine digits of any script, separators), so
# that most are accepted by the old rule and the digits of other scripts are really tried.
TYPED = st.builds(
    lambda prefix, head, digits, separator: prefix + head + separator.join(digits),
    st.sampled_from(["", "+86 ", "0086", "＋８６", "86"]),
    st.sampled_from(["13", "18", "１３", "1९"]),
    st.lists(st.sampled_from(DIGITS), min_size=8, max_size=10),
    st.sampled_from(["", " ", "-", "\u3000"]),
)


def _single(raw: str) -> str | None:
    try:
        return normalise_mobile(raw)
    except InvalidInput:
        return None


@given(st.lists(st.one_of(TYPED, st.sampled_from(SAME_NUMBER)), min_size=1, max_size=5))
def test_single_and_batch_normalisation_agree_and_give_ascii(raws):
    singles = [_single(raw) for raw in raws]
    if all(s is not None for s in singles):
        assert normalise_mobiles(raws) == singles
    else:
        first_bad = singles.index(None)
        with pytest.raises(InvalidInput, match=rf"mobiles\[{first_bad}\]"):
            normalise_mobiles(raws)
    for number in filter(None, singles):
        assert number.isascii() and number.isdigit() and len(number) == 11


def test_an_unknown_number_is_not_found_not_a_new_member():
    membership = Membership(secret=SECRET)
    with pytest.raises(NotFound):
        membership.resolve("mobile", FULL_WIDTH)
    assert membership.lookup_many("mobile", [FULL_WIDTH]).tolist() == [-1]
