"""Every entry under the raw folder, with what the ingest does with it.

Internal to :mod:`mcr_analysis.ingest`.  Nothing under the raw folder is
passed over in silence: workbooks and CSV files are read; lock files of a
workbook open in Excel (``~$X.xlsx``) or LibreOffice (``.~lock.X.xlsx#``),
notes such as ``README.md``, system files, folders named like workbooks and
symbolic links that loop are *skipped* with a reason; files of other types
are *unsupported* (the loader reports them as unreadable files).

Examples
--------
>>> classify("~$CAN.xlsx"), classify(".~lock.CAN.xlsx#")
(('skipped', 'workbook open in a spreadsheet program: skipped'), ('skipped', 'workbook open in a spreadsheet program: skipped'))
>>> classify("CAN.xlsx"), classify("SICA.ods")
(('read', ''), ('read', ''))
>>> classify("README.md")[1]
'not a submission (notes about the folder): skipped'
>>> classify("matriz.pdf")[0], classify("manifest.json")[0]
('unsupported', 'skipped')
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from mcr_analysis.ingest.readers import SUPPORTED_SUFFIXES
from mcr_analysis.outputs import TEMP_PREFIX
from mcr_analysis.taxonomy import MCRDataError

LOCKED = "workbook open in a spreadsheet program: skipped"
NOTES = "not a submission (notes about the folder): skipped"
SYSTEM = "not a submission (a file the operating system or a tool keeps): skipped"
_NOTE_STEMS = ("readme", "leeme", "leiame", "lisezmoi", "notas", "notes", "license", "licencia", "changelog")
_NOTE_SUFFIXES = (".md", ".rst")
_SYSTEM_NAMES = ("thumbs.db", "desktop.ini", "ehthumbs.db")
_TOOL_SUFFIXES = (".json", ".yaml", ".yml", ".toml", ".ini", ".log", ".py", ".ipynb", ".lock", ".tmp", ".bak")
_EXPECTED = "expected .xlsx, .xlsm, .xls, .ods or .csv"


@dataclass(frozen=True)
class Entry:
    """One entry under the raw folder.

    Attributes
    ----------
    path : Path
        The entry on disk.
    action : str
        ``read`` (a submission file), ``skipped`` (listed, not a submission)
        or ``unsupported`` (a file of a type the ingest cannot read).
    reason : str
        What was done and why, for ``skipped`` and ``unsupported``.
    """

    path: Path
    action: str = "read"
    reason: str = ""


def classify(name: str) -> tuple[str, str]:
    """``(action, reason)`` for a file called ``name``."""
    low = name.lower()
    if low.startswith("~$") or (low.startswith(".~lock.") and low.endswith("#")):
        return "skipped", LOCKED
    if low.startswith(TEMP_PREFIX):  # a file an interrupted mcr run was writing (e.g. mcr init into data/raw)
        return "skipped", "temporary file of an interrupted mcr run: skipped"
    suffix = os.path.splitext(low)[1]
    if suffix in SUPPORTED_SUFFIXES:
        return "read", ""
    stem = os.path.splitext(low)[0]
    if suffix in _NOTE_SUFFIXES or stem.startswith(_NOTE_STEMS):
        return "skipped", NOTES
    if low.startswith(".") or low in _SYSTEM_NAMES or suffix in _TOOL_SUFFIXES:
        return "skipped", SYSTEM
    return "unsupported", (f"unsupported file type {suffix or '(no extension)'!r}, not read; {_EXPECTED} "
                           "(open it and save the matrix as .xlsx)")


def discover(path: Path) -> tuple[Path, list[Entry]]:
    """The root and every entry under ``path`` (a folder, recursively, or one file), sorted by relative path.

    Raises
    ------
    FileNotFoundError
        When ``path`` does not exist.
    MCRDataError
        When ``path`` is one file that is not a submission (``README.md``).
    """
    path = Path(path)
    if path.is_file():
        action, reason = classify(path.name)
        if action != "read":
            raise MCRDataError(f"{path} is not a workbook or a folder of submissions ({reason}); {_EXPECTED} "
                               "file, or a folder of them such as data/raw")
        return path.parent, [Entry(path)]
    if not path.is_dir():
        raise FileNotFoundError(f"{path} does not exist; expected a folder of .xlsx submissions or one .xlsx file")
    entries: list[Entry] = []
    _walk(path, {os.path.realpath(path)}, entries)
    return path, sorted(entries, key=lambda e: e.path.relative_to(path).as_posix())


def _walk(folder: Path, seen: set[str], out: list[Entry]) -> None:
    """Add the entries under ``folder``; ``seen`` holds the real paths of the folders read or being read.

    Real sub-folders are walked before links, so a link to a folder of the
    tree is listed as such and the folder is read once, under its own name.
    """
    try:
        children = sorted(os.scandir(folder), key=lambda d: (d.is_symlink(), d.name))
    except OSError as exc:
        out.append(Entry(folder, "skipped", f"folder cannot be listed: {exc.strerror or exc}"))
        return
    for child in children:
        p = Path(child.path)
        if child.is_symlink():
            target = os.path.realpath(p)
            if not os.path.exists(target):
                out.append(Entry(p, "skipped", f"broken symbolic link (to {os.readlink(p)}): skipped"))
                continue
            if os.path.isdir(target):
                if any(target == s or s.startswith(target + os.sep) for s in seen):
                    what = "symbolic link loop" if os.path.realpath(folder).startswith(target) else \
                        "symbolic link to a folder already read"
                    out.append(Entry(p, "skipped", f"{what} (to {os.readlink(p)}): not followed"))
                    continue
                seen.add(target)
                _walk(p, seen, out)
                continue
        if child.is_dir():
            if child.name.startswith("."):
                out.append(Entry(p, "skipped", "hidden folder: not read"))
                continue
            if os.path.splitext(child.name.lower())[1] in SUPPORTED_SUFFIXES:
                out.append(Entry(p, "skipped", "a folder named like a workbook: not a file; the files inside "
                                               "it are read with the rest"))
            seen.add(os.path.realpath(p))
            _walk(p, seen, out)
            continue
        if not child.is_file():
            out.append(Entry(p, "skipped", "not a regular file (a device, socket or pipe): skipped"))
            continue
        action, reason = classify(child.name)
        out.append(Entry(p, action, reason))
