"""The printer fed by a real ESC/POS driver (python-escpos), in chunks of any size."""

import pytest
from escpos.printer import Dummy
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image as PILImage

from hardware_models.printer import PrinterSettings, ReceiptPrinter, receipt_bytes
from hardware_models.printer.qr import qr_version

qrcode = pytest.importorskip("qrcode")


def driver_receipt() -> bytes:
    p = Dummy()
    p.set(align="center", bold=True, double_height=True, double_width=True)
    p.text("STORE 001\n")
    p.set(normal_textsize=True, underline=1)
    p.text("Tee shirt      99.00\n")
    p.set(underline=0, align="right")
    p.text("Total 99.00\n")
    p.barcode("4006381333931", "EAN13")
    p.qr("https://example.cn/o/123", size=5, native=True)
    p.image(PILImage.new("1", (64, 40)))
    p.image(PILImage.new("1", (32, 48)), impl="bitImageColumn")
    p.cut()
    p.text("NEXT\n")
    p.cut(mode="PART")
    p.cashdraw(2)
    return p.output


def feed(data: bytes, chunk: int, printer: ReceiptPrinter | None = None) -> ReceiptPrinter:
    printer = printer or ReceiptPrinter()
    for i in range(0, len(data), chunk):
        printer.write(data[i : i + chunk])
    return printer


def test_text_styles_symbols_images_and_cuts():
    printer = feed(driver_receipt(), 4096)
    first, second = printer.receipts
    assert first.lines == ["STORE 001", "Tee shirt      99.00", "Total 99.00"]
    head, item, total = first.styles
    assert (head.align, head.bold, head.width, head.height) == ("center", True, 2, 2)
    assert item.underline == 1 and not item.bold and item.width == 1
    assert total.align == "right"
    assert [(b.symbology, b.data) for b in first.barcodes] == [("EAN13", "4006381333931")]
    (qr,) = first.qr_codes
    assert qr.data == "https://example.cn/o/123" and qr.module_dots == 5
    assert [(i.command, i.width_dots, i.height_dots) for i in first.images] == [
        ("GS v 0", 64, 40),
        ("ESC *", 32, 48),
    ]
    assert first.cut == "full" and second.cut == "partial" and second.lines == ["NEXT"]
    assert printer.drawer_pulses == 1
    assert not printer.unknown_commands


def test_paper_length_adds_up_from_line_heights_and_symbols():
    printer = ReceiptPrinter()
    dots = printer.settings.dots_per_mm
    printer.write(b"\x1b@one\n\x1b!\x10two\n\n\x1bd\x02\x1dh\x50\x1dk\x02123456789012\x00\x1dV\x00")
    (receipt,) = printer.receipts
    expected_dots = 30 + 48 + 30 + 2 * 30 + 0x50  # text, double height, blank, feed, barcode
    assert receipt.paper_mm == pytest.approx(expected_dots / dots)
    assert printer.roll.used_mm == pytest.approx(receipt.paper_mm)
    speed = printer.settings.speed_mm_s
    assert printer.busy_s == pytest.approx(receipt.paper_mm / speed + printer.settings.cut_s)


@given(st.lists(st.integers(1, 64), min_size=1, max_size=40))
def test_any_chunking_prints_the_same(chunks):
    data = driver_receipt()
    whole = feed(data, len(data))
    printer, i = ReceiptPrinter(), 0
    for size in chunks * (len(data) // sum(chunks) + 1):
        printer.write(data[i : i + size])
        i += size
        if i >= len(data):
            break
    assert printer.receipts == whole.receipts


def test_qr_version_agrees_with_a_qr_library():
    for length in (1, 14, 15, 100, 500, 2000):
        for level, constant in (("L", 1), ("M", 0), ("Q", 3), ("H", 2)):
            reference = qrcode.QRCode(error_correction=constant, box_size=1, border=0)
            reference.add_data(b"x" * length, optimize=0)
            try:
                reference.make(fit=True)
            except Exception:  # beyond version 40 at this level
                assert qr_version(length, level) is None
                continue
            assert qr_version(length, level) == reference.version, (length, level)


def test_unknown_commands_are_skipped_by_declared_length_and_counted():
    unknown_family = b"\x1d(\x7a\x05\x00ABCDE"  # GS ( z with five declared bytes
    unknown_esc = b"\x1b\x7f"
    printer = ReceiptPrinter()
    printer.write(b"before\n" + unknown_family + unknown_esc + b"after\n\x1dV\x01")
    assert printer.receipts[0].lines == ["before", "after"]
    assert sum(printer.unknown_commands.values()) == 2


def test_chinese_text_in_gb18030_and_wrapping_at_the_paper_width():
    printer = ReceiptPrinter()
    text = "会员积分" * 7  # 28 wide characters: 56 cells, more than one 48-cell line
    printer.write(b"\x1c&" + text.encode("gb18030") + b"\n")
    assert printer.receipts[0].lines == [text[:24], text[24:]]


def test_pos_layout_prints_every_item_and_a_qr_of_the_sale():
    items = (("TEE-001", 2, 9900), ("JNS-001", 1, 29900))
    printer = ReceiptPrinter()
    printer.write(receipt_bytes("旗舰店 S001", "S001-L1:7", items, "qr", False, False))
    (receipt,) = printer.receipts
    assert receipt.lines[0] == "旗舰店 S001"
    assert any(line.startswith("合计 TOTAL") and line.endswith("497.00") for line in receipt.lines)
    assert receipt.qr_codes[0].data == "S001-L1:7" and receipt.cut == "partial"


def test_real_time_status_reports_cover_paper_and_jam():
    printer = ReceiptPrinter(PrinterSettings(roll_length_mm=100, near_end_mm=50))
    printer.write(b"\x10\x04\x04")
    assert printer.read() == bytes([0x12])
    printer.write(b"x\n" * 15)  # 15 * 3.75 mm: past near end
    printer.write(b"\x10\x04\x04")
    assert printer.read() == bytes([0x12 | 0x0C])
    printer.open_cover()
    printer.write(b"\x10\x04\x02")  # answered even while faulted
    assert printer.read()[0] & 0x04
    printer.close_cover()
    printer.jam()
    printer.write(b"\x10\x04\x03")
    assert printer.read()[0] & 0x08


def test_column_images_back_to_back_or_around_a_barcode_stay_separate():
    p = Dummy()
    p.image(PILImage.new("1", (32, 48)), impl="bitImageColumn")
    p.image(PILImage.new("1", (32, 24)), impl="bitImageColumn")
    p.barcode("4006381333931", "EAN13")
    p.image(PILImage.new("1", (32, 24)), impl="bitImageColumn")
    band = b"\x1b*\x21\x02\x00" + bytes(6)  # one 24-dot band, two columns wide
    p._raw(band + b"\n" + band + b"\n\n" + band + b"\n")  # a blank line between: two images
    (receipt,) = feed(p.output, 4096).receipts
    assert [(i.command, i.width_dots, i.height_dots) for i in receipt.images] == [
        ("ESC *", 32, 48),
        ("ESC *", 32, 24),
        ("ESC *", 32, 24),
        ("ESC *", 2, 48),
        ("ESC *", 2, 24),
    ]
