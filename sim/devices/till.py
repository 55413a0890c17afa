"""A till as the simulation sees it: POS terminal and receipt printer, in simulated time.

The devices are pure state machines (`hardware_models`); this adapter turns their timings
into SimPy delays and their faults into events. The cashier of the lane is the one who
fixes the printer, so a fault blocks the lane while she does.
"""

from __future__ import annotations

from collections.abc import Generator

import simpy

from hardware_models.pos import OfflineJournal, PosTerminal, SaleOutcome, TerminalState
from hardware_models.pos.journal import JournalStorage
from hardware_models.printer import Fault, PosPrinter, ReceiptPrinter, ReceiptSpool, receipt_bytes
from hardware_models.upos import StatusUpdate
from sim.devices.events import (
    DeviceFixed,
    DeviceRecovered,
    DeviceStatusChanged,
    ReceiptPrinted,
    ReceiptsReprinted,
    SaleJournaledOffline,
    SaleRefused,
    TerminalCrashed,
    TerminalRestarted,
)
from sim.engine.events import EventLog

SECONDS_PER_MINUTE = 60.0
FIXES = {
    Fault.PAPER_EMPTY: ReceiptPrinter.replace_roll,
    Fault.COVER_OPEN: ReceiptPrinter.close_cover,
    Fault.JAM: ReceiptPrinter.clear_jam,
}
FAULT_STATUSES = {StatusUpdate.COVER_OPEN, StatusUpdate.REC_EMPTY, StatusUpdate.JAM}


class Till:
    def __init__(
        self,
        env: simpy.Environment,
        log: EventLog,
        store: str,
        lane: str,
        terminal: PosTerminal,
        storage: JournalStorage,
        printer: ReceiptPrinter,
        fix_min: dict[str, float],
        swap_at_near_end: bool = False,
    ) -> None:
        self.env, self.log, self.store, self.lane = env, log, store, lane
        self.terminal = terminal
        self.storage = storage
        self.printer = printer
        self.fix_min = fix_min
        self.swap_at_near_end = swap_at_near_end
        self.control = PosPrinter(printer.name, printer)
        self.control.ready(terminal.name)
        self.spool = ReceiptSpool(self.control, terminal.name)
        self.restarted = env.event()
        self.printer_down_since: float | None = None
        self.crashed_at: float | None = None
        printer.listeners.append(self._on_status)

    def _on_status(self, status: StatusUpdate) -> None:
        if status in FAULT_STATUSES and self.printer_down_since is None:
            self.printer_down_since = self.env.now
        if status in FAULT_STATUSES or status is StatusUpdate.REC_NEAREMPTY:
            self.log.append(
                DeviceStatusChanged(self.env.now, self.store, self.printer.name, status.value)
            )

    @property
    def now_s(self) -> float:
        return self.env.now * SECONDS_PER_MINUTE

    def ring_up(
        self,
        visit: int,
        items: tuple[tuple[str, int, int], ...],
        payment: str,
        reference: str = "",
        salesperson: str = "",
    ) -> Generator[simpy.Event, object, SaleOutcome]:
        """The customer pays: the terminal commits the sale (the service time is the caller's);
        `reference` (the basket's stock hold) and `salesperson` (her guide, credited) travel
        with it to head office."""
        while self.terminal.state is TerminalState.ERROR:
            yield self.restarted  # the lane waits for the terminal to boot again
        self.terminal.start_sale()
        outcome = self.terminal.complete_sale(self.now_s, items, payment, reference, salesperson)
        sale = outcome.sale
        if sale is None:
            self.log.append(SaleRefused(self.env.now, self.store, visit, self.lane, outcome.reason))
        elif sale.offline:
            self.log.append(
                SaleJournaledOffline(
                    self.env.now, self.store, visit, self.lane, sale.key, sale.amount_cents
                )
            )
        return outcome

    def print_receipt(
        self, outcome: SaleOutcome, staff: str
    ) -> Generator[simpy.Event, object, None]:
        """Print the committed sale's receipt; after a fault, staff fix it and it is reprinted."""
        sale = outcome.sale

        def layout(reprint: bool) -> bytes:
            return receipt_bytes(
                self.store, sale.key, sale.items, sale.payment, sale.offline, reprint
            )

        printed = self.spool.print_receipt(sale.key, layout, self.now_s)
        yield self.env.timeout(printed.seconds / SECONDS_PER_MINUTE)
        if printed.error is not None:
            yield from self.fix_printer(staff)
            return
        self.log.append(ReceiptPrinted(self.env.now, self.store, self.printer.name))
        if self.swap_at_near_end and self.printer.roll.near_end:
            minutes = self.fix_min["paper_empty"]
            yield self.env.timeout(minutes)
            self.printer.replace_roll()
            self.log.append(
                DeviceFixed(self.env.now, self.store, self.printer.name, "near_end", staff, minutes)
            )

    def fix_printer(self, staff: str) -> Generator[simpy.Event, object, None]:
        """Staff fix every fault of the printer, then reprint what was interrupted, once."""
        while self.printer.faults:
            fault = min(self.printer.faults, key=lambda f: f.value)
            minutes = self.fix_min[fault.value]
            yield self.env.timeout(minutes)
            FIXES[fault](self.printer)
            self.log.append(
                DeviceFixed(
                    self.env.now, self.store, self.printer.name, fault.value, staff, minutes
                )
            )
            if not self.printer.faults:
                self._recovered(self.printer.name, self.printer_down_since)
                self.printer_down_since = None
                waiting = len(self.spool.awaiting_reprint)
                result = self.spool.after_fix(self.now_s)
                yield self.env.timeout(result.seconds / SECONDS_PER_MINUTE)
                reprinted = waiting - len(self.spool.awaiting_reprint)
                if reprinted:
                    self.log.append(
                        ReceiptsReprinted(self.env.now, self.store, self.printer.name, reprinted)
                    )

    def _recovered(self, device: str, since: float | None) -> None:
        if since is not None:
            self.log.append(DeviceRecovered(self.env.now, self.store, device, self.env.now - since))

    def crash(self) -> None:
        if self.crashed_at is None:
            self.crashed_at = self.env.now
        self.terminal.crash()
        self.log.append(TerminalCrashed(self.env.now, self.store, self.terminal.name))

    def restart(self) -> None:
        report = self.terminal.restart(OfflineJournal(self.storage), self.now_s)
        self._recovered(self.terminal.name, self.crashed_at)
        self.crashed_at = None
        self.log.append(
            TerminalRestarted(self.env.now, self.store, self.terminal.name, len(report.forwarded))
        )
        self.restarted.succeed()
        self.restarted = self.env.event()
