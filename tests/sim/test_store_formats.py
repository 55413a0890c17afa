"""Each store format runs a short horizon end to end and behaves like its kind of store."""

import pytest

from sim.config.load import compose_config, validate
from sim.experiment.run import simulate
from sim.metrics.kpis import events_frame, run_summary


def summary(store: str) -> dict:
    config = validate(
        compose_config(
            [f"store={store}", "chain=single_store", "days=2", "seed=5", "population.size=4000"]
        )
    )
    model = simulate(config)
    monitors = {s.id: s.checkout.monitor for s in model.stores}
    return run_summary(events_frame(model.log.to_arrow()), monitors, model.calendar, 2)


@pytest.fixture(scope="module")
def formats() -> dict[str, dict]:
    return {store: summary(store) for store in ("apparel", "convenience", "furniture")}


def test_every_format_sells(formats):
    for name, kpis in formats.items():
        assert kpis["transactions"] > 0 and kpis["revenue"] > 0, name


def test_convenience_has_the_traffic_and_conversion_furniture_the_tickets(formats):
    apparel, convenience, furniture = (
        formats["apparel"], formats["convenience"], formats["furniture"]
    )  # fmt: skip
    assert convenience["footfall_true"] > 3 * apparel["footfall_true"]
    assert convenience["conversion_true"] > 0.7 > apparel["conversion_true"]
    assert furniture["footfall_true"] < apparel["footfall_true"]
    assert furniture["aov"] > 10 * apparel["aov"] > 10 * convenience["aov"]
    assert furniture["conversion_true"] < apparel["conversion_true"]
