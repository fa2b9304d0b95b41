"""Follow the matrices from one round to the next, as pure table functions.

:func:`compare_rounds` takes the tidy table and two rounds and returns new
DataFrames; nothing here draws (the figures are in
:mod:`mcr_analysis.compare_plots`) or writes (:mod:`mcr_analysis.compare_export`).

* ``changes`` (:data:`CHANGE_COLUMNS`): one row per initiative present in
  either round, ``change`` one of :data:`CHANGES`.  Rows are matched within
  an organism: first the same initiative up to case, accents, punctuation and
  spacing (:func:`mcr_analysis.taxonomy.normalize_label`), preferring the row
  with the same axis and criterion; then, among the rows still unmatched on
  the same axis, a reworded initiative whose :func:`similarity` is at least
  :data:`FUZZY_THRESHOLD`, when each is the other's only candidate that close
  (a second candidate within :data:`AMBIGUITY_MARGIN` makes it ambiguous: never
  guessed, both rows stay ``removed``/``added`` with a ``note``).
* ``participation`` (:data:`PARTICIPATION_COLUMNS`): per axis, each organism
  with rows in either round: ``silent`` (rows only in the first), ``new``
  (only in the second) or ``continuing``; ``identical_submission`` when its
  rows on the axis are equal, in any order, to those of the first round.
* ``scores`` (:data:`SCORE_CHANGE_COLUMNS`): every metric of ``mcr_scores.csv``
  for every (axis, criterion) of either round, criterion ``"*"`` included, in
  long format.
* ``statuses`` (:data:`STATUS_COLUMNS`): per axis, the status transitions of
  the matched initiatives (planned -> ongoing -> completed).
* ``themes`` (:data:`THEME_COLUMNS`): per cell, the themes that became shared
  (held by two or more organisms) or stopped being shared.

Examples
--------
>>> import pandas as pd
>>> def rows(round_, initiatives, status):
...     return pd.DataFrame({"round": round_, "organism": "CAN", "axis": "transfronteriza",
...         "criterion": "proyectos", "theme": "Pasos", "initiative": initiatives, "status": status,
...         "source_file": f"{round_}/CAN.xlsx", "source_sheet": "Matriz",
...         "source_row": range(2, 2 + len(initiatives))})
>>> tidy = pd.concat([rows("2024", ["Plan andino", "CEBAF"], "En ejecución"),
...                   rows("2025", ["PLAN ANDINO", "Puente"], "Realizado")])
>>> out = compare_rounds(tidy, "2024", "2025")
>>> out["changes"][["initiative_from", "initiative_to", "change", "changed_fields"]].values.tolist()
[['Plan andino', 'PLAN ANDINO', 'changed', 'initiative; status'], ['CEBAF', '', 'removed', ''], ['', 'Puente', 'added', '']]
>>> out["statuses"][["status_from", "status_to", "n", "direction"]].values.tolist()
[['ongoing', 'completed', 1, 'advanced']]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mcr_analysis import _score_base as base
from mcr_analysis import taxonomy
from mcr_analysis.compare_match import (
    AMBIGUITY_MARGIN,
    COMPARED_FIELDS,
    FUZZY_THRESHOLD,
    match_rows,
    similarity,
)
from mcr_analysis.sets import expected_organisms, latest_round, previous_round, sort_rounds, theme_keys
from mcr_analysis.taxonomy import MCRDataError, normalize_label

__all__ = [
    "CHANGES",
    "CHANGE_COLUMNS",
    "COMPARED_FIELDS",
    "PARTICIPATION_COLUMNS",
    "SCORE_CHANGE_COLUMNS",
    "STATUS_COLUMNS",
    "THEME_COLUMNS",
    "FUZZY_THRESHOLD",
    "AMBIGUITY_MARGIN",
    "STATUS_ORDER",
    "similarity",
    "status_id",
    "status_ids",
    "resolve_rounds",
    "initiative_changes",
    "participation_changes",
    "score_changes",
    "status_transitions",
    "shared_theme_changes",
    "compare_rounds",
    "axis_changes",
]

CHANGES = ("added", "removed", "changed", "unchanged")
_SIDE = ["initiative", "theme", "status", "source_file", "source_sheet", "source_row"]
CHANGE_COLUMNS = (["round_from", "round_to", "organism", "axis", "criterion", "change"]
                  + [f"{c}_{s}" for c in _SIDE[:3] for s in ("from", "to")]
                  + ["changed_fields", "match_score", "note"]
                  + [f"{c}_{s}" for s in ("from", "to") for c in _SIDE[3:]])
PARTICIPATION_COLUMNS = ["round_from", "round_to", "axis", "organism", "change", "listed_from", "listed_to",
                         "n_initiatives_from", "n_initiatives_to", "identical_submission"]
SCORE_METRICS = ["n_expected", "n_active", "coverage", "n_initiatives", "n_themes", "n_shared_themes",
                 "n_full_themes", "convergence_index", "mean_jaccard", "sorensen_multi"]
SCORE_CHANGE_COLUMNS = ["round_from", "round_to", "axis", "criterion", "metric", "from", "to", "difference"]
STATUS_COLUMNS = ["round_from", "round_to", "axis", "status_from", "status_to", "n", "direction"]
THEME_COLUMNS = ["round_from", "round_to", "axis", "criterion", "theme", "change", "k_from", "k_to",
                 "organisms_from", "organisms_to"]
STATUS_ORDER = {"planned": 0, "ongoing": 1, "completed": 2}
"""The follow-up ladder; ``cancelled`` stands apart."""
_STATUS_TEXT = {
    "planned": ("propuesto", "propuesta", "programado", "programada", "en elaboracion", "planificado",
                "previsto", "en preparacion", "en diseno", "planned", "proposed", "scheduled"),
    "ongoing": ("en ejecucion", "en curso", "vigente", "en proceso", "en marcha", "ongoing", "in progress",
                "active", "underway"),
    "completed": ("realizado", "realizada", "publicado", "publicada", "finalizado", "concluido", "completado",
                  "ejecutado", "completed", "done", "published", "finished"),
    "cancelled": ("cancelado", "cancelada", "suspendido", "suspendida", "cancelled", "canceled", "suspended"),
}
_STATUS_LOOKUP = {text: sid for sid, texts in _STATUS_TEXT.items() for text in texts}


def status_id(text: object) -> str:
    """Status id (planned, ongoing, completed, cancelled) of a submitted status, or ``""``.

    The one place the status text is read when the tidy table has no
    ``status_id`` column (to be replaced by ``taxonomy.statuses()``).

    Examples
    --------
    >>> status_id("En ejecución"), status_id("REALIZADO"), status_id("Propuesto"), status_id("?")
    ('ongoing', 'completed', 'planned', '')
    """
    return _STATUS_LOOKUP.get(normalize_label(text), "")


def status_ids(tidy: pd.DataFrame) -> pd.Series:
    """Status id of every row: the ``status_id`` column when present, else :func:`status_id` of ``status``.

    Examples
    --------
    >>> status_ids(pd.DataFrame({"status": ["Vigente", ""]})).tolist()
    ['ongoing', '']
    >>> status_ids(pd.DataFrame({"status": ["x"], "status_id": ["completed"]})).tolist()
    ['completed']
    """
    if "status_id" in tidy:
        return tidy["status_id"].fillna("").astype(str)
    if "status" not in tidy:
        return pd.Series("", index=tidy.index, dtype=str)
    texts = tidy["status"].fillna("").astype(str)
    return texts.map({t: status_id(t) for t in texts.unique()})


def resolve_rounds(tidy: pd.DataFrame, round_from: str | None = None, round_to: str | None = None) -> tuple[str, str]:
    """The two rounds to compare: ``round_to`` defaults to the latest, ``round_from`` to the one before it.

    Raises
    ------
    MCRDataError
        When a round is not in ``tidy``, both are the same, or ``round_to`` has
        no previous round (naming the rounds found).

    Examples
    --------
    >>> tidy = pd.DataFrame({"round": ["2024", "2025"]})
    >>> resolve_rounds(tidy)
    ('2024', '2025')
    """
    rounds = sort_rounds(tidy["round"]) if "round" in tidy else []
    found = ", ".join(rounds) or "none"
    round_to = rounds[-1] if round_to is None and rounds else (None if round_to is None else str(round_to))
    problems = [f"round {r!r} is not in the tidy table" for r in (round_from, round_to)
                if r is not None and str(r) not in rounds]
    if round_to is None:
        problems.append("the tidy table has no round")
    if problems:
        raise MCRDataError("; ".join(problems) + f"; rounds found: {found}")
    if round_from is None:
        round_from = previous_round(rounds, round_to)
        if round_from is None:
            raise MCRDataError(f"round {round_to!r} has no previous round to compare with; rounds found: {found}")
    round_from = str(round_from)
    if round_from == round_to:
        raise MCRDataError(f"cannot compare round {round_to!r} with itself; rounds found: {found}")
    return round_from, round_to


def _text_rows(tidy: pd.DataFrame, round_: str) -> pd.DataFrame:
    """The rows of ``round_`` as plain text, with the matching keys."""
    rows = tidy.loc[tidy["round"].astype(str) == round_]
    fields = [c for c in dict.fromkeys(["organism", *COMPARED_FIELDS, *_SIDE[3:]]) if c in rows]
    out = pd.DataFrame({c: rows[c].astype("string").fillna("").astype(str).str.strip().to_numpy()
                        for c in fields}, index=pd.RangeIndex(len(rows)))
    for c in ("initiative", "theme", "status", *_SIDE[3:]):
        if c not in out:
            out[c] = ""
    out["status_id"] = status_ids(rows).to_numpy()
    names = out["initiative"].where(out["initiative"] != "", out["theme"])
    out["_key"] = names.map({v: normalize_label(v) for v in names.unique()})
    out["_row"] = pd.to_numeric(out["source_row"], errors="coerce")
    return out


def initiative_changes(tidy: pd.DataFrame, round_from: str, round_to: str) -> pd.DataFrame:
    """One row per initiative present in either round, with what changed (see the module docstring).

    Parameters
    ----------
    tidy : pandas.DataFrame
        The tidy table holding both rounds; not modified.
    round_from, round_to : str

    Returns
    -------
    pandas.DataFrame
        A new frame with :data:`CHANGE_COLUMNS`.  ``axis`` and ``criterion`` are
        those of the second round for matched and added rows (a move shows in
        ``changed_fields``); ``changed_fields`` joins, with ``"; "``, the
        :data:`COMPARED_FIELDS` whose text differs; ``match_score`` is 1 for the
        same initiative, its :func:`similarity` for a reworded one, empty for
        added and removed rows.  Sorted by axis (book order), organism, then the
        first round's file order, added rows last.
    """
    round_from, round_to = resolve_rounds(tidy, round_from, round_to)
    old, new = _text_rows(tidy, round_from), _text_rows(tidy, round_to)
    exact, fuzzy, notes_old, notes_new = match_rows(old, new)
    fields = [c for c in COMPARED_FIELDS if c in old and c in new]
    records = []

    def side(frame, i, suffix):
        return {f"{c}_{suffix}": frame.at[i, c] for c in _SIDE} if i is not None else \
            {f"{c}_{suffix}": "" for c in _SIDE}

    for i, j, s in [(i, j, 1.0) for i, j in exact] + fuzzy:
        diff = [c for c in fields if old.at[i, c] != new.at[j, c]]
        records.append({"organism": new.at[j, "organism"], "axis": new.at[j, "axis"],
                        "criterion": new.at[j, "criterion"], "change": "changed" if diff else "unchanged",
                        "changed_fields": "; ".join(diff), "match_score": s, "note": "",
                        **side(old, i, "from"), **side(new, j, "to"), "_o": old.at[i, "_row"], "_f": 0})
    matched_old = {r[0] for r in exact} | {r[0] for r in fuzzy}
    matched_new = {r[1] for r in exact} | {r[1] for r in fuzzy}
    for i in old.index.difference(sorted(matched_old)):
        records.append({"organism": old.at[i, "organism"], "axis": old.at[i, "axis"],
                        "criterion": old.at[i, "criterion"], "change": "removed", "changed_fields": "",
                        "match_score": np.nan, "note": notes_old.get(i, ""),
                        **side(old, i, "from"), **side(None, None, "to"), "_o": old.at[i, "_row"], "_f": 0})
    for j in new.index.difference(sorted(matched_new)):
        records.append({"organism": new.at[j, "organism"], "axis": new.at[j, "axis"],
                        "criterion": new.at[j, "criterion"], "change": "added", "changed_fields": "",
                        "match_score": np.nan, "note": notes_new.get(j, ""),
                        **side(None, None, "from"), **side(new, j, "to"), "_o": new.at[j, "_row"], "_f": 1})
    frame = pd.DataFrame.from_records(records, columns=[c for c in CHANGE_COLUMNS if c not in ("round_from", "round_to")]
                                      + ["_o", "_f"])
    frame.insert(0, "round_to", round_to)
    frame.insert(0, "round_from", round_from)
    axis_rank = {a: n for n, a in enumerate(taxonomy.axes().ids)}
    frame["_a"] = frame["axis"].map(axis_rank)
    frame["_file"] = frame["source_file_from"].where(frame["_f"] == 0, frame["source_file_to"])
    frame = frame.sort_values(["_a", "organism", "_f", "_file", "_o"], kind="mergesort")
    frame["match_score"] = frame["match_score"].astype("float64")
    return frame[CHANGE_COLUMNS].reset_index(drop=True)


def participation_changes(tidy: pd.DataFrame, round_from: str, round_to: str,
                          participation: pd.DataFrame | None = None) -> pd.DataFrame:
    """Who went silent, who is new, who continues, per axis; and who sent the same rows again.

    Returns a new frame with :data:`PARTICIPATION_COLUMNS`: for every axis with
    rows in either round, one row per organism with rows on the axis in either
    round or listed by the participation table in the second (so an expected
    organism that sent nothing in both rounds shows as ``silent`` with 0 and 0).  ``listed_*``: the
    participation table of that round lists it; ``identical_submission``: its
    rows on the axis in the two rounds are the same multiset of
    :data:`COMPARED_FIELDS` (row order, file, sheet and row numbers aside).
    Sorted by axis (book order) and organism.
    """
    round_from, round_to = resolve_rounds(tidy, round_from, round_to)
    both = tidy.loc[tidy["round"].astype(str).isin([round_from, round_to])]
    expected = expected_organisms(both, participation)
    fields = [c for c in COMPARED_FIELDS if c in tidy and c != "axis"]
    records = []
    for axis in [a for a in taxonomy.axes().ids if (both["axis"] == a).any()]:
        sub = expected.loc[expected["axis"] == axis]
        for org in sorted(set(sub["organism"])):
            mine = sub.loc[sub["organism"] == org].set_index("round")
            sent = {r: bool(r in mine.index and mine.at[r, "sent"]) for r in (round_from, round_to)}
            listed = {r: bool(r in mine.index and mine.at[r, "listed"]) for r in (round_from, round_to)}
            if not (sent[round_from] or sent[round_to] or listed[round_to]):
                continue
            rows = {r: both.loc[(both["round"].astype(str) == r) & (both["axis"] == axis) & (both["organism"] == org)]
                    for r in (round_from, round_to)}
            change = ("continuing" if sent[round_from] and sent[round_to]
                      else "new" if sent[round_to] else "silent")
            records.append({"axis": axis, "organism": org, "change": change,
                            "listed_from": listed[round_from], "listed_to": listed[round_to],
                            "n_initiatives_from": len(rows[round_from]), "n_initiatives_to": len(rows[round_to]),
                            "identical_submission": change == "continuing"
                            and _multiset(rows[round_from], fields) == _multiset(rows[round_to], fields)})
    frame = pd.DataFrame.from_records(records, columns=PARTICIPATION_COLUMNS[2:])
    frame.insert(0, "round_to", round_to)
    frame.insert(0, "round_from", round_from)
    return frame.astype({"n_initiatives_from": "int64", "n_initiatives_to": "int64",
                         "identical_submission": bool, "listed_from": bool, "listed_to": bool})


def _multiset(rows: pd.DataFrame, fields: list[str]) -> list[tuple]:
    text = rows[fields].astype("string").fillna("").astype(str).apply(lambda s: s.str.strip())
    return sorted(text.itertuples(index=False, name=None))


def score_changes(scores: pd.DataFrame, round_from: str, round_to: str) -> pd.DataFrame:
    """Every metric of ``scores`` (a :func:`mcr_analysis.scores.convergence_table`) in both rounds, long.

    Returns a new frame with :data:`SCORE_CHANGE_COLUMNS`: one row per (axis,
    criterion) present in either round (criterion ``"*"`` included) and metric
    of :data:`SCORE_METRICS`, ``from``/``to`` empty (NaN) where the cell or the
    index is missing, ``difference`` = to - from.  Cells in the book's order,
    metrics in the order of ``mcr_scores.csv``.

    Examples
    --------
    >>> s = pd.DataFrame({"round": ["2024", "2025"], "axis": ["transfronteriza"] * 2, "criterion": ["*"] * 2,
    ...                   **{m: [1.0, 3.0] for m in SCORE_METRICS}})
    >>> score_changes(s, "2024", "2025")[["metric", "from", "to", "difference"]].head(1).to_dict("records")
    [{'metric': 'n_expected', 'from': 1.0, 'to': 3.0, 'difference': 2.0}]
    """
    keep = ["axis", "criterion", *SCORE_METRICS]
    cells = []
    for r, side in ((round_from, "from"), (round_to, "to")):
        one = scores.loc[scores["round"].astype(str) == str(r), keep]
        long = one.melt(id_vars=["axis", "criterion"], value_vars=SCORE_METRICS, var_name="metric", value_name=side)
        cells.append(long)
    out = cells[0].merge(cells[1], on=["axis", "criterion", "metric"], how="outer")
    out["from"] = out["from"].astype("float64")
    out["to"] = out["to"].astype("float64")
    out["difference"] = out["to"] - out["from"]
    out["round"] = ""
    metric_rank = {m: n for n, m in enumerate(SCORE_METRICS)}
    out = out.assign(_m=out["metric"].map(metric_rank))
    out = base.sort_cells(out, ["_m"]).drop(columns=["_m", "round"])
    out.insert(0, "round_to", str(round_to))
    out.insert(0, "round_from", str(round_from))
    return out[SCORE_CHANGE_COLUMNS]


def status_transitions(changes: pd.DataFrame, tidy: pd.DataFrame) -> pd.DataFrame:
    """Status transitions of the matched initiatives of :func:`initiative_changes`, counted per axis.

    Statuses are ids (:func:`status_ids`; ``""`` when empty or not
    recognised).  ``direction``: ``advanced`` up the ladder planned -> ongoing
    -> completed, ``same``, ``regressed``, ``cancelled`` (to cancelled) or
    ``unknown`` (a status not recognised on either side).  Returns a new frame
    with :data:`STATUS_COLUMNS`, sorted by axis (book order), then status ids.
    """
    matched = changes.loc[changes["change"].isin(["changed", "unchanged"])]
    key = ["source_file", "source_sheet", "source_row"]
    text = tidy.assign(_id=status_ids(tidy).to_numpy())
    text = pd.DataFrame({c: text[c].astype("string").fillna("").astype(str).str.strip() for c in [*key, "_id"]})
    text = text.drop_duplicates(key)
    ids = {}
    for side in ("from", "to"):
        left = matched[[f"{c}_{side}" for c in key]].set_axis(key, axis=1)
        ids[side] = left.merge(text, on=key, how="left")["_id"].fillna("").to_numpy()
    frame = pd.DataFrame({"axis": matched["axis"].to_numpy(), "status_from": ids["from"], "status_to": ids["to"]})
    counts = frame.groupby(["axis", "status_from", "status_to"]).size().rename("n").reset_index()

    def direction(a: str, b: str) -> str:
        if b == "cancelled" and a != "cancelled":
            return "cancelled"
        if a == b and a:
            return "same"
        if a in STATUS_ORDER and b in STATUS_ORDER:
            return "advanced" if STATUS_ORDER[b] > STATUS_ORDER[a] else "regressed"
        return "unknown"

    counts["direction"] = [direction(a, b) for a, b in zip(counts["status_from"], counts["status_to"])]
    rank = {a: n for n, a in enumerate(taxonomy.axes().ids)}
    order = {s: n for n, s in enumerate([*STATUS_ORDER, "cancelled", ""])}
    counts = counts.assign(_a=counts["axis"].map(rank), _f=counts["status_from"].map(order),
                           _t=counts["status_to"].map(order))
    counts = counts.sort_values(["_a", "_f", "_t"], kind="mergesort").reset_index(drop=True)
    counts.insert(0, "round_to", str(changes["round_to"].iloc[0]) if len(changes) else "")
    counts.insert(0, "round_from", str(changes["round_from"].iloc[0]) if len(changes) else "")
    return counts[STATUS_COLUMNS].astype({"n": "int64"})


def _theme_counts(tidy: pd.DataFrame, round_: str) -> pd.DataFrame:
    rows = base.prepare(tidy.loc[tidy["round"].astype(str) == round_])
    both = base.with_pooled(rows)
    mem = base.memberships(both).sort_values("organism", kind="mergesort")
    if mem.empty:
        return pd.DataFrame(columns=["axis", "criterion", "key", "k", "organisms"])
    k = mem.groupby(["axis", "criterion", "key"]).size().rename("k").reset_index()
    orgs = base.join_groups(mem, ["axis", "criterion", "key"], "organism", "; ", "organisms")
    return k.merge(orgs, on=["axis", "criterion", "key"])


def shared_theme_changes(tidy: pd.DataFrame, round_from: str, round_to: str) -> pd.DataFrame:
    """Themes that became shared (k >= 2) or stopped being shared, per cell (criterion ``"*"`` included).

    Returns a new frame with :data:`THEME_COLUMNS`: ``change`` is
    ``became_shared`` or ``stopped_shared``; ``k_*`` the organisms holding the
    theme in each round (0 when none); ``theme`` the wording most often
    submitted in the two rounds.  Sorted by cell (book order), change, theme key.
    """
    round_from, round_to = resolve_rounds(tidy, round_from, round_to)
    cell = ["axis", "criterion", "key"]
    merged = _theme_counts(tidy, round_from).merge(_theme_counts(tidy, round_to), on=cell, how="outer",
                                                   suffixes=("_from", "_to"))
    for side in ("from", "to"):
        merged[f"k_{side}"] = merged[f"k_{side}"].fillna(0).astype("int64")
        merged[f"organisms_{side}"] = merged[f"organisms_{side}"].fillna("").astype(str)
    became = (merged["k_from"] < 2) & (merged["k_to"] >= 2)
    stopped = (merged["k_from"] >= 2) & (merged["k_to"] < 2)
    out = merged.loc[became | stopped].copy()
    out["change"] = np.where(became[became | stopped], "became_shared", "stopped_shared")
    sub = tidy.loc[tidy["round"].astype(str).isin([round_from, round_to])]
    themes = sub["theme"].fillna("").astype(str).str.strip()
    counts = pd.DataFrame({"key": theme_keys(themes), "label": themes}).groupby(["key", "label"]).size()
    counts = counts.rename("n").reset_index().sort_values(["key", "n", "label"], ascending=[True, False, True])
    labels = dict(zip(counts.drop_duplicates("key")["key"], counts.drop_duplicates("key")["label"]))
    out["theme"] = out["key"].map(labels).fillna("")
    out["round"] = ""
    out = base.sort_cells(out, ["change", "key"]).drop(columns="round")
    out.insert(0, "round_to", round_to)
    out.insert(0, "round_from", round_from)
    return out[THEME_COLUMNS].reset_index(drop=True)


def compare_rounds(tidy: pd.DataFrame, round_from: str | None = None, round_to: str | None = None,
                   participation: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """Every comparison table of two rounds, keyed ``changes``, ``participation``, ``scores``, ``statuses``, ``themes``.

    Parameters
    ----------
    tidy : pandas.DataFrame
        The tidy table holding both rounds; not modified.
    round_from, round_to : str, optional
        Default: the latest round and the one before it (:func:`resolve_rounds`).
    participation : pandas.DataFrame, optional
        As :func:`mcr_analysis.sets.expected_organisms` takes it.

    Returns
    -------
    dict of str to pandas.DataFrame
        New frames (see the module docstring); ``scores`` compares
        :func:`mcr_analysis.scores.convergence_table` of the two rounds.

    Raises
    ------
    MCRDataError
        When a round is missing or has no previous one (:func:`resolve_rounds`),
        or the tidy table is invalid.
    """
    from mcr_analysis.scores import convergence_table

    round_from, round_to = resolve_rounds(tidy, round_from, round_to)
    both = tidy.loc[tidy["round"].astype(str).isin([round_from, round_to])]
    changes = initiative_changes(both, round_from, round_to)
    return {
        "changes": changes,
        "participation": participation_changes(both, round_from, round_to, participation),
        "scores": score_changes(convergence_table(both, participation), round_from, round_to),
        "statuses": status_transitions(changes, both),
        "themes": shared_theme_changes(both, round_from, round_to),
    }


def axis_changes(tidy: pd.DataFrame, axis: str, round: str | None = None,
                 participation: pd.DataFrame | None = None) -> dict[str, pd.DataFrame] | None:
    """The comparison of ``round`` (default the latest) with the round before it, on one axis.

    ``None`` when ``round`` has no previous round in ``tidy``.  Otherwise new
    frames (ids, as :func:`compare_rounds` gives them, restricted to ``axis``):
    ``rounds`` (one row: ``round_from``, ``round_to``); ``participation``;
    ``scores`` (one row per criterion, ``"*"`` last: ``coverage_from``,
    ``coverage_to``, ``convergence_index_from``, ``convergence_index_to``);
    ``initiatives`` (per organism: ``n_added``, ``n_removed``, ``n_changed``,
    ``n_unchanged``); ``themes``; ``statuses`` (transitions other than ``same``).
    Used by the seminar brief (:func:`mcr_analysis.brief.previous_round_section`).
    """
    rounds = sorted({str(r) for r in tidy["round"]})
    round = latest_round(rounds) if round is None else str(round)
    before = previous_round(rounds, round) if round in rounds else None
    if before is None:
        return None
    tables = compare_rounds(tidy, before, round, participation)
    mine = {name: frame.loc[frame["axis"] == axis].reset_index(drop=True) for name, frame in tables.items()}
    wide = mine["scores"].loc[mine["scores"]["metric"].isin(["coverage", "convergence_index"])]
    wide = wide.pivot_table(index="criterion", columns="metric", values=["from", "to"], sort=False, dropna=False)
    order = [c for c in [*taxonomy.criteria().ids, "*"] if c in wide.index]
    scores_ = pd.DataFrame({"criterion": order})
    for metric in ("coverage", "convergence_index"):
        for side in ("from", "to"):
            scores_[f"{metric}_{side}"] = wide[(side, metric)].reindex(order).to_numpy(dtype=float)
    counts = mine["changes"].groupby(["organism", "change"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=list(CHANGES), fill_value=0)
    counts.columns = [f"n_{c}" for c in counts.columns]
    statuses = mine["statuses"].loc[mine["statuses"]["direction"] != "same"].reset_index(drop=True)
    return {
        "rounds": pd.DataFrame({"round_from": [before], "round_to": [round]}),
        "participation": mine["participation"][["organism", "change", "n_initiatives_from", "n_initiatives_to",
                                                "identical_submission"]],
        "scores": scores_,
        "initiatives": counts.reset_index().astype({c: "int64" for c in counts.columns}),
        "themes": mine["themes"][["criterion", "theme", "change", "k_from", "k_to"]],
        "statuses": statuses[["status_from", "status_to", "n", "direction"]],
    }


