"""The tills' conversation with membership, for a whole day of sales at once.

As `sim.business.membership_desk` does one sale at a time: a member's purchase is recorded
(points, category spend) by the number she types, a non-member buyer is asked to join when
the strategy says so and decides by the capture model, a joiner follows and is registered
(her follower record becomes the member's).
Who is a member is the module's record; `member_of` is the twin's truth of who each is.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import numpy as np

from retail.marketing import Interaction
from retail.membership import Channel
from sim.behaviour.capture import CaptureModel
from sim.chain.moments import moment, moments
from sim.config.schema import MemberCapture
from sim.world.population import Population

ONLINE_STORE = "online"  # where membership books an online purchase


class ChainMembers:
    def __init__(self, membership, policy, population: Population, capture: MemberCapture,
                 stores: tuple[str, ...], categories: int) -> None:  # fmt: skip
        self.membership, self.policy = membership, policy
        self.population, self.capture = population, capture
        self.stores = stores
        self.categories = categories
        self.model = CaptureModel()
        self.member_of = np.full(len(population), -1, np.int64)  # person -> member id
        self.person_of = np.full(1024, -1, np.int64)  # member id -> person (the truth)
        self.home = np.full(1024, -1, np.int64)  # member id -> store index she joined at
        self.store_codes = np.array([membership.store_code(s) for s in stores], np.int32)
        self.online_code = membership.store_code(ONLINE_STORE)
        self._members: np.ndarray | None = None  # sorted member ids, until someone registers

    @property
    def members(self) -> np.ndarray:
        """Member ids of every person who is one, sorted (read-only: kept until someone
        registers)."""
        if self._members is None:
            self._members = np.sort(self.member_of[self.member_of >= 0])
            self._members.flags.writeable = False
        return self._members

    def enrol_existing(self, share: float, at_s: int, rng: np.random.Generator) -> int:
        """Members from before the run: `share` of the people, the digitally keenest first
        (a tie broken at random), registered at their anchor store."""
        people = self.population
        count = round(share * len(people))
        if count == 0:
            return 0
        keen = np.lexsort((rng.random(len(people)), -people.digital_adoption))[:count]
        keen.sort()
        self._register(keen, np.full(count, at_s, np.int64), people.anchor[keen].astype(np.int64),
                       Channel.STORE_QR)  # fmt: skip
        return count

    def purchases(self, person: np.ndarray, store: np.ndarray, at_s: np.ndarray,
                  amount: np.ndarray, spend: np.ndarray) -> np.ndarray:  # fmt: skip
        """Book the purchases of those who are members (rows of the sale columns); returns
        the mask of sales a member made."""
        member = self.member_of[person]
        mine = member >= 0
        if mine.any():
            self.membership.record_purchases(
                member[mine], moments(at_s[mine]), self.store_codes[store[mine]],
                amount[mine], category_spend=spend[mine],
            )  # fmt: skip
            if self.policy is not None:
                self.policy.interact_many(np.unique(member[mine]), Interaction.PAYMENT,
                                          moment(int(at_s[mine].max())))  # fmt: skip
        return mine

    def ask(
        self, person, store, at_s, u, waiting, staff_skill=1.0
    ) -> tuple[np.ndarray, np.ndarray]:
        """Non-member buyers asked at the till (rows given): who registers, who follows only.
        Returns (asked mask, registered mask) over the rows."""
        asked = (self.member_of[person] < 0) & self.capture.enabled
        if not asked.any():
            return asked, np.zeros(len(person), bool)
        rows = np.flatnonzero(asked)
        # One person buying twice today is asked once: her first sale's answer counts.
        _, first = np.unique(person[rows], return_index=True)
        rows = rows[np.sort(first)]
        asked = np.zeros(len(person), bool)
        asked[rows] = True
        joins, follows = self.model.decide(
            u[rows], self.population.digital_adoption[person[rows]], staff_skill,
            self.capture.incentive_cents, waiting[rows],
        )  # fmt: skip
        registered = np.zeros(len(person), bool)
        registered[rows[joins]] = True
        if joins.any():
            joiners = rows[joins]
            self._register(person[joiners], at_s[joiners], store[joiners], Channel.STORE_QR)
        followers = rows[follows & ~joins]
        if len(followers):
            openids = [self.population.openid(p) for p in person[followers].tolist()]
            ids = self.membership.follow_many(
                openids, moments(at_s[followers]),
                list(np.asarray(self.stores, dtype=object)[store[followers]]),
                [None] * len(followers), np.full(len(followers), int(Channel.STORE_QR), np.int8),
            )  # fmt: skip
            self._know(ids, person[followers], store[followers])
            if self.policy is not None:  # the platform tells marketing of the follow
                self.policy.interact_many(ids, Interaction.FOLLOW, moment(int(at_s.max())))
        followed = registered.copy()
        followed[followers] = True
        return asked, followed

    def learn(self, records: np.ndarray, persons: np.ndarray, stores: np.ndarray,
              members: bool) -> None:  # fmt: skip
        """Records made elsewhere (a detailed till's, in mixed fidelity): who each is, and
        with `members`, that each person is now that member."""
        if members:
            self.member_of[persons] = records
            self._members = None
        self._know(records, persons, stores)

    def _know(self, records: np.ndarray, persons: np.ndarray, stores: np.ndarray) -> None:
        """The twin's truth of who each record (member or follower) is, and her store."""
        if records.max(initial=-1) >= len(self.person_of):
            size = max(2 * len(self.person_of), int(records.max()) + 1)
            self.person_of = _grown(self.person_of, size)
            self.home = _grown(self.home, size)
        self.person_of[records] = persons
        self.home[records] = stores

    def _register(self, persons, at_s, stores: np.ndarray, channel) -> None:
        """Register `persons` at store indices `stores` by the numbers they type; each
        follows the account first, as the member card lives in it (the detailed desk's
        order: her follower record, if she had one, becomes the member's)."""
        n = len(persons)
        openids = [self.population.openid(p) for p in persons.tolist()]
        names, when = list(np.asarray(self.stores, dtype=object)[stores]), moments(at_s)
        channels, nobody = np.full(n, int(channel), np.int8), [None] * n
        self.membership.follow_many(openids, when, names, nobody, channels)
        typed = [self.population.typed_phone(int(p)) for p in persons]
        ids = self.membership.register_many(typed, when, names, nobody, channels, openids)
        self.member_of[persons] = ids
        self._members = None
        self._know(ids, persons, stores)
        if self.policy is not None:
            self.policy.interact_many(ids, Interaction.FOLLOW, moment(int(at_s.max())))


class SharedBook:
    """The chain's truth of who each record is, as a detailed membership desk reads and
    writes it (`sim.business.membership_desk.MemberBook`): in mixed fidelity the stores in
    detail and the vectorized ones know the same members, whoever registered them."""

    def __init__(self, members: ChainMembers) -> None:
        self._members = members
        self._index = {store: i for i, store in enumerate(members.stores)}
        self.member_of = _Column(lambda: members.member_of)
        self.person_of = _Column(lambda: members.person_of)

    def joined(self, person: int, member: int, store: str) -> None:
        self._members.learn(np.array([member]), np.array([person]),
                            np.array([self._index[store]]), members=True)  # fmt: skip

    def followed(self, follower: int, person: int, store: str) -> None:
        self._members.learn(np.array([follower]), np.array([person]),
                            np.array([self._index[store]]), members=False)  # fmt: skip


class _Column(Mapping):
    """A read-only mapping over one of the chain's id columns (-1: no entry); read through
    `column()` as the chain grows it."""

    def __init__(self, column) -> None:
        self._column = column

    def __getitem__(self, key: int) -> int:
        values = self._column()
        value = int(values[key]) if 0 <= key < len(values) else -1
        if value < 0:
            raise KeyError(key)
        return value

    def __iter__(self) -> Iterator[int]:
        return iter(np.flatnonzero(self._column() >= 0).tolist())

    def __len__(self) -> int:
        return int((self._column() >= 0).sum())


def _grown(array: np.ndarray, size: int) -> np.ndarray:
    grown = np.full(size, -1, array.dtype)
    grown[: len(array)] = array
    return grown
