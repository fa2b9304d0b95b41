"""Tests of mcr_analysis.brief: the seminar-brief tables and their display labels."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import make_tidy

from mcr_analysis import brief, config, ingest, scores, taxonomy
from mcr_analysis.taxonomy import MCRDataError

AXIS = "seguridad_alimentaria"


@pytest.fixture
def tidy_axis() -> pd.DataFrame:
    """seguridad_alimentaria: CAN and SICA share 'Alerta temprana' in proyectos, SELA acts alone
    in normas (one initiative, no theme), CAN has a theme in politicas; AEC (not expected on
    the axis) shares 'Alerta temprana' too; MERCOSUR, expected, sent nothing."""
    return make_tidy([
        ("CAN", AXIS, "proyectos", "Alerta temprana", "Observatorio andino"),
        ("CAN", AXIS, "proyectos", "Sanidad", "CRIFCAN"),
        ("SICA", AXIS, "proyectos", "alerta temprana", "Observatorio regional"),
        ("SICA", AXIS, "proyectos", "Alerta  Temprana", "Observatorio regional"),
        ("SICA", AXIS, "proyectos", "Alerta temprana", ""),
        ("AEC", AXIS, "proyectos", "Alerta temprana", "Red caribeña"),
        ("SELA", AXIS, "normas", "", "Guía regional"),
        ("CAN", AXIS, "politicas", "Disponibilidad", "Plan andino"),
        ("SICA", AXIS, "politicas", "Inocuidad", "Plan SICA"),
        ("CAN", "transfronteriza", "proyectos", "Alerta temprana", "Otro eje"),
    ])


def _expected(axis: str) -> set[str]:
    part = taxonomy.participation()
    return set(part.loc[part["axis"] == axis, "organism"])


def test_tables_keys_and_input_not_modified(tidy_axis):
    before = tidy_axis.copy()
    tables = brief.brief_tables(tidy_axis, AXIS)
    assert tuple(tables) == brief.BRIEF_TABLES
    pd.testing.assert_frame_equal(tidy_axis, before)


def test_participation_counts_and_expected_flags(tidy_axis):
    part = brief.brief_tables(tidy_axis, AXIS)["participation"].set_index("organism")
    expected = _expected(AXIS)
    present = {"AEC", "CAN", "SELA", "SICA"}
    assert list(part.index) == sorted(expected | present)
    assert part["expected"].to_dict() == {o: o in expected for o in sorted(expected | present)}
    # CAN: 3 rows on the axis (2 proyectos + 1 politicas), 3 distinct themes, 2 criteria.
    assert part.loc["CAN", ["n_initiatives", "n_themes", "n_criteria", "criteria"]].tolist() == \
        [2 + 1, 3, 2, "proyectos; politicas"]
    # SICA: 3 proyectos rows with one theme key + 1 politicas row.
    assert part.loc["SICA", ["n_initiatives", "n_themes", "n_criteria"]].tolist() == [3 + 1, 1 + 1, 2]
    # SELA: one row without theme: an initiative, no theme.
    assert part.loc["SELA", ["n_initiatives", "n_themes", "criteria"]].tolist() == [1, 0, "normas"]
    assert part.loc["MERCOSUR", ["n_initiatives", "n_themes", "n_criteria", "criteria"]].tolist() == [0, 0, 0, ""]


def test_scores_are_the_axis_rows_of_convergence_table(tidy_axis):
    got = brief.brief_tables(tidy_axis, AXIS)["scores"]
    table = scores.convergence_table(tidy_axis)
    want = table.loc[table["axis"] == AXIS, brief.SCORE_COLUMNS].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want)
    assert got["criterion"].tolist() == ["proyectos", "normas", "politicas", "*"]  # book order, "*" last


def test_shared_themes_side_by_side(tidy_axis):
    shared = brief.brief_tables(tidy_axis, AXIS)["shared"]
    assert list(shared.columns) == ["criterion", "theme", "k", "AEC", "CAN", "SELA", "SICA"]
    # Only 'Alerta temprana' in proyectos is held by 2+ organisms (AEC, CAN, SICA); the
    # transfronteriza row is another axis; politicas themes differ.
    assert len(shared) == 1
    row = shared.iloc[0].to_dict()
    assert (row["criterion"], row["theme"], row["k"]) == ("proyectos", "Alerta temprana", 3)
    unnamed = taxonomy.text("brief_unnamed")
    assert row["AEC"] == "Red caribeña"
    assert row["CAN"] == "Observatorio andino"
    assert row["SELA"] == ""
    # SICA's two rows named alike count once; the unnamed row shows the placeholder.
    assert row["SICA"] == "; ".join(sorted({"Observatorio regional", unnamed}))


def test_single_actor_criteria(tidy_axis):
    single = brief.brief_tables(tidy_axis, AXIS)["single_actor"]
    # proyectos has 3 organisms and politicas 2; normas has SELA only; the other three none.
    assert single["criterion"].tolist() == ["fortalecimiento", "reuniones", "normas", "otros"]
    assert single.set_index("criterion").loc["normas"].tolist() == [1, "SELA", 1]
    assert single.set_index("criterion").loc["otros"].tolist() == [0, "", 0]


def test_absent_is_expected_minus_present(tidy_axis):
    absent = brief.brief_tables(tidy_axis, AXIS)["absent"]
    missing = sorted(_expected(AXIS) - {"AEC", "CAN", "SELA", "SICA"})
    assert absent["organism"].tolist() == missing
    assert absent["name"].tolist() == [taxonomy.organism_label(o) for o in missing]


def test_round_defaults_to_latest_and_filters(tidy_axis):
    later = tidy_axis.iloc[[0]].assign(round="2025", organism="SELA")
    both = pd.concat([tidy_axis, later], ignore_index=True)
    tables = brief.brief_tables(both, AXIS)
    assert tables["participation"].loc[lambda p: p["n_initiatives"] > 0, "organism"].tolist() == ["SELA"]
    assert brief.brief_tables(both, AXIS, "2024")["participation"]["n_initiatives"].sum() == 10 - 1  # all rows but the other axis


def test_errors_name_the_allowed_values(tidy_axis):
    with pytest.raises(MCRDataError, match=r"unknown axis 'food'; expected one of: cadenas_valor, "):
        brief.brief_tables(tidy_axis, "food")
    with pytest.raises(MCRDataError, match=r"round '1999' is not in the tidy table; rounds found: 2024"):
        brief.brief_tables(tidy_axis, AXIS, "1999")
    with pytest.raises(MCRDataError, match=r"unknown language 'fr'; expected one of: es, en"):
        brief.labelled(pd.DataFrame({"criterion": ["normas"]}), "fr")
    with pytest.raises(MCRDataError, match=r"no display label for columns \['mystery'\]"):
        brief.labelled(pd.DataFrame({"mystery": [1]}))


def test_labelled_translates_headers_and_values(tidy_axis):
    part = brief.brief_tables(tidy_axis, AXIS)["participation"]
    before = part.copy()
    shown = brief.labelled(part, "en")
    pd.testing.assert_frame_equal(part, before)
    assert list(shown.columns) == ["Organisation", "Expected (participation table)", "Initiatives", "Themes",
                                   "Criteria with initiatives", "Criteria"]
    can = shown.loc[shown["Organisation"] == "CAN"].iloc[0]
    assert can["Criteria"] == f"{taxonomy.criterion_label('proyectos', 'en')}; {taxonomy.criterion_label('politicas', 'en')}"
    assert set(shown["Expected (participation table)"]) <= {"yes", "no"}
    assert brief.labelled(part)["Esperado (tabla de participación)"].tolist() == \
        ["sí" if e else "no" for e in part["expected"]]


def test_theme_shared_only_across_criteria_closes_the_table():
    tidy = make_tidy([
        ("CAN", AXIS, "proyectos", "Inocuidad", "Red andina"),
        ("SICA", AXIS, "normas", "inocuidad", "Norma SICA"),
        ("CAN", AXIS, "proyectos", "alerta", "Observatorio andino"),
        ("SICA", AXIS, "proyectos", "Alerta", "Observatorio regional"),
        ("SICA", AXIS, "normas", "Alerta", "Norma de alerta"),
    ])
    shared = brief.brief_tables(tidy, AXIS)["shared"]
    # 'Alerta' is shared within proyectos: listed there only, not again under "*".
    # 'Inocuidad' is CAN's in proyectos and SICA's in normas: shared on the axis as a whole.
    # Each theme's two wordings occur once each: ties go to the alphabetically first (capitalised).
    assert shared.values.tolist() == [
        ["proyectos", "Alerta", 2, "Observatorio andino", "Observatorio regional"],
        ["*", "Inocuidad", 2, "Red andina", "Norma SICA"],
    ]


def test_shared_matches_scores_table_on_sample_data():
    tidy = ingest.load_submissions(config.RAW_DIR).tidy
    reference = scores.shared_themes_table(tidy)
    for axis in taxonomy.axes().ids:
        mine = brief.brief_tables(tidy, axis)["shared"]
        ref = reference.loc[reference["axis"] == axis]
        per_criterion = ref["criterion"] != "*"
        keys = set(ref.loc[per_criterion, "theme"].map(taxonomy.theme_key))
        ref = ref.loc[per_criterion | ~ref["theme"].map(taxonomy.theme_key).isin(keys)]
        assert mine[["criterion", "theme", "k"]].values.tolist() == ref[["criterion", "theme", "k"]].values.tolist()


def test_shared_themes_are_those_of_the_scores_table(tidy_axis, monkeypatch):
    """One definition of a shared theme: the brief lists what scores.shared_themes_table says, as it says it."""
    seen = []
    real = scores.shared_themes_table

    def told(tidy):
        seen.append(sorted(set(tidy["axis"])) + [len(tidy)])
        table = real(tidy)
        # Pretend the definition changed: k doubles, and the axis-wide row of 'Alerta temprana' goes.
        return table.loc[table["criterion"] != "*"].assign(k=lambda t: 2 * t["k"])

    monkeypatch.setattr(scores, "shared_themes_table", told)
    shared = brief.brief_tables(tidy_axis, AXIS)["shared"]
    assert seen == [[AXIS, 9]]  # called once, on the round's 9 rows of the axis
    # 'Alerta temprana' is held by AEC, CAN and SICA in proyectos: k = 3, told 6.
    assert shared[["criterion", "theme", "k"]].values.tolist() == [["proyectos", "Alerta temprana", 6]]
    assert shared[["AEC", "CAN", "SELA", "SICA"]].values.tolist() == [
        ["Red caribeña", "Observatorio andino", "", f"{taxonomy.text('brief_unnamed')}; Observatorio regional"]]


def test_brief_module_has_no_command_line_of_its_own():
    import inspect

    source = inspect.getsource(brief)
    assert "argparse" not in source and "add_argument" not in source
    assert 'main(["brief", *sys.argv[1:]])' in source  # python -m mcr_analysis.brief is mcr brief


def test_heading():
    assert brief.heading("brief_scores", "en", 3) == "### " + taxonomy.text("brief_scores", "en")
    assert brief.heading("brief_title", "es", 1, axis="Energía") == "# " + taxonomy.text("brief_title", "es").format(
        axis="Energía")


# ----------------------------------------------------------------------------- the previous round

def test_previous_round_section_only_when_a_previous_round_exists(tidy_axis):
    assert brief.previous_round_tables(tidy_axis, AXIS) is None
    assert brief.previous_round_section(tidy_axis, AXIS, "2024") == []
    # 2025: SELA goes silent, CAN's "Sanidad" row is removed, SICA sends the same rows in another order
    later = tidy_axis.loc[(tidy_axis["organism"] != "SELA") & (tidy_axis["initiative"] != "CRIFCAN")]
    both = pd.concat([tidy_axis, later.iloc[::-1].assign(round="2025")], ignore_index=True)
    tables = brief.previous_round_tables(both, AXIS)
    part = tables["participation"].set_index("organism")
    assert part["change"].to_dict() == {"AEC": "continuing", "CAN": "continuing", "MERCOSUR": "silent",
                                        "SELA": "silent", "SICA": "continuing"}
    assert part["identical_submission"].to_dict() == {"AEC": True, "CAN": False, "MERCOSUR": False,
                                                      "SELA": False, "SICA": True}
    counts = tables["initiatives"].set_index("organism")
    assert counts.loc["CAN", ["n_removed", "n_unchanged"]].tolist() == [1, 2]
    scores = tables["scores"].set_index("criterion")
    # normas: SELA's only row had no theme; E = {AEC, CAN, MERCOSUR, SELA, SICA} both years (table + senders)
    # proyectos 2024: CAN, SICA, AEC active of 5 -> 3/5; 2025 the same three -> 3/5
    assert scores.loc["proyectos", ["coverage_from", "coverage_to"]].tolist() == pytest.approx([3 / 5, 3 / 5])
    assert list(scores.index)[-1] == "*"
    parts = brief.previous_round_section(both, AXIS, "2025", "es")
    assert parts[0] == "## Cambios respecto de la ronda 2024"
    assert "Cambio" in parts[2].columns and "sin envío" in set(parts[2]["Cambio"])
