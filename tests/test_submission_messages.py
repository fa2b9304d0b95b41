"""The organisms' side of the catalogue (mcr_analysis.messages): texts, Excel limits, localise_reason."""

from __future__ import annotations

import re
import string

import pytest
from fixtures_xlsx import build_workbook

from mcr_analysis import ingest
from mcr_analysis.messages import LANGS, catalogue, localise_reason, msg
from mcr_analysis.taxonomy import MCRDataError


def _names(text: str) -> set[str]:
    return {n for _l, n, _s, _c in string.Formatter().parse(text) if n is not None}


@pytest.mark.parametrize("id_", sorted(catalogue()))
def test_every_message_has_all_three_languages_with_the_same_placeholders(id_):
    texts = catalogue()[id_]
    assert set(texts) == set(LANGS)
    assert all(texts[lang].strip() for lang in LANGS), texts
    assert _names(texts["es"]) == _names(texts["en"]) == _names(texts["pt"])
    kw = {n: "X" for n in _names(texts["es"])}
    for lang in LANGS:
        out = msg(id_, lang, **kw)
        assert "{" not in out and "}" not in out


def test_input_messages_and_alerts_fit_excel_limits():
    # Excel: prompt <= 255 characters, error <= 225, titles <= 32 (with the longest values filled in)
    long_org = "Alianza Bolivariana para los Pueblos de Nuestra América - Tratado de Comercio de los Pueblos"
    for id_ in [i for i in catalogue() if i.startswith("help_")]:
        for lang in LANGS:
            assert len(msg(id_, lang, organism=long_org, lo=1900, hi=2100)) <= 255, (id_, lang)
    for id_ in ("dv_error_list", "dv_error_year", "dv_error_partners"):
        for lang in LANGS:
            assert len(msg(id_, lang, sheet="Instrucciones", lo=1900, hi=2100)) <= 225, (id_, lang)
    for id_ in [i for i in catalogue() if i.startswith("field_")] + ["dv_error_title"]:
        assert all(len(msg(id_, lang)) <= 32 for lang in LANGS)


def test_msg_errors_are_named():
    with pytest.raises(MCRDataError, match=r"unknown language 'fr'; expected one of: es, en, pt"):
        msg("yes", "fr")
    with pytest.raises(MCRDataError, match=r"no message 'nope' in the catalogue"):
        msg("nope")
    with pytest.raises(MCRDataError, match=r"message 'chk_round' needs round"):
        msg("chk_round", "es")


# --- localise_reason: the loader's real reasons -------------------------------------------------------

ENGLISH = re.compile(r"\b(expected|allowed|unknown|missing|invalid|empty|closest|sheet|row|cell|column)\b")


def _real_reasons(tmp_path) -> list[str]:
    """Reasons the loader gives for a file with one mistake of each kind, and for unreadable files."""
    long = [["Organismo", "Eje", "Criterio", "Tema", "Iniciativa", "Año", "Nota interna"],
            ["CAN", "Cadenaz", "Proyectos", "t", "i", 2020, ""],          # unknown axis
            ["CAN", "Energía", "Proyectos", "t", "i", 2020, ""],          # ambiguous axis
            ["CAN", "Cadenas de valor", "Proyectoz", "t", "i", 2020, ""],  # unknown criterion
            ["CAN", "Cadenas de valor", "Normas y políticas", "t", "i", 2020, ""],  # ambiguous criterion
            ["Nadie", "Cadenas de valor", "Proyectos", "t", "i", 2020, ""],  # unknown organism
            ["CAN", "", "Proyectos", "t", "i", 2020, ""],                 # missing axis
            ["CAN", "Cadenas de valor", "", "t", "i", 2020, ""],          # missing criterion
            ["CAN", "Cadenas de valor", "Proyectos", "", "", 2020, ""],   # missing theme and initiative
            ["CAN", "Cadenas de valor", "Proyectos", "t", "i", 3000, ""],  # invalid year
            ["", "", "", "", "", "", "solo una nota"],                     # values only outside read columns
            ["CAN", "Cadenas de valor", "Proyectos", "t", "i", 2020, ""],
            ["CAN", "Cadenas de valor", "Proyectos", "t", "i", 2020, ""]]  # duplicate
    marks = [["Eje", "Tema", "Proyectos", "Normas"], ["Cadenas de valor", "t", "X", "?"],
             ["Cadenas de valor", "u", "", ""]]
    build_workbook(tmp_path / "CAN_a.xlsx", {"Matriz": long, "Marcas": marks, "Notas": [["solo texto"]],
                                             "Sin criterio": [["Eje", "Tema"], ["Cadenas de valor", "t"]]})
    build_workbook(tmp_path / "sin_organismo.xlsx", {"Matriz": [["Eje", "Criterio", "Tema"],
                                                                ["Cadenas de valor", "Proyectos", "t"]]})
    build_workbook(tmp_path / "sin_nombre.xlsx", {"Matriz": [["Organismo", "Eje", "Criterio", "Tema"],
                                                             ["", "Cadenas de valor", "Proyectos", "t"]]})
    build_workbook(tmp_path / "CAN_notas.xlsx", {"Notas": [["solo texto"]]})
    build_workbook(tmp_path / "CAN_b.xlsx", {"Hoja1": [["Criterio", "Tema"], ["Proyectos", "t"]]})
    build_workbook(tmp_path / "CAN_c.xlsx", {"Cadenas de valor": [["Eje", "Criterio"], ["", "Proyectos"]]})
    (tmp_path / "roto.xlsx").write_bytes(b"not a zip")
    (tmp_path / "viejo.xls").write_bytes(b"x")
    (tmp_path / "~$CAN.xlsx").write_bytes(b"x")
    result = ingest.load_submissions(tmp_path)
    return list(result.rejects["reason"]) + [r for r in result.sheets["reason"] if r]


def test_every_reason_the_loader_gives_is_translated(tmp_path):
    reasons = _real_reasons(tmp_path)
    assert len(reasons) >= 21
    untranslated = msg("r_untranslated", "es", reason="")
    for reason in reasons:
        for lang in LANGS:
            out = localise_reason(reason, lang)
            assert not out.startswith(untranslated[:20]), (reason, lang, out)
            if lang != "en":  # no English word outside the parentheses (internal ids, technical detail)
                outside = re.sub(r"\([^()]*\)", "", out)
                assert not ENGLISH.search(outside), (reason, lang, out)


def test_localised_reasons_by_hand():
    reason = ("unknown criterion 'Proyectoz'; closest known: 'Proyecto' (proyectos); allowed ids: "
              "fortalecimiento, reuniones, proyectos, normas, politicas, otros")
    assert localise_reason(reason, "es") == (
        "Criterio desconocido: «Proyectoz»; el más parecido: «Proyectos» (proyectos); valores permitidos: "
        "Fortalecimiento institucional / Cursos y capacitaciones (fortalecimiento), Reuniones y foros "
        "(reuniones), Proyectos (proyectos), Normas (normas), Políticas (politicas), Otros (otros)")
    amb = "ambiguous criterion 'Normas y políticas': could mean normas or politicas; write one of them explicitly"
    assert localise_reason(amb, "pt") == ("Critério ambíguo: «Normas y políticas» pode ser Normas (normas) ou "
                                          "Políticas (politicas); escreva só um")
    dup = "duplicate of row 4 of sheet 'A': same organism, axis, criterion, theme, initiative and details; x"
    assert localise_reason(dup, "es").startswith("Repetida: igual que la fila 4 de la hoja «A» (mismo")
    assert localise_reason("unknown organism \"O'Brien\"; allowed ids: AEC, CAN", "en") == (
        "Unknown organisation: 'O'Brien'; allowed values: AEC, CAN")


def test_unknown_reason_is_kept_and_marked():
    assert localise_reason("something new", "es") == (
        "Problema (texto original del cargador, sin traducir): something new")
    assert localise_reason("something new", "en") == "Problem: something new"


def test_warnings_of_the_ingest_work_are_translated():
    # the wording of the warnings the ingest work (issue 9) adds: localised here ahead of its merge
    status = ("unknown status 'Terminadísimo': status_id left empty; closest allowed value: completed "
              "('Terminado'); allowed: planned, ongoing, completed, cancelled (statuses.tsv lists their wordings)")
    assert localise_reason(status, "es") == (
        "Estado desconocido: «Terminadísimo»; el más parecido: «Finalizado» (completed); valores permitidos: "
        "Planificado (planned), En curso (ongoing), Finalizado (completed), Cancelado (cancelled)")
    assert localise_reason("year range '2020-2022': kept the first year, 2020", "pt") == (
        "Intervalo de anos «2020-2022»: fica o primeiro, 2020")
    assert localise_reason("'s/f' gives no year: the year is left empty", "en") == (
        "'s/f' gives no year: the year is left empty")
    assert localise_reason("'En curso' is not a year (it reads as a status): the year is left empty", "es") == (
        "«En curso» no es un año (parece un estado): el año queda vacío")
    assert localise_reason("date '2021-03-01': kept its year, 2021", "es") == (
        "Fecha «2021-03-01»: se toma su año, 2021")
    assert localise_reason("unknown body 'X': not an organism nor a body of an integration system in bodies.tsv; "
                           "the row stays with its organism and body is left empty", "es").startswith(
        "Órgano desconocido «X»: no es un organismo ni un órgano")
