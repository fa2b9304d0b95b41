"""Display helpers of the notebooks and the seminar brief: tables and figures that print well.

* :func:`table` turns a display table (:func:`mcr_analysis.brief.labelled`)
  into an HTML table without the DataFrame index, text left-aligned, numbers
  right-aligned in the reader's locale (decimal comma in Spanish), wrapping
  inside the page width (never clipped);
* :func:`show_figure` displays a figure as a 200 dpi PNG shown at its size
  on paper, with alternative text;
* :func:`print_css` is the brief's print style sheet: A4 (or Letter) pages,
  tables that wrap and repeat their header, headings kept with what follows;
* :func:`setup_notebook` fixes the notebooks' display options, and
  :func:`relative` prints a path relative to the project, so stored notebook
  outputs do not depend on the machine.

Nothing here computes the brief's numbers (see :mod:`mcr_analysis.brief`).

Examples
--------
>>> import pandas as pd
>>> t = table(pd.DataFrame({"Criterio": ["Normas"], "Índice": [0.375], "Temas": [4]}), "es")
>>> "<th" in t._repr_html_() and "0,38" in t._repr_html_() and "dataframe" not in t._repr_html_()
True
>>> print(t)
Criterio | Índice | Temas
Normas | 0,38 | 4
"""

from __future__ import annotations

import html
import math
import os
from pathlib import Path

import pandas as pd

from mcr_analysis import config

from mcr_analysis.numfmt import format_number

__all__ = ["HTMLTable", "table", "show_figure", "print_css", "setup_notebook", "relative",
           "PAPERS", "FIGURE_DPI", "MAX_PRINT_COLUMNS"]

PAPERS = {"a4": "A4", "letter": "letter"}
"""Paper sizes of the printed brief (CSS ``@page`` size), A4 by default."""
FIGURE_DPI = 200
"""Resolution of the brief's figures on paper."""
_SCREEN_DPI = 96  # CSS pixels per inch: a figure shown this many px wide per inch prints at its size
MAX_PRINT_COLUMNS = 8
"""Tables with more columns print in a long layout (one block per row) instead of wide."""
EMPTY = "—"
"""Shown where a number is undefined (NaN)."""


def _cell(value, lang: str, decimals: int) -> tuple[str, bool]:
    """(text, is_number) of one cell."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return EMPTY, True
    if isinstance(value, bool):
        return str(value), False
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, int):
        return format_number(value, lang, 0), True
    if isinstance(value, float):
        return format_number(value, lang, decimals), True
    return str(value), False


class HTMLTable:
    """A table ready for the notebook and the brief: ``_repr_html_`` and a plain-text ``repr``.

    Attributes
    ----------
    columns : list of str
    rows : list of list of (str, bool)
        Each cell's text and whether it is a number (right-aligned).
    """

    def __init__(self, columns: list[str], rows: list[list[tuple[str, bool]]]):
        self.columns, self.rows = columns, rows

    @property
    def wide(self) -> bool:
        """True when the table has more than :data:`MAX_PRINT_COLUMNS` columns (printed as records)."""
        return len(self.columns) > MAX_PRINT_COLUMNS

    def _repr_html_(self) -> str:
        head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f'<td class="{"num" if num else "text"}">{html.escape(text)}</td>'
                             for text, num in row) + "</tr>"
            for row in self.rows)
        table = (f'<table class="mcr-table{" mcr-wide" if self.wide else ""}"><thead><tr>{head}</tr></thead>'
                 f"<tbody>{body}</tbody></table>")
        if not self.wide:
            return table
        # Printed long: one block per row, one line per column ("Header | value"), never clipped.
        records = "".join(
            '<tbody class="mcr-record">' + "".join(
                f'<tr><th scope="row">{html.escape(c)}</th><td class="{"num" if num else "text"}">'
                f"{html.escape(text or EMPTY)}</td></tr>" for c, (text, num) in zip(self.columns, row))
            + "</tbody>"
            for row in self.rows)
        return table + f'<table class="mcr-table mcr-long">{records}</table>'

    def __repr__(self) -> str:
        lines = [" | ".join(self.columns)]
        lines += [" | ".join(text for text, _ in row) for row in self.rows]
        return "\n".join(lines)


def table(frame: pd.DataFrame, lang: str = "es", decimals: int = 2) -> HTMLTable:
    """A display table of ``frame`` (no index; numbers in ``lang``'s locale with ``decimals``).

    ``frame`` is not modified; its column names are used as headers.
    """
    from mcr_analysis import taxonomy

    if lang not in taxonomy.LANGS:
        raise taxonomy.MCRDataError(f"unknown language {lang!r}; expected one of: {', '.join(taxonomy.LANGS)}")
    rows = [[_cell(v, lang, decimals) for v in record] for record in frame.itertuples(index=False, name=None)]
    return HTMLTable([str(c) for c in frame.columns], rows)


def show_figure(fig, alt: str = "", heading: str | None = None) -> None:
    """Display ``fig`` as a :data:`FIGURE_DPI` PNG, shown (and printed) at its size on paper.

    With ``heading`` (a Markdown heading, ``"## ..."``), the heading and the
    figure are one block that is never split across pages, so the heading
    cannot be left alone at the bottom of a page.
    """
    import base64
    import io

    from IPython.display import HTML, Image, display

    from mcr_analysis import plots

    buffer = io.BytesIO()
    with plots.style():
        fig.savefig(buffer, format="png", dpi=FIGURE_DPI, metadata=plots.save_metadata("png"))
    width = round(fig.get_figwidth() * _SCREEN_DPI)
    if heading is None:
        display(Image(data=buffer.getvalue(), format="png", width=width),
                metadata={"image/png": {"alt": alt, "width": width}})
        return
    level = len(heading) - len(heading.lstrip("#"))
    title = html.escape(heading.lstrip("#").strip())
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    display(HTML(f'<div class="mcr-keep"><h{level}>{title}</h{level}>'
                 f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}" width="{width}"></div>'))


def print_css(paper: str = "a4") -> str:
    """The brief's style sheet for screen and print, for ``paper`` (:data:`PAPERS`)."""
    if paper not in PAPERS:
        raise ValueError(f"unknown paper {paper!r}; expected one of: {', '.join(PAPERS)}")
    return f"""
@page {{ size: {PAPERS[paper]}; margin: 16mm 14mm; }}
body.jp-Notebook {{ max-width: 182mm; margin: 0 auto; padding: 0 4mm; }}
.jp-OutputArea-output, .jp-RenderedHTMLCommon, .jp-RenderedHTML {{ overflow: visible !important; }}
.jp-OutputArea-child {{ display: block; }}
.jp-OutputArea-prompt {{ display: none; }}
.jp-OutputArea-child .jp-OutputArea-output {{ width: 100%; max-width: 100%; padding: 0; }}
.jp-Cell {{ padding: 0; }}
.jp-Notebook table.mcr-table {{ width: 100%; border-collapse: collapse; table-layout: auto; margin: 0.4em 0 1em;
  font-size: 9pt; }}
.jp-Notebook table.mcr-table th, .jp-Notebook table.mcr-table td {{ text-align: left; vertical-align: top; padding: 2px 5px;
  border-bottom: 1px solid #d0d0d0; white-space: normal; overflow-wrap: break-word; word-break: normal; }}
.jp-Notebook table.mcr-long {{ display: none; }}
.jp-Notebook table.mcr-long tbody.mcr-record {{ border-top: 2px solid #1F4E79; break-inside: avoid; page-break-inside: avoid; }}
.jp-Notebook table.mcr-long th {{ background: none; color: #222; width: 30%; }}
.jp-Notebook table.mcr-table th {{ background: #1F4E79; color: #fff; font-weight: bold; }}
.jp-Notebook table.mcr-table td.num {{ text-align: right; white-space: nowrap; }}
h1, h2, h3, h4 {{ break-after: avoid; page-break-after: avoid; }}
h1 + *, h2 + *, h3 + * {{ break-before: avoid; page-break-before: avoid; }}
.jp-OutputArea-child:has(h1, h2, h3) {{ break-after: avoid; page-break-after: avoid; }}
img {{ max-width: 100%; height: auto; break-inside: avoid; }}
.mcr-keep {{ display: inline-block; width: 100%; break-inside: avoid; page-break-inside: avoid; }}
/* A heading followed by a table keeps room for a few rows below it (or moves to the next page). */
h2::after, h3::after {{ content: ""; display: block; height: 28mm; margin-bottom: -28mm; }}
@media print {{
  body.jp-Notebook {{ max-width: none; margin: 0; padding: 0; }}
  .jp-OutputArea-child {{ break-inside: auto; page-break-inside: auto; }}
  .jp-Notebook table.mcr-table {{ font-size: 7.5pt; }}
  .jp-Notebook table.mcr-wide {{ display: none; }}
  .jp-Notebook table.mcr-long {{ display: table; }}
  thead {{ display: table-header-group; }}
  tr {{ break-inside: avoid; page-break-inside: avoid; }}
  .jp-Cell, .jp-OutputArea-output {{ overflow: visible !important; }}
}}
"""


def relative(path: str | os.PathLike) -> str:
    """``path`` relative to the project root, with forward slashes (for stable notebook output).

    Paths outside the project are returned as given.

    Examples
    --------
    >>> relative(config.APPENDIX_DIR / "manifest.csv")
    'figures/appendix/manifest.csv'
    """
    path = Path(path)
    try:
        return path.resolve().relative_to(config.PROJECT_ROOT.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def setup_notebook(max_colwidth: int | None = 60) -> None:
    """Fixed display settings for the notebooks: pandas options and the package figure style.

    Tables print whole (up to 200 rows, 3 decimals, ``max_colwidth`` characters
    per cell; ``None`` for no limit, as in the seminar brief where initiatives
    are read in full), so stored outputs do not depend on the terminal width.
    """
    from mcr_analysis.plots import use_style

    pd.set_option("display.width", 160)
    pd.set_option("display.max_columns", 30)
    pd.set_option("display.max_rows", 200)
    pd.set_option("display.max_colwidth", max_colwidth)
    pd.set_option("display.precision", 3)
    use_style()
