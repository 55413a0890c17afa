"""`storetwin compare` and `storetwin report` as a strategist runs them."""

import json
import subprocess
import sys

import duckdb

from .conftest import SMALL_WORLD


def storetwin(*args, cwd, env=None):
    import os

    return subprocess.run(
        [sys.executable, "-m", "sim.cli", *args],
        cwd=cwd,
        text=True,
        capture_output=True,
        timeout=600,
        env={**os.environ, **(env or {})},
    )


def test_compare_writes_tables_json_plot_and_a_self_contained_report(scenario_dir, tmp_path):
    scenario_dir(
        "busting",
        ["strategy=status_quo"],
        {"busting": ["strategy=queue_busting"]},
        ["checkout_wait_mean_min", "transactions"],
        replications=3,
    )
    out = tmp_path / "cmp"
    done = storetwin(
        "compare",
        "scenario=busting",
        "replications=3",
        "days=1",
        f"out={out}",
        "backend=serial",
        cwd=tmp_path,
        env={"STORETWIN_SCENARIOS": str(tmp_path / "scenarios")},
    )
    assert done.returncode == 0, done.stderr
    assert "checkout_wait_mean_min" in done.stdout and "verdict" in done.stdout
    for name in (
        "comparison.parquet",
        "comparison.json",
        "runs.parquet",
        "report.html",
        "plots/forest-cmp.png",
    ):
        assert (out / name).is_file(), name
    effects = (
        duckdb.connect().execute(f"select * from read_parquet('{out}/comparison.parquet')").df()
    )
    assert {"kpi", "difference", "ci_low", "ci_high", "verdict"} <= set(effects.columns)
    summary = json.loads((out / "comparison.json").read_text())
    assert summary["replications"] == 3 and summary["effects"]
    html = (out / "report.html").read_text()
    assert "data:image/png;base64," in html and "src='http" not in html


def test_compare_refuses_an_unknown_scenario_and_bad_options(scenario_dir, tmp_path):
    env = {"STORETWIN_SCENARIOS": str(tmp_path / "scenarios")}
    scenario_dir("ok", ["strategy=status_quo"], {"b": ["strategy=queue_busting"]}, ["revenue"])
    done = storetwin("compare", "scenario=missing", cwd=tmp_path, env=env)
    assert done.returncode == 2 and "no scenario 'missing'" in done.stderr
    done = storetwin(
        "compare", "scenario=ok", "replications=0", "store.lanes=-2", cwd=tmp_path, env=env
    )
    assert done.returncode == 2 and "replications" in done.stderr
    done = storetwin("compare", "scenario=ok", "store.lanes=-2", cwd=tmp_path, env=env)
    assert done.returncode == 2 and "store.lanes" in done.stderr


def test_report_reads_any_folder_of_runs_and_sweeps(tmp_path):
    sweep = tmp_path / "study"
    assert (
        storetwin(
            "sweep",
            *SMALL_WORLD[:-1],
            "store.lanes=1,2",
            "replications=2",
            f"out={sweep}",
            cwd=tmp_path,
        ).returncode
        == 0
    )
    run = tmp_path / "study" / "single"
    assert storetwin("run", *SMALL_WORLD, f"hydra.run.dir={run}", cwd=tmp_path).returncode == 0
    (sweep / "report.html").unlink()
    done = storetwin("report", str(sweep), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    html = (sweep / "report.html").read_text()
    assert "Sweep:" in html and "Runs (5)" in html
    assert list((sweep / "plots").glob("sweep-*store.lanes-*.png"))
    assert storetwin("report", str(tmp_path / "nowhere"), cwd=tmp_path).returncode == 2
