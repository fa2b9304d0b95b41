"""Tests of mcr_analysis.round_participation: the participation table per round and the project's own file."""

from __future__ import annotations

import pytest

from mcr_analysis import round_participation
from mcr_analysis import taxonomy as tx


# ----------------------------------------------------------------------------- round-aware participation

def _write_participation(tmp_path, text):
    path = tmp_path / "participation.tsv"
    path.write_text(text, encoding="utf-8")
    return path


def test_package_participation_holds_for_every_round():
    table = round_participation.participation_table(["2024", "2025"], reference=False)
    book = tx.participation()[["axis", "organism"]].drop_duplicates()
    # 40 (matrix, organism) rows, 27 distinct (axis, organism) pairs, once per round
    assert len(book) == 5 + 4 + 6 + 4 + 4 + 4 == 27
    assert len(table) == 2 * 27
    assert set(table["round"]) == {"2024", "2025"}


def test_project_file_overrides_one_round_and_star_the_others(tmp_path):
    path = _write_participation(tmp_path, (
        "round\tmatrix\taxis\torganism\n"
        "2025\t\tenergia_sostenible\tComunidad Andina\n"
        "2025\tCooperación transfronteriza\ttransfronteriza\tSELA\n"
        "\t\t\t\n"  # a blank line is skipped
    ))
    table = round_participation.participation_table(["2024", "2025"], reference=path)
    in_2025 = table[table["round"] == "2025"]
    # 2025 is defined wholly by the project file: 2 rows
    assert in_2025[["axis", "organism"]].values.tolist() == [["energia_sostenible", "CAN"], ["transfronteriza", "SELA"]]
    # 2024 keeps the book's table
    assert len(table[table["round"] == "2024"]) == 27
    star = _write_participation(tmp_path, "round\tmatrix\taxis\torganism\n*\t\ttransfronteriza\tAEC\n")
    assert round_participation.participation_table(["2030"], reference=star).values.tolist() == [["2030", "transfronteriza", "AEC"]]


def test_project_participation_errors_name_every_line(tmp_path):
    path = _write_participation(tmp_path, (
        "round\tmatrix\taxis\torganism\n"
        "2025\t\ttransfronteriza\tCAN\n"
        "\t\ttransfronteriza\tCAN\n"
        "2025\t\tcadenas\tSICA\n"
        "2025\t\ttransfronteriza\tNOPE\n"
    ))
    with pytest.raises(tx.MCRDataError, match=(
            r"participation.tsv: line 3: empty round; expected a round such as 2025 or '\*'; "
            r"line 4: axis 'cadenas' not recognised \(unknown axis 'cadenas'.*\); "
            r"line 5: organism 'NOPE' not recognised")):
        round_participation.read_participation(path)
    bad_header = _write_participation(tmp_path, "round\taxis\torganism\n2025\ttransfronteriza\tCAN\n")
    with pytest.raises(tx.MCRDataError, match=r"line 1: missing columns \['matrix'\]"):
        round_participation.read_participation(bad_header)


def test_project_file_in_data_reference_is_used_by_default(tmp_path, monkeypatch):
    ref = tmp_path / "data" / "reference"
    ref.mkdir(parents=True)
    (ref / "participation.tsv").write_text("round\tmatrix\taxis\torganism\n2025\t\ttransfronteriza\tOTCA\n",
                                           encoding="utf-8")
    from mcr_analysis import config

    monkeypatch.setattr(config, "PROJECT_ROOT", tmp_path)
    assert round_participation.project_participation_file() == ref / "participation.tsv"
    table = round_participation.participation_table(["2025"])
    assert table.values.tolist() == [["2025", "transfronteriza", "OTCA"]]
