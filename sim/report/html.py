"""A self-contained HTML report: tables and embedded PNG figures, no external files."""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sim.metrics.results import write_atomic

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.5rem 0; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: right; }
th { background: #f3f3f3; } td:first-child, th:first-child { text-align: left; }
.better { color: #17803d; font-weight: 600; } .worse { color: #b3261e; font-weight: 600; }
img { max-width: 100%; border: 1px solid #eee; } .note { color: #555; font-size: 0.9rem; }
"""


@dataclass
class Report:
    title: str
    parts: list[str] = field(default_factory=list)

    def heading(self, text: str) -> None:
        self.parts.append(f"<h2>{html.escape(text)}</h2>")

    def paragraph(self, text: str) -> None:
        self.parts.append(f"<p class='note'>{html.escape(text)}</p>")

    def table(self, frame: pd.DataFrame, float_format: str = "{:,.4g}") -> None:
        def cell(value: object) -> str:
            if isinstance(value, float):
                return float_format.format(value)
            return html.escape(str(value))

        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
        body = []
        for row in frame.itertuples(index=False):
            cells = []
            for column, value in zip(frame.columns, row, strict=True):
                css = (
                    f" class='{value}'"
                    if column == "verdict" and value in ("better", "worse")
                    else ""
                )
                cells.append(f"<td{css}>{cell(value)}</td>")
            body.append("<tr>" + "".join(cells) + "</tr>")
        self.parts.append(f"<table><tr>{head}</tr>{''.join(body)}</table>")

    def figure(self, png: Path, caption: str = "") -> None:
        data = base64.b64encode(png.read_bytes()).decode("ascii")
        self.parts.append(
            f"<figure><img src='data:image/png;base64,{data}' "
            f"alt='{html.escape(caption)}'><figcaption class='note'>"
            f"{html.escape(caption)}</figcaption></figure>"
        )

    def render(self) -> str:
        return (
            f"<!doctype html><html><head><meta charset='utf-8'><title>"
            f"{html.escape(self.title)}</title><style>{STYLE}</style></head><body>"
            f"<h1>{html.escape(self.title)}</h1>{''.join(self.parts)}</body></html>\n"
        )

    def write(self, path: Path) -> Path:
        text = self.render()
        write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
        return path
