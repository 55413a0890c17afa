"""Build the business modules from their Hydra `_target_` specs."""

from __future__ import annotations

from hydra.errors import InstantiationException
from hydra.utils import instantiate

from retail.membership import MembershipConfig
from retail.ports import MembershipPort
from sim.config.schema import RunConfig


def build_membership(config: RunConfig, categories: tuple[str, ...]) -> MembershipPort:
    target = config.modules.membership["_target_"]
    try:
        # Positional: `instantiate` keeps the keyword `config` for itself.
        module = instantiate(config.modules.membership, MembershipConfig(categories=categories))
    except InstantiationException as error:
        raise TypeError(f"modules.membership._target_: cannot build {target}: {error}") from None
    if not isinstance(module, MembershipPort):
        raise TypeError(f"modules.membership._target_: {target} does not satisfy MembershipPort")
    return module
