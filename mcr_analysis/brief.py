"""The tables of a seminar brief on one axis, computed from the tidy table.

:func:`brief_tables` computes what an analyst needs before a seminar on one
axis: who takes part, the convergence scores per criterion, the shared themes
with each organism's initiatives side by side, the criteria where at most one
organism acts, the organisms the participation table expects but that sent
nothing and the possible duplications.  The numbers are those of
:mod:`mcr_analysis.scores` (the shared themes are
:func:`mcr_analysis.scores.shared_themes_table`, the one definition of a shared
theme, laid out one column per organism).  :func:`labelled` turns those tables
into display tables (headers and criteria in Spanish or English);
:func:`previous_round_section` adds what changed since the previous round.

Nothing here draws; every function returns new objects and never modifies
its input.  The brief itself is :func:`mcr_analysis.brief_run.make_brief`
(``mcr brief --axis <id>``), its display helpers :mod:`mcr_analysis.brief_display`
and its opening sentences :mod:`mcr_analysis.brief_summary`.  ``python -m
mcr_analysis.brief ARGS`` is ``mcr brief ARGS``, kept for old scripts.

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
>>> heading("brief_title", "en", 1, axis="Food security")
'# Seminar brief: Food security'
"""

from __future__ import annotations

import sys

import pandas as pd

from mcr_analysis import config, taxonomy
from mcr_analysis.sets import expected_organisms, latest_round, theme_keys
from mcr_analysis.taxonomy import MCRDataError

__all__ = [
    "BRIEF_TABLES",
    "brief_tables",
    "previous_round_tables",
    "previous_round_section",
    "labelled",
    "heading",
    "BRIEF_DUPLICATES",
    "DUPLICATE_BRIEF_COLUMNS",
    "SCORE_COLUMNS",
]

BRIEF_TABLES = ("participation", "scores", "shared", "single_actor", "absent", "duplicates")
"""Keys of :func:`brief_tables`, in the order the brief shows them."""
BRIEF_DUPLICATES = 10
"""Candidate pairs of possibly duplicated initiatives shown in a brief (the best scored)."""
DUPLICATE_BRIEF_COLUMNS = ["organism_a", "initiative_a", "organism_b", "initiative_b", "score", "relation"]
"""Columns of the brief's ``duplicates`` table."""
SCORE_COLUMNS = ["criterion", "n_active", "n_initiatives", "n_themes", "n_shared_themes",
                 "n_full_themes", "convergence_index", "mean_jaccard"]
"""Columns of :func:`mcr_analysis.scores.convergence_table` kept in the brief."""


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
    """The shared themes of :func:`mcr_analysis.scores.shared_themes_table`, one column per organism.

    ``rows`` are the round's rows on the axis with their theme key ``_key``.
    Which themes are shared, their wording and ``k`` come from scores; the
    brief only lays each organism's initiatives out side by side, and keeps
    the axis-wide rows (``"*"``) of the themes not shared within a criterion.
    """
    from mcr_analysis.scores import shared_themes_table

    sources = rows.assign(**{c: "" for c in ("initiative", "source_file", "source_row") if c not in rows})
    table = shared_themes_table(sources.drop(columns="_key"))
    table = table.assign(_t=theme_keys(table["theme"]).astype(str),
                         _c=table["criterion"].map(lambda c: crit_order.get(c, len(crit_order))))
    in_a_criterion = set(table.loc[table["criterion"] != "*", "_t"])
    table = table.loc[(table["criterion"] != "*") | ~table["_t"].isin(in_a_criterion)]
    unnamed = taxonomy.text("brief_unnamed")
    names = {}  # (criterion, key, organism) -> initiative names, and ("*", key, organism) for the axis
    themed = rows.loc[rows["_key"] != ""]
    for crit, key, org, initiative in zip(themed["criterion"], themed["_key"], themed["organism"],
                                          themed["initiative"] if "initiative" in themed else [""] * len(themed)):
        name = str(initiative).strip() or unnamed
        for cell in (crit, "*"):
            names.setdefault((cell, key, org), set()).add(name)
    frame = table[["criterion", "theme", "k", "_c", "_t"]].copy()
    for org in present:
        frame[org] = [_join(sorted(names.get((c, t, org), ()))) for c, t in zip(table["criterion"], table["_t"])]
    frame = frame.sort_values(["_c", "k", "_t"], ascending=[True, False, True], kind="mergesort")
    frame = frame[["criterion", "theme", "k", *present]].reset_index(drop=True)
    return frame.astype({"k": "int64", "criterion": str, "theme": str})


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


if __name__ == "__main__":  # ``python -m mcr_analysis.brief ARGS`` is ``mcr brief ARGS``
    from mcr_analysis.cli import main

    raise SystemExit(main(["brief", *sys.argv[1:]]))
