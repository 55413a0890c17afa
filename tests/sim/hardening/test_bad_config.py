"""Bad configuration is refused before anything runs or is written, the key named (exit 2):
non-finite and absurd numbers, a bool for a number, module settings, keys that only look like
Hydra's, study options."""

from pathlib import Path

import pytest

from sim.cli import main
from sim.config.load import ConfigErrors, check_overrides

SMALL = ["chain=single_store", "days=1", "population.size=500"]


def problems(*overrides: str) -> str:
    with pytest.raises(ConfigErrors) as caught:
        check_overrides([*SMALL, *overrides], multirun=False)
    return "\n".join(caught.value.problems)


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("population.size=true", "population.size"),  # a bool is not a count
        ("store.lanes=2.0", "store.lanes"),
        ("store.daily_visitors=inf", "store.daily_visitors"),
        ("store.daily_visitors=nan", "store.daily_visitors"),
        ("store.buy_prob=true", "store.buy_prob"),
        ("population.size=99999999999999999999999", "population.size"),
        ("days=100000", "days"),
        ("store.daily_visitors=1e12", "store.daily_visitors"),
        ("hardware.door_counter.drift_per_day=-inf", "hardware.door_counter.drift_per_day"),
        ("chain.sites.0.traffic_factor=1e9", "chain.sites[0].traffic_factor"),
        (
            "hardware.faults.scheduled=[{day: 1, at: '12:00', device: uplink-S001, kind: outage,"
            " minutes: inf}]",
            "hardware.faults.scheduled[0].minutes",
        ),
    ],
)
def test_non_finite_absurd_and_mistyped_numbers_are_refused_with_their_key(override, key):
    assert key in problems(override)


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        (["strategy.campaigns.credit_days=4000"], "strategy.campaigns.credit_days"),  # > offer
        (["stock.initial_cover_days=100000000"], "stock.initial_cover_days"),
        (["store.daily_visitors=1000000", "stock.initial_cover_days=365"],  # each bound holds,
         "stock.initial_cover_days"),  # but the opening stock it makes is beyond the center's
    ],
)  # fmt: skip
def test_what_the_twin_hands_the_modules_stays_within_their_bounds(overrides, key):
    assert key in problems(*overrides)


def test_a_dear_item_the_plan_stocks_none_of_runs():
    from sim.experiment.run import simulate_overrides

    dear = [*SMALL, "store.catalog.0.price_cents=100000000"]  # a ¥1m tee: nobody's basket
    check_overrides(dear, multirun=False)
    assert simulate_overrides(dear).env.now == 1440


def test_module_settings_are_checked_with_the_rest(monkeypatch):
    monkeypatch.setenv("STORETWIN_MEMBER_SECRET", "short")
    found = problems()
    assert "modules.membership.secret" in found and "16 bytes" in found


def test_a_secret_is_never_written_in_a_config_or_on_the_command_line():
    found = problems("modules.membership.secret=a-long-enough-secret-of-the-chain")
    assert found.startswith("modules.membership.secret") and "STORETWIN_MEMBER_SECRET" in found


def test_keys_that_only_look_like_hydras_are_checked_like_any_other(tmp_path, capsys):
    assert main(["run", *SMALL, "hydrant=1", f"hydra.run.dir={tmp_path / 'out'}"]) == 2
    assert "hydrant" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_bad_config_or_study_option_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("STORETWIN_MEMBER_SECRET", "short")
    out = tmp_path / "bad"
    assert main(["run", *SMALL, f"hydra.run.dir={out}"]) == 2
    monkeypatch.delenv("STORETWIN_MEMBER_SECRET")
    assert not out.exists()
    study = tmp_path / "study"
    assert main(["sweep", *SMALL, "store.lanes=1,2", "backend=foo", f"out={study}"]) == 2
    assert main(["sweep", *SMALL, "store.lanes=1,2", "workers=0", f"out={study}"]) == 2
    assert main(["compare", "scenario=checkout_lanes", "backend=foo", f"out={study}"]) == 2
    assert not study.exists()
    assert list(Path(tmp_path).iterdir()) == []  # not even a results/ folder


def test_a_campaign_goes_out_at_a_moment_of_the_day():
    assert "strategy.campaigns.send_at" in problems("strategy.campaigns.send_at=24:00")
