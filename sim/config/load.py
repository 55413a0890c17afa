"""Compose the run configuration with Hydra and validate it against the schemas.

Validation lists every problem with its full key path (`store.zones[1].visit_prob`), so a
user fixes all of them in one go. It runs before anything is written.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import HydraException
from omegaconf import DictConfig, OmegaConf
from pydantic import TypeAdapter, ValidationError

from sim.config import modules
from sim.config.schema import RunConfig

CONFIG_NAME = "config"
MAX_SWEEP_JOBS = 10_000
# Settings that must never reach a file the project writes (results, manifests, failures).
SECRET_KEYS = ("modules.membership.secret",)
REDACTED = "<redacted>"


def config_dir() -> Path:
    """The `conf/` folder: `$STORETWIN_CONF`, else the one beside the packages."""
    configured = os.environ.get("STORETWIN_CONF")
    return Path(configured) if configured else Path(__file__).resolve().parents[2] / "conf"


class ConfigErrors(Exception):
    """The configuration has problems; `problems` lists each as `key.path: message`."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


_ADAPTER = TypeAdapter(RunConfig)


def key_path(loc: Sequence[Any]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif str(part).startswith(("function-", "tagged-union")):
            continue  # pydantic's internal validator names, not config keys
        else:
            path += f".{part}" if path else str(part)
    return path or "<root>"


def to_dict(config: RunConfig) -> dict[str, Any]:
    """The config as plain JSON-ready data (dates as ISO strings), secrets redacted: what
    files and a run's identity (its config hash) are made of."""
    data = _ADAPTER.dump_python(config, mode="json")
    for key in SECRET_KEYS:
        *parents, name = key.split(".")
        section = data
        for part in parents:
            section = section.get(part) or {}
        if section.get(name) is not None:
            section[name] = REDACTED
    return data


def literal_secrets(cfg: DictConfig) -> list[str]:
    """Each secret given as a literal value rather than read from the environment: a literal
    is copied wherever the config goes (Hydra's sweep files, results, shell history)."""
    unresolved = OmegaConf.to_container(cfg, resolve=False)
    problems = []
    for key in SECRET_KEYS:
        value: Any = unresolved
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value is not None and not (isinstance(value, str) and value.startswith("${oc.env:")):
            problems.append(
                f"{key}: a secret is read from the environment (STORETWIN_MEMBER_SECRET, as the "
                "default config does), never written in a config or on the command line"
            )
    return problems


def validate(cfg: DictConfig | dict) -> RunConfig:
    """The typed config, or `ConfigErrors` naming every problem."""
    raw = OmegaConf.to_container(cfg, resolve=True) if isinstance(cfg, DictConfig) else cfg
    problems = literal_secrets(cfg) if isinstance(cfg, DictConfig) else []
    problems += modules.problems(raw.get("modules") if isinstance(raw, dict) else None)
    try:
        config = _ADAPTER.validate_python(raw)
    except ValidationError as error:
        for item in error.errors():
            message = item["msg"].removeprefix("Value error, ")
            if item["type"] == "unexpected_keyword_argument":
                message = "unknown key"
            problems.append(
                f"{key_path(item['loc'])}: {message} (got {item['input']!r})"
                if item["type"] not in ("missing", "unexpected_keyword_argument")
                and not isinstance(item["input"], dict | list)
                else f"{key_path(item['loc'])}: {message}"
            )
        raise ConfigErrors(problems) from None
    if not problems:  # the modules as a run builds them, once their settings are sound
        problems.extend(modules.build_problems(config))
    if problems:
        raise ConfigErrors(problems)
    return config


def compose_config(overrides: Sequence[str] = ()) -> DictConfig:
    """The composed (not yet validated) config for these Hydra overrides."""
    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
        try:
            return compose(config_name=CONFIG_NAME, overrides=list(overrides))
        except HydraException as error:  # unknown group option, key or override syntax
            raise ConfigErrors([f"overrides {list(overrides)}: {error}"]) from None


def expand_sweep(overrides: Sequence[str]) -> list[list[str]]:
    """Every job's overrides of a Hydra multirun (cartesian product of the sweeps)."""
    parsed = OverridesParser.create().parse_overrides(list(overrides))
    choices = []
    for override in parsed:
        key = override.get_key_element()
        if override.is_sweep_override():
            values = list(override.sweep_string_iterator())
            choices.append([f"{key}={value}" for value in values])
        else:
            choices.append([override.input_line])
    jobs = [list(combo) for combo in itertools.product(*choices)]
    if len(jobs) > MAX_SWEEP_JOBS:
        raise ConfigErrors(
            [f"<overrides>: the sweep has {len(jobs)} jobs, more than {MAX_SWEEP_JOBS}"]
        )
    return jobs


def check_overrides(overrides: Sequence[str], multirun: bool) -> None:
    """Compose and validate every job these overrides describe; `ConfigErrors` if any fails.

    Overrides of Hydra's own settings (`hydra.run.dir=...`) are left to Hydra.
    """
    own = [o for o in overrides if not is_hydras(o)]
    jobs = expand_sweep(own) if multirun else [list(own)]
    problems: list[str] = []
    for job in jobs:
        prefix = f"[{' '.join(job)}] " if multirun and len(jobs) > 1 else ""
        problems.extend(prefix + p for p in _job_problems(job))
    if problems:
        raise ConfigErrors(problems)


def is_hydras(override: str) -> bool:
    """An override of Hydra's own settings (`hydra.run.dir=...`, `hydra/launcher=...`),
    left to Hydra; `hydrant=1` is not one."""
    key = override.lstrip("+~").partition("=")[0]
    return key == "hydra" or key.startswith(("hydra.", "hydra/"))


def _job_problems(job: list[str]) -> list[str]:
    """Every problem of one job: overrides Hydra refuses, then schema problems of the rest."""
    try:
        cfg = compose_config(job)
    except Exception:  # Hydra stops at the first bad override: find each one on its own
        refused = {}
        for override in job:
            try:
                compose_config([override])
            except Exception as error:
                refused[override] = _hydra_message(error)
        problems = list(refused.values())
        try:
            cfg = compose_config([o for o in job if o not in refused])
        except Exception as error:  # overrides that only fail together
            return [*problems, _hydra_message(error)]
    else:
        problems = []
    try:
        validate(cfg)
    except ConfigErrors as errors:
        problems.extend(errors.problems)
    return problems


def _hydra_message(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    key = re.search(r"override '([^']+)'", text)
    if key and "Could not override" in text:
        return f"{key.group(1)}: unknown key (add it with '+' only if the schema has it)"
    return f"<overrides>: {text}"
