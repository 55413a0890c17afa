import numpy as np
import pytest

from sim.config.load import ConfigErrors
from sim.experiment import scenario as scenarios
from sim.experiment.backends import SerialBackend
from sim.experiment.compare import CompareSpec, compare, effects, plan
from sim.experiment.stats import mean_interval, paired_difference


def run_compare(name: str, tmp_path, replications: int | None = None, **kwargs):
    spec = CompareSpec(scenarios.load(name), replications=replications, **kwargs)
    return compare(spec, tmp_path / "study", SerialBackend())


def test_comparing_a_scenario_with_itself_gives_exact_zeros(scenario_dir, tmp_path):
    scenario_dir(
        "same",
        ["strategy=status_quo"],
        {
            "same_again": ["strategy=status_quo"],
            "spelled_out": ["strategy=status_quo", "store.lanes=1"],
        },
        ["transactions", "checkout_wait_mean_min"],
    )
    result = run_compare("same", tmp_path)
    assert len(result.effects) > 10
    assert (result.effects["difference"] == 0).all()
    assert (result.effects["ci_low"] == 0).all() and (result.effects["ci_high"] == 0).all()
    assert set(result.effects["verdict"]) == {"identical"}


def test_variants_of_a_replication_share_their_seed_and_replications_differ(scenario_dir):
    scenario_dir(
        "lanes",
        ["strategy=status_quo"],
        {"busting": ["strategy=queue_busting"]},
        ["transactions"],
        replications=3,
    )
    jobs = plan(CompareSpec(scenarios.load("lanes")), range(3))
    seeds = {(j.labels["variant"], j.labels["replication"]): j.config.seed for j in jobs}
    assert seeds[("baseline", 1)] == seeds[("busting", 1)] != seeds[("baseline", 2)]


def test_common_random_numbers_shrink_the_variance_of_differences(scenario_dir, tmp_path):
    scenario_dir(
        "busting",
        ["strategy=status_quo"],
        {"busting": ["strategy=queue_busting"]},
        ["transactions", "checkout_wait_mean_min"],
        replications=8,
    )
    runs = run_compare("busting", tmp_path).runs
    wide = runs.pivot(index="replication", columns="variant", values="transactions")
    paired = wide["busting"] - wide["baseline"]
    unpaired = wide["busting"] - np.roll(wide["baseline"].to_numpy(), 1)  # other customers
    assert paired.var(ddof=1) < 0.25 * unpaired.var(ddof=1)


def test_sequential_replications_stop_at_the_target_or_the_maximum(scenario_dir, tmp_path):
    scenario_dir(
        "seq",
        ["strategy=status_quo"],
        {"busting": ["strategy=queue_busting"]},
        ["transactions"],
        replications=2,
    )
    loose = run_compare("seq", tmp_path, precision=0.5, max_replications=16)
    assert loose.replications == 2
    strict = run_compare("seq", tmp_path, precision=1e-6, max_replications=8)
    assert strict.replications == 8 and strict.effects["n"].max() == 8
    assert strict.ran == 16 - 4  # the first two replications were already done


def test_interval_covers_a_known_effect_at_about_the_stated_rate():
    rng = np.random.Generator(np.random.PCG64(2024))
    effect, trials, covered = 1.5, 2000, 0
    for _ in range(trials):
        common = rng.normal(100, 20, 12)  # what both variants share (the same customers)
        baseline = common + rng.normal(0, 2, 12)
        treatment = common + effect + rng.normal(0, 2, 12)
        interval = paired_difference(treatment, baseline)
        covered += interval.low <= effect <= interval.high
    assert 0.935 <= covered / trials <= 0.965  # 95 % +- 3 standard errors


def test_interval_edge_cases():
    assert np.isnan(mean_interval(np.array([1.0])).low)
    with pytest.raises(ValueError, match="equal lengths"):
        paired_difference(np.ones(3), np.ones(4))


def test_effects_verdicts_follow_the_kpi_direction():
    import pandas as pd

    runs = pd.DataFrame(
        {
            "variant": ["baseline", "t"] * 4,
            "replication": [0, 0, 1, 1, 2, 2, 3, 3],
            "revenue": [100, 110, 101, 112, 99, 108, 100, 111],
            "checkout_wait_mean_min": [1.0, 1.5, 1.1, 1.6, 0.9, 1.4, 1.0, 1.5],
        }
    )
    scenario = scenarios.Scenario("x", "q", 4, [], {"t": []}, ["revenue"])
    table = effects(runs, scenario).set_index("kpi")
    assert table.loc["revenue", "verdict"] == "better" and table.loc["revenue", "deciding"]
    assert table.loc["checkout_wait_mean_min", "verdict"] == "worse"


def test_bad_scenarios_name_their_problems(scenario_dir):
    with pytest.raises(ConfigErrors, match="no scenario 'nope'"):
        scenarios.load("nope")
    folder = scenarios.scenarios_dir() / "broken"
    folder.mkdir(parents=True)
    (folder / "scenario.yaml").write_text("name: broken\nreplications: 1\nextra: 2\n")
    with pytest.raises(ConfigErrors) as caught:
        scenarios.load("broken")
    text = "\n".join(caught.value.problems)
    for key in ("replications", "extra", "question", "baseline", "treatments", "kpis"):
        assert key in text


@pytest.mark.parametrize("name", scenarios.available())
def test_every_library_scenario_plans_valid_configs(name):
    jobs = plan(CompareSpec(scenarios.load(name)), range(1))
    assert {j.labels["variant"] for j in jobs} == {"baseline", *scenarios.load(name).treatments}


# Every library scenario's comparison, run once on a tiny world: two replications of two days
# at a fraction of the traffic. A guard for the wiring, not a reading of the scenario.
TINY_WORLD = ("days=2", "population.size=1500", "store.daily_visitors=40")


@pytest.mark.slow
@pytest.mark.parametrize("name", scenarios.available())
def test_every_library_scenario_compares_on_a_tiny_world(name, tmp_path):
    scenario = scenarios.load(name)
    spec = CompareSpec(scenario, overrides=TINY_WORLD, replications=2)
    result = compare(spec, tmp_path / "study", SerialBackend())
    assert result.failures == [] and result.ran == 2 * len(scenario.variants)
    assert set(result.runs["variant"]) == {"baseline", *scenario.treatments}
    table = result.effects
    deciding = table[table["deciding"]]
    assert set(deciding["kpi"]) == set(scenario.kpis)
    assert set(table["treatment"]) == set(scenario.treatments)
    assert deciding[["baseline_mean", "treatment_mean"]].notna().all().all()
