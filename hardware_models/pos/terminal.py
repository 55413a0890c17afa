"""A POS terminal that keeps selling when the store's uplink is down.

States: idle, busy (a sale in progress), offline (selling without head office) and error
(crashed, until restarted). Every sale is journalled before it is forwarded, so a restart
loses nothing. While offline, a sale above the per-transaction cap or beyond the journal's
capacity is refused (the customer must pay another way or leave). When the link returns,
pending sales are forwarded in order under their idempotency keys; head office ignores a
key it has seen, so a sale forwarded twice (a crash between sending and marking) still
counts once. Sales older than the allowed offline age are flagged for review, never dropped.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field

from hardware_models.pos.journal import OfflineJournal, SaleRecord


class TerminalState(enum.Enum):
    IDLE = "idle"
    BUSY = "busy"
    OFFLINE = "offline"
    ERROR = "error"


@dataclass(frozen=True)
class OfflinePolicy:
    cap_cents: int = 500_000  # largest sale accepted offline (5,000 yuan)
    max_sales: int = 1_000  # journal capacity for unforwarded sales
    max_age_s: float = 72 * 3600.0  # older than this when forwarded: review by finance

    def __post_init__(self) -> None:
        if self.cap_cents <= 0 or self.max_sales <= 0 or self.max_age_s <= 0:
            raise ValueError("offline policy: cap_cents, max_sales and max_age_s must be > 0")


@dataclass(frozen=True)
class SaleOutcome:
    status: str  # forwarded | journaled | refused
    sale: SaleRecord | None
    reason: str = ""  # why refused: offline_cap | journal_full | terminal_error | not_in_sale


@dataclass
class ForwardReport:
    forwarded: list[str] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)  # forwarded, too old: for review
    remaining: int = 0  # still pending (the link failed again mid-way)


# Head office's receiving end: takes a sale and whether it needs review; raises
# ConnectionError if the link fails during the call.
Forward = Callable[[SaleRecord, bool], None]


class PosTerminal:
    def __init__(
        self,
        name: str,
        journal: OfflineJournal,
        forward: Forward,
        policy: OfflinePolicy | None = None,
        online: bool = True,
    ) -> None:
        self.name = name
        self.journal = journal
        self.forward = forward
        self.policy = policy or OfflinePolicy()
        self.link_up = online
        self.state = TerminalState.IDLE if online else TerminalState.OFFLINE

    # --- selling --------------------------------------------------------------------------
    def start_sale(self) -> bool:
        """Begin ringing up a basket; False if the terminal is down or already busy."""
        if self.state in (TerminalState.ERROR, TerminalState.BUSY):
            return False
        self.state = TerminalState.BUSY
        return True

    def complete_sale(
        self,
        at_s: float,
        items: tuple[tuple[str, int, int], ...],
        payment: str,
        reference: str = "",
        salesperson: str = "",
    ) -> SaleOutcome:
        """The customer pays: journal, then forward (or keep, while offline). `reference`
        travels with the sale (the basket's stock hold, an order number), and `salesperson`:
        who is credited for it."""
        if self.state is TerminalState.ERROR:
            return SaleOutcome("refused", None, "terminal_error")
        if self.state is not TerminalState.BUSY:
            return SaleOutcome("refused", None, "not_in_sale")
        amount = sum(qty * price for _, qty, price in items)
        self.state = self._resting_state()
        if not self.link_up:
            if amount > self.policy.cap_cents:
                return SaleOutcome("refused", None, "offline_cap")
            if len(self.journal.pending) >= self.policy.max_sales:
                return SaleOutcome("refused", None, "journal_full")
        sequence = self.journal.last_sequence + 1
        sale = SaleRecord(
            f"{self.name}:{sequence}",
            self.name,
            sequence,
            at_s,
            items,
            amount,
            payment,
            offline=not self.link_up,
            reference=reference,
            salesperson=salesperson,
        )
        self.journal.record_sale(sale)
        if self.link_up and self._send(sale, at_s):
            return SaleOutcome("forwarded", sale)
        return SaleOutcome("journaled", sale)

    # --- the link ---------------------------------------------------------------------------
    def link_down(self) -> None:
        self.link_up = False
        if self.state is TerminalState.IDLE:
            self.state = TerminalState.OFFLINE

    def link_restored(self, at_s: float) -> ForwardReport:
        """The uplink is back: forward every pending sale, oldest first."""
        self.link_up = True
        if self.state is TerminalState.OFFLINE:
            self.state = TerminalState.IDLE
        return self.forward_pending(at_s)

    def forward_pending(self, at_s: float) -> ForwardReport:
        report = ForwardReport()
        if self.state is TerminalState.ERROR or not self.link_up:
            report.remaining = len(self.journal.pending)
            return report
        for sale in sorted(self.journal.pending.values(), key=lambda s: s.sequence):
            flagged = at_s - sale.at_s > self.policy.max_age_s
            if not self._send(sale, at_s):
                break
            report.forwarded.append(sale.key)
            if flagged:
                report.flagged.append(sale.key)
        report.remaining = len(self.journal.pending)
        return report

    def _send(self, sale: SaleRecord, at_s: float) -> bool:
        try:
            self.forward(sale, at_s - sale.at_s > self.policy.max_age_s)
        except ConnectionError:
            self.link_down()
            return False
        self.journal.mark_forwarded(sale.key)
        return True

    # --- crashes ----------------------------------------------------------------------------
    def crash(self) -> None:
        """Power cut or software fault: what was in memory is gone; the journal is not."""
        self.state = TerminalState.ERROR

    def restart(self, journal: OfflineJournal, at_s: float) -> ForwardReport:
        """Boot again on the journal rebuilt from storage; forward what is pending."""
        self.journal = journal
        self.state = self._resting_state()
        return self.forward_pending(at_s)

    def _resting_state(self) -> TerminalState:
        return TerminalState.IDLE if self.link_up else TerminalState.OFFLINE
