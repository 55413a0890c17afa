"""Mixed fidelity: stores in detail and the rest vectorized, on one set of modules, in one
KPI table, agreeing with the chain and the detailed twin."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sim.chain.members import SharedBook
from sim.chain.mixed import MixedModel
from sim.config.load import ConfigErrors, compose_config, validate
from sim.experiment.run import run, simulate_overrides, summarise
from sim.metrics.invariants import chain_breaches, sales_not_forwarded_once
from sim.metrics.kpis import KPI_NAMES

MIXED = ("fidelity=mixed", "detailed_stores=[S001]")


def mixed(*overrides: str) -> MixedModel:
    model = MixedModel(validate(compose_config([*MIXED, *overrides])))
    model.run()
    return model


@pytest.fixture(scope="module")
def members_at_start() -> MixedModel:
    return mixed("days=3", "+population.member_share=0.3", "strategy=member_capture")


def test_one_table_holds_every_store_and_the_run_keeps_the_modules_laws(members_at_start):
    model = members_at_start
    daily = model.daily_kpis()
    assert list(daily.columns) == ["store", "date", "day", *KPI_NAMES]
    assert sorted(daily["store"].unique()) == sorted(model.chain.world.stores.ids)
    assert len(daily) == 5 * 3
    summary = model.summary()
    for name in ("transactions", "revenue", "members_new", "online_orders"):
        assert summary[name] == daily[name].sum(), name
    # Only the store in detail has an event log, queue traces and waits simulated.
    events = model.events()
    assert set(events.loc[events["kind"] == "VisitStarted", "store"]) == {"S001"}
    assert list(model.monitors) == ["S001"]
    by_store = daily.groupby("store")["transactions"].sum()
    assert (by_store > 0).all()
    assert chain_breaches(model) == 0
    assert sales_not_forwarded_once(model.twin) == 0


def test_the_store_in_detail_counts_what_its_tills_saw(members_at_start):
    model = members_at_start
    events = model.events()
    daily = model.daily_kpis().set_index(["store", "day"])
    sales = events[events["kind"] == "SaleCompleted"].groupby("day").size()
    assert daily.loc["S001", "transactions"].tolist() == sales.reindex(range(3)).tolist()
    revenue = events[events["kind"] == "SaleCompleted"].groupby("day")["amount_cents"].sum()
    assert daily.loc["S001", "revenue"].tolist() == revenue.reindex(range(3)).tolist()
    # The chain drew no visits for it.
    assert model.chain.world.stores.daily_visitors[0] == 0
    assert (model.chain.world.stores.daily_visitors[1:] > 0).all()


def test_the_chain_and_the_detailed_tills_know_the_same_members(members_at_start):
    model = members_at_start
    members, events = model.chain.members, model.events()
    # Members enrolled by the chain before the run are members at the detailed till.
    purchases = events[events["kind"] == "MemberPurchaseRecorded"]
    visits = events[events["kind"] == "VisitStarted"].set_index("visit")["customer"]
    buyers = visits.reindex(purchases["visit"]).to_numpy().astype(np.int64)
    assert len(buyers) > 0
    assert (members.member_of[buyers] >= 0).all()
    # Who joined at the detailed till is a member for the chain, registered at S001.
    joined = events[events["kind"] == "MemberRegistered"]
    assert len(joined) > 0
    joiners = joined["member"].to_numpy().astype(np.int64)
    persons = members.person_of[joiners]
    assert (members.member_of[persons] == joiners).all()
    assert (members.home[joiners] == 0).all()


def test_the_shared_book_reads_and_writes_the_chain_columns(members_at_start):
    members = members_at_start.chain.members
    book = SharedBook(members)
    person = int(np.flatnonzero(members.member_of < 0)[0])
    assert person not in book.member_of and book.member_of.get(person) is None
    fresh = len(members.person_of) + 5  # beyond the column: the chain grows it
    book.joined(person, fresh, "S002")
    assert book.member_of[person] == fresh and book.person_of[fresh] == person
    assert members.home[fresh] == 1 and fresh in members.members
    assert len(book.member_of) == int((members.member_of >= 0).sum())
    book.followed(fresh + 1, person, "S003")
    assert book.person_of[fresh + 1] == person and members.member_of[person] == fresh


def test_one_seed_gives_the_same_mixed_run():
    first, second, other = (mixed("days=2", f"seed={seed}").daily_kpis() for seed in (0, 0, 1))
    pd.testing.assert_frame_equal(first, second)
    assert not first["revenue"].equals(other["revenue"])


def test_mixed_agrees_with_the_chain_and_the_detailed_twin():
    """Over replications of a week of the default chain, with two of its five stores in
    detail, the run's daily transactions, revenue, conversion and members captured are
    within 5 % of chain fidelity's and the detailed twin's."""
    names = ("transactions", "revenue", "conversion_true", "members_new")
    means = {}
    for fidelity in ("detailed", "chain", "mixed"):
        extra = ["detailed_stores=[S001,F002]"] if fidelity == "mixed" else []
        week = [f"fidelity={fidelity}", "days=7", "strategy=member_capture", *extra]
        runs = [summarise(simulate_overrides([*week, f"seed={seed}"])) for seed in range(3)]
        means[fidelity] = {name: np.mean([r[name] for r in runs]) for name in names}
    for other in ("chain", "detailed"):
        for name in names:
            assert means["mixed"][name] == pytest.approx(means[other][name], rel=0.05), (
                other,
                name,
            )


def test_a_mixed_run_writes_its_folder(tmp_path):
    config = validate(compose_config([*MIXED, "days=2"]))
    outcome = run(config, tmp_path / "mixed")
    record = json.loads((outcome.folder / "run.json").read_text())
    assert record["fidelity"] == "mixed" and record["events"] > 0
    assert "peak_rss_mb" in record and "checkout_wait_mean_min" in record["modelled"]
    events = pd.read_parquet(outcome.folder / "events.parquet")
    assert set(events.loc[events["kind"] == "VisitStarted", "store"]) == {"S001"}
    daily = pd.read_parquet(outcome.folder / "kpis_daily.parquet")
    assert daily["store"].nunique() == 5
    summary = json.loads((outcome.folder / "summary.json").read_text())
    assert summary["invariant_violations"] == 0
    assert (outcome.folder / "plots" / "dashboard.png").exists()


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        (["fidelity=mixed", "detailed_stores=[S009]"], "no store ['S009']"),
        ([*MIXED, "history.keep_days=7"], "history.keep_days"),
        (["chain=regional", "fidelity=mixed", "detailed_stores=[S00001]"], "format of their own"),
    ],
)
def test_bad_mixed_settings_are_named(overrides, named):
    with pytest.raises(ConfigErrors) as error:
        validate(compose_config(overrides))
    assert named in str(error.value)
