"""Every call the twin makes into `retail/` is on a Protocol of `retail/ports.py`.

The twin runs on modules wrapped so that only their Protocol's members exist and every call
must bind to the Protocol's signature: a plugged implementation that satisfies the ports
never fails at the first closing for want of a method the twin uses behind their back.
"""

import inspect
import typing

import pyarrow.parquet as pq
import pytest

from retail.orders import OrderCenter
from retail.ports import (
    ContactPolicyPort,
    InventoryPort,
    LedgerPort,
    MarketingPort,
    MembershipPort,
    OrderPort,
    TieringPort,
)
from sim.config.load import compose_config, validate
from sim.experiment.run import run
from sim.wiring import Modules
from sim.world.catalog import Catalog

NESTED = {"policy": ContactPolicyPort}  # attributes that are ports themselves


def protocol_members(protocol: type) -> set[str]:
    names = set()
    for cls in protocol.__mro__:
        if getattr(cls, "_is_protocol", False) and cls is not typing.Protocol:
            names |= {n for n in vars(cls) if not n.startswith("_")}
            names |= set(getattr(cls, "__annotations__", {}))
    return names


class PortOnly:
    """`target` seen only through `protocol`."""

    def __init__(self, target: object, protocol: type) -> None:
        self._target, self._protocol = target, protocol
        self._members = protocol_members(protocol)

    def __getattr__(self, name: str):
        if name not in self._members:
            raise AttributeError(f"{self._protocol.__name__} has no {name!r}")
        value = getattr(self._target, name)
        if name in NESTED:
            return PortOnly(value, NESTED[name])
        declared = getattr(self._protocol, name, None)
        if not callable(value) or declared is None:
            return value
        signature = inspect.signature(declared)

        def call(*args, **kwargs):
            signature.bind(self, *args, **kwargs)  # TypeError: the twin called off the port
            return value(*args, **kwargs)

        return call


def test_the_wrapper_refuses_what_a_protocol_lacks():
    ledger = PortOnly(object(), LedgerPort)
    with pytest.raises(AttributeError, match="LedgerPort has no 'entries'"):
        ledger.entries  # noqa: B018
    orders = PortOnly(OrderCenter(), OrderPort)
    with pytest.raises(TypeError):
        orders.frame("extra argument")


def test_the_twin_runs_its_closings_through_the_protocols_alone(tmp_path):
    overrides = ["days=3", "population.size=4000", "strategy.campaigns.first_day=1",
                 "stock.priority=by_tier", "chain.staff_hours=by_tier",
                 "hardware.beacons.installed=true"]  # fmt: skip
    config = validate(compose_config(overrides))
    built = Modules.from_config(config, Catalog.from_config(config.store.catalog).category_names)
    inventory = PortOnly(built.inventory, InventoryPort)
    ledger = PortOnly(built.ledger, LedgerPort)
    modules = Modules(
        membership=PortOnly(built.membership, MembershipPort),
        inventory=inventory,
        # The order center's own calls into stock and ledger go through their ports too.
        orders=PortOnly(OrderCenter(inventory, ledger), OrderPort),
        ledger=ledger,
        marketing=PortOnly(built.marketing, MarketingPort),
        tiering=PortOnly(built.tiering, TieringPort),
    )
    # The whole run: simulation, results folder, invariants and dashboard.
    outcome = run(config, tmp_path / "run", modules=modules)
    assert outcome.summary["invariant_violations"] == 0
    kinds = set(pq.read_table(tmp_path / "run" / "events.parquet")["kind"].to_pylist())
    assert {"StoreTiered", "RevenueShareSettled", "CampaignPushed", "MemberRegistered",
            "StockCounted", "OnlineOrderPlaced", "MemberRecognised"} <= kinds  # fmt: skip
