"""The `storetwin` command.

`storetwin run [hydra overrides]` runs the twin. Overrides use Hydra's grammar
(`seed=7 days=2 store.lanes=3 hydra.run.dir=/some/dir`), `-m` runs a sweep. The
configuration of every job is validated before Hydra creates any folder; a bad one exits
with status 2 and a list of every problem.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from rich.console import Console

from sim.config.load import ConfigErrors, check_overrides

EXIT_BAD_CONFIG = 2
MULTIRUN_FLAGS = ("-m", "--multirun")
# Hydra flags that print something and run nothing: no validation needed first.
INFO_FLAGS = (
    "--help",
    "-h",
    "--hydra-help",
    "--info",
    "-i",
    "--cfg",
    "-c",
    "--version",
    "--shell-completion",
    "-sc",
    "--resolve",
)

USAGE = """usage: storetwin COMMAND [overrides]

commands:
  run       simulate the chain with the composed config (Hydra overrides, -m to sweep)
  compare   scenario=NAME [replications=N] [precision=0.05 max_replications=N] [overrides]
            every variant x replication with common random numbers; paired effects, 95 % CI
  sweep     param=a,b,c ... [replications=N] [overrides]: a resumable parallel grid
  report    DIR: tables, plots and report.html for any folder of results

study options: backend=local|serial|dask workers=N address=tcp://host:8786 out=DIR
`storetwin run --help` shows the config groups and their options."""


def _overrides(args: Sequence[str]) -> list[str]:
    """The key=value overrides of a Hydra command line (flags and their values removed)."""
    overrides, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg in (
            "--config-path",
            "-cp",
            "--config-name",
            "-cn",
            "--config-dir",
            "-cd",
            "--experimental-rerun",
        ):
            skip = True
        elif not arg.startswith("-"):
            overrides.append(arg)
    return overrides


def run_command(args: list[str]) -> int:
    console = Console(stderr=True, soft_wrap=True)
    if not any(a in INFO_FLAGS or a.split("=")[0] in INFO_FLAGS for a in args):
        multirun = any(a in MULTIRUN_FLAGS for a in args)
        try:
            check_overrides(_overrides(args), multirun=multirun)
        except ConfigErrors as errors:
            console.print(
                f"[bold red]storetwin: bad configuration, nothing was run "
                f"({len(errors.problems)} problem(s)):[/]"
            )
            for problem in errors.problems:
                console.print(f"  - {problem}", markup=False, highlight=False)
            return EXIT_BAD_CONFIG
    from sim.experiment.hydra_app import hydra_run  # imports the simulator: only when needed

    sys.argv = ["storetwin run", *args]
    hydra_run()
    return 0


def _study_command(name: str) -> Callable[[list[str]], int]:
    def command(args: list[str]) -> int:
        from sim.experiment import commands  # imports the simulator: only when needed

        try:
            return getattr(commands, f"{name}_command")(args)
        except ConfigErrors as errors:
            console = Console(stderr=True, soft_wrap=True)
            console.print(
                f"[bold red]storetwin {name}: nothing was run "
                f"({len(errors.problems)} problem(s)):[/]"
            )
            for problem in errors.problems:
                console.print(f"  - {problem}", markup=False, highlight=False)
            return EXIT_BAD_CONFIG

    return command


COMMANDS: dict[str, Callable[[list[str]], int]] = {
    "run": run_command,
    "compare": _study_command("compare"),
    "sweep": _study_command("sweep"),
    "report": _study_command("report"),
}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0
    command = COMMANDS.get(args[0])
    if command is None:
        print(f"storetwin: unknown command {args[0]!r}\n\n{USAGE}", file=sys.stderr)
        return EXIT_BAD_CONFIG
    return command(args[1:])


if __name__ == "__main__":
    sys.exit(main())
