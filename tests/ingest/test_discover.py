"""Tests of the raw-folder walk: every entry listed with what was done with it."""

from __future__ import annotations

import os

import pytest

from mcr_analysis.ingest import discover, load_submissions
from mcr_analysis.taxonomy import MCRDataError


def _actions(root):
    base, entries = discover.discover(root)
    assert base == root
    return [(e.path.relative_to(root).as_posix(), e.action, e.reason) for e in entries]


def test_every_entry_is_listed_with_what_is_done(tmp_path):
    (tmp_path / "2024" / "x.xlsx").mkdir(parents=True)
    (tmp_path / "2024" / "x.xlsx" / "CAN.xlsx").write_bytes(b"")
    for name in ("~$CAN.xlsx", ".~lock.CAN.xlsx#", "README.md", "notas.txt", "informe.pdf", ".DS_Store",
                 "SICA.ods", "ALADI.csv", "OTCA.xls", "CAN.xlsm"):
        (tmp_path / "2024" / name).write_bytes(b"")
    (tmp_path / ".git").mkdir()
    os.symlink("..", tmp_path / "2024" / "up")
    os.symlink("missing.xlsx", tmp_path / "2024" / "broken.xlsx")
    assert _actions(tmp_path) == [
        (".git", "skipped", "hidden folder: not read"),
        ("2024/.DS_Store", "skipped", discover.SYSTEM),
        ("2024/.~lock.CAN.xlsx#", "skipped", "workbook open in a spreadsheet program: skipped"),
        ("2024/ALADI.csv", "read", ""),
        ("2024/CAN.xlsm", "read", ""),
        ("2024/OTCA.xls", "read", ""),
        ("2024/README.md", "skipped", "not a submission (notes about the folder): skipped"),
        ("2024/SICA.ods", "read", ""),
        ("2024/broken.xlsx", "skipped", "broken symbolic link (to missing.xlsx): skipped"),
        ("2024/informe.pdf", "unsupported", "unsupported file type '.pdf', not read; expected .xlsx, .xlsm, .xls, "
                                            ".ods or .csv (open it and save the matrix as .xlsx)"),
        ("2024/notas.txt", "skipped", "not a submission (notes about the folder): skipped"),
        ("2024/up", "skipped", "symbolic link loop (to ..): not followed"),
        ("2024/x.xlsx", "skipped", "a folder named like a workbook: not a file; the files inside it are read "
                                   "with the rest"),
        ("2024/x.xlsx/CAN.xlsx", "read", ""),
        ("2024/~$CAN.xlsx", "skipped", "workbook open in a spreadsheet program: skipped"),
    ]


def test_a_folder_is_read_once_under_its_own_name(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "CAN.xlsx").write_bytes(b"")
    os.symlink("real", tmp_path / "alias")
    (tmp_path / "real" / "sub").mkdir()
    os.symlink("../..", tmp_path / "real" / "sub" / "top")
    assert _actions(tmp_path) == [
        ("alias", "skipped", "symbolic link to a folder already read (to real): not followed"),
        ("real/CAN.xlsx", "read", ""),
        ("real/sub/top", "skipped", "symbolic link loop (to ../..): not followed")]


def test_one_file_that_is_not_a_submission_is_a_clear_error(tmp_path):
    path = tmp_path / "README.md"
    path.write_text("notas", encoding="utf-8")
    with pytest.raises(MCRDataError, match=r"README\.md is not a workbook or a folder of submissions \(not a "
                                           r"submission \(notes about the folder\): skipped\); expected \.xlsx, "
                                           r"\.xlsm, \.xls, \.ods or \.csv file, or a folder of them"):
        load_submissions(path)
    with pytest.raises(FileNotFoundError, match=r"missing does not exist; expected a folder"):
        load_submissions(tmp_path / "missing")


def test_lock_files_are_skipped_not_rejected(tmp_path):
    (tmp_path / "~$CAN.xlsx").write_bytes(b"\x07usuario" + b"\0" * 150)
    (tmp_path / ".~lock.CAN.xlsx#").write_text("usuario,equipo,/home,01.12.2026 10:00,\n", encoding="utf-8")
    result = load_submissions(tmp_path)
    assert result.rejects.empty
    assert result.files[["source_file", "status", "reason"]].values.tolist() == [
        [".~lock.CAN.xlsx#", "skipped", "workbook open in a spreadsheet program: skipped"],
        ["~$CAN.xlsx", "skipped", "workbook open in a spreadsheet program: skipped"]]


def test_unsupported_files_are_file_level_rejects(tmp_path):
    (tmp_path / "matriz.docx").write_bytes(b"PK")
    result = load_submissions(tmp_path)
    assert result.files[["status", "reason"]].values.tolist() == [
        ["unreadable", "unsupported file type '.docx', not read; expected .xlsx, .xlsm, .xls, .ods or .csv "
                       "(open it and save the matrix as .xlsx)"]]
    assert result.rejects[["source_file", "source_sheet", "reason"]].values.tolist() == [
        ["matriz.docx", "", result.files.loc[0, "reason"]]]
