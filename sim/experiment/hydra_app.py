"""The Hydra application behind `storetwin run`: one job = one run folder.

Hydra owns the command line grammar, multirun and the output folder (`hydra.run.dir`,
`hydra.sweep.dir`); the job writes its results into that folder.
"""

from __future__ import annotations

from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig
from rich.console import Console

from sim.business.modules import secret_is_drawn
from sim.config.load import CONFIG_NAME, config_dir, validate
from sim.experiment.progress import SimulationProgress, kpi_table
from sim.experiment.run import run


@hydra.main(config_path=str(config_dir()), config_name=CONFIG_NAME, version_base="1.3")
def hydra_run(cfg: DictConfig) -> float:
    config = validate(cfg)  # already checked by the CLI; cheap, and guards direct callers
    hydra_config = HydraConfig.get()
    folder = Path(hydra_config.runtime.output_dir)
    console = Console()
    if secret_is_drawn(config):
        console.print(
            "membership: no hashing secret configured (STORETWIN_MEMBER_SECRET or "
            "modules.membership.secret); this run draws a random one and keeps it in memory only"
        )
    progress = SimulationProgress(console, config.progress)
    try:
        outcome = run(config, folder, progress, overrides=list(hydra_config.overrides.task))
    except BaseException:
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()  # Hydra made it for this run; a failed run leaves nothing behind
        raise
    finally:
        progress.close()
    console.print(
        kpi_table(outcome.summary, f"{config.chain.name}, {config.days} day(s), seed {config.seed}")
    )
    for name, value in outcome.reference.items():
        console.print(f"theory: {name} = {value:.4f}")
    console.print(
        f"{outcome.visits:,} visits, {outcome.events:,} events in "
        f"{outcome.wall_s:.2f} s; results in {folder}"
    )
    return outcome.summary["revenue"]
