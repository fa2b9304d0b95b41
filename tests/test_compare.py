"""Tests of mcr_analysis.compare, compare_export, compare_plots and ``mcr compare``.

Every expectation is worked out by hand from the small tables below.
"""

from __future__ import annotations

import math

import openpyxl
import pandas as pd
import pytest
from conftest import TIDY_COLUMNS

from mcr_analysis import cli, compare, compare_export, compare_plots, config, ingest
from mcr_analysis.taxonomy import MCRDataError

AX = "seguridad_alimentaria"
NO_TABLE = pd.DataFrame({"round": [], "axis": [], "organism": []}, dtype=str)


def tidy_of(round_: str, rows: list[tuple]) -> pd.DataFrame:
    """Rows ``(organism, axis, criterion, theme, initiative, status)`` of one round."""
    records = []
    for i, (organism, axis, criterion, theme, initiative, status) in enumerate(rows, start=2):
        records.append({"round": round_, "organism": organism, "axis": axis, "matrix": "",
                        "criterion": criterion, "theme": theme, "initiative": initiative, "description": "",
                        "year": pd.NA, "status": status, "partners": "",
                        "source_file": f"{round_}/{organism}.xlsx", "source_sheet": "Matriz", "source_row": i})
    frame = pd.DataFrame.from_records(records, columns=TIDY_COLUMNS)
    return frame.astype({"year": "Int64"})


R2024 = [
    ("CAN", AX, "proyectos", "Alerta temprana", "Observatorio andino", "En ejecución"),   # unchanged
    ("CAN", AX, "proyectos", "Sanidad", "CRIFCAN", "En ejecución"),                       # status -> Realizado
    ("CAN", AX, "normas", "Inocuidad", "Norma andina de inocuidad", "Vigente"),          # removed
    ("SICA", AX, "proyectos", "Alerta temprana", "Observatorio regional de seguridad alimentaria", "Propuesto"),
    ("SELA", AX, "reuniones", "Foros", "Foro regional SAN", "Realizado"),                 # SELA goes silent
]
R2025 = [
    ("CAN", AX, "proyectos", "Sanidad", "CRIFCAN", "Realizado"),
    ("CAN", AX, "proyectos", "Alerta temprana", "Observatorio andino", "En ejecución"),
    ("CAN", AX, "politicas", "Reservas", "Reserva andina de alimentos", "Propuesto"),    # added
    # reworded: one word added; theme unchanged
    ("SICA", AX, "proyectos", "Alerta temprana", "Observatorio regional de la seguridad alimentaria", "Propuesto"),
    ("MERCOSUR", AX, "proyectos", "Alerta temprana", "Monitoreo de sequías", "En ejecución"),  # new organism
]


@pytest.fixture
def two_rounds() -> pd.DataFrame:
    return pd.concat([tidy_of("2024", R2024), tidy_of("2025", R2025)], ignore_index=True)


def _by_initiative(changes: pd.DataFrame) -> dict:
    name = changes["initiative_to"].where(changes["initiative_to"] != "", changes["initiative_from"])
    return dict(zip(name, changes["change"]))


# ----------------------------------------------------------------------------- initiatives

def test_each_change_kind_is_found(two_rounds):
    before = two_rounds.copy()
    changes = compare.initiative_changes(two_rounds, "2024", "2025")
    pd.testing.assert_frame_equal(two_rounds, before)  # input untouched
    assert list(changes.columns) == compare.CHANGE_COLUMNS
    # 5 rows in 2024, 5 in 2025: 2 pairs by name + 1 reworded pair, 2 removed, 2 added -> 3 + 2 + 2 = 7 rows
    assert len(changes) == 7
    assert _by_initiative(changes) == {
        "Observatorio andino": "unchanged",
        "CRIFCAN": "changed",
        "Norma andina de inocuidad": "removed",
        "Reserva andina de alimentos": "added",
        "Observatorio regional de la seguridad alimentaria": "changed",
        "Foro regional SAN": "removed",
        "Monitoreo de sequías": "added",
    }
    crifcan = changes.loc[changes["initiative_to"] == "CRIFCAN"].iloc[0]
    assert (crifcan.status_from, crifcan.status_to, crifcan.changed_fields) == ("En ejecución", "Realizado", "status")
    assert crifcan.match_score == 1.0
    # provenance of both sides: row 3 of 2024/CAN.xlsx became row 2 of 2025/CAN.xlsx
    assert (crifcan.source_file_from, crifcan.source_row_from, crifcan.source_file_to, crifcan.source_row_to) == \
        ("2024/CAN.xlsx", "3", "2025/CAN.xlsx", "2")
    removed = changes.loc[changes["change"] == "removed"]
    assert set(removed["initiative_to"]) == {""} and removed["match_score"].isna().all()


def test_reworded_initiative_is_changed_not_removed_and_added(two_rounds):
    changes = compare.initiative_changes(two_rounds, "2024", "2025")
    sica = changes.loc[changes["organism"] == "SICA"]
    assert len(sica) == 1
    row = sica.iloc[0]
    assert row.change == "changed" and row.changed_fields == "initiative"
    # "observatorio regional de seguridad alimentaria" (46 characters) vs "... de la seguridad ..." (49):
    # the new one is the old one with "la " inserted, so the ratio is 2 * 46 / (46 + 49) = 92/95
    assert row.match_score == pytest.approx(92 / 95)
    assert row.match_score >= compare.FUZZY_THRESHOLD


def test_same_initiative_up_to_case_accents_and_spacing_matches_exactly():
    tidy = pd.concat([tidy_of("2024", [("CAN", AX, "proyectos", "Sanidad", "Centro Andino  de Sanidad", "")]),
                      tidy_of("2025", [("CAN", AX, "proyectos", "Sanidad", "CENTRO ANDINO DE SANIDAD.", "")])])
    row = compare.initiative_changes(tidy, "2024", "2025").iloc[0]
    assert (row.change, row.match_score, row.changed_fields) == ("changed", 1.0, "initiative")


def test_an_ambiguous_rewording_is_never_guessed():
    tidy = pd.concat([
        tidy_of("2024", [("CAN", AX, "proyectos", "T", "Programa regional de semillas", "")]),
        tidy_of("2025", [("CAN", AX, "proyectos", "T", "Programa regional de semillas A", ""),
                         ("CAN", AX, "proyectos", "T", "Programa regional de semillas B", "")]),
    ])
    changes = compare.initiative_changes(tidy, "2024", "2025")
    # both candidates score the same (2*29/(29+31) = 0.967): one removed, two added, each with a note
    assert sorted(changes["change"]) == ["added", "added", "removed"]
    assert compare.similarity("Programa regional de semillas", "Programa regional de semillas A") == \
        pytest.approx(2 * 29 / (29 + 31))
    note = changes.loc[changes["change"] == "removed", "note"].iloc[0]
    assert note == "ambiguous: could be 'Programa regional de semillas A' or 'Programa regional de semillas B'"


def test_a_different_initiative_below_the_threshold_is_removed_and_added():
    tidy = pd.concat([tidy_of("2024", [("CAN", AX, "proyectos", "T", "Red de laboratorios", "")]),
                      tidy_of("2025", [("CAN", AX, "proyectos", "T", "Plan de compras conjuntas", "")])])
    assert compare.similarity("Red de laboratorios", "Plan de compras conjuntas") < compare.FUZZY_THRESHOLD
    assert sorted(compare.initiative_changes(tidy, "2024", "2025")["change"]) == ["added", "removed"]


# ----------------------------------------------------------------------------- participation

def test_silent_new_continuing_and_identical_submission_in_another_order():
    rows = [("CAN", AX, "proyectos", "A", "Uno", "Vigente"), ("CAN", AX, "normas", "B", "Dos", "")]
    tidy = pd.concat([
        tidy_of("2024", rows + [("SELA", AX, "reuniones", "F", "Foro", "")]),
        tidy_of("2025", rows[::-1] + [("MERCOSUR", AX, "proyectos", "A", "Tres", "")]),  # CAN in reverse order
    ])
    part = compare.participation_changes(tidy, "2024", "2025", NO_TABLE)
    got = part.set_index("organism")[["change", "n_initiatives_from", "n_initiatives_to", "identical_submission"]]
    assert got.to_dict("index") == {
        "CAN": {"change": "continuing", "n_initiatives_from": 2, "n_initiatives_to": 2, "identical_submission": True},
        "MERCOSUR": {"change": "new", "n_initiatives_from": 0, "n_initiatives_to": 1, "identical_submission": False},
        "SELA": {"change": "silent", "n_initiatives_from": 1, "n_initiatives_to": 0, "identical_submission": False},
    }
    # one field differs (a status) -> no longer identical
    changed = tidy.copy()
    changed.loc[(changed["round"] == "2025") & (changed["initiative"] == "Uno"), "status"] = "Realizado"
    part = compare.participation_changes(changed, "2024", "2025", NO_TABLE).set_index("organism")
    assert not part.at["CAN", "identical_submission"]


def test_expected_organism_silent_in_both_rounds_is_listed(two_rounds):
    # the book's table lists CAN, MERCOSUR, SELA, SICA on food security: all sent in one round at least
    part = compare.participation_changes(two_rounds, "2024", "2025")
    assert part.set_index("organism")["change"].to_dict() == {
        "CAN": "continuing", "MERCOSUR": "new", "SELA": "silent", "SICA": "continuing"}
    assert part["listed_to"].all()


# ----------------------------------------------------------------------------- scores, statuses, themes

def test_score_changes_match_hand_computation(two_rounds):
    out = compare.compare_rounds(two_rounds, "2024", "2025")
    scores = out["scores"]
    assert list(scores.columns) == compare.SCORE_CHANGE_COLUMNS
    assert set(scores["metric"]) == set(compare.SCORE_METRICS)

    def get(criterion, metric):
        row = scores.loc[(scores["criterion"] == criterion) & (scores["metric"] == metric)].iloc[0]
        return row["from"], row["to"]

    # E = table {CAN, MERCOSUR, SELA, SICA} in both rounds (everyone who sent is listed): 4
    assert get("proyectos", "n_expected") == (4, 4)
    # proyectos 2024: CAN {alerta, sanidad}, SICA {alerta} -> 2 active of 4; 2025: + MERCOSUR {alerta} -> 3 of 4
    assert get("proyectos", "coverage") == (pytest.approx(2 / 4), pytest.approx(3 / 4))
    # CI 2024: k(alerta)=2, k(sanidad)=1 -> ((2-1)+0)/((2-1)*2) = 1/2; 2025: k=3,1 -> (2+0)/((3-1)*2) = 1/2
    assert get("proyectos", "convergence_index") == (pytest.approx(1 / 2), pytest.approx(1 / 2))
    # normas only in 2024 (CAN alone): index NaN both sides, the cell's coverage 1/4 -> NaN
    frm, to = get("normas", "coverage")
    assert frm == pytest.approx(1 / 4) and math.isnan(to)
    # the axis as a whole: 2024 CAN, SICA, SELA active (3/4); 2025 CAN, SICA, MERCOSUR (3/4)
    assert get("*", "coverage") == (pytest.approx(3 / 4), pytest.approx(3 / 4))


def test_status_transitions_counted_per_axis(two_rounds):
    out = compare.compare_rounds(two_rounds, "2024", "2025")
    got = out["statuses"][["status_from", "status_to", "n", "direction"]].values.tolist()
    # matched: Observatorio andino ongoing->ongoing, CRIFCAN ongoing->completed, SICA planned->planned
    assert got == [["planned", "planned", 1, "same"], ["ongoing", "ongoing", 1, "same"],
                   ["ongoing", "completed", 1, "advanced"]]
    with_ids = two_rounds.assign(status_id="completed")
    assert compare.compare_rounds(with_ids, "2024", "2025")["statuses"]["status_from"].tolist() == ["completed"]


def test_status_text_map_is_in_one_place():
    assert [compare.status_id(s) for s in ("Propuesto", "En ejecución", "Realizado", "Cancelado", "Otro")] == \
        ["planned", "ongoing", "completed", "cancelled", ""]


def test_themes_that_became_or_stopped_being_shared():
    tidy = pd.concat([
        tidy_of("2024", [("CAN", AX, "proyectos", "Alerta", "a", ""), ("SICA", AX, "proyectos", "Alerta", "b", ""),
                         ("CAN", AX, "normas", "Inocuidad", "c", "")]),
        tidy_of("2025", [("CAN", AX, "proyectos", "Alerta", "a", ""), ("SICA", AX, "proyectos", "Vigilancia", "b", ""),
                         ("CAN", AX, "normas", "Inocuidad", "c", ""), ("SICA", AX, "normas", "inocuidad", "d", "")]),
    ])
    themes = compare.shared_theme_changes(tidy, "2024", "2025")
    assert themes[["criterion", "theme", "change", "k_from", "k_to"]].values.tolist() == [
        ["proyectos", "Alerta", "stopped_shared", 2, 1],
        ["normas", "Inocuidad", "became_shared", 1, 2],
        # the axis as a whole ("*") says the same here
        ["*", "Inocuidad", "became_shared", 1, 2],
        ["*", "Alerta", "stopped_shared", 2, 1],
    ]


def test_a_round_with_no_previous_one():
    only = tidy_of("2024", R2024)
    with pytest.raises(MCRDataError, match=r"round '2024' has no previous round to compare with; rounds found: 2024"):
        compare.compare_rounds(only)
    with pytest.raises(MCRDataError, match=r"round '2023' is not in the tidy table; rounds found: 2024"):
        compare.compare_rounds(only, "2023", "2024")
    with pytest.raises(MCRDataError, match=r"cannot compare round '2024' with itself"):
        compare.compare_rounds(only, "2024", "2024")


# ----------------------------------------------------------------------------- outputs

def test_outputs_are_written_atomically_neutralised_and_in_spanish(two_rounds, tmp_path):
    tidy = two_rounds.copy()
    tidy.loc[tidy["initiative"] == "Reserva andina de alimentos", "initiative"] = "=HYPERLINK(1)"
    tables = compare.compare_rounds(tidy, "2024", "2025")
    written = compare_export.write_compare_outputs(tables, tmp_path)
    assert [p.name for p in written] == [*compare_export.CSV_FILES.values(), "mcr_compare.xlsx"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in written)  # no temp file left
    text = (tmp_path / "mcr_changes.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join(compare.CHANGE_COLUMNS)
    assert "'=HYPERLINK(1)" in text
    book = openpyxl.load_workbook(tmp_path / "mcr_compare.xlsx")
    assert book.sheetnames == ["Cambios por iniciativa", "Participación", "Cambios en los índices",
                               "Transiciones de estado", "Temas compartidos que cambian"]
    ws = book["Cambios por iniciativa"]
    assert [c.value for c in ws[1]][:6] == ["Ronda inicial", "Ronda final", "Organismo", "Eje", "Criterio", "Cambio"]
    values = [c.value for row in ws.iter_rows(min_row=2) for c in row]
    assert "'=HYPERLINK(1)" in values and "añadida" in values and "modificada" in values
    part = book["Participación"]
    assert {row[4].value for row in part.iter_rows(min_row=2)} == {"continúa", "nuevo", "sin envío"}


def test_cli_compare_writes_tables_and_one_figure_per_axis(two_rounds, tmp_path, capsys):
    path = tmp_path / "tidy.csv"
    two_rounds.to_csv(path, index=False)
    code = cli.main(["compare", "--tidy", str(path), "--out", str(tmp_path / "out"),
                     "--figures", str(tmp_path / "fig"), "--formats", "svg"])
    assert code == 0
    assert (tmp_path / "out" / "mcr_score_changes.csv").is_file()
    assert sorted(p.name for p in (tmp_path / "fig").iterdir()) == ["compare_2024_2025_seguridad_alimentaria.svg"]
    capsys.readouterr()
    code = cli.main(["compare", "--tidy", str(path), "--from", "2020", "--out", str(tmp_path / "out")])
    assert code == 1
    assert "round '2020' is not in the tidy table" in capsys.readouterr().err


def test_dumbbell_and_theme_lists_draw_what_the_tables_say(two_rounds):
    tables = compare.compare_rounds(two_rounds, "2024", "2025")
    page = compare_plots.axis_comparison(tables, AX, lang="es")
    d = page.dumbbell
    # criteria with data in either round, book order, "*" last
    assert d.criteria == ["reuniones", "proyectos", "normas", "politicas", "*"]
    assert len(d.points_from.get_offsets()) == len(d.points_to.get_offsets()) == 5
    # a line only where both rounds have an index: proyectos (1/2 -> 1/2) and "*"
    assert len(d.segments) == 2
    assert [t.get_text() for t in d.labels] == ["sin índice", "0,50", "sin índice", "sin índice",
                                                d.labels[-1].get_text()]
    assert page.title.get_text() == "Seguridad alimentaria: de 2024 a 2025"
    assert page.themes.became == [] and "Foros" not in page.themes.text.get_text()
    assert compare_plots.figure_name(AX, "2024", "2025") == "compare_2024_2025_seguridad_alimentaria"


# ----------------------------------------------------------------------------- the simulated round

def test_simulated_round_lists_exactly_the_simulated_changes():
    tidy = pd.concat([ingest.load_submissions(config.RAW_DIR).tidy,
                      ingest.load_submissions(config.PROJECT_ROOT / "data" / "external" / "simulated_round_2025").tidy],
                     ignore_index=True)
    out = compare.compare_rounds(tidy, "2024", "2025")
    ch = out["changes"]
    moved = ch.loc[ch["change"] != "unchanged"]
    assert moved.groupby(["change", "organism"]).size().to_dict() == {
        ("added", "OLADE"): 2, ("added", "SICA"): 1,  # the new organism's 2 rows, the added row
        ("changed", "CAN"): 3,  # two INTERCOM statuses, one renamed theme
        ("changed", "MERCOSUR"): 1,  # the other renamed theme
        ("changed", "SICA"): 1,  # the reworded initiative
        ("removed", "AEC"): 5, ("removed", "SELA"): 1,  # AEC's whole file, the deleted row
    }
    fields = moved.loc[moved["change"] == "changed"].set_index("initiative_to")["changed_fields"].to_dict()
    assert fields == {
        "Difusión de la experiencia INTERCOM": "status",
        "Sistema de Interoperabilidad Comunitaria Andina (INTERCOM)": "status",
        "Observatorio andino de inseguridad alimentaria": "theme",
        "Certificados sanitarios coordinados a nivel regional": "theme",
        "Observatorio de Inteligencia Económica (SIECA)": "initiative",
    }
    part = out["participation"]
    assert part.loc[part["change"] != "continuing", ["axis", "organism", "change"]].values.tolist() == [
        ["transfronteriza", "AEC", "silent"], ["energia_sostenible", "OLADE", "new"],
        ["interconexion_electrica", "OLADE", "new"]]
    identical = part.loc[part["identical_submission"]]
    assert {"ALADI", "OTCA"} <= set(identical["organism"])  # the two files copied byte for byte
    assert not part.loc[part["organism"].isin(["ALADI", "OTCA"]), "identical_submission"].eq(False).any()
    scores = out["scores"].set_index(["axis", "criterion", "metric"])
    # AEC was one of 6 organisms with themes in cross-border meetings; silent in 2025: coverage 6/6 -> 5/6
    assert scores.loc[("transfronteriza", "reuniones", "coverage"), ["from", "to"]].tolist() == \
        pytest.approx([6 / 6, 5 / 6])
    assert scores.loc[("transfronteriza", "reuniones", "n_expected"), ["from", "to"]].tolist() == [6, 6]
    advanced = out["statuses"].loc[out["statuses"]["direction"] == "advanced"]
    assert advanced[["axis", "status_from", "status_to", "n"]].values.tolist() == \
        [["transfronteriza", "ongoing", "completed", 2]]


def test_every_label_row_has_both_languages_and_every_column_a_label():
    labels = compare_export._labels()
    for key, row in labels.items():
        assert row["es"].strip() and row["en"].strip(), key
    for name, columns in compare_export.TABLE_COLUMNS.items():
        assert f"sheet:{name}" in labels
        assert [c for c in columns if c not in labels] == [], name
    for kind in (*compare.CHANGES, "silent", "new", "continuing", "became_shared", "stopped_shared",
                 *compare.STATUS_ORDER, "cancelled", "advanced", "same", "regressed", "unknown"):
        assert f"value:{kind}" in labels, kind
    for field in compare.COMPARED_FIELDS:
        assert f"field:{field}" in labels, field
    with pytest.raises(MCRDataError, match="compare_labels.tsv has no label for 'nope'"):
        compare_export.label("nope")
    with pytest.raises(MCRDataError, match="unknown language 'fr'; allowed: es, en"):
        compare_export.label("change", "fr")


def test_a_candidate_taken_by_a_closer_pair_is_no_rival():
    # similarity = 2 * matching characters / total characters of the folded names:
    # B "red de semillas bbbb" ~ Y "red de semillas bbb": 2*19/39 = 0.974; Y's other candidate A is at
    # 2*15/34 = 0.882, 0.09 behind (more than the 0.05 margin), and B ~ X = 2*16/39 = 0.82 is below 0.85
    # -> B-Y is matched first.  A "red de semillas" ~ X and ~ Y: 0.882 each, a tie; but Y is already B's,
    # so A-X is not ambiguous.
    tidy = pd.concat([
        tidy_of("2024", [("CAN", AX, "proyectos", "T", "Red de semillas", ""),
                         ("CAN", AX, "proyectos", "T", "Red de semillas BBBB", "")]),
        tidy_of("2025", [("CAN", AX, "proyectos", "T", "Red de semillas CCC", ""),
                         ("CAN", AX, "proyectos", "T", "Red de semillas BBB", "")]),
    ])
    assert compare.similarity("Red de semillas BBBB", "Red de semillas BBB") == pytest.approx(2 * 19 / 39)
    changes = compare.initiative_changes(tidy, "2024", "2025")
    assert changes[["initiative_from", "initiative_to", "change"]].values.tolist() == [
        ["Red de semillas", "Red de semillas CCC", "changed"],
        ["Red de semillas BBBB", "Red de semillas BBB", "changed"],
    ]
    assert changes["match_score"].tolist() == pytest.approx([30 / 34, 38 / 39])


def test_a_new_user_with_two_round_folders_gets_exactly_the_changes(tmp_path, capsys):
    import shutil

    raw = tmp_path / "raw"
    shutil.copytree(config.RAW_DIR / "2024", raw / "2024")
    shutil.copytree(config.PROJECT_ROOT / "data" / "external" / "simulated_round_2025" / "2025", raw / "2025")
    out = tmp_path / "processed"
    assert cli.main(["ingest", str(raw), "--out", str(out)]) == 0
    assert cli.main(["compare", "--tidy", str(out / "mcr_tidy.csv"), "--out", str(out),
                     "--figures", str(tmp_path / "fig"), "--formats", "png"]) == 0
    capsys.readouterr()
    changes = pd.read_csv(out / "mcr_changes.csv", dtype=str, keep_default_na=False)
    # 5 AEC + 1 SELA removed, 2 OLADE + 1 SICA added, 2 statuses + 2 themes + 1 rewording changed
    assert changes["change"].value_counts().to_dict() == {"unchanged": 250, "removed": 6, "changed": 5, "added": 3}
    part = pd.read_csv(out / "mcr_participation_changes.csv", dtype=str, keep_default_na=False)
    assert sorted(zip(part.loc[part["change"] != "continuing", "organism"], part.loc[part["change"] != "continuing", "change"])) \
        == [("AEC", "silent"), ("OLADE", "new"), ("OLADE", "new")]
    scores = pd.read_csv(out / "mcr_score_changes.csv", dtype=str, keep_default_na=False)
    row = scores.loc[(scores["axis"] == "transfronteriza") & (scores["criterion"] == "reuniones")
                     & (scores["metric"] == "coverage")].iloc[0]
    assert (row["from"], row["to"]) == ("1.000000", f"{5 / 6:.6f}")  # the silent AEC lowers it
    assert len(list((tmp_path / "fig").glob("compare_2024_2025_*.png"))) == 6
