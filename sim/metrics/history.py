"""What the modules archive during a run (closed orders, their lines, posted sales), written
as it leaves them: `history/<table>/day-NNNN.parquet`, one file per table and day, so that
a year of a chain's sales is on disk rather than in memory. DuckDB reads a table whole:
`SELECT * FROM 'history/orders/*.parquet'`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa

from sim.metrics.results import write_parquet


class History:
    """Archived tables by name; `folder` None keeps only the counts (a model run outside a
    results folder: tests, benchmarks), the rows themselves are dropped."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.rows: dict[str, int] = {}

    def write(self, day: int, tables: dict[str, pd.DataFrame]) -> None:
        """The tables archived at the close of `day` (0-based)."""
        for name, table in tables.items():
            self.rows[name] = self.rows.get(name, 0) + len(table)
            if self.folder is not None and len(table):
                path = self.folder / name / f"day-{day:04d}.parquet"
                path.parent.mkdir(parents=True, exist_ok=True)
                write_parquet(path, _typed(table.reset_index() if table.index.name else table))


def _typed(frame: pd.DataFrame) -> pa.Table:
    """The frame as Arrow, a text column without any value typed as text (not as nulls), so
    that every day's file of a table has one schema."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    schema = pa.schema(
        [f.with_type(pa.string()) if pa.types.is_null(f.type) else f for f in table.schema]
    )
    return table.cast(schema)
