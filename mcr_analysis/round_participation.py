"""Who is expected where, round by round: the participation table per round.

The package ships the book's table "Matrices y organismos participantes"
(:func:`mcr_analysis.taxonomy.participation`, round ``*``) as the participation
of every round.  A project adds or overrides rounds with its own
``data/reference/participation.tsv`` (:func:`read_participation`, checked line
by line); :func:`participation_table` combines both for given rounds.  The
expected organisms of a round and axis, E(r, a), are
:func:`mcr_analysis.sets.expected_organisms`.

Examples
--------
>>> p = participation_table(["2025"], reference=False)
>>> sorted(p.loc[p["axis"] == "transfronteriza", "organism"])
['AEC', 'ALADI', 'CAN', 'MERCOSUR', 'SELA', 'SICA']
"""

from __future__ import annotations

import csv

import pandas as pd

from mcr_analysis.taxonomy import ALL_ROUNDS, PARTICIPATION_COLUMNS, MCRDataError, axes, organisms, participation

__all__ = ["ALL_ROUNDS", "PARTICIPATION_COLUMNS", "project_participation_file", "read_participation",
           "participation_table"]


def project_participation_file():
    """Path of the project's participation file, ``<project root>/data/reference/participation.tsv``."""
    from mcr_analysis import config

    return config.PROJECT_ROOT / "data" / "reference" / "participation.tsv"


def read_participation(path) -> pd.DataFrame:
    r"""Read and check a project participation file (the analysts' additions and overrides).

    The file is tab-separated, UTF-8, with the header ``round  matrix  axis
    organism``: ``round`` is a round (the sub-folder name, e.g. ``2025``) or
    ``*`` (every round the file does not name); ``axis`` and ``organism`` are ids
    or any label the vocabulary knows (``Comunidad Andina``); ``matrix`` may be
    empty.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    pandas.DataFrame
        A new frame with :data:`PARTICIPATION_COLUMNS`, ids resolved, one row per
        distinct (round, axis, organism).

    Raises
    ------
    MCRDataError
        Listing every problem at once, each naming its line (the header is line 1):
        missing columns, empty round, unknown axis or organism.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "participation.tsv"
    >>> _ = path.write_text("round\tmatrix\taxis\torganism\n2025\t\ttransfronteriza\tComunidad Andina\n",
    ...                     encoding="utf-8")
    >>> read_participation(path).to_dict("records")
    [{'round': '2025', 'matrix': '', 'axis': 'transfronteriza', 'organism': 'CAN'}]
    """
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        header = [h.strip() for h in (reader.fieldnames or [])]
        rows = list(reader)
    missing = [c for c in PARTICIPATION_COLUMNS if c not in header]
    if missing:
        raise MCRDataError(f"{path}: line 1: missing columns {missing}; expected the tab-separated "
                           f"header {' '.join(PARTICIPATION_COLUMNS)}")
    problems, records = [], []
    for line, row in enumerate(rows, start=2):
        values = {c.strip(): (v or "").strip() for c, v in row.items() if c is not None}
        if not any(values.values()):
            continue
        record = {"round": values["round"], "matrix": values["matrix"]}
        if not record["round"]:
            problems.append(f"line {line}: empty round; expected a round such as 2025 or {ALL_ROUNDS!r}")
        for col, vocab in (("axis", axes), ("organism", organisms)):
            found = vocab().match(values[col])
            if found.id is None or "|" in found.id:
                problems.append(f"line {line}: {col} {values[col]!r} not recognised"
                                + (f" ({found.reason})" if found.reason else ""))
            record[col] = found.id or ""
        records.append(record)
    if problems:
        raise MCRDataError(f"{path}: " + "; ".join(problems))
    frame = pd.DataFrame.from_records(records, columns=PARTICIPATION_COLUMNS).astype(str)
    return frame.drop_duplicates(["round", "axis", "organism"]).reset_index(drop=True)


def participation_table(rounds, reference=None) -> pd.DataFrame:
    """Participation of each of ``rounds``: which organisms are expected on which axis.

    For each round, the rows of the project file for that round when it has
    any; else its rows for ``*``; else the book's table (:func:`participation`).
    A round named in the project file is thus defined wholly by it (add the
    book's rows you want to keep).

    Parameters
    ----------
    rounds : iterable of str
    reference : path, optional
        The project file; default :func:`project_participation_file` (used
        only if it exists).  ``False`` uses the book's table alone.

    Returns
    -------
    pandas.DataFrame
        A new frame with columns ``round``, ``axis``, ``organism`` (distinct
        rows, sorted).

    Examples
    --------
    >>> p = participation_table(["2024"], reference=False)
    >>> sorted(p.loc[p["axis"] == "energia_sostenible", "organism"])
    ['MERCOSUR', 'OTCA', 'SELA', 'SICA']
    """
    if reference is None:
        reference = project_participation_file()
        reference = reference if reference.is_file() else False
    project = read_participation(reference) if reference is not False else None
    book = participation()[["axis", "organism"]]
    parts = []
    for round_ in sorted({str(r) for r in rounds}):
        chosen = book
        if project is not None:
            for key in (round_, ALL_ROUNDS):
                own = project.loc[project["round"] == key, ["axis", "organism"]]
                if not own.empty:
                    chosen = own
                    break
        parts.append(chosen.assign(round=round_))
    columns = ["round", "axis", "organism"]
    if not parts:
        return pd.DataFrame({c: pd.Series([], dtype=str) for c in columns})
    out = pd.concat(parts, ignore_index=True)[columns].drop_duplicates()
    return out.sort_values(columns, kind="mergesort").reset_index(drop=True)
