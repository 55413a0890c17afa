"""Device models at till speed: receipts parsed per second, offline sales forwarded per second."""

import pytest

from hardware_models.pos import MemoryStorage, OfflineJournal, OfflinePolicy, PosTerminal
from hardware_models.printer import PrinterSettings, ReceiptPrinter, receipt_bytes

RECEIPTS = 2_000
ITEMS = (("TEE-001", 2, 9900), ("JNS-001", 1, 29900), ("BLT-001", 1, 7900))


@pytest.fixture(scope="module")
def receipt_stream() -> list[bytes]:
    return [
        receipt_bytes("旗舰店 S001", f"terminal-S001-L1:{i}", ITEMS, "qr", False, False)
        for i in range(RECEIPTS)
    ]


def test_bench_printer_receipts(benchmark, throughput, receipt_stream):
    settings = PrinterSettings(roll_length_mm=10_000_000)  # never runs out here

    def print_all() -> int:
        printer = ReceiptPrinter(settings)
        for data in receipt_stream:
            printer.write(data)
        return len(printer.receipts)

    assert benchmark(print_all) == RECEIPTS
    throughput(benchmark, "printer_receipts", RECEIPTS)


def test_bench_offline_forwarding(benchmark, throughput):
    def outage_and_reconnect() -> int:
        received = set()
        terminal = PosTerminal(
            "T",
            OfflineJournal(MemoryStorage()),
            lambda sale, _: received.add(sale.key),
            OfflinePolicy(max_sales=RECEIPTS),
        )
        terminal.link_down()
        for i in range(RECEIPTS):
            terminal.start_sale()
            terminal.complete_sale(float(i), ITEMS, "qr")
        terminal.link_restored(float(RECEIPTS))
        return len(received)

    assert benchmark(outage_and_reconnect) == RECEIPTS
    throughput(benchmark, "offline_sales_journaled_and_forwarded", RECEIPTS)
