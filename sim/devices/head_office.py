"""Head office's receiving end for till sales, idempotent by the sale's key.

Until the order center takes this role, it keeps what arrived, so that the twin can check
that every sale reached head office exactly once whatever the uplink and terminals did.
"""

from __future__ import annotations

from hardware_models.pos import SaleRecord


class HeadOfficeSales:
    def __init__(self) -> None:
        self.amounts: dict[str, int] = {}
        self.flagged: set[str] = set()
        self.duplicates = 0

    def receive(self, sale: SaleRecord, flagged: bool) -> None:
        if sale.key in self.amounts:
            self.duplicates += 1
            return
        self.amounts[sale.key] = sale.amount_cents
        if flagged:
            self.flagged.add(sale.key)

    @property
    def revenue_cents(self) -> int:
        return sum(self.amounts.values())
