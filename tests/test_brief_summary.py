"""The brief's executive summary (mcr_analysis.brief_summary): hand-computed sentences and numbers."""

from __future__ import annotations

from test_brief import tidy_axis  # noqa: F401  (the fixture)

from mcr_analysis import brief, brief_summary


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


def test_join_names():
    assert brief_summary.join_names(["CAN", "SICA", "SELA"], "es") == "CAN, SICA y SELA"
    assert brief_summary.join_names(["CAN", "SICA"], "en") == "CAN and SICA"
    assert brief_summary.join_names(["A"], "es") == "A" and brief_summary.join_names([], "en") == ""
