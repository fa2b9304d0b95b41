"""Tests of duplicate candidates: scores by hand, relation guesses, the review loop and measured quality."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from eval_helpers import duplicate_eval, precision_recall, top_k_pairs, true_duplicate_pairs
from openpyxl import load_workbook

from mcr_analysis import cli, duplicates
from mcr_analysis.duplicates_review import apply_duplicate_review, write_duplicate_review
from mcr_analysis.taxonomy import MCRDataError


def _tidy(rows):
    cols = ["organism", "axis", "criterion", "theme", "initiative", "description", "partners"]
    frame = pd.DataFrame(rows, columns=cols)
    frame["source_file"] = [f"{o}.xlsx" for o in frame["organism"]]
    frame["source_row"] = range(2, len(frame) + 2)
    return frame


ROWS = [
    ("CAN", "transfronteriza", "proyectos", "Interoperabilidad", "Interoperabilidad de las VUCE andinas", "", ""),
    ("SICA", "transfronteriza", "proyectos", "Facilitación", "Interoperabilidad de ventanillas únicas", "", ""),
    ("AEC", "transfronteriza", "reuniones", "Transporte", "Foro de transporte marítimo", "", ""),
]


def test_score_by_hand_and_columns():
    out = duplicates.find_duplicates(_tidy(ROWS))
    assert list(out.columns) == duplicates.DUPLICATE_COLUMNS
    # 3 initiatives; shared pivots interoperability, window, single (df 2, idf ln 4/2);
    # CAN's trade, foreign, andean (df 1, idf ln 4/1): both Jaccards = 3 ln2 / (3 ln2 + 3 ln4) = 1/3
    assert len(out) == 1
    assert out.loc[0, "score"] == round(3 * math.log(2) / (3 * math.log(2) + 3 * math.log(4)), 3) == 0.333
    assert out.loc[0, ["organism_a", "source_row_a", "organism_b", "source_row_b", "relation"]].tolist() == [
        "CAN", "2", "SICA", "3", "related"]
    assert out.loc[0, "shared_words"] == "interoperabilidad, ventanilla, unica"


def test_same_organism_is_never_paired_and_bad_input_is_reported():
    rows = [ROWS[0], ("CAN",) + ROWS[1][1:]]
    assert duplicates.find_duplicates(_tidy(rows)).empty
    with pytest.raises(MCRDataError, match=r"tidy table lacks columns \['initiative'\]"):
        duplicates.find_duplicates(_tidy(ROWS).drop(columns="initiative"))
    with pytest.raises(MCRDataError, match=r"threshold 2: expected a number in \(0, 1\]"):
        duplicates.find_duplicates(_tidy(ROWS), threshold=2)


def test_mutual_partners_and_joint_events_are_kept_apart():
    rows = [
        ("SELA", "seguridad_alimentaria", "reuniones", "x", "Seminario sobre seguridad alimentaria", "", "SICA"),
        ("SICA", "seguridad_alimentaria", "reuniones", "y", "Seminario sobre seguridad alimentaria", "", "SELA"),
        ("AEC", "transfronteriza", "reuniones", "Transporte", "Participación en el foro “Cooperación transfronteriza”",
         "", ""),
        ("ALADI", "transfronteriza", "reuniones", "Comercio", "Foro “Cooperación transfronteriza”", "", ""),
        ("CAN", "riesgo_desastres", "proyectos", "Alerta", "Sistema andino de alerta temprana de inundaciones", "", ""),
        ("OTCA", "riesgo_desastres", "proyectos", "Alerta", "Sistema amazónico de alerta temprana de inundaciones",
         "", ""),
    ]
    out = duplicates.find_duplicates(_tidy(rows))
    got = {(a, b): r for a, b, r in zip(out["organism_a"], out["organism_b"], out["relation"])}
    assert got[("SELA", "SICA")] == "coordinated"
    assert got[("AEC", "ALADI")] == "joint_event"
    assert got[("CAN", "OTCA")] == "duplicate"
    assert out["relation"].tolist()[0] == "duplicate"  # duplicated work first, coordinated last
    # partner_ids, when the ingest adds it, wins over the free text
    with_ids = _tidy(rows).assign(partner_ids=["", "SELA", "", "", "", ""])
    got = dict(zip(zip(*[duplicates.find_duplicates(with_ids)[c] for c in ("organism_a", "organism_b")]),
                   duplicates.find_duplicates(with_ids)["relation"]))
    assert got[("SELA", "SICA")] != "coordinated"


@pytest.mark.parametrize("split", ["train", "heldout"])
def test_duplicate_candidates_top_k_precision_and_recall(split):
    rows = duplicate_eval(split)
    truth = true_duplicate_pairs(rows)
    assert len(truth) >= 12
    top = top_k_pairs(duplicates.find_duplicates(rows), len(truth))
    precision, recall = precision_recall(set(top), truth)
    assert precision >= 0.7 and recall >= 0.8, (precision, recall)


def _decide(path, answers):
    book = load_workbook(path)
    ws = book.active
    head = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        key = (row[head.index("organismo A")].value, row[head.index("organismo B")].value)
        if key in answers:
            row[head.index("decisión")].value = answers[key]
    book.save(path)


def test_review_loop_keeps_decisions_for_later_rounds(tmp_path):
    rows = ROWS + [("OTCA", "transfronteriza", "proyectos", "Interop", "Interoperabilidad de VUCE amazónicas", "", "")]
    ref = tmp_path / "ref"
    out = duplicates.find_duplicates(_tidy(rows), reference_dir=ref)
    pairs = set(zip(out["organism_a"], out["organism_b"]))
    assert {("CAN", "SICA"), ("CAN", "OTCA"), ("OTCA", "SICA")} <= pairs
    review = write_duplicate_review(out, tmp_path / "mcr_duplicate_review.xlsx")
    ws = load_workbook(review).active
    (dv,) = ws.data_validations.dataValidation
    assert dv.formula1 == '"misma acción,relacionada,distinta"'
    _decide(review, {("CAN", "SICA"): "distinta", ("CAN", "OTCA"): "misma acción"})
    result = apply_duplicate_review(review, ref)
    assert (result.decided, result.undecided) == (2, len(out) - 2)
    # a later round: rows move, names keep their case-folded identity
    later = _tidy([rows[3], rows[2], rows[1], (rows[0][0],) + rows[0][1:4] + ("INTEROPERABILIDAD DE LAS VUCE ANDINAS",)
                   + rows[0][5:]])
    again = duplicates.find_duplicates(later, reference_dir=ref)
    got = dict(zip(zip(again["organism_a"], again["organism_b"]), again["decision"]))
    assert ("CAN", "SICA") not in got and got[("CAN", "OTCA")] == "same"
    _decide(review, {("CAN", "SICA"): "quizá"})
    with pytest.raises(MCRDataError, match=r"decisión must be one of misma acción, relacionada, distinta or "
                       r"empty; found row \d: 'quizá'"):
        apply_duplicate_review(review, ref)


def test_cli_duplicates(tmp_path, capsys):
    tidy = tmp_path / "tidy.csv"
    _tidy(ROWS).assign(round="2024", matrix="", year="", status="", source_sheet="M").to_csv(tidy, index=False)
    out = tmp_path / "out"
    assert cli.main(["duplicates", "--tidy", str(tidy), "--out", str(out), "--reference", str(tmp_path / "r"),
                     "--lang", "en"]) == 0
    assert capsys.readouterr().out.startswith("1 candidate pairs; wrote ")
    assert cli.main(["duplicates", "--tidy", str(tidy), "--out", str(out), "--reference", str(tmp_path / "r")]) == 0
    assert capsys.readouterr().out.startswith("1 pares candidatos; escritos ")
    assert sorted(p.name for p in out.iterdir()) == ["mcr_duplicate_candidates.csv", "mcr_duplicate_review.xlsx"]
    assert cli.main(["duplicates", "apply", "--reference", str(tmp_path / "r")]) == 2
    assert "apply necesita el mcr_duplicate_review.xlsx revisado" in capsys.readouterr().err
    assert cli.main(["duplicates", "apply", "--reference", str(tmp_path / "r"), "--lang", "en"]) == 2
    assert "apply needs the reviewed mcr_duplicate_review.xlsx" in capsys.readouterr().err
    assert cli.main(["duplicates", "apply", str(out / "mcr_duplicate_review.xlsx"),
                     "--reference", str(tmp_path / "r")]) == 0
    assert capsys.readouterr().out.startswith("0 decididas, 1 sin decidir; escrito ")


def test_brief_lists_the_axis_candidates_without_coordinated_work():
    from mcr_analysis import brief

    rows = _tidy([
        ("CAN", "riesgo_desastres", "proyectos", "Alerta", "Sistema andino de alerta temprana de inundaciones",
         "", ""),
        ("OTCA", "riesgo_desastres", "proyectos", "Alerta", "Sistema amazónico de alerta temprana de inundaciones",
         "", ""),
        ("SELA", "riesgo_desastres", "reuniones", "x", "Seminario sobre gestión de riesgo volcánico", "", "SICA"),
        ("SICA", "riesgo_desastres", "reuniones", "y", "Seminario sobre gestión de riesgo volcánico", "", "SELA"),
        ("AEC", "transfronteriza", "proyectos", "z", "Sistema de alerta temprana de inundaciones del Caribe", "", ""),
    ]).assign(round="2024")
    table = brief.brief_tables(rows, "riesgo_desastres")["duplicates"]
    assert list(table.columns) == brief.DUPLICATE_BRIEF_COLUMNS
    # the pairs with one side on the axis; SELA-SICA is coordinated and left out.  The three share
    # sistema, alerta, temprana, inundación (df 3) and differ by one word of df 1 each: the same score,
    # (0.3 + 3) ln 2 / ((0.3 + 3) ln 2 + 2 ln 6), so ties go by organism
    assert [tuple(p) for p in table[["organism_a", "organism_b"]].values] == [("AEC", "CAN"), ("AEC", "OTCA"),
                                                                               ("CAN", "OTCA")]
    expected = 3.3 * math.log(2) / (3.3 * math.log(2) + 2 * math.log(6))
    assert table["score"].tolist() == [round(expected, 3)] * 3
    shown = brief.labelled(table, "es")
    assert list(shown.columns) == ["Organismo A", "Iniciativa A", "Organismo B", "Iniciativa B", "Puntuación",
                                   "Relación sugerida"]
    assert shown["Relación sugerida"].iloc[0] == "relacionada"  # 0.39 < DUPLICATE_SCORE


def test_scores_workbook_gets_a_duplicates_sheet(tmp_path):
    from mcr_analysis import export, scores

    rows = _tidy(ROWS).assign(round="2024")
    tables = scores.score_tables(rows)
    tables["duplicates"] = duplicates.find_duplicates(rows)
    path = export.write_scores_workbook(tables, tmp_path / "s.xlsx")
    book = load_workbook(path)
    ws = book["Posibles duplicaciones"]
    assert [c.value for c in ws[1]][:3] == ["Organismo A", "Eje A", "Criterio A"]
    assert [c.value for c in ws[2]][:2] == ["CAN", "Integración transfronteriza e infraestructura física"]
    assert ws.cell(2, 13).value == "relacionada"
    del tables["duplicates"]
    assert "Posibles duplicaciones" not in load_workbook(export.write_scores_workbook(tables, tmp_path / "t.xlsx")).sheetnames
