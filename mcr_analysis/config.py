"""Project paths and defaults, in one place (notebooks and the CLI read them here).

A *project* is a folder with ``data/raw/`` (the submissions, one sub-folder per
round), ``data/processed/``, ``data/reference/`` (the analysts' own tables) and
``figures/``: a clone of this repository, or a folder laid out by ``mcr init``.
Its root is, in this order:

1. ``$MCR_PROJECT_ROOT``, when set;
2. the nearest folder at or above the working directory that is a clone of this
   project (its ``pyproject.toml`` names ``mcr-analysis``) or was laid out by
   ``mcr init`` (it holds the marker file :data:`MARKER`), so that notebooks in
   ``notebooks/`` find the project above them;
3. the working directory itself.

Never the folder of the installed package: a pip-installed ``mcr`` reads and
writes in the folder it runs in.

Examples
--------
>>> (PROCESSED_DIR / "mcr_tidy.csv").name
'mcr_tidy.csv'
>>> RAW_DIR.relative_to(PROJECT_ROOT).as_posix()
'data/raw'
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "PROJECT_ROOT",
    "RAW_DIR",
    "PROCESSED_DIR",
    "REFERENCE_DIR",
    "FIGURES_DIR",
    "APPENDIX_DIR",
    "BRIEFS_DIR",
    "TIDY_CSV",
    "REJECTS_CSV",
    "DEFAULT_FORMATS",
    "DEFAULT_LANG",
    "ENV_VAR",
    "MARKER",
    "project_root",
    "reference_dir",
]

ENV_VAR = "MCR_PROJECT_ROOT"
"""Environment variable naming the project root explicitly."""
MARKER = ".mcr-project"
"""File that ``mcr init`` leaves at the root of a project it lays out."""


def _is_project(folder: Path) -> bool:
    if (folder / MARKER).is_file():
        return True
    pyproject = folder / "pyproject.toml"
    try:
        return pyproject.is_file() and 'name = "mcr-analysis"' in pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


def project_root(start: str | os.PathLike | None = None) -> Path:
    """The project root seen from ``start`` (default: the working directory).

    See the module docstring for the order of the rules.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp()).resolve()
    >>> project_root(folder) == folder or ENV_VAR in os.environ
    True
    """
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser().resolve()
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if _is_project(folder):
            return folder
    return here


PROJECT_ROOT = project_root()
RAW_DIR = PROJECT_ROOT / "data" / "raw"
PROCESSED_DIR = PROJECT_ROOT / "data" / "processed"
REFERENCE_DIR = PROJECT_ROOT / "data" / "reference"
FIGURES_DIR = PROJECT_ROOT / "figures"
APPENDIX_DIR = FIGURES_DIR / "appendix"
BRIEFS_DIR = FIGURES_DIR / "briefs"
TIDY_CSV = PROCESSED_DIR / "mcr_tidy.csv"
REJECTS_CSV = PROCESSED_DIR / "mcr_rejects.csv"
DEFAULT_FORMATS = ("svg", "pdf", "png")
DEFAULT_LANG = "es"


def reference_dir() -> Path:
    """The project's analyst decisions folder, ``<project root>/data/reference`` (read at call time)."""
    return PROJECT_ROOT / "data" / "reference"
