"""Mainland China mobile numbers: normalise what people type, mask what people see.

People type `+86 138-1234-5678`, `0086 13812345678`, `(+86)138 1234 5678`, `86-138...` or
full-width digits from a Chinese input method. All of them are one number: eleven digits,
starting 1, second digit 3-9 (the mobile number blocks of MIIT's numbering plan).
Full-width forms (U+FF01..U+FF5E, and the ideographic space) are the ASCII characters a
Chinese input method types, and are read as those; any other character outside ASCII is
refused, digits of other scripts included (Devanagari `८`, Arabic-Indic `٨`, circled `⑧`,
...): Python counts them as digits, and accepting them would make one person two members.
Errors say why a number was refused and never repeat it in full.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from retail.errors import InvalidInput

_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: ord(" ")}
_SEPARATORS = re.compile(r"[\s\-.()]")  # \s: any Unicode space (never a digit)
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
# Batch forms: separators (but not the newline joining the numbers) deleted in one pass, each
# country prefix at the start of a line swapped for a marker (so one prefix cannot uncover
# another, as in the single form where only one is stripped), then every number checked as
# one text.
_DELETE = {ord(c): None for c in " \t\r\f\v-.()\u00a0\u3000"}
_MARK = "\x00"
_BARE_PREFIX = re.compile(r"\n86(?=[0-9]{11}\n)")
_LINES = re.compile(r"(?:1[3-9][0-9]{9}\n)*")


def normalise_mobile(raw: str, field: str = "mobile") -> str:
    """The eleven-digit form of a mainland mobile number, or `InvalidInput` saying why."""
    if not isinstance(raw, str):
        raise InvalidInput(field, f"expected text, got {type(raw).__name__}")
    if len(raw) == 11 and raw.isascii() and _MOBILE.fullmatch(raw):
        return raw  # already clean: the common case in bulk loads
    text = _SEPARATORS.sub("", raw.translate(_FULL_WIDTH))
    if not text.isascii():
        raise InvalidInput(field, "contains characters other than digits and separators")
    if text.startswith("+"):
        text = text[1:]
        if not text.startswith("86"):
            raise InvalidInput(field, "not a mainland China number (country code is not +86)")
        text = text[2:]
    elif text.startswith("0086"):
        text = text[4:]
    elif len(text) == 13 and text.startswith("86"):
        text = text[2:]
    if not text.isdigit():  # ASCII by now: only 0-9 count
        raise InvalidInput(field, "contains characters other than digits and separators")
    if len(text) != 11:
        raise InvalidInput(field, f"a mobile number has 11 digits, this has {len(text)}")
    if not _MOBILE.fullmatch(text):
        raise InvalidInput(field, "not a mobile number (must start 13-19)")
    return text


def normalise_mobiles(raws: Sequence[str], field: str = "mobiles") -> list[str]:
    """`normalise_mobile` of each; an error names the first bad row (`mobiles[7]`). A batch
    is normalised as one text, so a million numbers cost a few string passes."""
    try:
        text = "\n".join(raws)
    except TypeError:
        text = None  # something is not text: let the row-by-row path say which
    if text is not None and not text.isascii():
        text = text.translate(_FULL_WIDTH)  # what a Chinese input method types, as ASCII
    if text is not None and text.isascii() and _MARK not in text:
        text = "\n" + text + "\n"
        if _all_clean(text, len(raws)):
            return text[1:-1].split("\n")
        text = text.translate(_DELETE).replace("\n0086", "\n" + _MARK)
        text = text.replace("\n+86", "\n" + _MARK)
        if "\n86" in text:
            text = _BARE_PREFIX.sub("\n", text)
        text = text.replace(_MARK, "")
        if _all_clean(text, len(raws)):
            return text[1:-1].split("\n")
    return [normalise_mobile(raw, f"{field}[{i}]") for i, raw in enumerate(raws)]


def _all_clean(text: str, count: int) -> bool:
    """`text` is `count` clean numbers, each between newlines."""
    return len(text) == 12 * count + 1 and _LINES.fullmatch(text, 1) is not None


def mask_mobile(number: str) -> str:
    """`138****5678`: what a screen, a log or a report may show."""
    return f"{number[:3]}****{number[-4:]}"
