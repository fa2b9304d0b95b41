"""The brief's executive summary and display helpers: hand-computed sentences, tables, CSS."""

from __future__ import annotations

import pandas as pd
import pytest
from test_brief import tidy_axis  # noqa: F401  (the fixture)

from mcr_analysis import brief, brief_display, brief_summary
from mcr_analysis.taxonomy import MCRDataError


def test_executive_summary_in_spanish(tidy_axis):  # noqa: F811
    sentences = brief_summary.executive_summary(brief.brief_tables(tidy_axis, "seguridad_alimentaria"), "es")
    assert sentences == [
        # expected CAN, MERCOSUR, SELA, SICA; CAN, SELA and SICA sent; AEC is not expected
        "3 de 4 organismos que la tabla de participación espera en el eje enviaron iniciativas; además, AEC.",
        # 9 rows on the axis; themes alerta temprana, sanidad, disponibilidad, inocuidad; 3 criteria
        "Suman 9 iniciativas sobre 4 temas distintos, en 3 de los 6 criterios.",
        "Un tema lo trabajan dos o más organismos en un mismo criterio: «Alerta temprana», de AEC, CAN y SICA, "
        "en Proyectos (3 organismos).",
        # whole axis: k = 3, 1, 1, 1 over |A| = 3 and |T| = 4: 2 / (2 * 4) = 0.25
        "El índice de convergencia del eje es 0,25: en promedio, cada tema lo trabaja también el 25 % de los "
        "demás organismos activos (sería 1 si todos trabajaran los mismos temas y 0 si no compartieran ninguno).",
        # proyectos: 2 / (2 * 2) = 0.5; politicas: 0 / (1 * 2) = 0; normas: no theme
        "Por criterio, el índice va de 0,00 en Políticas a 0,50 en Proyectos.",
        "En 4 criterios actúa un solo organismo o ninguno: Fortalecimiento institucional / Cursos y "
        "capacitaciones (ninguno), Reuniones y foros (ninguno), Normas (SELA) y Otros (ninguno).",
        "La tabla de participación espera en el eje a MERCOSUR, que no envió iniciativas.",
    ]
    assert 5 <= len(sentences) <= 8


def test_executive_summary_in_english_uses_a_decimal_point(tidy_axis):  # noqa: F811
    sentences = brief_summary.executive_summary(brief.brief_tables(tidy_axis, "seguridad_alimentaria"), "en")
    assert sentences[0] == ("3 of the 4 organisations the participation table expects on the axis sent "
                            "initiatives; so did AEC.")
    assert sentences[3].startswith("The axis' convergence index is 0.25: on average, 25% of the other")
    assert sentences[4] == "By criterion, the index ranges from 0.00 under Policies to 0.50 under Projects."
    assert not any("organism " in s or "organisms" in s for s in sentences)


def test_summary_when_nobody_shares_and_nothing_is_missing():
    from conftest import make_tidy

    tidy = make_tidy([("CAN", "energia_sostenible", "normas", "a"), ("SICA", "energia_sostenible", "normas", "b")])
    sentences = brief_summary.executive_summary(brief.brief_tables(tidy, "energia_sostenible"), "es")
    assert sentences[2] == "Ningún tema lo trabajan dos organismos en un mismo criterio."
    assert sentences[3].startswith("El índice de convergencia del eje es 0,00")
    assert sentences[4] == "Por criterio, el índice sólo se puede calcular en Normas (0,00)."


def test_format_number_and_join():
    assert brief_summary.format_number(1234.5, "es") == "1234,50"
    assert brief_summary.format_number(1234.5, "en") == "1234.50"
    assert brief_summary.format_number(7, "es", 0) == "7"
    assert brief_summary.join_names(["A"], "es") == "A" and brief_summary.join_names([], "en") == ""


def test_table_has_no_index_and_numbers_follow_the_locale():
    frame = pd.DataFrame({"Criterio": ["Normas", "Todos"], "Índice": [0.375, float("nan")], "Temas": [4, 12]},
                         index=[10, 11])
    html = brief_display.table(frame, "es")._repr_html_()
    assert ">10<" not in html and ">11<" not in html  # no DataFrame index
    assert '<td class="text">Normas</td><td class="num">0,38</td><td class="num">4</td>' in html
    assert '<td class="num">—</td>' in html  # undefined index
    assert '<td class="num">0.38</td>' in brief_display.table(frame, "en")._repr_html_()
    assert "mcr-long" not in html  # three columns print as they are
    with pytest.raises(MCRDataError, match="unknown language 'fr'"):
        brief_display.table(frame, "fr")


def test_wide_table_also_prints_long():
    frame = pd.DataFrame({f"c{i}": [f"v{i}"] for i in range(brief_display.MAX_PRINT_COLUMNS + 1)})
    html = brief_display.table(frame, "es")._repr_html_()
    assert 'class="mcr-table mcr-wide"' in html and 'class="mcr-table mcr-long"' in html
    assert '<tr><th scope="row">c0</th><td class="text">v0</td></tr>' in html


def test_print_css_pages_and_headings():
    css = brief_display.print_css()
    assert "@page { size: A4;" in css and "@page { size: letter;" in brief_display.print_css("letter")
    assert "break-after: avoid" in css and "thead { display: table-header-group; }" in css
    with pytest.raises(ValueError, match="unknown paper 'a3'; expected one of: a4, letter"):
        brief_display.print_css("a3")
