"""Traffic capture at the till: does she register as a member, does she follow the account?

A logistic model: the log-odds of agreeing add up what makes people say yes (her digital
adoption, the guide's skill at asking, an incentive such as points or a coupon) and fall
for a party in a hurry (a long queue behind her). Following the WeChat account is easier
than handing over a mobile number, so it has its own, higher base.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class CaptureModel:
    base_member_logit: float = -1.6  # about 17 % agree with no push and average adoption
    base_follow_logit: float = -0.8
    adoption_weight: float = 3.0  # log-odds per unit of digital adoption above 0.5
    guide_skill_weight: float = 1.5  # log-odds per unit of guide skill above 1.0
    incentive_weight_per_10_yuan: float = 0.25
    queue_penalty_per_waiting: float = 0.15  # she won't fill a form with people waiting

    def probabilities(
        self,
        digital_adoption: np.ndarray,
        guide_skill: np.ndarray | float,
        incentive_cents: np.ndarray | int,
        queue_waiting: np.ndarray | int,
    ) -> tuple[np.ndarray, np.ndarray]:
        """(P(register as member), P(follow the account)) per person asked."""
        drive = (
            self.adoption_weight * (np.asarray(digital_adoption, dtype=float) - 0.5)
            + self.guide_skill_weight * (np.asarray(guide_skill, dtype=float) - 1.0)
            + self.incentive_weight_per_10_yuan * np.asarray(incentive_cents, dtype=float) / 1000
            - self.queue_penalty_per_waiting * np.asarray(queue_waiting, dtype=float)
        )
        member = _logistic(self.base_member_logit + drive)
        follow = _logistic(self.base_follow_logit + drive)
        return member, np.maximum(follow, member)  # members are asked to follow as well

    def decide(
        self,
        u: np.ndarray,
        digital_adoption: np.ndarray,
        guide_skill: np.ndarray | float,
        incentive_cents: np.ndarray | int,
        queue_waiting: np.ndarray | int,
    ) -> tuple[np.ndarray, np.ndarray]:
        """(registers, follows) as booleans, from one uniform per person (common numbers):
        a person who registers also follows, as the member card lives in the account."""
        member, follow = self.probabilities(
            digital_adoption, guide_skill, incentive_cents, queue_waiting
        )
        u = np.asarray(u, dtype=float)
        return u < member, u < follow


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))
