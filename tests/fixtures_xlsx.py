"""Helpers to build fixture workbooks and to check the loader's accounting.

Tests import these directly (``from fixtures_xlsx import ...``; pytest puts the
tests folder on ``sys.path``).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd

from mcr_analysis.ingest import LoadResult


class Text(str):
    """A string cell kept as text even when it starts with "=" (openpyxl would write a formula)."""


def build_workbook(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None,
                   hidden_sheets: tuple = (), hidden_columns: dict[str, list[str]] | None = None) -> Path:
    """Write ``sheets`` (name -> rows of cell values, row 1 first) to ``path`` with openpyxl.

    ``hidden_sheets`` are saved hidden; ``hidden_columns`` maps a sheet to the
    letters of its hidden columns.
    """
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            ws.append(row)
            for c, value in enumerate(row, start=1):
                if isinstance(value, Text):
                    ws.cell(r, c).data_type = "s"
        for ref in (merges or {}).get(name, []):
            ws.merge_cells(ref)
        for letter in (hidden_columns or {}).get(name, []):
            ws.column_dimensions[letter].hidden = True
        if name in hidden_sheets:
            ws.sheet_state = "hidden"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def replace_in_zip(path: Path, member: str, old: str, new: str | None) -> None:
    """Rewrite one archive member, replacing ``old`` by ``new``; ``new=None`` drops the member."""
    with zipfile.ZipFile(path) as src:
        items = [(info, src.read(info.filename)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in items:
            if info.filename == member and new is None:
                continue
            if info.filename == member:
                text = data.decode("utf-8")
                assert old in text, f"{old!r} not in {member}"
                data = text.replace(old, new).encode("utf-8")
            dst.writestr(info.filename, data)


def hidden_columns_on_disk(path: Path) -> dict[str, frozenset]:
    """``{sheet: 0-based hidden column indices}`` read with openpyxl (for readers that do not report them)."""
    from openpyxl.utils import column_index_from_string

    book = openpyxl.load_workbook(path)
    return {ws.title: frozenset(column_index_from_string(k) - 1 for k, d in ws.column_dimensions.items() if d.hidden)
            for ws in book}


def with_hidden_columns(monkeypatch) -> None:
    """Make ``readers.read`` fill ``SheetGrid.hidden_columns`` from the file when it left them empty."""
    from mcr_analysis.ingest import readers

    original = readers.read

    def read(path):
        grids, reason = original(path)
        if grids and path.suffix.lower() in (".xlsx", ".xlsm"):
            hidden = hidden_columns_on_disk(path)
            for g in grids:
                g.hidden_columns = g.hidden_columns or hidden.get(g.name, frozenset())
        return grids, reason

    monkeypatch.setattr(readers, "read", read)


def keys(frame: pd.DataFrame) -> set[tuple[str, str, int]]:
    """(source_file, source_sheet, source_row) of the rows of a tidy or rejects frame."""
    rows = frame[frame["source_row"].notna()] if "reason" in frame else frame
    return {(f, s, int(r)) for f, s, r in zip(rows["source_file"], rows["source_sheet"], rows["source_row"])}


_ROW_NOTE = re.compile(r"(?:^|; )row (\d+): ")


def _tables(fields: str) -> dict[int, set[str]]:
    """``{header row: column letters read}`` from a sheets-table ``fields`` text."""
    out = {}
    for part in filter(None, fields.split("; ")):
        head, _, cols = part.partition(": ")
        out[int(head.split()[1])] = {c.split("=")[0] for c in cols.split(", ") if "=" in c}
    return out


def _openpyxl_reads(name: str) -> bool:
    """Whether the independent reader (openpyxl) opens ``name``; .csv, .ods and .xls are checked by their readers' tests."""
    return name.lower().endswith((".xlsx", ".xlsm"))


def data_rows_on_disk(root: Path, result: LoadResult) -> set[tuple[str, str, int]]:
    """Non-empty rows below the header of every sheet with a header, minus notes, headings and header rows.

    Read independently with openpyxl (cached values, merged cells empty but
    their first cell), so it checks the loader rather than repeating it.  A
    sheet skipped for having no header counts its rows of three or more cells;
    a sheet of drop-down lists none.
    """
    out = set()
    for source_file, group in result.sheets.groupby("source_file"):
        if not _openpyxl_reads(source_file):
            continue
        book = openpyxl.load_workbook(root / source_file, data_only=True)
        for sheet in group.itertuples(index=False):
            if sheet.layout in ("lists", "template"):  # drop-down lists, the template's own non-data sheets
                continue
            ws = book[sheet.source_sheet]
            skip = {int(n) for n in _ROW_NOTE.findall(sheet.notes)} | {
                int(n) for n in _ROW_NOTE.findall(sheet.headings)} | set(_tables(sheet.fields))
            for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
                cells = [v for v in row if v is not None and str(v).strip()]
                if pd.isna(sheet.header_row):
                    if len(cells) >= 3:
                        out.add((source_file, sheet.source_sheet, r))
                elif r > sheet.header_row and r not in skip and cells:
                    out.add((source_file, sheet.source_sheet, r))
    return out


def assert_columns_accounted(root: Path, result: LoadResult) -> None:
    """Every non-empty cell of a data row of a read sheet is in a read column or listed as unread."""
    from openpyxl.utils import get_column_letter

    unread = {(f, s, int(h), c) for f, s, h, c in zip(result.columns["source_file"], result.columns["source_sheet"],
                                                      result.columns["header_row"], result.columns["column"])
              if not pd.isna(h)}
    rows = keys(result.tidy) | keys(result.rejects)
    for sheet in result.sheets[result.sheets["status"] == "read"].itertuples(index=False):
        if not _openpyxl_reads(sheet.source_file):
            continue
        tables = _tables(sheet.fields)
        ws = openpyxl.load_workbook(root / sheet.source_file, data_only=True)[sheet.source_sheet]
        for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
            if (sheet.source_file, sheet.source_sheet, r) not in rows:
                continue
            head = max(h for h in tables if h < r)
            for c, v in enumerate(row, start=1):
                if v is None or not str(v).strip():
                    continue
                letter = get_column_letter(c)
                assert letter in tables[head] or (sheet.source_file, sheet.source_sheet, head, letter) in unread, (
                    f"{sheet.source_file} {sheet.source_sheet}!{letter}{r} = {v!r}: neither read nor listed as unread")


_TOTAL_WORDS = {"total", "totales", "subtotal", "subtotales", "total general", "grand total", "totals", "totais",
                "total geral"}  # written out here, not read from headers.tsv


def assert_accounted(root: Path, result: LoadResult) -> None:
    """Nothing lost: every data row on disk is in tidy or rejects, and nothing else is; columns too.

    Also every unreadable or rejected file without read sheets has a file-level reject (skipped
    entries, such as lock files and notes, have none).
    """
    on_disk = data_rows_on_disk(root, result)
    found = keys(result.tidy) | keys(result.rejects)
    assert found == on_disk, (f"rows on disk but neither loaded nor rejected: {sorted(on_disk - found)}; "
                              f"rows reported that are not data rows: {sorted(found - on_disk)}")
    assert_columns_accounted(root, result)
    file_level = set(result.rejects.loc[result.rejects["source_row"].isna(), "source_file"])
    read_files = set(result.sheets.loc[result.sheets["status"] == "read", "source_file"])
    for name, status in zip(result.files["source_file"], result.files["status"]):
        if status == "unreadable" or (name not in read_files and status != "skipped"):
            assert name in file_level, f"{name} ({status}) has no file-level reject"
    # every note and heading is a one-cell row (checked on disk)
    for source_file, sheet, notes in zip(result.sheets["source_file"], result.sheets["source_sheet"],
                                         result.sheets["notes"] + "; " + result.sheets["headings"]):
        for r in _ROW_NOTE.findall(notes):
            ws = openpyxl.load_workbook(root / source_file, data_only=True)[sheet]
            cells = [c.value for c in ws[int(r)] if c.value is not None and str(c.value).strip()]
            totals = (str(cells[0]).strip().rstrip(":").lower() in _TOTAL_WORDS
                      and all(isinstance(c, (int, float)) for c in cells[1:]))
            assert len(cells) == 1 or totals, f"note or heading row {r} of {sheet} has {len(cells)} cells"


def build_messy_folder(root: Path) -> Path:
    """A raw folder of messy, real-looking submissions, as organisms send them (built by code).

    Two rounds; several organisms; Spanish and English headers and labels; title,
    logo and metadata rows; merged blocks; a two-row header; notes below the
    data; a bad row of each kind; a file naming no organism; a corrupt file, a
    legacy ``.xls``, an Excel lock file and a stray text file.  The expected
    rows and rejects are written out by hand in ``tests/test_io.py``.
    """
    y24 = root / "2024"
    build_workbook(y24 / "CAN_matriz_2024.xlsx", {"Matriz CAN": [
        ["[logo SGCAN]"],
        ["Matriz de Convergencia Regional — envío 2024"],
        ["Organismo: Comunidad Andina"],
        ["Fecha: 15/03/2024"],
        [],
        ["N°", "EJE", "criterio", "Tema", "Iniciativa", "AÑO", "Fuente"],
        [1, "Integración transfronteriza", "Proyectos", "Pasos de frontera", "CEBAF Rumichaca", 2019, "libro 3.2"],
        [2, None, None, "Pasos de frontera", "CEBAF Huaquillas", "2020", None],
        [3, None, "Normas", "Facilitación del comercio", "Decisión 502", None, None],
        [4, None, "Proyectoz", "Pasos de frontera", "CEBAF Desaguadero", None, None],
        [5, "Seguridad alimentaria", "Reuniones y foros", "Alimentación escolar", "Foro andino SAN", 2023, None],
        [6, "Seguridad alimentaria", "Reuniones y foros", "Alimentación escolar", "Foro andino SAN", 2023, None],
        [7],
        [],
        ["Nota: información preliminar, sujeta a revisión"],
    ]}, merges={"Matriz CAN": ["B7:B10", "C7:C8"]})
    build_workbook(y24 / "SICA.xlsx", {
        "Instrucciones": [["Complete una fila por iniciativa."], ["No modifique los encabezados."]],
        "Energía sostenible": [["Criterio", "Tema", "Iniciativa"],
                               ["Proyectos", "Renovables", "Estrategia Energética 2030"],
                               ["Políticas", "Renovables", "Política energética regional"]],
        "Interconexión eléctrica": [["Criterio", "Tema", "Iniciativa"],
                                    ["Proyectos", "MER", "Mercado Eléctrico Regional"],
                                    [None, "MER", "SIEPAC"]],
        "Energía": [["Criterio", "Tema", "Iniciativa"], ["Normas", "Eficiencia", "Reglamento técnico"]],
    }, merges={"Interconexión eléctrica": ["A2:A3"]})
    build_workbook(y24 / "LAIA_submission.xlsx", {"Matrix": [
        ["Regional Convergence Matrix"],
        ["Organisation: Latin American Integration Association"],
        ["Axis", "Theme", "Criteria", None, None, None],
        [None, None, "Projects", "Norms", "Meetings and forums", "Other"],
        ["Productive value chains", "SMEs", "X", None, "Yes", None],
        [None, "Productive niches", None, "✓", None, None],
        [None, "Trade facilitation", None, None, None, None],
        ["Food security", "Rural SMEs", "maybe", None, None, "x"],
        [],
        ["Source: SELA (2025)"],
    ]}, merges={"Matrix": ["A3:A4", "B3:B4", "C3:F3", "A5:A7"]})
    build_workbook(y24 / "Mercosur_matriz_2024.xlsx", {"Sheet1": [
        ["AXIS", "CRITERION", "THEME", "INITIATIVE", "YEAR", "STATUS"],
        ["Sustainable energy", "Projects", "Renewables", "Regional renewable energy plan", 2022, "ongoing"],
        ["Food and nutrition security", "Policies", "Family farming", "REAF", "2021", None],
        ["Sustainable energy", "Norms", "Biofuels", "Biofuel standard", "2023/24", None],
        ["Energía sostenible e integración eléctrica", "Projects", "Grid", "Interconnection", None, None],
        ["Sustainable energy", "Norms", None, None, None, "done"],
        [None, "Projects", "Trade", "Trade fair", None, None],
    ]})
    build_workbook(y24 / "SELA.xlsx", {"Matriz": [
        ["Organismo", "Eje", "Criterio", "Tema", "Iniciativa"],
        ["SELA", "Cadenas de valor", "Fortalecimiento institucional", "Mipymes", "Pymes Latinas Grandes Negocios"],
        ["Comunidad Andna", "Cadenas de valor", "Proyectos", "Mipymes", "Matriz de Empalme"],
        [None, "Reducción del riesgo de desastres", "Otros", "Alerta temprana", "Red regional de alerta"],
        ["Sistema Económico Latinoamericano y del Caribe", "Disaster risk reduction", "Normas y políticas",
         "Gestión del riesgo", "Guía regional"],
    ]})
    build_workbook(y24 / "anonimo.xlsx", {"Hoja1": [["Eje", "Criterio", "Tema"],
                                                    ["Energía sostenible", "Normas", "Eficiencia"]]})
    (y24 / "corrupt.xlsx").write_bytes(b"PK\x03\x04 truncated download")
    (y24 / "old_format.xls").write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600)
    (y24 / "~$CAN_matriz_2024.xlsx").write_bytes(b"\x07usuario" + b"\0" * 150)
    (y24 / "LEEME.txt").write_text("Envíos recibidos por correo.", encoding="utf-8")
    build_workbook(root / "2023" / "OTCA.xlsx", {"Sheet1": [
        ["Organisation", "ACTO"],
        ["Axis", "Criterion", "Theme", "Initiative"],
        ["Sustainable energy", "Projects", "Bioeconomy", "Proyecto Bioamazonía"],
    ]})
    return root


def build_focal_points_folder(root: Path) -> Path:
    """Submissions as seven focal points fill them by hand, plus a consolidated file (built by code).

    SELA: logo and title rows, "Organismo: name (acronym)", counterpart organisms in the organism
    column, a list of criteria in one cell, a year range, a date cell and "en curso" as years.
    CAN: the organism only in the title row, criteria as section headings, a merged axis block.
    MERCOSUR: the Portuguese template. SICA: one sheet per axis, an "Institución" column naming
    bodies of SICA, a hidden sheet of drop-down lists. OTCA: two stacked tables in one sheet, the
    second with its columns in another order. AEC: English headers, a file name in English
    ("ACS_matrix.xlsx"), a hidden superseded "Axis" column. ALADI: a mark matrix with headers read
    by their words and a list of themes in one cell. The expected rows are written out by hand in
    ``tests/ingest/test_focal_points.py``.
    """
    from datetime import datetime

    y = root / "2024"
    build_workbook(y / "Matriz_MCR_2024_final.xlsx", {"MCR 2024": [
        ["[Logo SELA]"],
        ["Matriz de Convergencia Regional — trabajo intersecretarías"],
        ["Organismo: Sistema Económico Latinoamericano y del Caribe (SELA)"],
        ["Punto focal: Dirección de Relaciones para la Integración"],
        [],
        ["N°", "Eje temático", "Criterio", "Tema", "Iniciativa / Acción", "Año", "Estado", "Organismo",
         "Organismos contrapartes", "Observaciones"],
        [1, "Cadenas de valor", "Fortalecimiento institucional", "Mipymes", "Pymes Latinas Grandes Negocios", 2023,
         "En ejecución", "SELA", "CAF", None],
        [2, "Cadenas de valor", "Proyectos; Normas", "Facilitación del comercio", "Matriz de empalme", "2023-2024",
         "En curso", None, "ALADI, CAN", None],
        [3, "Reducción del riesgo de desastres", "Reuniones y foros", "Alerta temprana",
         "Foro regional de alerta temprana", datetime(2022, 5, 10), "Realizado", "SICA", None,
         "contraparte: CEPREDENAC"],
        [4, "Seguridad alimentaria", "Políticas", "Agricultura familiar", "Estrategia regional de agricultura familiar",
         "en curso", "Planificado", "SELA", "FAO; CELAC", None],
        [],
        ["Nota: información preliminar"],
    ]}, merges={"MCR 2024": ["A2:J2"]})
    build_workbook(y / "matriz_mcr_v3.xlsx", {"Hoja1": [
        ["Matriz MCR — Secretaría General de la Comunidad Andina"],
        ["Fecha de corte: 30/04/2024"],
        [],
        ["Eje", "Tema", "Iniciativa", "Año", "Socios"],
        ["PROYECTOS"],
        ["Integración transfronteriza", "Pasos de frontera", "CEBAF Rumichaca", 2019, None],
        [None, "Pasos de frontera", "CEBAF Huaquillas", 2020, None],
        ["Seguridad alimentaria", "Sanidad agropecuaria", "Red andina de sanidad agropecuaria", 2021, "FAO"],
        ["NORMAS"],
        ["Integración transfronteriza", "Facilitación del comercio", "Decisión 502", 2001, None],
        ["Reducción del riesgo de desastres", "Gestión del riesgo", "Estrategia andina de gestión del riesgo", 2017,
         None],
        ["REUNIONES Y FOROS"],
        ["Seguridad alimentaria", "Alimentación escolar", "Foro andino de alimentación escolar", "2023", None],
    ]}, merges={"Hoja1": ["A5:E5", "A6:A7", "A9:E9", "A12:E12"]})
    build_workbook(y / "MERCOSUL_matriz_2024.xlsx", {"Matriz": [
        ["Secretaria do MERCOSUL"],
        ["Matriz de Convergência Regional (MCR) — 2024"],
        ["Eixo", "Critério", "Tema", "Iniciativa/Projeto", "Descrição", "Ano", "Situação", "Parceiros"],
        ["Segurança alimentar", "Projetos", "Agricultura familiar", "REAF",
         "Reunião Especializada sobre Agricultura Familiar", 2004, "Em andamento", None],
        ["Energia sustentável", "Normas", "Biocombustíveis", "Norma de biocombustíveis", None, "2022/2023",
         "Concluído", "OLADE"],
        ["Integração fronteiriça", "Reuniões e fóruns", "Fronteiras", "Foro de integração fronteiriça", None,
         datetime(2023, 9, 1), "Em execução", "CAN e ALADI"],
        ["Cadeias de valor", "Fortalecimento institucional", "PMEs", "Programa de capacitação de PMEs", None, None,
         "Planejado", None],
        ["Redução do risco de desastres", "Outros", "Gestão de riscos", "Rede de gestão de riscos", None, 2021,
         "Suspenso", None],
    ]})
    sica_head = ["Criterio", "Tema", "Iniciativa", "Institución", "Año"]
    build_workbook(y / "SICA_MCR_2024.xlsx", {
        "Instrucciones": [["Complete una hoja por eje."], ["Elija el criterio de la lista desplegable."]],
        "Energía sostenible": [
            sica_head,
            ["Proyectos", "Renovables", "Estrategia Energética Sustentable 2030", "SG-SICA", 2020],
            ["Normas", "Mercado eléctrico", "Reglamento del Mercado Eléctrico Regional", "CRIE", 2019],
            ["Proyectos", "Eficiencia energética", "Programa regional de eficiencia energética",
             "Ministerio de Energía de Guatemala", None]],
        "Riesgo de desastres": [
            sica_head,
            ["Políticas", "Gestión integral del riesgo", "PCGIR", "CEPREDENAC", 2017],
            ["Proyectos y Normas", "Alerta temprana", "Sistema regional de alerta temprana", "CEPREDENAC", 2021],
            ["Reuniones y foros", "Género", "Foro de mujeres y gestión del riesgo", "COMMCA", 2022]],
        "Listas": [["Energía sostenible", "Proyectos"], ["Riesgo de desastres", "Normas"],
                   ["Cadenas de valor", "Políticas"], [None, "Reuniones y foros"]],
    }, hidden_sheets=("Listas",))
    build_workbook(y / "OTCA_MCR_2024.xlsx", {"Matriz OTCA": [
        ["Organización del Tratado de Cooperación Amazónica"],
        ["Organismo:", "OTCA"],
        [],
        ["Eje", "Criterio", "Tema", "Iniciativa"],
        ["Energía sostenible", "Proyectos", "Bioeconomía", "Proyecto Bioamazonía"],
        ["Riesgo de desastres", "Fortalecimiento institucional", "Incendios forestales", "Curso de manejo del fuego"],
        [],
        ["Normas y políticas aprobadas"],
        ["Iniciativa", "Tema", "Eje", "Criterio"],
        ["Declaración de Belém", "Gobernanza amazónica", "Riesgo de desastres", "Políticas"],
        ["Protocolo de recursos hídricos", "Recursos hídricos", "Seguridad alimentaria", "Normas"],
    ]})
    build_workbook(y / "ACS_matrix.xlsx", {"Matrix": [
        ["Association of Caribbean States — Regional Convergence Matrix"],
        [],
        ["Axis", "Axis", "Type of action", "Thematic area", "Action line", "Status", "Partners"],
        ["Cadenas de valor", "Cross-border port cooperation", "Projects", "Ports", "Port State Control programme",
         "Ongoing", "CARICOM"],
        ["Cadenas de valor", "Cross-border cooperation", "Meetings and forums", "Customs", "Caribbean customs forum",
         "Completed", None],
        [None, "Disaster risk reduction", "Projects; Policies", "Early warning", "Caribbean early warning initiative",
         "In progress", "CDEMA"],
    ]}, hidden_columns={"Matrix": ["A"]})
    build_workbook(y / "ALADI_2024.xlsx", {"Matriz": [
        ["Asociación Latinoamericana de Integración — ALADI"],
        ["Eje", "Área temática", "Nombre del programa", "Fortalecimiento institucional", "Reuniones y foros",
         "Proyectos", "Normas", "Políticas", "Otros", "Observaciones"],
        ["Cadenas de valor", "Pymes; Nichos productivos", "Programa de encadenamientos productivos", "X", None, "X",
         None, None, None, None],
        [None, "Facilitación/comercio", "Certificación de origen digital", None, None, None, "✓", None, None,
         "piloto"],
        ["Integración transfronteriza", "Infraestructura", "Corredores bioceánicos", None, "Sí", None, None, None,
         None, None],
    ]}, merges={"Matriz": ["A3:A4"]})
    build_workbook(y / "consolidado_2024.xlsx", {"Consolidado": [
        ["Organismo", "Eje", "Criterio", "Tema", "Iniciativa"],
        ["CARICOM", "Seguridad alimentaria", "Proyectos", "Resiliencia agrícola", "Plan 25 by 2025"],
        ["CELAC", "Seguridad alimentaria", "Políticas", "Plan SAN-CELAC", "Plan SAN CELAC 2025"],
        ["CAN y SICA", "Energía sostenible", "Proyectos", "Interconexión", "Estudio conjunto"],
    ]})
    return root
