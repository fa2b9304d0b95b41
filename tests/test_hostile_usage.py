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
    assert cli.main(["ingest", str(project / source), "--out", str(project / out)]) == 2
    raw = project / "data" / "raw"
    assert capsys.readouterr().err == (
        f"mcr ingest: error: --out {project / out} is inside the raw folder {raw}, whose files are read as "
        "submissions; choose an output folder outside it, e.g. --out data/processed\n")
    assert not (project / out).exists()


def test_ingest_of_one_file_into_an_outside_folder_still_works(project, capsys):
    assert cli.main(["ingest", str(project / "data/raw/2024/CAN.xlsx"), "--out", str(project / "P"), "-q"]) == 0
    assert (project / "P" / "mcr_tidy.csv").read_text(encoding="utf-8").count("\n") == 4  # header and 3 rows
