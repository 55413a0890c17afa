"""How long a till takes: scanning per item and paying by method, from configured laws.

A duration law is a mean and a coefficient of variation: cv 0 is a fixed time, cv 1 the
exponential, anything else a lognormal with that mean and cv. Samples come from uniforms
handed in, so that the simulator can feed each customer's own draws (common random numbers).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.special import ndtri


@dataclass(frozen=True)
class Duration:
    mean_s: float
    cv: float = 1.0

    def __post_init__(self) -> None:
        if self.mean_s <= 0 or self.cv < 0:
            raise ValueError(f"duration: mean_s must be > 0 and cv >= 0, got {self}")

    def quantile(self, u: float) -> float:
        """The duration at probability `u` in [0, 1)."""
        if self.cv == 0:
            return self.mean_s
        if self.cv == 1:
            return -self.mean_s * math.log1p(-u)
        sigma2 = math.log1p(self.cv * self.cv)
        mu = math.log(self.mean_s) - sigma2 / 2
        return math.exp(mu + math.sqrt(sigma2) * float(ndtri(min(max(u, 1e-12), 1 - 1e-12))))


@dataclass(frozen=True)
class TillTiming:
    scan_per_item: Duration
    payment: dict[str, Duration]  # by method: cash, card, qr

    def seconds(self, items: int, method: str, u_scan: float, u_pay: float) -> float:
        """Scan `items` and pay. The basket takes one draw: a lognormal (or fixed) law with the
        sum's mean and cv, as for independent items (cv shrinks with sqrt(items))."""
        scan = 0.0
        if items:
            per_item = self.scan_per_item
            scan = Duration(per_item.mean_s * items, per_item.cv / math.sqrt(items)).quantile(
                u_scan
            )
        return scan + self.payment[method].quantile(u_pay)
