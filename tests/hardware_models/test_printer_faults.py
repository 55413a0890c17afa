"""Paper running out mid-receipt, cover and jams, held output, and reprint exactly once."""

import numpy as np
import pytest

from hardware_models.printer import (
    Fault,
    PosPrinter,
    PrinterSettings,
    ReceiptPrinter,
    ReceiptSpool,
    receipt_bytes,
)
from hardware_models.upos import ErrorResponse, ExtendedError, StatusUpdate

ITEMS = (("TEE-001", 1, 9900), ("JNS-001", 2, 29900), ("BLT-001", 1, 7900))


def layout(key: str):
    return lambda reprint: receipt_bytes("S001", key, ITEMS, "qr", False, reprint)


def ready_printer(settings: PrinterSettings) -> tuple[ReceiptPrinter, PosPrinter, list]:
    device = ReceiptPrinter(settings)
    statuses: list[StatusUpdate] = []
    device.listeners.append(statuses.append)
    control = PosPrinter("printer-S001-L1", device)
    control.ready("S001-L1")
    return device, control, statuses


def test_paper_runs_out_mid_receipt_then_reprint_exactly_once():
    one = ReceiptPrinter()
    one.write(layout("k0")(False))
    length = one.receipts[0].paper_mm
    # Room for two receipts and half of a third; near end with one receipt left.
    device, control, statuses = ready_printer(
        PrinterSettings(roll_length_mm=2.5 * length, near_end_mm=1.2 * length)
    )
    spool = ReceiptSpool(control, "S001-L1")
    results = [spool.print_receipt(f"k{i}", layout(f"k{i}"), at_s=i) for i in range(3)]
    assert [r.error for r in results[:2]] == [None, None]
    assert results[2].error.error is ExtendedError.REC_EMPTY
    assert statuses == [StatusUpdate.REC_NEAREMPTY, StatusUpdate.REC_EMPTY]
    assert device.faults == {Fault.PAPER_EMPTY} and device.held_bytes > 0
    # Printing while empty is refused up front, and the sale's receipt waits too.
    assert spool.print_receipt("k3", layout("k3"), at_s=4).error is not None
    assert set(spool.awaiting_reprint) == {"k2", "k3"}

    device.replace_roll(10 * length)
    assert spool.after_fix(at_s=60).error is None
    assert statuses[-1] is StatusUpdate.REC_PAPEROK
    receipts = device.receipts
    complete = [r for r in receipts if r.complete and r.cut]
    keys = [r.qr_codes[0].data for r in complete]
    assert keys == ["k0", "k1", "k2", "k3"], "each sale has exactly one complete receipt"
    assert next(r for r in receipts if not r.complete).lines[0] == "S001"
    assert spool.reprinted == ["k2", "k3"] and not spool.awaiting_reprint
    assert all("重打印 REPRINT" in r.lines for r in complete[2:])
    assert spool.after_fix(at_s=61).seconds == 0.0, "a second fix reprints nothing"


def test_cover_open_holds_output_and_retry_prints_it_after_closing():
    device, control, statuses = ready_printer(PrinterSettings())
    device.open_cover()
    result = control.print_normal("S001-L1", b"held line\n\x1dV\x00", at_s=5)
    assert result.error.error is ExtendedError.COVER_OPEN
    assert control.answer("S001-L1", ErrorResponse.RETRY, 6).error is not None  # still open
    device.close_cover()
    assert control.answer("S001-L1", ErrorResponse.RETRY, 7).error is None
    assert device.receipts[-1].lines == ["held line"]
    assert statuses == [StatusUpdate.COVER_OPEN, StatusUpdate.COVER_OK]


def test_random_jams_follow_their_configured_rate():
    rate_per_m = 2.0
    device = ReceiptPrinter(PrinterSettings(jam_rate_per_m=rate_per_m), np.random.default_rng(1))
    jams = 0
    while device.roll.used_mm < 40_000:
        device.write(b"line of text\n")
        if Fault.JAM in device.faults:
            jams += 1
            device.clear_jam()
            device.discard()
    expected = rate_per_m * 40
    assert abs(jams - expected) < 4 * expected**0.5


def test_bad_settings_name_the_field():
    with pytest.raises(ValueError, match="near_end_mm"):
        PrinterSettings(roll_length_mm=100, near_end_mm=200)
    with pytest.raises(ValueError, match="speed_mm_s"):
        PrinterSettings(speed_mm_s=0)
