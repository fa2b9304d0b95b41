"""Table-driven tests of the controlled vocabulary (mcr_analysis/data/*.tsv)."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from mcr_analysis import taxonomy as tx

DATA = Path(__file__).parent / "data"
VOCABS = {"organism": tx.organisms, "axis": tx.axes, "criterion": tx.criteria}


PACKAGE_DATA = Path(tx.__file__).parent / "data"


def _rows(name: str, folder: Path = DATA) -> list[dict]:
    with open(folder / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def _canonical_labels():
    for kind, vocab in VOCABS.items():
        table = vocab().table
        for _, row in table.iterrows():
            for col in ("id", "label_es", "label_en", "label_pt"):
                yield kind, row["id"], row[col]
            for alias in filter(None, row.get("aliases", "").split("|")):
                yield kind, row["id"], alias


@pytest.mark.parametrize(("kind", "expected", "label"), list(_canonical_labels()))
def test_every_canonical_label_matches_its_own_entry_and_no_other(kind, expected, label):
    vocab = VOCABS[kind]()
    assert vocab.match(label).id == expected
    # ... and no other vocabulary claims it (an organism name is never an axis).
    for other_kind, other in VOCABS.items():
        if other_kind != kind:
            assert other().match(label).id is None, (other_kind, label)


def test_canonical_labels_are_distinct_within_each_vocabulary():
    for kind, vocab in VOCABS.items():
        folded = [tx.normalize_label(label) for _, _, label in _canonical_labels() if _ == kind]
        ids = [id_ for k, id_, _ in _canonical_labels() if k == kind]
        owner: dict[str, str] = {}
        for key, id_ in zip(folded, ids):
            assert owner.setdefault(key, id_) == id_, f"{kind}: {key!r} claimed by {owner[key]} and {id_}"


@pytest.mark.parametrize("row", _rows("axis_aliases.tsv", PACKAGE_DATA), ids=lambda r: r["alias"])
def test_every_axis_alias_row_matches_its_axis_or_is_ambiguous(row):
    match = tx.axes().match(row["alias"])
    ids = row["axis"].split("|")
    if len(ids) == 1:
        assert match.id == ids[0]
        assert match.matrix == row["matrix"]
    else:
        assert match.id is None
        assert match.reason.startswith("ambiguous axis")
        for id_ in ids:
            assert id_ in match.reason


@pytest.mark.parametrize("row", _rows("tricky_labels.tsv"), ids=lambda r: f"{r['vocabulary']}:{r['label']}")
def test_tricky_spellings_map_to_the_right_id(row):
    match = VOCABS[row["vocabulary"]]().match(row["label"])
    assert match.id == row["expected"], match.reason
    if row["vocabulary"] == "axis":
        assert match.matrix == row["expected_matrix"]


@pytest.mark.parametrize("row", _rows("no_match.tsv"), ids=lambda r: f"{r['vocabulary']}:{r['label']!r}")
def test_labels_that_must_match_nothing(row):
    vocab = VOCABS[row["vocabulary"]]()
    match = vocab.match(row["label"])
    assert match.id is None
    assert match.reason.startswith(f"{row['reason']} {row['vocabulary']}")
    with pytest.raises(tx.MCRDataError, match=row["reason"]):
        vocab.lookup(row["label"])


def test_unknown_label_suggests_the_closest_known_label():
    match = tx.organisms().match("Comunidad Andna")
    assert match.id is None
    assert "closest known: 'Comunidad Andina' (CAN)" in match.reason
    assert "allowed ids: AEC, ALADI" in match.reason
    with pytest.raises(tx.MCRDataError, match=r"unknown criterion 'Proyectso'; closest known: 'Proyectos?' \(proyectos\)"):
        tx.criteria().lookup("Proyectso")


def test_normalize_label_ignores_case_accents_punctuation_spacing():
    assert tx.normalize_label("  Reducción del Riesgo-de  DESASTRES. ") == "reduccion del riesgo de desastres"
    assert tx.normalize_label(None) == ""
    assert tx.normalize_label(float("nan")) == ""
    assert tx.normalize_label(2024) == "2024"


def test_theme_key_identity_and_synonyms():
    assert tx.theme_key("Facilitación del comercio") == tx.theme_key("facilitacion  del COMERCIO")
    assert tx.theme_key("Pasos de frontera") != tx.theme_key("Pasos fronterizos")
    for _, row in pd.read_csv(PACKAGE_DATA / "theme_synonyms.tsv", sep="\t").iterrows():
        assert tx.theme_key(row["variant"]) == tx.theme_key(row["canonical"])


def test_six_axes_and_six_criteria_in_the_books_order():
    assert tx.axes().ids == [
        "cadenas_valor", "riesgo_desastres", "transfronteriza",
        "energia_sostenible", "interconexion_electrica", "seguridad_alimentaria",
    ]
    assert tx.criteria().ids == ["fortalecimiento", "reuniones", "proyectos", "normas", "politicas", "otros"]
    assert tx.axis_label("transfronteriza") == "Integración transfronteriza e infraestructura física"
    assert tx.axis_label("seguridad_alimentaria", "en") == "Food security"
    assert tx.criterion_label("reuniones") == "Reuniones y foros"
    assert tx.criterion_label("*", "en") == "All criteria"


def test_organisms_of_the_issue_are_all_there_with_both_languages():
    expected = {"AEC", "ALADI", "ALBA-TCP", "AP", "CAF", "CAN", "CARICOM", "CELAC", "FAO",
                "MERCOSUR", "OLADE", "OTCA", "SELA", "SICA"}
    table = tx.organisms().table
    assert set(table["id"]) == expected
    assert (table["label_es"] != "").all() and (table["label_en"] != "").all()
    assert tx.organism_label("OTCA", "en") == "Amazon Cooperation Treaty Organization"


def test_participation_table_is_the_books():
    p = tx.participation()
    # 9 matrices; 4+4+5+5+4+4+5+4+5 = 40 (matrix, organism) rows.
    assert p["matrix"].nunique() == 9
    assert len(p) == 4 + 4 + 5 + 5 + 4 + 4 + 5 + 4 + 5
    by_axis = p.groupby("axis")["organism"].apply(lambda s: sorted(set(s))).to_dict()
    assert by_axis["transfronteriza"] == ["AEC", "ALADI", "CAN", "MERCOSUR", "SELA", "SICA"]
    assert by_axis["energia_sostenible"] == ["MERCOSUR", "OTCA", "SELA", "SICA"]
    assert by_axis["cadenas_valor"] == ["ALADI", "CAN", "MERCOSUR", "SELA", "SICA"]
    # Every matrix name is itself an alias that maps to its axis and matrix.
    for matrix, axis in p[["matrix", "axis"]].drop_duplicates().itertuples(index=False):
        assert tx.axes().match(matrix) == tx.Match(axis, matrix, "")


def test_appendix_list_is_the_books_30_cells_in_order():
    cells = tx.appendix_cells()
    # 6 + 6 + 5 + 4 + 5 + 4 diagrams per axis, as in the book's appendix.
    assert len(cells) == 6 + 6 + 5 + 4 + 5 + 4 == 30
    assert list(cells["number"]) == list(range(1, 31))
    counts = cells.groupby("axis", sort=False).size()
    assert list(counts.index) == tx.axes().ids
    assert list(counts) == [6, 6, 5, 4, 5, 4]
    order = {c: i for i, c in enumerate(tx.criteria().ids)}
    for _, group in cells.groupby("axis"):
        ranks = [order[c] for c in group["criterion"]]
        assert ranks == sorted(ranks)
    # The book's own titles name the axis and the criterion of each row.
    for _, row in cells.iterrows():
        title = tx.normalize_label(row["book_title"])
        assert tx.normalize_label(tx.criterion_label(row["criterion"]).split("/")[0]) in title or \
            tx.normalize_label("Foros y reuniones") in title


def test_palette_has_a_distinct_colour_per_organism():
    pal = tx.palette()
    assert set(pal) == set(tx.organisms().ids)
    assert len(set(pal.values())) == len(pal)
    assert all(c.startswith("#") and len(c) == 7 for c in pal.values())


def test_texts_exist_in_both_languages_and_errors_name_the_problem():
    assert tx.text("source_line").startswith("Fuente: elaboración propia")
    with pytest.raises(tx.MCRDataError, match="unknown language 'fr'; allowed: es, en"):
        tx.text("source_line", "fr")
    with pytest.raises(tx.MCRDataError, match="unknown text key 'nope'"):
        tx.text("nope")
    with pytest.raises(tx.MCRDataError, match="unknown axis id 'x'"):
        tx.axis_label("x")


def test_duplicate_keys_in_a_package_table_are_refused(monkeypatch, tmp_path):
    class _Fake:
        def joinpath(self, name):
            path = tmp_path / name
            path.write_text("id\tlabel_es\nA\tx\nA\ty\n", encoding="utf-8")
            return path

    monkeypatch.setattr(tx.resources, "files", lambda _pkg: _Fake())
    with pytest.raises(tx.MCRDataError, match=r"dup.tsv: key 'id' is not unique"):
        tx._read_tsv("dup.tsv", "id")


# --- Portuguese labels, statuses, bodies (ingest v2) ------------------------------------------------

@pytest.mark.parametrize("kind", list(VOCABS))
def test_every_entry_has_a_portuguese_label(kind):
    table = VOCABS[kind]().table
    assert (table["label_pt"].str.strip() != "").all()
    first = table["id"].iloc[0]
    assert VOCABS[kind]().label(first, "pt") == table["label_pt"].iloc[0]


def test_portuguese_labels_of_the_book_axes_and_criteria():
    assert tx.axis_label("seguridad_alimentaria", "pt") == "Segurança alimentar"
    assert tx.criterion_label("proyectos", "pt") == "Projetos"
    assert tx.organism_label("MERCOSUR", "pt") == "Mercado Comum do Sul"
    assert tx.axes().match("Segurança alimentar e nutricional").matrix == "Seguridad alimentaria y nutricional"
    with pytest.raises(tx.MCRDataError, match=r"unknown language 'fr' for axis labels; allowed: es, en, pt"):
        tx.axis_label("cadenas_valor", "fr")
    with pytest.raises(tx.MCRDataError, match=r"unknown language 'pt'; allowed: es, en"):
        tx.text("source_line", "pt")  # user-facing texts stay in Spanish and English


def test_package_tables_are_checked_by_schema():
    with pytest.raises(tx.MCRDataError, match=r"package table axes.tsv: columns \['id', 'order', 'label_es', "
                                              r"'label_en', 'label_pt'\]; expected exactly \['id', 'label'\]"):
        tx._read_tsv("axes.tsv", "id", ["id", "label"])


@pytest.mark.parametrize("row", _rows("statuses.tsv", PACKAGE_DATA), ids=lambda r: r["id"])
def test_every_status_row_names_itself_in_three_languages(row):
    vocab = tx.statuses()
    for col in ("id", "label_es", "label_en", "label_pt"):
        assert vocab.match(row[col]).id == row["id"]
    assert vocab.label(row["id"], "pt") == row["label_pt"]
    assert tx.organisms().match(row["label_es"]).id is None


def _body_labels():
    for row in _rows("bodies.tsv", PACKAGE_DATA):
        for col in ("id", "label_es", "label_en"):
            yield row, row[col]
        for alias in filter(None, row["aliases"].split("|")):
            yield row, alias


@pytest.mark.parametrize(("row", "label"), list(_body_labels()), ids=lambda x: x if isinstance(x, str) else x["id"])
def test_every_body_label_names_its_body_and_its_system(row, label):
    bodies = tx.bodies()
    assert bodies.match(label).id == row["id"]
    assert bodies.system(row["id"]) == row["system"] in tx.organisms().ids
    # a body's name that is also an organism's name names the body's own system
    assert tx.organisms().find(label) in (None, row["system"])
    assert row["source"].startswith("public knowledge")


def test_bodies_cover_the_integration_systems_named_by_the_issue():
    systems = {b: tx.bodies().system(b) for b in tx.bodies().ids}
    for body in ("SG-SICA", "CEPREDENAC", "CRIE", "EOR", "EPR", "CDMER", "CENPROMYPE", "SIECA", "COMMCA"):
        assert systems[body] == "SICA"
    assert systems["SGCAN"] == systems["TJCA"] == systems["PARLAMENTO-ANDINO"] == "CAN"
    assert systems["FOCEM"] == systems["IPPDH"] == systems["ISM"] == "MERCOSUR"
    assert systems["CDEMA"] == systems["CARPHA"] == systems["CCREEE"] == "CARICOM"
    with pytest.raises(tx.MCRDataError, match=r"unknown body id 'XYZ'"):
        tx.bodies().system("XYZ")


def test_find_is_match_without_the_search_for_the_closest():
    assert tx.organisms().find("la Comunidad Andina") == "CAN"
    assert tx.criteria().find("Normas y políticas") is None  # ambiguous
    assert tx.axes().find("Cadenas de balor") is None


def test_mentions_needs_capitals_for_short_acronyms():
    assert tx.mentions("Secretaria do MERCOSUL", tx.organisms()) == {"MERCOSUR"}
    assert tx.mentions("we can", tx.organisms()) == set()
    assert tx.mentions("we can", tx.organisms(), strict_acronyms=False) == {"CAN"}


def test_moved_vocabularies_keep_taxonomy_as_their_public_path():
    from mcr_analysis import initiative_vocab, taxonomy, theme_identity

    for name in ("statuses", "bodies", "mentions", "STATUS_IDS", "BODY_COLUMNS"):
        assert getattr(taxonomy, name) is getattr(initiative_vocab, name), name
    for name in ("theme_key", "project_synonyms"):
        assert getattr(taxonomy, name) is getattr(theme_identity, name), name
    assert set(initiative_vocab.__all__) | set(theme_identity.__all__) == set(taxonomy._MOVED)
    with pytest.raises(AttributeError, match="module 'mcr_analysis.taxonomy' has no attribute 'statuse'"):
        taxonomy.statuse  # noqa: B018
