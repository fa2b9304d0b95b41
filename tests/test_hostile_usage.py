"""Issue 10, item 5 tried by hand: no command writes its outputs into the project's raw folder.

``mcr ingest`` refused ``--out`` inside the folder it reads, but not inside the
project's ``data/raw`` when it read one file or another folder: the outputs
(``mcr_tidy.xlsx`` among them) were then read back as submissions by the next
ingest.
"""

from __future__ import annotations

import pytest
from hostile_corpus import HEADER, ROWS, _text_rows, sheet_xml, write_xlsx

from mcr_analysis import cli, config


@pytest.fixture
def project(tmp_path, monkeypatch):
    raw = tmp_path / "data" / "raw"
    monkeypatch.setattr(config, "RAW_DIR", raw)
    write_xlsx(raw / "2024" / "CAN.xlsx", {"Matriz": sheet_xml(_text_rows([HEADER] + ROWS))})
    write_xlsx(tmp_path / "inbox" / "2024" / "SICA.xlsx", {"Matriz": sheet_xml(_text_rows([HEADER] + ROWS))})
    return tmp_path


@pytest.mark.parametrize("source, out", [
    ("data/raw/2024/CAN.xlsx", "data/raw/2024/o"),  # one file of the raw folder, --out next to it
    ("inbox/2024/SICA.xlsx", "data/raw/out"),      # a file from elsewhere, --out inside the raw folder
    ("inbox", "data/raw/2024/out"),               # another folder, --out inside the raw folder
])
def test_ingest_out_inside_the_project_raw_folder_is_refused(project, capsys, source, out):
    assert cli.main(["ingest", str(project / source), "--out", str(project / out), "--lang", "en"]) == 2
    raw = project / "data" / "raw"
    assert capsys.readouterr().err == (
        f"mcr ingest: error: --out {project / out} is inside the raw folder {raw}, whose files are read as "
        "submissions; choose an output folder outside it, e.g. --out data/processed\n")
    assert not (project / out).exists()


def test_ingest_of_one_file_into_an_outside_folder_still_works(project, capsys):
    assert cli.main(["ingest", str(project / "data/raw/2024/CAN.xlsx"), "--out", str(project / "P"), "-q"]) == 0
    assert (project / "P" / "mcr_tidy.csv").read_text(encoding="utf-8").count("\n") == 4  # header and 3 rows


def test_a_temporary_file_of_an_interrupted_run_in_the_raw_folder_is_skipped_not_read(project, capsys):
    # mcr init writes the sample workbooks through output sets; one killed mid-write leaves this behind.
    raw = project / "data" / "raw"
    (raw / "2024" / ".mcr-tmp-123-0a1b2c3d-SICA.xlsx").write_bytes(b"PK\x03\x04 half written")
    assert cli.main(["ingest", str(raw), "--out", str(project / "P"), "--strict", "--lang", "en", "-q"]) == 0
    report = (project / "P" / "mcr_validation_report.md").read_text(encoding="utf-8")
    assert ("| 2024/.mcr-tmp-123-0a1b2c3d-SICA.xlsx | 2024 |  |  | skipped | 0 | 0 | 0 | Temporary file of an "
            "interrupted mcr run: skipped |") in report


@pytest.mark.parametrize("argv, name, rows", [(["themes", "suggest"], "mcr_theme_suggestions.csv", 2),
                                              (["duplicates"], "mcr_duplicate_candidates.csv", 1)])
def test_review_csvs_parse_back_with_a_carriage_return_in_a_theme(tmp_path, capsys, argv, name, rows):
    import pandas as pd
    from conftest import make_tidy

    from mcr_analysis import outputs

    theme = "Pasos de\rfrontera integrados"
    tidy = make_tidy([("CAN", "transfronteriza", "proyectos", theme, "Pasos de frontera integrados: plan"),
                      ("SICA", "transfronteriza", "proyectos", "Pasos de frontera integrado",
                       "Pasos de frontera integrados: plan")])
    path = tmp_path / "tidy.csv"
    path.write_text(outputs.csv_text(tidy), encoding="utf-8")
    out = tmp_path / "review"
    assert cli.main([*argv, "--tidy", str(path), "--out", str(out), "--reference", str(tmp_path / "ref")]) == 0
    back = pd.read_csv(out / name, dtype=str, keep_default_na=False)
    assert len(back) == rows  # two themes in one cluster; one candidate pair
    assert theme in set(back.to_numpy().ravel())
