"""Invariants checked at the end of every run; each breach is counted, none is fatal.

The twin knows the truth, so it can check what no module can check about itself: that no
plain mobile number and no secret (the membership module's hashing key) reached the results
folder, that every sale a till took reached head
office exactly once (or is still waiting in a till's journal), that stock is conserved and
the revenue ledger balances, and that no member was pushed after she unfollowed or beyond a
frequency cap of the contact rules.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ELEVEN_DIGITS = r"1[3-9][0-9]{9}"  # MOBILE without its bounds, for Arrow's RE2
TEXT_SUFFIXES = {".json", ".yaml", ".yml", ".txt", ".csv", ".html", ".md"}


def leaks_in_folder(
    folder: Path, numbers: np.ndarray, secrets: Sequence[str | bytes] = ()
) -> list[str]:
    """Files of `folder` holding one of `numbers` (int64 mobile numbers) in plain form, or
    one of `secrets` anywhere in their bytes or text."""
    known = np.unique(numbers.astype(np.int64))  # sorted once for every file's lookups
    keys = [s.encode() if isinstance(s, str) else bytes(s) for s in secrets if s]
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        raw = path.read_bytes()
        hit = any(key in raw for key in keys)
        if path.suffix == ".parquet":  # compressed: its text is in its columns
            hit = hit or _in_table(pq.read_table(path), known, keys)
        elif path.suffix in TEXT_SUFFIXES:
            candidates = MOBILE.findall(raw.decode(errors="replace"))
            hit = hit or (bool(candidates) and _any_known(np.array(candidates, np.int64), known))
        if hit:
            found.append(path.name)
    return found


def _in_table(table: pa.Table, known: np.ndarray, keys: list[bytes]) -> bool:
    for column in table.columns:
        if pa.types.is_integer(column.type):
            values = column.to_numpy(zero_copy_only=False)
            if _any_known(values[values >= 10_000_000_000], known):
                return True
        elif pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            # Arrow's regex (RE2, no lookarounds) finds the few values holding eleven digits
            # like a mobile number; only those are read into Python for the exact pattern.
            digits = pc.fill_null(pc.match_substring_regex(column, ELEVEN_DIGITS), False)
            text = "\n".join(v for v in column.filter(digits).to_pylist() if v)
            candidates = MOBILE.findall(text)
            if candidates and _any_known(np.array(candidates, np.int64), known):
                return True
            for key in keys:
                if pc.any(pc.match_substring(column, key.decode(errors="replace"))).as_py():
                    return True
    return False


def _any_known(values: np.ndarray, known: np.ndarray) -> bool:
    """Whether any of `values` is in `known` (sorted, distinct): a search per value, without
    sorting the known numbers again for every column of every file."""
    if not len(values) or not len(known):
        return False
    at = np.minimum(np.searchsorted(known, values), len(known) - 1)
    return bool((known[at] == values).any())


def sales_not_forwarded_once(model) -> int:
    """Sales completed at the tills minus those head office received or a journal holds,
    plus any head office received twice: zero when forwarding is exactly once."""
    office = model.head_office
    tills = {id(t): t for t in model.devices.tills.values()}.values()
    pending = sum(len(t.terminal.journal.pending) for t in tills)
    completed = sum(1 for e in model.log if type(e).__name__ == "SaleCompleted")
    return abs(completed - len(office.amounts) - pending) + office.duplicates


def module_breaches(model) -> int:
    """Breaches of the business modules' own laws, seen from outside through their ports."""
    breaches = len(model.ledger.unbalanced())
    if model.stock_room is not None:
        breaches += int((~model.inventory.conservation()["balanced"]).sum())
    return breaches + pushes_after_opt_out(model) + cap_breaches(model)


def chain_breaches(model) -> int:
    """A chain-fidelity run's breaches of the modules' laws: the ledger, stock conservation."""
    breaches = len(model.ledger.unbalanced())
    if model.stock is not None:
        breaches += int((~model.inventory.conservation()["balanced"]).sum())
    return breaches


def pushes_after_opt_out(model) -> int:
    """Members a campaign was sent to after the twin saw them unfollow."""
    desk = model.marketing_desk
    count = 0
    for key, at in desk.launched:
        table = model.marketing.assignments(key)
        sent = table.index[table["sent"]]
        count += sum(1 for m in sent if m in desk.unfollowed and desk.unfollowed[m] <= at)
    return count


def cap_breaches(model) -> int:
    """(member, channel, day or ISO week) with more campaign sends than the caps allow."""
    rules = getattr(model.marketing.policy, "rules", None)
    desk = model.marketing_desk
    if rules is None or not desk.launched:
        return 0
    channel = model.config.strategy.campaigns.channel
    rows = []
    for key, at in desk.launched:
        table = model.marketing.assignments(key)
        for member in table.index[table["sent"]]:
            rows.append((member, at.date(), at.isocalendar()[:2]))
    caps = [rules.overall] + [cap for c, cap in rules.caps.items() if c.name == channel]
    breaches = 0
    for cap in caps:
        for period, limit in ((1, cap.per_day), (2, cap.per_week)):
            if limit is None:
                continue
            counts: dict[tuple, int] = {}
            for row in rows:
                counts[(row[0], row[period])] = counts.get((row[0], row[period]), 0) + 1
            breaches += sum(1 for n in counts.values() if n > limit)
    return breaches
