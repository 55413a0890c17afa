"""The results folder of a run, written atomically file by file.

Each file is written under a temporary name in the same folder and renamed into place,
so a reader never sees half a file; a run stages its files in a folder of its own inside the
results folder and moves them in together (`publish`). `run.json` comes last: its presence
marks a complete run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

RUN_MARKER = "run.json"
STAGING_PREFIX = ".staging-"  # a run's files before they move in: .staging-<host>-<pid>
_PID = re.compile(r"-(\d+)$")  # a staging folder ends in its owner's -<host>-<pid>


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Call `write(tmp)` on a temporary path beside `path`, then rename it to `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_json(path: Path, data: Any) -> None:
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"
    write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_parquet(path: Path, data: pd.DataFrame | pa.Table) -> None:
    table = data if isinstance(data, pa.Table) else pa.Table.from_pandas(data, preserve_index=False)
    write_atomic(path, lambda tmp: pq.write_table(table, tmp))


def staging_suffix() -> str:
    """`<host>-<pid>` of this process: whose a staging folder is, across hosts sharing a disk."""
    return f"{socket.gethostname()}-{os.getpid()}"


def clean_staging(folder: Path, prefix: str) -> list[Path]:
    """Remove the staging folders under `folder` named `<prefix>...-<host>-<pid>` whose
    process was killed: this host's, with no such process alive (another host's are left to
    it); returns what was removed."""
    removed = []
    here = socket.gethostname()
    for path in sorted(folder.glob(f"{prefix}*")) if folder.is_dir() else []:
        pid = _PID.search(path.name)
        mine = pid is not None and path.name[: pid.start()].endswith(f"-{here}")
        if path.is_dir() and mine and not _alive(int(pid.group(1))):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def publish(staging: Path, folder: Path) -> None:
    """Move every file of `staging` into `folder` (made if need be), `run.json` last: until it
    arrives, `folder` does not count as a complete run."""
    files = sorted(p for p in staging.rglob("*") if p.is_file())
    marker = [p for p in files if p.relative_to(staging) == Path(RUN_MARKER)]
    for path in [p for p in files if p not in marker] + marker:
        target = folder / path.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)


def is_complete(folder: Path) -> bool:
    return (folder / RUN_MARKER).is_file()
