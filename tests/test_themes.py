"""Tests of theme reconciliation: glossary tables, suggestions, the review loop and the measured quality."""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest
from conftest import make_tidy
from eval_helpers import precision_recall, predicted_theme_pairs, theme_eval, true_theme_pairs
from openpyxl import load_workbook

from mcr_analysis import cli, config, glossary, scores, taxonomy, themes
from mcr_analysis.taxonomy import MCRDataError, normalize_label
from mcr_analysis.themes_review import apply_theme_review, write_theme_review


def _package(name):
    with resources.files("mcr_analysis.data").joinpath(name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


GLOSSARY = _package("glossary.tsv")
ACRONYMS = _package("acronyms.tsv")
STOPWORDS = _package("stopwords.tsv")
G = glossary.package_glossary()


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project root in tmp_path: data/reference is where decisions go and theme_key reads them."""
    monkeypatch.setattr(config, "PROJECT_ROOT", tmp_path)
    return tmp_path / "data" / "reference"


# --- glossary tables, row by row ---------------------------------------------------------------

def test_glossary_has_a_few_hundred_concepts_in_three_languages():
    assert len(GLOSSARY) >= 250
    assert list(GLOSSARY[0]) == glossary.GLOSSARY_COLUMNS
    assert len({r["pivot"] for r in GLOSSARY}) == len(GLOSSARY)


@pytest.mark.parametrize("row", GLOSSARY, ids=[r["pivot"] for r in GLOSSARY])
def test_every_glossary_form_reads_as_its_pivot(row):
    assert 0 < float(row["weight"]) <= 1
    for lang in glossary.LANGS:
        forms = [f for f in row[lang].split("|") if f]
        assert forms, f"{row['pivot']} has no {lang} form"
        for form in forms:
            assert G.analyse(form).pivots == (row["pivot"],), (lang, form)


@pytest.mark.parametrize("row", ACRONYMS, ids=[r["acronym"] for r in ACRONYMS])
def test_every_acronym_reads_as_its_expansion(row):
    assert row["expansion"] and row["note"]
    assert G.analyse(row["acronym"]).pivots == G.analyse(row["expansion"]).pivots != ()


@pytest.mark.parametrize("row", STOPWORDS, ids=[r["word"] for r in STOPWORDS])
def test_every_stop_word_is_dropped(row):
    assert set(row["lang"].split("|")) <= set(glossary.LANGS)
    assert G.analyse(row["word"]).pivots == ()
    assert G.analyse(f"{row['word']} comercio").pivots == ("trade",)


def test_plurals_typos_and_languages_reach_the_same_pivots():
    assert G.analyse("Barreras no arancelarias").pivots == ("barrier", "nontariff")
    assert set(G.analyse("Non-tariff barriers").pivots) == {"barrier", "nontariff"}
    assert G.analyse("Energias renovaveis").pivots == G.analyse("Energías renovables").pivots
    assert G.analyse("Facilitaciòn del comersio").pivots == ("facilitation", "trade")
    assert G.lemma("cuencas") == "cuenca"  # unknown word: plain singular, not a near glossary form


def _write(path: Path, header: list[str], rows: list[list[str]]):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join("\t".join(r) for r in [header] + rows) + "\n", encoding="utf-8")


def test_a_project_extends_the_glossary(tmp_path):
    ref = tmp_path / "ref"
    assert themes.pair_score("Cuenca amazónica", "Amazon basin", glossary.load_glossary(ref))[0] == pytest.approx(1 / 3)
    _write(ref / "glossary.tsv", glossary.GLOSSARY_COLUMNS, [["basin", "cuenca", "basin", "bacia", "1", "water"]])
    assert themes.pair_score("Cuenca amazónica", "Amazon basin", glossary.load_glossary(ref)) == (1.0, "glosario")


def test_project_glossary_errors_are_collected_with_file_and_row(tmp_path):
    ref = tmp_path / "ref"
    _write(ref / "glossary.tsv", glossary.GLOSSARY_COLUMNS,
           [["basin", "cuenca", "", "", "2", "water"], ["Bad Pivot", "x", "", "", "1", ""],
            ["harbour", "puerto", "", "", "1", ""]])
    with pytest.raises(MCRDataError, match=r"glossary.tsv row 2: weight '2' of 'basin'; expected a number in "
                       r"\(0, 1\]; .*row 3: pivot 'Bad Pivot' is not lower-case.*row 4: form 'puerto' \(es\) "
                       r"of 'harbour' already means 'port'"):
        glossary.load_glossary(ref)
    _write(ref / "glossary.tsv", ["pivot", "es"], [["basin", "cuenca"]])
    with pytest.raises(MCRDataError, match=r"columns \['pivot', 'es'\]; expected exactly \['pivot', 'es', 'en'"):
        glossary.load_glossary(ref)


# --- suggestions ---------------------------------------------------------------------------------

def test_scores_by_hand():
    # sistema weighs 0.3: (1 + 1) / (1 + 1 + 0.3)
    assert themes.pair_score("Alerta temprana", "Sistemas de alerta temprana") == (pytest.approx(2 / 2.3),
                                                                                    "similitud")
    assert themes.pair_score("Ventanillas únicas de comercio exterior", "VUCE") == (1.0, "normalizacion")
    # climate and change shared, adaptation and mitigation not: 2 / 4
    assert themes.pair_score("Adaptación al cambio climático", "Mitigación del cambio climático") == (0.5, "similitud")
    assert themes.pair_score("Pasos de frontera", "Border crossings") == (1.0, "glosario")


def test_suggestions_cluster_wordings_and_pick_a_spanish_canonical():
    tidy = make_tidy([
        ("CAN", "transfronteriza", "proyectos", "Pasos de frontera"),
        ("SICA", "transfronteriza", "proyectos", "Pasos fronterizos"),
        ("SICA", "transfronteriza", "normas", "pasos fronterizos"),
        ("MERCOSUR", "transfronteriza", "proyectos", "Border crossings"),
        ("MERCOSUR", "transfronteriza", "proyectos", "Border crossings"),
        ("MERCOSUR", "transfronteriza", "proyectos", "Border crossings"),
        ("AEC", "transfronteriza", "proyectos", "Turismo"),
        ("AEC", "transfronteriza", "proyectos", "Seguridad alimentaria"),
        ("SELA", "transfronteriza", "proyectos", "Seguridad energética"),
    ])
    s = themes.suggest_themes(tidy)
    assert list(s.columns) == themes.SUGGESTION_COLUMNS
    # English has the most rows, but the canonical is the Spanish wording with the most rows
    assert s[["cluster", "theme", "organisms", "n_rows", "suggested_canonical"]].values.tolist() == [
        [1, "Pasos fronterizos", "SICA", 2, "Pasos fronterizos"],
        [1, "Border crossings", "MERCOSUR", 3, "Pasos fronterizos"],
        [1, "Pasos de frontera", "CAN", 1, "Pasos fronterizos"],
    ]
    assert s.loc[0, "variants"] == "Pasos fronterizos | pasos fronterizos"
    with pytest.raises(MCRDataError, match=r"threshold 0: expected a number in \(0, 1\]"):
        themes.suggest_themes(tidy, threshold=0)
    with pytest.raises(MCRDataError, match=r"tidy table lacks columns \['theme'\]"):
        themes.suggest_themes(tidy.drop(columns="theme"))


def test_blocking_indexes_prefixes_by_hand():
    an = [G.analyse(t) for t in ["Comercio", "Trade", "Comercio sin papel", "Turismo", "Sistema regional",
                                 "Papel"]]
    # "Comercio sin papel" = {trade (used by 3), paperless (1)}: weight 2, bound 0.6 * 2 = 1.2; its prefix is
    # paperless only (1 left after it < 1.2), so it meets no other theme; "Comercio" and "Trade" meet on trade;
    # "Papel" is paper, not paperless
    assert themes.candidate_pairs(an, G, 0.6) == {(0, 1)}
    assert themes.candidate_pairs(an, G, 0.4) == {(0, 1), (0, 2), (1, 2)}


@pytest.mark.parametrize("threshold", [0.4, 0.6, 0.8])
def test_blocking_loses_no_pair_that_reaches_the_threshold(threshold):
    from itertools import combinations

    labels = sorted(set(theme_eval("train")["theme"]) | set(theme_eval("heldout")["theme"]))
    an = [G.analyse(t) for t in labels]
    prints = [themes._fingerprint(t) for t in labels]
    brute = {(i, j) for i, j in combinations(range(len(labels)), 2)
             if themes._score(prints[i], prints[j], an[i], an[j], G)[0] >= threshold
             and set(an[i].pivots) & set(an[j].pivots)}
    blocked = themes.candidate_pairs(an, G, threshold)
    assert brute and brute <= blocked
    assert len(blocked) < len(labels) * (len(labels) - 1) / 2 / 10


# --- measured quality ------------------------------------------------------------------------------

@pytest.mark.parametrize("split, min_precision, min_recall", [("train", 0.95, 0.95), ("heldout", 0.8, 0.9)])
def test_theme_suggestions_precision_and_recall(split, min_precision, min_recall):
    rows = theme_eval(split)
    truth = true_theme_pairs(rows)
    assert len(truth) > 60
    precision, recall = precision_recall(predicted_theme_pairs(themes.suggest_themes(rows)), truth)
    assert precision >= min_precision and recall >= min_recall, (precision, recall)


def test_string_similarity_alone_does_not_bridge_languages():
    from rapidfuzz import fuzz

    assert fuzz.token_set_ratio(normalize_label("Facilitación del comercio"), "trade facilitation") < 60
    assert themes.pair_score("Facilitación del comercio", "Trade facilitation")[0] == 1.0


# --- review loop ---------------------------------------------------------------------------------

def _fill(path: Path, answers: dict[str, tuple[str, str | None]]):
    """Set aceptar (and canonical when given) of the rows whose tema is a key of ``answers``."""
    book = load_workbook(path)
    ws = book.active
    head = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        theme = row[head.index("tema")].value
        if theme in answers:
            accept, canonical = answers[theme]
            row[head.index("aceptar")].value = accept
            if canonical is not None:
                row[head.index("canónico")].value = canonical
    book.save(path)


CELL = [
    ("CAN", "transfronteriza", "proyectos", "Pasos de frontera"),
    ("CAN", "transfronteriza", "proyectos", "Facilitación del comercio"),
    ("SICA", "transfronteriza", "proyectos", "Pasos fronterizos"),
    ("SICA", "transfronteriza", "proyectos", "Facilitación del comercio"),
    ("MERCOSUR", "transfronteriza", "normas", "Adaptación al cambio climático"),
    ("MERCOSUR", "transfronteriza", "normas", "Adaptación climática"),
]


def _ci(tidy):
    t = scores.convergence_table(tidy)
    return float(t.loc[(t["axis"] == "transfronteriza") & (t["criterion"] == "proyectos"),
                       "convergence_index"].iloc[0])


def test_accepting_a_review_raises_the_cell_convergence_as_computed_by_hand(project, tmp_path):
    tidy = make_tidy(CELL)
    # T = {pasos de frontera, pasos fronterizos, facilitacion}: k = 1, 1, 2 -> (0 + 0 + 1) / (1 * 3)
    assert _ci(tidy) == pytest.approx(1 / 3)
    s = themes.suggest_themes(tidy, reference_dir=project)
    assert sorted(s["theme"]) == ["Adaptación al cambio climático", "Adaptación climática",
                                  "Pasos de frontera", "Pasos fronterizos"]
    review = write_theme_review(s, tmp_path / "out" / "mcr_theme_review.xlsx")
    assert [p.name for p in review.parent.iterdir()] == ["mcr_theme_review.xlsx"]  # no temp file left
    _fill(review, {"Pasos fronterizos": ("sí", None), "Pasos de frontera": ("sí", None),
                   "Adaptación al cambio climático": ("no", None)})
    result = apply_theme_review(review, project, today=pd.Timestamp("2026-12-01").date())
    assert (result.accepted, result.refused, result.undecided) == (2, 1, 1)
    assert (project / "theme_synonyms.tsv").read_text(encoding="utf-8") == (
        "variant\tcanonical\tdate\tnote\nPasos fronterizos\tPasos de frontera\t2026-12-01\tmcr themes apply\n")
    assert (project / "theme_refusals.tsv").read_text(encoding="utf-8").splitlines()[1] == (
        "Adaptación al cambio climático\tAdaptación climática\t2026-12-01\tmcr themes apply")
    # T = {pasos de frontera, facilitacion}: k = 2, 2 -> (1 + 1) / (1 * 2)
    assert taxonomy.theme_key("Pasos fronterizos") == "pasos de frontera"
    assert _ci(tidy) == pytest.approx(1.0)
    assert tidy["theme"].tolist()[2] == "Pasos fronterizos"  # the submitted wording stays
    shared = scores.shared_themes_table(tidy)
    pasos = shared[(shared["criterion"] == "proyectos") & (shared["theme"] == "Pasos de frontera")]
    assert pasos["initiatives"].iloc[0] == ("CAN: CAN Pasos de frontera (2024/CAN.xlsx:2) | "
                                            "SICA: SICA Pasos fronterizos «Pasos fronterizos» (2024/SICA.xlsx:4)")
    # next round: nothing is suggested again (one merged, one refused)
    assert themes.suggest_themes(tidy, reference_dir=project).empty


def test_an_edited_canonical_and_a_later_reversal(project, tmp_path):
    tidy = make_tidy(CELL)
    review = write_theme_review(themes.suggest_themes(tidy, reference_dir=project), tmp_path / "r.xlsx")
    _fill(review, {"Adaptación climática": ("sí", "Adaptación al cambio climático (ACC)"),
                   "Adaptación al cambio climático": ("sí", "Adaptación al cambio climático (ACC)")})
    apply_theme_review(review, project)
    assert taxonomy.theme_key("Adaptación climática") == taxonomy.theme_key("adaptación al cambio climático (acc)")
    _fill(review, {"Adaptación al cambio climático": ("no", None), "Adaptación climática": ("", None)})
    apply_theme_review(review, project)
    assert taxonomy.theme_key("Adaptación al cambio climático") == "adaptacion al cambio climatico"
    syn = pd.read_csv(project / "theme_synonyms.tsv", sep="\t")
    assert syn["variant"].tolist() == ["Adaptación climática"]  # the earlier decision on it stays
    ref = pd.read_csv(project / "theme_refusals.tsv", sep="\t")
    assert ref[["variant", "canonical"]].values.tolist() == [["Adaptación al cambio climático", "Adaptación climática"]]


def test_review_workbook_has_spanish_headers_a_dropdown_and_neutralised_text(tmp_path):
    tidy = make_tidy([("CAN", "transfronteriza", "proyectos", "=Pasos de frontera"),
                      ("SICA", "transfronteriza", "proyectos", "Pasos fronterizos")])
    path = write_theme_review(themes.suggest_themes(tidy), tmp_path / "r.xlsx")
    ws = load_workbook(path).active
    assert [c.value for c in ws[1]] == ["grupo", "tema", "formas enviadas", "organismos", "filas", "método",
                                        "puntuación", "canónico sugerido", "aceptar", "canónico", "nota"]
    assert ws["B2"].value == "Pasos fronterizos" and ws["B3"].value == "'=Pasos de frontera"
    (dv,) = ws.data_validations.dataValidation
    assert dv.formula1 == '"sí,no"' and str(dv.sqref) == "I2:I3"


def test_apply_rejects_bad_answers_and_empty_canonicals(project, tmp_path):
    tidy = make_tidy(CELL)
    review = write_theme_review(themes.suggest_themes(tidy), tmp_path / "r.xlsx")
    _fill(review, {"Pasos fronterizos": ("tal vez", None)})
    with pytest.raises(MCRDataError, match=r"aceptar must be 'sí', 'no' or empty; found row \d: 'tal vez'"):
        apply_theme_review(review, project)
    _fill(review, {"Pasos fronterizos": ("sí", "")})
    with pytest.raises(MCRDataError, match=r"accepted rows with an empty canonical: row \d \('Pasos fronterizos'\)"):
        apply_theme_review(review, project)
    assert not project.exists()


def test_cli_themes_suggest_and_apply(project, tmp_path, capsys):
    tidy_path = tmp_path / "tidy.csv"
    make_tidy(CELL).to_csv(tidy_path, index=False)
    out = tmp_path / "out"
    assert cli.main(["themes", "suggest", "--tidy", str(tidy_path), "--out", str(tmp_path / "en"), "--lang", "en"]) == 0
    assert capsys.readouterr().out.startswith("2 clusters of 4 themes; wrote ")
    assert cli.main(["themes", "suggest", "--tidy", str(tidy_path), "--out", str(out)]) == 0
    assert capsys.readouterr().out.startswith("2 grupos de 4 temas; escritos ")
    csv_ = pd.read_csv(out / "mcr_theme_suggestions.csv")
    assert csv_["theme"].tolist() == ["Adaptación climática", "Adaptación al cambio climático",
                                      "Pasos de frontera", "Pasos fronterizos"]
    _fill(out / "mcr_theme_review.xlsx", {"Pasos fronterizos": ("sí", None)})
    assert cli.main(["themes", "apply", str(out / "mcr_theme_review.xlsx"), "--lang", "en"]) == 0
    assert capsys.readouterr().out.startswith("1 accepted, 0 refused, 3 undecided; wrote ")
    assert cli.main(["themes", "apply", str(out / "mcr_theme_review.xlsx")]) == 0
    assert capsys.readouterr().out.startswith("1 aceptados, 0 rechazados, 3 sin decidir; escritos ")
    assert (project / "theme_synonyms.tsv").is_file()
    assert cli.main(["themes", "apply", str(tmp_path / "nope.xlsx"), "--lang", "en"]) == 2
    assert "nope.xlsx does not exist; expected the reviewed mcr_theme_review.xlsx" in capsys.readouterr().err
    assert cli.main(["themes", "apply", str(tmp_path / "nope.xlsx")]) == 2
    assert "nope.xlsx no existe; se esperaba el mcr_theme_review.xlsx revisado" in capsys.readouterr().err
    assert cli.main(["themes", "suggest", "--tidy", str(tidy_path), "--threshold", "1.5", "--lang", "en"]) == 2
    assert "--threshold 1.5: expected a number in (0, 1]" in capsys.readouterr().err
    assert cli.main(["themes", "suggest", "--tidy", str(tidy_path), "--threshold", "1.5"]) == 2
    assert "--threshold 1.5: se esperaba un número en (0, 1]" in capsys.readouterr().err
    (tmp_path / "bad.xlsx").write_text("not a workbook")
    assert cli.main(["themes", "apply", str(tmp_path / "bad.xlsx"), "--lang", "en"]) == 1
    assert "bad.xlsx: Not a readable workbook; expected an .xlsx saved by Excel or LibreOffice" in (
        capsys.readouterr().err)
    assert cli.main(["themes", "apply", str(tmp_path / "bad.xlsx")]) == 1
    assert "mcr themes: error: bad.xlsx: No es un libro legible; se espera un .xlsx" in capsys.readouterr().err


def test_project_synonyms_chain_into_the_package_table_and_are_checked(project):
    project.mkdir(parents=True)
    (project / "theme_synonyms.tsv").write_text(
        "variant\tcanonical\tdate\tnote\nInteroperabilidad de VUCE\tVUCE\t2026-12-01\t\n", encoding="utf-8")
    # project: -> "vuce"; package: "vuce" -> "ventanillas unicas de comercio exterior"
    assert taxonomy.theme_key("Interoperabilidad de VUCE") == "ventanillas unicas de comercio exterior"
    (project / "theme_synonyms.tsv").write_text("variante\tcanonico\nx\ty\n", encoding="utf-8")
    with pytest.raises(MCRDataError, match=r"theme_synonyms.tsv: lacks columns \['canonical', 'variant'\]; "
                       r"expected variant, canonical, date, note"):
        taxonomy.theme_key("x")
    (project / "theme_synonyms.tsv").write_text("variant\tcanonical\tdate\tnote\n-\ty\t\t\n", encoding="utf-8")
    with pytest.raises(MCRDataError, match=r"row 2: empty variant or canonical \('-' -> 'y'\)"):
        taxonomy.theme_key("x")


def test_refusing_the_canonical_row_keeps_it_apart_from_its_group(project, tmp_path):
    tidy = make_tidy(CELL)
    review = write_theme_review(themes.suggest_themes(tidy, reference_dir=project), tmp_path / "r.xlsx")
    # "Adaptación climática" is its group's canonical (Spanish, one row each, the shorter)
    _fill(review, {"Adaptación climática": ("no", None)})
    result = apply_theme_review(review, project, today=pd.Timestamp("2026-12-01").date())
    assert (result.accepted, result.refused) == (0, 1)
    ref = pd.read_csv(project / "theme_refusals.tsv", sep="\t")
    assert ref[["variant", "canonical"]].values.tolist() == [["Adaptación climática", "Adaptación al cambio climático"]]
    assert sorted(themes.suggest_themes(tidy, reference_dir=project)["theme"]) == ["Pasos de frontera",
                                                                                  "Pasos fronterizos"]
