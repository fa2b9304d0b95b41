"""Seminar briefs for one axis, and the small helpers the notebooks share.

:func:`brief_tables` computes, from the tidy table, what an analyst needs
before a seminar on one axis: who takes part, the convergence scores per
criterion, the shared themes with each organism's initiatives side by side,
the criteria where at most one organism acts and the organisms the
participation table expects but that sent nothing.  :func:`labelled` turns
those tables into display tables (headers and criteria in Spanish or English).
:func:`make_brief` runs notebook ``4.0-nota-para-seminario.ipynb`` with
papermill for one axis, round and language and exports it as a self-contained
HTML page without code cells (``figures/briefs/brief_<axis>_<round>[_en].html``).

Nothing here draws; every function returns new objects and never modifies
its input.  Run ``mcr brief --axis <id>`` (or ``make brief AXIS=<id>``) to
write one brief; it needs the ``[notebooks]`` extra (papermill, nbconvert,
jinja2, ipykernel).  The notebook ships inside the package
(``mcr_analysis/data/``, a link to ``notebooks/`` in a clone), so the brief
works from an install too.

Examples
--------
>>> import pandas as pd
>>> tidy = pd.DataFrame({
...     "round": ["2024"] * 4,
...     "organism": ["CAN", "SICA", "SICA", "SELA"],
...     "axis": ["seguridad_alimentaria"] * 4,
...     "criterion": ["proyectos", "proyectos", "normas", "proyectos"],
...     "theme": ["Alerta temprana", "alerta temprana", "Inocuidad", ""],
...     "initiative": ["Observatorio andino", "Observatorio regional", "Norma", "Feria"],
... })
>>> tables = brief_tables(tidy, "seguridad_alimentaria")
>>> tables["shared"][["criterion", "theme", "k", "CAN", "SICA"]].to_dict("records")
[{'criterion': 'proyectos', 'theme': 'Alerta temprana', 'k': 2, 'CAN': 'Observatorio andino', 'SICA': 'Observatorio regional'}]
>>> tables["single_actor"][["criterion", "n_organisms", "organisms"]].head(2).to_dict("records")
[{'criterion': 'fortalecimiento', 'n_organisms': 0, 'organisms': ''}, {'criterion': 'reuniones', 'n_organisms': 0, 'organisms': ''}]
>>> tables["absent"]["organism"].tolist()
['MERCOSUR']
>>> brief_filename("seguridad_alimentaria", "2024"), brief_filename("seguridad_alimentaria", "2024", "en")
('brief_seguridad_alimentaria_2024.html', 'brief_seguridad_alimentaria_2024_en.html')
"""

from __future__ import annotations

import os
import tempfile
from importlib import resources
from pathlib import Path

import pandas as pd

from mcr_analysis import config, taxonomy
from mcr_analysis.sets import expected_organisms, latest_round, theme_keys
from mcr_analysis.taxonomy import MCRDataError

__all__ = [
    "BRIEF_TABLES",
    "NOTEBOOK",
    "brief_tables",
    "previous_round_tables",
    "previous_round_section",
    "labelled",
    "heading",
    "brief_filename",
    "make_brief",
    "setup_notebook",
    "relative",
    "notebook_path",
]

BRIEF_TABLES = ("participation", "scores", "shared", "single_actor", "absent", "duplicates")
BRIEF_DUPLICATES = 10
"""Candidate pairs of possibly duplicated initiatives shown in a brief (the best scored)."""
DUPLICATE_BRIEF_COLUMNS = ["organism_a", "initiative_a", "organism_b", "initiative_b", "score", "relation"]
"""Keys of :func:`brief_tables`, in the order the brief shows them."""
NOTEBOOK = "4.0-nota-para-seminario.ipynb"
"""The parameterised notebook that :func:`make_brief` runs (:func:`notebook_path`)."""
SCORE_COLUMNS = ["criterion", "n_active", "n_initiatives", "n_themes", "n_shared_themes",
                 "n_full_themes", "convergence_index", "mean_jaccard"]
"""Columns of :func:`mcr_analysis.scores.convergence_table` kept in the brief."""
_HTML_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block body_header -%}{{ super() }}
<style type="text/css">{{ resources.mcr_css }}</style>
{%- endblock body_header -%}
{%- block data_png scoped -%}
{%- set width = output | get_metadata('width', 'image/png') -%}
<div class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}">
<img src="data:image/png;base64,{{ output.data['image/png'] | escape_html }}" \
alt="{{ output | get_metadata('alt', 'image/png') | escape_html }}"\
{%- if width is not none %} width="{{ width }}"{% endif %}>
</div>
{%- endblock data_png -%}
"""
"""nbconvert's lab template without the scripts it loads from the web (require.js, MathJax,
Mermaid): a brief needs none of them, and the page must open offline.  Figures carry the
alternative text and width the notebook gives them (``metadata={"image/png": {"alt": ..., "width": ...}}``);
the page carries the print style sheet of :func:`mcr_analysis.brief_display.print_css`."""
_KERNEL_ARGUMENTS = ("--IPKernelApp.log_level=CRITICAL",)
"""The kernel logs nothing below CRITICAL.  Errors in the notebook still stop the brief (papermill
raises them here); what this silences is kernel housekeeping: ipykernel 7.4 sometimes logs
"KeyboardInterrupt caught in kernel" when the run shuts it down (seen once in a full test run),
and it warns on every start that its local TCP sockets are not encrypted, a notice meant for
remote kernels that would otherwise reach whoever runs ``make brief``.  (IPC transport or CurveZMQ keys silence it too, but make the kernel log an
interrupt error at shutdown.)"""
REMOVE_TAG = "remove_cell"
"""Cells with this tag (notes for whoever runs the notebook) are left out of the HTML brief."""


def _check_axis_lang(axis: str | None, lang: str) -> None:
    """Raise MCRDataError naming the allowed values when ``axis`` or ``lang`` is unknown."""
    problems = []
    if axis is not None and axis not in taxonomy.axes().ids:
        problems.append(f"unknown axis {axis!r}; expected one of: {', '.join(taxonomy.axes().ids)}")
    if lang not in taxonomy.LANGS:
        problems.append(f"unknown language {lang!r}; expected one of: {', '.join(taxonomy.LANGS)}")
    if problems:
        raise MCRDataError("; ".join(problems))


def _join(values) -> str:
    return "; ".join(values)


def brief_tables(tidy: pd.DataFrame, axis: str, round: str | None = None,
                 participation: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The tables of a seminar brief on one axis and round.

    Parameters
    ----------
    tidy : pandas.DataFrame
        The tidy table (needs ``round``, ``organism``, ``axis``, ``criterion``,
        ``theme`` and ``initiative``); not modified.
    axis : str
        Axis id (``taxonomy.axes().ids``).
    round : str, optional
        Default: the latest round in ``tidy``.
    participation : pandas.DataFrame, optional
        Who is expected where, as :func:`mcr_analysis.sets.expected_organisms`
        takes it; default the book's table with the project's own file.

    Returns
    -------
    dict of str to pandas.DataFrame
        New frames keyed by :data:`BRIEF_TABLES`, ids as in the tidy table:

        * ``participation``: one row per organism of E(r, a)
          (:func:`mcr_analysis.sets.expected_organisms`: listed by the
          participation table for the round or with rows on the axis, the set
          ``n_expected`` counts): ``organism``, ``expected`` (bool: the
          participation table lists it), ``n_initiatives`` (tidy rows), ``n_themes`` (distinct theme
          keys), ``n_criteria`` and ``criteria`` (ids in book order, joined by
          "; "); sorted by organism.
        * ``scores``: the axis' rows of :func:`mcr_analysis.scores.convergence_table`
          (:data:`SCORE_COLUMNS`), criteria in book order then ``"*"``.
        * ``shared``: per criterion (book order), each theme held by two or more
          organisms: ``criterion``, ``theme`` (the cell's most frequent wording,
          as in :func:`mcr_analysis.scores.shared_themes_table`), ``k``, then one
          column per organism with rows on the axis (sorted ids) holding its
          initiatives on that theme (sorted, distinct, joined by "; "; "" if none);
          sorted by criterion, ``k`` descending, theme key.  Last, with criterion
          ``"*"``, the themes two or more organisms hold only under different
          criteria (one lists it under *proyectos*, another under *normas*), with
          their initiatives on the whole axis.
        * ``single_actor``: the criteria of the vocabulary where fewer than two
          organisms have rows on the axis: ``criterion``, ``n_organisms`` (0 or 1),
          ``organisms``, ``n_initiatives``.
        * ``absent``: organisms of E(r, a) with no row on the axis in the round
          (listed by the participation table, silent): ``organism``, ``name``.
        * ``duplicates``: the :data:`BRIEF_DUPLICATES` best candidate pairs of
          :func:`mcr_analysis.duplicates.find_duplicates` on the round with at
          least one side on the axis, side by side (:data:`DUPLICATE_BRIEF_COLUMNS`);
          pairs already coordinated or one joint event are left out.

    Raises
    ------
    MCRDataError
        When ``axis`` is unknown, or ``round`` is given and absent from ``tidy``.
    """
    _check_axis_lang(axis, "es")
    rounds = sorted({str(r) for r in tidy["round"]})
    if round is None:
        round = latest_round(rounds) or ""
    elif str(round) not in rounds:
        raise MCRDataError(f"round {round!r} is not in the tidy table; rounds found: {', '.join(rounds) or 'none'}")
    round = str(round)
    rows = tidy.loc[(tidy["round"].astype(str) == round) & (tidy["axis"] == axis)].copy()
    rows["_key"] = theme_keys(rows["theme"])
    crit_ids = list(taxonomy.criteria().ids)
    crit_order = {c: i for i, c in enumerate(crit_ids)}
    e = expected_organisms(tidy.loc[tidy["round"].astype(str) == round], participation)
    e = e.loc[e["axis"] == axis]
    expected = sorted(e.loc[e["listed"], "organism"])
    present = sorted(set(rows["organism"]))
    return {
        "participation": _participation(rows, expected, present, crit_order),
        "scores": _scores(tidy, round, axis, participation),
        "shared": _shared(rows, present, crit_order),
        "single_actor": _single_actor(rows, crit_ids),
        "absent": pd.DataFrame({"organism": [o for o in expected if o not in present],
                                "name": [taxonomy.organism_label(o) for o in expected if o not in present]},
                               columns=["organism", "name"]).astype(str),
        "duplicates": _duplicates(tidy, round, axis),
    }


def _duplicates(tidy: pd.DataFrame, round: str, axis: str) -> pd.DataFrame:
    from mcr_analysis.duplicates import find_duplicates

    rows = tidy.loc[tidy["round"].astype(str) == round]
    rows = rows.assign(**{c: "" for c in ("source_file", "source_row", "initiative") if c not in rows})
    pairs = find_duplicates(rows, reference_dir=config.reference_dir())
    pairs = pairs[((pairs["axis_a"] == axis) | (pairs["axis_b"] == axis))
                  & ~pairs["relation"].isin(["coordinated", "joint_event"])]
    return pairs.head(BRIEF_DUPLICATES)[DUPLICATE_BRIEF_COLUMNS].reset_index(drop=True)


def _participation(rows: pd.DataFrame, expected: list[str], present: list[str], crit_order: dict) -> pd.DataFrame:
    records = []
    for org in sorted(set(expected) | set(present)):
        mine = rows.loc[rows["organism"] == org]
        crits = sorted(set(mine["criterion"]), key=crit_order.__getitem__)
        records.append({"organism": org, "expected": org in expected, "n_initiatives": len(mine),
                        "n_themes": len(set(mine["_key"]) - {""}), "n_criteria": len(crits),
                        "criteria": _join(crits)})
    return pd.DataFrame.from_records(
        records, columns=["organism", "expected", "n_initiatives", "n_themes", "n_criteria", "criteria"])


def _scores(tidy: pd.DataFrame, round: str, axis: str, participation=None) -> pd.DataFrame:
    from mcr_analysis.scores import convergence_table

    scores = convergence_table(tidy.loc[tidy["round"].astype(str) == round], participation)
    chosen = scores.loc[(scores["round"].astype(str) == round) & (scores["axis"] == axis), SCORE_COLUMNS]
    return chosen.reset_index(drop=True)


def _shared(rows: pd.DataFrame, present: list[str], crit_order: dict) -> pd.DataFrame:
    from mcr_analysis.sets import theme_labels

    themed = rows.loc[rows["_key"] != ""]
    unnamed = taxonomy.text("brief_unnamed")
    records, shared_in_a_criterion = [], set()
    # Each criterion, then the axis as a whole ("*") for themes shared only across criteria.
    cells = [*themed.groupby("criterion", sort=False), ("*", themed)]
    for crit, cell in cells:
        labels = theme_labels(cell)  # the cell's own wording, as in scores.shared_themes_table
        for key, group in cell.groupby("_key", sort=False):
            orgs = sorted(set(group["organism"]))
            if len(orgs) < 2 or (crit == "*" and key in shared_in_a_criterion):
                continue
            shared_in_a_criterion.add(key)
            record = {"criterion": crit, "theme": labels[key], "k": len(orgs),
                      "_c": crit_order.get(crit, len(crit_order)), "_t": key}
            for org in present:
                names = {str(n).strip() or unnamed for n in group.loc[group["organism"] == org, "initiative"]}
                record[org] = _join(sorted(names))
            records.append(record)
    frame = pd.DataFrame.from_records(records, columns=["criterion", "theme", "k", *present, "_c", "_t"])
    frame = frame.sort_values(["_c", "k", "_t"], ascending=[True, False, True], kind="mergesort")
    return frame.drop(columns=["_c", "_t"]).reset_index(drop=True).astype({"k": "int64"})


def _single_actor(rows: pd.DataFrame, crit_ids: list[str]) -> pd.DataFrame:
    records = []
    for crit in crit_ids:
        mine = rows.loc[rows["criterion"] == crit]
        orgs = sorted(set(mine["organism"]))
        if len(orgs) < 2:
            records.append({"criterion": crit, "n_organisms": len(orgs), "organisms": _join(orgs),
                            "n_initiatives": len(mine)})
    return pd.DataFrame.from_records(records, columns=["criterion", "n_organisms", "organisms", "n_initiatives"])


def previous_round_tables(tidy: pd.DataFrame, axis: str, round: str | None = None,
                          participation: pd.DataFrame | None = None) -> dict[str, pd.DataFrame] | None:
    """What changed on ``axis`` since the round before ``round``; ``None`` when there is no previous round.

    Parameters are those of :func:`brief_tables`; the tables are those of
    :func:`mcr_analysis.compare.axis_changes`.

    Examples
    --------
    >>> tidy = pd.DataFrame({"round": ["2024"], "organism": ["CAN"], "axis": ["transfronteriza"],
    ...                      "criterion": ["normas"], "theme": ["x"], "initiative": ["y"]})
    >>> previous_round_tables(tidy, "transfronteriza") is None
    True
    """
    from mcr_analysis import compare

    _check_axis_lang(axis, "es")
    return compare.axis_changes(tidy, axis, round, participation)


def previous_round_section(tidy: pd.DataFrame, axis: str, round: str | None = None, lang: str = "es",
                           participation: pd.DataFrame | None = None) -> list:
    """The brief's section on the previous round, as Markdown strings and display tables, in order.

    An empty list when ``round`` has no previous round in ``tidy`` (the brief
    then shows nothing).  Tables are :func:`previous_round_tables` labelled with
    :func:`mcr_analysis.compare_export.display_table`.

    Examples
    --------
    >>> tidy = pd.DataFrame({"round": ["2024"], "organism": ["CAN"], "axis": ["transfronteriza"],
    ...                      "criterion": ["normas"], "theme": ["x"], "initiative": ["y"]})
    >>> previous_round_section(tidy, "transfronteriza")
    []
    """
    from mcr_analysis.compare_export import display_table, label

    _check_axis_lang(axis, lang)
    tables = previous_round_tables(tidy, axis, round, participation)
    if tables is None:
        return []
    before, after = tables["rounds"].iloc[0]
    parts: list = ["## " + label("brief:previous", lang).format(previous=before),
                   label("brief:previous_note", lang).format(previous=before, round=after)]
    for name in ("participation", "scores", "initiatives", "themes"):
        frame = tables[name]
        parts.append(display_table(frame, name, lang) if len(frame) else label("fig:none", lang))
    statuses = tables["statuses"]
    parts.append(display_table(statuses, "statuses", lang) if len(statuses)
                 else label("brief:statuses_none", lang))
    return parts


def labelled(frame: pd.DataFrame, lang: str = "es") -> pd.DataFrame:
    """A display copy of a brief or score table: headers, criteria and yes/no in ``lang``.

    Column keys are looked up in ``score_labels.tsv`` (:func:`mcr_analysis.export.column_label`),
    then as ``brief_col_<key>`` in ``labels.tsv``; organism ids used as column
    names are kept.  Values of ``criterion`` (and the ids joined in ``criteria``)
    become labels, ``axis`` values become axis labels, booleans in ``expected``
    become yes/no.  Returns a new DataFrame; ``frame`` is not modified.

    Raises
    ------
    MCRDataError
        When a column has no label or ``lang`` is unknown.

    Examples
    --------
    >>> frame = pd.DataFrame({"criterion": ["proyectos", "*"], "expected": [True, False], "CAN": ["x", ""]})
    >>> labelled(frame, "en").to_dict("list")
    {'Criterion': ['Projects', 'All criteria'], 'Expected (participation table)': ['yes', 'no'], 'CAN': ['x', '']}
    """
    from mcr_analysis.export import column_label

    _check_axis_lang(None, lang)
    out = frame.copy()
    if "criterion" in out:
        out["criterion"] = out["criterion"].map(lambda c: taxonomy.criterion_label(c, lang))
    if "criteria" in out:
        out["criteria"] = out["criteria"].map(
            lambda s: _join(taxonomy.criterion_label(c, lang) for c in s.split("; ") if c))
    if "axis" in out:
        out["axis"] = out["axis"].map(lambda a: taxonomy.axis_label(a, lang))
    if "relation" in out:
        from mcr_analysis.duplicates_review import RELATION_LABELS

        out["relation"] = out["relation"].map(RELATION_LABELS[lang])
    if "expected" in out:
        out["expected"] = out["expected"].map(
            lambda v: taxonomy.text("brief_yes" if v else "brief_no", lang))
    known_orgs = set(taxonomy.organisms().ids)
    names, missing = {}, []
    for col in out.columns:
        if col in known_orgs:
            continue
        try:
            names[col] = column_label(col, lang)
        except MCRDataError:
            try:
                names[col] = taxonomy.text(f"brief_col_{col}", lang)
            except MCRDataError:
                missing.append(col)
    if missing:
        raise MCRDataError(f"no display label for columns {missing}; add them to score_labels.tsv "
                           "or as brief_col_<column> to labels.tsv")
    return out.rename(columns=names)


def heading(key: str, lang: str = "es", level: int = 2, **fields) -> str:
    """Markdown heading of text ``key`` of ``labels.tsv`` (formatted with ``fields``).

    Examples
    --------
    >>> heading("brief_title", "en", 1, axis="Food security")
    '# Seminar brief: Food security'
    """
    return "#" * level + " " + taxonomy.text(key, lang).format(**fields)


def brief_filename(axis: str, round: str, lang: str = "es") -> str:
    """File name of a brief: ``brief_<axis>_<round>.html``, with ``_<lang>`` when not Spanish."""
    suffix = "" if lang == config.DEFAULT_LANG else f"_{lang}"
    return f"brief_{axis}_{round}{suffix}.html"


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


def notebook_path() -> Path:
    """The brief's notebook: the project's ``notebooks/`` copy if there is one, else the package's.

    In a clone both are the same file (the package's is a link to ``notebooks/``).
    """
    mine = config.PROJECT_ROOT / "notebooks" / NOTEBOOK
    if mine.is_file():
        return mine
    return Path(str(resources.files("mcr_analysis.data").joinpath(NOTEBOOK)))


def make_brief(axis: str, round: str | None = None, lang: str = "es", out_dir: str | os.PathLike | None = None,
               *, notebook: str | os.PathLike | None = None, timeout: int = 600, paper: str = "a4") -> Path:
    """Run notebook 4.0 for one axis with papermill and export an HTML brief without code.

    Parameters
    ----------
    axis : str
        Axis id.
    round : str, optional
        Default: the latest round under ``config.RAW_DIR``.
    lang : {"es", "en"}
    out_dir : path, optional
        Default ``config.BRIEFS_DIR`` (``figures/briefs``); created if missing.
    notebook : path, optional
        Default :func:`notebook_path`.  It runs in the project root, so that
        :mod:`mcr_analysis.config` in the kernel finds the same project.
    timeout : int
        Seconds allowed per cell.
    paper : {"a4", "letter"}
        Page size when the brief is printed (A4 by default).

    Returns
    -------
    pathlib.Path
        The HTML file, ``out_dir / brief_filename(axis, round, lang)``: one page
        with its figures embedded, no code cells, no input prompts.

    Raises
    ------
    MCRDataError
        When ``axis`` or ``lang`` is unknown, or ``round`` is not a sub-folder of
        ``data/raw`` (checked before any kernel starts).
    FileNotFoundError
        When the notebook is missing.
    """
    import jinja2
    import nbformat
    import papermill
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    from mcr_analysis.brief_display import print_css

    _check_axis_lang(axis, lang)
    css = print_css(paper)  # checks paper before any kernel starts
    notebook = Path(notebook) if notebook else notebook_path()
    if not notebook.is_file():
        raise FileNotFoundError(f"the brief notebook {notebook} does not exist")
    found = sorted(p.name for p in config.RAW_DIR.iterdir() if p.is_dir()) if config.RAW_DIR.is_dir() else []
    if round is None:
        from mcr_analysis.ingest import load_submissions

        round = latest_round(load_submissions(config.RAW_DIR).tidy["round"])
        if round is None:
            raise MCRDataError(f"no round with data under {config.RAW_DIR}")
    elif str(round) not in found:
        raise MCRDataError(f"round {str(round)!r} is not a sub-folder of {relative(config.RAW_DIR)}; "
                           f"rounds found: {', '.join(found) or 'none'}")
    round = str(round)
    out_dir = Path(out_dir) if out_dir else config.BRIEFS_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mcr-brief-") as tmp:
        executed = Path(tmp) / notebook.name
        papermill.execute_notebook(
            str(notebook), str(executed), parameters={"axis": axis, "round": round, "lang": lang},
            kernel_name="python3", progress_bar=False, log_output=False, cwd=str(config.PROJECT_ROOT),
            execution_timeout=timeout, report_mode=False, extra_arguments=list(_KERNEL_ARGUMENTS))
        nb = nbformat.read(executed, as_version=4)
    exporter = HTMLExporter(template_name="lab", template_file="mcr_brief.html.j2",
                            extra_loaders=[jinja2.DictLoader({"mcr_brief.html.j2": _HTML_TEMPLATE})],
                            exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, embed_images=True, language_code=lang)
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={REMOVE_TAG}), enabled=True)
    title = taxonomy.text("brief_title", lang).format(axis=taxonomy.axis_label(axis, lang))
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": f"{title} ({round})"},
                                                         "mcr_css": css})
    from mcr_analysis.outputs import output_set

    path = out_dir / brief_filename(axis, round, lang)
    with output_set(out_dir) as outs:  # temporary file + rename, under the folder's lock
        outs.write_text(path.name, body)
    return path

