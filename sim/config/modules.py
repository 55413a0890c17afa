"""Checks of the business modules' own settings (contact rules, tier rules...), run with the
schema checks so that every problem is listed before anything starts.

Nested objects are built (`_partial_`: the modules themselves only when the run starts), and
a module's own `InvalidInput` is reported under its full key path.
"""

from __future__ import annotations

from typing import Any

from hydra.errors import InstantiationException
from hydra.utils import instantiate

from retail.errors import InvalidInput
from sim.config.schema import MODULES


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
