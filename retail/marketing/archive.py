"""Archiving measured campaigns: once a campaign has stopped crediting orders, its one row
per member of the audience leaves the center as a table (a national campaign is millions of
rows), and what measurement needs stays: the funnel as of archiving, and the outcomes that
`uplift` reads, kept sparsely (the group sizes, the converted counts, the non-zero revenues).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from retail.clock import checked_time, seconds
from retail.errors import Archived
from retail.marketing.uplift import Uplift, uplift_from_outcomes


@dataclass(frozen=True)
class Outcomes:
    """A campaign's outcomes per group, enough to measure its uplift again at any confidence."""

    treated: int
    holdout: int
    treated_converted: int
    holdout_converted: int
    treated_revenue: np.ndarray  # the non-zero revenues (cents) of treated members
    holdout_revenue: np.ndarray

    @classmethod
    def of(cls, rows: dict[str, np.ndarray]) -> Outcomes:
        held, bought, revenue = rows["holdout"], rows["orders"] > 0, rows["revenue"]
        return cls(int((~held).sum()), int(held.sum()), int((bought & ~held).sum()),
                   int((bought & held).sum()), revenue[~held & (revenue != 0)].copy(),
                   revenue[held & (revenue != 0)].copy())  # fmt: skip

    def uplift(self, confidence: float) -> dict[str, Uplift]:
        """`uplift_from_outcomes` on rows rebuilt in group order: the same figures as from
        the campaign's rows, but for the rounding of sums taken in another order."""
        treated, held = self.treated, self.holdout
        assigned = np.repeat([True, False], [treated, held])
        converted = np.concatenate([np.arange(treated) < self.treated_converted,
                                    np.arange(held) < self.holdout_converted])  # fmt: skip
        revenue = np.zeros(treated + held, np.int64)
        revenue[: len(self.treated_revenue)] = self.treated_revenue
        revenue[treated : treated + len(self.holdout_revenue)] = self.holdout_revenue
        return uplift_from_outcomes(assigned, converted, revenue, confidence)


class Archiving:
    """Mixed into MarketingCenter: `archive`, and the reads of campaigns it archived."""

    def archive(self, before: dt.datetime) -> dict[str, pd.DataFrame]:
        """Forget the rows of every campaign whose crediting ended before `before`, and
        return them as `campaign_members` (`campaign`, `member` and every column of the
        rows: holdout, reasons, sent, content, coupon, delivered ... in seconds, orders,
        revenue); an empty dict when none ended. `funnel` and `uplift` still answer for
        them (the funnel as it stood when archived); their rows are gone. The coupons of
        archived campaigns, once redeemed or expired before `before`, leave as `coupons`
        (`CouponBook.archive`, with the campaign's key)."""
        limit = seconds(checked_time(before, "before"))
        with self._lock:
            tables = []
            for campaign in self.campaigns.values():
                if campaign.report is None or campaign.outcomes is not None:
                    continue
                if campaign.credit_until >= limit:
                    continue
                funnel = self.funnel(campaign.key)
                rows = campaign.rows
                tables.append(pd.DataFrame({"campaign": campaign.key, **rows}))
                campaign.outcomes, campaign.archived_funnel = Outcomes.of(rows), funnel
                campaign.rows = {}
            archived = {"campaign_members": pd.concat(tables, ignore_index=True)} if tables else {}
            coupons = self._archive_coupons(before)
            return archived | ({"coupons": coupons} if len(coupons) else {})

    def _archive_coupons(self, before: dt.datetime) -> pd.DataFrame:
        settled = {c.code: c.key for c in self.campaigns.values() if c.outcomes is not None}
        table = self.coupons.archive(before, np.fromiter(settled, np.int64, len(settled)))
        if len(table):  # the campaign's key for its code (none for a coupon of no campaign)
            codes, row_code = np.unique(table["campaign"].to_numpy(), return_inverse=True)
            keys = pd.array([settled.get(int(code)) for code in codes], dtype="string")
            table["campaign"] = keys.take(row_code)
        return table

    def _rows_of(self, key: str) -> dict[str, np.ndarray]:
        """The rows of a launched campaign; Archived once `archive` took them."""
        campaign = self._launched(key)
        if campaign.outcomes is not None:
            raise Archived("campaign", key)
        return campaign.rows
