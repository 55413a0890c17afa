"""The UnifiedPOS POSPrinter control over a physical `ReceiptPrinter`.

POS software claims and enables the printer, then prints. A fault does not raise: the
call returns the ErrorEvent, the output waits in the printer, and the application answers
with ER_RETRY (after someone fixed the cause) or ER_CLEAR. `ReceiptSpool` is the POS
software's side of that contract for sales: the sale is committed before its receipt
prints, and after a fault the receipt is printed again exactly once, marked as a reprint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hardware_models.printer.printer import Fault, ReceiptPrinter
from hardware_models.upos.events import ErrorEvent, ErrorResponse, ExtendedError
from hardware_models.upos.lifecycle import DeviceControl

ERRORS = {
    Fault.COVER_OPEN: ExtendedError.COVER_OPEN,
    Fault.PAPER_EMPTY: ExtendedError.REC_EMPTY,
    Fault.JAM: ExtendedError.JAM,
}


@dataclass(frozen=True)
class PrintResult:
    seconds: float
    error: ErrorEvent | None = None


class PosPrinter(DeviceControl):
    def __init__(self, name: str, device: ReceiptPrinter) -> None:
        super().__init__(name)
        self.device = device

    def print_normal(self, terminal: str, data: bytes, at_s: float) -> PrintResult:
        self.require_usable(terminal)
        # Asynchronous output: a faulted printer holds the bytes until the answer.
        seconds = self.device.write(data)
        return PrintResult(seconds, self._error(at_s) if self.device.faults else None)

    def answer(self, terminal: str, response: ErrorResponse, at_s: float) -> PrintResult:
        """ER_RETRY prints the held output if the fault is fixed; ER_CLEAR drops it."""
        self.require_usable(terminal)
        if response is ErrorResponse.CLEAR:
            self.device.discard()
            return PrintResult(0.0)
        if self.device.faults:
            return PrintResult(0.0, self._error(at_s))
        seconds = self.device.resume()
        return PrintResult(seconds, self._error(at_s) if self.device.faults else None)

    def _error(self, at_s: float) -> ErrorEvent:
        fault = min(self.device.faults, key=lambda f: f.value)
        return ErrorEvent(at_s, self.name, ERRORS[fault])


Layout = Callable[[bool], bytes]  # reprint flag -> the receipt's ESC/POS bytes


class ReceiptSpool:
    """Receipts of committed sales; each sale gets one complete receipt, reprinted at most once."""

    def __init__(self, printer: PosPrinter, terminal: str) -> None:
        self.printer = printer
        self.terminal = terminal
        self.awaiting_reprint: dict[str, Layout] = {}
        self.reprinted: list[str] = []

    def print_receipt(self, sale_key: str, layout: Layout, at_s: float) -> PrintResult:
        result = self.printer.print_normal(self.terminal, layout(False), at_s)
        if result.error is not None:
            self.awaiting_reprint[sale_key] = layout
        return result

    def after_fix(self, at_s: float) -> PrintResult:
        """Staff fixed the printer: clear the interrupted output, reprint each waiting receipt."""
        self.printer.answer(self.terminal, ErrorResponse.CLEAR, at_s)
        seconds = 0.0
        for key in list(self.awaiting_reprint):
            result = self.printer.print_normal(
                self.terminal, self.awaiting_reprint[key](True), at_s
            )
            seconds += result.seconds
            if result.error is not None:
                return PrintResult(seconds, result.error)
            del self.awaiting_reprint[key]
            self.reprinted.append(key)
        return PrintResult(seconds)
