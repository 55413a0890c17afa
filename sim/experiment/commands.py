"""`storetwin compare`, `storetwin sweep` and `storetwin report`.

Options are `key=value` words (`replications=5 backend=dask`); every other word is a Hydra
override applied to every run (`days=2 store.lanes=3`), with `a,b,c` sweeping in `sweep`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table

from sim.config.load import ConfigErrors
from sim.experiment import compare as comparing
from sim.experiment import scenario as scenarios
from sim.experiment import sweep as sweeping
from sim.experiment.backends import BACKENDS, make_backend
from sim.experiment.jobs import JobResult
from sim.experiment.study import results_table
from sim.metrics.results import write_json, write_parquet
from sim.report import build

EXIT_FAILED = 1


class UsageError(ConfigErrors):
    pass


def split_options(
    args: list[str], options: dict[str, Callable[[str], object]]
) -> tuple[dict[str, object], list[str]]:
    """Command options (by name, converted) and the remaining Hydra overrides."""
    chosen, overrides, problems = {}, [], []
    for arg in args:
        key, _, value = arg.partition("=")
        if key in options:
            try:
                chosen[key] = options[key](value)
            except ValueError as error:
                problems.append(f"{key}: {error}")
        else:
            overrides.append(arg)
    if problems:
        raise UsageError(problems)
    return chosen, overrides


def _console() -> Console:
    """Wide enough for the effects table when the output is a file or a pipe."""
    console = Console()
    return console if console.is_terminal else Console(width=140)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError(f"must be >= 1, got {value}")
    return value


def _fraction(text: str) -> float:
    value = float(text)
    if not 0 < value < 1:
        raise ValueError(f"must be between 0 and 1, got {value}")
    return value


def _backend(text: str) -> str:
    if text not in BACKENDS:
        raise ValueError(f"unknown {text!r}; choose {', '.join(BACKENDS)}")
    return text


BACKEND_OPTIONS: dict[str, Callable[[str], object]] = {
    "backend": _backend,
    "workers": _positive_int,
    "address": str,
    "out": Path,
}


def _progress(console: Console, total: int) -> Callable[[JobResult, bool], None]:
    count = [0]

    def report(result: JobResult, ran: bool) -> None:
        count[0] += 1
        state = "done" if result.ok else "FAILED"
        how = f"{result.wall_s:5.1f} s" if ran else "(already done)"
        console.print(f"[{count[0]}/{total}] {result.key} {state} {how}", highlight=False)

    return report


def _report_failures(console: Console, failures: list[JobResult]) -> int:
    if not failures:
        return 0
    console.print(f"[bold red]{len(failures)} run(s) failed:[/]")
    for failure in failures:
        console.print(
            f"  - {failure.key}: {failure.error}  (traceback and config in {failure.folder})",
            markup=False,
            highlight=False,
        )
    return EXIT_FAILED


def compare_command(args: list[str]) -> int:
    console = _console()
    options, overrides = split_options(
        args,
        {
            **BACKEND_OPTIONS,
            "scenario": str,
            "replications": _positive_int,
            "precision": _fraction,
            "max_replications": _positive_int,
        },
    )
    if "scenario" not in options:
        raise UsageError([f"scenario: name one of {', '.join(scenarios.available())}"])
    spec = comparing.CompareSpec(
        scenarios.load(options["scenario"]),
        tuple(overrides),
        options.get("replications"),
        options.get("precision"),
        options.get("max_replications", 100),
    )
    comparing.plan(spec, range(1))  # validates every variant's config before any run
    root = options.get("out") or comparing.default_root(spec)
    backend = make_backend(
        options.get("backend", "local"), options.get("workers"), options.get("address")
    )
    total = spec.start_replications * len(spec.scenario.variants)
    console.print(f"comparing {spec.scenario.name}: {spec.scenario.question}")
    result = comparing.compare(spec, root, backend, _progress(console, total))
    if result.failures:
        return _report_failures(console, result.failures)
    write_parquet(root / comparing.RUNS_TABLE, result.runs)
    write_parquet(root / comparing.EFFECTS_TABLE, result.effects)
    write_json(
        root / "comparison.json",
        {
            "scenario": spec.scenario.name,
            "question": spec.scenario.question,
            "overrides": list(spec.overrides),
            "replications": result.replications,
            "effects": result.effects.to_dict(orient="records"),
        },
    )
    build.report(root)
    console.print(effects_table(result.effects, spec.scenario.kpis, result.replications))
    console.print(f"{result.ran} run(s) now, {len(result.runs)} in all; results in {root}")
    return 0


def effects_table(effects, kpis: list[str], replications: int) -> Table:
    table = Table(title=f"paired differences over {replications} replications (95 % CI)")
    for column in (
        "treatment",
        "KPI",
        "baseline",
        "treatment mean",
        "difference",
        "interval",
        "verdict",
    ):
        table.add_column(column, justify="left" if column in ("treatment", "KPI") else "right")
    for row in effects[effects["kpi"].isin(kpis)].itertuples():
        colour = {"better": "green", "worse": "red"}.get(row.verdict, "white")
        table.add_row(
            row.treatment,
            row.kpi,
            f"{row.baseline_mean:,.4g}",
            f"{row.treatment_mean:,.4g}",
            f"{row.difference:+,.4g}",
            f"[{row.ci_low:+,.4g}, {row.ci_high:+,.4g}]",
            f"[{colour}]{row.verdict}[/]",
        )
    return table


def sweep_command(args: list[str]) -> int:
    console = _console()
    options, overrides = split_options(args, {**BACKEND_OPTIONS, "replications": _positive_int})
    spec = sweeping.SweepSpec(tuple(overrides), options.get("replications", 1))
    root = options.get("out") or sweeping.default_root(spec)
    backend = make_backend(
        options.get("backend", "local"), options.get("workers"), options.get("address")
    )
    study = sweeping.study(spec, root)  # validates every job's config, then writes the manifest
    jobs = list(study.jobs.values())
    outcome = study.run(backend, jobs, _progress(console, len(jobs)))
    table = results_table(outcome.jobs, outcome.results)
    write_parquet(root / sweeping.RESULTS_TABLE, table)
    build.report(root)
    console.print(
        f"{outcome.ran} run(s) now, {len(jobs) - outcome.ran} already done, "
        f"{outcome.wall_s:.1f} s; results in {root}"
    )
    return _report_failures(console, outcome.failures)


def report_command(args: list[str]) -> int:
    if len(args) != 1:
        raise UsageError(["report: name one folder: storetwin report DIR"])
    folder = Path(args[0])
    if not folder.is_dir():
        raise UsageError([f"report: {folder} is not a folder"])
    path = build.report(folder)
    Console().print(f"report written to {path}")
    return 0


__all__ = ["compare_command", "report_command", "sweep_command"]
