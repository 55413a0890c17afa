"""Queues in chain fidelity come from queueing theory, per store-hour, not from simulation.

Each hour of a store is taken as an M/M/c queue in steady state with that hour's arrival
rate: Erlang C gives the chance to wait and the wait's law (a point mass at 0 and an
exponential tail of rate c*mu - lambda). From it: the mean and the 95th percentile of the
wait, the mean queue length, the chance that a newcomer finds at least k waiting (she may
balk) and the chance that she gives up before her turn (exponential patience). An hour at or
beyond capacity has no steady state: its load is taken at `MAX_LOAD`, and counted. These are
modelled figures, and marked so in the run's record.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_LOAD = 0.98  # utilisation an overloaded hour is taken at


def erlang_c(arrival_rate: np.ndarray, service_mean: np.ndarray, servers: np.ndarray):
    """Vectorised Erlang C: (probability of waiting, utilisation used, overloaded) per queue.
    Arrays broadcast; `servers` whole numbers >= 1."""
    servers = np.asarray(servers, dtype=np.int64)
    load = np.asarray(arrival_rate, float) * np.asarray(service_mean, float)
    overloaded = load >= MAX_LOAD * servers
    load = np.minimum(load, MAX_LOAD * servers)
    shape = np.broadcast(load, servers).shape
    load, servers = np.broadcast_to(load, shape), np.broadcast_to(servers, shape)
    term = np.ones(shape)
    total = np.ones(shape)
    for k in range(1, int(servers.max(initial=1))):
        term = np.where(k < servers, term * load / k, term)
        total = np.where(k < servers, total + term, total)
    last = term * load / servers * servers / np.maximum(servers - load, 1e-12)
    waits = np.where(load > 0, last / (total + last), 0.0)
    return waits, load / servers, overloaded


@dataclass(frozen=True)
class HourQueues:
    """The checkout of many store-hours (arrays of one shape)."""

    wait_prob: np.ndarray  # P(she waits at all)
    drain_rate: np.ndarray  # c*mu - lambda, per minute: the wait's tail rate
    mean_wait_min: np.ndarray
    queue_len_mean: np.ndarray  # L_q = lambda * W_q
    utilisation: np.ndarray
    overloaded: np.ndarray  # bool

    @classmethod
    def of(cls, arrivals_per_min, service_mean_min, lanes) -> HourQueues:
        lam = np.asarray(arrivals_per_min, float)
        mean = np.asarray(service_mean_min, float)
        waits, rho, overloaded = erlang_c(lam, mean, lanes)
        lanes = np.broadcast_to(np.asarray(lanes, float), waits.shape)
        drain = np.maximum(lanes / mean * (1.0 - rho), 1e-9)
        mean_wait = waits / drain
        return cls(waits, drain, mean_wait, rho * lanes / mean * mean_wait, rho, overloaded)

    def finds_waiting(self, k: np.ndarray | float) -> np.ndarray:
        """P(at least `k` are waiting when she comes): in M/M/c, C * rho**k."""
        return self.wait_prob * self.utilisation ** np.maximum(np.ceil(k), 0.0)

    def reneges(self, patience_mean_min: np.ndarray | float) -> np.ndarray:
        """P(her patience runs out before a lane frees): exponential patience vs the wait."""
        theta = 1.0 / np.asarray(patience_mean_min, float)
        return self.wait_prob * theta / (theta + self.drain_rate)


def wait_quantile(weights: np.ndarray, queues: HourQueues, q: float = 0.95) -> np.ndarray:
    """The `q` quantile of the wait over a day's hours (last axis), each hour weighted by
    `weights` (its customers): the mixture of the hours' laws, solved by bisection."""
    total = np.maximum(weights.sum(axis=-1, keepdims=True), 1e-300)
    share = weights / total
    tail = 1.0 - q

    def beyond(t: np.ndarray) -> np.ndarray:
        return (share * queues.wait_prob * np.exp(-queues.drain_rate * t[..., None])).sum(-1)

    low = np.zeros(weights.shape[:-1])
    high = np.full(weights.shape[:-1], 1.0)
    for _ in range(60):  # widen until the tail beyond `high` is small enough
        grow = beyond(high) > tail
        if not grow.any():
            break
        high = np.where(grow, high * 2, high)
    for _ in range(40):
        mid = (low + high) / 2
        above = beyond(mid) > tail
        low, high = np.where(above, mid, low), np.where(above, high, mid)
    return np.where(beyond(np.zeros_like(low)) > tail, high, 0.0)
