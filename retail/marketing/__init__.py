"""Marketing: campaigns, the contact policy engine, personalisation, coupons and measurement
(funnel, uplift against a holdout, AARRR). Imports nothing of the simulator; time is an
argument."""

from retail.marketing.aarrr import aarrr
from retail.marketing.center import Campaign, LaunchReport, MarketingCenter
from retail.marketing.coupon_batch import RedeemOutcome, RedemptionBatch
from retail.marketing.coupons import CouponBook, CouponState, Redemption
from retail.marketing.policy import ContactPolicy
from retail.marketing.types import (
    WECHAT_ERRCODE,
    Audience,
    CampaignSpec,
    Cap,
    ContactRules,
    Content,
    Interaction,
    MessageChannel,
    Offer,
    OfferKind,
    Refusal,
    ServiceWindows,
)
from retail.marketing.uplift import Uplift, conversion_uplift, mean_uplift

__all__ = [
    "WECHAT_ERRCODE",
    "Audience",
    "Campaign",
    "CampaignSpec",
    "Cap",
    "ContactPolicy",
    "ContactRules",
    "Content",
    "CouponBook",
    "CouponState",
    "Interaction",
    "LaunchReport",
    "MarketingCenter",
    "MessageChannel",
    "Offer",
    "OfferKind",
    "RedeemOutcome",
    "Redemption",
    "RedemptionBatch",
    "Refusal",
    "ServiceWindows",
    "Uplift",
    "aarrr",
    "conversion_uplift",
    "mean_uplift",
]
