"""The contact policy's calls for many members at once: the same rules as the single calls
(`policy.ContactPolicy`), as array operations under the same lock.

`check_many`/`send_many` take distinct members (a campaign's audience); `interact_many` and
`opt_out_many` take any members, repeats included, with the effect of the single call made
for each row in turn. A malformed batch (a member id that is not an integer in
[0, `MAX_MEMBERS`), an unknown channel or kind) is an `InvalidInput` and changes nothing.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from retail import checks
from retail.clock import seconds
from retail.marketing.types import Interaction, MessageChannel

WINDOWS = ("message", "click", "payment")
WINDOW_OF = {
    Interaction.MESSAGE: 0,
    Interaction.CLICK: 1,
    Interaction.FOLLOW: 1,
    Interaction.SCAN: 1,
    Interaction.PAYMENT: 2,
}
ALL_CHANNELS = (1 << len(MessageChannel)) - 1


class PolicyBatch:
    """Mixed into `ContactPolicy`: the batch calls, on its state, consent log and lock."""

    def check_many(
        self, members: np.ndarray, channel: MessageChannel, at: dt.datetime
    ) -> np.ndarray:
        """`check` for many distinct members: one `Refusal` bit set per member (uint16)."""
        c, now = _code(channel), seconds(at)
        with self._lock:
            rows = self._rows(members, grow=False)
            known = rows < self.state.size
            if known.all():
                return self._check_many(rows, c, now, self._a)
            # Members never seen have the defaults: one blank row answers for them all.
            reasons = np.empty(len(rows), np.uint16)
            reasons[known] = self._check_many(rows[known], c, now, self._a)
            reasons[~known] = self._check_many(np.zeros(1, np.int64), c, now, self._blank)[0]
            return reasons

    def send_many(
        self, members: np.ndarray, channel: MessageChannel, at: dt.datetime
    ) -> np.ndarray:
        """`send` for many distinct members: the check per member (uint16 `Refusal` bits);
        those allowed are counted."""
        c, now = _code(channel), seconds(at)
        with self._lock:
            rows = self._rows(members)
            reasons = self._check_many(rows, c, now, self._a)
            self._count_many(rows[reasons == 0], c, now)
            return reasons

    def interact_many(self, members: np.ndarray, kind: Interaction, at: dt.datetime) -> None:
        window = WINDOWS[WINDOW_OF[checks.option(kind, Interaction, "kind")]]
        now = seconds(at)
        with self._lock:
            rows = self._rows(members, unique=False)
            self._a[f"{window}_s"][rows] = now
            self._a[f"{window}_used"][rows] = 0

    def opt_out_many(
        self, members: np.ndarray, at: dt.datetime, channel: MessageChannel | None = None
    ) -> None:
        """`opt_out` for each member (repeats allowed), honoured from the next call: her
        opted-out bits set, one consent-log row per entry, in order."""
        bits = ALL_CHANNELS if channel is None else 1 << _code(channel)
        now = seconds(at)
        with self._lock:
            rows = self._rows(members, unique=False)
            column = self._a["opted_out"]
            column[rows] = column[rows] | np.uint8(bits)
            n = len(rows)
            if n:
                self.consents.extend(
                    member=rows,
                    ts=np.full(n, now, np.int64),
                    channels=np.full(n, bits, np.uint8),
                    opted_out=np.ones(n, bool),
                )


def _code(channel: object) -> int:
    """The channel's code; anything but a MessageChannel (or its code) is InvalidInput."""
    if type(channel) is MessageChannel:  # the hot paths: the enum, or a code in range
        return int(channel)
    if type(channel) is int and 0 <= channel < len(MessageChannel):
        return channel
    return int(checks.option(channel, MessageChannel, "channel"))
