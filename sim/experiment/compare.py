"""Compare strategies: every variant of a scenario x replications, with common random numbers.

Replication r of every variant runs with seed `seed + r`, so the variants of one replication
see the same customers and the same arrivals (named streams, per-visit draws). Effects are
paired differences per replication with 95 % t intervals. With a target precision, batches of
replications are added until every deciding KPI's interval is narrow enough, up to a maximum.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.experiment.backends import Backend
from sim.experiment.jobs import Job, JobResult
from sim.experiment.scenario import Scenario
from sim.experiment.stats import paired_difference
from sim.experiment.study import Study, results_table
from sim.experiment.sweep import base_seed
from sim.metrics.kpis import HIGHER_IS_BETTER, LOWER_IS_BETTER

RUNS_TABLE = "runs.parquet"
EFFECTS_TABLE = "comparison.parquet"


@dataclass(frozen=True)
class CompareSpec:
    scenario: Scenario
    overrides: tuple[str, ...] = ()  # world overrides for every variant
    replications: int | None = None  # default: the scenario's
    precision: float | None = None  # target half-width relative to the baseline mean
    max_replications: int = 100

    @property
    def start_replications(self) -> int:
        return self.replications or self.scenario.replications

    def digest(self) -> str:
        text = json.dumps(
            {
                "scenario": self.scenario.name,
                "overrides": sorted(self.overrides),
                "variants": self.scenario.variants,
                "world": self.scenario.world,
            },
            sort_keys=True,
        )
        return hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass
class Comparison:
    runs: pd.DataFrame  # one row per variant x replication
    effects: pd.DataFrame  # one row per treatment x KPI
    replications: int
    failures: list[JobResult]
    ran: int


def default_root(spec: CompareSpec) -> Path:
    return Path("results") / "compare" / f"{spec.scenario.name}-{spec.digest()}"


def plan(spec: CompareSpec, replications: range) -> list[Job]:
    scenario = spec.scenario
    world = [*scenario.world, *spec.overrides]
    first = base_seed(tuple(world))
    world = [o for o in world if not o.startswith("seed=")]
    return [
        Job.from_overrides(
            [*world, *variant, f"seed={first + r}"], {"variant": name, "replication": r}
        )
        for r in replications
        for name, variant in scenario.variants.items()
    ]


def verdict(kpi: str, low: float, high: float, identical: bool) -> str:
    if identical:
        return "identical"
    if math.isnan(low) or low <= 0 <= high:
        return "no clear difference"
    up = low > 0
    if kpi in HIGHER_IS_BETTER:
        return "better" if up else "worse"
    if kpi in LOWER_IS_BETTER:
        return "worse" if up else "better"
    return "higher" if up else "lower"


def effects(runs: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Paired effects of each treatment over the baseline, for every numeric KPI."""
    kpis = [
        c
        for c in runs.columns
        if c not in ("key", "variant", "replication") and pd.api.types.is_numeric_dtype(runs[c])
    ]
    wide = runs.pivot(index="replication", columns="variant", values=kpis)
    rows = []
    for treatment in scenario.treatments:
        for kpi in kpis:
            base = wide[(kpi, "baseline")].to_numpy(float)
            treated = wide[(kpi, treatment)].to_numpy(float)
            interval = paired_difference(treated, base)
            base_mean = float(base.mean())
            identical = bool(np.array_equal(base, treated))
            rows.append(
                {
                    "treatment": treatment,
                    "kpi": kpi,
                    "deciding": kpi in scenario.kpis,
                    "baseline_mean": base_mean,
                    "treatment_mean": float(treated.mean()),
                    "difference": interval.mean,
                    "ci_low": interval.low,
                    "ci_high": interval.high,
                    "relative_difference": interval.mean / base_mean if base_mean else math.nan,
                    "n": interval.n,
                    "verdict": verdict(kpi, interval.low, interval.high, identical),
                }
            )
    frame = pd.DataFrame(rows)
    order = {kpi: i for i, kpi in enumerate(scenario.kpis)}
    frame["_order"] = frame["kpi"].map(lambda k: order.get(k, len(order)))
    return frame.sort_values(["treatment", "_order", "kpi"]).drop(columns="_order")


def precise_enough(table: pd.DataFrame, precision: float) -> bool:
    deciding = table[table["deciding"] & (table["verdict"] != "identical")]
    half = (deciding["ci_high"] - deciding["ci_low"]) / 2
    scale = deciding["baseline_mean"].abs().where(deciding["baseline_mean"] != 0, 1.0)
    return bool((half <= precision * scale).all())


def compare(
    spec: CompareSpec,
    root: Path,
    backend: Backend,
    on_result: Callable[[JobResult, bool], None] | None = None,
) -> Comparison:
    """Run (or resume) the comparison in `root` and compute its effects."""
    study = Study(
        root,
        "compare",
        {
            "scenario": spec.scenario.name,
            "overrides": list(spec.overrides),
            "variants": spec.scenario.variants,
            "kpis": spec.scenario.kpis,
        },
    )
    n = min(spec.start_replications, spec.max_replications)
    done, ran, all_jobs, results = 0, 0, [], []
    while True:
        jobs = plan(spec, range(done, n))
        study.add(jobs)
        outcome = study.run(backend, jobs, on_result)
        all_jobs.extend(jobs)
        results.extend(outcome.results)
        ran += outcome.ran
        runs = results_table(all_jobs, results)
        if outcome.failures:
            return Comparison(runs, pd.DataFrame(), n, outcome.failures, ran)
        table = effects(runs, spec.scenario)
        done = n
        if (
            spec.precision is None
            or n >= spec.max_replications
            or precise_enough(table, spec.precision)
        ):
            break
        n = min(2 * n, spec.max_replications)
    return Comparison(runs, table, n, [], ran)
