"""The book's appendix: one diagram per non-empty axis x criterion cell, in one command.

:func:`build_appendix` draws every non-empty (axis, criterion) cell of one
round, in the book's order (axes, then criteria, as in the vocabulary), into
``NN_<axis>__<criterion>.<ext>`` files, and writes next to them:

* ``manifest.csv``: ``number, axis, criterion, title, kind, organisms, n_themes, files``;
* ``themes.csv``: every theme of every cell, ``number, axis, criterion, region, theme,
  placement`` (``region`` is the organisms sharing the theme, ``placement`` says
  whether the theme is written in the diagram, in the companion table under it
  or on a continuation page), so no theme is ever lost;
* ``appendix.pdf``: a title page, then every diagram ("Figura N. ...") on pages
  of one size (16 x 12 cm by default), with one bookmark per figure, for the editors;
* ``NN_<axis>__<criterion>_cont<k>.<ext>``: continuation pages of a companion
  table too long to fit under its diagram (rare; the figure never grows);
* ``summary/``: the convergence heat map and one Jaccard heat map per axis.

Figures are rendered in parallel (spawned processes, with an unusable
``SOURCE_DATE_EPOCH`` removed from their environment), each cell drawn once and
saved in every format, all files written as one set under the folder's lock
(:mod:`mcr_analysis.outputs`); ``appendix.pdf`` binds the same one-page PDFs with pypdf
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

from mcr_analysis import heatmaps, outputs, plots, taxonomy
from mcr_analysis.sets import cell_contents, latest_round, sort_rounds

__all__ = ["MANIFEST_COLUMNS", "THEMES_COLUMNS", "FORMATS", "plan_cells", "round_folder", "build_appendix"]

SUMMARY_SIZE_IN = (16 / 2.54, 12 / 2.54)
"""Size in inches of the heat maps in ``summary/``: the 16 x 12 cm page of the diagrams."""
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
        (``{organism: frozenset(themes)}``), ``stem`` (file name without
        extension) and ``title_suffix``.  When ``tidy`` holds more than one
        round, the stem ends in ``_<round>`` and the title suffix is
        ``" (<round>)"`` (else ``""``), so figures of two rounds never share a name.

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
    several = len(rounds) > 1
    tail, suffix = (f"_{chosen}", f" ({chosen})") if several else ("", "")
    return [
        {"number": n, "axis": a, "criterion": c, "round": chosen, "contents": contents,
         "stem": f"{n:0{width}d}_{a}__{c}{tail}", "title_suffix": suffix}
        for n, (a, c, contents) in enumerate(found, start=1)
    ]


def round_folder(tidy: pd.DataFrame, out_dir: str | os.PathLike, round: str | None = None) -> Path:
    """Where :func:`build_appendix` writes: ``out_dir``, or ``out_dir/<round>`` when ``tidy`` holds several rounds.

    Examples
    --------
    >>> tidy = pd.DataFrame({"round": ["2024", "2025"]})
    >>> round_folder(tidy, "figures/appendix").as_posix(), round_folder(tidy, "out", "2024").as_posix()
    ('figures/appendix/2025', 'out/2024')
    >>> round_folder(tidy.iloc[:1], "figures/appendix").as_posix()
    'figures/appendix'
    """
    rounds = sort_rounds(tidy["round"]) if "round" in tidy else []
    if len(rounds) <= 1:
        return Path(out_dir)
    return Path(out_dir) / (latest_round(rounds) if round is None else str(round))


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
                           kind=kind, lang=lang, source_line=source_line, fig=Figure(),
                           title_suffix=cell.get("title_suffix", ""), number=cell["number"])


def _warm_up() -> None:
    """Import the drawing modules in a fresh worker process."""
    from matplotlib.figure import Figure

    from mcr_analysis import upset, venn  # noqa: F401

    Figure()


def _render_cell(cell: dict, out_dir: str, prefix: str, formats: tuple[str, ...], lang: str, kind: str,
                 source_line: str | None) -> dict:
    """Draw one cell once (runs in a worker process) and save it in every format.

    Each file ``NAME`` (the figure, then its continuation pages) is written as
    ``out_dir/<prefix>NAME``, the output set's temporary name.  Returns its
    kind, note, overflow, the themes on continuation pages, the file stems
    written and the bytes of its one-page PDFs, which :func:`_bind_pdf` binds
    into ``appendix.pdf`` without drawing them again.
    """
    pages, stems = [], []
    with plots.style():
        drawn = _draw(cell, lang, kind, source_line)
        for k, fig in enumerate([drawn.fig, *drawn.continued], start=1):
            stem = cell["stem"] if k == 1 else f"{cell['stem']}_cont{k - 1}"
            for fmt in formats:
                if fmt != "pdf":
                    plots.save_figure(fig, Path(out_dir) / f"{prefix}{stem}.{fmt}", fmt)
            page = io.BytesIO()
            fig.savefig(page, format="pdf", metadata=plots.save_metadata("pdf"))
            pages.append(page.getvalue())
            stems.append(stem)
    if "pdf" in formats:
        for stem, page in zip(stems, pages):
            (Path(out_dir) / f"{prefix}{stem}.pdf").write_bytes(page)
    return {"kind": drawn.kind, "note": drawn.note, "page": pages[0], "pages": pages, "stems": stems,
            "title": drawn.title.get_text().replace("\n", " "),
            "continued": sorted(drawn.continued_themes),
            "overflow": sorted(zip(drawn.overflow["region"], drawn.overflow["theme"]))}


def _title_page(lang: str, round_: str, n_figures: int) -> bytes:
    """The appendix's title page, as the bytes of a one-page PDF of the figures' size."""
    lines = [taxonomy.text("appendix_subtitle", lang).format(round=round_, n=n_figures),
             taxonomy.text("appendix_reading", lang), taxonomy.text("sample_data_note", lang)]
    with plots.style():
        fig = plots.draw_title_page(taxonomy.text("appendix_title", lang), lines)
        page = io.BytesIO()
        fig.savefig(page, format="pdf", metadata=plots.save_metadata("pdf"))
    return page.getvalue()


def _bind_pdf(figures: list[list[bytes]], path: Path, *, titles: list[str] | None = None,
              title_page: bytes | None = None, title: str = "") -> None:
    """Bind the one-page PDFs, in order, into ``path`` (same bytes every run).

    ``figures`` holds each figure's pages (the figure, then its continuations);
    with ``titles``, each figure gets one bookmark, on its first page.  The
    ``title_page`` (if any) comes first and carries no bookmark.
    """
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    if title_page is not None:
        writer.append(PdfReader(io.BytesIO(title_page)))
    for k, pages in enumerate(figures):
        first = len(writer.pages)
        for page in pages:
            writer.append(PdfReader(io.BytesIO(page)))
        if titles is not None:
            writer.add_outline_item(title=titles[k], page_number=first)
    writer.page_mode = "/UseOutlines" if titles else writer.page_mode
    meta = {"/Creator": plots.CREATOR, "/Producer": plots.CREATOR}
    if title:
        meta["/Title"] = title
    writer.add_metadata(meta)
    with open(path, "wb") as fh:
        writer.write(fh)


def _write_summary(tidy: pd.DataFrame, round_: str, folder: str, prefix: str, formats, lang: str,
                   title_suffix: str = "", source_line: str | None = None) -> list[str]:
    """Convergence heat map and one Jaccard heat map per axis into ``folder``.

    Each file ``NAME`` is written as ``folder/<prefix>NAME`` (the output set's
    temporary name); returns the names.
    """
    from matplotlib.figure import Figure

    from mcr_analysis import scores

    Path(folder).mkdir(parents=True, exist_ok=True)
    rows = tidy.loc[tidy["round"].astype(str) == round_]
    conv = scores.convergence_table(rows)
    pairwise = scores.pairwise_table(rows)
    written = []

    def save(fig, stem):
        for fmt in formats:
            plots.save_figure(fig, Path(folder) / f"{prefix}{stem}.{fmt}", fmt)
            written.append(f"{stem}.{fmt}")

    with plots.style():
        fig = Figure(figsize=SUMMARY_SIZE_IN, layout="constrained")
        drawn = heatmaps.convergence_heatmap(conv, round=round_, lang=lang, ax=fig.add_subplot(),
                                             source_line=source_line)
        drawn.ax.set_title(drawn.ax.get_title() + title_suffix)
        save(fig, "convergence")
        for axis in taxonomy.axes().ids:
            sel = pairwise.loc[(pairwise["axis"] == axis) & (pairwise["criterion"] == "*")]
            if sel.empty:
                continue
            fig = Figure(figsize=SUMMARY_SIZE_IN, layout="constrained")
            drawn = heatmaps.jaccard_heatmap(pairwise, axis=axis, round=round_, lang=lang, ax=fig.add_subplot(),
                                             source_line=source_line)
            drawn.ax.set_title(drawn.ax.get_title() + title_suffix)
            save(fig, f"jaccard_{axis}")
    return written


def _stale(out_dir: Path) -> list[str]:
    """Diagram and summary files of a previous run (removed when the new set is committed)."""
    found = []
    for sub, pattern in (("", _STALE), ("summary", _STALE_SUMMARY)):
        folder = out_dir / sub
        if folder.is_dir():
            found += [(Path(sub) / p.name).as_posix() for p in sorted(folder.iterdir())
                      if p.is_file() and pattern.match(p.name)]
    return found


def _themes_rows(cell: dict, overflow: list, continued=()) -> list[dict]:
    """Every theme of ``cell`` with the organisms that share it and where it is written."""
    in_table = {theme for _, theme in overflow}
    continued = set(continued)
    themes = sorted(set().union(*cell["contents"].values()))
    return [
        {"number": cell["number"], "axis": cell["axis"], "criterion": cell["criterion"],
         "region": ";".join(o for o in cell["contents"] if theme in cell["contents"][o]),
         "theme": theme,
         "placement": "continuation" if theme in continued else "table" if theme in in_table else "diagram"}
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
        Output folder (created).  Every file is written as one output set
        (:func:`mcr_analysis.outputs.output_set`): an interrupted run leaves
        the previous appendix as it was; diagram and summary files of a
        previous run that the new one does not write are removed with it.
        When ``tidy`` holds several rounds, the files go to
        ``out_dir/<round>/`` (:func:`round_folder`) and carry the round in their
        names and titles, so a run never overwrites another round's figures.
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
    out_dir = round_folder(tidy, out_dir, round)
    workers = jobs or os.cpu_count() or 1
    out = Path(out_dir)
    with outputs.sanitized_epoch(), outputs.output_set(out) as outs:
        if workers <= 1:
            cells = plan_cells(tidy, round)
            results = []
            for cell in cells:
                results.append(_render_cell(cell, str(out), outs.prefix, formats, lang, kind, source_line))
                _tick(progress, len(results), len(cells))
            summary = _write_summary(tidy, cells[0]["round"], str(out / "summary"), outs.prefix, formats, lang,
                                     cells[0]["title_suffix"], source_line)
        else:
            with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
                # The workers start (and import matplotlib) while this process plans the cells.
                warm = [pool.submit(_warm_up) for _ in range(workers)]
                cells = plan_cells(tidy, round)
                # The summary heat maps are the longest task: first, so the cells even out the end.
                later = pool.submit(_write_summary, tidy, cells[0]["round"], str(out / "summary"), outs.prefix,
                                    formats, lang, cells[0]["title_suffix"], source_line)
                futures = [pool.submit(_render_cell, cell, str(out), outs.prefix, formats, lang, kind,
                                       source_line) for cell in cells]
                results = []
                for f in futures:
                    results.append(f.result())
                    _tick(progress, len(results), len(cells))
                summary = later.result()
                for w in warm:
                    w.result()
        for name in summary:
            outs.path(f"summary/{name}")
        for res in results:  # the files each worker wrote under their temporary names
            for stem in res["stems"]:
                for fmt in formats:
                    outs.path(f"{stem}.{fmt}")
        _bind_pdf([res["pages"] for res in results], outs.path("appendix.pdf"),
                  titles=[res["title"] for res in results],
                  title_page=_title_page(lang, cells[0]["round"], len(cells)),
                  title=taxonomy.text("appendix_title", lang))
        manifest = pd.DataFrame([
            {"number": cell["number"], "axis": cell["axis"], "criterion": cell["criterion"],
             "title": plots.cell_title(cell["axis"], cell["criterion"], lang) + cell["title_suffix"],
             "kind": res["kind"],
             "organisms": ";".join(cell["contents"]),
             "n_themes": len(set().union(*cell["contents"].values())),
             "files": ";".join(f"{stem}.{fmt}" for stem in res["stems"] for fmt in formats)}
            for cell, res in zip(cells, results)
        ], columns=MANIFEST_COLUMNS)
        themes = pd.DataFrame([row for cell, res in zip(cells, results)
                               for row in _themes_rows(cell, res["overflow"], res["continued"])],
                              columns=THEMES_COLUMNS)
        outs.write_csv("manifest.csv", manifest)
        outs.write_csv("themes.csv", themes)
        for name in _stale(out):
            outs.remove(name)
    return manifest
