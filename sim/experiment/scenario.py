"""Named comparisons: a scenario folder holds `scenario.yaml` and a README for strategists.

name: checkout_lanes
question: Do mobile POS at peaks cut checkout waits enough to matter?
replications: 10              # default; `replications=N` on the command line overrides
world: [chain=five_stores]    # overrides shared by every variant
baseline: [strategy=status_quo]
treatments:
  queue_busting: [strategy=queue_busting]
kpis: [checkout_wait_mean_min, checkout_abandon_rate, revenue]   # the deciding KPIs
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import ConfigDict, Field, TypeAdapter, ValidationError
from pydantic.dataclasses import dataclass

from sim.config.load import ConfigErrors, key_path

SCENARIO_FILE = "scenario.yaml"


@dataclass(config=ConfigDict(extra="forbid"))
class Scenario:
    name: str
    question: str
    replications: Annotated[int, Field(ge=2)]
    baseline: list[str]
    treatments: Annotated[dict[str, list[str]], Field(min_length=1)]
    kpis: Annotated[list[str], Field(min_length=1)]
    world: list[str] = Field(default_factory=list)

    @property
    def variants(self) -> dict[str, list[str]]:
        return {"baseline": self.baseline, **self.treatments}


def scenarios_dir() -> Path:
    configured = os.environ.get("STORETWIN_SCENARIOS")
    return Path(configured) if configured else Path(__file__).resolve().parents[2] / "scenarios"


def available() -> list[str]:
    return sorted(p.parent.name for p in scenarios_dir().glob(f"*/{SCENARIO_FILE}"))


def load(name: str) -> Scenario:
    """The scenario called `name`, validated; `ConfigErrors` naming every problem."""
    path = scenarios_dir() / name / SCENARIO_FILE
    if not path.is_file():
        raise ConfigErrors([f"scenario: no scenario {name!r} (have: {', '.join(available())})"])
    raw = yaml.safe_load(path.read_text()) or {}
    try:
        scenario = TypeAdapter(Scenario).validate_python(raw)
    except ValidationError as error:
        raise ConfigErrors(
            [f"{path.name}: {key_path(e['loc'])}: {e['msg']}" for e in error.errors()]
        ) from None
    if "baseline" in scenario.treatments:
        raise ConfigErrors([f"{path.name}: treatments: 'baseline' is the baseline's name"])
    return scenario
