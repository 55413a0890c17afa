import json
import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from sim.config.load import ConfigErrors
from sim.experiment.backends import DaskBackend, LocalBackend, SerialBackend
from sim.experiment.commands import sweep_command
from sim.experiment.study import read_manifest
from sim.experiment.sweep import SweepSpec, plan, study

from .conftest import SMALL_WORLD


def spec(*extra: str, replications: int = 2) -> SweepSpec:
    return SweepSpec((*SMALL_WORLD, "store.lanes=1,2", *extra), replications)


def test_plan_is_the_grid_times_replications_with_labels():
    jobs = plan(spec())
    assert len(jobs) == 4 and len({j.key for j in jobs}) == 4
    labels = sorted((j.labels["store.lanes"], j.labels["replication"]) for j in jobs)
    assert labels == [("1", 0), ("1", 1), ("2", 0), ("2", 1)]
    assert sorted(j.config.seed for j in jobs) == [0, 0, 1, 1]


def test_bad_values_in_a_sweep_are_named_before_anything_runs():
    with pytest.raises(ConfigErrors) as caught:
        plan(SweepSpec((*SMALL_WORLD, "store.lanes=1,0")))
    assert any("store.lanes=0" in p and "store.lanes" in p for p in caught.value.problems)
    with pytest.raises(ConfigErrors, match="seed"):
        plan(SweepSpec((*SMALL_WORLD, "seed=1,2"), replications=2))


def test_resume_runs_only_what_is_missing_and_leaves_finished_runs_untouched(tmp_path):
    root = tmp_path / "sweep"
    first = study(spec(), root).run(SerialBackend())
    assert first.ran == 4 and not first.failures
    kept, lost = first.results[:2], first.results[2:]
    stamps = {r.key: (r.folder / "run.json").stat().st_mtime_ns for r in kept}
    for result in lost:  # as if the sweep had died before these finished
        os.replace(result.folder, result.folder.parent / f".{result.key}.partial-999")
    again = study(spec(), root).run(SerialBackend())
    assert again.ran == 2
    assert {r.key: (r.folder / "run.json").stat().st_mtime_ns for r in kept} == stamps
    assert [r.summary for r in again.results] == [r.summary for r in first.results]


def test_kill_9_halfway_then_the_same_command_finishes_the_rest(tmp_path):
    root = tmp_path / "killed"
    command = [
        sys.executable,
        "-m",
        "sim.cli",
        "sweep",
        *SMALL_WORLD[:-1],
        "store.lanes=1,2,3",
        "replications=3",
        "backend=serial",
        f"out={root}",
    ]
    process = subprocess.Popen(
        command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.time() + 120
    while len(list((root / "runs").glob("*/run.json"))) < 3 and time.time() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    finished = {p.parent.name: p.stat().st_mtime_ns for p in (root / "runs").glob("*/run.json")}
    assert 3 <= len(finished) < 9
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"{9 - len(finished)} run(s) now, {len(finished)} already done" in done.stdout
    after = {p.parent.name: p.stat().st_mtime_ns for p in (root / "runs").glob("*/run.json")}
    assert len(after) == 9 and all(after[k] == v for k, v in finished.items())
    assert not list((root / "runs").glob(".*partial*"))  # the half-written run was not kept
    table = pd.read_parquet(root / "sweep.parquet")
    assert len(table) == 9 and set(table["replication"]) == {0, 1, 2}
    assert set(read_manifest(root)["jobs"]) == set(table["key"])


def test_a_failing_run_is_reported_while_the_others_finish(tmp_path, monkeypatch, capsys):
    import sim.experiment.run as run_module  # `execute` looks `run` up here at call time

    original = run_module.run

    def sometimes_broken(config, folder, progress=None, overrides=None):
        if config.store.lanes == 2 and config.seed == 1:
            raise RuntimeError("printer on fire")
        return original(config, folder, progress, overrides)

    monkeypatch.setattr(run_module, "run", sometimes_broken)
    root = tmp_path / "failing"
    code = sweep_command(
        [*SMALL_WORLD, "store.lanes=1,2", "replications=2", "backend=serial", f"out={root}"]
    )
    assert code != 0
    out = capsys.readouterr().out
    assert "1 run(s) failed" in out and "printer on fire" in out
    (failed,) = list((root / "failed").iterdir())
    assert "printer on fire" in (failed / "traceback.txt").read_text()
    assert json.loads((failed / "config.json").read_text())["config"]["store"]["lanes"] == 2
    assert len(list((root / "runs").glob("*/run.json"))) == 3


def test_local_pool_and_dask_cluster_give_the_serial_results(tmp_path):
    serial = study(spec(), tmp_path / "serial").run(SerialBackend())
    local = study(spec(), tmp_path / "local").run(LocalBackend(2))
    dask = study(spec(), tmp_path / "dask").run(DaskBackend(workers=2))
    assert [r.summary for r in local.results] == [r.summary for r in serial.results]
    assert [r.summary for r in dask.results] == [r.summary for r in serial.results]
    assert all(r.folder.parent.parent == tmp_path / "dask" for r in dask.results)
