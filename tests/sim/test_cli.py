"""The `storetwin` command in a subprocess, as a user runs it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq

from sim.metrics.kpis import KPI_NAMES

SMALL = ["chain=single_store", "days=1", "population.size=2000"]


def storetwin(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sim.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
        check=False,
    )


def test_run_writes_a_complete_results_folder(tmp_path):
    out = tmp_path / "run"
    done = storetwin("run", *SMALL, "seed=7", "store.lanes=3", f"hydra.run.dir={out}", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for name in (
        "run.json",
        "summary.json",
        "kpis_daily.parquet",
        "events.parquet",
        "plots/hourly_footfall.png",
        "plots/queue_length.png",
        "plots/dashboard.png",
    ):
        assert (out / name).is_file(), name
    run = json.loads((out / "run.json").read_text())
    assert run["seed"] == 7 and run["config"]["store"]["lanes"] == 3
    assert run["visits"] > 0 and run["events"] > run["visits"] and run["wall_s"] > 0
    assert {"numpy", "simpy", "mesa"} <= set(run["versions"])
    summary = json.loads((out / "summary.json").read_text())
    assert list(summary) == sorted(summary) and set(KPI_NAMES) <= set(summary)
    assert summary["transactions"] > 0
    daily = pq.read_table(out / "kpis_daily.parquet").to_pandas()
    assert daily["transactions"].sum() == summary["transactions"]
    assert "footfall_true" in done.stdout and "results in" in done.stdout
    assert not list(tmp_path.glob("**/.*.tmp")), "temporary files left behind"


def test_bad_config_exits_2_names_every_problem_and_writes_nothing(tmp_path):
    out = tmp_path / "never"
    done = storetwin(
        "run",
        "store.lanes=-1",
        "population.size=abc",
        "store.nope=1",
        f"hydra.run.dir={out}",
        cwd=tmp_path,
    )
    assert done.returncode == 2
    for key in ("store.lanes", "population.size", "store.nope"):
        assert key in done.stderr
    assert not out.exists() and not (tmp_path / "results").exists()


def test_multirun_runs_every_job(tmp_path):
    sweep = tmp_path / "sweep"
    done = storetwin("run", "-m", *SMALL, "seed=1,2", f"hydra.sweep.dir={sweep}", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    summaries = [json.loads((sweep / str(i) / "summary.json").read_text()) for i in (0, 1)]
    assert summaries[0] != summaries[1]


def test_bad_job_in_a_sweep_stops_the_sweep_before_it_starts(tmp_path):
    sweep = tmp_path / "sweep"
    done = storetwin(
        "run", "-m", *SMALL, "store.lanes=2,0", f"hydra.sweep.dir={sweep}", cwd=tmp_path
    )
    assert done.returncode == 2 and "store.lanes=0" in done.stderr
    assert not sweep.exists()


def test_help_and_unknown_command(tmp_path):
    assert "run" in storetwin("--help", cwd=tmp_path).stdout
    assert storetwin("frobnicate", cwd=tmp_path).returncode == 2
