"""Tests of the command line: exit codes and messages of every command."""

from __future__ import annotations

import pytest
from fixtures_xlsx import build_messy_folder, build_workbook

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


def test_ingest_out_that_is_a_file_is_a_usage_error(tmp_path, capsys):
    target = tmp_path / "taken.csv"
    target.write_text("x", encoding="utf-8")
    assert cli.main(["ingest", str(_raw(tmp_path)), "--out", str(target)]) == 2
    assert "is a file; expected a folder" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "x"


def test_other_commands_report_usage_errors(tmp_path, capsys):
    for argv, message in [
        (["appendix", "--formats", "gif"], "invalid formats 'gif': expected a comma-separated list of svg, pdf, png"),
        (["appendix", "--jobs", "0"], "invalid --jobs '0': expected a whole number >= 1"),
        (["appendix", "--kind", "pie"], "invalid choice: 'pie'"),
        (["scores", "--lang", "fr"], "invalid choice: 'fr'"),
    ]:
        with pytest.raises(SystemExit) as exc:
            cli.main(argv)
        assert exc.value.code == 2
        assert message in capsys.readouterr().err


@pytest.mark.parametrize("command", ["scores", "appendix"])
def test_missing_tidy_table_is_a_usage_error(tmp_path, capsys, command):
    assert cli.main([command, "--tidy", str(tmp_path / "none.csv"), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert f"mcr {command}: error:" in err and "none.csv does not exist" in err
    assert "run it first" in err
    assert not (tmp_path / "o").exists()


def test_ingest_unknown_option_exits_2(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["ingest", "--bogus"])
    assert exc.value.code == 2
    assert "unrecognized arguments: --bogus" in capsys.readouterr().err


def test_ingest_of_a_messy_folder_reports_every_problem(tmp_path, capsys):
    raw, out = build_messy_folder(tmp_path / "raw"), tmp_path / "processed"
    assert cli.main(["ingest", str(raw), "--out", str(out)]) == 0
    # 11 entries: 6 loaded, 1 rejected (no organism), 2 unreadable, a lock file and LEEME.txt skipped;
    # 16 tidy rows; 15 rejects
    assert capsys.readouterr().out.startswith(
        "ingest: 11 files (6 loaded, 1 rejected, 2 unreadable); 16 tidy rows, 15 rejected rows, 1 sheets skipped")
    report = (out / "mcr_validation_report.md").read_text(encoding="utf-8")
    assert "| 2024/CAN_matriz_2024.xlsx | 2024 | CAN | metadata | loaded | 7 | 4 | 3 |  |" in report
    assert ("| 2024/~$CAN_matriz_2024.xlsx | 2024 |  |  | skipped | 0 | 0 | 0 | workbook open in a spreadsheet "
            "program: skipped") in report
    assert "| 2024/SICA.xlsx | Instrucciones | no recognisable header" in report
    # AEC sent nothing in 2024 although the participation table lists it on transfronteriza
    axis = "Integración transfronteriza e infraestructura física (transfronteriza)"
    assert any(line.startswith(f"| 2024 | {axis} | AEC") for line in report.splitlines())
    assert cli.main(["ingest", str(raw), "--out", str(out), "--strict"]) == 1
    assert capsys.readouterr().err == "mcr ingest: --strict: 15 rejected rows\n"
