"""A study: many jobs under one folder, with a manifest keyed by each job's config hash.

The manifest lists what the study is made of; what is done is read from the folders (a
complete run has its `run.json`), never from a status the manifest could get wrong after a
crash. Running a study again runs only what is missing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.experiment.backends import Backend
from sim.experiment.jobs import Job, JobResult, clean_partials, load_result
from sim.metrics.results import write_json

MANIFEST = "manifest.json"


@dataclass
class StudyOutcome:
    jobs: list[Job]
    results: list[JobResult]  # aligned with `jobs`
    ran: int  # jobs run now (the others were already done)
    wall_s: float

    @property
    def failures(self) -> list[JobResult]:
        return [r for r in self.results if not r.ok]


class Study:
    def __init__(self, root: Path, kind: str, spec: dict) -> None:
        self.root = root
        self.kind = kind
        self.spec = spec
        self.jobs: dict[str, Job] = {}

    def add(self, jobs: Sequence[Job]) -> None:
        for job in jobs:
            self.jobs.setdefault(job.key, job)
        self._write_manifest()

    def _write_manifest(self) -> None:
        write_json(
            self.root / MANIFEST,
            {
                "kind": self.kind,
                "spec": self.spec,
                "jobs": {
                    key: {"overrides": list(job.overrides), "labels": job.labels}
                    for key, job in self.jobs.items()
                },
            },
        )

    def run(
        self,
        backend: Backend,
        jobs: Sequence[Job] | None = None,
        on_result: Callable[[JobResult, bool], None] | None = None,
    ) -> StudyOutcome:
        """Run the given jobs (default: all) that are not done yet; results of all of them."""
        started = time.perf_counter()
        clean_partials(self.root)
        wanted = list(jobs if jobs is not None else self.jobs.values())
        done, todo = {}, []
        for job in wanted:
            result = load_result(self.root, job.key)
            if result is None:
                todo.append(job)
            else:
                done[job.key] = result
                if on_result:
                    on_result(result, False)
        for result in backend.run(todo, self.root):
            done[result.key] = result
            if on_result:
                on_result(result, True)
        results = [done[job.key] for job in wanted]
        return StudyOutcome(wanted, results, len(todo), time.perf_counter() - started)


def results_table(jobs: Sequence[Job], results: Sequence[JobResult]) -> pd.DataFrame:
    """One row per successful job: its key, labels and KPIs."""
    rows = [
        {"key": r.key, **job.labels, **(r.summary or {})}
        for job, r in zip(jobs, results, strict=True)
        if r.ok
    ]
    return pd.DataFrame(rows)


def read_manifest(root: Path) -> dict:
    return json.loads((root / MANIFEST).read_text())
