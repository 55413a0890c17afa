"""A visit's decisions read their uniforms by name: a strategy that adds a decision on some
path (a beacon greeting her at the door) shifts no other decision's uniform."""

import pytest

from sim.agents.shopper import Draw, Shopper
from sim.experiment.run import simulate_overrides

BASE = ["chain=five_stores", "days=2", "population.size=4000", "seed=12",
        "strategy=member_capture"]  # fmt: skip
WATCHED = {Draw.BUY: "buy", Draw.ASK: "ask", Draw.BALK: "balk", Draw.JOINS: "joins"}


def decisions(monkeypatch, *overrides) -> tuple[dict, object]:
    """Each walk-in visit's uniforms for the watched decisions, as the journey read them."""
    seen: dict[tuple, float] = {}
    chance, init = Shopper.chance, Shopper.__init__

    def watch(shopper, draw):
        if draw in WATCHED:
            seen[(shopper.store, shopper.visit, WATCHED[draw])] = shopper._draws[draw]

    def watched_chance(self, draw, probability):
        watch(self, draw)
        return chance(self, draw, probability)

    def watched_init(self, *args, **kwargs):
        init(self, *args, **kwargs)
        read = self.u

        def watched_u(draw):
            watch(self, draw)
            return read(draw)

        self.u = watched_u

    with monkeypatch.context() as patch:
        patch.setattr(Shopper, "chance", watched_chance)
        patch.setattr(Shopper, "__init__", watched_init)
        model = simulate_overrides([*BASE, *overrides])
    walk_ins = {(e.store, e.visit) for e in model.log
                if type(e).__name__ == "VisitStarted" and e.reason == "walk_in"}  # fmt: skip
    return {k: v for k, v in seen.items() if k[:2] in walk_ins}, model


def test_greeted_shoppers_decide_on_the_uniforms_they_would_have_used_unseen(monkeypatch):
    baseline, _ = decisions(monkeypatch)
    treated, model = decisions(monkeypatch, "hardware.beacons.installed=true",
                               "hardware.beacons.opt_in_min_adoption=0")  # fmt: skip
    greeted = {(e.store, e.visit) for e in model.log if type(e).__name__ == "GuideGreeted"}
    assert len(greeted) > 20, "the beacon must change some paths for the test to mean much"
    shared = baseline.keys() & treated.keys()
    assert {key[:2] for key in shared if key[2] == "buy"} & greeted  # greeted ones decided too
    assert len(shared) > 0.8 * len(baseline)
    assert [k for k in shared if baseline[k] != treated[k]] == []


@pytest.mark.parametrize("zones", [4, 6])
def test_every_decision_has_its_own_place_in_the_block(zones):
    names = {n: v for n, v in vars(Draw).items() if n.isupper()}
    singles = sorted(v for n, v in names.items() if n not in ("GARMENT", "ITEM", "ZONE"))
    assert singles == list(range(len(singles)))  # one place each, none shared
    assert names["ITEM"] - names["GARMENT"] >= 3 and names["ZONE"] - names["ITEM"] >= 12
    assert Draw.block(zones) == names["ZONE"] + 2 * zones
