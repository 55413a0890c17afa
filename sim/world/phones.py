"""Mainland China mobile numbers, and the many ways people type them.

The population holds each person's number as 11 digits and a typing style; the number is
rendered as she would type it only when she hands it to the membership module, which alone
normalises, hashes and masks it. Nothing else in the testbed prints or stores it.
"""

from __future__ import annotations

import numpy as np

# Number segments of the three carriers and MVNOs (MIIT numbering plan), weighted roughly by
# how common they are.
PREFIXES = np.array(
    [
        130,
        131,
        132,
        133,
        134,
        135,
        136,
        137,
        138,
        139,
        145,
        147,
        150,
        151,
        152,
        153,
        155,
        156,
        157,
        158,
        159,
        166,
        170,
        173,
        175,
        176,
        177,
        178,
        180,
        181,
        182,
        183,
        184,
        185,
        186,
        187,
        188,
        189,
        191,
        193,
        195,
        198,
        199,
    ]
)

FULL_WIDTH = str.maketrans("0123456789+-() ", "０１２３４５６７８９＋－（）　")


def _groups(digits: str) -> tuple[str, str, str]:
    return digits[:3], digits[3:7], digits[7:]


STYLES = (
    lambda d: d,  # 13812345678
    lambda d: " ".join(_groups(d)),  # 138 1234 5678
    lambda d: "-".join(_groups(d)),  # 138-1234-5678
    lambda d: "+86 " + " ".join(_groups(d)),  # +86 138 1234 5678
    lambda d: "+86 " + "-".join(_groups(d)),  # +86 138-1234-5678
    lambda d: "0086 " + d,  # 0086 13812345678
    lambda d: d.translate(FULL_WIDTH),  # full-width digits from a CJK IME
    lambda d: "+86" + d,  # +8613812345678
    lambda d: "(+86) " + " ".join(_groups(d)),  # (+86) 138 1234 5678
)
STYLE_WEIGHTS = np.array([0.40, 0.14, 0.08, 0.10, 0.06, 0.05, 0.05, 0.08, 0.04])


def unique_numbers(n: int, rng: np.random.Generator) -> np.ndarray:
    """`n` distinct 11-digit mobile numbers as int64."""
    chosen = np.empty(0, dtype=np.int64)
    while len(chosen) < n:
        need = int((n - len(chosen)) * 1.1) + 16
        prefixes = rng.choice(PREFIXES, need).astype(np.int64)
        numbers = prefixes * 100_000_000 + rng.integers(0, 100_000_000, need)
        chosen = np.unique(np.concatenate([chosen, numbers]))
    return rng.permutation(chosen)[:n]


def typing_styles(n: int, rng: np.random.Generator) -> np.ndarray:
    return rng.choice(len(STYLES), n, p=STYLE_WEIGHTS / STYLE_WEIGHTS.sum()).astype(np.int8)


def as_typed(number: int, style: int) -> str:
    """The number as this person types it into a form or tells a guide."""
    return STYLES[style](f"{number:011d}")
