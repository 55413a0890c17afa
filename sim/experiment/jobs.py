"""A job is one run of the twin: its overrides, its resolved config and the hash of that config.

Jobs write their folder atomically: the run is built in a hidden `.partial` folder and renamed
into place when complete, so an interrupted job (even `kill -9`) leaves nothing that counts;
an incomplete leftover in its place is replaced, and the staging folders of killed runs are
removed when a study runs again.
A job that fails leaves its traceback and config in a `failed/` folder, never an exception
that stops its siblings.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from sim.config.load import compose_config, to_dict, validate
from sim.config.schema import RunConfig
from sim.metrics.results import (
    RUN_MARKER,
    clean_staging,
    is_complete,
    staging_suffix,
    write_json,
)


@dataclass(frozen=True)
class Job:
    """One run to do: its overrides and the identity of its resolved config."""

    overrides: tuple[str, ...]
    config: RunConfig = field(compare=False, repr=False)
    key: str  # hash of the resolved config: the run's identity in a manifest
    labels: dict[str, str | int] = field(default_factory=dict, compare=False)

    @classmethod
    def from_overrides(
        cls, overrides: list[str], labels: dict[str, str | int] | None = None
    ) -> Job:
        return cls.from_config(overrides, validate(compose_config(overrides)), labels)

    @classmethod
    def from_config(
        cls, overrides: list[str], config: RunConfig, labels: dict[str, str | int] | None = None
    ) -> Job:
        canonical = json.dumps(to_dict(config), sort_keys=True, separators=(",", ":"))
        key = hashlib.sha256(canonical.encode()).hexdigest()[:16]
        return cls(tuple(overrides), config, key, dict(labels or {}))

    def replicate(self, seed: int, labels: dict[str, str | int]) -> Job:
        """The same job with another seed (no need to compose the config again)."""
        overrides = [o for o in self.overrides if not o.startswith("seed=")] + [f"seed={seed}"]
        return Job.from_config(overrides, dataclasses.replace(self.config, seed=seed), labels)


@dataclass(frozen=True)
class JobResult:
    key: str
    folder: Path
    ok: bool
    summary: dict[str, float] | None
    error: str | None = None
    wall_s: float = 0.0


def run_folder(root: Path, key: str) -> Path:
    return root / "runs" / key


def failed_folder(root: Path, key: str) -> Path:
    return root / "failed" / key


def replace_folder(new: Path, old: Path) -> None:
    """Put folder `new` in the place of `old`, which may hold an incomplete leftover of an
    interrupted run: never a moment when `old` holds a mix of the two."""
    if not old.exists():
        os.replace(new, old)
        return
    stale = old.parent / f".{old.name}.stale-{staging_suffix()}"
    shutil.rmtree(stale, ignore_errors=True)
    os.replace(old, stale)
    os.replace(new, old)
    shutil.rmtree(stale, ignore_errors=True)


def clean_partials(root: Path) -> list[Path]:
    """Remove the staging folders (`.<key>.partial-<host>-<pid>`, `.<key>.stale-...`) that
    jobs killed mid-way left under `root/runs`, those of live processes apart."""
    return clean_staging(root / "runs", ".") if (root / "runs").is_dir() else []


def load_result(root: Path, key: str) -> JobResult | None:
    """The result of a job already done under `root`, or None if it must run."""
    folder = run_folder(root, key)
    if not is_complete(folder):
        return None
    summary = json.loads((folder / "summary.json").read_text())
    wall_s = json.loads((folder / RUN_MARKER).read_text()).get("wall_s", 0.0)
    return JobResult(key, folder, True, summary, wall_s=wall_s)


def execute(job: Job, root: Path) -> JobResult:
    """Run `job` into `root/runs/<key>` (atomically) or record its failure; never raises."""
    from sim.experiment.run import run  # imports the model: only in the process that runs

    final = run_folder(root, job.key)
    partial = final.parent / f".{job.key}.partial-{staging_suffix()}"
    shutil.rmtree(partial, ignore_errors=True)
    try:
        outcome = run(job.config, partial, progress=None, overrides=list(job.overrides))
        if is_complete(final):  # a concurrent twin of this job won the race: same result
            shutil.rmtree(partial)
        else:
            replace_folder(partial, final)
        shutil.rmtree(failed_folder(root, job.key), ignore_errors=True)
        return JobResult(job.key, final, True, outcome.summary, wall_s=outcome.wall_s)
    except Exception:
        shutil.rmtree(partial, ignore_errors=True)
        failed = failed_folder(root, job.key)
        failed.mkdir(parents=True, exist_ok=True)
        text = traceback.format_exc()
        (failed / "traceback.txt").write_text(text)
        write_json(
            failed / "config.json",
            {"overrides": list(job.overrides), "config": to_dict(job.config)},
        )
        return JobResult(job.key, failed, False, None, error=text.strip().splitlines()[-1])
