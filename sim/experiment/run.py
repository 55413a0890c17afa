"""One run: build the twin from a validated config, simulate, write the results folder."""

from __future__ import annotations

import datetime as dt
import platform
import resource
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from retail.membership import SEGMENT_NAMES
from sim.business.modules import secret_is_drawn
from sim.chain.mixed import MixedModel
from sim.chain.model import MODELLED, NOT_MODELLED, ChainModel
from sim.config.load import compose_config, to_dict, validate
from sim.config.schema import RunConfig
from sim.engine.gc_tuning import fewer_gc_passes
from sim.experiment.progress import SimulationProgress
from sim.metrics import plots
from sim.metrics.dashboard import kpi_dashboard
from sim.metrics.history import History
from sim.metrics.invariants import (
    chain_breaches,
    leaks_in_folder,
    module_breaches,
    sales_not_forwarded_once,
)
from sim.metrics.kpis import daily_kpis, events_frame, run_summary
from sim.metrics.queueing import erlang_c_mean_wait
from sim.metrics.results import (
    RUN_MARKER,
    STAGING_PREFIX,
    clean_staging,
    publish,
    staging_suffix,
    write_json,
    write_parquet,
)
from sim.model import TwinModel
from sim.validation import MmcModel
from sim.wiring import Modules

PACKAGES = (
    "storetwin",
    "simpy",
    "mesa",
    "numpy",
    "pandas",
    "pyarrow",
    "hydra-core",
    "pydantic",
    "matplotlib",
)


@dataclass(frozen=True)
class RunOutcome:
    folder: Path
    summary: dict[str, float]
    wall_s: float
    events: int
    visits: int
    reference: dict[str, float]


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def git_commit() -> str:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            cwd=Path(__file__).resolve().parent,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return result.stdout.strip() if result.returncode == 0 else "unknown"


Model = TwinModel | MmcModel | ChainModel | MixedModel
# Chain fidelity, or mixed: KPIs from the chain's totals (no whole-chain event log).
CHAINS = (ChainModel, MixedModel)


def build_model(
    config: RunConfig, modules: Modules | None = None, history: History | None = None
) -> Model:
    """The model a config asks for: the twin in its fidelity (on `modules`, if given; a
    chain archives into `history`), or the M/M/c validation model."""
    if config.mode == "validate_mmc":
        if modules is not None:
            raise ValueError("mode validate_mmc runs no business modules: none can be given")
        return MmcModel(config)
    if config.fidelity == "chain":
        return ChainModel(config, modules, history)
    if config.fidelity == "mixed":
        return MixedModel(config, modules, history)
    return TwinModel(config, modules)


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux reports kilobytes)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def simulate(
    config: RunConfig,
    progress: SimulationProgress | None = None,
    modules: Modules | None = None,
    history: History | None = None,
) -> Model:
    """Build and run the model the config asks for; it keeps what it counted."""
    model = build_model(config, modules, history)
    with fewer_gc_passes():
        while model.now < model.horizon_min:
            model.step()
            if progress is not None:
                progress.update(model.now, model.horizon_min)
    return model


def simulate_overrides(overrides: list[str]) -> TwinModel:
    """Compose, validate and simulate, as `storetwin run` would, without a results folder."""
    return simulate(validate(compose_config(overrides)))


def summarise(model: Model) -> dict[str, float]:
    """The KPI summary of a simulated model, as `summary.json` would hold it (without the
    end-of-run invariants, which need the results folder)."""
    if isinstance(model, CHAINS):
        return model.summary()
    events = events_frame(model.log.to_arrow(), model.config.days)
    return run_summary(events, model.monitors, model.calendar, model.config.days)


def run(
    config: RunConfig,
    folder: Path,
    progress: SimulationProgress | None = None,
    overrides: list[str] | None = None,
    modules: Modules | None = None,
) -> RunOutcome:
    """Simulate `config` (on `modules`, if given) and write its results folder: every file is
    made in a staging folder inside it and moved in only once all are there, `run.json` last,
    so a run that fails leaves nothing in `folder` (nor the folder, if it made it)."""
    started = time.perf_counter()
    with _archive_folder(config, folder) as archive:
        model = simulate(config, progress, modules, History(archive) if archive else None)
        wall_s = time.perf_counter() - started
        if isinstance(model, CHAINS):
            events = model.events() if isinstance(model, MixedModel) else None
            return _finish(config, folder, model, wall_s, overrides, model.daily_kpis(),
                           model.summary(), events, {}, archive)  # fmt: skip

    with fewer_gc_passes():
        table = model.log.to_arrow()
    events = events_frame(table, config.days)
    monitors = model.monitors
    daily = daily_kpis(events, monitors, model.calendar, config.days)
    summary = run_summary(events, monitors, model.calendar, config.days)
    reference = {}
    if config.mode == "validate_mmc":
        v = config.validate
        reference["erlang_c_wait_mean_min"] = erlang_c_mean_wait(
            v.arrival_rate_per_min, v.service_mean_min, v.lanes
        )

    return _finish(config, folder, model, wall_s, overrides, daily, summary, events, reference)


@contextmanager
def _archive_folder(config: RunConfig, folder: Path) -> Iterator[Path | None]:
    """Where a run archives its history as it runs (None: it keeps it all in the modules):
    beside `folder`, on its disk, for `_finish` to move in; removed whatever happens."""
    if config.history.keep_days is None:
        yield None
        return
    folder.parent.mkdir(parents=True, exist_ok=True)
    archive = Path(tempfile.mkdtemp(prefix=f".history-{staging_suffix()}-", dir=folder.parent))
    try:
        yield archive
    finally:
        shutil.rmtree(archive, ignore_errors=True)


def _finish(config, folder: Path, model, wall_s: float, overrides, daily, summary, events,
            reference, archive: Path | None = None) -> RunOutcome:  # fmt: skip
    """Write the results folder of a simulated model (staged, then published), with the
    `archive` folder the run's history went to as `history/`."""
    visits = model.visits
    made = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    clean_staging(folder, STAGING_PREFIX)
    staging = folder / f"{STAGING_PREFIX}{staging_suffix()}"  # on the folder's own disk
    try:
        record = {
            "config": to_dict(config),
            "overrides": list(overrides or []),
            "membership_secret": "drawn for this run, not kept"
            if secret_is_drawn(config)
            else "configured (redacted)",
            "seed": config.seed,
            "versions": package_versions(),
            "git_commit": git_commit(),
            "wall_s": round(wall_s, 4),
            "peak_rss_mb": peak_rss_mb(),
            "fidelity": config.fidelity,
            "events": len(model.log) if events is not None else 0,
            "visits": visits,
            "reference": reference,
        }
        if isinstance(model, CHAINS):
            record["modelled"] = list(MODELLED)
            record["not_modelled"] = list(NOT_MODELLED)
            record["archived_rows"] = dict(model.history.rows)
        staging.mkdir(parents=True, exist_ok=True)
        if archive is not None:
            shutil.move(archive, staging / "history")
        _write(staging, model, config, events, daily, summary, record)
        publish(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if made and not any(folder.iterdir()):
            folder.rmdir()  # a run that fails leaves no folder it made
        raise
    shutil.rmtree(staging, ignore_errors=True)
    return RunOutcome(folder, summary, wall_s, record["events"], visits, reference)


def _write(folder: Path, model, config: RunConfig, events, daily, summary, record) -> None:
    """Every results file, `run.json` (`record`) too; then the end-of-run invariants read
    them all, and `summary.json` gets their count."""
    if isinstance(model, CHAINS):
        return _write_chain(folder, model, config, events, daily, summary, record)
    monitors = model.monitors
    write_parquet(folder / "events.parquet", events.drop(columns=["day"]))
    write_parquet(folder / "kpis_daily.parquet", daily)
    plots.hourly_footfall_and_transactions(
        events, config.days, folder / "plots" / "hourly_footfall.png"
    )
    plots.queue_length_over_day(monitors, config.days, folder / "plots" / "queue_length.png")
    if config.mode == "store":
        title = f"{config.chain.name}: {config.days} day(s) from {config.start_date}"
        title += f", seed {config.seed}"
        end = model.calendar.datetime_at(model.horizon_min)
        mix = model.membership.rfm(end)["segment"].value_counts()
        kpi_dashboard(daily, monitors, config.days, title, folder / "plots" / "dashboard.png",
                      rfm_mix=mix.reindex(SEGMENT_NAMES, fill_value=0))  # fmt: skip
    write_json(folder / "summary.json", summary)
    write_json(folder / RUN_MARKER, record)
    if config.mode == "store":
        leaks = leaks_in_folder(folder, model.population.phone_number, model.modules.secrets)
        summary["invariant_violations"] = (
            len(leaks) + sales_not_forwarded_once(model) + module_breaches(model)
        )
        write_json(folder / "summary.json", summary)


def _write_chain(folder: Path, model: ChainModel | MixedModel, config: RunConfig, events,
                 daily, summary, record) -> None:  # fmt: skip
    """A chain-fidelity run's files: no per-visit event log (a year of a large chain would
    be billions of rows) and no simulated queue traces; the KPIs are the same. A mixed run
    adds the event log of its stores in detail."""
    write_parquet(folder / "kpis_daily.parquet", daily)
    if events is not None:
        write_parquet(folder / "events.parquet", events.drop(columns=["day"]))
    title = f"{config.chain.name} ({config.fidelity} fidelity): {config.days} day(s) from "
    title += f"{config.start_date}, seed {config.seed}"
    end = dt.datetime.combine(config.start_date, dt.time()) + dt.timedelta(days=config.days)
    mix = model.membership.rfm(end)["segment"].value_counts()
    kpi_dashboard(daily, {}, config.days, title, folder / "plots" / "dashboard.png",
                  rfm_mix=mix.reindex(SEGMENT_NAMES, fill_value=0))  # fmt: skip
    write_json(folder / "summary.json", summary)
    write_json(folder / RUN_MARKER, record)
    leaks = leaks_in_folder(folder, model.population.phone_number, model.modules.secrets)
    breaches = chain_breaches(model)
    if isinstance(model, MixedModel):
        breaches += sales_not_forwarded_once(model.twin)
    summary["invariant_violations"] = len(leaks) + breaches
    write_json(folder / "summary.json", summary)


__all__ = ["RunOutcome", "run", "simulate"]
