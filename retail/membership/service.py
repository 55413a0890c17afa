"""Membership (SCRM): one member per person across channels, and everything kept about her.

Single-record calls for store systems (`register`, `follow`, `record_purchase`, ...) and
batch calls over numpy arrays for bulk loads and the vectorised chain (`register_many`,
`lookup_many`, `record_purchases`). No call returns, logs or raises a plain mobile number.

Promises: a batch call checks what its single form checks; bad input is an `InvalidInput`
naming the field (an unknown or erased member `NotFound`, a merged one `Conflict`) and
changes nothing, every argument being checked before anything is written. Money is integer
cents within `retail.checks.MAX_CENTS`. Thread-safe: every public call holds the object's one
re-entrant lock, so concurrent tills registering one number get one member. Registering
again, following again and visiting again are idempotent (the same id back).
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from retail import checks
from retail.clock import EPOCH, checked_time, seconds, seconds_array
from retail.errors import InvalidInput, NotFound
from retail.membership import (
    lifecycle,
    merge,
    points,
    purchases,
    queries,
    records,
    rfm_state,
    snapshot,
    tasks,
)
from retail.membership.phone import mask_mobile, normalise_mobile, normalise_mobiles
from retail.membership.privacy import AuditLog, PhoneHasher
from retail.membership.snapshot import MemberSnapshot
from retail.membership.state import BRAND, NEVER, State
from retail.membership.types import Channel, MembershipConfig, Stage, TaskOutcome

IDENTIFIERS = ("openid", "unionid", "mini_program", "card")


class Membership:
    def __init__(self, config: MembershipConfig | None = None, secret: bytes | str | None = None):
        self.config = config or MembershipConfig()
        self.state = State(self.config.categories)
        self.audit = AuditLog()
        self._hasher = PhoneHasher(secret)
        self.erasures = 0
        self._lock = threading.RLock()  # held by every public call (see the module docstring)

    # --- identity ---------------------------------------------------------------------------
    def register(
        self,
        mobile: str,
        at: dt.datetime,
        store: str,
        staff: str | None = None,
        channel: Channel = Channel.STORE_QR,
        openid: str | None = None,
    ) -> int:
        """Register the person with this mobile number (as typed) as a member; returns her
        id. Registering again returns the same id; a follower who registers becomes a member
        (and her follower record and her number's record, if both exist, are merged)."""
        number = normalise_mobile(mobile)
        when, store = seconds(at), checks.key(store, "store")
        staff, openid = checks.optional_key(staff, "staff"), checks.optional_key(openid, "openid")
        channel = checks.option(channel, Channel, "channel")
        digest = self._hasher.digest(number)
        with self._lock:
            by_phone = self.state.ids["mobile"].get(digest)
            by_openid = self.state.ids["openid"].get(openid) if openid is not None else None
            member = by_phone if by_phone is not None else by_openid
            if member is None:
                member = int(self.state.new_members(1)[0])
            elif by_phone is not None and by_openid is not None and by_phone != by_openid:
                self.merge(by_phone, by_openid, at)
            self.state.ids["mobile"][digest] = member
            self.state.masked[member] = mask_mobile(number)
            if openid is not None:
                self.state.ids["openid"][openid] = member
            self._become_member(np.array([member]), when, store, staff, channel)
            return member

    def register_many(
        self,
        mobiles: Sequence[str],
        at: np.ndarray,
        stores: Sequence[str],
        staff: Sequence[str | None],
        channels: np.ndarray,
        openids: Sequence[str | None] | None = None,
    ) -> np.ndarray:
        """Batch registration: ids in input order (existing members keep theirs), each row
        as `register` would leave it, `openids[i]` (None: none) linking her follower record."""
        given = {} if openids is None else {"openids": openids}
        n = checks.same_length("register_many", mobiles=mobiles, at=at, stores=stores,
                               staff=staff, channels=channels, **given)  # fmt: skip
        numbers = normalise_mobiles(mobiles)
        when = seconds_array(at)
        stores = [checks.key(store, f"stores[{i}]") for i, store in enumerate(stores)]
        staff = [checks.optional_key(x, f"staff[{i}]") for i, x in enumerate(staff)]
        channels = checks.codes(channels, Channel, "channels").astype(np.int8)
        wx = [None] * n if openids is None else [checks.optional_key(x, f"openids[{i}]")
                                                   for i, x in enumerate(openids)]  # fmt: skip
        digests = self._hasher.digest_many(numbers)
        with self._lock:
            s, phones, followers = self.state, self.state.ids["mobile"], self.state.ids["openid"]
            ids = np.empty(n, np.int64)
            fresh: dict[bytes, tuple[list[int], str]] = {}  # new numbers: rows, masked form

            def make_fresh() -> None:
                """The new numbers so far become members (ids made together: fast)."""
                for (digest, (rows, masked)), member in zip(
                    fresh.items(), s.new_members(len(fresh)).tolist(), strict=True
                ):
                    phones[digest] = member
                    s.masked[member] = masked
                    ids[rows] = member
                fresh.clear()

            start, pending = 0, set()  # rows from `start` on are not settled; their openids

            def settle(upto: int) -> None:
                """Rows start..upto as one by one would have left them by now: ids made,
                openids linked, joiners attributed (once a person)."""
                nonlocal start
                make_fresh()
                for k in range(start, upto):
                    if wx[k] is not None:
                        followers[wx[k]] = int(ids[k])
                rows = np.arange(start, upto)
                first = np.zeros(len(rows), bool)
                first[np.unique(ids[rows], return_index=True)[1]] = True
                rows = rows[first & (s.members.member_s[ids[rows]] == NEVER)]
                records.attribute(s, ids[rows], when[rows], store_codes[rows], staff_codes[rows],
                                  channels[rows])  # fmt: skip
                pending.clear()
                start = upto

            store_codes = np.array([s.store_code(x) for x in stores], np.int32)
            staff_codes = np.array([s.staff_code(x) for x in staff], np.int32)
            for i, digest in enumerate(digests):
                if wx[i] is not None and (
                    wx[i] in pending or (digest in fresh and wx[i] in followers)
                ):
                    settle(i)  # an openid met earlier in the batch: as one by one would
                if digest in fresh:
                    fresh[digest][0].append(i)
                    if wx[i] is not None:
                        pending.add(wx[i])
                    continue
                by_openid = followers.get(wx[i]) if wx[i] is not None else None
                member = phones.get(digest)
                if member is None:
                    member = by_openid
                elif by_openid is not None and by_openid != member:
                    settle(i)
                    self.merge(member, by_openid, EPOCH + dt.timedelta(seconds=int(when[i])))
                if wx[i] is not None:
                    pending.add(wx[i])
                if member is None:
                    fresh[digest] = ([i], mask_mobile(numbers[i]))
                    continue
                phones[digest] = member
                s.masked[member] = mask_mobile(numbers[i])
                ids[i] = member
            settle(n)
            return ids

    def visit(self, mini_program_id: str, at: dt.datetime, store: str) -> int:
        """Someone opened the mini-program in a store (a visitor the chain can see); returns
        the id of her record, new or existing."""
        mini_program_id = checks.key(mini_program_id, "mini_program_id")
        when, store = seconds(at), checks.key(store, "store")
        with self._lock:
            s = self.state
            member = s.ids["mini_program"].get(mini_program_id)
            if member is None:
                member = int(s.new_members(1)[0])
                s.ids["mini_program"][mini_program_id] = member
                s.members.home_store[member] = s.store_code(store)
                s.members.stage_since_s[member] = when
            return member

    def profile(self, member: int, at: dt.datetime, actor: str, purpose: str) -> dict:
        """What the module knows of her, for a guide's screen; the read is audited."""
        at, actor, purpose = (
            checked_time(at),
            checks.key(actor, "actor"),
            checks.key(purpose, "purpose"),
        )
        with self._lock:
            member = self._require(member)
            m, s = self.state.members, self.state
            masked = s.masked[member]
            self.audit.record(at, actor, purpose, member, masked)
            bits = {bit: tag for tag, bit in s.tag_bits.items()}
            affinity = self.affinities([member])[0].tolist()
            return {
                "member": member,
                "mobile": masked,
                "stage": Stage(m.stage[member]).name.lower(),
                "tier": self.config.points.tier_names[m.tier[member]],
                "age_band": int(m.age_band[member]),
                "gender": int(m.gender[member]),
                "spending_power": int(m.spending_power[member]),
                "purchases": int(m.purchases[member]),
                "spend_cents": int(m.spend_cents[member]),
                "tags": sorted(t for b, t in bits.items() if int(m.tags[member]) >> b & 1),
                "affinity": dict(zip(s.categories, affinity, strict=True)),
            }

    def follow(
        self,
        openid: str,
        at: dt.datetime,
        store: str,
        staff: str | None = None,
        channel: Channel = Channel.STORE_QR,
    ) -> int:
        """She follows the WeChat account; returns the id of her record (new or existing)."""
        openid, when = checks.key(openid, "openid"), seconds(at)
        store, staff = checks.key(store, "store"), checks.optional_key(staff, "staff")
        channel = checks.option(channel, Channel, "channel")
        with self._lock:
            s = self.state
            member = s.ids["openid"].get(openid)
            if member is None:
                member = int(s.new_members(1)[0])
                s.ids["openid"][openid] = member
            m = s.members
            if m.follow_s[member] == NEVER:
                m.follow_s[member] = when
                m.follow_store[member] = s.store_code(store)
                m.follow_staff[member] = s.staff_code(staff)
                m.follow_channel[member] = int(channel)
                if m.stage[member] == Stage.VISITOR:
                    records.move(s, np.array([member]), Stage.FOLLOWER, when)
                    m.owner_staff[member] = m.follow_staff[member]
                    m.home_store[member] = m.follow_store[member]
            return member

    def follow_many(
        self,
        openids: Sequence[str],
        at: np.ndarray,
        stores: Sequence[str],
        staff: Sequence[str | None],
        channels: np.ndarray,
    ) -> np.ndarray:
        """Batch `follow`: the ids of their records in input order (an openid given twice
        follows at its first row), with the records `follow` one by one would leave."""
        n = checks.same_length("follow_many", openids=openids, at=at, stores=stores,
                               staff=staff, channels=channels)  # fmt: skip
        openids = [checks.key(x, f"openids[{i}]") for i, x in enumerate(openids)]
        when = seconds_array(at)
        stores = [checks.key(store, f"stores[{i}]") for i, store in enumerate(stores)]
        staff = [checks.optional_key(x, f"staff[{i}]") for i, x in enumerate(staff)]
        channels = checks.codes(channels, Channel, "channels").astype(np.int8)
        with self._lock:
            s, known = self.state, self.state.ids["openid"]
            ids = np.fromiter((known.get(x, -1) for x in openids), np.int64, n)
            unknown = [openids[i] for i in np.flatnonzero(ids < 0).tolist()]
            fresh = list(dict.fromkeys(unknown))
            for openid, member in zip(fresh, s.new_members(len(fresh)).tolist(), strict=True):
                known[openid] = member
            ids[ids < 0] = [known[x] for x in unknown]
            first = np.zeros(n, bool)
            first[np.unique(ids, return_index=True)[1]] = True
            m = s.members
            rows = np.flatnonzero(first & (m.follow_s[ids] == NEVER))
            member = ids[rows]
            m.follow_s[member] = when[rows]
            m.follow_store[member] = [s.store_code(stores[i]) for i in rows.tolist()]
            m.follow_staff[member] = [s.staff_code(staff[i]) for i in rows.tolist()]
            m.follow_channel[member] = channels[rows]
            visitors = m.stage[member] == Stage.VISITOR
            rows, member = rows[visitors], member[visitors]
            by_time = np.argsort(when[rows], kind="stable")
            rows, member = rows[by_time], member[by_time]
            records.move(s, member, Stage.FOLLOWER, when[rows])
            m.owner_staff[member] = m.follow_staff[member]
            m.home_store[member] = m.follow_store[member]
            return ids

    def link(self, member: int, kind: str, value: str, at: dt.datetime) -> int:
        """Attach another identifier; if it already belongs to someone else, that record is
        the same person found later, and is merged into `member`."""
        if kind not in IDENTIFIERS:
            raise InvalidInput("kind", f"one of {IDENTIFIERS}, got {kind!r}")
        value = checks.key(value, "value")
        checked_time(at)
        with self._lock:
            member = self._require(member)
            other = self.state.ids[kind].get(value)
            if other is not None and other != member:
                self.merge(member, other, at)
            self.state.ids[kind][value] = member
            return member

    def resolve(self, kind: str, value: str) -> int:
        """The member an identifier (or a mobile number as typed) belongs to."""
        key = self._key(kind, value)
        with self._lock:
            member = self.state.ids[kind].get(key)
        if member is None:
            shown = mask_mobile(normalise_mobile(value)) if kind == "mobile" else value
            raise NotFound(f"member with {kind}", shown)
        return member

    def lookup_many(self, kind: str, values: Sequence[str]) -> np.ndarray:
        """Batch resolve: ids in input order, -1 where unknown."""
        if kind == "mobile":
            values = self._hasher.digest_many(normalise_mobiles(values))
        elif kind not in IDENTIFIERS:
            raise InvalidInput("kind", f"one of {('mobile', *IDENTIFIERS)}, got {kind!r}")
        with self._lock:
            table = self.state.ids[kind]
            return np.fromiter(map(table.get, values, itertools.repeat(-1)), np.int64,
                               len(values))  # fmt: skip

    def _key(self, kind: str, value: str) -> object:
        if kind == "mobile":
            return self._hasher.digest(normalise_mobile(value))
        if kind not in IDENTIFIERS:
            raise InvalidInput("kind", f"one of {('mobile', *IDENTIFIERS)}, got {kind!r}")
        return value

    def masked_mobile(self, member: int, at: dt.datetime, actor: str, purpose: str) -> str:
        """The masked number for display; the read is audited."""
        at, actor, purpose = (
            checked_time(at),
            checks.key(actor, "actor"),
            checks.key(purpose, "purpose"),
        )
        with self._lock:
            member = self._require(member)
            masked = self.state.masked[member]
            self.audit.record(at, actor, purpose, member, masked)
            return masked

    def _become_member(
        self, rows: np.ndarray, when: int, store: str, staff: str | None, channel: Channel
    ) -> None:
        s = self.state
        joining = rows[s.members.member_s[rows] == NEVER]
        if len(joining):
            n = len(joining)
            records.attribute(s, joining, np.full(n, when),
                              np.full(n, s.store_code(store), np.int32),
                              np.full(n, s.staff_code(staff), np.int32),
                              np.full(n, int(channel), np.int8))  # fmt: skip

    def _require(self, member: object) -> int:
        """A live member's id (see `records.live_member`)."""
        return records.live_member(self.state, member)

    # --- purchases and points -------------------------------------------------------------
    def record_purchase(
        self,
        member: int,
        at: dt.datetime,
        store: str,
        amount_cents: int,
        categories: Mapping[str, int] | None = None,
    ) -> int:
        """A purchase by a member (`categories`: cents per category of it, summing to at most
        `amount_cents`: lines outside every category may make up the rest); returns the
        points it earned."""
        amount, when = checks.cents(amount_cents, "amount_cents"), seconds(at)
        store = checks.key(store, "store")
        known = self.state.categories
        spend = []
        for category, cents in (categories or {}).items():
            if category not in known:
                raise InvalidInput("categories", f"unknown category {category!r}")
            spend.append((known.index(category), checks.cents(cents, f"categories[{category!r}]")))
        if sum(cents for _, cents in spend) > amount:
            total = sum(cents for _, cents in spend)
            raise InvalidInput("categories", f"sum to {total} cents, more than the {amount}")
        with self._lock:
            member = self._require(member)
            earned = purchases.book(
                self.state, self.config.points, np.array([member]), np.array([when]),
                np.array([self.state.store_code(store)], np.int32), np.array([amount]),
            )  # fmt: skip
            purchases.add_category_spend(self.state, member, spend)
            return int(earned[0])

    def record_purchases(
        self,
        members: np.ndarray,
        at: np.ndarray,
        store_codes: np.ndarray,
        amounts: np.ndarray,
        category_spend: np.ndarray | None = None,
    ) -> np.ndarray:
        """Batch purchases (stores as codes from `store_code`); points earned per purchase.
        `category_spend`: cents per category of each purchase, a (purchases x categories)
        integer matrix, columns in the order of `categories`. Checked as `record_purchase`
        checks one: live members, cents, known stores, whole cents per category summing to
        at most the purchase's amount; all booked or none."""
        checks.same_length("record_purchases", members=members, at=at, store_codes=store_codes,
                           amounts=amounts)  # fmt: skip
        when, amounts = seconds_array(at), checks.cents_array(amounts, "amounts")
        if category_spend is not None:
            category_spend = purchases.checked_category_spend(
                category_spend, amounts, self.state.categories
            )
        with self._lock:
            rows = records.live_members(self.state, members)
            last_store = len(self.state.stores) - 1
            stores = checks.integers(store_codes, "store_codes", 0, last_store, "a store code")
            earned = purchases.book(self.state, self.config.points, rows, when,
                                    stores.astype(np.int32), amounts)  # fmt: skip
            if category_spend is not None:
                purchases.add_category_spend_many(self.state, rows, category_spend)
            return earned

    @property
    def categories(self) -> tuple[str, ...]:
        """The configured categories: the columns of `record_purchases`' `category_spend`,
        the keys of `record_purchase`'s `categories`."""
        return self.state.categories

    def redeem(self, member: int, amount: int, at: dt.datetime) -> int:
        """Spend points; refused (balance unchanged) if she has fewer. Returns the balance."""
        when = seconds(at)
        with self._lock:
            return points.redeem(self.state, self._require(member), amount, when)

    def balance(self, member: int, at: dt.datetime) -> int:
        """Points she can spend at `at` (what expired by then is gone)."""
        when = seconds(at)
        with self._lock:
            return points.balance_at(self.state, self._require(member), when)

    def store_code(self, store: str) -> int:
        store = checks.key(store, "store")
        with self._lock:
            return self.state.store_code(store)

    # --- queries ------------------------------------------------------------------------------
    def new_members(self, start: dt.datetime, end: dt.datetime, by: str) -> pd.Series:
        """Members who joined in [start, end), counted by `store`, `staff` or `channel`."""
        lo, hi = seconds(start, "start"), seconds(end, "end")
        with self._lock:
            return queries.joined(self.state, "member", lo, hi, by)

    def new_followers(self, start: dt.datetime, end: dt.datetime, by: str) -> pd.Series:
        lo, hi = seconds(start, "start"), seconds(end, "end")
        with self._lock:
            return queries.joined(self.state, "follow", lo, hi, by)

    def members_by_store(self) -> pd.DataFrame:
        """Per home store: members, active ones, buyers (1+ purchases), repeat buyers (2+)."""
        with self._lock:
            return queries.members_by_store(self.state)

    def stage_counts(self) -> pd.Series:
        with self._lock:
            return queries.stage_counts(self.state)

    # --- profile and tags -----------------------------------------------------------------
    def set_profile(
        self,
        member: int,
        age_band: int | None = None,
        gender: int | None = None,
        birthday: tuple[int, int] | None = None,
    ) -> None:
        """What she told us: age band 0..4, gender 0 female / 1 male, birthday (month, day).
        Every field is checked before any is written."""
        if age_band is not None:
            age_band = checks.integer(age_band, "age_band", 0, 4, "an age band")
        if gender is not None:
            gender = checks.integer(gender, "gender", 0, 1, "0 (female) or 1 (male)")
        if birthday is not None:
            birthday = records.birthday_code(birthday)
        with self._lock:
            member = self._require(member)
            m = self.state.members
            for column, value in (("age_band", age_band), ("gender", gender),
                                  ("birthday", birthday)):  # fmt: skip
                if value is not None:
                    m[column][member] = value

    def tag(self, members: np.ndarray | int, tag: str, on: bool = True) -> None:
        """Set or clear a behaviour tag (up to 64 distinct tags) on live members."""
        tag = checks.key(tag, "tag")
        with self._lock:
            rows = records.live_members(self.state, members)
            bits = self.state.tag_bits
            if tag not in bits:
                if len(bits) >= 64:
                    raise InvalidInput("tag", "at most 64 distinct tags")
                bits[tag] = len(bits)
            mask = np.uint64(1) << np.uint64(bits[tag])
            m = self.state.members
            m.tags[rows] = (m.tags[rows] | mask) if on else (m.tags[rows] & ~mask)

    def with_tags(self, all_of: Sequence[str] = (), any_of: Sequence[str] = ()) -> np.ndarray:
        """Ids of live members carrying every tag of `all_of` and one or more of `any_of`."""
        with self._lock:
            bits = self.state.tag_bits
            unknown = [t for t in (*all_of, *any_of) if t not in bits]
            if unknown:
                raise InvalidInput("tags", f"unknown tags {unknown}")
            m = self.state.members
            need = np.uint64(sum(1 << bits[t] for t in all_of))
            some = np.uint64(sum(1 << bits[t] for t in any_of))
            chosen = ((m.tags & need) == need) & (m.merged_into < 0) & ~m.erased
            if any_of:
                chosen &= (m.tags & some) != 0
            return np.flatnonzero(chosen)

    def affinities(self, members: np.ndarray) -> np.ndarray:
        """Category affinity learned from purchases: each row's share of spend (0 if none),
        one column per configured category (none without categories)."""
        with self._lock:
            rows = records.live_members(self.state, members)
            spend = self.state.category_spend[rows, : len(self.state.categories)]
        total = spend.sum(axis=1, keepdims=True)
        return np.divide(spend, total, out=np.zeros_like(spend), where=total > 0)

    # --- the daily job, RFM, guide tasks, staff turnover ----------------------------------
    def run_daily(self, at: dt.datetime) -> dict[str, int]:
        """At closing: points years roll, lifecycle moves on, guide tasks are created,
        spending power is re-scored (in full once a week, of the day's buyers in between:
        `rfm_state.rescore_spending`). Returns what it did, in counts."""
        now = seconds(at)
        with self._lock:
            s = self.state
            points.roll_live_years(s, now)
            moved = lifecycle.daily(s, self.config.lifecycle, now)
            created = tasks.create(s, now, moved, self.config.points.vip_tier,
                                   self.config.task_due_days, at.month * 100 + at.day)  # fmt: skip
            rfm_state.rescore_spending(s, now)
            return {"stage_changes": len(moved), "tasks_created": created}

    def purchases_frame(self) -> pd.DataFrame:
        """Every purchase: `member_id`, `ts`, `amount` (cents), `store`."""
        with self._lock:
            return queries.purchases_frame(self.state)

    def rfm(self, as_of: dt.datetime, window_days: int = 365) -> pd.DataFrame:
        """`rfm.rfm_table` of every purchase at `as_of`, kept as purchases are booked
        (`rfm_state`): moving `as_of` forward reads only the purchases entering or leaving
        the window."""
        now = int(np.datetime64(checked_time(as_of, "as_of"), "s").astype(np.int64))
        window_days = checks.integer(window_days, "window_days", 1, checks.MAX_DAYS, "days")
        with self._lock:
            rfm_state.advance(self.state, now, window_days)
            return rfm_state.table(self.state, now)

    def snapshot(self, as_of: dt.datetime, window_days: int = 365) -> MemberSnapshot:
        """What marketing may know of every live member at `as_of` (no personal data)."""
        now = int(np.datetime64(checked_time(as_of, "as_of"), "s").astype(np.int64))
        window_days = checks.integer(window_days, "window_days", 1, checks.MAX_DAYS, "days")
        with self._lock:
            rfm_state.advance(self.state, now, window_days)
            return snapshot.take(self.state, as_of, rfm_state.segments(self.state, now))

    def leave(self, staff: str, at: dt.datetime) -> int:
        """A guide leaves: her members and her credit go to the brand; their history stays.
        Returns how many members she looked after."""
        staff = checks.key(staff, "staff")
        checked_time(at)
        with self._lock:
            code = self.state.known_staff(staff)
            if code is None:
                raise NotFound("staff member", staff)
            m, t = self.state.members, self.state.tasks
            owned = int((m.owner_staff == code).sum())
            for column in (m.owner_staff, m.follow_staff, m.member_staff):
                column[column == code] = BRAND
            t.staff[(t.staff == code) & (t.outcome == TaskOutcome.PENDING)] = BRAND
            return owned

    def open_tasks(self, staff: str | None = None, store: str | None = None) -> pd.DataFrame:
        """Pending tasks of a guide, or the unowned tasks of a store (the on-duty guide's)."""
        if (staff is None) == (store is None):
            raise InvalidInput("staff", "give either staff or store")
        with self._lock:
            if staff is not None:
                code = self.state.staff_code(checks.key(staff, "staff"))
                return tasks.open_tasks(self.state, code, None)
            return tasks.open_tasks(self.state, None,
                                    self.state.store_code(checks.key(store, "store")))  # fmt: skip

    def complete_task(self, task: int, outcome: TaskOutcome, at: dt.datetime) -> None:
        task = checks.integer(task, "task", *records.ANY_ID, "a task id")
        outcome, when = checks.option(outcome, TaskOutcome, "outcome"), seconds(at)
        with self._lock:
            tasks.complete(self.state, task, outcome, when)

    def task_outcomes(self) -> pd.DataFrame:
        with self._lock:
            return tasks.outcomes(self.state)

    # --- merging and erasure ----------------------------------------------------------------
    def merge(self, keep: int, drop: int, at: dt.datetime) -> None:
        """`drop` is `keep` found again: one record remains, with everything of both."""
        when = seconds(at)
        with self._lock:
            merge.merge(self, keep, drop, when)

    def erase(self, member: int, at: dt.datetime, actor: str) -> None:
        """Erasure on request (PIPL art. 47): nothing of her remains in the module."""
        checked_time(at)
        checks.key(actor, "actor")
        with self._lock:
            merge.erase(self, self._require(member))
            self.erasures += 1
