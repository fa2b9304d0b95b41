"""Tests of mcr_analysis/scores.py: hand-computed examples, edge cases and invariants.

Every expected number is written as the arithmetic of docs/methods.md, so a
reader can check it against the definitions.
"""

from __future__ import annotations

import itertools
import math

import pandas as pd
import pytest
from conftest import make_tidy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mcr_analysis import scores, sets
from mcr_analysis.taxonomy import MCRDataError, theme_key

AX = "cadenas_valor"
NO_TABLE = pd.DataFrame({"round": [], "axis": [], "organism": []}, dtype=str)
"""An empty participation table: E(r, a) is then only the organisms with rows."""

# cadenas_valor / proyectos: CAN {p, q, r}, SICA {p, q}, SELA {p, s}, AEC one row without theme
# cadenas_valor / normas:    MERCOSUR {p}
# E(cadenas_valor) = the book's participation table {ALADI, CAN, MERCOSUR, SELA, SICA}
#                    ∪ organisms with rows {AEC, CAN, MERCOSUR, SELA, SICA}
#                  = {AEC, ALADI, CAN, MERCOSUR, SELA, SICA}: 6 organisms (ALADI is silent)
EXAMPLE = [
    ("CAN", AX, "proyectos", "p", "Red andina"),
    ("CAN", AX, "proyectos", "q"),
    ("CAN", AX, "proyectos", "r"),
    ("SICA", AX, "proyectos", "P", "Plan SICA"),
    ("SICA", AX, "proyectos", "q"),
    ("SELA", AX, "proyectos", "p", "Foro SELA"),
    ("SELA", AX, "proyectos", "s"),
    ("AEC", AX, "proyectos", ""),
    ("MERCOSUR", AX, "normas", "p", "Norma MCS"),
]


@pytest.fixture
def example() -> pd.DataFrame:
    return make_tidy(EXAMPLE)


def _row(table: pd.DataFrame, criterion: str, axis: str = AX, round_: str = "2024") -> pd.Series:
    sel = table[(table["round"] == round_) & (table["axis"] == axis) & (table["criterion"] == criterion)]
    assert len(sel) == 1, sel
    return sel.iloc[0]


# ----------------------------------------------------------------------------- convergence table

def test_columns_and_order_of_the_convergence_table(example):
    table = scores.convergence_table(example)
    assert list(table.columns) == scores.SCORE_COLUMNS
    # criteria in the book's order (proyectos before normas), the pooled row last
    assert list(table["criterion"]) == ["proyectos", "normas", "*"]


def test_hand_computed_cell(example):
    row = _row(scores.convergence_table(example), "proyectos")
    assert row.n_expected == 5 + 1  # AEC, CAN, MERCOSUR, SELA, SICA have rows; ALADI is listed, silent
    assert row.n_active == 3  # CAN, SICA, SELA have themes in proyectos
    assert row.coverage == pytest.approx(3 / 6)
    assert row.n_initiatives == 3 + 2 + 2 + 1  # CAN, SICA, SELA, AEC rows
    assert row.n_themes == 4  # p, q, r, s
    # k(p) = 3, k(q) = 2, k(r) = 1, k(s) = 1
    assert row.n_shared_themes == 2  # p, q
    assert row.n_full_themes == 1  # p is in all 3 active organisms
    assert row.convergence_index == pytest.approx(((3 - 1) + (2 - 1) + (1 - 1) + (1 - 1)) / ((3 - 1) * 4))
    # Jaccard: CAN-SICA {p,q}/{p,q,r}; CAN-SELA {p}/{p,q,r,s}; SICA-SELA {p}/{p,q,s}
    assert row.mean_jaccard == pytest.approx((2 / 3 + 1 / 4 + 1 / 3) / 3)
    # a' = (3 + 2 + 2) - 4 = 3; b(CAN,SICA)=1, b(SICA,CAN)=0; b(CAN,SELA)=2, b(SELA,CAN)=1;
    # b(SICA,SELA)=1, b(SELA,SICA)=1  ->  sum of min = 0+1+1, sum of max = 1+2+1
    a_prime = 3
    assert row.sorensen_multi == pytest.approx(2 * a_prime / (2 * a_prime + (0 + 1 + 1) + (1 + 2 + 1)))


def test_hand_computed_axis_row_pools_criteria(example):
    row = _row(scores.convergence_table(example), "*")
    # CAN {p,q,r}, SICA {p,q}, SELA {p,s}, MERCOSUR {p}
    assert row.n_expected == 6
    assert row.n_active == 4
    assert row.coverage == pytest.approx(4 / 6)
    assert row.n_initiatives == len(EXAMPLE)
    assert row.n_themes == 4
    assert row.n_shared_themes == 2  # k(p) = 4, k(q) = 2
    assert row.n_full_themes == 1
    assert row.convergence_index == pytest.approx(((4 - 1) + (2 - 1) + 0 + 0) / ((4 - 1) * 4))
    jaccards = [2 / 3, 1 / 4, 1 / 3,  # CAN-SICA, CAN-SELA, CAN-MERCOSUR
                1 / 3, 1 / 2,  # SICA-SELA, SICA-MERCOSUR
                1 / 2]  # SELA-MERCOSUR
    assert row.mean_jaccard == pytest.approx(sum(jaccards) / 6)
    # a' = (3+2+2+1) - 4 = 4; (min, max) per pair: CS (0,1), CL (1,2), CM (0,2), SL (1,1), SM (0,1), LM (0,1)
    assert row.sorensen_multi == pytest.approx(2 * 4 / (2 * 4 + (0 + 1 + 0 + 1 + 0 + 0) + (1 + 2 + 2 + 1 + 1 + 1)))


def test_normas_cell_with_one_active_organism_is_nan_not_zero(example):
    row = _row(scores.convergence_table(example), "normas")
    assert (row.n_expected, row.n_active, row.n_themes, row.n_initiatives) == (6, 1, 1, 1)
    assert row.coverage == pytest.approx(1 / 6)
    assert row.n_shared_themes == 0 and row.n_full_themes == 0
    for col in ("convergence_index", "mean_jaccard", "sorensen_multi"):
        assert math.isnan(row[col]), col


def test_two_organisms_reduce_to_pairwise_sorensen(tidy_small):
    # tidy_small proyectos: CAN {a, b}, SICA {a, c}, SELA {a}; keep CAN and SICA only
    two = tidy_small[tidy_small["organism"].isin(["CAN", "SICA"]) & (tidy_small["criterion"] == "proyectos")]
    row = _row(scores.convergence_table(two), "proyectos", axis="transfronteriza")
    # one shared theme: a' = (2 + 2) - 3 = 1, b = 1 each way -> 2*1 / (2*1 + 1 + 1)
    assert row.sorensen_multi == pytest.approx(2 * 1 / (2 * 1 + 1 + 1))
    assert row.mean_jaccard == pytest.approx(1 / 3)
    assert row.convergence_index == pytest.approx((2 - 1) / ((2 - 1) * 3))


def test_no_themes_at_all():
    tidy = make_tidy([("CAN", AX, "otros", ""), ("SICA", AX, "otros", " ")])
    row = _row(scores.convergence_table(tidy), "otros")
    # E = {CAN, SICA} ∪ the table's {ALADI, CAN, MERCOSUR, SELA, SICA} = 5
    assert (row.n_expected, row.n_active, row.n_themes, row.n_initiatives) == (5, 0, 0, 2)
    assert row.coverage == 0.0
    for col in ("convergence_index", "mean_jaccard", "sorensen_multi"):
        assert math.isnan(row[col])
    assert scores.pairwise_table(tidy).empty
    assert scores.shared_themes_table(tidy).empty


def test_identical_sets_score_one():
    tidy = make_tidy([(o, AX, "reuniones", t) for o in ("CAN", "SICA", "SELA") for t in ("x", "y")])
    row = _row(scores.convergence_table(tidy), "reuniones")
    assert row.n_full_themes == row.n_themes == 2
    assert row.convergence_index == 1.0
    assert row.mean_jaccard == 1.0
    assert row.sorensen_multi == 1.0


def test_disjoint_sets_score_zero():
    tidy = make_tidy([("CAN", AX, "reuniones", "x"), ("SICA", AX, "reuniones", "y"),
                      ("SELA", AX, "reuniones", "z")])
    row = _row(scores.convergence_table(tidy), "reuniones")
    assert row.n_shared_themes == 0 and row.n_full_themes == 0
    assert row.convergence_index == 0.0
    assert row.mean_jaccard == 0.0
    assert row.sorensen_multi == 0.0


def test_themes_differing_only_in_case_accents_spacing_or_synonym_are_one_theme():
    tidy = make_tidy([
        ("CAN", AX, "normas", "Facilitación del comercio"),
        ("SICA", AX, "normas", "  FACILITACION   del comercio "),
        ("CAN", AX, "normas", "VUCE"),
        ("SICA", AX, "normas", "Ventanillas únicas de comercio exterior"),
    ])
    row = _row(scores.convergence_table(tidy), "normas")
    assert row.n_themes == 2
    assert row.convergence_index == 1.0


def test_organism_with_rows_but_no_themes_lowers_coverage_only(example):
    without_aec = example[example["organism"] != "AEC"]
    with_aec = scores.convergence_table(example).set_index("criterion")
    base = scores.convergence_table(without_aec).set_index("criterion")
    assert with_aec.loc["proyectos", "n_expected"] == base.loc["proyectos", "n_expected"] + 1
    # AEC is not in the table for cadenas_valor: it enters E only by its row (6 vs 5 with ALADI)
    assert with_aec.loc["proyectos", "coverage"] == pytest.approx(3 / 6)
    assert base.loc["proyectos", "coverage"] == pytest.approx(3 / 5)
    assert with_aec.loc["proyectos", "n_initiatives"] == base.loc["proyectos", "n_initiatives"] + 1
    same = ["n_active", "n_themes", "n_shared_themes", "n_full_themes",
            "convergence_index", "mean_jaccard", "sorensen_multi"]
    pd.testing.assert_frame_equal(with_aec[same], base[same])


def test_expected_organisms_are_counted_per_round():
    tidy = pd.concat([
        make_tidy([("CAN", AX, "normas", "x"), ("SICA", AX, "normas", "x")]),
        make_tidy([("CAN", AX, "normas", "x")]).assign(round="2025"),
    ], ignore_index=True)
    table = scores.convergence_table(tidy, NO_TABLE)
    assert list(table["round"]) == ["2024", "2024", "2025", "2025"]
    assert _row(table, "normas", round_="2024").n_expected == 2
    row = _row(table, "normas", round_="2025")
    assert (row.n_expected, row.n_active) == (1, 1)
    # with the book's table, both rounds expect ALADI, CAN, MERCOSUR, SELA and SICA
    table = scores.convergence_table(tidy)
    assert _row(table, "normas", round_="2024").n_expected == _row(table, "normas", round_="2025").n_expected == 5
    assert math.isnan(row.convergence_index)


def test_theme_listed_under_two_criteria_counts_once_in_the_axis_row():
    tidy = make_tidy([("CAN", AX, "normas", "x"), ("CAN", AX, "politicas", "x"),
                      ("SICA", AX, "normas", "y")])
    row = _row(scores.convergence_table(tidy), "*")
    assert row.n_themes == 2 and row.n_initiatives == 3
    # CAN {x}, SICA {y}: nothing shared
    assert row.convergence_index == (0 + 0) / ((2 - 1) * 2)


def test_inputs_are_not_modified(example):
    before = example.copy(deep=True)
    scores.score_tables(example)
    pd.testing.assert_frame_equal(example, before)


def test_missing_columns_are_named():
    with pytest.raises(MCRDataError, match=r"tidy table lacks columns \['criterion', 'theme'\]"):
        scores.convergence_table(pd.DataFrame({"round": ["2024"], "organism": ["CAN"], "axis": [AX]}))


def test_shared_themes_needs_source_columns(example):
    with pytest.raises(MCRDataError, match=r"lacks columns \['source_file'\]"):
        scores.shared_themes_table(example.drop(columns="source_file"))


def test_unknown_ids_and_empty_organisms_are_all_reported(example):
    bad = example.copy()
    bad.loc[0, "axis"] = "Energía"
    bad.loc[1, "criterion"] = "*"
    bad.loc[2, "organism"] = ""
    with pytest.raises(MCRDataError, match=(
        r"unknown axis ids \['Energía'\] in 1 rows \(first at position 0\); allowed: cadenas_valor.*"
        r"unknown criterion ids \['\*'\] in 1 rows \(first at position 1\).*"
        r"empty organism in 1 rows \(first at position 2\)"
    )):
        scores.convergence_table(bad)


def test_empty_tidy_gives_empty_tables_with_the_columns(example):
    tables = scores.score_tables(example.iloc[:0])
    assert list(tables["scores"].columns) == scores.SCORE_COLUMNS
    assert list(tables["pairwise"].columns) == scores.PAIRWISE_COLUMNS
    assert list(tables["shared_themes"].columns) == scores.SHARED_THEMES_COLUMNS
    assert list(tables["profile"].columns) == scores.PROFILE_COLUMNS
    assert all(t.empty for t in tables.values())


# ----------------------------------------------------------------------------- shared themes

def test_shared_themes_hand_computed(example):
    table = scores.shared_themes_table(example)
    assert list(table.columns) == scores.SHARED_THEMES_COLUMNS
    cell = table[table["criterion"] == "proyectos"]
    assert list(cell["k"]) == [3, 2]  # p by CAN, SICA, SELA; q by CAN, SICA
    assert list(cell["organisms"]) == ["CAN; SELA; SICA", "CAN; SICA"]
    # make_tidy numbers rows from 2: CAN p is row 2, SICA P row 5, SELA p row 7
    assert cell.iloc[0]["initiatives"] == (
        "CAN: Red andina (2024/CAN.xlsx:2) | SELA: Foro SELA (2024/SELA.xlsx:7) | "
        "SICA: Plan SICA (2024/SICA.xlsx:5)"
    )
    # initiative names default to "ORG theme" in make_tidy
    assert cell.iloc[1]["initiatives"] == "CAN: CAN q (2024/CAN.xlsx:3) | SICA: SICA q (2024/SICA.xlsx:6)"
    axis = table[table["criterion"] == "*"]
    assert list(axis["k"]) == [4, 2]
    assert axis.iloc[0]["organisms"] == "CAN; MERCOSUR; SELA; SICA"
    assert "MERCOSUR: Norma MCS (2024/MERCOSUR.xlsx:10)" in axis.iloc[0]["initiatives"]


def test_shared_theme_wording_matches_the_diagrams(example):
    table = scores.shared_themes_table(example)
    for _, row in table.iterrows():
        contents = sets.cell_contents(example, row["axis"], row["criterion"], row["round"])
        holders = [o for o, themes in contents.items() if row["theme"] in themes]
        assert "; ".join(holders) == row["organisms"]


def test_theme_shared_only_across_criteria_appears_in_the_axis_row():
    tidy = make_tidy([("CAN", AX, "normas", "x"), ("SICA", AX, "politicas", "X")])
    table = scores.shared_themes_table(tidy)
    assert list(table["criterion"]) == ["*"]
    assert table.iloc[0]["theme"] == "X"  # one wording each; ties go to the alphabetically first


def test_empty_initiative_shows_the_theme_and_rows_are_sorted_numerically():
    tidy = make_tidy([("CAN", AX, "normas", "x", "")] * 9 + [("CAN", AX, "normas", "x", "Z"),
                                                              ("SICA", AX, "normas", "x", "")])
    entries = scores.shared_themes_table(tidy).iloc[0]["initiatives"].split(" | ")
    assert entries[0] == "CAN: x (2024/CAN.xlsx:2)"
    assert entries[9] == "CAN: Z (2024/CAN.xlsx:11)"  # row 11 after row 10, not after row 1
    assert entries[10] == "SICA: x (2024/SICA.xlsx:12)"


def test_score_tables_keys(example):
    tables = scores.score_tables(example)
    assert list(tables) == ["scores", "pairwise", "shared_themes", "profile"]
    pd.testing.assert_frame_equal(tables["scores"], scores.convergence_table(example))


# ----------------------------------------------------------------------------- properties

ORGS = ["AEC", "CAN", "SELA", "SICA"]
AXES = ["cadenas_valor", "energia_sostenible"]
CRITERIA = ["reuniones", "proyectos", "normas"]
THEMES = ["", "x", "X", "y", "Ýes", "yes", "z"]

rows_strategy = st.lists(
    st.tuples(st.sampled_from(ORGS), st.sampled_from(AXES), st.sampled_from(CRITERIA), st.sampled_from(THEMES)),
    min_size=1, max_size=25,
)
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _reference_sets(rows, axis, criterion):
    out: dict[str, set] = {}
    for o, a, c, t in rows:
        if a == axis and criterion in ("*", c) and theme_key(t):
            out.setdefault(o, set()).add(theme_key(t))
    return out


@PROPERTY
@given(rows_strategy)
def test_indices_are_within_zero_and_one_and_nan_below_two_organisms(rows):
    table = scores.convergence_table(make_tidy(rows))
    for col in ("coverage", "convergence_index", "mean_jaccard", "sorensen_multi"):
        values = table[col].dropna()
        assert ((values >= 0) & (values <= 1)).all(), col
    few = table["n_active"] < 2
    for col in ("convergence_index", "mean_jaccard", "sorensen_multi"):
        assert table.loc[few, col].isna().all() and table.loc[~few, col].notna().all()
    pair = scores.pairwise_table(make_tidy(rows))
    for col in ("jaccard", "dice", "overlap"):
        assert ((pair[col] >= 0) & (pair[col] <= 1)).all()


@PROPERTY
@given(rows_strategy)
def test_convergence_index_is_one_exactly_when_all_active_sets_are_equal(rows):
    table = scores.convergence_table(make_tidy(rows))
    for row in table[table["n_active"] >= 2].itertuples():
        sets_ = _reference_sets(rows, row.axis, row.criterion)
        all_equal = len({frozenset(s) for s in sets_.values()}) == 1
        assert (row.convergence_index == 1.0) == all_equal


@PROPERTY
@given(rows_strategy)
def test_indices_match_a_brute_force_reading_of_the_definitions(rows):
    table = scores.convergence_table(make_tidy(rows))
    for row in table[table["n_active"] >= 2].itertuples():
        s = _reference_sets(rows, row.axis, row.criterion)
        union = set().union(*s.values())
        k = [sum(t in v for v in s.values()) for t in union]
        assert row.convergence_index == pytest.approx(sum(x - 1 for x in k) / ((len(s) - 1) * len(union)))
        pairs = list(itertools.combinations(s.values(), 2))
        assert row.mean_jaccard == pytest.approx(sum(len(a & b) / len(a | b) for a, b in pairs) / len(pairs))
        a_prime = sum(len(v) for v in s.values()) - len(union)
        mins = sum(min(len(a - b), len(b - a)) for a, b in pairs)
        maxs = sum(max(len(a - b), len(b - a)) for a, b in pairs)
        assert row.sorensen_multi == pytest.approx(2 * a_prime / (2 * a_prime + mins + maxs))


@PROPERTY
@given(rows_strategy)
def test_adding_an_organism_without_themes_changes_coverage_but_no_index(rows):
    tidy = make_tidy(rows)
    newcomer = make_tidy([("OTCA", a, c, "") for a in AXES for c in CRITERIA if ((tidy["axis"] == a)
                          & (tidy["criterion"] == c)).any()])
    before = scores.convergence_table(tidy, NO_TABLE)  # E = organisms with rows only
    after = scores.convergence_table(pd.concat([tidy, newcomer], ignore_index=True), NO_TABLE)
    key = ["round", "axis", "criterion"]
    pd.testing.assert_frame_equal(before[key], after[key])
    assert (after["n_expected"] == before["n_expected"] + 1).all()
    assert after["coverage"].tolist() == pytest.approx((before["n_active"] / (before["n_expected"] + 1)).tolist())
    for col in ("n_active", "n_themes", "n_shared_themes", "n_full_themes",
                "convergence_index", "mean_jaccard", "sorensen_multi"):
        pd.testing.assert_series_equal(before[col], after[col])


def test_index_of_the_input_does_not_matter(example):
    shuffled = example.iloc[::-1].set_axis(range(100, 100 + len(example)))
    for name, table in scores.score_tables(shuffled).items():
        pd.testing.assert_frame_equal(table, scores.score_tables(example)[name], obj=name)


def test_punctuation_only_theme_is_an_initiative_not_a_theme():
    # theme_key("-") == "": the row counts for E(a) and n_initiatives, not for the sets
    row = _row(scores.convergence_table(make_tidy([("CAN", AX, "normas", "-"), ("SICA", AX, "normas", "x")]),
                                        NO_TABLE), "normas")
    assert (row.n_expected, row.n_active, row.n_themes, row.n_initiatives) == (2, 1, 1, 2)


# ----------------------------------------------------------------------------- expected organisms across rounds

def test_an_organism_that_goes_silent_lowers_coverage():
    # transfronteriza / reuniones.  The book's table lists AEC, ALADI, CAN, MERCOSUR, SELA, SICA.
    # 2024: AEC {x}, CAN {x}, SICA {y}, SELA {x}, ALADI {z}, MERCOSUR {y}: all six send.
    # 2025: the same without AEC's row (AEC went silent).
    rows_2024 = [("AEC", "transfronteriza", "reuniones", "x"), ("CAN", "transfronteriza", "reuniones", "x"),
                 ("SICA", "transfronteriza", "reuniones", "y"), ("SELA", "transfronteriza", "reuniones", "x"),
                 ("ALADI", "transfronteriza", "reuniones", "z"), ("MERCOSUR", "transfronteriza", "reuniones", "y")]
    tidy = pd.concat([make_tidy(rows_2024), make_tidy(rows_2024[1:]).assign(round="2025")], ignore_index=True)
    table = scores.convergence_table(tidy)
    r24 = _row(table, "reuniones", axis="transfronteriza", round_="2024")
    r25 = _row(table, "reuniones", axis="transfronteriza", round_="2025")
    assert (r24.n_expected, r24.n_active, r24.coverage) == (6, 6, 6 / 6)
    # AEC is still expected in 2025: coverage 5/6 = 0.833, not 5/5
    assert (r25.n_expected, r25.n_active) == (6, 5)
    assert r25.coverage == pytest.approx(5 / 6)
    # the index over active organisms is unchanged in definition: k(x)=3, k(y)=2, k(z)=1 in 2024,
    # ((3-1)+(2-1)+0)/((6-1)*3) = 3/15; in 2025 k(x)=2, k(y)=2, k(z)=1: ((2-1)+(2-1)+0)/((5-1)*3) = 2/12
    assert r24.convergence_index == pytest.approx(3 / 15)
    assert r25.convergence_index == pytest.approx(2 / 12)
    # without the participation table AEC's silence would have looked like full coverage
    assert _row(scores.convergence_table(tidy, NO_TABLE), "reuniones", "transfronteriza", "2025").coverage == 1.0
