"""A store's internet uplink: up or down, with the downtime it accumulated."""

from __future__ import annotations


class Uplink:
    def __init__(self, name: str) -> None:
        self.name = name
        self.up = True
        self.outages = 0
        self.downtime_s = 0.0
        self._down_since: float | None = None

    def go_down(self, at_s: float) -> bool:
        """The link fails; False if it was already down (overlapping outages merge)."""
        if not self.up:
            return False
        self.up = False
        self.outages += 1
        self._down_since = at_s
        return True

    def restore(self, at_s: float) -> bool:
        """The link is back; False if it was up already."""
        if self.up:
            return False
        self.up = True
        self.downtime_s += at_s - self._down_since
        self._down_since = None
        return True
