"""From the tidy table to sets: organisms are sets, themes are elements.

Theme identity is :func:`mcr_analysis.taxonomy.theme_key`; each theme is shown
with its most frequent submitted wording (ties: the alphabetically first), so
the same data always give the same labels.  Memberships are built with
``upsetplot.from_contents``.

Examples
--------
>>> import pandas as pd
>>> tidy = pd.DataFrame({
...     "round": ["2024"] * 4,
...     "organism": ["CAN", "SICA", "SICA", "SELA"],
...     "axis": ["transfronteriza"] * 4,
...     "criterion": ["proyectos"] * 4,
...     "theme": ["Facilitación del comercio", "facilitacion del comercio", "Pasos de frontera", ""],
... })
>>> {org: sorted(themes) for org, themes in cell_contents(tidy, "transfronteriza", "proyectos").items()}
{'CAN': ['Facilitación del comercio'], 'SICA': ['Facilitación del comercio', 'Pasos de frontera']}
>>> m = memberships(cell_contents(tidy, "transfronteriza", "proyectos"))
>>> m.index.names, sorted(m["id"])
(FrozenList(['CAN', 'SICA']), ['Facilitación del comercio', 'Pasos de frontera'])
"""

from __future__ import annotations

import pandas as pd

from mcr_analysis.taxonomy import normalize_label, theme_key

__all__ = ["theme_keys", "theme_labels", "latest_round", "previous_round", "sort_rounds", "expected_organisms",
           "EXPECTED_COLUMNS", "cell_rows", "cell_contents", "active_contents", "memberships"]

EXPECTED_COLUMNS = ["round", "axis", "organism", "listed", "sent"]
"""Columns of :func:`expected_organisms`."""


def theme_keys(themes: pd.Series) -> pd.Series:
    """:func:`~mcr_analysis.taxonomy.theme_key` of every value, computed once per distinct value.

    Returns a new Series aligned with ``themes``.

    Examples
    --------
    >>> theme_keys(pd.Series(["Pasos", "pasos", "Ríos"])).tolist()
    ['pasos', 'pasos', 'rios']
    """
    lookup = {value: theme_key(value) for value in themes.unique()}
    return themes.map(lookup)


def _round_order(r: str):
    return (not r.isdigit(), int(r) if r.isdigit() else 0, r)


def sort_rounds(rounds) -> list[str]:
    """Distinct ``rounds`` as text, oldest first (numeric rounds compare as numbers).

    Examples
    --------
    >>> sort_rounds(["2025", "2024", "10", "9", "2024"])
    ['9', '10', '2024', '2025']
    """
    return sorted({str(r) for r in rounds}, key=_round_order)


def previous_round(rounds, round: str) -> str | None:
    """The round of ``rounds`` just before ``round``, or ``None`` when there is none.

    Examples
    --------
    >>> previous_round(["2024", "2025"], "2025"), previous_round(["2024", "2025"], "2024")
    ('2024', None)
    """
    earlier = [r for r in sort_rounds(rounds) if _round_order(r) < _round_order(str(round))]
    return earlier[-1] if earlier else None


def expected_organisms(tidy: pd.DataFrame, participation: pd.DataFrame | None = None) -> pd.DataFrame:
    """E(r, a): the organisms expected on each axis of each round of ``tidy``.

    The one definition used by the scores (``n_expected``, ``coverage``), the
    brief ("Esperado") and the comparison of rounds: E(r, a) is the union of
    the organisms the participation table lists for axis *a* in round *r* and
    the organisms with at least one row on *a* in *r*.  An organism the table
    expects that sent nothing (went silent) is in E and so lowers coverage.

    Parameters
    ----------
    tidy : pandas.DataFrame
        Needs ``round``, ``axis``, ``organism``; not modified.
    participation : pandas.DataFrame, optional
        Columns ``round``, ``axis``, ``organism`` (``round`` may be ``"*"``, every
        round).  Default :func:`mcr_analysis.round_participation.participation_table` of
        the rounds of ``tidy`` (the book's table, with the project's
        ``data/reference/participation.tsv`` applied).

    Returns
    -------
    pandas.DataFrame
        A new frame with :data:`EXPECTED_COLUMNS`: one row per (round, axis,
        organism) of E for every round of ``tidy``; ``listed``: the
        participation table lists it; ``sent``: it has rows on the axis.
        Sorted by round, axis and organism id.

    Examples
    --------
    >>> tidy = pd.DataFrame({"round": ["2024", "2024"], "axis": ["energia_sostenible"] * 2,
    ...                      "organism": ["CAN", "SELA"]})
    >>> part = pd.DataFrame({"round": ["*", "*"], "axis": ["energia_sostenible"] * 2,
    ...                      "organism": ["SELA", "OTCA"]})
    >>> expected_organisms(tidy, part).to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'round': '2024', 'axis': 'energia_sostenible', 'organism': 'CAN', 'listed': False, 'sent': True},
     {'round': '2024', 'axis': 'energia_sostenible', 'organism': 'OTCA', 'listed': True, 'sent': False},
     {'round': '2024', 'axis': 'energia_sostenible', 'organism': 'SELA', 'listed': True, 'sent': True}]
    """
    from mcr_analysis import taxonomy
    from mcr_analysis.round_participation import participation_table

    rounds = sort_rounds(tidy["round"])
    sent = pd.DataFrame({c: tidy[c].fillna("").astype(str).str.strip().to_numpy()
                         for c in ("round", "axis", "organism")}).drop_duplicates()
    if participation is None:
        listed = participation_table(rounds)
    else:
        listed = participation[["round", "axis", "organism"]].astype(str)
        every = listed[listed["round"] == taxonomy.ALL_ROUNDS]
        own = listed[listed["round"] != taxonomy.ALL_ROUNDS]
        listed = pd.concat([own[own["round"].isin(rounds)]]
                           + [every.assign(round=r) for r in rounds if r not in set(own["round"])],
                           ignore_index=True)
    listed = listed.drop_duplicates()
    out = listed.assign(listed=True).merge(sent.assign(sent=True), on=["round", "axis", "organism"], how="outer")
    out["listed"] = out["listed"].fillna(False).astype(bool)
    out["sent"] = out["sent"].fillna(False).astype(bool)
    rank = {r: i for i, r in enumerate(rounds)}
    out = out.assign(_r=out["round"].map(rank)).sort_values(["_r", "axis", "organism"], kind="mergesort")
    return out.drop(columns="_r").reset_index(drop=True)[EXPECTED_COLUMNS]


def latest_round(rounds) -> str | None:
    """The latest of ``rounds`` (numeric rounds compare as numbers), or ``None`` if there are none.

    Examples
    --------
    >>> latest_round(["2024", "2025", "2024"]), latest_round(["9", "10"]), latest_round([])
    ('2025', '10', None)
    """
    values = sort_rounds(rounds)
    return values[-1] if values else None


def theme_labels(tidy: pd.DataFrame) -> dict[str, str]:
    """Display label of every theme key in ``tidy``.

    The label is the wording submitted most often for that key; ties go to the
    alphabetically first wording.  Rows whose theme is empty (or only
    punctuation, so its key is ``""``) are ignored.

    Examples
    --------
    >>> theme_labels(pd.DataFrame({"theme": ["Pasos", "pasos", "pasos", "", "-", "Ríos"]}))
    {'pasos': 'pasos', 'rios': 'Ríos'}
    """
    themes = tidy["theme"].fillna("").astype(str).str.strip()
    frame = pd.DataFrame({"key": theme_keys(themes), "label": themes})
    frame = frame[frame["key"] != ""]
    if frame.empty:
        return {}
    counts = frame.groupby(["key", "label"]).size().reset_index(name="n")
    counts = counts.sort_values(["key", "n", "label"], ascending=[True, False, True], kind="mergesort")
    first = counts.drop_duplicates("key")
    return dict(zip(first["key"], first["label"]))


def cell_rows(tidy: pd.DataFrame, axis: str, criterion: str = "*", round: str | None = None) -> pd.DataFrame:
    """Rows of one (round, axis, criterion) cell; ``criterion="*"`` pools all criteria.

    Parameters
    ----------
    tidy : pandas.DataFrame
        The tidy table (needs ``axis``, ``criterion``, ``round``); not modified.
    axis : str
        Axis id.
    criterion : str, default ``"*"``
        Criterion id, or ``"*"`` for every criterion of the axis.
    round : str, optional
        ``None`` keeps every round.

    Returns
    -------
    pandas.DataFrame
        A new frame with the cell's rows, in their original order.

    Examples
    --------
    >>> tidy = pd.DataFrame({"round": ["2024", "2024"], "axis": ["transfronteriza"] * 2,
    ...                      "criterion": ["normas", "proyectos"], "theme": ["a", "b"]})
    >>> cell_rows(tidy, "transfronteriza", "normas")["theme"].tolist(), len(cell_rows(tidy, "transfronteriza"))
    (['a'], 2)
    """
    mask = tidy["axis"] == axis
    if criterion != "*":
        mask &= tidy["criterion"] == criterion
    if round is not None:
        mask &= tidy["round"].astype(str) == str(round)
    return tidy.loc[mask].copy()


def cell_contents(
    tidy: pd.DataFrame, axis: str, criterion: str = "*", round: str | None = None
) -> dict[str, frozenset[str]]:
    """Themes (display labels) of every organism with at least one theme in the cell.

    Parameters are those of :func:`cell_rows`; ``tidy`` also needs ``organism``
    and ``theme`` and is not modified.

    Returns
    -------
    dict of str to frozenset of str
        A new dict organism -> its themes, each shown with :func:`theme_labels`'
        wording of the cell.  Organisms are sorted by id; organisms whose rows in
        the cell have no theme are left out (they count as initiatives, not as
        sets).  See the module example.
    """
    rows = cell_rows(tidy, axis, criterion, round)
    keys = theme_keys(rows["theme"])
    rows, keys = rows[keys != ""], keys[keys != ""]
    if rows.empty:
        return {}
    labels = theme_labels(rows)
    out: dict[str, frozenset[str]] = {}
    for organism, group in keys.groupby(rows["organism"], sort=True):
        out[str(organism)] = frozenset(labels[k] for k in group)
    return out


def active_contents(contents: dict, what: str = "a diagram") -> dict[str, tuple[str, ...]]:
    """Check diagram input; keep organisms with at least one theme, themes sorted.

    Parameters
    ----------
    contents : dict
        Organism -> iterable of theme labels (as :func:`cell_contents` gives).
    what : str
        What is being drawn, for the error message.

    Returns
    -------
    dict
        A new dict organism -> tuple of themes sorted by folded label.

    Raises
    ------
    TypeError
        ``contents`` is not a dict, or an organism's themes are a single string.
    ValueError
        No organism has any theme.

    Examples
    --------
    >>> active_contents({"CAN": {"b", "A"}, "SICA": set()})
    {'CAN': ('A', 'b')}
    """
    if not isinstance(contents, dict):
        raise TypeError(f"contents must be a dict organism -> set of themes, got {type(contents).__name__}")
    out = {}
    for organism, themes in contents.items():
        if isinstance(themes, str):
            raise TypeError(f"themes of {organism!r} must be a set of strings, got the string {themes!r}")
        clean = {str(t) for t in themes if str(t).strip()}
        if clean:
            out[str(organism)] = tuple(sorted(clean, key=lambda t: (normalize_label(t), t)))
    if not out:
        raise ValueError(
            f"cannot draw {what}: no organism has any theme in this cell "
            f"(organisms given: {sorted(map(str, contents)) or 'none'})"
        )
    return out


def memberships(contents: dict[str, frozenset[str]]) -> pd.DataFrame:
    """Themes by membership, as ``upsetplot.from_contents`` shapes them.

    Parameters
    ----------
    contents : dict of str to frozenset of str
        Organism -> themes, as :func:`cell_contents` gives; not modified.

    Returns
    -------
    pandas.DataFrame
        A new frame with one row per theme (column ``id``), indexed by a boolean
        MultiIndex with one level per organism, in the order of ``contents``.
        (``upsetplot`` imports pyplot, so it is imported here, not with the
        module.)  See the module example.
    """
    import upsetplot

    return upsetplot.from_contents({k: sorted(v) for k, v in contents.items()})
