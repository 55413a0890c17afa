"""One seed, identical outputs (whatever PYTHONHASHSEED); another seed, other outputs."""

import subprocess
import sys
from pathlib import Path

ARGS = ["chain=five_stores", "days=2", "population.size=5000"]


def run_folder(tmp_path: Path, name: str, seed: int, hashseed: str) -> Path:
    out = tmp_path / name
    subprocess.run(
        [sys.executable, "-m", "sim.cli", "run", *ARGS, f"seed={seed}", f"hydra.run.dir={out}"],
        cwd=tmp_path,
        env={"PYTHONHASHSEED": hashseed, "PATH": "/usr/bin:/bin"},
        check=True,
        capture_output=True,
        timeout=300,
    )
    return out


def test_same_seed_identical_outputs_other_seed_different(tmp_path):
    a = run_folder(tmp_path, "a", seed=5, hashseed="1")
    b = run_folder(tmp_path, "b", seed=5, hashseed="12345")
    c = run_folder(tmp_path, "c", seed=6, hashseed="1")
    for name in ("summary.json", "kpis_daily.parquet", "events.parquet"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
        assert (a / name).read_bytes() != (c / name).read_bytes(), name
