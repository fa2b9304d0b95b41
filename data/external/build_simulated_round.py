"""Build a SIMULATED second round (2025) from the 2024 sample, to demonstrate ``mcr compare``.

**Simulated, not data.**  The workbooks written to
``data/external/simulated_round_2025/2025/`` are the illustrative 2024 sample
(itself a reconstruction, see ``data/raw/README.md``) with the changes listed
in :data:`CHANGES` made on purpose.  They are kept outside ``data/raw/`` and
must never be mixed with the book's data: the notebook
``5.0-seguimiento-entre-rondas.ipynb`` loads them next to ``data/raw/2024``
only to show what a comparison of rounds finds.

The changes, each one exactly once:

* AEC sends nothing (its file is left out) although the participation table
  expects it on cross-border integration;
* two themes renamed (CAN "Alerta temprana" and MERCOSUR "Sanidad
  agropecuaria" in food-security projects);
* two statuses changed: CAN's two INTERCOM rows go from "En ejecución" to
  "Realizado";
* one row deleted (SELA "Reservas regionales de alimentos");
* one row added (SICA "Reserva regional de granos básicos");
* one initiative reworded (SICA "Observatorio de Inteligencia Económica de la
  SIECA" -> "Observatorio de Inteligencia Económica (SIECA)");
* two files copied byte for byte (ALADI and OTCA, renamed to 2025);
* one organism new (OLADE, two rows on energy axes).

Usage (from the project root)::

    .venv/bin/python data/external/build_simulated_round.py          # -> data/external/simulated_round_2025/2025
    .venv/bin/python data/external/build_simulated_round.py OUT_DIR

The output is deterministic (fixed workbook properties and archive times).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import build_sample as sample  # noqa: E402  (the sibling script that builds the 2024 sample)

DEFAULT_OUT = HERE / "simulated_round_2025" / "2025"
RAW_2024 = HERE.parent / "raw" / "2024"
ROUND = "2025"
SILENT = ("AEC",)
COPIED = ("ALADI", "OTCA")
NOTE = "SIMULADO: ronda ficticia para demostrar la comparación entre rondas; no son datos."

RENAMED_THEMES = [  # (organism, axis, criterion, initiative, old theme, new theme)
    ("CAN", "seguridad_alimentaria", "proyectos", "Observatorio andino de inseguridad alimentaria",
     "Alerta temprana", "Vigilancia alimentaria"),
    ("MERCOSUR", "seguridad_alimentaria", "proyectos", "Certificados sanitarios coordinados a nivel regional",
     "Sanidad agropecuaria", "Certificación sanitaria"),
]
STATUS_CHANGES = [  # (organism, initiative, old status, new status)
    ("CAN", "Difusión de la experiencia INTERCOM", "En ejecución", "Realizado"),
    ("CAN", "Sistema de Interoperabilidad Comunitaria Andina (INTERCOM)", "En ejecución", "Realizado"),
]
DELETED = [("SELA", "Reservas regionales de alimentos")]
REWORDED = [("SICA", "Observatorio de Inteligencia Económica de la SIECA",
             "Observatorio de Inteligencia Económica (SIECA)")]
ADDED = [
    {"organism": "SICA", "axis": "seguridad_alimentaria", "matrix": "", "criterion": "proyectos",
     "theme": "Reservas de alimentos", "initiative": "Reserva regional de granos básicos",
     "description": "Reserva coordinada de granos básicos entre los países del SICA", "year": "2025",
     "status": "Propuesto", "partners": "", "fuente": NOTE},
]
NEW_ORGANISM = "OLADE"
NEW_ROWS = [
    {"organism": "OLADE", "axis": "energia_sostenible", "matrix": "", "criterion": "proyectos",
     "theme": "Energías renovables", "initiative": "Panorama energético de América Latina y el Caribe",
     "description": "Estadísticas y prospectiva de energías renovables", "year": "2025",
     "status": "En ejecución", "partners": "", "fuente": NOTE},
    {"organism": "OLADE", "axis": "interconexion_electrica", "matrix": "", "criterion": "reuniones",
     "theme": "Armonización regulatoria",
     "initiative": "Encuentro SELA-SICA-OLADE sobre el marco regulatorio regional",
     "description": "Participación de OLADE en el encuentro regional", "year": "2025",
     "status": "Realizado", "partners": "SELA; SICA", "fuente": NOTE},
]
CHANGES = (
    [f"silent: {o} (no file)" for o in SILENT]
    + [f"theme renamed: {o} {a}/{c} {i!r}: {t0!r} -> {t1!r}" for o, a, c, i, t0, t1 in RENAMED_THEMES]
    + [f"status changed: {o} {i!r}: {s0!r} -> {s1!r}" for o, i, s0, s1 in STATUS_CHANGES]
    + [f"row deleted: {o} {i!r}" for o, i in DELETED]
    + [f"row added: {r['organism']} {r['initiative']!r}" for r in ADDED]
    + [f"initiative reworded: {o} {a!r} -> {b!r}" for o, a, b in REWORDED]
    + [f"file copied unchanged: {o}" for o in COPIED]
    + [f"organism new: {NEW_ORGANISM} ({len(NEW_ROWS)} rows)"]
)
"""What the simulated round changes, one line each."""


def simulated_rows(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The 2024 sample rows with the simulated changes (a new list; ``rows`` is not modified)."""
    out, done = [], []
    for row in rows:
        row = dict(row)
        if any(row["organism"] == o and row["initiative"] == i for o, i in DELETED):
            done.append("deleted")
            continue
        for o, a, c, i, t0, t1 in RENAMED_THEMES:
            if (row["organism"], row["axis"], row["criterion"], row["initiative"], row["theme"]) == (o, a, c, i, t0):
                row["theme"] = t1
                done.append("renamed")
        for o, i, s0, s1 in STATUS_CHANGES:
            if (row["organism"], row["initiative"], row["status"]) == (o, i, s0):
                row["status"] = s1
                done.append("status")
        for o, a, b in REWORDED:
            if (row["organism"], row["initiative"]) == (o, a):
                row["initiative"] = b
                done.append("reworded")
        out.append(row)
    expected = {"deleted": len(DELETED), "renamed": len(RENAMED_THEMES), "status": len(STATUS_CHANGES),
                "reworded": len(REWORDED)}
    found = {k: done.count(k) for k in expected}
    if found != expected:
        raise ValueError(f"the sample no longer has the rows the simulation changes: applied {found}, "
                         f"expected {expected}")
    return out + [dict(r) for r in ADDED]


def _file_name(organism: str) -> str:
    return sample.FILES[organism].replace("2024", ROUND) if organism in sample.FILES else \
        f"{organism}_MCR_{ROUND}.xlsx"


def build(out_dir: Path = DEFAULT_OUT) -> list[Path]:
    """Write the simulated round into ``out_dir``; return the paths written."""
    rows = simulated_rows(sample.read_source())
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob("*.xlsx"):
        stale.unlink()
    written = []
    for organism in sample.FILES:
        if organism in SILENT:
            continue
        path = out_dir / _file_name(organism)
        if organism in COPIED:
            shutil.copyfile(RAW_2024 / sample.FILES[organism], path)
        else:
            path.write_bytes(sample.build_workbook(organism, [r for r in rows if r["organism"] == organism]))
        written.append(path)
    wb = Workbook()
    sample._long_sheet_sela(wb, NEW_ROWS)  # the long layout with an organism column
    wb.active.title = f"MCR {ROUND}"
    wb.properties.creator = sample.CREATOR
    wb.properties.title = f"MCR {ROUND} — {NEW_ORGANISM} (SIMULADO)"
    wb.properties.created = wb.properties.modified = sample.FIXED_TIME
    path = out_dir / _file_name(NEW_ORGANISM)
    path.write_bytes(sample._deterministic_bytes(wb))
    written.append(path)
    return sorted(written)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", type=Path, default=DEFAULT_OUT,
                        help=f"output folder (default: {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    for path in build(args.out_dir):
        print(path)
    for line in CHANGES:
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
