"""Queueing theory the validation mode is checked against."""

from __future__ import annotations


def erlang_c_probability_wait(arrival_rate: float, service_mean: float, servers: int) -> float:
    """Probability that an arrival waits in an M/M/c queue (Erlang C)."""
    load = arrival_rate * service_mean  # offered load in Erlangs
    if load >= servers:
        raise ValueError(f"utilisation {load / servers:.3f} >= 1: no steady state")
    term, total = 1.0, 1.0
    for k in range(1, servers):
        term *= load / k
        total += term
    last = term * load / servers * servers / (servers - load)
    return last / (total + last)


def erlang_c_mean_wait(arrival_rate: float, service_mean: float, servers: int) -> float:
    """Mean time in queue (before service) of an M/M/c queue, in the rate's time unit."""
    waits = erlang_c_probability_wait(arrival_rate, service_mean, servers)
    return waits * service_mean / (servers - arrival_rate * service_mean)
