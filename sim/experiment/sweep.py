"""Sweeps: a grid of parameter values times replications, run in parallel and resumable.

`storetwin sweep store.lanes=2,3,4 strategy=status_quo,queue_busting replications=5` runs
every combination with seeds `seed, seed+1, ...` per replication. The study folder is named
after a hash of the sweep's definition, so the same command finds its earlier runs and runs
only what is missing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from hydra.core.override_parser.overrides_parser import OverridesParser

from sim.config.load import ConfigErrors, expand_sweep
from sim.experiment.jobs import Job
from sim.experiment.study import Study

RESULTS_TABLE = "sweep.parquet"


@dataclass(frozen=True)
class SweepSpec:
    overrides: tuple[str, ...]
    replications: int = 1

    def parameters(self) -> list[str]:
        """The keys whose values the sweep varies."""
        parsed = OverridesParser.create().parse_overrides(list(self.overrides))
        return [o.get_key_element() for o in parsed if o.is_sweep_override()]

    def digest(self) -> str:
        text = json.dumps(
            {"overrides": sorted(self.overrides), "replications": self.replications}, sort_keys=True
        )
        return hashlib.sha256(text.encode()).hexdigest()[:12]


def base_seed(overrides: tuple[str, ...]) -> int:
    seeds = [o.split("=", 1)[1] for o in overrides if o.split("=", 1)[0] == "seed"]
    return int(seeds[-1]) if seeds else 0


def plan(spec: SweepSpec) -> list[Job]:
    """Every job of the sweep, labelled with its parameter values and replication."""
    if spec.replications < 1:
        raise ConfigErrors([f"replications: must be >= 1, got {spec.replications}"])
    params = spec.parameters()
    if "seed" in params and spec.replications > 1:
        raise ConfigErrors(["seed: sweep the seed or replicate, not both"])
    jobs, problems = [], []
    for combo in expand_sweep(spec.overrides):
        values = {o.split("=", 1)[0]: o.split("=", 1)[1] for o in combo}
        labels = {p: values[p] for p in params}
        first = base_seed(tuple(combo))
        try:
            job = Job.from_overrides(combo)
        except ConfigErrors as errors:
            problems.extend(f"[{' '.join(combo)}] {p}" for p in errors.problems)
            continue
        jobs.extend(
            job.replicate(first + r, {**labels, "replication": r}) for r in range(spec.replications)
        )
    if problems:
        raise ConfigErrors(problems)
    return jobs


def default_root(spec: SweepSpec) -> Path:
    return Path("results") / "sweeps" / spec.digest()


def study(spec: SweepSpec, root: Path) -> Study:
    sweep = Study(
        root,
        "sweep",
        {
            "overrides": list(spec.overrides),
            "replications": spec.replications,
            "parameters": spec.parameters(),
        },
    )
    sweep.add(plan(spec))
    return sweep
