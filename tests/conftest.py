"""Small hand-built fixtures shared by the test modules."""

from __future__ import annotations

import os

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")
os.environ.setdefault("SOURCE_DATE_EPOCH", "1735689600")

TIDY_COLUMNS = [
    "round", "organism", "axis", "matrix", "criterion", "theme", "initiative",
    "description", "year", "status", "partners", "source_file", "source_sheet", "source_row",
]


def make_tidy(rows: list[tuple]) -> pd.DataFrame:
    """A tidy table from ``(organism, axis, criterion, theme[, initiative])`` tuples.

    Round is ``"2024"``; source columns number the rows so every row is distinct.
    """
    records = []
    for i, row in enumerate(rows, start=2):
        organism, axis, criterion, theme, *rest = row
        records.append({
            "round": "2024", "organism": organism, "axis": axis, "matrix": "",
            "criterion": criterion, "theme": theme,
            "initiative": rest[0] if rest else f"{organism} {theme}".strip(),
            "description": "", "year": pd.NA, "status": "", "partners": "",
            "source_file": f"2024/{organism}.xlsx", "source_sheet": "Matriz", "source_row": i,
        })
    frame = pd.DataFrame.from_records(records, columns=TIDY_COLUMNS)
    frame["year"] = frame["year"].astype("Int64")
    return frame


@pytest.fixture
def tidy_small() -> pd.DataFrame:
    """Three organisms on one axis, two criteria; themes chosen for easy arithmetic.

    transfronteriza / proyectos:  CAN {a, b}, SICA {a, c}, SELA {a}
    transfronteriza / normas:     CAN {x}
    """
    return make_tidy([
        ("CAN", "transfronteriza", "proyectos", "a"),
        ("CAN", "transfronteriza", "proyectos", "b"),
        ("SICA", "transfronteriza", "proyectos", "A"),
        ("SICA", "transfronteriza", "proyectos", "c"),
        ("SELA", "transfronteriza", "proyectos", "á"),
        ("CAN", "transfronteriza", "normas", "x"),
    ])
