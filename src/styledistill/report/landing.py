"""The headline table of the report's landing page, as a reStructuredText fragment.

The report rule writes it to results/summary/landing.rst; workflow/report/workflow.rst pulls it in with
`.. include::` (docutils resolves the path against the working directory of `snakemake --report`). The fragment has
no section titles, so it fits under any heading of the page that includes it.
"""

from __future__ import annotations

import base64
import math
import string

import pandas as pd

# Leading columns that name a row rather than hold a score: shown as the table's stub (row header) columns.
ID_COLUMNS = ("family", "teacher", "dataset", "benchmark")

# Every ASCII punctuation character is escaped: a backslash before it makes it stand for itself in rst, so no cell
# can start inline markup (*, `, |, _, [), a substitution, or a block (a "- " bullet, ".. " directive, "A. " list).
_SPECIAL = set(string.punctuation)


def escape_rst(value: object) -> str:
    """Plain text as rst text that renders as the same characters, on one line."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = " ".join(str(value).split())  # newlines and runs of blanks would break the table's layout
    return "".join("\\" + ch if ch in _SPECIAL else ch for ch in text)


def landing_rst(headline: pd.DataFrame, notes: list[str], plot_png: bytes | None = None) -> str:
    """The headline table as an rst list-table (header row = column names; leading family/teacher/dataset/benchmark
    columns as stub columns), followed by the notes as a bullet list, then, when given, the plot (PNG bytes) as an
    image with a data: URI, so the report shows it offline wherever the HTML file is moved.

    (Snakemake's own `.. embeddedimage::` directive does not embed: it leaves a path relative to the directory where
    `snakemake --report` ran, which breaks once the report is opened from elsewhere.)"""
    parts: list[str] = []
    if headline.empty or len(headline.columns) == 0:
        parts.append("No scores yet.\n")
    else:
        stubs = 0
        for column in headline.columns:
            if str(column) not in ID_COLUMNS:
                break
            stubs += 1
        lines = [".. list-table::", "   :header-rows: 1"]
        if 0 < stubs < len(headline.columns):
            lines.append(f"   :stub-columns: {stubs}")
        lines += ["   :widths: auto", "   :class: headline-scores", ""]
        for row in [list(headline.columns), *headline.itertuples(index=False, name=None)]:
            cells = [escape_rst(cell) for cell in row]
            lines.append(f"   * - {cells[0]}".rstrip())
            lines += [f"     - {cell}".rstrip() for cell in cells[1:]]
        parts.append("\n".join(lines) + "\n")
    if notes:
        parts.append("\n".join(f"- {escape_rst(note)}" for note in notes) + "\n")
    if plot_png is not None:
        # docutils rejects input lines over 10,000 characters (the whole included file with them): wrap the URI;
        # the image directive joins the lines of its argument, dropping the whitespace.
        uri = "data:image/png;base64," + base64.b64encode(plot_png).decode("ascii")
        lines = [".. image::"] + [f"   {uri[i:i + 100]}" for i in range(0, len(uri), 100)]
        lines += ["   :alt: pass@1 per variant, family and benchmark", "   :class: headline-plot"]
        parts.append("\n".join(lines) + "\n")
    return "\n".join(parts)
