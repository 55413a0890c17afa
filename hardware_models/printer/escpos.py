"""ESC/POS framing: where one command ends, for a byte stream that may stop mid-command.

`frame(buf, i)` returns the command starting at `buf[i]` as `(name, params, length)`, or
None when the buffer ends before the command does (the caller waits for more bytes). Names
are the manual's mnemonics (`"ESC a"`, `"GS ( k"`); a run of printable bytes is `"text"`.
Commands this printer does not know are named `"?..."`: families that declare their length
(`ESC (`, `GS (`, `FS (`, `GS 8`, `GS k`) are skipped by that length, others by their
two-byte prefix, and the caller counts them.
"""

from __future__ import annotations

import re

ESC, GS, FS, DLE = 0x1B, 0x1D, 0x1C, 0x10
LF, CR, HT, FF, CAN, NUL = 0x0A, 0x0D, 0x09, 0x0C, 0x18, 0x00

# Parameter bytes after the two-byte prefix, for commands of fixed length, by count.
_FIXED_BY_COUNT = {
    ESC: {0: "@2LSimv", 1: "!EG-atMR3JdeK{V =TrU%?u", 2: "$\\cB", 3: "pC", 8: "W"},
    GS: {0: ":", 1: "!BhwHfarI/bTEZ", 2: "LWP$\\g", 3: "^"},
    FS: {0: "&.", 1: "!-CW", 2: "Sp?"},
}
FIXED = {
    prefix: {code: count for count, codes in by_count.items() for code in codes}
    for prefix, by_count in _FIXED_BY_COUNT.items()
}
PREFIX = {ESC: "ESC", GS: "GS", FS: "FS"}
# Commands of fixed length by their two prefix bytes (as one number): the hot path.
_FIXED_NAMES = {
    prefix << 8 | ord(code): (f"{PREFIX[prefix]} {code}", count)
    for prefix, table in FIXED.items()
    for code, count in table.items()
}
TEXT = re.compile(rb"[\x20-\xff]+")  # a run of printable bytes
Command = tuple[str, bytes, int]


def frame(buf: bytes | bytearray, i: int) -> Command | None:
    """The command at `buf[i]`, or None if it continues past the end of `buf`."""
    byte = buf[i]
    if byte >= 0x20:
        text = TEXT.match(buf, i).group()
        return "text", text, len(text)
    if byte in (ESC, GS, FS):
        fixed = _FIXED_NAMES.get(byte << 8 | buf[i + 1]) if i + 1 < len(buf) else None
        if fixed is not None and i + 2 + fixed[1] <= len(buf):
            name, count = fixed
            return name, bytes(buf[i + 2 : i + 2 + count]), 2 + count
        return _prefixed(buf, i, byte)
    if byte == DLE:
        return _realtime(buf, i)
    names = {LF: "LF", CR: "CR", HT: "HT", FF: "FF", CAN: "CAN", NUL: "NUL"}
    return names.get(byte, f"?{byte:#04x}"), b"", 1


def _need(buf: bytes | bytearray, i: int, n: int) -> bool:
    return i + n <= len(buf)


def _prefixed(buf: bytes | bytearray, i: int, prefix: int) -> Command | None:
    if not _need(buf, i, 2):
        return None
    code = chr(buf[i + 1])
    name = f"{PREFIX[prefix]} {code}"
    if code == "(" or (prefix == GS and code == "8"):
        return _declared_length(buf, i, name)
    variable = _VARIABLE.get((prefix, code))
    if variable is not None:
        return variable(buf, i, name)
    params = FIXED[prefix].get(code)
    if params is None:
        return f"?{name}", b"", 2
    if not _need(buf, i, 2 + params):
        return None
    return name, bytes(buf[i + 2 : i + 2 + params]), 2 + params


def _declared_length(buf: bytes | bytearray, i: int, name: str) -> Command | None:
    """`X ( fn pL pH ...` (two length bytes) and `GS 8 fn p1..p4 ...` (four)."""
    width = 4 if name == "GS 8" else 2
    if not _need(buf, i, 3 + width):
        return None
    declared = int.from_bytes(buf[i + 3 : i + 3 + width], "little")
    total = 3 + width + declared
    if not _need(buf, i, total):
        return None
    return f"{name} {chr(buf[i + 2])}", bytes(buf[i + 3 + width : i + total]), total


def _nul_terminated(buf: bytes | bytearray, start: int, i: int, name: str) -> Command | None:
    end = buf.find(b"\x00", start) if isinstance(buf, bytes) else bytes(buf).find(b"\0", start)
    if end < 0:
        return None
    return name, bytes(buf[i + 2 : end]), end + 1 - i


def _barcode(buf: bytes | bytearray, i: int, name: str) -> Command | None:
    """GS k m d1..dk NUL (m 0-6) or GS k m n d1..dn (m 65 and up)."""
    if not _need(buf, i, 3):
        return None
    m = buf[i + 2]
    if m <= 6:
        return _nul_terminated(buf, i + 3, i, name)
    if not _need(buf, i, 4):
        return None
    total = 4 + buf[i + 3]
    return (name, bytes(buf[i + 2 : i + total]), total) if _need(buf, i, total) else None


def _raster(buf: bytes | bytearray, i: int, name: str) -> Command | None:
    """GS v 0 m xL xH yL yH d1..dk, k = (xL + xH*256) * (yL + yH*256)."""
    if not _need(buf, i, 8):
        return None
    width = buf[i + 4] | buf[i + 5] << 8
    height = buf[i + 6] | buf[i + 7] << 8
    total = 8 + width * height
    return (f"{name} 0", bytes(buf[i + 3 : i + 8]), total) if _need(buf, i, total) else None


def _bit_image(buf: bytes | bytearray, i: int, name: str) -> Command | None:
    """ESC * m nL nH d1..dk: 8-dot bands (m 0, 1) take n bytes, 24-dot bands 3n."""
    if not _need(buf, i, 5):
        return None
    m, columns = buf[i + 2], buf[i + 3] | buf[i + 4] << 8
    total = 5 + columns * (1 if m in (0, 1) else 3)
    return (name, bytes(buf[i + 2 : i + 5]), total) if _need(buf, i, total) else None


def _cut(buf: bytes | bytearray, i: int, name: str) -> Command | None:
    """GS V m (m 0, 1, 48, 49) or GS V m n (feed n, then cut)."""
    if not _need(buf, i, 3):
        return None
    params = 1 if buf[i + 2] in (0, 1, 48, 49) else 2
    return (
        (name, bytes(buf[i + 2 : i + 2 + params]), 2 + params)
        if _need(buf, i, 2 + params)
        else None
    )


def _downloaded_image(buf: bytes | bytearray, i: int, name: str) -> Command | None:
    """GS * x y d1..d(x*y*8)."""
    if not _need(buf, i, 4):
        return None
    total = 4 + buf[i + 2] * buf[i + 3] * 8
    return (name, b"", total) if _need(buf, i, total) else None


def _user_chars(buf: bytes | bytearray, i: int, name: str) -> Command | None:
    """ESC & y c1 c2 [x d1..d(y*x)] for each character c1..c2."""
    if not _need(buf, i, 5):
        return None
    y, first, last = buf[i + 2], buf[i + 3], buf[i + 4]
    j = i + 5
    for _ in range(max(last - first + 1, 0)):
        if not _need(buf, j, 1):
            return None
        j += 1 + y * buf[j]
    return (name, b"", j - i) if j <= len(buf) else None


def _tab_stops(buf: bytes | bytearray, i: int, name: str) -> Command | None:
    return _nul_terminated(buf, i + 2, i, name)


_VARIABLE = {
    (GS, "k"): _barcode,
    (GS, "v"): _raster,
    (GS, "V"): _cut,
    (GS, "*"): _downloaded_image,
    (ESC, "*"): _bit_image,
    (ESC, "&"): _user_chars,
    (ESC, "D"): _tab_stops,
}


def _realtime(buf: bytes | bytearray, i: int) -> Command | None:
    """DLE EOT n and DLE ENQ n (3 bytes); DLE DC4 fn ... (5 bytes, or 10 for fn 8)."""
    if not _need(buf, i, 3):
        return None
    code = buf[i + 1]
    if code in (0x04, 0x05):
        name = "DLE EOT" if code == 0x04 else "DLE ENQ"
        return name, bytes(buf[i + 2 : i + 3]), 3
    if code == 0x14:
        total = 10 if buf[i + 2] == 8 else 5
        return ("DLE DC4", bytes(buf[i + 2 : i + total]), total) if _need(buf, i, total) else None
    return "?DLE", b"", 2
