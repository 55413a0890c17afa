"""What a live view reads while a run goes on: steps of any length, the event log from a
cursor, running KPIs, each shopper's phase and zone."""

import pytest

from sim.agents.shopper import Phase
from sim.config.load import compose_config, validate
from sim.experiment.run import summarise
from sim.model import TwinModel

# The digital strategy with a campaign on the first day, beacons and queue busting at peaks.
LIVE = ["days=2", "population.size=3000", "seed=4", "strategy.campaigns.first_day=0",
        "strategy.queue_busting.enabled=true", "strategy.queue_busting.queue_per_lane=1",
        "hardware.beacons.installed=true", "store.daily_visitors=500"]  # fmt: skip


def model() -> TwinModel:
    return TwinModel(validate(compose_config(LIVE)))


def trace(m: TwinModel) -> list[str]:
    return [repr(e) for e in m.log]  # repr: NaN (nothing due yet) equals NaN


def test_the_story_does_not_depend_on_the_step_length():
    hourly, fine = model(), model()
    hourly.run()
    while fine.env.now < fine.horizon_min:
        fine.step(7.0)  # steps that cut through day jobs, intakes and closings
    assert fine.env.now == fine.horizon_min
    assert trace(fine) == trace(hourly)


def test_a_reader_follows_the_log_from_its_cursor_and_the_running_kpis_agree():
    m = model()
    cursor, seen, transactions = 0, 0, []
    while m.env.now < m.horizon_min:
        m.step(90.0)
        new = m.log.since(cursor)
        assert [e.t for e in new] == sorted(e.t for e in new) and all(e.t <= m.env.now for e in new)
        cursor, seen = len(m.log), seen + len(new)
        m.kpis.update()
        transactions.append(m.kpis.summary(m.env.now)["transactions"])
    assert seen == len(m.log) and transactions == sorted(transactions) and transactions[-1] > 0
    running, folded = m.kpis.summary(m.horizon_min), summarise(m)
    assert running.keys() == folded.keys()
    for name, value in folded.items():
        assert running[name] == pytest.approx(value, rel=1e-9, abs=1e-12), name


def test_every_shopper_in_a_store_knows_her_phase_and_zone():
    m = model()
    zones = {z.name for z in m.config.store.zones}
    seen_phases, seen_zones = set(), set()
    while m.env.now < 1440 + 18 * 60:
        m.step(3.0)
        for store in m.stores:
            inside = m.shoppers_in(store.id)
            queueing = sum(1 for s in inside if s.phase is Phase.QUEUEING)
            assert queueing == store.checkout.waiting
            for shopper in inside:
                zone = shopper.zone_at(m.env.now)
                assert zone is None or zone in zones
                if shopper.phase is not Phase.BROWSING:
                    assert zone is None  # her walk through the zones is over
                seen_phases.add(shopper.phase)
                seen_zones.add(zone)
    assert seen_phases == set(Phase) - {Phase.LEFT}
    assert zones <= seen_zones
