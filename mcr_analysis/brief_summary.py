"""The executive summary that opens a seminar brief: seven sentences generated from the numbers.

:func:`executive_summary` reads the tables of :func:`mcr_analysis.brief.brief_tables`
(nothing is computed twice) and writes, in the reader's language: who sent
their matrix out of those expected, how many initiatives and themes, the most
shared theme, the axis' convergence index explained in words, the range of
the index across criteria, the criteria with at most one organism, and who is
missing.  The sentences' wording is data (``summary_*`` keys of
``labels.tsv``); numbers follow the reader's language (:func:`mcr_analysis.numfmt.format_number`).

Examples
--------
>>> join_names(["CAN", "SICA", "SELA"], "es"), join_names(["CAN", "SICA"], "en")
('CAN, SICA y SELA', 'CAN and SICA')
"""

from __future__ import annotations

import math

import pandas as pd

from mcr_analysis import taxonomy
from mcr_analysis.numfmt import format_number

__all__ = ["executive_summary", "join_names"]

def join_names(names, lang: str = "es") -> str:
    """``A, B y C`` / ``A, B and C``."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {taxonomy.text('summary_and', lang)} {names[-1]}"


def _t(key: str, lang: str, count: int | None = None, **fields) -> str:
    """Sentence ``summary_<key>`` (``summary_<key>_one`` when ``count`` is 1)."""
    name = f"summary_{key}_one" if count == 1 else f"summary_{key}"
    return taxonomy.text(name, lang).format(**fields)


def executive_summary(tables: dict[str, pd.DataFrame], lang: str = "es") -> list[str]:
    """Seven sentences that open the brief, from :func:`mcr_analysis.brief.brief_tables`.

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        The brief's tables (``participation``, ``scores``, ``shared``,
        ``single_actor``, ``absent``); not modified.
    lang : {"es", "en"}

    Returns
    -------
    list of str
        Seven sentences, in the order of the brief.
    """
    part, scores = tables["participation"], tables["scores"]
    shared, single, absent = tables["shared"], tables["single_actor"], tables["absent"]
    n = lambda v: format_number(int(v), lang, 0)  # noqa: E731
    out = []
    # 1. Who sent their matrix.
    expected = part[part["expected"]]
    sent_expected = expected[expected["n_initiatives"] > 0]
    extra = part[~part["expected"] & (part["n_initiatives"] > 0)]
    if len(expected):
        sentence = _t("sent", lang, sent=n(len(sent_expected)), expected=n(len(expected)))
        if len(extra):
            sentence = sentence[:-1] + _t("sent_extra", lang, names=join_names(extra["organism"], lang))
        out.append(sentence)
    else:
        out.append(_t("sent_none_expected", lang, sent=n(int((part["n_initiatives"] > 0).sum()))))
    # 2. Initiatives, themes, criteria.
    whole = scores[scores["criterion"] == "*"]
    n_themes = int(whole["n_themes"].iloc[0]) if len(whole) else 0
    n_crit = int((scores.loc[scores["criterion"] != "*", "n_initiatives"] > 0).sum())
    out.append(_t("volume", lang, initiatives=n(part["n_initiatives"].sum()), themes=n(n_themes),
                  criteria=n(n_crit), all=n(len(taxonomy.criteria().ids))))
    # 3. The most shared theme.
    within = shared[shared["criterion"] != "*"]
    across = shared[shared["criterion"] == "*"]
    if len(within):
        top = within.sort_values("k", ascending=False, kind="mergesort").iloc[0]
        orgs = [c for c in shared.columns[3:] if str(top[c])]
        count = int(within["theme"].nunique())
        sentence = _t("shared", lang, count, n=n(count), theme=top["theme"], k=n(top["k"]),
                      names=join_names(orgs, lang), criterion=taxonomy.criterion_label(top["criterion"], lang))
    else:
        sentence = _t("shared_none", lang)
    if len(across):
        sentence += " " + _t("shared_across", lang, len(across), n=n(len(across)))
    out.append(sentence)
    # 4. The headline index, in words.
    ci = float(whole["convergence_index"].iloc[0]) if len(whole) else float("nan")
    if math.isfinite(ci):
        out.append(_t("index", lang, value=format_number(ci, lang), pct=format_number(100 * ci, lang, 0)))
    else:
        out.append(_t("index_none", lang))
    # 5. The range across criteria.
    per = scores[(scores["criterion"] != "*")].dropna(subset=["convergence_index"])
    if len(per) >= 2:
        lo = per.loc[per["convergence_index"].idxmin()]
        hi = per.loc[per["convergence_index"].idxmax()]
        out.append(_t("range", lang, low=format_number(float(lo["convergence_index"]), lang),
                      low_c=taxonomy.criterion_label(lo["criterion"], lang),
                      high=format_number(float(hi["convergence_index"]), lang),
                      high_c=taxonomy.criterion_label(hi["criterion"], lang)))
    elif len(per) == 1:
        out.append(_t("range_one", lang, c=taxonomy.criterion_label(per.iloc[0]["criterion"], lang),
                      value=format_number(float(per.iloc[0]["convergence_index"]), lang)))
    else:
        out.append(_t("range_none", lang))
    # 6. Criteria with at most one organism.
    if len(single):
        items = [f"{taxonomy.criterion_label(c, lang)} ({o or taxonomy.text('summary_nobody', lang)})"
                 for c, o in zip(single["criterion"], single["organisms"])]
        out.append(_t("single", lang, len(single), n=n(len(single)), items=join_names(items, lang)))
    else:
        out.append(_t("single_none", lang))
    # 7. Who is missing.
    if len(absent):
        out.append(_t("absent", lang, len(absent), names=join_names(absent["organism"], lang)))
    else:
        out.append(_t("absent_none", lang))
    return out
