"""UnifiedPOS lifecycle: the state table, every refusal with the standard's result code."""

import pytest

from hardware_models.upos import DeviceControl, DeviceState, UposError, UposErrorCode

E = UposErrorCode


def device(state: str) -> DeviceControl:
    d = DeviceControl("printer-1")
    if state in ("opened", "claimed", "enabled"):
        d.open()
    if state in ("claimed", "enabled"):
        d.claim("T1")
    if state == "enabled":
        d.enable("T1")
    return d


# (state, call, caller, expected result: the new state or the refusal code)
TABLE = [
    ("closed", "open", None, DeviceState.OPENED),
    ("closed", "claim", "T1", E.E_CLOSED),
    ("closed", "enable", "T1", E.E_CLOSED),
    ("closed", "use", "T1", E.E_CLOSED),
    ("closed", "close", None, E.E_CLOSED),
    ("opened", "open", None, E.E_ILLEGAL),
    ("opened", "claim", "T1", DeviceState.CLAIMED),
    ("opened", "enable", "T1", E.E_NOTCLAIMED),
    ("opened", "use", "T1", E.E_NOTCLAIMED),
    ("opened", "release", "T1", E.E_NOTCLAIMED),
    ("opened", "close", None, DeviceState.CLOSED),
    ("claimed", "claim", "T1", DeviceState.CLAIMED),
    ("claimed", "claim", "T2", E.E_CLAIMED),
    ("claimed", "enable", "T2", E.E_CLAIMED),
    ("claimed", "use", "T1", E.E_DISABLED),
    ("claimed", "disable", "T1", E.E_ILLEGAL),
    ("claimed", "enable", "T1", DeviceState.ENABLED),
    ("claimed", "release", "T1", DeviceState.OPENED),
    ("claimed", "release", "T2", E.E_CLAIMED),
    ("enabled", "enable", "T1", E.E_ILLEGAL),
    ("enabled", "use", "T2", E.E_CLAIMED),
    ("enabled", "use", "T1", DeviceState.ENABLED),
    ("enabled", "disable", "T1", DeviceState.CLAIMED),
    ("enabled", "release", "T1", DeviceState.OPENED),
    ("enabled", "close", None, DeviceState.CLOSED),
]


@pytest.mark.parametrize(("state", "call", "caller", "expected"), TABLE)
def test_state_table(state, call, caller, expected):
    d = device(state)
    method = d.require_usable if call == "use" else getattr(d, call)
    args = () if caller is None else (caller,)
    if isinstance(expected, UposErrorCode):
        before = d.state
        with pytest.raises(UposError) as refused:
            method(*args)
        assert refused.value.code is expected
        assert "printer-1" in str(refused.value)
        assert d.state is before, "a refused call changes nothing"
    else:
        method(*args)
        assert d.state is expected


def test_close_drops_the_claim_so_another_terminal_may_claim():
    d = device("enabled")
    d.close()
    d.open()
    d.claim("T2")
    assert d.claimed_by == "T2"
