"""Chain fidelity (issue 19): the day-step kernel in member-days per second, and a run of a
chain through the modules in days per second.

Goals: the kernel at least 50 million member-days a second (people x days, the visits of a
day drawn over the whole population); `national` (1,000 stores) for 365 days within 30 s and
`giant` (10,000 stores) within 5 minutes. The full-year runs take minutes, so they are not in
`make bench`: `python benchmarks/chain_year.py national` measures one (see its docstring).
"""

from __future__ import annotations

import pytest

from sim.chain.model import ChainModel
from sim.chain.visits import day_visits
from sim.config.load import compose_config, validate

KERNEL_DAYS = 7


@pytest.fixture(scope="module")
def regional() -> ChainModel:
    """The regional chain (100 stores, 400,000 people) built once, no day run yet."""
    return ChainModel(validate(compose_config(["chain=regional", "progress=off"])))


def test_kernel_member_days(benchmark, throughput, regional):
    """The visits of a week over the regional chain: who comes, when, what she would buy."""
    world = regional.world
    rng = regional.streams.get("bench/kernel")

    def week() -> int:
        return sum(len(day_visits(world, day, rng).store) for day in range(KERNEL_DAYS))

    benchmark.pedantic(week, rounds=3, iterations=1)
    throughput(benchmark, "chain_member_days", len(regional.population) * KERNEL_DAYS)


def test_regional_chain_days(benchmark, throughput):
    """Whole days of the regional chain through every module (build excluded)."""

    def setup():
        model = ChainModel(validate(compose_config(["chain=regional", "days=7"])))
        return (model,), {}

    benchmark.pedantic(lambda model: model.run(), setup=setup, rounds=2, iterations=1)
    throughput(benchmark, "chain_regional_days", 7)
