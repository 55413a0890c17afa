"""Named random streams derived from one seed.

Every consumer of randomness asks for a stream by the name of what it serves
(`arrivals/store-S001`, `device/printer-S001-2`, `customer/choice`). The stream's seed is
derived from the run seed and a stable hash of the name, never from creation order, so
adding a store or a device changes no other stream. That is what lets two strategies see
the same customers (common random numbers).
"""

from __future__ import annotations

import hashlib

import numpy as np


def spawn_key(name: str) -> tuple[int, ...]:
    """A stable 128-bit key for a stream name, as four 32-bit words."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=16).digest()
    return tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))


class Streams:
    """The run's random streams: one `numpy.random.Generator` per name."""

    def __init__(self, seed: int) -> None:
        if seed < 0:
            raise ValueError(f"seed: must be >= 0, got {seed}")
        self.seed = seed
        self._generators: dict[str, np.random.Generator] = {}

    def get(self, name: str) -> np.random.Generator:
        """The generator for `name`; the same object on every call with that name."""
        generator = self._generators.get(name)
        if generator is None:
            sequence = np.random.SeedSequence(self.seed, spawn_key=spawn_key(name))
            generator = np.random.Generator(np.random.PCG64(sequence))
            self._generators[name] = generator
        return generator

    def names(self) -> list[str]:
        """Names of the streams used so far, in order of first use."""
        return list(self._generators)
