"""Checks of the business modules' own settings (contact rules, tier rules, the membership
secret...), run with the schema checks so that every problem is listed before anything starts.

First the nested objects of each spec are built (`_partial_`), then, once the whole config is
valid, each module itself, exactly as a run builds it; a module's own `InvalidInput` is
reported under its full key path.
"""

from __future__ import annotations

from typing import Any

from hydra.errors import InstantiationException
from hydra.utils import instantiate

from retail.errors import InvalidInput
from sim.config.schema import MODULES, RunConfig


def problems(modules: Any) -> list[str]:
    """Each problem as `modules.<module>.<field>: reason`; none for a non-dict (the schema
    reports that)."""
    if not isinstance(modules, dict):
        return []
    found = []
    for name in MODULES:
        spec = modules.get(name)
        if isinstance(spec, dict):
            found.extend(f"modules.{name}.{problem}" for problem in _module_problems(spec))
    return found


def _module_problems(spec: dict[str, Any]) -> list[str]:
    target = spec.get("_target_")
    if not isinstance(target, str) or "." not in target:
        return [f"_target_: a dotted path to a class, got {target!r}"]
    try:
        instantiate({**spec, "_partial_": True})
    except InstantiationException as error:
        cause = error.__cause__
        if isinstance(cause, InvalidInput):  # the module's own words, naming its field
            return [f"{cause.field}: {cause.reason}"]
        return [f"_target_: cannot build {target}: {cause or error}"]
    return []


def build_problems(config: RunConfig) -> list[str]:
    """Each problem of building the modules as the run will (`modules.<module>.<field>:
    reason`), then of handing the inventory center the chain's opening stock."""
    # The simulator's parts: imported only once the schema holds.
    from sim.business import modules as building
    from sim.business.stock_room import StockRoom
    from sim.engine.events import EventLog
    from sim.world.calendar import store_calendar
    from sim.world.catalog import Catalog

    catalog = Catalog.from_config(config.store.catalog)
    found, built = [], {}
    steps = {
        "membership": lambda: building.build_membership(config, catalog.category_names),
        "inventory": lambda: building.build_inventory(config),
        "ledger": lambda: building.build_ledger(config),
        "orders": lambda: building.build_orders(
            config, built.get("inventory"), built.get("ledger")
        ),
        "marketing": lambda: building.build_marketing(config),
        "tiering": lambda: building.build_tiering(config),
    }
    for name, build in steps.items():
        try:
            built[name] = build()
        except InvalidInput as error:
            found.append(f"{error.field}: {error.reason}")
        except TypeError as error:
            found.append(str(error))
    if not found and config.stock.enabled:
        try:  # what the stock room plans to stock the shelves with, for the center to take
            StockRoom(EventLog(), store_calendar(config), built["inventory"], config, catalog)
        except InvalidInput as error:
            found.append(f"stock.initial_cover_days: the opening stock is refused ({error})")
    return found
