"""End-of-run invariants: they find what they look for, and a normal run breaks none."""

import json

import numpy as np
import pandas as pd

from sim.config.load import compose_config, validate
from sim.experiment.run import run
from sim.metrics.invariants import leaks_in_folder

NUMBERS = np.array([13812345678, 15900001111], np.int64)


def test_a_plain_number_is_found_in_parquet_text_or_integers(tmp_path):
    clean = tmp_path / "clean"
    clean.mkdir()
    pd.DataFrame({"masked": ["138****5678"], "customer": [42]}).to_parquet(clean / "a.parquet")
    (clean / "summary.json").write_text(json.dumps({"revenue": 13812345679}))
    assert leaks_in_folder(clean, NUMBERS) == []
    leaky = tmp_path / "leaky"
    leaky.mkdir()
    pd.DataFrame({"note": ["call 13812345678 back"]}).to_parquet(leaky / "a.parquet")
    pd.DataFrame({"phone": [15900001111]}).to_parquet(leaky / "b.parquet")
    (leaky / "c.json").write_text('{"m": "15900001111"}')
    assert leaks_in_folder(leaky, NUMBERS) == ["a.parquet", "b.parquet", "c.json"]


def test_a_secret_is_found_in_any_file(tmp_path):
    secret = "s3cret-key-of-the-chain-0123456789"
    (tmp_path / "run.json").write_text(json.dumps({"config": {"secret": secret}}))
    pd.DataFrame({"note": [f"key {secret}"]}).to_parquet(tmp_path / "events.parquet")
    (tmp_path / "plot.png").write_bytes(b"\x89PNG" + secret.encode())
    (tmp_path / "clean.json").write_text('{"secret": "<redacted>"}')
    found = leaks_in_folder(tmp_path, NUMBERS, [secret])
    assert found == ["events.parquet", "plot.png", "run.json"]


def test_a_run_with_capture_and_an_outage_breaks_no_invariant(tmp_path):
    config = validate(
        compose_config(
            [
                "strategy=member_capture",
                "days=2",
                "population.size=4000",
                "hardware.faults.scheduled=[{day: 1, at: '15:00', device: uplink-S002,"
                " kind: outage, minutes: 120}]",
            ]
        )
    )
    outcome = run(config, tmp_path / "run")
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["members_new"] > 0 and summary["sales_offline"] > 0
    assert summary["invariant_violations"] == 0
    assert outcome is not None
