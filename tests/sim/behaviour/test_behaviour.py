"""Response models: the levers move behaviour the way the field reports, and only that way."""

import numpy as np
import pytest

from sim.behaviour.capture import CaptureModel
from sim.behaviour.push_response import ResponseModel

N = 200_000
rng = np.random.default_rng(4)


def test_capture_rises_with_adoption_guide_skill_and_incentive_and_falls_with_the_queue():
    model = CaptureModel()
    u = rng.random(N)
    adoption = rng.beta(2, 2, N)

    def rate(**kw) -> float:
        args = {"guide_skill": 1.0, "incentive_cents": 0, "queue_waiting": 0, **kw}
        return model.decide(u, adoption, **args)[0].mean()

    plain = rate()
    assert 0.12 < plain < 0.25
    assert rate(guide_skill=1.2) > plain
    assert rate(incentive_cents=2000) > plain
    assert rate(queue_waiting=6) < plain
    members, follows = model.decide(u, adoption, 1.0, 0, 0)
    assert (follows | ~members).all(), "every new member follows as well"
    assert follows.mean() > members.mean()


def base_push(contacts: float, channel: str = "wechat_template", fit: float = 0.5):
    model = ResponseModel()
    return model.respond(
        rng.random((N, 4)),
        channel,
        np.full(N, "important_develop"),
        np.full(N, fit),
        0.2,
        np.full(N, contacts),
        np.full(N, 2.0),
    )


def test_funnel_is_nested_and_fatigue_lowers_opens_and_raises_unfollows():
    calm, tired = base_push(contacts=1), base_push(contacts=8)
    for outcome in (calm, tired):
        assert not (outcome["clicked"] & ~outcome["opened"]).any()
        assert not (outcome["ordered"] & ~outcome["clicked"]).any()
    assert tired["opened"].mean() < 0.5 * calm["opened"].mean()
    assert tired["unfollowed"].mean() > 10 * calm["unfollowed"].mean()
    assert calm["opened"].mean() == pytest.approx(0.25 * 1.3, rel=0.03)


def test_fit_and_channel_matter():
    assert base_push(1, fit=1.0)["clicked"].mean() > base_push(1, fit=0.0)["clicked"].mean()
    assert base_push(1, "sms")["opened"].mean() < base_push(1, "guide_wecom")["opened"].mean()
