"""What a follower does with a push: open, click, order, or unfollow.

Each step is a probability that the content earns: the channel's reach, how well the offer
fits her categories (affinity), how good the offer is, her segment's engagement, and her
fatigue. Fatigue is contact beyond tolerance: pushes received in the last seven days over
her weekly tolerance; it lowers opening and raises unfollowing, so too much contact erodes
the base it is meant to use.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

# Segment engagement multipliers, by the membership module's RFM segments: recent buyers
# answer most, those who have drifted away least; "" is a member who never bought.
SEGMENT_ENGAGEMENT = {
    "important_value": 1.6,
    "important_develop": 1.3,
    "important_keep": 1.0,
    "important_winback": 0.6,
    "general_value": 1.2,
    "general_develop": 1.1,
    "general_keep": 0.7,
    "general_winback": 0.4,
    "": 0.8,
}


@dataclass(frozen=True)
class ResponseModel:
    # WeChat template messages are opened far more often than SMS; guide 1:1 messages most.
    open_rate: dict[str, float] = field(
        default_factory=lambda: {
            "wechat_template": 0.25,
            "wechat_service": 0.35,
            "sms": 0.05,
            "guide_wecom": 0.55,
            "store_screen": 0.0,
        }
    )
    click_given_open: float = 0.25
    order_given_click: float = 0.12
    affinity_weight: float = 1.5  # click odds multiply by up to 1 + this for a perfect fit
    offer_weight_per_10pct: float = 0.15  # order odds per 10 % of value off
    fatigue_open_decay: float = 0.35  # open probability x exp(-decay * excess contacts)
    base_unfollow: float = 0.003
    fatigue_unfollow_per_excess: float = 0.02

    def respond(
        self,
        u: np.ndarray,
        channel: str,
        segment: np.ndarray,
        affinity_fit: np.ndarray,
        discount_share: np.ndarray | float,
        contacts_last_7d: np.ndarray,
        tolerance_per_week: np.ndarray,
    ) -> dict[str, np.ndarray]:
        """Booleans `opened`, `clicked`, `ordered`, `unfollowed` per recipient.

        `u` holds four uniforms per recipient (shape (n, 4)); `affinity_fit` in [0, 1] is her
        affinity for the pushed category; `discount_share` is the offer's value as a share
        of the price (0.2 for 20 % off).
        """
        p = self.probabilities(channel, segment, affinity_fit, discount_share, contacts_last_7d,
                               tolerance_per_week)  # fmt: skip
        return self.draw(u, p)

    @staticmethod
    def draw(u: np.ndarray, p: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """What recipients did, from four uniforms each and their `probabilities`."""
        u = np.asarray(u, dtype=float)
        opened = u[:, 0] < p["open"]
        clicked = opened & (u[:, 1] < p["click"])
        ordered = clicked & (u[:, 2] < p["order"])
        return {
            "opened": opened,
            "clicked": clicked,
            "ordered": ordered,
            "unfollowed": u[:, 3] < p["unfollow"],
        }

    def probabilities(
        self,
        channel: str,
        segment: np.ndarray,
        affinity_fit: np.ndarray,
        discount_share: np.ndarray | float,
        contacts_last_7d: np.ndarray,
        tolerance_per_week: np.ndarray,
    ) -> dict[str, np.ndarray]:
        """Per recipient: `open`, `click` (given open), `order` (given click), `unfollow`.
        The twin's truth: open x click x order is what the push adds to her chance to buy."""
        codes, names = pd.factorize(np.asarray(segment, dtype=object), use_na_sentinel=False)
        engagement = np.array([SEGMENT_ENGAGEMENT.get(str(s), 1.0) for s in names])[codes]
        excess = np.maximum(
            np.asarray(contacts_last_7d, dtype=float) - np.asarray(tolerance_per_week), 0.0
        )
        p_open = self.open_rate[channel] * engagement * np.exp(-self.fatigue_open_decay * excess)
        p_click = self.click_given_open * (1.0 + self.affinity_weight * np.asarray(affinity_fit))
        p_order = self.order_given_click * (
            1.0 + self.offer_weight_per_10pct * np.asarray(discount_share) * 10
        )
        p_unfollow = self.base_unfollow + self.fatigue_unfollow_per_excess * excess
        n = len(engagement)
        return {
            name: np.broadcast_to(np.clip(value, 0.0, 1.0), (n,))
            for name, value in (("open", p_open), ("click", p_click), ("order", p_order),
                                ("unfollow", p_unfollow))
        }  # fmt: skip
