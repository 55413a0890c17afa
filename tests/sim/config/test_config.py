"""Every config in conf/ composes and validates; bad config names every problem."""

from pathlib import Path

import pytest

from sim.config.load import ConfigErrors, check_overrides, compose_config, config_dir, validate
from sim.experiment import scenario as scenario_library
from sim.metrics.kpis import KPI_NAMES

CONF = config_dir()
# `parts`: pieces the presets include (formats, cities), not options to choose alone.
NOT_GROUPS = ("experiment", "parts")
GROUPS = sorted(p.name for p in CONF.iterdir() if p.is_dir() and p.name not in NOT_GROUPS)
OPTIONS = [(g, p.stem) for g in GROUPS for p in sorted((CONF / g).glob("*.yaml"))]
EXPERIMENTS = sorted(p.stem for p in (CONF / "experiment").glob("*.yaml"))


def test_the_groups_the_architecture_names_exist():
    assert {"chain", "store", "population", "strategy", "hardware"} <= set(GROUPS)


@pytest.mark.parametrize(("group", "option"), OPTIONS)
def test_every_group_option_composes_and_validates(group, option):
    config = validate(compose_config([f"{group}={option}"]))
    assert config.seed >= 0


@pytest.mark.parametrize("experiment", EXPERIMENTS)
def test_every_experiment_composes_and_validates(experiment):
    validate(compose_config([f"+experiment={experiment}"]))


def problems(*overrides: str, multirun: bool = False) -> list[str]:
    with pytest.raises(ConfigErrors) as caught:
        check_overrides(list(overrides), multirun=multirun)
    return caught.value.problems


def test_every_problem_is_listed_with_its_key_path():
    found = problems(
        "store.lanes=-1",
        "days=abc",
        "store.zones.1.visit_prob=1.5",
        "store.bogus=3",
        "+population.extra=1",
        "population.size=0",
        "hardware.pos.payment_mix.qr=0.5",
    )
    text = "\n".join(found)
    for key in (
        "store.lanes",
        "days",
        "store.zones[1].visit_prob",
        "store.bogus",
        "population.extra",
        "population.size",
        "hardware.pos",
    ):
        assert key in text, f"{key} missing from:\n{text}"
    assert len(found) == 7


@pytest.mark.parametrize(
    ("override", "key", "words"),
    [
        ("store.opens=23:00", "store", "opens"),
        ("store.opens=25:00", "store.opens", "pattern"),
        ("chain.sites.0.kind=shop", "chain.sites[0].kind", "direct"),
        ("store.party_size_probs=[0.5,0.1]", "store", "sum to 1"),
        ("seed=-3", "seed", "greater than or equal to 0"),
        ("strategy=no_such_strategy", "<overrides>", "strategy/no_such_strategy"),
        ("+experiment=validate_mmc", None, None),
        ("modules.tiering.rules.method=magic", "modules.tiering.rules.method", "quantiles"),
        ("modules.tiering.rules.a.penetration=0.5", "modules.tiering.rules.a.penetration", "rise"),
        ("modules.marketing.rules.caps.SMS.per_day=-1", "modules.marketing.rules.caps.SMS", "255"),
        ("+modules.marketing.rules.caps.FAX={}", "modules.marketing.rules.caps", "'FAX'"),
        ("modules.marketing.rules.quiet_start=late", "modules.marketing.rules.quiet_start", "21"),
        ("modules.membership._target_=nodots", "modules.membership._target_", "dotted"),
        ("modules.tiering.rules.method=quantiles", None, None),
        ("stock.transfer_long_days=2", "stock", "transfer_short_days <= transfer_target_days"),
        ("stock.priority=alphabetical", "stock.priority", "by_tier"),
        ("chain.staff_hours=overtime", "chain.staff_hours", "by_tier"),
        ("population.pickup_share=1.2", "population.pickup_share", "less than or equal to 1"),
    ],
)
def test_single_problems(override, key, words):
    if key is None:
        check_overrides([override], multirun=False)  # valid: nothing raised
        return
    (problem,) = problems(override)
    assert problem.startswith(key) and words in problem


def test_a_sweep_is_checked_job_by_job():
    found = problems("days=1,0", "seed=1,2", multirun=True)
    assert len(found) == 2 and all("days" in p for p in found)


def test_unstable_validation_queue_is_refused():
    (problem,) = problems("+experiment=validate_mmc", "validate.arrival_rate_per_min=5")
    assert "utilisation" in problem


def test_conf_folder_is_the_repositorys():
    assert Path(__file__).resolve().parents[3] / "conf" == CONF


@pytest.mark.parametrize("name", scenario_library.available())
def test_every_scenario_composes_every_variant_and_explains_itself(name):
    scenario = scenario_library.load(name)
    for variant, overrides in scenario.variants.items():
        config = validate(compose_config([*scenario.world, *overrides]))
        assert config.days >= 1, variant
    readme = scenario_library.scenarios_dir() / name / "README.md"
    assert readme.is_file() and "What to look at" in readme.read_text()
    assert set(scenario.kpis) <= set(KPI_NAMES)


def test_module_settings_reach_the_modules_built_for_the_run():
    from sim.business.modules import build_marketing, build_tiering

    config = validate(compose_config(["modules.tiering.rules.method=quantiles",
                                      "modules.marketing.rules.overall.per_week=9"]))  # fmt: skip
    assert build_tiering(config).rules.method == "quantiles"
    assert build_marketing(config).policy.rules.overall.per_week == 9
