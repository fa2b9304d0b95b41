"""The book's appendix: one diagram per non-empty axis x criterion cell, in one command.

:func:`build_appendix` draws every non-empty (axis, criterion) cell of one
round, in the book's order (axes, then criteria, as in the vocabulary), into
``NN_<axis>__<criterion>.<ext>`` files, and writes next to them:

* ``manifest.csv``: ``number, axis, criterion, title, kind, organisms, n_themes, files``;
* ``themes.csv``: every theme of every cell, ``number, axis, criterion, region, theme,
  placement`` (``region`` is the organisms sharing the theme, ``placement`` says
  whether the theme is written in the diagram or in the companion table under it),
  so no theme is ever lost;
* ``appendix.pdf``: all diagrams bound one per page, for the editors;
* ``summary/``: the convergence heat map and one Jaccard heat map per axis.

Figures are rendered in parallel (spawned processes), each cell drawn once and
saved in every format; ``appendix.pdf`` binds the same one-page PDFs with pypdf
(no second drawing).  Fixed metadata make two runs give byte-identical SVG and
PDF files.
"""

from __future__ import annotations

import io
import os
import re
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pandas as pd

from mcr_analysis import heatmaps, plots, safety, taxonomy
from mcr_analysis.sets import cell_contents, latest_round

__all__ = ["MANIFEST_COLUMNS", "THEMES_COLUMNS", "FORMATS", "plan_cells", "build_appendix"]

MANIFEST_COLUMNS = ["number", "axis", "criterion", "title", "kind", "organisms", "n_themes", "files"]
THEMES_COLUMNS = ["number", "axis", "criterion", "region", "theme", "placement"]
FORMATS = ("svg", "pdf", "png")
_STALE = re.compile(r"^\d{2,}_[A-Za-z0-9_]+__[A-Za-z0-9_*]+\.(?:svg|pdf|png)$")
_STALE_SUMMARY = re.compile(r"^(?:convergence|jaccard_[A-Za-z0-9_]+)\.(?:svg|pdf|png)$")


def plan_cells(tidy: pd.DataFrame, round: str | None = None) -> list[dict]:
    """The cells :func:`build_appendix` draws, in the book's order.

    Parameters
    ----------
    tidy : pandas.DataFrame
        The tidy table; not modified.
    round : str, optional
        Default: the latest round in ``tidy``.

    Returns
    -------
    list of dict
        One per (axis, criterion) cell with at least one theme, numbered from 1:
        keys ``number``, ``axis``, ``criterion``, ``round``, ``contents``
        (``{organism: frozenset(themes)}``), ``stem`` (file name without extension).

    Raises
    ------
    taxonomy.MCRDataError
        When the table is empty, the round is absent, or axis/criterion ids are unknown.
    """
    _check_tidy(tidy)
    chosen = latest_round(tidy["round"]) if round is None else str(round)
    rounds = sorted(set(tidy["round"].astype(str)))
    if chosen not in rounds:
        raise taxonomy.MCRDataError(f"round {chosen!r} is not in the tidy table; rounds: {', '.join(rounds)}")
    rows = tidy.loc[tidy["round"].astype(str) == chosen]
    groups = dict(list(rows.groupby(["axis", "criterion"], sort=False)))
    found = []
    for axis in taxonomy.axes().ids:
        for criterion in taxonomy.criteria().ids:
            if (axis, criterion) not in groups:
                continue
            contents = cell_contents(groups[axis, criterion], axis, criterion)
            if contents:
                found.append((axis, criterion, contents))
    if not found:
        raise taxonomy.MCRDataError(f"round {chosen!r} of the tidy table has no cell with a theme; "
                                    "nothing to draw (rows with an empty theme are not set elements)")
    width = max(2, len(str(len(found))))
    return [
        {"number": n, "axis": a, "criterion": c, "round": chosen, "contents": contents,
         "stem": f"{n:0{width}d}_{a}__{c}"}
        for n, (a, c, contents) in enumerate(found, start=1)
    ]


def _check_tidy(tidy: pd.DataFrame) -> None:
    """Validate once at the edge: columns present, rows present, ids known."""
    missing = [c for c in ("round", "organism", "axis", "criterion", "theme") if c not in tidy.columns]
    if missing:
        raise taxonomy.MCRDataError(f"tidy table lacks columns {missing}; expected the columns of "
                                    "mcr_tidy.csv written by 'mcr ingest'")
    if tidy.empty:
        raise taxonomy.MCRDataError("tidy table has no rows; nothing to draw (run 'mcr ingest' first)")
    problems = []
    for col, vocab in (("axis", taxonomy.axes()), ("criterion", taxonomy.criteria())):
        bad = sorted(set(tidy[col].astype(str)) - set(vocab.ids))
        if bad:
            problems.append(f"column {col!r} has unknown ids {bad} (allowed: {', '.join(vocab.ids)})")
    if problems:
        raise taxonomy.MCRDataError("tidy table: " + "; ".join(problems))


def _check_options(formats, lang: str, kind: str, jobs) -> tuple[str, ...]:
    formats = tuple(dict.fromkeys(str(f).lower() for f in formats))
    bad = [f for f in formats if f not in FORMATS]
    problems = []
    if bad or not formats:
        problems.append(f"formats {list(formats)!r}: expected some of {', '.join(FORMATS)}")
    if lang not in taxonomy.LANGS:
        problems.append(f"lang {lang!r}: expected one of {', '.join(taxonomy.LANGS)}")
    if kind not in plots.KINDS:
        problems.append(f"kind {kind!r}: expected one of {', '.join(plots.KINDS)}")
    if jobs is not None and (not isinstance(jobs, int) or jobs < 1):
        problems.append(f"jobs {jobs!r}: expected a whole number >= 1 or None (all cores)")
    if problems:
        raise ValueError("build_appendix: invalid " + "; ".join(problems))
    return formats


def _draw(cell: dict, lang: str, kind: str, source_line: str | None):
    """Draw one cell on a new (pyplot-free) figure; the caller is inside plots.style()."""
    from matplotlib.figure import Figure

    return plots.draw_cell(cell["contents"], axis=cell["axis"], criterion=cell["criterion"],
                           kind=kind, lang=lang, source_line=source_line, fig=Figure())


def _warm_up() -> None:
    """Import the drawing modules in a fresh worker process."""
    from matplotlib.figure import Figure

    from mcr_analysis import upset, venn  # noqa: F401

    Figure()


def _prepare(tidy, round, out_dir, formats, lang, kind, source_line):
    """Plan the cells, make the output folder, remove stale files; return the task arguments."""
    cells = plan_cells(tidy, round)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _remove_stale(out)
    summary = (tidy, cells[0]["round"], out / "summary", formats, lang)
    return cells, summary, (str(out), formats, lang, kind, source_line)


def _render_cell(cell: dict, out_dir: str, formats: tuple[str, ...], lang: str, kind: str,
                 source_line: str | None) -> dict:
    """Draw one cell once (runs in a worker process) and save it in every format.

    Returns its kind, note, overflow and the bytes of its one-page PDF, which
    :func:`_bind_pdf` binds into ``appendix.pdf`` without drawing it again.
    """
    with plots.style():
        drawn = _draw(cell, lang, kind, source_line)
        for fmt in formats:
            if fmt != "pdf":
                plots.save_figure(drawn.fig, Path(out_dir) / f"{cell['stem']}.{fmt}", fmt)
        page = io.BytesIO()
        drawn.fig.savefig(page, format="pdf", metadata=plots.save_metadata("pdf"))
    if "pdf" in formats:
        (Path(out_dir) / f"{cell['stem']}.pdf").write_bytes(page.getvalue())
    return {"kind": drawn.kind, "note": drawn.note, "page": page.getvalue(),
            "overflow": sorted(zip(drawn.overflow["region"], drawn.overflow["theme"]))}


def _bind_pdf(pages: list[bytes], path: Path) -> None:
    """Bind the one-page PDFs, in order, into ``path`` (same bytes every run)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in pages:
        writer.append(PdfReader(io.BytesIO(page)))
    writer.add_metadata({"/Creator": plots.CREATOR, "/Producer": plots.CREATOR})
    with open(path, "wb") as fh:
        writer.write(fh)


def _write_summary(tidy: pd.DataFrame, round_: str, folder: Path, formats, lang: str) -> list[Path]:
    """Convergence heat map and one Jaccard heat map per axis into ``folder``."""
    from matplotlib.figure import Figure

    from mcr_analysis import scores

    folder.mkdir(parents=True, exist_ok=True)
    rows = tidy.loc[tidy["round"].astype(str) == round_]
    conv = scores.convergence_table(rows)
    pairwise = scores.pairwise_table(rows)
    written = []
    with plots.style():
        fig = Figure(figsize=(6.3, 5.2), layout="constrained")
        heatmaps.convergence_heatmap(conv, round=round_, lang=lang, ax=fig.add_subplot())
        written += [plots.save_figure(fig, folder / f"convergence.{fmt}", fmt) for fmt in formats]
        for axis in taxonomy.axes().ids:
            sel = pairwise.loc[(pairwise["axis"] == axis) & (pairwise["criterion"] == "*")]
            if sel.empty:
                continue
            fig = Figure(figsize=(6.3, 4.72), layout="constrained")
            heatmaps.jaccard_heatmap(pairwise, axis=axis, round=round_, lang=lang, ax=fig.add_subplot())
            written += [plots.save_figure(fig, folder / f"jaccard_{axis}.{fmt}", fmt) for fmt in formats]
    return written


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    """UTF-8, ``\\n`` line ends, formula-like text neutralised (:mod:`mcr_analysis.safety`)."""
    safety.neutralise_frame(frame).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def _remove_stale(out_dir: Path) -> None:
    for folder, pattern in ((out_dir, _STALE), (out_dir / "summary", _STALE_SUMMARY)):
        if folder.is_dir():
            for path in sorted(folder.iterdir()):
                if path.is_file() and pattern.match(path.name):
                    path.unlink()


def _themes_rows(cell: dict, overflow: list) -> list[dict]:
    """Every theme of ``cell`` with the organisms that share it and where it is written."""
    in_table = {theme for _, theme in overflow}
    themes = sorted(set().union(*cell["contents"].values()))
    return [
        {"number": cell["number"], "axis": cell["axis"], "criterion": cell["criterion"],
         "region": ";".join(o for o in cell["contents"] if theme in cell["contents"][o]),
         "theme": theme, "placement": "table" if theme in in_table else "diagram"}
        for theme in themes
    ]


def _tick(progress, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


def build_appendix(
    tidy: pd.DataFrame,
    out_dir: str | os.PathLike,
    *,
    formats=FORMATS,
    lang: str = "es",
    kind: str = "auto",
    jobs: int | None = None,
    source_line: str | None = None,
    round: str | None = None,
    progress=None,
) -> pd.DataFrame:
    """Draw the appendix: every non-empty cell, manifest, theme list, bound PDF, summaries.

    Parameters
    ----------
    tidy : pandas.DataFrame
        The tidy table; not modified.
    out_dir : path
        Output folder (created); diagram files of a previous run (``NN_*.svg|pdf|png``)
        are removed first.
    formats : sequence of {"svg", "pdf", "png"}
    lang : {"es", "en"}
    kind : {"auto", "venn", "upset"}
        See :func:`mcr_analysis.plots.choose_kind`.
    jobs : int, optional
        Processes rendering in parallel; default all cores; 1 renders in this process.
    source_line : str, optional
        Text under every figure; default the standard source line in ``lang``.
    round : str, optional
        Default: the latest round.
    progress : callable, optional
        Called as ``progress(done, total)`` after each diagram (the command line's
        progress bar); nothing is printed here.

    Returns
    -------
    pandas.DataFrame
        The manifest (:data:`MANIFEST_COLUMNS`), also written to ``manifest.csv``.
        ``kind`` is the kind drawn (``--kind venn`` above five organisms gives ``upset``).

    Notes
    -----
    Parallel rendering starts worker processes with the ``spawn`` method: a
    script that calls this function with ``jobs`` other than 1 must do so under
    ``if __name__ == "__main__":`` (the ``mcr`` command and notebooks need nothing).
    """
    formats = _check_options(formats, lang, kind, jobs)
    workers = jobs or os.cpu_count() or 1
    if workers <= 1:
        cells, summary, args = _prepare(tidy, round, out_dir, formats, lang, kind, source_line)
        results = []
        for cell in cells:
            results.append(_render_cell(cell, *args))
            _tick(progress, len(results), len(cells))
        _write_summary(*summary)
    else:
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
            # The workers start (and import matplotlib) while this process plans the cells.
            warm = [pool.submit(_warm_up) for _ in range(workers)]
            cells, summary, args = _prepare(tidy, round, out_dir, formats, lang, kind, source_line)
            # The summary heat maps are the longest task: first, so the cells even out the end.
            later = pool.submit(_write_summary, *summary)
            futures = [pool.submit(_render_cell, cell, *args) for cell in cells]
            results = []
            for f in futures:
                results.append(f.result())
                _tick(progress, len(results), len(cells))
            later.result()
            for w in warm:
                w.result()
    out = Path(out_dir)
    _bind_pdf([res["page"] for res in results], out / "appendix.pdf")
    manifest = pd.DataFrame([
        {"number": cell["number"], "axis": cell["axis"], "criterion": cell["criterion"],
         "title": plots.cell_title(cell["axis"], cell["criterion"], lang), "kind": res["kind"],
         "organisms": ";".join(cell["contents"]),
         "n_themes": len(set().union(*cell["contents"].values())),
         "files": ";".join(f"{cell['stem']}.{fmt}" for fmt in formats)}
        for cell, res in zip(cells, results)
    ], columns=MANIFEST_COLUMNS)
    themes = pd.DataFrame([row for cell, res in zip(cells, results)
                           for row in _themes_rows(cell, res["overflow"])], columns=THEMES_COLUMNS)
    _write_csv(manifest, out / "manifest.csv")
    _write_csv(themes, out / "themes.csv")
    return manifest
