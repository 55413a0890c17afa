"""A thermal receipt printer that consumes ESC/POS bytes and keeps what it printed.

The physical device: bytes in (in chunks of any size, as over USB or serial), paper out.
It knows no clock; `write` returns the seconds of mechanism time the bytes caused, and the
simulator turns that into delay. When the cover opens, the roll runs out or paper jams,
printing stops and further output is held until the application answers: `resume` (retry
the held output once the cause is fixed) or `discard` (clear it; the interrupted receipt
stays incomplete). Real-time commands (`DLE EOT`, `DLE ENQ`, `DLE DC4`) act even then.

No byte stream makes `write` raise, and how a stream is split into writes changes nothing.
A command whose declared length leaves out what its function needs is skipped by that
length, counted in `command_errors` and told to listeners as `COMMAND_ERROR`; the bytes
after it print as usual. A command whose declared length runs on takes the bytes that
follow as its data, as on a real printer: nothing prints until it is complete.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Callable

import numpy as np

from hardware_models.printer.escpos import TEXT, frame
from hardware_models.printer.qr import qr_side_dots, qr_version
from hardware_models.printer.receipt import (
    Barcode,
    Image,
    LineStyle,
    PaperRoll,
    QrCode,
    Receipt,
    cells,
)
from hardware_models.printer.settings import PrinterSettings
from hardware_models.upos.events import StatusUpdate

CODE_PAGES = {0: "cp437", 2: "cp850", 3: "cp860", 4: "cp863", 5: "cp865", 16: "cp1252",
              17: "cp866", 18: "cp852", 19: "cp858"}  # fmt: skip
SYMBOLOGIES = {0: "UPC-A", 1: "UPC-E", 2: "EAN13", 3: "EAN8", 4: "CODE39", 5: "ITF",
               6: "CODABAR", 65: "UPC-A", 66: "UPC-E", 67: "EAN13", 68: "EAN8", 69: "CODE39",
               70: "ITF", 71: "CODABAR", 72: "CODE93", 73: "CODE128", 74: "GS1-128"}  # fmt: skip
HRI = {0: "none", 1: "above", 2: "below", 3: "both"}
ALIGN = {0: "left", 1: "center", 2: "right"}
QR_LEVELS = {48: "L", 49: "M", 50: "Q", 51: "H"}
FULL_CUTS = {0, 48, 65, 97, 103}
REALTIME = {"DLE EOT", "DLE ENQ", "DLE DC4"}
# Bytes a QR function needs after fn (GS ( k 1 fn ...), by fn.
QR_ARGUMENTS = {65: 2, 67: 1, 69: 1, 80: 2, 81: 1, 82: 1}
# Commands that may stand between two ESC * bands of one image: the line feed that prints
# a band, and real-time commands, which never reach the print buffer.
_KEEP_IMAGE_OPEN = {"LF", "ESC *", *REALTIME}
_STYLES: dict[tuple, LineStyle] = {}  # styles are few and immutable: share them


class Fault(enum.Enum):
    COVER_OPEN = "cover_open"
    PAPER_EMPTY = "paper_empty"
    JAM = "jam"


class ReceiptPrinter:
    """ESC/POS in, receipts out; `receipts` lists the finished ones and the one in progress."""

    def __init__(
        self,
        settings: PrinterSettings | None = None,
        rng: np.random.Generator | None = None,
        name: str = "printer",
    ) -> None:
        self.settings = settings or PrinterSettings()
        self.name = name
        self.rng = rng
        self.roll = PaperRoll(self.settings.roll_length_mm, self.settings.near_end_mm)
        self.faults: set[Fault] = set()
        self.unknown_commands: Counter[str] = Counter()
        self.command_errors: Counter[str] = Counter()  # malformed commands skipped, by name
        self.drawer_pulses = 0
        self.busy_s = 0.0
        self.responses = bytearray()  # what the printer sent back (status bytes)
        self.listeners: list[Callable[[StatusUpdate], None]] = []
        self._finished: list[Receipt] = []
        self._receipt = Receipt()
        self._pending = bytearray()  # received, not yet framed (a command split by a chunk)
        self._held = bytearray()  # framed while faulted, waiting for resume or discard
        self._near_end_told = False
        self._mm_to_jam = self._draw_jam_distance()
        self._initialise()

    # --- the wire ---------------------------------------------------------------------------
    def write(self, data: bytes) -> float:
        """Receive bytes; returns the seconds of printing they caused."""
        self._pending += data
        return self._consume()

    def read(self) -> bytes:
        """Bytes the printer sent back (answers to DLE EOT and GS ( k queries)."""
        out, self.responses = bytes(self.responses), bytearray()
        return out

    @property
    def receipts(self) -> list[Receipt]:
        current = [] if self._receipt.empty else [self._receipt]
        return [*self._finished, *current]

    @property
    def held_bytes(self) -> int:
        return len(self._held)

    @property
    def pending_bytes(self) -> int:
        """Bytes received of a command that has not yet arrived whole."""
        return len(self._pending)

    def _consume(self) -> float:
        start = self.busy_s
        buf, i, end, handlers = self._pending, 0, len(self._pending), _HANDLERS
        while i < end:
            if not self.faults:  # the two commonest commands first, without framing
                byte = buf[i]
                if byte >= 0x20:
                    text = TEXT.match(buf, i).group()
                    self._text(text)
                    i += len(text)
                    continue
                if byte == 0x0A:
                    self._line_feed()
                    i += 1
                    continue
            command = frame(buf, i)
            if command is None:
                break
            name, params, length = command
            if self.faults and name not in REALTIME:
                self._held += buf[i : i + length]
            else:
                if self._image_open and name not in _KEEP_IMAGE_OPEN:
                    self._image_open = False
                handler = handlers.get(name)  # the hot path: one lookup, one call
                if handler is not None:
                    handler(self, params)
                else:
                    self._execute_other(name, params)
            i += length
        del buf[:i]
        return self.busy_s - start

    # --- the application's answer to a fault -----------------------------------------------
    def resume(self) -> float:
        """ER_RETRY: once every fault is fixed, print what was held."""
        if self.faults:
            return 0.0
        held, self._held = bytes(self._held), bytearray()
        self._pending[:0] = held
        return self._consume()

    def discard(self) -> None:
        """ER_CLEAR: drop held output; the interrupted receipt is closed as incomplete."""
        self._held.clear()
        self._pending.clear()
        self._line.clear()
        if not self._receipt.empty:
            self._receipt.complete = False
            self._finish_receipt()

    # --- what a person does to the printer -------------------------------------------------
    def open_cover(self) -> None:
        self._fault(Fault.COVER_OPEN, StatusUpdate.COVER_OPEN)

    def close_cover(self) -> None:
        self._fix(Fault.COVER_OPEN, StatusUpdate.COVER_OK)

    def jam(self) -> None:
        self._fault(Fault.JAM, StatusUpdate.JAM)

    def clear_jam(self) -> None:
        self._fix(Fault.JAM, StatusUpdate.JAM_OK)

    def run_out_of_paper(self) -> None:
        self.roll.used_mm = self.roll.length_mm
        self._fault(Fault.PAPER_EMPTY, StatusUpdate.REC_EMPTY)

    def replace_roll(self, length_mm: float | None = None) -> None:
        self.roll = PaperRoll(length_mm or self.settings.roll_length_mm, self.settings.near_end_mm)
        self._near_end_told = False
        self._fix(Fault.PAPER_EMPTY, StatusUpdate.REC_PAPEROK)

    def _fault(self, fault: Fault, status: StatusUpdate) -> None:
        if fault not in self.faults:
            self.faults.add(fault)
            self._tell(status)

    def _fix(self, fault: Fault, status: StatusUpdate) -> None:
        if fault in self.faults:
            self.faults.discard(fault)
            self._tell(status)

    def _tell(self, status: StatusUpdate) -> None:
        for listener in self.listeners:
            listener(status)

    # --- commands -----------------------------------------------------------------------------
    def _initialise(self) -> None:
        self.bold = False
        self.underline = 0
        self.align = "left"
        self.width = self.height = 1
        self.encoding = CODE_PAGES[0]
        self.chinese = self.settings.chinese_mode
        self.spacing_dots = self.settings.line_spacing_dots
        self.barcode_height = self.settings.barcode_height_dots
        self.hri = "none"
        self.qr_module_dots, self.qr_level, self.qr_data = 3, "L", b""
        self.graphic: tuple[int, int] | None = None
        self._line: list[tuple[str, bytearray]] = []
        self._band_dots = 0  # height of an ESC * band waiting for the line feed that prints it
        self._image_open = False  # a band was just printed: the next one continues its image

    def _execute_other(self, name: str, p: bytes) -> None:
        if name.startswith("?"):
            self.unknown_commands[name[1:]] += 1
        elif name.startswith(("GS ( ", "GS 8 ", "ESC ( ", "FS ( ")):
            self._extended(name, p)
        # Every other known command only changes settings this model does not track.

    def _text(self, p: bytes) -> None:
        self._band_dots, self._image_open = 0, False
        encoding = "gb18030" if self.chinese else self.encoding
        if self._line and self._line[-1][0] == encoding:
            self._line[-1][1].extend(p)
        else:
            self._line.append((encoding, bytearray(p)))

    def _tab(self, _: bytes) -> None:
        done = len(self._decoded())
        self._text(b" " * (8 - done % 8))

    def _decoded(self) -> str:
        if len(self._line) == 1:  # the common case: one encoding for the whole line
            encoding, data = self._line[0]
            return data.decode(encoding, errors="replace")
        return "".join(bytes(b).decode(enc, errors="replace") for enc, b in self._line)

    def _line_feed(self, _: bytes = b"") -> None:
        if not self._line:
            self._advance(max(self.spacing_dots, self._band_dots))
            self._image_open, self._band_dots = self._band_dots > 0, 0
            return
        text, self._line = self._decoded(), []
        key = (self.align, self.bold, self.underline, self.width, self.height)
        style = _STYLES.get(key) or _STYLES.setdefault(key, LineStyle(*key))
        rise = max(self.spacing_dots, self.settings.char_height_dots * self.height)
        receipt = self._receipt
        columns = max(self.settings.chars_per_line // self.width, 1)  # too wide: one a line
        for part in _wrap(text, columns):
            if not self._advance(rise):
                return
            receipt.lines.append(part)
            receipt.styles.append(style)

    def _flush_line(self) -> None:
        if self._line:
            self._line_feed()

    def _feed_lines(self, p: bytes) -> None:
        self._flush_line()
        self._advance(p[0] * self.spacing_dots)

    def _feed_dots(self, p: bytes) -> None:
        self._flush_line()
        self._advance(p[0])

    def _cut(self, p: bytes) -> None:
        self._flush_line()
        if len(p) == 2 and not self._advance(p[1]):
            return
        if self.faults:
            return
        self._receipt.cut = "full" if p[0] in FULL_CUTS else "partial"
        self.busy_s += self.settings.cut_s
        self._finish_receipt()

    def _partial_cut(self, _: bytes) -> None:
        self._cut(b"\x01")

    def _finish_receipt(self) -> None:
        self._finished.append(self._receipt)
        self._receipt = Receipt()

    def _barcode(self, p: bytes) -> None:
        m = p[0]
        data = p[1:] if m <= 6 else p[2:]
        symbology = SYMBOLOGIES.get(m, f"m={m}")
        extra = {"none": 0, "above": 1, "below": 1, "both": 2}[self.hri]
        dots = self.barcode_height + extra * self.settings.char_height_dots
        if self._advance(dots):
            self._receipt.barcodes.append(
                Barcode(symbology, data.decode("ascii", "replace"), self.barcode_height, self.hri)
            )

    def _raster(self, p: bytes) -> None:
        m, width, height = p[0], (p[1] | p[2] << 8) * 8, p[3] | p[4] << 8
        width *= 2 if m in (1, 3, 49, 51) else 1
        height *= 2 if m in (2, 3, 50, 51) else 1
        self._image(Image(width, height, "GS v 0"), height)

    def _image(self, image: Image, dots: int) -> None:
        self._band_dots = 0
        if self._advance(dots):
            self._receipt.images.append(image)

    def _column_band(self, p: bytes) -> None:
        """ESC * prints one band on the next line feed. Bands of one width with nothing but
        that line feed between them make one image; any other command ends the image."""
        band = 8 if p[0] in (0, 1) else 24
        width = p[1] | p[2] << 8
        images = self._receipt.images
        last = images[-1] if self._image_open and images else None
        if last is not None and last.command == "ESC *" and last.width_dots == width:
            images[-1] = Image(width, last.height_dots + band, "ESC *")
        else:
            images.append(Image(width, band, "ESC *"))
        self._band_dots, self._image_open = band, False

    def _extended(self, name: str, p: bytes) -> None:
        has_functions = name in ("GS ( k", "GS ( L", "GS 8 L")
        if has_functions and len(p) < 2:  # the declared length leaves out the function itself
            self._reject(name)
        elif name == "GS ( k" and p[:1] == b"1":
            self._qr(p[1], p[2:])
        elif name in ("GS ( L", "GS 8 L"):
            self._graphics(name, p[1], p[2:])
        else:
            self.unknown_commands[f"{name} fn={p[1] if len(p) > 1 else '?'}"] += 1

    def _reject(self, name: str) -> None:
        """A malformed command: already skipped by its declared length, now reported."""
        self.command_errors[name] += 1
        self._tell(StatusUpdate.COMMAND_ERROR)

    def _qr(self, fn: int, args: bytes) -> None:
        if len(args) < QR_ARGUMENTS.get(fn, 0):
            self._reject(f"GS ( k 1 fn={fn}")
        elif fn == 67:
            self.qr_module_dots = args[0]
        elif fn == 69:
            self.qr_level = QR_LEVELS.get(args[0], self.qr_level)
        elif fn == 80:
            self.qr_data = args[1:]
        elif fn == 81:
            self._print_qr()
        elif fn == 82:
            version = qr_version(len(self.qr_data), self.qr_level) or 0
            self.responses += bytes([0x37, 0x36, version])  # size information, simplified
        elif fn != 65:
            self.unknown_commands[f"GS ( k 1 fn={fn}"] += 1

    def _print_qr(self) -> None:
        self._band_dots = 0
        version = qr_version(len(self.qr_data), self.qr_level)
        if version is None:  # the printer prints nothing for data beyond version 40
            self.unknown_commands["GS ( k 1 fn=81 (data too long)"] += 1
            return
        if self._advance(qr_side_dots(version, self.qr_module_dots)):
            self._receipt.qr_codes.append(
                QrCode(
                    self.qr_data.decode("utf-8", "replace"),
                    version,
                    self.qr_module_dots,
                    self.qr_level,
                )
            )

    def _graphics(self, name: str, fn: int, args: bytes) -> None:
        if fn == 112 and len(args) < 8:  # a, bx, by, c, xL, xH, yL, yH
            self._reject(f"{name} fn=112")
        elif fn == 112:
            by = args[2]
            self.graphic = (args[4] | args[5] << 8, (args[6] | args[7] << 8) * by)
        elif fn in (2, 50) and self.graphic is not None:
            width, height = self.graphic
            self._image(Image(width, height, "GS ( L"), height)
        elif fn not in (48, 49, 65, 66, 67):
            self.unknown_commands[f"{name} fn={fn}"] += 1

    def _status(self, p: bytes) -> None:
        """DLE EOT n: one status byte, bits as the ESC/POS manual gives them."""
        n, byte = p[0], 0x12
        if n == 1 and self.faults:
            byte |= 0x08  # offline
        elif n == 2:
            byte |= 0x04 * (Fault.COVER_OPEN in self.faults)
            byte |= 0x20 * (Fault.PAPER_EMPTY in self.faults)
            byte |= 0x40 * bool(self.faults)
        elif n == 3 and Fault.JAM in self.faults:
            byte |= 0x08 | 0x40  # autocutter error, recoverable
        elif n == 4:
            byte |= 0x0C * self.roll.near_end
            byte |= 0x60 * (Fault.PAPER_EMPTY in self.faults or self.roll.empty)
        self.responses.append(byte)

    # --- paper ----------------------------------------------------------------------------------
    def _advance(self, dots: float) -> bool:
        """Move paper; False (and a fault) if the roll ends or the paper jams first."""
        if self.faults:
            return False
        settings, roll = self.settings, self.roll
        mm = dots / settings.dots_per_mm
        if mm > roll.left_mm:
            roll.used_mm = roll.length_mm
            self._fault(Fault.PAPER_EMPTY, StatusUpdate.REC_EMPTY)
            return False
        if mm >= self._mm_to_jam:
            self._mm_to_jam = self._draw_jam_distance()
            self.jam()
            return False
        self._mm_to_jam -= mm
        roll.used_mm += mm
        self._receipt.paper_mm += mm
        self.busy_s += mm / settings.speed_mm_s
        if not self._near_end_told and roll.near_end:
            self._near_end_told = True
            self._tell(StatusUpdate.REC_NEAREMPTY)
        return True

    def _draw_jam_distance(self) -> float:
        rate = self.settings.jam_rate_per_m
        if rate <= 0 or self.rng is None:
            return float("inf")
        return float(self.rng.exponential(1000.0 / rate))


def _wrap(text: str, columns: int) -> list[str]:
    """Split a line where the printer would: at `columns` half-width cells (CJK take two)."""
    if cells(text) <= columns:  # the common case: it fits
        return [text]
    if text.isascii():
        return [text[i : i + columns] for i in range(0, len(text), columns)]
    parts, current, used = [], [], 0
    for char in text:
        width = cells(char)
        if used + width > columns and current:
            parts.append("".join(current))
            current, used = [], 0
        current.append(char)
        used += width
    parts.append("".join(current))
    return parts


def _print_mode(printer: ReceiptPrinter, p: bytes) -> None:
    n = p[0]
    printer.bold = bool(n & 0x08)
    printer.height = 2 if n & 0x10 else 1
    printer.width = 2 if n & 0x20 else 1
    printer.underline = 1 if n & 0x80 else 0


def _char_size(printer: ReceiptPrinter, p: bytes) -> None:
    printer.width = (p[0] >> 4 & 0x07) + 1
    printer.height = (p[0] & 0x07) + 1


def _code_page(printer: ReceiptPrinter, p: bytes) -> None:
    if p[0] in CODE_PAGES:
        printer.encoding = CODE_PAGES[p[0]]
    else:
        printer.unknown_commands[f"ESC t {p[0]}"] += 1


def _pulse(printer: ReceiptPrinter, _: bytes) -> None:
    printer.drawer_pulses += 1


def _realtime_request(printer: ReceiptPrinter, p: bytes) -> None:
    if p[:1] == b"\x01":
        printer.drawer_pulses += 1


def _setter(attribute: str, convert: Callable[[int], object]) -> Callable:
    def handler(printer: ReceiptPrinter, p: bytes) -> None:
        setattr(printer, attribute, convert(p[0]))

    return handler


def _set_chinese(on: bool) -> Callable:
    def handler(printer: ReceiptPrinter, _: bytes) -> None:
        printer.chinese = on

    return handler


_HANDLERS: dict[str, Callable[[ReceiptPrinter, bytes], None]] = {
    "text": ReceiptPrinter._text,
    "LF": ReceiptPrinter._line_feed,
    "HT": ReceiptPrinter._tab,
    "ESC @": lambda printer, _: printer._initialise(),
    "ESC !": _print_mode,
    "ESC E": _setter("bold", lambda n: bool(n & 1)),
    "ESC -": _setter("underline", lambda n: n % 48 if n % 48 <= 2 else 0),
    "ESC a": _setter("align", lambda n: ALIGN.get(n % 48, "left")),
    "GS !": _char_size,
    "ESC t": _code_page,
    "FS &": _set_chinese(True),
    "FS .": _set_chinese(False),
    "ESC 2": lambda printer, _: setattr(
        printer, "spacing_dots", printer.settings.line_spacing_dots
    ),
    "ESC 3": _setter("spacing_dots", int),
    "ESC d": ReceiptPrinter._feed_lines,
    "ESC J": ReceiptPrinter._feed_dots,
    "GS V": ReceiptPrinter._cut,
    "ESC i": ReceiptPrinter._partial_cut,
    "ESC m": ReceiptPrinter._partial_cut,
    "GS h": _setter("barcode_height", int),
    "GS H": _setter("hri", lambda n: HRI.get(n % 48, "none")),
    "GS k": ReceiptPrinter._barcode,
    "GS v 0": ReceiptPrinter._raster,
    "ESC *": ReceiptPrinter._column_band,
    "ESC p": _pulse,
    "DLE DC4": _realtime_request,
    "DLE EOT": ReceiptPrinter._status,
}
