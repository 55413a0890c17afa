"""Invariants checked at the end of every run; each breach is counted, none is fatal.

The twin knows the truth, so it can check what no module can check about itself: that no
plain mobile number reached the results folder, and that every sale a till took reached
head office exactly once (or is still waiting in a till's journal).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
TEXT_SUFFIXES = {".json", ".yaml", ".yml", ".txt", ".csv", ".html", ".md"}


def plain_numbers_in_folder(folder: Path, numbers: np.ndarray) -> list[str]:
    """Files of `folder` holding one of `numbers` (int64 mobile numbers) in plain form."""
    known = numbers.astype(np.int64)
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix == ".parquet":
            hit = _in_table(pq.read_table(path), known)
        elif path.suffix in TEXT_SUFFIXES:
            candidates = MOBILE.findall(path.read_text(errors="replace"))
            hit = bool(candidates) and np.isin(np.array(candidates, np.int64), known).any()
        else:
            continue  # images carry no text we wrote
        if hit:
            found.append(path.name)
    return found


def _in_table(table: pa.Table, known: np.ndarray) -> bool:
    for column in table.columns:
        if pa.types.is_integer(column.type):
            values = column.to_numpy(zero_copy_only=False)
            if np.isin(values[values >= 10_000_000_000], known).any():
                return True
        elif pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            text = "\n".join(v for v in column.to_pylist() if v)
            candidates = MOBILE.findall(text)
            if candidates and np.isin(np.array(candidates, np.int64), known).any():
                return True
    return False


def sales_not_forwarded_once(model) -> int:
    """Sales completed at the tills minus those head office received or a journal holds,
    plus any head office received twice: zero when forwarding is exactly once."""
    office = model.devices.head_office
    tills = {id(t): t for t in model.devices.tills.values()}.values()
    pending = sum(len(t.terminal.journal.pending) for t in tills)
    completed = sum(1 for e in model.log if type(e).__name__ == "SaleCompleted")
    return abs(completed - len(office.amounts) - pending) + office.duplicates
