"""Tests of mcr_analysis/similarity.py: pairwise similarity and the organism profile.

Same worked example as tests/test_scores.py and docs/methods.md (sections 5 and 7);
every expected number is written as its arithmetic.
"""

from __future__ import annotations

import itertools
import math

import pandas as pd
import pytest
from conftest import make_tidy
from hypothesis import given
from test_scores import AX, EXAMPLE, PROPERTY, _reference_sets, rows_strategy

from mcr_analysis import scores, similarity
from mcr_analysis.taxonomy import MCRDataError


@pytest.fixture
def example() -> pd.DataFrame:
    return make_tidy(EXAMPLE)


def _pair(table: pd.DataFrame, a: str, b: str, criterion: str) -> pd.Series:
    sel = table[(table["criterion"] == criterion) & (table["organism_a"] == a) & (table["organism_b"] == b)]
    assert len(sel) == 1, sel
    return sel.iloc[0]


def test_names_stay_importable_from_scores():
    for name in similarity.__all__:
        assert getattr(scores, name) is getattr(similarity, name), name
        assert name in scores.__all__, name


# ----------------------------------------------------------------------------- pairwise

def test_pairwise_hand_computed(example):
    table = similarity.pairwise_table(example)
    assert list(table.columns) == similarity.PAIRWISE_COLUMNS
    pair = _pair(table, "CAN", "SICA", "proyectos")  # {p,q,r} vs {p,q}
    assert pair.n_shared == 2
    assert pair.jaccard == pytest.approx(2 / 3)
    assert pair.dice == pytest.approx(2 * 2 / (3 + 2))
    assert pair.overlap == pytest.approx(2 / min(3, 2))
    pair = _pair(table, "CAN", "SELA", "proyectos")  # {p,q,r} vs {p,s}
    assert (pair.n_shared, pair.jaccard, pair.dice, pair.overlap) == pytest.approx(
        (1, 1 / 4, 2 * 1 / (3 + 2), 1 / 2))


def test_pairwise_lists_both_orders_among_active_organisms_only(example):
    table = similarity.pairwise_table(example)
    cell = table[table["criterion"] == "proyectos"]
    # 3 active organisms -> 3 * 2 ordered pairs; AEC (no theme) is not paired
    assert len(cell) == 3 * 2
    assert "AEC" not in set(table["organism_a"]) | set(table["organism_b"])
    assert list(zip(cell["organism_a"], cell["organism_b"])) == [
        ("CAN", "SELA"), ("CAN", "SICA"), ("SELA", "CAN"), ("SELA", "SICA"), ("SICA", "CAN"), ("SICA", "SELA")]
    # normas has one active organism: no pair
    assert "normas" not in set(table["criterion"])
    assert len(table[table["criterion"] == "*"]) == 4 * 3


def test_disjoint_pair_is_listed_with_zeros():
    table = similarity.pairwise_table(make_tidy([("CAN", AX, "normas", "x"), ("SICA", AX, "normas", "y")]))
    pair = _pair(table, "CAN", "SICA", "normas")
    assert (pair.n_shared, pair.jaccard, pair.dice, pair.overlap) == (0, 0.0, 0.0, 0.0)


def test_pairwise_matrix_is_square_and_symmetric(example):
    pairwise = similarity.pairwise_table(example)
    matrix = similarity.pairwise_matrix(pairwise, "2024", AX)
    names = ["CAN", "MERCOSUR", "SELA", "SICA"]
    assert list(matrix.index) == names and list(matrix.columns) == names
    pd.testing.assert_frame_equal(matrix, matrix.T)
    assert [matrix.loc[n, n] for n in names] == [1.0] * 4
    assert matrix.loc["CAN", "MERCOSUR"] == pytest.approx(1 / 3)
    shared = similarity.pairwise_matrix(pairwise, "2024", AX, "proyectos", metric="n_shared")
    assert shared.loc["CAN", "SICA"] == 2 and math.isnan(shared.loc["CAN", "CAN"])
    assert similarity.pairwise_matrix(pairwise, "2024", AX, "normas").empty


def test_pairwise_matrix_rejects_unknown_metric_and_bad_table(example):
    with pytest.raises(ValueError, match="unknown metric 'cosine'; expected one of jaccard, dice"):
        similarity.pairwise_matrix(similarity.pairwise_table(example), "2024", AX, metric="cosine")
    with pytest.raises(MCRDataError, match=r"pairwise table lacks columns \['organism_a', 'organism_b', 'jaccard'"):
        similarity.pairwise_matrix(pd.DataFrame(columns=["round", "axis", "criterion"]), "2024", AX)



# ----------------------------------------------------------------------------- profile

def test_profile_hand_computed(example):
    profile = similarity.organism_profile(example).set_index("organism")
    assert list(similarity.organism_profile(example).columns) == similarity.PROFILE_COLUMNS
    assert list(profile.index) == ["AEC", "CAN", "MERCOSUR", "SELA", "SICA"]
    can = profile.loc["CAN"]
    assert (can.n_initiatives, can.n_themes, can.n_shared_themes) == (3, 3, 2)  # p, q shared; r not
    assert can.share_shared == pytest.approx(2 / 3)
    assert can.closest_partner == "SICA" and can.closest_jaccard == pytest.approx(2 / 3)
    # MERCOSUR {p}: SELA {p,s} and SICA {p,q} both give 1/2; the tie goes to SELA (alphabetical)
    mcs = profile.loc["MERCOSUR"]
    assert mcs.closest_partner == "SELA" and mcs.closest_jaccard == pytest.approx(1 / 2)
    aec = profile.loc["AEC"]
    assert (aec.n_initiatives, aec.n_themes, aec.closest_partner) == (1, 0, "")
    assert math.isnan(aec.share_shared) and math.isnan(aec.closest_jaccard)


def test_profile_without_a_shared_theme_has_no_partner():
    profile = similarity.organism_profile(make_tidy([("CAN", AX, "normas", "x"), ("SICA", AX, "normas", "y")]))
    assert list(profile["closest_partner"]) == ["", ""]
    assert list(profile["closest_jaccard"]) == [0.0, 0.0]
    assert list(profile["share_shared"]) == [0.0, 0.0]


# ----------------------------------------------------------------------------- properties

@PROPERTY
@given(rows_strategy)
def test_pairwise_table_is_symmetric(rows):
    table = similarity.pairwise_table(make_tidy(rows))
    cols = ["round", "axis", "criterion", "organism_a", "organism_b"]
    flipped = table.rename(columns={"organism_a": "organism_b", "organism_b": "organism_a"})
    merged = table.merge(flipped, on=cols, suffixes=("", "_flip"), how="outer", indicator=True)
    assert (merged["_merge"] == "both").all()
    for col in ("jaccard", "dice", "overlap", "n_shared"):
        assert (merged[col] == merged[f"{col}_flip"]).all()




@PROPERTY
@given(rows_strategy)
def test_pairwise_values_match_a_brute_force_reading_of_the_definitions(rows):
    table = similarity.pairwise_table(make_tidy(rows))
    cells = {(a, c) for _, a, c, _ in rows} | {(a, "*") for _, a, _, _ in rows}
    expected = {}
    for axis, criterion in cells:
        s = _reference_sets(rows, axis, criterion)
        for a, b in itertools.permutations(sorted(s), 2):
            n = len(s[a] & s[b])
            expected[(axis, criterion, a, b)] = (
                n / len(s[a] | s[b]), 2 * n / (len(s[a]) + len(s[b])), n / min(len(s[a]), len(s[b])), n)
    got = {(r.axis, r.criterion, r.organism_a, r.organism_b): (r.jaccard, r.dice, r.overlap, r.n_shared)
           for r in table.itertuples()}
    assert sorted(got) == sorted(expected)
    for key, values in expected.items():
        assert got[key] == pytest.approx(values), key


@PROPERTY
@given(rows_strategy)
def test_profile_matches_a_brute_force_reading_of_the_definitions(rows):
    profile = similarity.organism_profile(make_tidy(rows))
    for row in profile.itertuples():
        s = _reference_sets(rows, row.axis, "*")
        mine = s.get(row.organism, set())
        others = {o: v for o, v in s.items() if o != row.organism}
        shared = {t for t in mine if any(t in v for v in others.values())}
        assert (row.n_themes, row.n_shared_themes) == (len(mine), len(shared))
        assert row.n_initiatives == sum(o == row.organism and a == row.axis for o, a, _, _ in rows)
        if mine:
            assert row.share_shared == pytest.approx(len(shared) / len(mine))
        else:
            assert math.isnan(row.share_shared)
        if not mine or not others:
            assert math.isnan(row.closest_jaccard) and row.closest_partner == ""
            continue
        jaccard = {o: len(mine & v) / len(mine | v) for o, v in others.items()}
        best = max(jaccard.values())
        assert row.closest_jaccard == pytest.approx(best)
        assert row.closest_partner == (min(o for o, j in jaccard.items() if j == best) if best > 0 else "")
