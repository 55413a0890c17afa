"""The membership module's state: member columns, logs and identity maps.

Numbers live in numpy columns indexed by member id (struct of arrays, growable); identity
maps are dicts. Times are int64 seconds since the epoch (naive chain-local time); -1 means
"never". Staff and stores are small integer codes into `staff`/`stores` lists.
"""

from __future__ import annotations

import numpy as np

from retail.columns import Columns
from retail.membership.rfm_state import RfmIndex

i1, i2, i4, i8, u8 = np.int8, np.int16, np.int32, np.int64, np.uint64
NEVER = -1
BRAND = -1  # staff code of "the brand": no guide owns or is credited

MEMBER_COLUMNS = {
    "stage": (i1, 0),
    "stage_since_s": (i8, NEVER),
    "follow_s": (i8, NEVER),
    "follow_store": (i4, -1),
    "follow_staff": (i4, BRAND),
    "follow_channel": (i1, -1),
    "member_s": (i8, NEVER),
    "member_store": (i4, -1),
    "member_staff": (i4, BRAND),
    "member_channel": (i1, -1),
    "owner_staff": (i4, BRAND),  # the guide who looks after her now
    "home_store": (i4, -1),
    "points_cur": (i8, 0),  # earned this calendar year, not yet spent
    "points_prev": (i8, 0),  # earned last year: expires at the end of this year
    "earned_cur": (i8, 0),  # earned this year and last: what the tier is based on
    "earned_prev": (i8, 0),
    "points_year": (i2, 0),
    "tier": (i1, 0),
    "first_purchase_s": (i8, NEVER),
    "last_purchase_s": (i8, NEVER),
    "purchases": (i4, 0),
    "spend_cents": (i8, 0),
    "merged_into": (i8, -1),
    "erased": (np.bool_, False),
    "age_band": (i1, -1),
    "gender": (i1, -1),  # 0 female, 1 male
    "spending_power": (i1, -1),  # 1..5, learned from spend
    "birthday": (i2, -1),  # month * 100 + day
    "tags": (u8, 0),  # behaviour tags, one bit each
    # RFM at the cursor of `State.rfm` (rfm_state.py): last purchase time up to as_of,
    # purchases and cents in the window
    "rfm_last": (i8, np.iinfo(np.int64).min),
    "rfm_frequency": (i4, 0),
    "rfm_monetary": (i8, 0),
    "lifecycle_due_s": (i8, np.iinfo(np.int64).min),  # when the daily job next looks at her
    "top_category": (i2, -1),  # the column of her largest category spend, -1 none
}
PURCHASE_COLUMNS = {"member": (i8, -1), "ts": (i8, 0), "amount": (i8, 0), "store": (i4, -1)}
TRANSITION_COLUMNS = {"member": (i8, -1), "ts": (i8, 0), "old": (i1, 0), "new": (i1, 0)}
TASK_COLUMNS = {
    "member": (i8, -1),
    "kind": (i1, 0),
    "staff": (i4, BRAND),
    "store": (i4, -1),
    "created_s": (i8, 0),
    "due_s": (i8, 0),
    "outcome": (i1, 0),
    "done_s": (i8, NEVER),
}


class State:
    def __init__(self, categories: tuple[str, ...]) -> None:
        self.members = Columns(MEMBER_COLUMNS)
        self.purchases = Columns(PURCHASE_COLUMNS, capacity=4096)
        self.transitions = Columns(TRANSITION_COLUMNS, capacity=4096)
        self.tasks = Columns(TASK_COLUMNS)
        self.categories = categories
        self.rfm = RfmIndex()  # the purchase log by time, the RFM cursor
        self.daily_s: int | None = None  # the last daily job's time (lifecycle.daily)
        self.category_spend = np.zeros((1024, max(len(categories), 1)), np.float32)
        self.masked: list[str] = []
        self.ids: dict[str, dict] = {
            "mobile": {},  # HMAC digest -> member
            "openid": {},
            "unionid": {},
            "mini_program": {},
            "card": {},
        }
        self.stores: list[str] = []
        self.staff: list[str] = []
        self._store_code: dict[str, int] = {}
        self._staff_code: dict[str, int] = {}
        self.tag_bits: dict[str, int] = {}

    def store_code(self, store: str) -> int:
        code = self._store_code.get(store)
        if code is None:
            code = self._store_code[store] = len(self.stores)
            self.stores.append(store)
        return code

    def staff_code(self, staff: str | None) -> int:
        if staff is None:
            return BRAND
        code = self._staff_code.get(staff)
        if code is None:
            code = self._staff_code[staff] = len(self.staff)
            self.staff.append(staff)
        return code

    def known_staff(self, staff: str) -> int | None:
        return self._staff_code.get(staff)

    def new_members(self, count: int) -> np.ndarray:
        rows = self.members.grow(count)
        if self.members.size > len(self.category_spend):
            grown = np.zeros((max(self.members.size, 2 * len(self.category_spend)),
                              self.category_spend.shape[1]), np.float32)  # fmt: skip
            grown[: len(self.category_spend)] = self.category_spend
            self.category_spend = grown
        self.masked.extend([""] * count)
        return np.arange(rows.start, rows.stop, dtype=np.int64)

    def learn_top_category(self, rows: np.ndarray | int) -> None:
        """Bring `top_category` of these rows up to their category spend."""
        if self.categories:
            rows = np.atleast_1d(rows)
            spend = self.category_spend[rows]
            top = np.where(spend.max(axis=1, initial=0) > 0, spend.argmax(axis=1), -1)
            self.members.top_category[rows] = top

    def numeric_bytes_per_member(self) -> float:
        n = max(self.members.size, 1)
        categories = self.category_spend[: self.members.size].nbytes
        return (self.members.nbytes() + categories) / n
