"""Pseudonymised mobile numbers and the audit log of every read of personal data.

A plain hash of a mobile number is no protection: there are only about 10^10 numbers, so a
laptop reverses SHA-256 of all of them in hours. The module keeps HMAC-SHA256 under a
secret instead (from configuration, or the environment variable below), plus the masked
form for display. The plain number exists only inside the call that received it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass

from retail.errors import InvalidInput

SECRET_ENV = "STORETWIN_MEMBER_SECRET"
MIN_SECRET_BYTES = 16


class PhoneHasher:
    def __init__(self, secret: bytes | str | None = None) -> None:
        if secret is None:
            secret = os.environ.get(SECRET_ENV)
        if secret is None:
            raise InvalidInput("secret", f"no hashing secret: pass one or set {SECRET_ENV}")
        if not isinstance(secret, str | bytes):  # bytes(20260101) would be 20 MB of zeros
            raise InvalidInput("secret", f"must be text or bytes, got {type(secret).__name__}")
        key = secret.encode() if isinstance(secret, str) else secret
        if len(key) < MIN_SECRET_BYTES:
            raise InvalidInput("secret", f"must be at least {MIN_SECRET_BYTES} bytes long")
        # HMAC's two keyed states, prepared once; each digest copies them (RFC 2104).
        block = hashlib.sha256().block_size
        key = key if len(key) <= block else hashlib.sha256(key).digest()
        key = key.ljust(block, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def digest(self, normalised_mobile: str) -> bytes:
        """HMAC-SHA256 of the number under the secret (equal to `hmac.new(...).digest()`)."""
        inner = self._inner.copy()
        inner.update(normalised_mobile.encode())
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()

    def digest_many(self, normalised_mobiles: list[str]) -> list[bytes]:
        """`digest` of each, in one tight loop."""
        inner_copy, outer_copy = self._inner.copy, self._outer.copy
        digests = []
        for number in map(str.encode, normalised_mobiles):
            inner = inner_copy()
            inner.update(number)
            outer = outer_copy()
            outer.update(inner.digest())
            digests.append(outer.digest())
        return digests


@dataclass(frozen=True)
class AuditEntry:
    at: dt.datetime
    actor: str  # who read: a staff id, a service name
    purpose: str  # what for: "checkout lookup", "guide task", ...
    member_id: int
    masked_mobile: str


class AuditLog:
    """Append-only record of reads of personal data; holds masked numbers only."""

    def __init__(self) -> None:
        self.entries: list[AuditEntry] = []

    def record(self, at: dt.datetime, actor: str, purpose: str, member_id: int, masked: str):
        self.entries.append(AuditEntry(at, actor, purpose, member_id, masked))

    def forget(self, member_id: int) -> None:
        """Erasure: the member's reads go with her (the count of erasures stays elsewhere)."""
        self.entries = [e for e in self.entries if e.member_id != member_id]
