"""Acceptance: a folder of submissions in focal points' habits the fixtures do not use, read exactly.

Written by the lead as a held-out check of the ingest (issue 9) and kept as a regression test: an
English two-row merged header, one sheet per axis with bold criterion headings and a hidden list
sheet, a UTF-8 CSV with a BOM and quoted commas, a mark matrix naming SICA bodies, a consolidated file
with no sender, Portuguese headers with line breaks and colons, years written as ranges and in words,
a totals row, "Proyectos y Normas" and a ";"-list of themes.  Each expected row is written by hand.
"""

from __future__ import annotations

import csv

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from mcr_analysis import ingest


def _build(out):
    out.mkdir(parents=True)
    EXPECTED, UNREAD = [], []

    def exp(org, axis, crit, theme, ini, year=None):
        EXPECTED.append((org, axis, crit, theme, ini, year))

    # 1. ACS in English, two-row header (merged group header above), file name in English
    wb = Workbook(); ws = wb.active; ws.title = "MCR"
    ws.append(["Association of Caribbean States — Regional Convergence Matrix 2025"])
    ws.append(["Classification", None, "Content", None, None, "Follow-up", None])
    ws.merge_cells("A2:B2"); ws.merge_cells("C2:E2"); ws.merge_cells("F2:G2")
    ws.append(["Thematic axis", "Type of action", "Topic", "Programme name", "Description", "Start year", "Status"])
    ws.append(["Disaster risk reduction", "Projects", "Early warning", "Caribbean early warning network", "", 2024, "Ongoing"])
    exp("AEC", "riesgo_desastres", "proyectos", "Early warning", "Caribbean early warning network", 2024)
    ws.append(["Sustainable energy", "Meetings and forums", "Renewable energy", "ACS energy forum", "Annual", 2023, "Completed"])
    exp("AEC", "energia_sostenible", "reuniones", "Renewable energy", "ACS energy forum", 2023)
    wb.save(out / "Association of Caribbean States - MCR 2025.xlsx")

    # 2. ALBA-TCP: one sheet per axis named by the axis, criterion by bold section headings,
    #    blank rows between blocks, an instructions sheet, a hidden drop-down list sheet
    wb = Workbook(); ws = wb.active; ws.title = "Instrucciones"
    ws.append(["Complete una fila por iniciativa. No modifique los encabezados."])
    ws = wb.create_sheet("Energía sostenible")
    ws.append(["Organismo: ALBA-TCP"])
    ws.append(["Tema", "Iniciativa", "Año"])
    ws.append(["PROYECTOS"]); ws["A3"].font = Font(bold=True)
    ws.append(["Energía solar", "Petrocaribe solar", 2022])
    exp("ALBA-TCP", "energia_sostenible", "proyectos", "Energía solar", "Petrocaribe solar", 2022)
    ws.append([])
    ws.append(["NORMAS"]); ws["A6"].font = Font(bold=True)
    ws.append(["Eficiencia energética", "Acuerdo de eficiencia", 2021])
    exp("ALBA-TCP", "energia_sostenible", "normas", "Eficiencia energética", "Acuerdo de eficiencia", 2021)
    ls = wb.create_sheet("Listas")
    for v in ["Proyectos", "Normas", "Políticas"]:
        ls.append([v])
    ls.sheet_state = "hidden"
    wb.save(out / "ALBA-TCP 2025.xlsx")

    # 3. CARICOM: CSV UTF-8 with BOM, comma, quoted commas, English headers
    with open(out / "caricom.csv", "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Organisation", "Axis", "Criteria", "Theme", "Initiative", "Year", "Partners"])
        w.writerow(["CARICOM", "Food security", "Policies", "Food import bill", "Reduce the food import bill, 25% by 2025", "2020", "FAO, CAF"])
        w.writerow(["CARICOM", "Food security", "Projects", "Agricultural insurance", "Regional crop insurance", "2023", ""])
    exp("CARICOM", "seguridad_alimentaria", "politicas", "Food import bill", "Reduce the food import bill, 25% by 2025", 2020)
    exp("CARICOM", "seguridad_alimentaria", "proyectos", "Agricultural insurance", "Regional crop insurance", 2023)

    # 4. SICA: mark matrix (criteria as columns with X), Institución column with bodies, notes column
    wb = Workbook(); ws = wb.active; ws.title = "Matriz SICA"
    ws.append(["Organismo:", "SICA"])
    ws.append([])
    ws.append(["Eje", "Tema", "Iniciativa", "Institución", "Proyectos", "Normas", "Políticas", "Comentarios"])
    ws.append(["Riesgo de desastres", "Gestión integral del riesgo", "PCGIR", "CEPREDENAC", "", "", "X", "vigente"])
    exp("SICA", "riesgo_desastres", "politicas", "Gestión integral del riesgo", "PCGIR")
    ws.append(["Interconexión eléctrica", "Mercado eléctrico regional", "SIEPAC", "EOR", "x", "X", "", ""])
    exp("SICA", "interconexion_electrica", "proyectos", "Mercado eléctrico regional", "SIEPAC")
    exp("SICA", "interconexion_electrica", "normas", "Mercado eléctrico regional", "SIEPAC")
    UNREAD.append(("SICA_2025.xlsx", "Comentarios"))
    wb.save(out / "SICA_2025.xlsx")

    # 5. SELA consolidated file with no declared sender: organism per row
    wb = Workbook(); ws = wb.active; ws.title = "Consolidado"
    ws.append(["Organismo", "Eje", "Criterio", "Tema", "Iniciativa", "Año"])
    ws.append(["CAN", "Integración transfronteriza", "Normas", "Pasos de frontera", "Decisión 502", 2001])
    ws.append(["Comunidad Andina", "Seguridad alimentaria", "Proyectos", "Sanidad", "Red andina", 2019])
    ws.append(["OTCA", "Seguridad alimentaria", "Proyectos", "Pesca", "Pesca amazónica", 2018])
    exp("CAN", "transfronteriza", "normas", "Pasos de frontera", "Decisión 502", 2001)
    exp("CAN", "seguridad_alimentaria", "proyectos", "Sanidad", "Red andina", 2019)
    exp("OTCA", "seguridad_alimentaria", "proyectos", "Pesca", "Pesca amazónica", 2018)
    wb.save(out / "consolidado_varios.xlsx")

    # 6. MERCOSUR: years as '2021 - 2025', 'Desde 2020', text numbers, status 'Em execução',
    #    a totals row at the bottom, header with line break and trailing colon
    wb = Workbook(); ws = wb.active; ws.title = "Planilha1"
    ws.append(["MERCOSUR – Matriz 2025"])
    ws.append(["Eixo\ntemático:", "Critério:", "Tema:", "Ação:", "Ano:", "Situação:"])
    ws.append(["Cadeias de valor", "Projetos", "Integração produtiva", "Programa de integração produtiva", "2021 - 2025", "Em execução"])
    exp("MERCOSUR", "cadenas_valor", "proyectos", "Integração produtiva", "Programa de integração produtiva", 2021)
    ws.append(["Energia sustentável", "Normas", "Biocombustíveis", "Acordo de biocombustíveis", "Desde 2020", "Concluído"])
    exp("MERCOSUR", "energia_sostenible", "normas", "Biocombustíveis", "Acordo de biocombustíveis", 2020)
    ws.append(["Total", None, None, None, None, None])
    wb.save(out / "Mercosur_2025.xlsx")

    # 7. CAN: 'Proyectos y Normas', theme list with ';', '/' inside a theme
    wb = Workbook(); ws = wb.active; ws.title = "CAN"
    ws.append(["Secretaría General de la Comunidad Andina"])
    ws.append(["Eje", "Criterio", "Tema", "Iniciativa"])
    ws.append(["Cadenas de valor", "Proyectos y Normas", "Calidad; Normalización técnica", "Red andina de calidad"])
    for c in ("proyectos", "normas"):
        for t in ("Calidad", "Normalización técnica"):
            exp("CAN", "cadenas_valor", c, t, "Red andina de calidad")
    ws.append(["Integración transfronteriza", "Proyectos", "Transporte / logística", "Corredores logísticos"])
    exp("CAN", "transfronteriza", "proyectos", "Transporte / logística", "Corredores logísticos")
    wb.save(out / "CAN-2025.xlsx")
    return EXPECTED, UNREAD


def test_a_folder_in_unseen_habits_loads_exactly_the_rows_it_holds(tmp_path):
    expected, unread = _build(tmp_path / "raw" / "2025")
    result = ingest.load_submissions(tmp_path / "raw")
    got = sorted((o, a, c, t, i, None if pd.isna(y) else int(y)) for o, a, c, t, i, y in
                 result.tidy[["organism", "axis", "criterion", "theme", "initiative", "year"]].itertuples(index=False))
    assert got == sorted(expected)
    assert len(got) == 19
    assert result.rejects.empty
    assert result.files["status"].tolist() == ["loaded"] * 7
    assert sorted(result.warnings["value"]) == ["2021 - 2025", "Desde 2020"]
    listed = set(zip(result.columns["source_file"].str.split("/").str[-1], result.columns["header"]))
    assert set(unread) <= listed
    # the totals row of the Portuguese file is a note, and the ALBA-TCP list sheet is recognised
    notes = result.sheets.set_index("source_sheet")["notes"]
    assert notes["Planilha1"] == "row 5: Total"
    assert result.sheets.set_index("source_sheet").loc["Listas", "status"] == "skipped"
