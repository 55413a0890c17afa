"""A receipt printer's fixed characteristics, as its spec sheet and setup give them."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class PrinterSettings:
    """Defaults: an 80 mm thermal printer at 203 dpi, font A, 80 m roll."""

    chars_per_line: int = 48  # font A on 72 mm printable width
    dots_per_mm: float = 8.0  # 203 dpi
    line_spacing_dots: int = 30  # ESC 2 default, about 3.75 mm
    char_height_dots: int = 24  # font A
    speed_mm_s: float = 150.0  # mid-range thermal printers print 150-300 mm/s
    cut_s: float = 0.4
    roll_length_mm: float = 80_000.0  # an 80 x 80 roll holds about 80 m
    near_end_mm: float = 3_000.0  # the near-end sensor trips with about 3 m left
    jam_rate_per_m: float = 0.0  # random jams per metre of paper (needs an rng)
    chinese_mode: bool = False  # FS & at power-on (Chinese-market firmware setting)
    barcode_height_dots: int = 162  # GS h default

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool):
                continue
            if value < 0 or (value == 0 and f.name not in ("jam_rate_per_m", "near_end_mm")):
                raise ValueError(f"{f.name}: must be positive, got {value}")
        if self.near_end_mm >= self.roll_length_mm:
            raise ValueError("near_end_mm: must be shorter than roll_length_mm")
