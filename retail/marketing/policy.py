"""The contact policy engine: may this member be sent this message on this channel now?

Checked for every single send, alone or as a whole campaign at once (the same rules, as
array operations). Each refusal carries every reason that applied (`Refusal` flags). Limits
that all apply must all pass, so the strictest wins; WeChat service windows are the one
exception, being alternatives to each other (any open window with room lets the send through).

State is one row per member id (numpy columns): consent, the three service windows, and the
send counts of the current calendar day and ISO week per channel and overall.

Promises: a member id is an integer in [0, `retail.checks.MAX_MEMBERS`), a channel a
`MessageChannel`; anything else is an `InvalidInput` naming it, and a refused call changes
nothing. Thread-safe: every public call holds the policy's one re-entrant lock (a marketing
center shares its own), so a check and the send it allows are one step: sixteen concurrent
sends against a daily cap of one send one.
"""

from __future__ import annotations

import datetime as dt
import threading

import numpy as np

from retail import checks
from retail.clock import SECONDS_PER_DAY, seconds
from retail.columns import Columns
from retail.errors import InvalidInput
from retail.marketing.policy_batch import (
    ALL_CHANNELS,
    WINDOW_OF,
    WINDOWS,
    PolicyBatch,
    _code,
)
from retail.marketing.types import ContactRules, Interaction, MessageChannel, Refusal

LONG_AGO = -(2**62)  # a window opened "never" is closed at any time
CONSENT_COLUMNS = {  # channels 0: the personalisation choice; opted_out: refused
    "member": (np.int64, -1),
    "ts": (np.int64, 0),
    "channels": (np.uint8, 0),
    "opted_out": (np.bool_, False),
}
SCOPES = len(MessageChannel) + 1  # each channel, then "overall": caps count per scope
OVERALL = len(MessageChannel)
UNLIMITED = 1 << 30


def _columns() -> dict[str, tuple[np.dtype, object]]:
    spec: dict[str, tuple[np.dtype, object]] = {
        "opted_out": (np.uint8, 0),  # one bit per channel
        "no_personal": (np.bool_, False),
    }
    for window in WINDOWS:
        spec[f"{window}_s"] = (np.int64, LONG_AGO)
        spec[f"{window}_used"] = (np.int16, 0)
    for scope in range(SCOPES):
        spec[f"day{scope}"] = (np.int32, -1)
        spec[f"day_n{scope}"] = (np.uint8, 0)
        spec[f"week{scope}"] = (np.int32, -1)
        spec[f"week_n{scope}"] = (np.uint8, 0)
    return spec


OPTED_OUT, QUIET_HOURS = int(Refusal.OPTED_OUT), int(Refusal.QUIET_HOURS)
_REFUSALS: dict[int, Refusal] = {}


def _refusal(reasons: int) -> Refusal:
    """`Refusal(reasons)`, cached: building a flag costs more than a whole check."""
    flag = _REFUSALS.get(reasons)
    if flag is None:
        flag = _REFUSALS[reasons] = Refusal(reasons)
    return flag


def _caps_on(rules: ContactRules, channel: MessageChannel) -> tuple:
    """The caps a send on `channel` counts against: (period column, count column, weekly,
    limit, refusal flag) for the channel's own and the overall day and week caps."""
    caps = []
    for scope, cap, day_flag, week_flag in (
        (int(channel), rules.caps.get(channel), Refusal.CHANNEL_DAY_CAP, Refusal.CHANNEL_WEEK_CAP),
        (OVERALL, rules.overall, Refusal.DAY_CAP, Refusal.WEEK_CAP),
    ):
        if cap is not None and cap.per_day is not None:
            caps.append((f"day{scope}", f"day_n{scope}", False, cap.per_day, int(day_flag)))
        if cap is not None and cap.per_week is not None:
            caps.append((f"week{scope}", f"week_n{scope}", True, cap.per_week, int(week_flag)))
    return tuple(caps)


def _week(day):
    return (day + 3) // 7  # 1970-01-01 was a Thursday; ISO weeks start on Monday


class ContactPolicy(PolicyBatch):
    """Consent, service windows and frequency caps for every member. `lock`: the re-entrant
    lock every call holds (its own unless a marketing center shares one). The calls for many
    members at once are in `policy_batch.PolicyBatch`."""

    def __init__(
        self, rules: ContactRules | None = None, lock: threading.RLock | None = None
    ) -> None:
        self._lock = lock or threading.RLock()
        self.rules = rules or ContactRules()
        w = self.rules.windows
        self._windows = [  # (opened-at column, sends-used column, length s, sends or None)
            (f"{name}_s", f"{name}_used", *limits)
            for name, limits in zip(
                WINDOWS, (w.after_message, w.after_click, w.after_payment), strict=True
            )
        ]
        self._caps = [_caps_on(self.rules, channel) for channel in MessageChannel]
        self._quiet_channels = [c in self.rules.quiet_channels for c in MessageChannel]
        self._quiet = (_second_of_day(self.rules.quiet_start), _second_of_day(self.rules.quiet_end))
        self.state = Columns(_columns())
        self._a = self.state.buffers()
        blank = Columns(_columns())
        blank.grow(1)
        self._blank = blank.buffers()  # the state of a member never seen
        self.consents = Columns(CONSENT_COLUMNS)

    # --- one member ---------------------------------------------------------------------
    def check(self, member: int, channel: MessageChannel, at: dt.datetime) -> Refusal:
        """The reasons this send would be refused now; `Refusal(0)` (falsy) if it may go."""
        c, now = _code(channel), seconds(at)
        with self._lock:
            a, row = self._read(member)
            return _refusal(self._check(row, c, now, a))

    def send(self, member: int, channel: MessageChannel, at: dt.datetime) -> Refusal:
        """Check and, if allowed, count the send against every limit. Returns the check."""
        c, now = _code(channel), seconds(at)
        with self._lock:
            row = self._row(member)
            reasons = self._check(row, c, now, self._a)
            if not reasons:
                self._count(row, c, now)
            return _refusal(reasons)

    def remaining(self, member: int, channel: MessageChannel, at: dt.datetime) -> int | None:
        """How many more sends the limits allow now, the strictest limit deciding (None: no
        limit applies). Consent and quiet hours are not counted: see `check`."""
        c, now = _code(channel), seconds(at)
        with self._lock:
            a, row = self._read(member)
            room = self._left(row, c, now, a)
            if c == MessageChannel.WECHAT_SERVICE:
                window_room = 0
                for opened_key, used_key, length, sends in self._windows:
                    if 0 <= now - a[opened_key].item(row) < length:
                        left = UNLIMITED if sends is None else sends - a[used_key].item(row)
                        window_room = min(UNLIMITED, window_room + max(left, 0))
                room = min(room, window_room)
        return None if room >= UNLIMITED else max(room, 0)

    def interact(self, member: int, kind: Interaction, at: dt.datetime) -> None:
        """She wrote, clicked, followed, scanned or paid: a fresh service window opens."""
        window = WINDOWS[WINDOW_OF[checks.option(kind, Interaction, "kind")]]
        now = seconds(at)
        with self._lock:
            row = self._row(member)
            self._a[f"{window}_s"][row] = now
            self._a[f"{window}_used"][row] = 0

    def opt_out(self, member: int, at: dt.datetime, channel: MessageChannel | None = None) -> None:
        """Honoured at once, for one channel or (None) all of them."""
        self._consent(member, at, channel, opted_out=True)

    def opt_in(self, member: int, at: dt.datetime, channel: MessageChannel | None = None) -> None:
        self._consent(member, at, channel, opted_out=False)

    def refuse_personalisation(self, member: int, at: dt.datetime, refused: bool = True) -> None:
        """PIPL art. 24: from now on she gets the non-personalised version of every push."""
        now, refused = seconds(at), bool(refused)
        with self._lock:
            row = self._row(member)
            self._a["no_personal"][row] = refused
            self.consents.append(member=row, ts=now, channels=0, opted_out=refused)

    def personalisation_refused(self, members: np.ndarray) -> np.ndarray:
        rows = checks.member_ids(members)
        with self._lock:
            return self._padded("no_personal", rows, False)

    def forget(self, member: int) -> None:
        """Erasure: her row back to defaults and her consent history removed."""
        row = checks.member_id(member)
        with self._lock:
            if row < self.state.size:
                self.state.reset(row)
            keep = self.consents.member != row
            kept = {name: column[keep] for name, column in self.consents.arrays().items()}
            self.consents.size = 0
            if len(kept["member"]):
                self.consents.extend(**kept)

    # --- the rules ----------------------------------------------------------------------
    def _check(self, row: int, c: int, now: int, a: dict[str, np.ndarray]) -> int:
        reasons = OPTED_OUT if a["opted_out"].item(row) >> c & 1 else 0
        if self._quiet_channels[c] and self._is_quiet(now % SECONDS_PER_DAY):
            reasons |= QUIET_HOURS
        if c == MessageChannel.WECHAT_SERVICE:
            opened = room = False
            for opened_key, used_key, length, sends in self._windows:
                if 0 <= now - a[opened_key].item(row) < length:
                    opened = True
                    room = room or sends is None or a[used_key].item(row) < sends
            if not room:
                reasons |= (
                    Refusal.SERVICE_WINDOW_USED_UP if opened else Refusal.OUTSIDE_SERVICE_WINDOW
                )
        day = now // SECONDS_PER_DAY
        week = _week(day)
        for period_key, count_key, weekly, limit, flag in self._caps[c]:
            # Read the count first: mostly zero, so the period is rarely needed.
            if not limit or (
                a[count_key].item(row) >= limit
                and a[period_key].item(row) == (week if weekly else day)
            ):
                reasons |= flag
        return int(reasons)

    def _left(self, row: int, c: int, now: int, a: dict[str, np.ndarray]) -> int:
        day = now // SECONDS_PER_DAY
        left = UNLIMITED
        for period_key, count_key, weekly, limit, _ in self._caps[c]:
            current = a[period_key].item(row) == (_week(day) if weekly else day)
            left = min(left, limit - (a[count_key].item(row) if current else 0))
        return left

    def _count(self, row: int, c: int, now: int) -> None:
        a = self._a
        if c == MessageChannel.WECHAT_SERVICE:  # charge the open window that closes first
            charged, closes = None, None
            for opened_key, used_key, length, sends in self._windows:
                opened, used = a[opened_key].item(row), a[used_key].item(row)
                usable = 0 <= now - opened < length and (sends is None or used < sends)
                if usable and (closes is None or opened + length < closes):
                    charged, closes = used_key, opened + length
            a[charged][row] += 1
        day = now // SECONDS_PER_DAY
        for period_key, count_key, weekly, _, _ in self._caps[c]:
            current = _week(day) if weekly else day
            if a[period_key].item(row) == current:
                a[count_key][row] += 1
            else:
                a[period_key][row] = current
                a[count_key][row] = 1

    def _check_many(
        self, rows: np.ndarray, c: int, now: int, a: dict[str, np.ndarray]
    ) -> np.ndarray:
        reasons = np.where((a["opted_out"][rows] >> c) & 1, np.uint16(OPTED_OUT), np.uint16(0))
        if self._quiet_channels[c] and self._is_quiet(now % SECONDS_PER_DAY):
            reasons |= np.uint16(QUIET_HOURS)
        if c == MessageChannel.WECHAT_SERVICE:
            opened, room = self._open_windows(rows, now, a)
            window_reason = np.where(
                opened.any(axis=0), Refusal.SERVICE_WINDOW_USED_UP, Refusal.OUTSIDE_SERVICE_WINDOW
            )
            reasons |= np.where(room.any(axis=0), 0, window_reason).astype(np.uint16)
        day = now // SECONDS_PER_DAY
        for period_key, count_key, weekly, limit, flag in self._caps[c]:
            current = _week(day) if weekly else day
            count = np.where(a[period_key][rows] == current, a[count_key][rows], 0)
            reasons |= np.where(count >= limit, np.uint16(flag), np.uint16(0))
        return reasons

    def _count_many(self, rows: np.ndarray, c: int, now: int) -> None:
        a = self._a
        if c == MessageChannel.WECHAT_SERVICE and len(rows):
            _, room = self._open_windows(rows, now, a)
            closes = np.stack([a[key][rows] + length for key, _, length, _ in self._windows])
            charged = np.where(room, closes, np.iinfo(np.int64).max).argmin(axis=0)
            for w, (_, used_key, _, _) in enumerate(self._windows):
                a[used_key][rows[charged == w]] += 1
        day = now // SECONDS_PER_DAY
        for period_key, count_key, weekly, _, _ in self._caps[c]:
            current = _week(day) if weekly else day
            same = a[period_key][rows] == current
            a[count_key][rows] = np.where(same, a[count_key][rows] + 1, 1)
            a[period_key][rows] = current

    def _open_windows(
        self, rows: np.ndarray, now: int, a: dict[str, np.ndarray]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per window (first axis) and member: is it open, and is there room left in it."""
        opened, room = [], []
        for opened_key, used_key, length, sends in self._windows:
            age = now - a[opened_key][rows]
            is_open = (age >= 0) & (age < length)
            opened.append(is_open)
            room.append(is_open if sends is None else is_open & (a[used_key][rows] < sends))
        return np.stack(opened), np.stack(room)

    def _is_quiet(self, second: int) -> bool:
        start, end = self._quiet
        return start <= second < end if start <= end else second >= start or second < end

    # --- storage ------------------------------------------------------------------------
    def _consent(
        self, member: int, at: dt.datetime, channel: MessageChannel | None, opted_out: bool
    ) -> None:
        bits = ALL_CHANNELS if channel is None else 1 << _code(channel)
        now = seconds(at)
        with self._lock:
            row = self._row(member)
            current = self._a["opted_out"].item(row)
            self._a["opted_out"][row] = current | bits if opted_out else current & ~bits
            self.consents.append(member=row, ts=now, channels=bits, opted_out=opted_out)

    def _read(self, member: int) -> tuple[dict[str, np.ndarray], int]:
        """Where to read her state: her row, or for an id never seen the blank one (reads
        never grow the state: one call with a stray id must not allocate for a billion)."""
        if type(member) is int and 0 <= member < self.state.size:  # the hot path
            return self._a, member
        member = checks.member_id(member)
        return (self._a, member) if member < self.state.size else (self._blank, 0)

    def _row(self, member: int) -> int:
        """Her row, growing the state for an id not seen before (ids are dense)."""
        if type(member) is int and 0 <= member < self.state.size:  # the hot path
            return member
        member = checks.member_id(member)
        if member >= self.state.size:
            self.state.grow(member + 1 - self.state.size)
            self._a = self.state.buffers()
        return member

    def _rows(self, members: np.ndarray, unique: bool = True, grow: bool = True) -> np.ndarray:
        rows = checks.member_ids(members)
        if len(rows) == 0:
            return rows
        top = int(rows.max())
        if unique and _repeats(rows, top):
            raise InvalidInput("members", "a member appears more than once in one batch")
        if grow and top >= self.state.size:
            self.state.grow(top + 1 - self.state.size)
            self._a = self.state.buffers()
        return rows

    def _padded(self, name: str, rows: np.ndarray, fill) -> np.ndarray:
        known = rows < self.state.size
        out = np.full(len(rows), fill, self._a[name].dtype)
        out[known] = self._a[name][rows[known]]
        return out


def _repeats(rows: np.ndarray, top: int) -> bool:
    """Whether a member id appears twice: by counting when the ids are dense (fast), by
    sorting when a stray large id would make the count table huge."""
    if len(rows) < 2 or bool((rows[1:] > rows[:-1]).all()):  # sorted and distinct: the usual
        return False
    if top < 4 * len(rows) + 1_000_000:
        return bool(np.bincount(rows, minlength=top + 1).max() > 1)
    return len(np.unique(rows)) < len(rows)


def _second_of_day(time: dt.time) -> int:
    return time.hour * 3600 + time.minute * 60 + time.second
