"""What a printer put on paper: receipts, with their lines, symbols, images and paper."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field


def cells(text: str) -> int:
    """Half-width cells `text` takes on the paper: CJK and full-width characters take two."""
    if text.isascii():
        return len(text)
    # Below U+1100 (Hangul Jamo) no character is wide; the test spares most lookups.
    return len(text) + sum(
        1 for c in text if c >= "\u1100" and unicodedata.east_asian_width(c) in "WF"
    )


@dataclass(frozen=True)
class LineStyle:
    align: str  # left | center | right
    bold: bool
    underline: int  # 0 none, 1 thin, 2 thick
    width: int  # character width multiplier, 1..8
    height: int  # character height multiplier, 1..8


@dataclass(frozen=True)
class Barcode:
    symbology: str
    data: str
    height_dots: int
    hri: str  # where the human-readable digits went: none | above | below | both


@dataclass(frozen=True)
class QrCode:
    data: str
    version: int
    module_dots: int
    level: str


@dataclass(frozen=True)
class Image:
    width_dots: int
    height_dots: int
    command: str  # GS v 0 | ESC * | GS ( L


@dataclass
class Receipt:
    """One piece of paper between cuts. `complete` is False if a fault interrupted it."""

    lines: list[str] = field(default_factory=list)
    styles: list[LineStyle] = field(default_factory=list)
    barcodes: list[Barcode] = field(default_factory=list)
    qr_codes: list[QrCode] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    paper_mm: float = 0.0
    cut: str | None = None  # full | partial | None (not cut yet)
    complete: bool = True

    @property
    def empty(self) -> bool:
        return not (self.lines or self.barcodes or self.qr_codes or self.images) and (
            self.paper_mm == 0.0
        )

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass
class PaperRoll:
    """A thermal roll: length left, and the near-end sensor's threshold."""

    length_mm: float
    near_end_mm: float
    used_mm: float = 0.0

    @property
    def left_mm(self) -> float:
        return max(self.length_mm - self.used_mm, 0.0)

    @property
    def near_end(self) -> bool:
        return self.left_mm <= self.near_end_mm

    @property
    def empty(self) -> bool:
        return self.left_mm <= 0.0
