"""Any byte stream: malformed commands are reported and skipped, nothing raises, and how the
stream is split into writes never changes what prints."""

import itertools
import string

import pytest
from escpos.printer import Dummy
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from PIL import Image as PILImage

from hardware_models.printer import PrinterSettings, ReceiptPrinter
from hardware_models.printer.escpos import FIXED
from hardware_models.upos import StatusUpdate

MALFORMED = [
    b"\x1d(L\x00\x00",  # graphics with neither m nor fn
    b"\x1d(L\x01\x000",  # m but no fn
    b"\x1d8L\x01\x00\x00\x000",  # the four-byte-length form, no fn
    b"\x1d(L\x04\x000p01",  # define graphics (fn 112) without its size
    b"\x1d(k\x00\x00",  # 2D code with neither cn nor fn
    b"\x1d(k\x01\x001",  # QR (cn 49) without fn
    b"\x1d(k\x02\x001C",  # QR module size without the size
    b"\x1d(k\x02\x001E",  # QR error correction without the level
    b"\x1d(k\x02\x001P",  # QR store without m and data
]


@pytest.mark.parametrize("command", MALFORMED)
def test_a_malformed_command_is_skipped_reported_and_printing_goes_on(command):
    printer, statuses = watched(ReceiptPrinter())
    printer.write(b"before\n" + command + b"after\n")
    printer.write(b"later\n")
    assert printer.receipts[0].lines == ["before", "after", "later"]
    assert statuses == [StatusUpdate.COMMAND_ERROR]
    assert sum(printer.command_errors.values()) == 1 and not printer.unknown_commands
    assert printer.pending_bytes == 0 and not printer.faults


# Random bytes alone rarely form a command. Commands that declare their length, with short
# lengths and real function codes, and every fixed prefix, reach the framing's corners.
DECLARED = {  # head, width of its length field, function codes that may follow
    b"\x1d(k": (2, [b"1", b"1A", b"1C", b"1E", b"1P", b"1Q", b"1R", b"0A"]),
    b"\x1d(L": (2, [b"0", b"0p", b"02", b"0P", b"01", b"0C"]),
    b"\x1d8L": (4, [b"0", b"0p", b"02"]),
    b"\x1d(z": (2, [b""]),
    b"\x1b(A": (2, [b""]),
}
declared = st.sampled_from(sorted(DECLARED)).flatmap(
    lambda head: st.tuples(
        st.just(head),
        st.integers(0, 6).map(lambda n: n.to_bytes(DECLARED[head][0], "little")),
        st.sampled_from(DECLARED[head][1]),
        st.binary(max_size=4),
    ).map(b"".join)
)
PREFIXES = {bytes([prefix, ord(code)]) for prefix, table in FIXED.items() for code in table}
PREFIXES |= {b"\x1b*", b"\x1dv0", b"\x1dk", b"\x1dV", b"\x1d*", b"\x1b&", b"\x1bD", b"\n"}
PREFIXES |= {b"\x10\x04", b"\x10\x05", b"\x10\x14"}
garbage = st.lists(
    st.one_of(st.binary(max_size=6), st.sampled_from(sorted(PREFIXES)), declared), max_size=8
).map(b"".join)
splits = st.lists(st.integers(0, 1 << 16), max_size=8)

words = st.text(string.ascii_letters + string.digits + " ", min_size=1, max_size=24)
styles = st.fixed_dictionaries(
    {},
    optional={
        "align": st.sampled_from(["left", "center", "right"]),
        "bold": st.booleans(),
        "underline": st.integers(0, 2),
        "double_height": st.booleans(),
        "double_width": st.booleans(),
    },
)
kinds = st.sampled_from(["bitImageRaster", "graphics", "bitImageColumn"])
images = st.tuples(st.integers(1, 4), st.integers(1, 40), st.integers(0, 255), kinds)
operations = st.one_of(
    st.tuples(st.just("text"), words),
    st.tuples(st.just("set"), styles),
    st.tuples(st.just("barcode"), st.sampled_from(["4006381333931", "9780201379624"])),
    st.tuples(st.just("qr"), words, st.integers(1, 8)),
    st.tuples(st.just("image"), images),
    st.tuples(st.just("cut"), st.sampled_from(["FULL", "PART"])),
    st.tuples(st.just("cashdraw"), st.just(2)),
)
receipts = st.lists(operations, max_size=6).map(lambda ops: [("text", "start"), *ops])


def driver_bytes(ops) -> bytes:
    """What python-escpos sends for `ops`."""
    p = Dummy()
    for name, *args in ops:
        if name == "text":
            p.text(args[0] + "\n")
        elif name == "set":
            p.set(**args[0])
        elif name == "barcode":
            p.barcode(args[0], "EAN13")
        elif name == "qr":
            p.qr(args[0], size=args[1], native=True)
        elif name == "image":
            columns, height, fill, impl = args[0]
            pixels = bytes([fill]) * (columns * height)
            p.image(PILImage.frombytes("1", (8 * columns, height), pixels), impl=impl)
        else:
            getattr(p, name)(*args)
    return p.output


def watched(printer: ReceiptPrinter) -> tuple[ReceiptPrinter, list[StatusUpdate]]:
    statuses: list[StatusUpdate] = []
    printer.listeners.append(statuses.append)
    return printer, statuses


def small_roll() -> ReceiptPrinter:
    """A roll that runs out within a few receipts, so faults and held output are fuzzed too."""
    return ReceiptPrinter(PrinterSettings(roll_length_mm=400, near_end_mm=200))


def narrow_small_roll() -> ReceiptPrinter:
    """Six characters a line: wide characters (GS !) do not fit."""
    return ReceiptPrinter(PrinterSettings(chars_per_line=6, roll_length_mm=400, near_end_mm=200))


def outcome(data: bytes, cuts: list[int], make=small_roll) -> tuple:
    """Everything the printer shows after receiving `data` split at `cuts`."""
    printer, statuses = watched(make())
    bounds = sorted({0, len(data), *(cut % (len(data) + 1) for cut in cuts)})
    for start, end in itertools.pairwise(bounds):
        printer.write(data[start:end])
    return (
        printer.receipts,
        statuses,
        printer.read(),
        printer.faults,
        printer.command_errors,
        printer.unknown_commands,
        printer.drawer_pulses,
        printer.busy_s,
        printer.pending_bytes,
        printer.held_bytes,
    )


@settings(max_examples=300)
@given(garbage, splits)
def test_random_bytes_never_raise_and_any_split_prints_the_same(data, cuts):
    for make in (small_roll, narrow_small_roll):
        assert outcome(data, cuts, make) == outcome(data, [], make)


@settings(max_examples=150)
@given(receipts, garbage, st.integers(0, 1 << 16), splits)
def test_driver_output_with_garbage_spliced_in_prints_the_same_however_split(ops, junk, at, cuts):
    clean = driver_bytes(ops)
    at %= len(clean) + 1
    data = clean[:at] + junk + clean[at:]
    assert outcome(data, cuts) == outcome(data, [])


def long_roll() -> ReceiptPrinter:
    return ReceiptPrinter(PrinterSettings(roll_length_mm=1e9))


@settings(max_examples=150)
@given(garbage, receipts)
def test_after_any_garbage_and_a_reset_a_driver_receipt_prints_in_full(junk, ops):
    """Fair once the garbage's last command is complete: until then a real printer, too,
    takes what follows as that command's data."""
    printer = long_roll()
    printer.write(junk)
    size = 8
    while printer.pending_bytes and size <= 1 << 17:  # zeros complete any counted command
        printer.write(bytes(size))
        size *= 2
    assume(printer.pending_bytes == 0)
    clean = driver_bytes(ops)
    printer.write(b"\x1b@" + clean)
    alone = long_roll()
    alone.write(clean)
    # The first receipt goes on the paper the garbage left uncut; the others are its own.
    start = len(printer.receipts) - len(alone.receipts)
    assert start >= 0 and printer.receipts[start + 1 :] == alone.receipts[1:]
    shared, first = printer.receipts[start], alone.receipts[0]
    for part in ("lines", "styles", "barcodes", "qr_codes", "images"):
        mine, theirs = getattr(shared, part), getattr(first, part)
        assert mine[len(mine) - len(theirs) :] == theirs, part
    assert (shared.cut, shared.complete) == (first.cut, first.complete)


def test_characters_wider_than_the_paper_print_one_to_a_line():
    printer = ReceiptPrinter(PrinterSettings(chars_per_line=6))
    printer.write(b"\x1d!\x70ab\n\x1d!\x00after\n")  # eight times wide: 48 cells a character
    assert printer.receipts[0].lines == ["a", "b", "after"]
