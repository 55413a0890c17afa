"""The contact policy engine: WeChat service windows, caps, quiet hours, consent; and, over
random event sequences, against an independent reference model of every limit."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retail.errors import InvalidInput
from retail.marketing import (
    WECHAT_ERRCODE,
    Cap,
    ContactPolicy,
    ContactRules,
    Interaction,
    MessageChannel,
    Refusal,
)

C = MessageChannel
T0 = dt.datetime(2026, 3, 2, 12, 0)  # a Monday
MIN, HOUR, DAY = dt.timedelta(minutes=1), dt.timedelta(hours=1), dt.timedelta(days=1)
NO_CAPS = ContactRules(caps={}, overall=Cap())


def test_outside_every_window_a_service_message_is_refused_as_the_platform_does():
    policy = ContactPolicy(NO_CAPS)
    refusal = policy.send(7, C.WECHAT_SERVICE, T0)
    assert refusal == Refusal.OUTSIDE_SERVICE_WINDOW
    assert WECHAT_ERRCODE[Refusal.OUTSIDE_SERVICE_WINDOW] == 45015


def test_after_her_message_five_sends_within_48_hours():
    policy = ContactPolicy(NO_CAPS)
    policy.interact(7, Interaction.MESSAGE, T0)
    results = [policy.send(7, C.WECHAT_SERVICE, T0 + i * HOUR) for i in range(6)]
    assert results[:5] == [Refusal(0)] * 5
    assert results[5] == Refusal.SERVICE_WINDOW_USED_UP
    policy.interact(7, Interaction.MESSAGE, T0 + 10 * HOUR)  # a new message: a fresh window
    assert not policy.send(7, C.WECHAT_SERVICE, T0 + 11 * HOUR)
    assert policy.check(7, C.WECHAT_SERVICE, T0 + 10 * HOUR + 48 * HOUR) == (
        Refusal.OUTSIDE_SERVICE_WINDOW
    )


def test_after_a_click_three_sends_within_one_minute():
    policy = ContactPolicy(NO_CAPS)
    policy.interact(7, Interaction.FOLLOW, T0)
    sent = [policy.send(7, C.WECHAT_SERVICE, T0 + dt.timedelta(seconds=10 * i)) for i in range(4)]
    assert sent == [Refusal(0)] * 3 + [Refusal.SERVICE_WINDOW_USED_UP]
    policy.interact(8, Interaction.SCAN, T0)
    assert policy.check(8, C.WECHAT_SERVICE, T0 + MIN) == Refusal.OUTSIDE_SERVICE_WINDOW


def test_after_a_payment_unlimited_within_48_hours():
    policy = ContactPolicy(NO_CAPS)
    policy.interact(7, Interaction.PAYMENT, T0)
    assert all(not policy.send(7, C.WECHAT_SERVICE, T0 + i * MIN) for i in range(50))
    assert policy.remaining(7, C.WECHAT_SERVICE, T0) is None
    assert policy.check(7, C.WECHAT_SERVICE, T0 + 48 * HOUR) == Refusal.OUTSIDE_SERVICE_WINDOW


def test_a_send_is_charged_to_the_window_that_closes_first():
    policy = ContactPolicy(NO_CAPS)
    policy.interact(7, Interaction.MESSAGE, T0)  # 5 within 48 h
    policy.interact(7, Interaction.CLICK, T0 + HOUR)  # 3 within a minute: closes first
    for _ in range(3):
        assert not policy.send(7, C.WECHAT_SERVICE, T0 + HOUR)
    assert policy.remaining(7, C.WECHAT_SERVICE, T0 + HOUR + MIN) == 5  # message window untouched


def test_the_strictest_cap_wins():
    rules = ContactRules(caps={C.SMS: Cap(per_day=3, per_week=4)}, overall=Cap(per_day=2))
    policy = ContactPolicy(rules)
    assert policy.remaining(1, C.SMS, T0) == 2
    assert [policy.send(1, C.SMS, T0 + i * MIN) for i in range(3)] == [
        Refusal(0), Refusal(0), Refusal.DAY_CAP,
    ]  # fmt: skip
    assert not policy.send(1, C.SMS, T0 + DAY)
    assert not policy.send(1, C.SMS, T0 + DAY)
    # Tuesday: 4 this week, so the channel's weekly cap binds although the day has room.
    assert policy.send(1, C.SMS, T0 + 2 * DAY) == Refusal.CHANNEL_WEEK_CAP
    assert policy.remaining(1, C.SMS, T0 + 2 * DAY) == 0
    assert policy.remaining(1, C.SMS, T0 + 7 * DAY) == 2  # next Monday: a new ISO week


def test_quiet_hours_apply_to_their_channels_only():
    policy = ContactPolicy()  # 21:00 to 09:00 for template, SMS and guide messages
    night = dt.datetime(2026, 3, 2, 22, 30)
    assert policy.check(1, C.SMS, night) == Refusal.QUIET_HOURS
    assert policy.check(1, C.SMS, dt.datetime(2026, 3, 3, 8, 59)) == Refusal.QUIET_HOURS
    assert not policy.check(1, C.SMS, dt.datetime(2026, 3, 3, 9, 0))
    assert not policy.check(1, C.STORE_SCREEN, night)


def test_opt_out_is_honoured_at_once_per_channel_or_everywhere():
    policy = ContactPolicy(NO_CAPS)
    policy.opt_out(1, T0, C.SMS)
    assert policy.check(1, C.SMS, T0) == Refusal.OPTED_OUT
    assert not policy.check(1, C.WECHAT_TEMPLATE, T0)
    policy.opt_out(1, T0, None)
    assert policy.check(1, C.STORE_SCREEN, T0) == Refusal.OPTED_OUT
    policy.opt_in(1, T0 + DAY, C.STORE_SCREEN)
    assert not policy.check(1, C.STORE_SCREEN, T0 + DAY)
    assert policy.check(1, C.SMS, T0 + DAY) == Refusal.OPTED_OUT
    assert len(policy.consents.member) == 3


def test_a_refusal_lists_every_reason():
    policy = ContactPolicy()
    policy.opt_out(1, T0)
    reasons = policy.check(1, C.WECHAT_SERVICE, dt.datetime(2026, 3, 2, 23))
    assert reasons == Refusal.OPTED_OUT | Refusal.OUTSIDE_SERVICE_WINDOW


def test_bad_member_ids_are_refused_with_the_field():
    policy = ContactPolicy()
    with pytest.raises(InvalidInput, match="member"):
        policy.check(-1, C.SMS, T0)
    with pytest.raises(InvalidInput, match="more than once"):
        policy.send_many(np.array([1, 2, 1]), C.SMS, T0)


def test_forget_erases_her_state_and_consent_history():
    policy = ContactPolicy(NO_CAPS)
    policy.opt_out(3, T0)
    policy.opt_out(4, T0)
    policy.forget(3)
    assert not policy.check(3, C.SMS, T0)
    assert list(policy.consents.member) == [4]


# --- random event sequences against a reference model -------------------------------------
RULES = ContactRules(
    caps={C.SMS: Cap(per_day=1, per_week=2), C.WECHAT_SERVICE: Cap(per_day=3),
          C.GUIDE_WECOM: Cap(per_week=2)},
    overall=Cap(per_day=3, per_week=5),
)  # fmt: skip
steps = st.lists(
    st.tuples(
        st.integers(0, 2),  # member
        st.sampled_from(["send", "send", "send", "interact", "opt_out", "opt_in"]),
        st.sampled_from(list(C)),
        st.sampled_from(list(Interaction)),
        st.integers(0, 26 * 60),  # minutes since the previous step
    ),
    max_size=60,
)


class Reference:
    """Every limit on its own, from the log of accepted sends; written apart from the engine."""

    def __init__(self, rules: ContactRules) -> None:
        self.rules, self.sent, self.opted, self.windows = rules, [], set(), {}

    def limits(self, member, channel, at):
        """Reason -> does this limit refuse the send now."""
        mine = [(c, t) for m, c, t in self.sent if m == member]
        day = at.date()
        week = at.isocalendar()[:2]
        refused = {Refusal.OPTED_OUT: (member, channel) in self.opted}
        quiet = at.time() >= self.rules.quiet_start or at.time() < self.rules.quiet_end
        refused[Refusal.QUIET_HOURS] = channel in self.rules.quiet_channels and quiet
        for scope, (day_flag, week_flag) in (
            (channel, (Refusal.CHANNEL_DAY_CAP, Refusal.CHANNEL_WEEK_CAP)),
            (None, (Refusal.DAY_CAP, Refusal.WEEK_CAP)),
        ):
            cap = self.rules.overall if scope is None else self.rules.caps.get(scope, Cap())
            in_scope = [t for c, t in mine if scope is None or c == scope]
            on_day = sum(t.date() == day for t in in_scope)
            in_week = sum(t.isocalendar()[:2] == week for t in in_scope)
            refused[day_flag] = cap.per_day is not None and on_day >= cap.per_day
            refused[week_flag] = cap.per_week is not None and in_week >= cap.per_week
        if channel == C.WECHAT_SERVICE:
            open_ = self.open_windows(member, at)
            room = [w for w in open_ if w[2] is None or w[3] < w[2]]
            refused[Refusal.OUTSIDE_SERVICE_WINDOW] = not open_
            refused[Refusal.SERVICE_WINDOW_USED_UP] = bool(open_) and not room
        return refused

    def open_windows(self, member, at):
        return [w for w in self.windows.get(member, {}).values() if w[0] <= at < w[1]]

    def record(self, member, channel, at):
        self.sent.append((member, channel, at))
        if channel == C.WECHAT_SERVICE:
            open_ = [w for w in self.open_windows(member, at) if w[2] is None or w[3] < w[2]]
            first = min(open_, key=lambda w: w[1])
            first[3] += 1

    def interact(self, member, kind, at):
        w = self.rules.windows
        name, (length, sends) = {
            Interaction.MESSAGE: ("message", w.after_message),
            Interaction.PAYMENT: ("payment", w.after_payment),
        }.get(kind, ("click", w.after_click))
        opened = at
        self.windows.setdefault(member, {})[name] = [
            opened, opened + dt.timedelta(seconds=length), sends, 0,
        ]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(steps)
def test_random_sequences_agree_with_every_limit_taken_alone(events):
    policy, reference, at = ContactPolicy(RULES), Reference(RULES), T0
    for member, action, channel, kind, minutes in events:
        at += dt.timedelta(minutes=minutes)
        if action == "interact":
            policy.interact(member, kind, at)
            reference.interact(member, kind, at)
        elif action == "opt_out":
            policy.opt_out(member, at, channel)
            reference.opted.add((member, channel))
        elif action == "opt_in":
            policy.opt_in(member, at, channel)
            reference.opted.discard((member, channel))
        else:
            limits = reference.limits(member, channel, at)
            expected = Refusal(0)
            for flag, refuses in limits.items():
                if refuses:
                    expected |= flag
            batch = policy.check_many(np.array([member]), channel, at)[0]
            result = policy.send(member, channel, at)
            assert result == expected  # allowed exactly when every limit allows: strictest wins
            assert batch == result  # the batch path decides the same
            if result:
                assert result != Refusal(0)  # every refusal has a reason
            else:
                assert (member, channel) not in reference.opted  # never after an opt-out
                reference.record(member, channel, at)
    # No cap was ever exceeded, whatever happened.
    for member in range(3):
        mine = [(c, t) for m, c, t in reference.sent if m == member]
        for key in {(t.date(), c) for c, t in mine}:
            count = sum((t.date(), c) == key for c, t in mine)
            assert count <= (RULES.caps.get(key[1], Cap()).per_day or 99)
        for day in {t.date() for _, t in mine}:
            assert sum(t.date() == day for _, t in mine) <= RULES.overall.per_day


@settings(max_examples=60, deadline=None)
@given(steps, st.sampled_from(list(C)), st.integers(0, 48 * 60))
def test_batch_sends_change_state_as_single_sends_do(events, channel, later):
    single, batch, at = ContactPolicy(RULES), ContactPolicy(RULES), T0
    for member, action, ch, kind, minutes in events:
        at += dt.timedelta(minutes=minutes)
        for policy in (single, batch):
            if action == "interact":
                policy.interact(member, kind, at)
            elif action == "opt_out":
                policy.opt_out(member, at, ch)
        if action == "send":
            single.send(member, ch, at)
            batch.send_many(np.array([member]), ch, at)
    members = np.array([0, 1, 2])
    at += dt.timedelta(minutes=later)
    expected = [single.send(m, channel, at) for m in members]
    assert [Refusal(int(r)) for r in batch.send_many(members, channel, at)] == expected
    for m in members:
        assert batch.remaining(int(m), channel, at) == single.remaining(int(m), channel, at)


def test_reading_about_a_member_never_seen_allocates_nothing():
    policy = ContactPolicy(ContactRules(caps={C.SMS: Cap(per_day=1)}, overall=Cap()))
    # Her defaults answer: no row is grown for her (a row per id up to 10^9 is ~92 GB).
    assert policy.check(999_999_999, MessageChannel.SMS, T0) == Refusal(0)
    assert policy.remaining(999_999_999, MessageChannel.SMS, T0) == 1
    many = policy.check_many(np.array([5, 999_999_999]), MessageChannel.SMS, T0)
    assert many.tolist() == [0, 0] and policy.state.size == 0
    policy.send(3, MessageChannel.SMS, T0)  # a write does grow it, to the id written
    assert policy.state.size == 4
    used, fresh = policy.check_many(np.array([3, 7]), MessageChannel.SMS, T0).tolist()
    assert used == int(policy.check(3, MessageChannel.SMS, T0)) != 0 and fresh == 0
