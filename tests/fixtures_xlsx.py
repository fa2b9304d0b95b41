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


def build_workbook(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None) -> Path:
    """Write ``sheets`` (name -> rows of cell values, row 1 first) to ``path`` with openpyxl."""
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


def keys(frame: pd.DataFrame) -> set[tuple[str, str, int]]:
    """(source_file, source_sheet, source_row) of the rows of a tidy or rejects frame."""
    rows = frame[frame["source_row"].notna()] if "reason" in frame else frame
    return {(f, s, int(r)) for f, s, r in zip(rows["source_file"], rows["source_sheet"], rows["source_row"])}


def data_rows_on_disk(root: Path, result: LoadResult) -> set[tuple[str, str, int]]:
    """Non-empty rows below the header of every sheet the loader read, minus reported notes.

    Read independently with openpyxl (cached values, merged cells empty but
    their first cell), so it checks the loader rather than repeating it.
    """
    out = set()
    for source_file, group in result.sheets[result.sheets["status"] == "read"].groupby("source_file"):
        book = openpyxl.load_workbook(root / source_file, data_only=True)
        for sheet, header_row, notes in zip(group["source_sheet"], group["header_row"], group["notes"]):
            note_rows = {int(n) for n in re.findall(r"(?:^|; )row (\d+): ", notes)}
            ws = book[sheet]
            for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
                if r > header_row and r not in note_rows and any(
                        v is not None and str(v).strip() for v in row):
                    out.add((source_file, sheet, r))
    return out


def assert_accounted(root: Path, result: LoadResult) -> None:
    """Nothing lost: every data row on disk is in tidy or rejects, and nothing else is.

    Also every unreadable or rejected file without read sheets has a file-level reject (skipped
    entries, such as lock files and notes, have none).
    """
    on_disk = data_rows_on_disk(root, result)
    found = keys(result.tidy) | keys(result.rejects)
    assert found == on_disk, (f"rows on disk but neither loaded nor rejected: {sorted(on_disk - found)}; "
                              f"rows reported that are not data rows: {sorted(found - on_disk)}")
    file_level = set(result.rejects.loc[result.rejects["source_row"].isna(), "source_file"])
    read_files = set(result.sheets.loc[result.sheets["status"] == "read", "source_file"])
    for name, status in zip(result.files["source_file"], result.files["status"]):
        if status == "unreadable" or (name not in read_files and status != "skipped"):
            assert name in file_level, f"{name} ({status}) has no file-level reject"
    # every note is a one-cell row (checked on disk)
    for source_file, sheet, notes in zip(result.sheets["source_file"], result.sheets["source_sheet"],
                                         result.sheets["notes"]):
        for r in re.findall(r"(?:^|; )row (\d+): ", notes):
            ws = openpyxl.load_workbook(root / source_file, data_only=True)[sheet]
            cells = [c.value for c in ws[int(r)] if c.value is not None and str(c.value).strip()]
            assert len(cells) == 1, f"note row {r} of {sheet} has {len(cells)} cells"


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
