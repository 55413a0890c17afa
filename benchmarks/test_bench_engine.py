"""Detailed-store journeys per second against bare SimPy M/M/c customers per second.

Goal (issue 2): a full journey costs at most 5x a bare M/M/c customer (ratio >= 0.2). The
ratio is printed at the end of `make bench` (see conftest.py).
"""

from __future__ import annotations

import numpy as np
import simpy

from sim.config.load import compose_config, validate
from sim.experiment.run import simulate

MMC_CUSTOMERS = 100_000
STORE_OVERRIDES = [
    "chain=single_store",
    "days=1",
    "store.daily_visitors=40000",
    "store.lanes=12",
    "store.guides=40",
    "progress=off",
    "strategy=status_quo",  # the journey of issue 2; the default job adds the digital playbook
]


def bare_mmc(customers: int, rate: float = 3.0, mean: float = 1.0, lanes: int = 4) -> int:
    """The plainest SimPy M/M/c: the yardstick a journey is measured against."""
    rng = np.random.Generator(np.random.PCG64(1))
    gaps = rng.exponential(1 / rate, customers).tolist()
    services = rng.exponential(mean, customers).tolist()
    env = simpy.Environment()
    tills = simpy.Resource(env, lanes)
    served = [0]

    def customer(service: float):
        with tills.request() as request:
            yield request
            yield env.timeout(service)
        served[0] += 1

    def arrivals():
        for gap, service in zip(gaps, services, strict=True):
            yield env.timeout(gap)
            env.process(customer(service))

    env.process(arrivals())
    env.run()
    return served[0]


def test_bench_bare_simpy_mmc(benchmark, throughput):
    served = benchmark.pedantic(bare_mmc, args=(MMC_CUSTOMERS,), rounds=5, iterations=1)
    assert served == MMC_CUSTOMERS
    throughput(benchmark, "mmc_customers", MMC_CUSTOMERS)


def test_bench_detailed_store_journeys(benchmark, throughput):
    config = validate(compose_config(STORE_OVERRIDES))
    model = benchmark.pedantic(simulate, args=(config,), rounds=5, iterations=1)
    journeys = model.visits
    assert journeys > 30_000
    throughput(benchmark, "store_journeys", journeys)
