"""Each store format runs a short horizon end to end and behaves like its kind of store."""

import pytest

from sim.config.load import compose_config, validate
from sim.experiment.run import simulate
from sim.metrics.kpis import events_frame, run_summary

# A furniture store sells a few times a day: two weeks give its average ticket to ~10 %.
DAYS = {"apparel": 2, "convenience": 2, "furniture": 14}


def summary(store: str) -> dict:
    days = DAYS[store]
    config = validate(compose_config([f"store={store}", "chain=single_store", f"days={days}",
                                      "seed=5", "population.size=4000"]))  # fmt: skip
    model = simulate(config)
    return run_summary(events_frame(model.log.to_arrow()), model.monitors, model.calendar, days)


@pytest.fixture(scope="module")
def formats() -> dict[str, dict]:
    return {store: summary(store) for store in DAYS}


def test_every_format_sells(formats):
    for name, kpis in formats.items():
        assert kpis["transactions"] > 0 and kpis["revenue"] > 0, name


def test_convenience_has_the_traffic_and_conversion_furniture_the_tickets(formats):
    apparel, convenience, furniture = (
        formats["apparel"], formats["convenience"], formats["furniture"]
    )  # fmt: skip
    assert convenience["footfall_true"] > 3 * apparel["footfall_true"]
    assert convenience["conversion_true"] > 0.7 > apparel["conversion_true"]
    assert furniture["footfall_true"] / 14 < apparel["footfall_true"] / 2
    # A sofa costs what months of clothes do (about 9x an apparel ticket over seeds 1-3,
    # 14 days each), and a convenience basket a fraction of a garment.
    assert furniture["aov"] > 5 * apparel["aov"] > 5 * convenience["aov"]
    assert furniture["conversion_true"] < apparel["conversion_true"]
