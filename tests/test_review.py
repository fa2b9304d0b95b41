"""Tests of mcr_analysis.review: the decision files shared by ``mcr themes`` and ``mcr duplicates``."""

from __future__ import annotations

import pandas as pd
import pytest

from mcr_analysis import review
from mcr_analysis.taxonomy import MCRDataError

COLUMNS = ["variant", "canonical", "date", "note"]


def test_merge_decisions_keeps_the_later_decision_on_a_key_in_file_order(tmp_path):
    path = tmp_path / "theme_synonyms.tsv"
    path.write_text("variant\tcanonical\tdate\tnote\nPasos\tPasos de frontera\t2025-01-01\ta\n"
                    "Aduanas\tAduana\t2025-01-01\tb\n", encoding="utf-8")
    old = review.read_decisions(path, COLUMNS)
    new = [{"variant": "PASOS ", "canonical": "Frontera", "date": "2025-02-01", "note": "c"},
           {"variant": "Riego", "canonical": "Irrigación", "date": "2025-02-01", "note": "d"},
           {"variant": "riego", "canonical": "Riego", "date": "2025-02-02", "note": "e"}]
    merged = review.merge_decisions(old, new, COLUMNS, key=lambda r: r["variant"].strip().casefold())
    assert merged.values.tolist() == [["Aduanas", "Aduana", "2025-01-01", "b"],
                                      ["PASOS ", "Frontera", "2025-02-01", "c"],
                                      ["riego", "Riego", "2025-02-02", "e"]]
    assert old["variant"].tolist() == ["Pasos", "Aduanas"]  # not modified
    review.write_decisions(path, merged, COLUMNS)
    assert review.read_decisions(path, COLUMNS)["note"].tolist() == ["b", "c", "e"]


def test_merge_decisions_of_nothing_is_an_empty_table():
    merged = review.merge_decisions(pd.DataFrame(columns=COLUMNS, dtype=object), [], COLUMNS, key=lambda r: r)
    assert merged.columns.tolist() == COLUMNS and merged.empty


def test_read_decisions_refuses_other_columns(tmp_path):
    path = tmp_path / "d.tsv"
    path.write_text("variant\tcanon\n", encoding="utf-8")
    with pytest.raises(MCRDataError, match=r"d.tsv: columns \['variant', 'canon'\]; expected exactly "
                                           r"\['variant', 'canonical', 'date', 'note'\]"):
        review.read_decisions(path, COLUMNS)
