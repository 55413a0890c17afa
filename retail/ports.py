"""The public interfaces of the business modules, as typing Protocols.

The testbed drives whatever object satisfies these protocols: the implementations in this
package by default, or an engineer's own (selected in config with a Hydra `_target_`).
Each module owns one section below; data types used in the signatures live in the module's
own `types`/`model` file, imported here.
"""

from __future__ import annotations

# --- membership (issue 3) ---
import datetime as _dt
from collections.abc import Mapping as _Mapping
from collections.abc import Sequence as _Sequence
from typing import Protocol as _Protocol
from typing import runtime_checkable as _runtime_checkable

import numpy as _np
import pandas as _pd


@_runtime_checkable
class MembershipPort(_Protocol):
    """What store systems and the twin call on the membership module."""

    def register(
        self,
        mobile: str,
        at: _dt.datetime,
        store: str,
        staff: str | None = None,
        channel: int = 0,
        openid: str | None = None,
    ) -> int: ...
    def register_many(
        self,
        mobiles: _Sequence[str],
        at: _np.ndarray,
        stores: _Sequence[str],
        staff: _Sequence[str | None],
        channels: _np.ndarray,
    ) -> _np.ndarray: ...
    def follow(
        self, openid: str, at: _dt.datetime, store: str, staff: str | None = None, channel: int = 0
    ) -> int: ...
    def resolve(self, kind: str, value: str) -> int: ...
    def lookup_many(self, kind: str, values: _Sequence[str]) -> _np.ndarray: ...
    def record_purchase(
        self,
        member: int,
        at: _dt.datetime,
        store: str,
        amount_cents: int,
        categories: _Mapping[str, int] | None = None,
    ) -> int: ...
    def record_purchases(
        self, members: _np.ndarray, at: _np.ndarray, store_codes: _np.ndarray, amounts: _np.ndarray
    ) -> _np.ndarray: ...
    def redeem(self, member: int, amount: int, at: _dt.datetime) -> int: ...
    def run_daily(self, at: _dt.datetime) -> dict[str, int]: ...
    def rfm(self, as_of: _dt.datetime, window_days: int = 365) -> _pd.DataFrame: ...
    def leave(self, staff: str, at: _dt.datetime) -> int: ...
    def merge(self, keep: int, drop: int, at: _dt.datetime) -> None: ...
    def erase(self, member: int, at: _dt.datetime, actor: str) -> None: ...
    def new_members(self, start: _dt.datetime, end: _dt.datetime, by: str) -> _pd.Series: ...
    def new_followers(self, start: _dt.datetime, end: _dt.datetime, by: str) -> _pd.Series: ...
    def members_by_store(self) -> _pd.DataFrame: ...
    def open_tasks(self, staff: str | None = None, store: str | None = None) -> _pd.DataFrame: ...
    def complete_task(self, task: int, outcome: int, at: _dt.datetime) -> None: ...


# --- inventory and orders (issue 4) ---

# --- marketing and store tiering (issue 5) ---
