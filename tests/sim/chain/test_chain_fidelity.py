"""Chain fidelity: the vectorized day-step through the real modules, its queueing theory,
its configuration (formats per site, generated chains, the year's calendar), and its
agreement with the detailed twin on a shared world."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from sim.chain.choice import catchments
from sim.chain.model import ChainModel
from sim.chain.queueing import HourQueues, erlang_c, wait_quantile
from sim.config.load import ConfigErrors, compose_config, validate
from sim.experiment.run import run, simulate_overrides, summarise
from sim.metrics.kpis import KPI_NAMES
from sim.metrics.queueing import erlang_c_mean_wait, erlang_c_probability_wait


def chain(*overrides: str) -> ChainModel:
    model = ChainModel(validate(compose_config(["fidelity=chain", *overrides])))
    model.run()
    return model


def test_vectorised_erlang_c_is_the_scalar_formula():
    rates, means, lanes = np.array([0.5, 1.2, 2.9]), np.array([1.5, 2.0, 1.0]), np.array([1, 3, 4])
    waits, _, _ = erlang_c(rates, means, lanes)
    triples = list(zip(rates, means, lanes, strict=True))
    expected = [erlang_c_probability_wait(r, m, c) for r, m, c in triples]
    assert waits == pytest.approx(expected)
    queues = HourQueues.of(rates, means, lanes)
    assert queues.mean_wait_min == pytest.approx(
        [erlang_c_mean_wait(r, m, c) for r, m, c in zip(rates, means, lanes, strict=True)]
    )


def test_the_wait_quantile_of_one_hour_is_the_exponential_tail():
    queues = HourQueues.of(np.array([[2.5]]), np.array([[1.5]]), np.array([[4]]))
    p95 = wait_quantile(np.array([[1.0]]), queues)
    exact = np.log(queues.wait_prob[0, 0] / 0.05) / queues.drain_rate[0, 0]
    assert p95[0] == pytest.approx(exact, rel=1e-6)


def test_with_every_store_to_choose_from_the_catchments_are_the_detailed_weights():
    config = validate(compose_config(["population.size=2000"]))
    model = ChainModel(validate(compose_config(["fidelity=chain", "population.size=2000"])))
    people, stores = model.population, config.chain.stores
    tables = catchments(people, people.anchor, stores, config.population.distance_decay_km, 8)
    for site, table in zip(stores, tables, strict=True):
        weights = np.zeros(len(people))
        weights[table.people] = np.diff(table.cumulative, prepend=0.0)
        detailed = people.store_weights(site, stores, config.population.distance_decay_km)
        assert weights / weights.sum() == pytest.approx(detailed, rel=1e-9, abs=1e-15)


def test_a_chain_run_reports_every_kpi_and_keeps_the_modules_laws():
    model = chain("days=4", "population.size=20000")
    summary = model.summary()
    assert set(summary) == set(KPI_NAMES)
    assert summary["transactions"] > 0 and summary["members_new"] > 0
    assert summary["pushes_sent"] > 0 and summary["online_orders"] > 0
    daily = model.daily_kpis()
    assert list(daily.columns) == ["store", "date", "day", *KPI_NAMES]
    assert len(daily) == 5 * 4
    # The daily table adds up to the run's counts.
    for name in ("transactions", "revenue", "footfall_true", "members_new", "pushes_sent"):
        assert daily[name].sum() == summary[name]
    # What the modules recorded is what the twin counted.
    assert model.orders.frame()["type"].eq("store_sale").sum() == summary["transactions"]
    assert model.ledger.unbalanced() == []
    assert model.inventory.conservation()["balanced"].all()
    sold = model.inventory.totals().sold.sum()
    assert sold >= daily["units_per_transaction"].mul(daily["transactions"]).sum() - 1e-6


def test_one_seed_gives_the_same_chain_run():
    first = chain("days=3", "population.size=10000").summary()
    second = chain("days=3", "population.size=10000").summary()
    other = chain("days=3", "population.size=10000", "seed=1").summary()
    same = lambda a, b: a == b or (a != a and b != b)  # noqa: E731  (NaN: unknown alike)
    assert all(same(first[k], second[k]) for k in first)
    assert not all(same(first[k], other[k]) for k in first)


def test_a_closed_day_has_no_visits_and_festival_days_more():
    spec = ("calendar.events=[{name: shut, start: 2026-03-03, days: 1, closed: true},"
            "{name: fest, start: 2026-03-04, days: 1, traffic_factor: 3.0}]")  # fmt: skip
    daily = chain("days=4", "population.size=10000", spec).daily_kpis()
    by_day = daily.groupby("day")["footfall_true"].sum()
    assert by_day[1] == 0
    assert by_day[2] > 2.2 * by_day[0]


def test_the_calendar_multiplies_seasons_and_events():
    config = validate(compose_config(["calendar=china", "days=365"]))
    traffic, online, closed = config.calendar.factors(config.start_date, config.days)
    dates = [config.start_date + dt.timedelta(days=d) for d in range(config.days)]
    at = {d: i for i, d in enumerate(dates)}
    assert closed[at[dt.date(2027, 2, 6)]] and traffic[at[dt.date(2027, 2, 6)]] == 0
    assert online[at[dt.date(2026, 11, 11)]] == 5.0
    assert traffic[at[dt.date(2026, 10, 2)]] == pytest.approx(1.6 * 1.1)  # golden week, October


def test_generated_chains_are_facts_not_draws():
    first = validate(compose_config(["chain=regional"]))
    again = validate(compose_config(["chain=regional", "seed=7"]))
    assert first.chain.sites == again.chain.sites
    stores = first.chain.stores
    assert len(stores) == 100 and len(first.chain.sites) == 103
    kinds = {s.kind for s in stores}
    assert kinds == {"direct", "franchise"}
    formats = {s.format for s in stores}
    assert formats == {"", "street", "flagship", "outlet"}
    street = next(s for s in stores if s.format == "street")
    assert first.format_of(street).daily_visitors == 140
    assert first.format_of(street).catalog == first.store.catalog


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        (["chain=regional", "fidelity=detailed"], "chain.sites"),
        (["fidelity=mixed"], "detailed_stores"),
        (["detailed_stores=[S001]"], "detailed_stores"),
        (["population.member_share=0.2"], "population.member_share"),
        (["+chain.formats={big: {catalog: []}}"], "formats.big: ['catalog'] cannot differ"),
        (["+chain.formats={big: {lanes: 0}}"], "chain.formats.big.lanes"),
        (["+chain.sites.0.format=nope"], "sites[0].format"),
    ],
)
def test_bad_chain_settings_are_named(overrides, named):
    with pytest.raises(ConfigErrors) as error:
        validate(compose_config(overrides))
    assert named in str(error.value)


def test_a_chain_run_writes_its_folder(tmp_path):
    config = validate(compose_config(["fidelity=chain", "days=3", "population.size=10000"]))
    outcome = run(config, tmp_path / "run")
    names = {p.name for p in (tmp_path / "run").iterdir()}
    assert {"run.json", "summary.json", "kpis_daily.parquet", "plots"} <= names
    import json

    record = json.loads((tmp_path / "run" / "run.json").read_text())
    assert record["fidelity"] == "chain" and record["peak_rss_mb"] > 0
    assert "checkout_wait_mean_min" in record["modelled"]
    assert outcome.summary["invariant_violations"] == 0


def test_chain_and_detailed_agree_on_a_shared_world():
    """Over replications of a week of the default chain (members captured at the till, no
    endless aisle or guide tasks, which chain fidelity leaves out), the daily transactions,
    revenue, conversion and members captured agree within 5 %."""
    names = ("transactions", "revenue", "conversion_true", "members_new")
    means = {}
    for fidelity in ("detailed", "chain"):
        runs = [
            summarise(
                simulate_overrides(
                    [f"fidelity={fidelity}", f"seed={seed}", "days=7", "strategy=member_capture"]
                )
            )
            for seed in range(3)
        ]
        means[fidelity] = {name: np.mean([r[name] for r in runs]) for name in names}
    for name in names:
        assert means["chain"][name] == pytest.approx(means["detailed"][name], rel=0.05), name
