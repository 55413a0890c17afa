"""The POS software's receipt: a sale laid out as ESC/POS bytes for a Chinese-market printer."""

from __future__ import annotations

from hardware_models.printer.receipt import cells

ESC, GS, FS = b"\x1b", b"\x1d", b"\x1c"
WIDTH = 48  # half-width cells per line, font A on 80 mm paper


def yuan(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _columns(left: str, right: str) -> str:
    return left + " " * max(WIDTH - cells(left) - len(right), 1) + right


def _qr(data: bytes) -> bytes:
    store = len(data) + 3
    return (
        GS + b"(k\x03\x001C\x04"  # module size 4 dots
        + GS + b"(k\x03\x001E1"  # error correction level M
        + GS + b"(k" + bytes([store & 0xFF, store >> 8]) + b"1P0" + data
        + GS + b"(k\x03\x001Q0"  # print
    )  # fmt: skip


def receipt_bytes(
    store_name: str,
    sale_key: str,
    items: tuple[tuple[str, int, int], ...],
    payment: str,
    offline: bool,
    reprint: bool,
) -> bytes:
    """Header, one line per item, total, payment, a QR of the sale key, feed and cut."""
    text = [_columns(f"{sku} x{qty}", yuan(qty * price)) for sku, qty, price in items]
    total = sum(qty * price for _, qty, price in items)
    out = bytearray(ESC + b"@" + FS + b"&" + ESC + b"a\x01" + ESC + b"!\x18")
    out += store_name.encode("gb18030") + b"\n" + ESC + b"!\x00"
    if reprint:
        out += "重打印 REPRINT".encode("gb18030") + b"\n"
    out += ESC + b"a\x00" + sale_key.encode("ascii") + b"\n"
    out += "\n".join(text).encode("gb18030") + b"\n"
    out += ESC + b"E\x01" + _columns("合计 TOTAL", yuan(total)).encode("gb18030") + b"\n"
    out += ESC + b"E\x00" + _columns("支付 PAID", payment).encode("gb18030") + b"\n"
    if offline:
        out += "离线交易 OFFLINE SALE".encode("gb18030") + b"\n"
    out += ESC + b"a\x01" + _qr(sale_key.encode("ascii")) + b"\n"
    out += ESC + b"d\x03" + GS + b"VB\x00"  # feed three lines, partial cut
    return bytes(out)
