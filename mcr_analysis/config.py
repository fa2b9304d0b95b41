"""Project paths and defaults, in one place (notebooks and the CLI read them here).

The project root is ``$MCR_PROJECT_ROOT`` when set, else the nearest folder at
or above the working directory that holds this project's ``pyproject.toml``,
else the folder above the installed package.

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
    "FIGURES_DIR",
    "APPENDIX_DIR",
    "BRIEFS_DIR",
    "TIDY_CSV",
    "REJECTS_CSV",
    "DEFAULT_FORMATS",
    "DEFAULT_LANG",
    "project_root",
    "reference_dir",
]


def project_root(start: Path | None = None) -> Path:
    """Find the project root (see the module docstring)."""
    env = os.environ.get("MCR_PROJECT_ROOT")
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and 'name = "mcr-analysis"' in pyproject.read_text(encoding="utf-8"):
            return folder
    return Path(__file__).resolve().parent.parent


PROJECT_ROOT = project_root()
RAW_DIR = PROJECT_ROOT / "data" / "raw"
PROCESSED_DIR = PROJECT_ROOT / "data" / "processed"
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
