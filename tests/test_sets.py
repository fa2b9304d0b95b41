"""Theme sets per cell: identity, labels and memberships."""

from __future__ import annotations

import pytest
from conftest import make_tidy

from mcr_analysis import sets


def test_cell_contents_fold_accents_and_leave_out_empty_and_punctuation_themes(tidy_small):
    tidy = make_tidy([
        ("CAN", "transfronteriza", "proyectos", "Pasos de frontera"),
        ("SICA", "transfronteriza", "proyectos", "pasos de  FRONTERA"),
        ("SICA", "transfronteriza", "proyectos", "-"),
        ("SELA", "transfronteriza", "proyectos", ""),
    ])
    contents = sets.cell_contents(tidy, "transfronteriza", "proyectos")
    # SELA has a row but no theme: not a set.  "-" is no theme either.
    assert {k: sorted(v) for k, v in contents.items()} == {
        "CAN": ["Pasos de frontera"], "SICA": ["Pasos de frontera"],
    }


def test_most_frequent_wording_wins_and_ties_go_to_the_first_alphabetically():
    tidy = make_tidy([
        ("CAN", "transfronteriza", "proyectos", "pasos"),
        ("SICA", "transfronteriza", "proyectos", "Pasos"),
        ("SELA", "transfronteriza", "proyectos", "Pasos"),
        ("CAN", "transfronteriza", "normas", "Ríos"),
        ("SICA", "transfronteriza", "normas", "rios"),
    ])
    assert sets.theme_labels(tidy) == {"pasos": "Pasos", "rios": "Ríos"}


def test_pooled_cell_and_rounds(tidy_small):
    pooled = sets.cell_contents(tidy_small, "transfronteriza")
    # "a", "A" and "á" are one theme written once each: the tie goes to "A" (first in sort order).
    assert sorted(pooled["CAN"]) == ["A", "b", "x"]
    assert sets.cell_contents(tidy_small, "transfronteriza", round="2023") == {}
    before = tidy_small.copy()
    sets.cell_rows(tidy_small, "transfronteriza", "proyectos")
    assert tidy_small.equals(before)


def test_memberships_are_upsetplots_boolean_multiindex(tidy_small):
    m = sets.memberships(sets.cell_contents(tidy_small, "transfronteriza", "proyectos"))
    assert list(m.index.names) == ["CAN", "SELA", "SICA"]
    # Theme "a" (shown "A") is in all three sets; "b" only CAN; "c" only SICA.
    rows = {theme: flags for flags, theme in zip(m.index, m["id"])}
    assert rows["A"] == (True, True, True)
    assert rows["b"] == (True, False, False)
    assert rows["c"] == (False, False, True)


def test_active_contents_keeps_organisms_with_themes_sorted_by_folded_label():
    # "b" and "Á" fold to "b" and "a": "Á" first; blank themes are dropped, and so is SELA with none left
    assert sets.active_contents({"CAN": {"b", "Á", " "}, "SELA": {""}}) == {"CAN": ("Á", "b")}


def test_active_contents_errors_say_what_was_expected():
    with pytest.raises(TypeError, match=r"contents must be a dict organism -> set of themes, got list"):
        sets.active_contents([("CAN", {"a"})])
    with pytest.raises(TypeError, match=r"themes of 'CAN' must be a set of strings, got the string 'abc'"):
        sets.active_contents({"CAN": "abc"})
    with pytest.raises(ValueError, match=r"cannot draw a Venn diagram: no organism has any theme in this cell "
                                         r"\(organisms given: \['CAN', 'SICA'\]\)"):
        sets.active_contents({"SICA": set(), "CAN": {" "}}, "a Venn diagram")
    with pytest.raises(ValueError, match=r"\(organisms given: none\)"):
        sets.active_contents({})


# ----------------------------------------------------------------------------- expected organisms E(r, a)

def test_expected_organisms_union_of_table_and_senders_per_round():
    import pandas as pd

    tidy = pd.DataFrame({"round": ["2024", "2024", "2025"], "axis": ["transfronteriza"] * 3,
                         "organism": ["CAN", "OTCA", "CAN"]})
    part = pd.DataFrame({"round": ["*", "*", "2025"], "axis": ["transfronteriza"] * 3,
                         "organism": ["CAN", "AEC", "SICA"]})
    e = sets.expected_organisms(tidy, part)
    # 2024 uses the "*" rows {CAN, AEC} plus the sender OTCA; 2025 its own row {SICA} plus CAN
    assert e[["round", "organism", "listed", "sent"]].values.tolist() == [
        ["2024", "AEC", True, False], ["2024", "CAN", True, True], ["2024", "OTCA", False, True],
        ["2025", "CAN", False, True], ["2025", "SICA", True, False]]


def test_previous_round_and_sort_rounds():
    assert sets.sort_rounds(["2025", "2024", "2024"]) == ["2024", "2025"]
    assert sets.previous_round(["2023", "2025", "2024"], "2025") == "2024"
    assert sets.previous_round(["2024"], "2024") is None
