"""Build the business modules from their Hydra `_target_` specs."""

from __future__ import annotations

import secrets

from hydra.errors import InstantiationException
from hydra.utils import instantiate

from retail.errors import InvalidInput
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


def build_membership(
    config: RunConfig, categories: tuple[str, ...]
) -> tuple[MembershipPort, str | None]:
    """The membership module and its secret; without a configured one
    (`modules.membership.secret` or STORETWIN_MEMBER_SECRET), one drawn for this run alone
    (see `secret_is_drawn`)."""
    spec = config.modules.membership
    if secret_is_drawn(config):
        spec = {**spec, "secret": secrets.token_hex(32)}
    # Positional: `instantiate` keeps the keyword `config` for itself.
    module = _build(spec, "membership", MembershipPort, MembershipConfig(categories=categories))
    secret = spec.get("secret")
    return module, str(secret) if secret is not None else None


def secret_is_drawn(config: RunConfig) -> bool:
    """No hashing secret is configured: the run draws a random one, kept in memory only. A
    simulated chain's numbers are made up; a real chain configures its secret."""
    return "secret" in config.modules.membership and config.modules.membership["secret"] is None


def build_inventory(config: RunConfig) -> InventoryPort:
    """The inventory center over the chain's sites (stores and warehouses)."""
    kinds = {"direct": LocationKind.DIRECT_STORE, "franchise": LocationKind.FRANCHISE_STORE,
             "warehouse": LocationKind.WAREHOUSE}  # fmt: skip
    locations = [Location(s.id, kinds[s.kind], s.lat, s.lon) for s in config.chain.sites]
    return _build(config.modules.inventory, "inventory", InventoryPort, locations)


def build_ledger(config: RunConfig) -> LedgerPort:
    return _build(config.modules.ledger, "ledger", LedgerPort)


def build_orders(
    config: RunConfig, inventory: InventoryPort | None, ledger: LedgerPort
) -> OrderPort:
    return _build(config.modules.orders, "orders", OrderPort, inventory, ledger)


def build_marketing(config: RunConfig) -> MarketingPort:
    return _build(config.modules.marketing, "marketing", MarketingPort)


def build_tiering(config: RunConfig) -> TieringPort:
    return _build(config.modules.tiering, "tiering", TieringPort)


def _build(spec: dict, name: str, port: type, *args: object):
    target = spec["_target_"]
    try:
        module = instantiate(spec, *args)
    except InstantiationException as error:
        cause = error.__cause__
        if isinstance(cause, InvalidInput):  # the module's own words, naming its setting
            raise InvalidInput(f"modules.{name}.{cause.field}", cause.reason) from None
        raise TypeError(f"modules.{name}._target_: cannot build {target}: {error}") from None
    if not isinstance(module, port):
        raise TypeError(f"modules.{name}._target_: {target} does not satisfy {port.__name__}")
    return module
