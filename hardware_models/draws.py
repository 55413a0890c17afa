"""Scalar random draws for devices that draw a few numbers per reading, many times a day.

A `numpy.random.Generator` call costs about a microsecond whatever it returns; a device
that draws per passage or per tag would spend more on the calls than on its model. Drawing
uniforms in blocks and handing them out one at a time gives the same kind of numbers from
the same stream, in a fixed order, for a tenth of the cost.
"""

from __future__ import annotations

import numpy as np

BLOCK = 1024


class UniformDraws:
    """Uniforms in [0, 1) from `rng`, drawn `block` at a time; call it for the next one."""

    def __init__(self, rng: np.random.Generator, block: int = BLOCK) -> None:
        self.rng = rng
        self._block = block
        self._next = iter(()).__next__

    def __call__(self) -> float:
        try:
            return self._next()
        except StopIteration:
            self._next = iter(self.rng.random(self._block).tolist()).__next__
            return self._next()

    def binomial(self, n: int, p: float) -> int:
        """Successes in `n` trials of probability `p`, by the inverse of its distribution
        function at one uniform (a short walk for the small `n` devices see)."""
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"p: must be a probability in [0, 1], got {p}")
        if p == 1.0:
            return n
        u, q = self(), 1.0 - p
        term = q**n  # P(0 successes)
        if term == 0.0:  # so many trials that the walk would underflow: numpy's sampler
            return int(self.rng.binomial(n, p))
        cumulative, k = term, 0
        while u >= cumulative and k < n:
            term *= (n - k) / (k + 1) * p / q
            k += 1
            cumulative += term
        return k
