"""`storetwin report DIR`: tables, plots and `report.html` for any folder of results.

DuckDB reads every Parquet table below the folder: comparisons (`comparison.parquet`),
sweeps (`sweep.parquet`) and single runs (`kpis_daily.parquet`), wherever they sit.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd

from sim.metrics.kpis import KPI_NAMES
from sim.report import figures
from sim.report.html import Report

REPORT = "report.html"
HEADLINE_KPIS = (
    "revenue",
    "transactions",
    "conversion_true",
    "checkout_wait_mean_min",
    "checkout_abandon_rate",
)


def _query(sql: str, files: list[Path]) -> pd.DataFrame:
    con = duckdb.connect()
    try:
        listing = "[" + ", ".join(f"'{f.as_posix()}'" for f in files) + "]"
        return con.execute(sql.format(files=listing)).df()
    finally:
        con.close()


def _found(folder: Path, name: str) -> list[Path]:
    return sorted(
        p
        for p in folder.rglob(name)
        if not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def _comparisons(folder: Path, report: Report) -> None:
    files = _found(folder, "comparison.parquet")
    if not files:
        return
    effects = _query(
        "select *, filename from read_parquet({files}, filename=true, "
        "union_by_name=true) order by filename, treatment",
        files,
    )
    for path, part in effects.groupby("filename", sort=True):
        source = Path(path).parent
        meta_path = source / "comparison.json"
        meta = json.loads(meta_path.read_text()) if meta_path.is_file() else {}
        report.heading(f"Comparison: {meta.get('scenario', source.name)}")
        if meta.get("question"):
            report.paragraph(
                f"{meta['question']} ({meta.get('replications', '?')} "
                f"replications with common random numbers; 95 % intervals "
                f"of paired differences)"
            )
        deciding = part[part["deciding"]]
        report.table(
            deciding[
                [
                    "treatment",
                    "kpi",
                    "baseline_mean",
                    "treatment_mean",
                    "difference",
                    "ci_low",
                    "ci_high",
                    "n",
                    "verdict",
                ]
            ]
        )
        png = figures.forest(part, folder / "plots" / f"forest-{source.name}.png")
        report.figure(png, "Effects of each treatment (% of baseline, 95 % CI)")
        others = part[~part["deciding"]]
        if len(others):
            report.paragraph("Other KPIs")
            report.table(
                others[
                    [
                        "treatment",
                        "kpi",
                        "baseline_mean",
                        "treatment_mean",
                        "difference",
                        "ci_low",
                        "ci_high",
                        "verdict",
                    ]
                ]
            )


def _sweeps(folder: Path, report: Report) -> None:
    for path in _found(folder, "sweep.parquet"):
        table = _query("select * from read_parquet({files})", [path])
        source = path.parent
        manifest = source / "manifest.json"
        params = (
            json.loads(manifest.read_text())["spec"].get("parameters", [])
            if manifest.is_file()
            else []
        )
        params = [p for p in params if p in table.columns]
        report.heading(f"Sweep: {source.name} ({len(table)} runs)")
        kpis = [k for k in HEADLINE_KPIS if k in table.columns]
        if params:
            summary = table.groupby(params)[kpis].agg(["mean", "std", "count"])
            summary.columns = [f"{k} {s}" for k, s in summary.columns]
            report.table(summary.reset_index())
            for parameter in params:
                group = next((p for p in params if p != parameter), None)
                for kpi in kpis[:3]:
                    png = figures.kpi_by_parameter(
                        table,
                        parameter,
                        kpi,
                        folder / "plots" / f"sweep-{source.name}-{parameter}-{kpi}.png",
                        group,
                    )
                    report.figure(png, f"{kpi} by {parameter}")
        else:
            report.table(table[["key", *kpis]])


def _runs(folder: Path, report: Report) -> None:
    files = _found(folder, "kpis_daily.parquet")
    if not files:
        return
    sums = ", ".join(
        f"sum({k}) as {k}"
        for k in ("footfall_true", "footfall_measured", "transactions", "revenue")
    )
    runs = _query(
        f"select regexp_replace(filename, '/kpis_daily.parquet$', '') as run, "
        f"count(distinct day) as days, count(distinct store) as stores, {sums} "
        "from read_parquet({files}, filename=true, union_by_name=true) "
        "group by run order by run",
        files,
    )
    runs["run"] = [
        str(Path(r).relative_to(folder)) if Path(r) != folder else "." for r in runs["run"]
    ]
    runs["conversion_true"] = runs["transactions"] / runs["footfall_true"].where(
        runs["footfall_true"] > 0
    )
    report.heading(f"Runs ({len(runs)})")
    report.table(runs)


def report(folder: Path) -> Path:
    """Write `folder/report.html` (and its plots) from whatever results the folder holds."""
    report = Report(f"storetwin report: {folder.resolve().name}")
    _comparisons(folder, report)
    _sweeps(folder, report)
    _runs(folder, report)
    if not report.parts:
        report.paragraph(
            "No results found below this folder (no comparison.parquet, "
            "sweep.parquet or kpis_daily.parquet)."
        )
    report.paragraph(f"KPI names: {', '.join(KPI_NAMES)}. See the README for definitions.")
    return report.write(folder / REPORT)
