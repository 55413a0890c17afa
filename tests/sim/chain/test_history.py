"""A chain run that archives its history: the same KPIs as one that keeps everything in the
modules, the archived rows in `history/` (Parquet, one file per table and day), counted in
`run.json`; nothing left behind when the run fails."""

import json

import duckdb
import pandas as pd
import pytest

from sim.config.load import ConfigErrors, compose_config, validate
from sim.experiment import run as run_module
from sim.experiment.run import run

WORLD = ["fidelity=chain", "days=12", "population.size=10000", "strategy=weekly_pushes"]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("history")
    kept = run(validate(compose_config(WORLD)), root / "kept")
    archived = run(validate(compose_config([*WORLD, "history.keep_days=2"])), root / "archived")
    return root, kept, archived


def test_archiving_changes_no_kpi(runs):
    root, kept, archived = runs
    daily = [pd.read_parquet(root / name / "kpis_daily.parquet") for name in ("kept", "archived")]
    assert daily[0].equals(daily[1])
    assert pd.Series(kept.summary).equals(pd.Series(archived.summary))  # NaN equal to NaN
    assert archived.summary["invariant_violations"] == 0


def test_the_history_folder_holds_what_the_modules_archived(runs):
    root = runs[0]
    folder = root / "archived" / "history"
    record = json.loads((root / "archived" / "run.json").read_text())
    counts = record["archived_rows"]
    assert set(counts) == {"orders", "order_lines", "postings", "campaign_members",
                           "reservations", "allocations", "coupons"}  # fmt: skip
    for table, rows in counts.items():
        files = sorted((folder / table).glob("day-*.parquet"))
        assert files and rows > 0
        found = duckdb.sql(f"SELECT count(*) FROM '{folder / table}/*.parquet'").fetchall()
        assert found[0][0] == rows
    orders = duckdb.sql(
        f"SELECT *, filename FROM read_parquet('{folder}/orders/*.parquet', filename=true)"
    ).df()
    assert orders["key"].is_unique and set(orders["state"]) <= {"completed", "cancelled"}
    # An order archived at the close of day d closed two days before it, at the latest.
    day = orders["filename"].str.extract(r"day-(\d+)")[0].astype(int)
    close = pd.Timestamp(record["config"]["start_date"]) + pd.to_timedelta(day + 1, unit="D")
    assert (orders["closed_at"] < close - pd.Timedelta(days=2)).all()
    assert (orders["closed_at"] >= close - pd.Timedelta(days=4)).any()  # as soon as it may
    coupons = duckdb.sql(f"SELECT * FROM '{folder}/coupons/*.parquet'").df()
    assert coupons["coupon"].tolist() == list(range(len(coupons)))  # the oldest, as a block
    assert set(coupons["state"]) <= {"redeemed", "expired"} and coupons["campaign"].notna().all()
    assert (coupons["state"] == "redeemed").sum() == coupons["order_key"].notna().sum()
    assert not (root / "kept" / "history").exists()
    assert not list(root.glob(".history-*"))  # the run's own archive folder moved in


def test_a_failed_run_leaves_no_history_behind(tmp_path, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(run_module, "_write", fail)
    config = validate(compose_config([*WORLD, "days=4", "history.keep_days=1"]))
    with pytest.raises(RuntimeError, match="disk full"):
        run(config, tmp_path / "run")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        (["history.keep_days=3"], "history.keep_days: archiving runs in chain fidelity only"),
        (["fidelity=chain", "history.keep_days=0"], "history.keep_days"),
        (["fidelity=chain", "+history.keep=3"], "history.keep"),
    ],
)
def test_bad_history_settings_are_named(overrides, named):
    with pytest.raises(ConfigErrors) as error:
        validate(compose_config(overrides))
    assert named in str(error.value)
