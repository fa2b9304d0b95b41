"""Build the illustrative sample workbooks of ``data/raw/2024/`` from ``sample_matrices.tsv``.

The sample is an illustrative reconstruction from the published text (SELA 2025,
*Integración en la integración*, and the workshop reports), not the organisms'
official submissions.  Each organism of the book's table "Matrices y organismos
participantes" gets one workbook, and the workbooks are spread over the layouts
the loader must accept (issue 2, section 3):

========  =====================================  ==========================================
file      layout                                 organism taken from
========  =====================================  ==========================================
CAN       long, Spanish headers, title/logo/     metadata cell "Organismo: Comunidad Andina"
          metadata rows above the header, note
          below the data
SICA      one sheet per axis (sheet name = axis  file name
          matrix), Spanish headers, plus an
          "Instrucciones" sheet
ALADI     wide mark matrix (one column per       metadata cell
          criterion, marks X / ✓ / Sí), axis
          cells merged over their block
MERCOSUR  long, English headers and English      file name only (Mercosur_matriz_2024.xlsx)
          axis/criterion labels
SELA      long, header on the first row          organism column
OTCA      wide mark matrix (marks 1 / Sí),       metadata cell
          header on row 3, axis merged
AEC       one sheet per axis, English headers,   metadata cell "Organisation: ..."
          header on row 3
========  =====================================  ==========================================

Every data row carries a source column ("Fuente" / "Source") citing the book's
section or the report it comes from; the loader ignores it.

The output is deterministic: fixed workbook properties (creator, created and
modified dates) and fixed timestamps inside the xlsx archive, so rebuilding
gives byte-identical files.

Usage (from the project root; the only time anything writes under
``data/raw/`` is when a maintainer rebuilds the sample on purpose)::

    .venv/bin/python data/external/build_sample.py            # -> data/raw/2024
    .venv/bin/python data/external/build_sample.py OUT_DIR    # anywhere else
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import re
import sys
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from mcr_analysis import taxonomy

HERE = Path(__file__).resolve().parent
SOURCE_TSV = HERE / "sample_matrices.tsv"
DEFAULT_OUT = HERE.parent / "raw" / "2024"

COLUMNS = [
    "organism", "axis", "matrix", "criterion", "theme", "initiative",
    "description", "year", "status", "partners", "fuente",
]
CREATOR = "SELA (reconstrucción ilustrativa)"
FIXED_TIME = dt.datetime(2025, 7, 1, 12, 0, 0)
ZIP_TIME = (2025, 7, 1, 12, 0, 0)

FILES = {
    "AEC": "AEC_MCR_2024.xlsx",
    "ALADI": "ALADI_MCR_2024.xlsx",
    "CAN": "CAN_MCR_2024.xlsx",
    "MERCOSUR": "Mercosur_matriz_2024.xlsx",
    "OTCA": "OTCA_MCR_2024.xlsx",
    "SELA": "SELA_MCR_2024.xlsx",
    "SICA": "SICA_MCR_2024.xlsx",
}

# English axis wording written for each matrix (all are aliases in axis_aliases.tsv).
ENGLISH_MATRIX = {
    "Cadenas de valor": "Value chains",
    "Cadenas de valor específicas": "Specific value chains",
    "Riesgo de desastres": "Disaster risk",
    "Cooperación transfronteriza": "Cross-border cooperation",
    "Cooperación transfronteriza de puertos": "Cross-border port cooperation",
    "Cooperación transfronteriza tecnológica": "Cross-border technological cooperation",
    "Energías sostenibles": "Sustainable energies",
    "Interconexión eléctrica": "Electricity interconnection",
    "Seguridad alimentaria y nutricional": "Food and nutrition security",
}

# SICA: one sheet per axis; the sheet name (at most 31 characters) names the axis.
SICA_SHEETS = {
    "cadenas_valor": "Cadenas de valor",
    "riesgo_desastres": "Riesgo de desastres",
    "transfronteriza": "Cooperación transfronteriza",
    "energia_sostenible": "Energías sostenibles",
    "interconexion_electrica": "Interconexión eléctrica",
    "seguridad_alimentaria": "Seguridad alimentaria",
}

HEAD_ES = ["Tema", "Iniciativa", "Descripción", "Año", "Estado", "Socios"]
HEAD_EN = ["Theme", "Initiative", "Description", "Year", "Status", "Partners"]
DETAIL = ["theme", "initiative", "description", "year", "status", "partners"]

ILLUSTRATIVE_ES = (
    "Reconstrucción ilustrativa a partir de SELA (2025) y de las relatorías; "
    "no es la matriz oficial del organismo."
)
ILLUSTRATIVE_EN = (
    "Illustrative reconstruction from SELA (2025) and the workshop reports; "
    "not the organisation's official matrix."
)


def read_source(path: Path = SOURCE_TSV) -> list[dict[str, str]]:
    """Read the editorial table; check its columns and ids (raises ValueError)."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        if reader.fieldnames != COLUMNS:
            raise ValueError(f"{path}: columns {reader.fieldnames}; expected exactly {COLUMNS}")
        rows = list(reader)
    problems = []
    vocab = {"organism": taxonomy.organisms(), "axis": taxonomy.axes(), "criterion": taxonomy.criteria()}
    for line, row in enumerate(rows, start=2):
        for col, voc in vocab.items():
            if row[col] not in voc.ids:
                problems.append(f"line {line}: {col} {row[col]!r} is not an id of {col}s")
        if row["year"] and not re.fullmatch(r"\d{4}", row["year"]):
            problems.append(f"line {line}: year {row['year']!r} is not a 4-digit year")
        if row["organism"] not in FILES:
            problems.append(f"line {line}: organism {row['organism']!r} has no sample workbook")
        if row["axis"] in vocab["axis"].ids:
            label = row["matrix"] or taxonomy.axis_label(row["axis"], "es")
            if taxonomy.axes().match(label)[:2] != (row["axis"], row["matrix"]):
                problems.append(
                    f"line {line}: matrix {row['matrix']!r} is not a matrix of axis {row['axis']!r}"
                )
    if problems:
        raise ValueError(f"{path}: " + "; ".join(problems))
    return rows


def _axis_text(row: dict[str, str], lang: str) -> str:
    """The axis wording written in a workbook; it names the row's matrix when it has one."""
    if not row["matrix"]:
        return taxonomy.axis_label(row["axis"], lang)
    return ENGLISH_MATRIX[row["matrix"]] if lang == "en" else row["matrix"]


def _year(value: str) -> int | None:
    return int(value) if value else None


def _details(row: dict[str, str]) -> list:
    return [_year(row[c]) if c == "year" else row[c] for c in DETAIL]


def _header(ws, row: int, names: list[str]) -> None:
    for col, name in enumerate(names, start=1):
        cell = ws.cell(row=row, column=col, value=name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _widths(ws, widths: list[int]) -> None:
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def _append_rows(ws, start: int, rows: list[list]) -> int:
    for offset, values in enumerate(rows):
        for col, value in enumerate(values, start=1):
            if value is not None and value != "":
                ws.cell(row=start + offset, column=col, value=value)
    return start + len(rows)


def _long_sheet_can(wb: Workbook, rows: list[dict[str, str]]) -> None:
    ws = wb.active
    ws.title = "Matriz MCR"
    ws["A1"] = "Matriz de Convergencia Regional (MCR) — ronda 2024"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "[Logotipo]"
    ws["A3"] = "Organismo: Comunidad Andina"
    ws["A4"] = "Punto focal: Secretaría General (SGCAN)"
    header = ["Eje", "Criterio", *HEAD_ES, "Fuente"]
    _header(ws, 6, header)
    data = [
        [_axis_text(r, "es"), taxonomy.criterion_label(r["criterion"], "es"), *_details(r), r["fuente"]]
        for r in rows
    ]
    end = _append_rows(ws, 7, data)
    ws.cell(row=end + 1, column=1, value=f"Nota: {ILLUSTRATIVE_ES}")
    _widths(ws, [34, 30, 30, 50, 50, 8, 14, 24, 50])


def _long_sheet_sela(wb: Workbook, rows: list[dict[str, str]]) -> None:
    ws = wb.active
    ws.title = "MCR 2024"
    header = ["Organismo", "Eje", "Criterio", *HEAD_ES, "Fuente"]
    _header(ws, 1, header)
    data = [
        [r["organism"], _axis_text(r, "es"), taxonomy.criterion_label(r["criterion"], "es"),
         *_details(r), r["fuente"]]
        for r in rows
    ]
    _append_rows(ws, 2, data)
    _widths(ws, [12, 34, 30, 30, 50, 50, 8, 14, 24, 50])


def _long_sheet_mercosur(wb: Workbook, rows: list[dict[str, str]]) -> None:
    ws = wb.active
    ws.title = "Matrix"
    header = ["Axis", "Criterion", *HEAD_EN, "Source"]
    _header(ws, 1, header)
    data = [
        [_axis_text(r, "en"), taxonomy.criterion_label(r["criterion"], "en"), *_details(r), r["fuente"]]
        for r in rows
    ]
    _append_rows(ws, 2, data)
    _widths(ws, [34, 30, 30, 50, 50, 8, 14, 24, 50])


def _sheets_per_axis_sica(wb: Workbook, rows: list[dict[str, str]]) -> None:
    ws = wb.active
    ws.title = "Instrucciones"
    lines = [
        "Matriz de Convergencia Regional (MCR) — instrucciones de llenado",
        "1. Use una hoja por eje temático; el nombre de la hoja indica el eje.",
        "2. Registre una fila por política, programa o acción.",
        "3. Clasifique cada fila con uno de los seis criterios del libro.",
        "4. Cite en la última columna el documento que respalda la fila.",
        ILLUSTRATIVE_ES,
    ]
    for i, line in enumerate(lines, start=1):
        ws.cell(row=i, column=1, value=line)
    ws.column_dimensions["A"].width = 90
    header = ["Criterio", *HEAD_ES, "Fuente"]
    for axis, sheet_name in SICA_SHEETS.items():
        block = [r for r in rows if r["axis"] == axis]
        if not block:
            continue
        expected = taxonomy.axes().match(sheet_name)
        bad = [r["initiative"] for r in block if (r["axis"], r["matrix"]) != expected[:2]]
        if bad:
            raise ValueError(
                f"SICA rows on axis {axis!r} must have matrix {expected.matrix!r} "
                f"(the sheet {sheet_name!r} names it); offending initiatives: {bad}"
            )
        ws = wb.create_sheet(sheet_name)
        _header(ws, 1, header)
        data = [[taxonomy.criterion_label(r["criterion"], "es"), *_details(r), r["fuente"]] for r in block]
        _append_rows(ws, 2, data)
        _widths(ws, [30, 30, 50, 50, 8, 14, 24, 50])


def _sheets_per_axis_aec(wb: Workbook, rows: list[dict[str, str]]) -> None:
    ws = wb.active
    groups: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        groups.setdefault(_axis_text(r, "en"), []).append(r)
    first = True
    for sheet_name, block in groups.items():
        if len(sheet_name) > 31:
            raise ValueError(f"AEC sheet name {sheet_name!r} is longer than Excel's 31 characters")
        ws = wb.active if first else wb.create_sheet()
        ws.title = sheet_name
        first = False
        ws["A1"] = "Organisation: Association of Caribbean States"
        _header(ws, 3, ["Criterion", *HEAD_EN, "Source"])
        data = [[taxonomy.criterion_label(r["criterion"], "en"), *_details(r), r["fuente"]] for r in block]
        end = _append_rows(ws, 4, data)
        ws.cell(row=end + 1, column=1, value=f"Note: {ILLUSTRATIVE_EN}")
        _widths(ws, [30, 30, 50, 50, 8, 14, 24, 50])


def _wide_rows(rows: list[dict[str, str]]) -> list[tuple[dict[str, str], list[str]]]:
    """Group rows that differ only in criterion: one wide row with several marks."""
    order = {a: i for i, a in enumerate(taxonomy.axes().ids)}
    groups: dict[tuple, tuple[dict[str, str], list[str]]] = {}
    for r in rows:
        key = tuple(r[c] for c in COLUMNS if c != "criterion")
        first, crits = groups.setdefault(key, (r, []))
        if r["criterion"] in crits:
            raise ValueError(f"duplicate row in the source table: {r}")
        crits.append(r["criterion"])
    out = list(groups.values())
    out.sort(key=lambda item: (order[item[0]["axis"]], item[0]["matrix"]))  # stable: blocks contiguous
    return out


def _wide_sheet(wb: Workbook, rows: list[dict[str, str]], *, title: str, meta: str,
                header_row: int, marks: list) -> None:
    ws = wb.active
    ws.title = title
    ws["A1"] = meta
    crit_ids = taxonomy.criteria().ids
    header = ["Eje", *HEAD_ES,
              *[taxonomy.criterion_label(c, "es") for c in crit_ids], "Fuente"]
    _header(ws, header_row, header)
    wide = _wide_rows(rows)
    first_data = header_row + 1
    mark_no = 0
    for i, (r, crits) in enumerate(wide):
        excel_row = first_data + i
        ws.cell(row=excel_row, column=1, value=_axis_text(r, "es"))
        for j, value in enumerate(_details(r), start=2):
            if value is not None and value != "":
                ws.cell(row=excel_row, column=j, value=value)
        for k, crit in enumerate(crit_ids):
            if crit in crits:
                ws.cell(row=excel_row, column=2 + len(DETAIL) + k, value=marks[mark_no % len(marks)])
                mark_no += 1
        ws.cell(row=excel_row, column=len(header), value=r["fuente"])
    # Merge the axis cell over each block of rows with the same axis wording.
    start = first_data
    labels = [_axis_text(r, "es") for r, _ in wide]
    for i in range(1, len(labels) + 1):
        if i == len(labels) or labels[i] != labels[i - 1]:
            end = first_data + i - 1
            if end > start:
                ws.merge_cells(start_row=start, start_column=1, end_row=end, end_column=1)
                ws.cell(row=start, column=1).alignment = Alignment(vertical="top", wrap_text=True)
            start = end + 1
    _widths(ws, [30, 30, 50, 50, 8, 14, 24, 14, 12, 12, 12, 12, 12, 50])


def _wide_sheet_aladi(wb: Workbook, rows: list[dict[str, str]]) -> None:
    _wide_sheet(wb, rows, title="Matriz ALADI",
                meta="Organismo: Asociación Latinoamericana de Integración",
                header_row=3, marks=["X", "✓", "Sí"])


def _wide_sheet_otca(wb: Workbook, rows: list[dict[str, str]]) -> None:
    _wide_sheet(wb, rows, title="Matriz",
                meta="Organismo: Organización del Tratado de Cooperación Amazónica",
                header_row=3, marks=[1, "Sí"])


LAYOUTS = {
    "AEC": _sheets_per_axis_aec,
    "ALADI": _wide_sheet_aladi,
    "CAN": _long_sheet_can,
    "MERCOSUR": _long_sheet_mercosur,
    "OTCA": _wide_sheet_otca,
    "SELA": _long_sheet_sela,
    "SICA": _sheets_per_axis_sica,
}


def _deterministic_bytes(wb: Workbook) -> bytes:
    """Save ``wb`` with fixed modified date and fixed archive timestamps."""
    raw = io.BytesIO()
    wb.save(raw)  # openpyxl stamps "modified" with the current time; fixed below
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp.encode() + rb"\g<2>",
                    data,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, data)
    return out.getvalue()


def build_workbook(organism: str, rows: list[dict[str, str]]) -> bytes:
    """The xlsx bytes of ``organism``'s sample workbook (deterministic)."""
    wb = Workbook()
    LAYOUTS[organism](wb, rows)
    props = wb.properties
    props.creator = CREATOR
    props.lastModifiedBy = CREATOR
    props.title = f"MCR 2024 — {organism} (muestra ilustrativa)"
    props.description = ILLUSTRATIVE_ES
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    return _deterministic_bytes(wb)


def build(out_dir: Path, source: Path = SOURCE_TSV) -> list[Path]:
    """Write one workbook per organism into ``out_dir``; return the paths written."""
    rows = read_source(source)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for organism, name in FILES.items():
        mine = [r for r in rows if r["organism"] == organism]
        if not mine:
            raise ValueError(f"{source}: no rows for {organism}; every sample organism needs a workbook")
        path = out_dir / name
        path.write_bytes(build_workbook(organism, mine))
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", type=Path, default=DEFAULT_OUT,
                        help=f"output folder (default: {DEFAULT_OUT})")
    parser.add_argument("--source", type=Path, default=SOURCE_TSV, help="editorial source table (TSV)")
    args = parser.parse_args(argv)
    for path in build(args.out_dir, args.source):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
