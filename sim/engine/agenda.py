"""An agenda: what a part of the twin wants done later, at a simulation minute.

The business desks take the time as an argument and hold no SimPy environment; when they
must act later (an online order picked a few hours after payment) they put it on an agenda.
In the detailed fidelity the agenda is SimPy's event queue (`SimpyAgenda`); without SimPy
(a day-stepped fidelity, a test) it is a plain heap (`HeapAgenda`). Each action is called
with the minute it runs at.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from typing import Protocol

import simpy

Action = Callable[[float], None]


class Agenda(Protocol):
    def call_at(self, t: float, action: Action) -> None:
        """Call `action(t)` at simulation minute `t` (at once if `t` has passed)."""
        ...


class SimpyAgenda:
    """The agenda of a SimPy run: each action is a timeout's callback."""

    def __init__(self, env: simpy.Environment) -> None:
        self.env = env

    def call_at(self, t: float, action: Action) -> None:
        env = self.env
        env.timeout(max(t - env.now, 0.0)).callbacks.append(lambda _: action(env.now))


class HeapAgenda:
    """An agenda without SimPy: actions run in time order (ties: first asked, first run) when
    `run_until` reaches them."""

    def __init__(self, now: float = 0.0) -> None:
        self.now = now
        self._heap: list[tuple[float, int, Action]] = []
        self._asked = 0

    def call_at(self, t: float, action: Action) -> None:
        self._asked += 1
        heapq.heappush(self._heap, (max(t, self.now), self._asked, action))

    def run_until(self, t: float) -> int:
        """Run every action due at or before `t`, those they add too; returns how many ran."""
        ran = 0
        while self._heap and self._heap[0][0] <= t:
            at, _, action = heapq.heappop(self._heap)
            self.now = at
            action(at)
            ran += 1
        self.now = max(self.now, t)
        return ran

    def __len__(self) -> int:
        return len(self._heap)
