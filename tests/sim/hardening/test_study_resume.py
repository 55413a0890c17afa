"""Resuming a study: an incomplete leftover is run again and replaced, staging folders of runs
that were killed are cleaned, a failed run leaves no results folder."""

import json
import os
import socket
import subprocess

import pytest

from sim.cli import main
from sim.experiment.backends import SerialBackend
from sim.experiment.sweep import SweepSpec, study
from sim.metrics.results import is_complete

from ..experiment.conftest import SMALL_WORLD

SPEC = SweepSpec((*SMALL_WORLD, "store.lanes=1,2"), 1)


def dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_a_leftover_run_folder_without_its_marker_is_run_again_and_replaced(tmp_path):
    root = tmp_path / "sweep"
    first = study(SPEC, root).run(SerialBackend())
    broken = first.results[0].folder
    (broken / "run.json").unlink()  # as a crash mid-way through writing would leave it
    (broken / "summary.json").write_text('{"transactions": 12')
    again = study(SPEC, root).run(SerialBackend())
    assert again.ran == 1 and is_complete(broken)
    assert json.loads((broken / "summary.json").read_text()) == first.results[0].summary
    assert study(SPEC, root).run(SerialBackend()).ran == 0  # and it stays done


def test_staging_folders_of_killed_runs_are_cleaned_and_live_ones_kept(tmp_path):
    root = tmp_path / "sweep"
    study(SPEC, root).run(SerialBackend())
    runs = root / "runs"
    host, dead, live = socket.gethostname(), dead_pid(), os.getpid()
    killed = [f".abc.partial-{host}-{dead}", f".abc.stale-{host}-{dead}"]
    kept = [
        f".def.partial-{host}-{live}",  # still running here
        f".ghi.partial-other-host-{dead}",
    ]  # another host's: it may well be running there
    for name in killed + kept:
        (runs / name).mkdir()
        (runs / name / "events.parquet").write_bytes(b"half")
    study(SPEC, root).run(SerialBackend())
    assert sorted(p.name for p in runs.iterdir() if p.name.startswith(".")) == sorted(kept)


def test_a_killed_runs_staging_folder_is_cleaned_by_the_next_run_into_its_folder(tmp_path):
    out = tmp_path / "run"
    left = out / f".staging-{socket.gethostname()}-{dead_pid()}"
    left.mkdir(parents=True)
    (left / "summary.json").write_text("{")
    assert main(["run", *SMALL_WORLD, "progress=off", f"hydra.run.dir={out}"]) == 0
    assert not left.exists() and (out / "run.json").is_file()


@pytest.mark.parametrize("where", ["simulation", "writing"])
def test_a_failed_run_leaves_no_results_folder(tmp_path, monkeypatch, where):
    def broken(*args, **kwargs):
        raise RuntimeError(f"fails in its {where}")

    target = {
        "simulation": "sim.model.TwinModel.step",
        "writing": "sim.metrics.plots.queue_length_over_day",
    }[where]
    monkeypatch.setattr(target, broken)
    out = tmp_path / "run"
    with pytest.raises(SystemExit) as stopped:  # Hydra reports the error and exits
        main(["run", *SMALL_WORLD, "progress=off", f"hydra.run.dir={out}"])
    assert stopped.value.code != 0
    assert not out.exists() and list(tmp_path.iterdir()) == []
