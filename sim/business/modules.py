"""Build the business modules from their Hydra `_target_` specs."""

from __future__ import annotations

from hydra.errors import InstantiationException
from hydra.utils import instantiate

from retail.inventory import Location, LocationKind
from retail.membership import MembershipConfig
from retail.ports import (
    InventoryPort,
    LedgerPort,
    MarketingPort,
    MembershipPort,
    OrderPort,
    TieringPort,
)
from sim.config.schema import RunConfig


def build_membership(config: RunConfig, categories: tuple[str, ...]) -> MembershipPort:
    # Positional: `instantiate` keeps the keyword `config` for itself.
    return _build(config, "membership", MembershipPort, MembershipConfig(categories=categories))


def build_inventory(config: RunConfig) -> InventoryPort:
    """The inventory center over the chain's sites (stores and warehouses)."""
    kinds = {"direct": LocationKind.DIRECT_STORE, "franchise": LocationKind.FRANCHISE_STORE,
             "warehouse": LocationKind.WAREHOUSE}  # fmt: skip
    locations = [Location(s.id, kinds[s.kind], s.lat, s.lon) for s in config.chain.sites]
    return _build(config, "inventory", InventoryPort, locations)


def build_ledger(config: RunConfig) -> LedgerPort:
    return _build(config, "ledger", LedgerPort)


def build_orders(
    config: RunConfig, inventory: InventoryPort | None, ledger: LedgerPort
) -> OrderPort:
    return _build(config, "orders", OrderPort, inventory, ledger)


def build_marketing(config: RunConfig) -> MarketingPort:
    return _build(config, "marketing", MarketingPort)


def build_tiering(config: RunConfig) -> TieringPort:
    return _build(config, "tiering", TieringPort)


def _build(config: RunConfig, name: str, port: type, *args: object):
    spec = getattr(config.modules, name)
    target = spec["_target_"]
    try:
        module = instantiate(spec, *args)
    except InstantiationException as error:
        raise TypeError(f"modules.{name}._target_: cannot build {target}: {error}") from None
    if not isinstance(module, port):
        raise TypeError(f"modules.{name}._target_: {target} does not satisfy {port.__name__}")
    return module
