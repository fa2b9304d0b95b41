"""The seminar brief as one HTML page: notebook 4.0 run with papermill, exported without code.

:func:`make_brief` runs the parameterised notebook :data:`NOTEBOOK` (cell
``parameters``: ``axis``, ``round``, ``lang``) for one axis, round and
language and exports it with nbconvert as a self-contained HTML page without
code cells (``figures/briefs/brief_<axis>_<round>[_en].html``), written as an
output set (temporary file + rename).  The one command line that runs it is
``mcr brief`` (:mod:`mcr_analysis.commands.brief`); ``python -m
mcr_analysis.brief`` is that same command, kept for old scripts.

It needs the ``[notebooks]`` extra (papermill, nbconvert, jinja2,
ipykernel).  The notebook ships inside the package (``mcr_analysis/data/``, a
link to ``notebooks/`` in a clone), so the brief works from an install too.
The brief's tables are :func:`mcr_analysis.brief.brief_tables`, its display
helpers :mod:`mcr_analysis.brief_display`.

Examples
--------
>>> brief_filename("seguridad_alimentaria", "2024"), brief_filename("seguridad_alimentaria", "2024", "en")
('brief_seguridad_alimentaria_2024.html', 'brief_seguridad_alimentaria_2024_en.html')
>>> notebook_path().name == NOTEBOOK
True
"""

from __future__ import annotations

import os
import tempfile
from importlib import resources
from pathlib import Path

from mcr_analysis import config, taxonomy
from mcr_analysis.brief import _check_axis_lang
from mcr_analysis.brief_display import relative
from mcr_analysis.sets import latest_round
from mcr_analysis.taxonomy import MCRDataError

__all__ = ["NOTEBOOK", "REMOVE_TAG", "brief_filename", "notebook_path", "make_brief"]

NOTEBOOK = "4.0-nota-para-seminario.ipynb"
"""The parameterised notebook that :func:`make_brief` runs (:func:`notebook_path`)."""
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


def brief_filename(axis: str, round: str, lang: str = "es") -> str:
    """File name of a brief: ``brief_<axis>_<round>.html``, with ``_<lang>`` when not Spanish."""
    suffix = "" if lang == config.DEFAULT_LANG else f"_{lang}"
    return f"brief_{axis}_{round}{suffix}.html"


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

