"""Membership (SCRM): one member per person across channels, and everything kept about her.

Single-record calls for store systems (`register`, `follow`, `record_purchase`, ...) and
batch calls over numpy arrays for bulk loads and the vectorised chain (`register_many`,
`lookup_many`, `record_purchases`). No call returns, logs or raises a plain mobile number.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from retail.clock import seconds, seconds_array
from retail.errors import Conflict, InvalidInput, NotFound
from retail.membership import lifecycle, merge, points, rfm, snapshot, tasks
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
        digest = self._hasher.digest(normalise_mobile(mobile))
        by_phone = self.state.ids["mobile"].get(digest)
        by_openid = self.state.ids["openid"].get(openid) if openid is not None else None
        member = by_phone if by_phone is not None else by_openid
        if member is None:
            member = int(self.state.new_members(1)[0])
        elif by_phone is not None and by_openid is not None and by_phone != by_openid:
            self.merge(by_phone, by_openid, at)
        self.state.ids["mobile"][digest] = member
        self.state.masked[member] = mask_mobile(normalise_mobile(mobile))
        if openid is not None:
            self.state.ids["openid"][openid] = member
        self._become_member(np.array([member]), seconds(at), store, staff, channel)
        return member

    def register_many(
        self,
        mobiles: Sequence[str],
        at: np.ndarray,
        stores: Sequence[str],
        staff: Sequence[str | None],
        channels: np.ndarray,
    ) -> np.ndarray:
        """Batch registration: ids in input order (existing members keep theirs)."""
        n = len(mobiles)
        if not (len(at) == len(stores) == len(staff) == len(channels) == n):
            raise InvalidInput("register_many", "all arguments must have the same length")
        phones = self.state.ids["mobile"]
        ids = np.empty(n, np.int64)
        fresh: dict[bytes, tuple[list[int], str]] = {}  # new numbers: rows, masked form
        numbers = normalise_mobiles(mobiles)
        for i, digest in enumerate(self._hasher.digest_many(numbers)):
            member = phones.get(digest)
            if member is None:
                fresh.setdefault(digest, ([], mask_mobile(numbers[i])))[0].append(i)
            else:
                ids[i] = member
        new_ids = self.state.new_members(len(fresh))
        for (digest, (rows, masked)), member in zip(fresh.items(), new_ids.tolist(), strict=True):
            phones[digest] = member
            self.state.masked[member] = masked
            ids[rows] = member
        s = self.state
        when = seconds_array(at)
        first = np.zeros(n, bool)
        first[np.unique(ids, return_index=True)[1]] = True  # one attribution per person
        joining = (s.members.member_s[ids] == NEVER) & first
        rows = ids[joining]
        store_codes = np.array([s.store_code(x) for x in stores], np.int32)[joining]
        staff_codes = np.array([s.staff_code(x) for x in staff], np.int32)[joining]
        self._attribute_members(rows, when[joining], store_codes, staff_codes,
                                np.asarray(channels, np.int8)[joining])  # fmt: skip
        return ids

    def visit(self, mini_program_id: str, at: dt.datetime, store: str) -> int:
        """Someone opened the mini-program in a store (a visitor the chain can see); returns
        the id of her record, new or existing."""
        if not mini_program_id:
            raise InvalidInput("mini_program_id", "must not be empty")
        s = self.state
        member = s.ids["mini_program"].get(mini_program_id)
        if member is None:
            member = int(s.new_members(1)[0])
            s.ids["mini_program"][mini_program_id] = member
            s.members.home_store[member] = s.store_code(store)
            s.members.stage_since_s[member] = seconds(at)
        return member

    def profile(self, member: int, at: dt.datetime, actor: str, purpose: str) -> dict:
        """What the module knows of her, for a guide's screen; the read is audited."""
        self._require(member)
        m, s = self.state.members, self.state
        masked = s.masked[member]
        self.audit.record(at, actor, purpose, member, masked)
        bits = {bit: tag for tag, bit in s.tag_bits.items()}
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
            "affinity": dict(zip(s.categories, self.affinities([member])[0].tolist(), strict=True)),
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
        if not openid:
            raise InvalidInput("openid", "must not be empty")
        s = self.state
        member = s.ids["openid"].get(openid)
        if member is None:
            member = int(s.new_members(1)[0])
            s.ids["openid"][openid] = member
        m = s.members
        if m.follow_s[member] == NEVER:
            when = seconds(at)
            m.follow_s[member] = when
            m.follow_store[member] = s.store_code(store)
            m.follow_staff[member] = s.staff_code(staff)
            m.follow_channel[member] = int(channel)
            if m.stage[member] == Stage.VISITOR:
                self._move(np.array([member]), Stage.FOLLOWER, when)
                m.owner_staff[member] = m.follow_staff[member]
                m.home_store[member] = m.follow_store[member]
        return member

    def link(self, member: int, kind: str, value: str, at: dt.datetime) -> int:
        """Attach another identifier; if it already belongs to someone else, that record is
        the same person found later, and is merged into `member`."""
        if kind not in IDENTIFIERS:
            raise InvalidInput("kind", f"one of {IDENTIFIERS}, got {kind!r}")
        self._require(member)
        other = self.state.ids[kind].get(value)
        if other is not None and other != member:
            self.merge(member, other, at)
        self.state.ids[kind][value] = member
        return member

    def resolve(self, kind: str, value: str) -> int:
        """The member an identifier (or a mobile number as typed) belongs to."""
        key = self._key(kind, value)
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
        table = self.state.ids[kind]
        return np.fromiter(map(table.get, values, itertools.repeat(-1)), np.int64, len(values))

    def _key(self, kind: str, value: str) -> object:
        if kind == "mobile":
            return self._hasher.digest(normalise_mobile(value))
        if kind not in IDENTIFIERS:
            raise InvalidInput("kind", f"one of {('mobile', *IDENTIFIERS)}, got {kind!r}")
        return value

    def masked_mobile(self, member: int, at: dt.datetime, actor: str, purpose: str) -> str:
        """The masked number for display; the read is audited."""
        self._require(member)
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
            self._attribute_members(
                joining,
                np.full(n, when),
                np.full(n, s.store_code(store), np.int32),
                np.full(n, s.staff_code(staff), np.int32),
                np.full(n, int(channel), np.int8),
            )

    def _attribute_members(self, rows, when, store_codes, staff_codes, channels) -> None:
        m = self.state.members
        m.member_s[rows] = when
        m.member_store[rows] = store_codes
        m.member_staff[rows] = staff_codes
        m.member_channel[rows] = channels
        m.home_store[rows] = np.where(m.home_store[rows] < 0, store_codes, m.home_store[rows])
        m.owner_staff[rows] = np.where(m.owner_staff[rows] == BRAND, staff_codes,
                                       m.owner_staff[rows])  # fmt: skip
        below = m.stage[rows] < Stage.MEMBER
        for t in np.unique(when[below]):
            self._move(rows[below][when[below] == t], Stage.MEMBER, int(t))

    def _move(self, rows: np.ndarray, stage: Stage, when: int) -> None:
        lifecycle.record_transitions(
            self.state, rows, np.full(len(rows), int(stage), np.int8), when
        )

    def _require(self, member: int) -> None:
        m = self.state.members
        if not 0 <= member < m.size or m.erased[member]:
            raise NotFound("member", member)
        if m.merged_into[member] >= 0:
            raise Conflict(f"member {member} was merged into {m.merged_into[member]}")

    # --- purchases and points -------------------------------------------------------------
    def record_purchase(
        self,
        member: int,
        at: dt.datetime,
        store: str,
        amount_cents: int,
        categories: Mapping[str, int] | None = None,
    ) -> int:
        """A purchase by a member; returns the points it earned."""
        self._require(member)
        if not isinstance(amount_cents, int | np.integer) or amount_cents < 0:
            raise InvalidInput("amount_cents", f"a non-negative integer, got {amount_cents!r}")
        earned = self.record_purchases(
            np.array([member]), np.array([seconds(at)], "datetime64[s]"),
            np.array([self.state.store_code(store)], np.int32), np.array([amount_cents]),
        )  # fmt: skip
        for category, cents in (categories or {}).items():
            if category not in self.state.categories:
                raise InvalidInput("categories", f"unknown category {category!r}")
            self.state.category_spend[member, self.state.categories.index(category)] += cents / 100
        return int(earned[0])

    def record_purchases(
        self, members: np.ndarray, at: np.ndarray, store_codes: np.ndarray, amounts: np.ndarray
    ) -> np.ndarray:
        """Batch purchases (stores as codes from `store_code`); points earned per purchase."""
        members = np.asarray(members, np.int64)
        amounts = np.asarray(amounts, np.int64)
        if (amounts < 0).any():
            raise InvalidInput("amounts", f"negative at rows {np.flatnonzero(amounts < 0)[:5]}")
        when = seconds_array(at)
        s = self.state
        rows = s.purchases.grow(len(members))
        s.purchases.member[rows], s.purchases.ts[rows] = members, when
        s.purchases.amount[rows], s.purchases.store[rows] = amounts, store_codes
        m = s.members
        first_time = m.first_purchase_s[members] == NEVER
        m.first_purchase_s[members[first_time]] = when[first_time]
        np.maximum.at(m.last_purchase_s, members, when)
        np.add.at(m.purchases, members, 1)
        np.add.at(m.spend_cents, members, amounts)
        earned = points.earn(s, self.config.points, members, amounts, when)
        lifecycle.on_purchase(s, members, when)
        return earned

    def redeem(self, member: int, amount: int, at: dt.datetime) -> int:
        """Spend points; refused (balance unchanged) if she has fewer. Returns the balance."""
        self._require(member)
        return points.redeem(self.state, member, amount, seconds(at))

    def balance(self, member: int, at: dt.datetime) -> int:
        """Points she can spend at `at` (what expired by then is gone)."""
        self._require(member)
        points.roll_years(self.state, np.array([member]), np.array([seconds(at)]))
        m = self.state.members
        return int(m.points_cur[member] + m.points_prev[member])

    def store_code(self, store: str) -> int:
        return self.state.store_code(store)

    # --- queries ------------------------------------------------------------------------------
    def new_members(self, start: dt.datetime, end: dt.datetime, by: str) -> pd.Series:
        """Members who joined in [start, end), counted by `store`, `staff` or `channel`."""
        return self._new("member", start, end, by)

    def new_followers(self, start: dt.datetime, end: dt.datetime, by: str) -> pd.Series:
        return self._new("follow", start, end, by)

    def _new(self, prefix: str, start: dt.datetime, end: dt.datetime, by: str) -> pd.Series:
        if by not in ("store", "staff", "channel"):
            raise InvalidInput("by", f"one of store, staff, channel; got {by!r}")
        m, s = self.state.members, self.state
        when = getattr(m, f"{prefix}_s")
        chosen = (when >= seconds(start)) & (when < seconds(end)) & ~m.erased
        chosen &= m.merged_into < 0
        codes = getattr(m, f"{prefix}_{by}")[chosen]
        if by == "store":
            labels = [s.stores[c] for c in codes]
        elif by == "staff":
            labels = ["(brand)" if c == BRAND else s.staff[c] for c in codes]
        else:
            labels = [Channel(c).name.lower() for c in codes]
        return pd.Series(labels, dtype="string").value_counts().sort_index().rename("count")

    def members_by_store(self) -> pd.DataFrame:
        """Per home store: members, active ones, buyers (1+ purchases), repeat buyers (2+)."""
        m, stores = self.state.members, self.state.stores
        live = (m.merged_into < 0) & ~m.erased & (m.member_s != NEVER) & (m.home_store >= 0)
        home = m.home_store[live]
        n = len(stores)

        def count(mask: np.ndarray) -> np.ndarray:
            return np.bincount(home[mask[live]], minlength=n)

        return pd.DataFrame(
            {
                "members": np.bincount(home, minlength=n),
                "active": count(m.stage == Stage.ACTIVE),
                "buyers": count(m.purchases >= 1),
                "repeat_buyers": count(m.purchases >= 2),
            },
            index=pd.Index(stores, name="store"),
        )

    def stage_counts(self) -> pd.Series:
        m = self.state.members
        live = (m.merged_into < 0) & ~m.erased
        counts = np.bincount(m.stage[live], minlength=len(Stage) + 1)
        return pd.Series({stage.name.lower(): int(counts[stage]) for stage in Stage})

    # --- profile and tags -----------------------------------------------------------------
    def set_profile(
        self,
        member: int,
        age_band: int | None = None,
        gender: int | None = None,
        birthday: tuple[int, int] | None = None,
    ) -> None:
        """What she told us: age band 0..4, gender 0 female / 1 male, birthday (month, day)."""
        self._require(member)
        m = self.state.members
        if age_band is not None:
            if not 0 <= age_band <= 4:
                raise InvalidInput("age_band", f"0..4, got {age_band}")
            m.age_band[member] = age_band
        if gender is not None:
            if gender not in (0, 1):
                raise InvalidInput("gender", f"0 or 1, got {gender}")
            m.gender[member] = gender
        if birthday is not None:
            month, day = birthday
            dt.date(2024, month, day)  # raises for impossible dates (2024: leap days exist)
            m.birthday[member] = month * 100 + day

    def tag(self, members: np.ndarray | int, tag: str, on: bool = True) -> None:
        """Set or clear a behaviour tag (up to 64 distinct tags)."""
        bits = self.state.tag_bits
        if tag not in bits:
            if len(bits) >= 64:
                raise InvalidInput("tag", "at most 64 distinct tags")
            bits[tag] = len(bits)
        mask = np.uint64(1) << np.uint64(bits[tag])
        rows = np.atleast_1d(np.asarray(members, np.int64))
        m = self.state.members
        m.tags[rows] = (m.tags[rows] | mask) if on else (m.tags[rows] & ~mask)

    def with_tags(self, all_of: Sequence[str] = (), any_of: Sequence[str] = ()) -> np.ndarray:
        """Ids of live members carrying every tag of `all_of` and one or more of `any_of`."""
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
        """Category affinity learned from purchases: each row's share of spend (0 if none)."""
        spend = self.state.category_spend[np.asarray(members, np.int64)]
        total = spend.sum(axis=1, keepdims=True)
        return np.divide(spend, total, out=np.zeros_like(spend), where=total > 0)

    # --- the daily job, RFM, guide tasks, staff turnover ----------------------------------
    def run_daily(self, at: dt.datetime) -> dict[str, int]:
        """At closing: points years roll, lifecycle moves on, guide tasks are created,
        spending power is re-scored. Returns what it did, in counts."""
        now = seconds(at)
        s, m = self.state, self.state.members
        live = np.flatnonzero((m.merged_into < 0) & ~m.erased)
        points.roll_years(s, live, np.full(len(live), now))
        moved = lifecycle.daily(s, self.config.lifecycle, now)
        created = tasks.create(s, now, moved, self.config.points.vip_tier,
                               self.config.task_due_days, at.month * 100 + at.day)  # fmt: skip
        buyers = live[m.spend_cents[live] > 0]
        if len(buyers):
            m.spending_power[buyers] = rfm.quintile_scores(m.spend_cents[buyers])
        return {"stage_changes": len(moved), "tasks_created": created}

    def purchases_frame(self) -> pd.DataFrame:
        """Every purchase: `member_id`, `ts`, `amount` (cents), `store`."""
        p = self.state.purchases
        return pd.DataFrame(
            {
                "member_id": p.member,
                "ts": p.ts.astype("datetime64[s]"),
                "amount": p.amount,
                "store": pd.Categorical.from_codes(p.store, self.state.stores or ["?"]),
            }
        )

    def rfm(self, as_of: dt.datetime, window_days: int = 365) -> pd.DataFrame:
        return rfm.rfm_table(self.purchases_frame(), as_of, window_days)

    def snapshot(self, as_of: dt.datetime, window_days: int = 365) -> MemberSnapshot:
        """What marketing may know of every live member at `as_of` (no personal data)."""
        segments = np.full(self.state.members.size, -1, np.int8)
        table = self.rfm(as_of, window_days)
        if len(table):  # nobody bought yet: every segment stays -1
            segments[table.index.to_numpy()] = table["segment"].cat.codes.to_numpy()
        return snapshot.take(self.state, as_of, segments)

    def leave(self, staff: str, at: dt.datetime) -> int:
        """A guide leaves: her members and her credit go to the brand; their history stays.
        Returns how many members she looked after."""
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
        if staff is not None:
            return tasks.open_tasks(self.state, self.state.staff_code(staff), None)
        return tasks.open_tasks(self.state, None, self.state.store_code(store))

    def complete_task(self, task: int, outcome: TaskOutcome, at: dt.datetime) -> None:
        tasks.complete(self.state, task, outcome, seconds(at))

    def task_outcomes(self) -> pd.DataFrame:
        return tasks.outcomes(self.state)

    # --- merging and erasure ----------------------------------------------------------------
    def merge(self, keep: int, drop: int, at: dt.datetime) -> None:
        """`drop` is `keep` found again: one record remains, with everything of both."""
        merge.merge(self, keep, drop, seconds(at))

    def erase(self, member: int, at: dt.datetime, actor: str) -> None:
        """Erasure on request (PIPL art. 47): nothing of her remains in the module."""
        self._require(member)
        merge.erase(self, member)
        self.erasures += 1
