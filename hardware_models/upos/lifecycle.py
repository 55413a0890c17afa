"""The UnifiedPOS device lifecycle: open, claim, enable, disable, release, close.

A control object starts closed. `open` makes it usable for queries, `claim` gives one
terminal exclusive access, `enable` powers the device for output. Everything that prints,
scans or pulses requires all three, and the refusals carry the result codes the standard
names (`E_CLOSED`, `E_CLAIMED`, `E_NOTCLAIMED`, `E_DISABLED`, `E_ILLEGAL`).
"""

from __future__ import annotations

import enum


class UposErrorCode(enum.Enum):
    E_CLOSED = 101  # the control is not open
    E_CLAIMED = 102  # another terminal holds the claim
    E_NOTCLAIMED = 103  # the caller has not claimed the device
    E_DISABLED = 105  # the device is not enabled
    E_ILLEGAL = 106  # not allowed in the current state
    E_EXTENDED = 114  # a device-specific condition; see the extended code


class UposError(Exception):
    """A refused call, as a JposException / OPOS result code with a readable reason."""

    def __init__(self, code: UposErrorCode, device: str, reason: str) -> None:
        super().__init__(f"{device}: {code.name}: {reason}")
        self.code = code
        self.device = device
        self.reason = reason


class DeviceState(enum.Enum):
    CLOSED = "closed"
    OPENED = "opened"  # open, not claimed by anyone
    CLAIMED = "claimed"  # claimed, output disabled
    ENABLED = "enabled"  # claimed and enabled: usable


class DeviceControl:
    """Lifecycle shared by every UnifiedPOS device; subclasses add the device's methods."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.state = DeviceState.CLOSED
        self.claimed_by: str | None = None

    def open(self) -> None:
        if self.state is not DeviceState.CLOSED:
            raise UposError(UposErrorCode.E_ILLEGAL, self.name, "already open")
        self.state = DeviceState.OPENED

    def claim(self, terminal: str) -> None:
        self._require_open()
        if self.claimed_by == terminal:
            return  # the standard allows a holder to claim again
        if self.claimed_by is not None:
            raise UposError(UposErrorCode.E_CLAIMED, self.name, f"claimed by {self.claimed_by}")
        self.claimed_by = terminal
        self.state = DeviceState.CLAIMED

    def enable(self, terminal: str) -> None:
        self._require_claim(terminal)
        if self.state is DeviceState.ENABLED:
            raise UposError(UposErrorCode.E_ILLEGAL, self.name, "already enabled")
        self.state = DeviceState.ENABLED

    def disable(self, terminal: str) -> None:
        self._require_claim(terminal)
        if self.state is not DeviceState.ENABLED:
            raise UposError(UposErrorCode.E_ILLEGAL, self.name, "not enabled")
        self.state = DeviceState.CLAIMED

    def release(self, terminal: str) -> None:
        self._require_claim(terminal)
        self.claimed_by = None
        self.state = DeviceState.OPENED

    def close(self) -> None:
        self._require_open()
        self.claimed_by = None
        self.state = DeviceState.CLOSED

    def require_usable(self, terminal: str) -> None:
        """Refuse unless `terminal` holds the claim and the device is enabled."""
        self._require_claim(terminal)
        if self.state is not DeviceState.ENABLED:
            raise UposError(UposErrorCode.E_DISABLED, self.name, "device is disabled")

    def _require_open(self) -> None:
        if self.state is DeviceState.CLOSED:
            raise UposError(UposErrorCode.E_CLOSED, self.name, "device is closed")

    def _require_claim(self, terminal: str) -> None:
        self._require_open()
        if self.claimed_by is None:
            raise UposError(UposErrorCode.E_NOTCLAIMED, self.name, "device is not claimed")
        if self.claimed_by != terminal:
            raise UposError(UposErrorCode.E_CLAIMED, self.name, f"claimed by {self.claimed_by}")

    def ready(self, terminal: str) -> None:
        """Open, claim and enable in one go, as POS software does at start of day."""
        if self.state is DeviceState.CLOSED:
            self.open()
        self.claim(terminal)
        if self.state is not DeviceState.ENABLED:
            self.enable(terminal)
