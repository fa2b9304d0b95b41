"""Tests of the command line (ingest part)."""

from __future__ import annotations

import pytest
from fixtures_xlsx import build_workbook

from mcr_analysis import cli
from mcr_analysis.report import OUTPUT_NAMES


def _raw(tmp_path, bad=True):
    rows = [["Eje", "Criterio", "Tema"], ["Energía sostenible", "Normas", "x"]]
    if bad:
        rows.append(["Energía sostenible", "Proyectoz", "y"])
    build_workbook(tmp_path / "raw" / "2024" / "OTCA.xlsx", {"M": rows})
    return tmp_path / "raw"


def test_ingest_exits_0_with_rejects_and_writes_outputs(tmp_path, capsys):
    out = tmp_path / "processed"
    assert cli.main(["ingest", str(_raw(tmp_path)), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_NAMES)
    printed = capsys.readouterr().out
    assert printed.startswith("ingest: 1 files (1 loaded, 0 rejected, 0 unreadable); 1 tidy rows, 1 rejected rows")


def test_ingest_strict_exits_1_on_rejects(tmp_path, capsys):
    assert cli.main(["ingest", str(_raw(tmp_path)), "--out", str(tmp_path / "o"), "--strict"]) == 1
    assert "--strict: 1 rejected rows" in capsys.readouterr().err
    assert cli.main(["ingest", str(_raw(tmp_path, bad=False)), "--out", str(tmp_path / "o"), "--strict"]) == 0


def test_ingest_missing_folder_is_a_usage_error(tmp_path, capsys):
    assert cli.main(["ingest", str(tmp_path / "nowhere"), "--out", str(tmp_path / "o")]) == 2
    assert "nowhere does not exist; expected a folder of .xlsx submissions" in capsys.readouterr().err


def test_ingest_unknown_option_exits_2(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["ingest", "--bogus"])
    assert exc.value.code == 2
    assert "unrecognized arguments: --bogus" in capsys.readouterr().err
