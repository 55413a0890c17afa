"""千人千面: each member gets the most specific version of a message that fits her segment and
favourite category, or the non-personalised version when she refused personalisation (PIPL
art. 24) or nothing fits. Every personalised push says how to refuse personalisation."""

from __future__ import annotations

import numpy as np

from retail.errors import InvalidInput
from retail.marketing.types import Content
from retail.membership.snapshot import SEGMENT_NAMES

REFUSE_NOTE = "不想收到个性化推荐? 回复 N 关闭 (Reply N to stop personalised offers)"


def choose(
    contents: tuple[Content, ...],
    segments: np.ndarray,
    categories: np.ndarray,
    category_names: tuple[str, ...],
    personalise: np.ndarray,
) -> np.ndarray:
    """Index into `contents` per member. `segments`/`categories` are snapshot codes (-1
    unknown); members where `personalise` is False get the first non-personalised version."""
    scores = np.zeros((len(contents), len(segments)), np.int8)
    for i, content in enumerate(contents):
        fits = np.ones(len(segments), bool)
        specificity = 0
        if content.segment is not None:
            if content.segment not in SEGMENT_NAMES:
                raise InvalidInput(f"contents[{i}].segment", f"unknown segment {content.segment!r}")
            fits &= segments == SEGMENT_NAMES.index(content.segment)
            specificity += 1
        if content.category is not None:
            if content.category not in category_names:
                raise InvalidInput(f"contents[{i}].category", f"unknown {content.category!r}")
            fits &= categories == category_names.index(content.category)
            specificity += 1
        if specificity:
            fits &= personalise
        scores[i] = np.where(fits, 1 + specificity, 0)
    return scores.argmax(axis=0).astype(np.int16)  # ties: the first listed wins


def is_personalised(content: Content) -> bool:
    return content.segment is not None or content.category is not None


def render(content: Content) -> str:
    """The text sent: a personalised version carries the way to refuse personalisation."""
    return f"{content.text}\n{REFUSE_NOTE}" if is_personalised(content) else content.text
