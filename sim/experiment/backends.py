"""Where jobs run: in this process, in a pool of local processes, or on a Dask cluster.

Each backend yields results as jobs finish, so the caller records progress as it goes and an
interrupted study keeps what finished.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Protocol

from sim.experiment.jobs import Job, JobResult, execute


class Backend(Protocol):
    name: str

    def run(self, jobs: Sequence[Job], root: Path) -> Iterator[JobResult]: ...


class SerialBackend:
    name = "serial"

    def run(self, jobs: Sequence[Job], root: Path) -> Iterator[JobResult]:
        for job in jobs:
            yield execute(job, root)


class LocalBackend:
    """A pool of worker processes on this machine (default: one per core)."""

    name = "local"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1

    def run(self, jobs: Sequence[Job], root: Path) -> Iterator[JobResult]:
        if self.workers == 1 or len(jobs) <= 1:
            yield from SerialBackend().run(jobs, root)
            return
        # fork: workers start with the simulator already imported (a second, not five). The
        # parent's objects are frozen first, so the workers' collectors never walk (and so
        # copy) the memory they share with it.
        context = multiprocessing.get_context("fork")
        gc.freeze()
        try:
            with ProcessPoolExecutor(min(self.workers, len(jobs)), mp_context=context) as pool:
                futures = [pool.submit(execute, job, root) for job in jobs]
                for future in as_completed(futures):
                    yield future.result()
        finally:
            gc.unfreeze()


class DaskBackend:
    """Jobs as Dask tasks: a scheduler address, or a local cluster started for the study.

    Every worker must see `root` (a shared filesystem, as on SLURM or Kubernetes clusters
    with a shared volume).
    """

    name = "dask"

    def __init__(self, address: str | None = None, workers: int | None = None) -> None:
        self.address = address
        self.workers = workers or os.cpu_count() or 1

    def run(self, jobs: Sequence[Job], root: Path) -> Iterator[JobResult]:
        try:
            from distributed import Client, LocalCluster
            from distributed import as_completed as dask_completed
        except ImportError as error:  # the optional extra
            raise RuntimeError(
                "backend=dask needs the dask extra: pip install 'storetwin[dask]'"
            ) from error
        cluster = None
        if self.address:
            client = Client(self.address)
        else:
            cluster = LocalCluster(
                n_workers=self.workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
            client = Client(cluster)
        try:
            futures = [
                client.submit(execute, job, root, key=f"job-{job.key}", pure=False) for job in jobs
            ]
            for future in dask_completed(futures):
                yield future.result()
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


BACKENDS = ("local", "serial", "dask")


def make_backend(name: str, workers: int | None = None, address: str | None = None) -> Backend:
    if name == "serial":
        return SerialBackend()
    if name == "local":
        return LocalBackend(workers)
    if name == "dask":
        return DaskBackend(address, workers)
    raise ValueError(f"backend: unknown {name!r}; choose serial, local or dask")
