"""Tests of the command line: exit codes and messages of every command."""

from __future__ import annotations

import re
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
    assert printed.startswith("ingesta: 1 archivo (1 cargado, 0 rechazados, 0 ilegibles, 0 omitidos); 1 fila "
                              "ordenada, 1 fila rechazada")
    assert cli.main(["ingest", str(_raw(tmp_path)), "--out", str(out), "--lang", "en"]) == 0
    assert capsys.readouterr().out.startswith(
        "ingest: 1 file (1 loaded, 0 rejected, 0 unreadable, 0 skipped); 1 tidy row, 1 rejected row")


def test_ingest_strict_exits_1_on_rejects(tmp_path, capsys):
    assert cli.main(["ingest", str(_raw(tmp_path)), "--out", str(tmp_path / "o"), "--strict"]) == 1
    assert "mcr ingest: --strict: 1 fila rechazada\n" in capsys.readouterr().err
    assert cli.main(["ingest", str(_raw(tmp_path, bad=False)), "--out", str(tmp_path / "o"), "--strict"]) == 0


def test_ingest_missing_folder_is_a_usage_error(tmp_path, capsys):
    assert cli.main(["ingest", str(tmp_path / "nowhere"), "--out", str(tmp_path / "o")]) == 2
    assert "nowhere no existe; se esperaba una carpeta de envíos .xlsx" in capsys.readouterr().err
    assert cli.main(["ingest", str(tmp_path / "nowhere"), "--lang", "en"]) == 2
    assert "nowhere does not exist; expected a folder of .xlsx submissions" in capsys.readouterr().err


def test_ingest_out_that_is_a_file_is_a_usage_error(tmp_path, capsys):
    target = tmp_path / "taken.csv"
    target.write_text("x", encoding="utf-8")
    assert cli.main(["ingest", str(_raw(tmp_path)), "--out", str(target)]) == 2
    assert "es un archivo; se esperaba una carpeta" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "x"


def test_other_commands_report_usage_errors(tmp_path, capsys):
    for argv, message in [
        (["appendix", "--formats", "gif"],
         "formatos no válidos 'gif': se esperaba una lista separada por comas de svg, pdf, png"),
        (["appendix", "--formats", "gif", "--lang", "en"],
         "invalid formats 'gif': expected a comma-separated list of svg, pdf, png"),
        (["appendix", "--jobs", "0"], "--jobs '0' no válido: se esperaba un número entero >= 1"),
        (["appendix", "--kind", "pie"],
         "mcr appendix: error: argumento --kind: valor no válido 'pie'; se esperaba uno de: auto, venn, upset"),
        (["scores", "--lang", "fr"],
         "mcr scores: error: argumento --lang: valor no válido 'fr'; se esperaba uno de: es, en"),
    ]:
        with pytest.raises(SystemExit) as exc:
            cli.main(argv)
        assert exc.value.code == 2
        assert message in capsys.readouterr().err


@pytest.mark.parametrize("command", ["scores", "appendix"])
def test_missing_tidy_table_is_a_usage_error(tmp_path, capsys, command):
    assert cli.main([command, "--tidy", str(tmp_path / "none.csv"), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert f"mcr {command}: error:" in err and "none.csv no existe" in err
    assert "ejecútelo antes" in err
    assert not (tmp_path / "o").exists()


def test_ingest_unknown_option_exits_2(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["ingest", "--bogus"])
    assert exc.value.code == 2
    assert "mcr: error: argumentos no reconocidos: --bogus" in capsys.readouterr().err


def test_ingest_of_a_messy_folder_reports_every_problem(tmp_path, capsys):
    raw, out = build_messy_folder(tmp_path / "raw"), tmp_path / "processed"
    assert cli.main(["ingest", str(raw), "--out", str(out), "--lang", "en"]) == 0
    # 11 entries: 6 loaded, 1 rejected (no organism), 2 unreadable, a lock file and LEEME.txt skipped;
    # 17 tidy rows (the year range "2023/24" is a warning); 14 rejects (16 before, less that year and the lock file)
    assert capsys.readouterr().out.startswith(
        "ingest: 11 files (6 loaded, 1 rejected, 2 unreadable, 2 skipped); 17 tidy rows, 14 rejected rows, "
        "1 sheet skipped")
    report = (out / "mcr_validation_report.md").read_text(encoding="utf-8")
    assert "| 2024/CAN_matriz_2024.xlsx | 2024 | CAN | metadata cell | loaded | 7 | 4 | 3 |  |" in report
    assert ("| 2024/~$CAN_matriz_2024.xlsx | 2024 |  |  | skipped | 0 | 0 | 0 | Workbook open in a spreadsheet "
            "program (a ~$… lock file): skipped") in report
    assert "| 2024/SICA.xlsx | Instrucciones | 2 | No recognisable header" in report
    assert cli.main(["ingest", str(raw), "--out", str(out)]) == 0
    assert capsys.readouterr().out.startswith(
        "ingesta: 11 archivos (6 cargados, 1 rechazado, 2 ilegibles, 2 omitidos); 17 filas ordenadas, "
        "14 filas rechazadas, 1 hoja omitida")
    report = (out / "mcr_validation_report.md").read_text(encoding="utf-8")
    assert "| 2024/CAN_matriz_2024.xlsx | 2024 | CAN | celda de metadatos | cargado | 7 | 4 | 3 |  |" in report
    assert ("| 2024/~$CAN_matriz_2024.xlsx | 2024 |  |  | omitido | 0 | 0 | 0 | Libro abierto en una hoja de "
            "cálculo (archivo de bloqueo ~$…): se omite") in report
    assert "| 2024/SICA.xlsx | Instrucciones | 2 | Sin encabezado reconocible" in report
    # AEC sent nothing in 2024 although the participation table lists it on transfronteriza
    axis = "Integración transfronteriza e infraestructura física (transfronteriza)"
    assert any(line.startswith(f"| 2024 | {axis} | AEC") for line in report.splitlines())
    assert cli.main(["ingest", str(raw), "--out", str(out), "--strict", "-q"]) == 1
    assert capsys.readouterr().err == "mcr ingest: --strict: 14 filas rechazadas\n"


# ----------------------------------------------------------------------------- issue 10: outputs and paths
def _ingest(tmp_path, capsys, bad=False):
    out = tmp_path / "processed"
    assert cli.main(["ingest", str(_raw(tmp_path, bad=bad)), "--out", str(out)]) == 0
    capsys.readouterr()
    return out


def test_ingest_that_loads_nothing_keeps_the_previous_table_and_exits_1(tmp_path, capsys):
    out = _ingest(tmp_path, capsys)
    before = {n: (out / n).read_bytes() for n in OUTPUT_NAMES}
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "CAN.xlsx").write_bytes(b"not a zip")
    assert cli.main(["ingest", str(broken), "--out", str(out), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "ingest: 1 file (0 loaded, 0 rejected, 1 unreadable, 0 skipped); 0 tidy rows" in err
    assert "  CAN.xlsx: Not a readable workbook; expected an .xlsx saved by Excel or LibreOffice" in err
    assert (f"mcr ingest: error: no row was loaded, so {out / 'mcr_tidy.csv'} (a previous table with 1 row) "
            "was kept and nothing was written; fix the files listed above, or pass --force") in err
    assert cli.main(["ingest", str(broken), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "ingesta: 1 archivo (0 cargados, 0 rechazados, 1 ilegible, 0 omitidos); 0 filas ordenadas" in err
    assert "  CAN.xlsx: No es un libro legible; se espera un .xlsx guardado por Excel o LibreOffice" in err
    assert (f"mcr ingest: error: no se cargó ninguna fila, así que {out / 'mcr_tidy.csv'} (una tabla anterior con "
            "1 fila) se conservó y no se escribió nada; corrija los archivos indicados arriba o use --force") in err
    assert {n: (out / n).read_bytes() for n in OUTPUT_NAMES} == before
    # --force replaces it on purpose.
    assert cli.main(["ingest", str(broken), "--out", str(out), "--force"]) == 0
    assert (out / "mcr_tidy.csv").read_text(encoding="utf-8").count("\n") == 1  # header only


def test_ingest_of_a_file_that_is_not_a_workbook_is_a_usage_error(tmp_path, capsys):
    out = _ingest(tmp_path, capsys)
    before = (out / "mcr_tidy.csv").read_bytes()
    readme = tmp_path / "README.md"
    readme.write_text("# hello", encoding="utf-8")
    assert cli.main(["ingest", str(readme), "--out", str(out)]) == 2
    assert capsys.readouterr().err == (f"mcr ingest: error: {readme} no es un libro; se esperaba una carpeta de "
                                       "envíos .xlsx o un archivo .xlsx\n")
    assert (out / "mcr_tidy.csv").read_bytes() == before


@pytest.mark.parametrize("command", ["ingest", "scores", "appendix"])
def test_out_below_or_at_a_file_is_a_usage_error(tmp_path, capsys, command):
    out = _ingest(tmp_path, capsys)
    taken = tmp_path / "taken.txt"
    taken.write_text("x", encoding="utf-8")
    head = [command, str(_raw(tmp_path))] if command == "ingest" else [command, "--tidy", str(out / "mcr_tidy.csv")]
    assert cli.main([*head, "--out", str(taken), "--lang", "en"]) == 2
    assert capsys.readouterr().err == (f"mcr {command}: error: --out {taken} is a file; expected a folder (it is "
                                       "created if missing); choose another --out\n")
    assert cli.main([*head, "--out", str(taken)]) == 2
    assert capsys.readouterr().err == (f"mcr {command}: error: --out {taken} es un archivo; se esperaba una carpeta "
                                       "(se crea si falta); elija otra --out\n")
    assert cli.main([*head, "--out", str(taken / "sub"), "--lang", "en"]) == 2
    assert capsys.readouterr().err == (f"mcr {command}: error: --out {taken / 'sub'} cannot be created: {taken} is "
                                       "a file; expected a folder (it is created if missing); choose another --out\n")
    assert taken.read_text(encoding="utf-8") == "x"


@pytest.mark.parametrize("command", ["ingest", "scores", "appendix"])
def test_empty_out_is_a_usage_error(tmp_path, capsys, command):
    with pytest.raises(SystemExit) as exc:
        cli.main([command, "--out", "", "--lang", "en"])
    assert exc.value.code == 2
    assert "argument --out: empty path '': give a folder, e.g. --out data/processed" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main([command, "--out", ""])
    assert "ruta vacía '': indique una carpeta, p. ej. --out data/processed" in capsys.readouterr().err


def test_out_folder_that_cannot_be_written_is_a_usage_error(tmp_path, capsys, monkeypatch):
    from mcr_analysis.commands import _common

    monkeypatch.setattr(_common.os, "access", lambda path, mode: False)
    out = tmp_path / "locked" / "out"
    assert cli.main(["ingest", str(_raw(tmp_path)), "--out", str(out), "--lang", "en"]) == 2
    assert capsys.readouterr().err == (f"mcr ingest: error: --out {out}: cannot write in {tmp_path} (permission "
                                       "denied); choose a folder you can write to with --out\n")
    assert cli.main(["ingest", str(_raw(tmp_path)), "--out", str(out)]) == 2
    assert capsys.readouterr().err == (f"mcr ingest: error: --out {out}: no se puede escribir en {tmp_path} "
                                       "(permiso denegado); elija con --out una carpeta donde pueda escribir\n")
    assert not (tmp_path / "locked").exists()


@pytest.mark.parametrize("command", ["scores", "appendix"])
def test_tidy_that_is_not_a_table_is_a_usage_error(tmp_path, capsys, command):
    png = tmp_path / "figure.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    readme = tmp_path / "README.md"
    readme.write_text("# x\n", encoding="utf-8")
    fake = tmp_path / "figure.parquet"
    fake.write_bytes(b"\x89PNG\r\n\x1a\nxxxx")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    wrong = tmp_path / "other.csv"
    wrong.write_text("a,b\n1,2\n", encoding="utf-8")
    out = tmp_path / "o"
    cases = [
        (png, f"--tidy {png} is not a tidy MCR table (it cannot be read as a UTF-8 CSV file (UnicodeDecodeError"),
        (fake, f"--tidy {fake} is not a tidy MCR table (it cannot be read as Parquet (ArrowInvalid: "),
        (empty, f"--tidy {empty} is not a tidy MCR table (it cannot be read as a UTF-8 CSV file (EmptyDataError: "),
        (readme, f"--tidy {readme} is not a tidy table (expected a .csv or .parquet file); pass the mcr_tidy.csv"),
        (wrong, f"--tidy {wrong} is not a tidy MCR table (missing columns ['round',"),
        (tmp_path, f"--tidy {tmp_path} is a folder; expected the file mcr_tidy.csv"),
    ]
    for path, message in cases:
        assert cli.main([command, "--tidy", str(path), "--out", str(out)]) == 2
        assert capsys.readouterr().err.startswith(f"mcr {command}: error: --tidy {path} ")
        assert cli.main([command, "--tidy", str(path), "--out", str(out), "--lang", "en"]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"mcr {command}: error: ") and "Traceback" not in err
        assert message in err, err
        assert err.count("written by 'mcr ingest'") == 1
    assert not out.exists()


@pytest.mark.parametrize("command", ["scores", "appendix"])
def test_out_inside_the_raw_folder_is_refused(tmp_path, capsys, monkeypatch, command):
    from mcr_analysis import config

    out = _ingest(tmp_path, capsys)
    monkeypatch.setattr(config, "RAW_DIR", tmp_path / "raw")
    inside = tmp_path / "raw" / "2024" / "out"
    assert cli.main([command, "--tidy", str(out / "mcr_tidy.csv"), "--out", str(inside), "--lang", "en"]) == 2
    assert capsys.readouterr().err == (
        f"mcr {command}: error: --out {inside} is inside the raw folder {tmp_path / 'raw'}, whose files are read "
        "as submissions; choose an output folder outside it, e.g. --out data/processed\n")
    assert not inside.exists()


@pytest.mark.parametrize("value", ["", "   ", "abc", "1.5"])
def test_unusable_source_date_epoch_is_treated_as_unset_by_every_command(tmp_path, capsys, monkeypatch, value):
    out = _ingest(tmp_path, capsys)
    note = (f"note: SOURCE_DATE_EPOCH={value!r} is not a whole number of seconds; ignored, treated as unset "
            "(set it to a whole number of seconds, or unset it)\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    assert cli.main(["ingest", str(_raw(tmp_path)), "--out", str(out), "-q", "--lang", "en"]) == 0
    assert capsys.readouterr().err == f"mcr ingest: {note}"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    assert cli.main(["scores", "--tidy", str(out / "mcr_tidy.csv"), "--out", str(tmp_path / "s"), "-q"]) == 0
    assert capsys.readouterr().err == (f"mcr scores: nota: SOURCE_DATE_EPOCH={value!r} no es un número entero de "
                                       "segundos; se ignora y se trata como no definida (póngala en un número entero "
                                       "de segundos o quítela)\n")
    unset = (tmp_path / "s" / "mcr_scores.xlsx").read_bytes()
    assert "SOURCE_DATE_EPOCH" not in __import__("os").environ  # removed before any work, for the workers too
    for epoch, same in (("1735689600", True), ("1700000000", False)):  # the default date, another date
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        assert cli.main(["scores", "--tidy", str(out / "mcr_tidy.csv"), "--out", str(tmp_path / epoch)]) == 0
        assert ((tmp_path / epoch / "mcr_scores.xlsx").read_bytes() == unset) is same


def test_a_second_run_into_a_busy_folder_stops_with_a_usage_error(tmp_path, capsys, monkeypatch):
    import subprocess
    import sys
    from pathlib import Path

    from mcr_analysis import outputs

    out = _ingest(tmp_path, capsys)
    before = (out / "mcr_tidy.csv").read_bytes()
    root = Path(__file__).resolve().parent.parent
    code = ("import sys\nfrom mcr_analysis import outputs\nwith outputs.folder_lock(sys.argv[1]):\n"
            "    print('held', flush=True)\n    sys.stdin.readline()\n")
    holder = subprocess.Popen([sys.executable, "-c", code, str(out)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True, env={**__import__("os").environ, "PYTHONPATH": str(root)})
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setattr(outputs, "LOCK_WAIT", 0.1)
        assert cli.main(["ingest", str(_raw(tmp_path, bad=True)), "--out", str(out), "--lang", "en", "-q"]) == 2
        assert capsys.readouterr().err == (
            f"mcr ingest: error: {out} is being written by another mcr run (its lock .mcr.lock is held); wait for "
            "that run to finish and try again, or choose another output folder with --out\n")
        assert cli.main(["ingest", str(_raw(tmp_path, bad=True)), "--out", str(out), "-q"]) == 2
        assert capsys.readouterr().err == (
            f"mcr ingest: error: {out} lo está escribiendo otra ejecución de mcr (su bloqueo .mcr.lock está tomado); "
            "espere a que termine y vuelva a intentarlo, o elija otra carpeta de salida con --out\n")
    finally:
        holder.kill()
        holder.communicate()
    assert (out / "mcr_tidy.csv").read_bytes() == before


@pytest.mark.parametrize("argv, message", [
    (["ingest", "", "--lang", "en"], "argument raw_dir: empty path '': give the path of an existing file or folder"),
    (["scores", "--tidy", " ", "--lang", "en"],
     "argument --tidy: empty path ' ': give the path of an existing file or folder"),
    (["appendix", "--tidy", ""], "ruta vacía '': indique la ruta de un archivo o carpeta que exista"),
])
def test_empty_input_paths_are_usage_errors(capsys, argv, message):
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_ingest_out_inside_the_folder_it_reads_is_refused(tmp_path, capsys):
    raw = _raw(tmp_path)
    assert cli.main(["ingest", str(raw), "--out", str(raw / "out")]) == 2
    assert capsys.readouterr().err == (
        f"mcr ingest: error: --out {raw / 'out'} está dentro de la carpeta de envíos {raw}, cuyos archivos se leen "
        "como envíos; elija una carpeta de salida fuera de ella, p. ej. --out data/processed\n")
    assert not (raw / "out").exists()


def test_scores_reads_a_tidy_table_only_after_an_interrupted_set_is_finished(tmp_path, capsys):
    from mcr_analysis import outputs

    out = _ingest(tmp_path, capsys)
    good = (out / "mcr_tidy.csv").read_bytes()
    # An ingest killed during its renames: the new table is complete under its temporary name.
    (out / "mcr_tidy.csv").write_text("half", encoding="utf-8")
    (out / f"{outputs.TEMP_PREFIX}1-x-mcr_tidy.csv").write_bytes(good)
    (out / outputs.JOURNAL_NAME).write_text(f"rename\t{outputs.TEMP_PREFIX}1-x-mcr_tidy.csv\tmcr_tidy.csv\n",
                                            encoding="utf-8")
    assert cli.main(["scores", "--tidy", str(out / "mcr_tidy.csv"), "--out", str(tmp_path / "s")]) == 0
    assert (out / "mcr_tidy.csv").read_bytes() == good
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_NAMES)


@pytest.mark.parametrize("command", ["ingest", "scores", "appendix"])
def test_out_folder_the_system_refuses_to_create_is_a_usage_error(tmp_path, capsys, command):
    tidy = _ingest(tmp_path, capsys) / "mcr_tidy.csv"
    out = tmp_path / ("x" * 300)  # longer than any file system allows for one name
    head = [command, str(_raw(tmp_path))] if command == "ingest" else [command, "--tidy", str(tidy)]
    assert cli.main([*head, "--out", str(out), "--lang", "en"]) == 2
    assert capsys.readouterr().err == (f"mcr {command}: error: --out {out}: cannot create the folder (File name too "
                                       "long); choose a folder you can write to with --out\n")


def test_ingest_of_a_name_too_long_for_the_system_is_a_usage_error(tmp_path, capsys):
    raw = tmp_path / ("r" * 300)
    assert cli.main(["ingest", str(raw), "--out", str(tmp_path / "o")]) == 2
    assert capsys.readouterr().err == (f"mcr ingest: error: {raw} no existe; se esperaba una carpeta de envíos .xlsx "
                                       "o un archivo .xlsx\n")


@pytest.mark.parametrize("command", ["scores", "appendix"])
def test_tidy_name_too_long_for_the_system_is_a_usage_error(tmp_path, capsys, command):
    tidy = tmp_path / ("t" * 300 + ".csv")
    assert cli.main([command, "--tidy", str(tidy), "--out", str(tmp_path / "o")]) == 2
    assert f"mcr {command}: error: {tidy} no existe; se esperaba la tabla ordenada" in capsys.readouterr().err


def _two_round_tidy(tmp_path):
    from conftest import make_tidy

    import pandas as pd

    tidy = pd.concat([make_tidy([("CAN", "transfronteriza", "normas", "x"), ("SICA", "transfronteriza", "normas", "x")]),
                      make_tidy([("CAN", "transfronteriza", "normas", "x")]).assign(round="2025")])
    path = tmp_path / "tidy.csv"
    tidy.to_csv(path, index=False)
    return path


def test_scores_reads_the_latest_round_unless_told(tmp_path, capsys):
    import pandas as pd

    path = _two_round_tidy(tmp_path)
    assert cli.main(["scores", "--tidy", str(path), "--out", str(tmp_path / "a")]) == 0
    assert set(pd.read_csv(tmp_path / "a" / "mcr_scores.csv", dtype=str)["round"]) == {"2025"}
    assert cli.main(["scores", "--tidy", str(path), "--out", str(tmp_path / "b"), "--round", "2024"]) == 0
    assert set(pd.read_csv(tmp_path / "b" / "mcr_scores.csv", dtype=str)["round"]) == {"2024"}
    assert cli.main(["scores", "--tidy", str(path), "--out", str(tmp_path / "c"), "--round", "all"]) == 0
    assert set(pd.read_csv(tmp_path / "c" / "mcr_scores.csv", dtype=str)["round"]) == {"2024", "2025"}
    capsys.readouterr()


@pytest.mark.parametrize("command", ["scores", "appendix"])
def test_unknown_round_is_a_usage_error(tmp_path, capsys, command):
    path = _two_round_tidy(tmp_path)
    assert cli.main([command, "--tidy", str(path), "--out", str(tmp_path / "o"), "--round", "2030"]) == 2
    assert f"mcr {command}: error: --round '2030' no está en {path}; rondas encontradas: 2024, 2025" in (
        capsys.readouterr().err)
    assert cli.main([command, "--tidy", str(path), "--round", "2030", "--lang", "en"]) == 2
    assert f"mcr {command}: error: --round '2030' is not in {path}; rounds found: 2024, 2025" in capsys.readouterr().err


# ------------------------------------------------------------- one command line (issue 13)
def test_version_and_bare_mcr_prints_the_help(capsys):
    import mcr_analysis

    with pytest.raises(SystemExit) as exc:
        cli.main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out == f"mcr {mcr_analysis.__version__}\n"
    assert cli.main([]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("uso: mcr [-h] [--version]")
    assert "órdenes:" in out and "Códigos de salida: 0 correcto, 1 problema en los datos, 2 error de uso." in out
    assert err == ""


def test_help_follows_lang(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["scores", "--help", "--lang", "en"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: mcr scores ")
    assert re.search(r"-q, --quiet +no progress messages on standard error", out)


def test_unknown_command_is_a_usage_error_with_the_allowed_ones(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["draw"])
    assert exc.value.code == 2
    assert ("mcr: error: argumento {init,ingest,scores,appendix,compare,brief,themes,duplicates,template,check}: valor no válido 'draw'; "
            "se esperaba uno de: init, ingest, scores, appendix, compare, brief, themes, duplicates, template, check") in capsys.readouterr().err


@pytest.mark.parametrize("argv, message", [
    (["--axis", "nope"], "mcr brief: error: eje desconocido 'nope'; se esperaba uno de: cadenas_valor, "
                         "riesgo_desastres, transfronteriza, energia_sostenible, interconexion_electrica, "
                         "seguridad_alimentaria\n"),
    (["--axis", "transfronteriza", "--lang", "fr"],
     "mcr brief: error: idioma no admitido 'fr'; se esperaba uno de: es, en\n"),
    (["--axis", "transfronteriza", "--lang", "en", "--round", "2023"],
     "mcr brief: error: unknown round '2023'; rounds in {raw}: 2024\n"),
])
def test_brief_usage_errors_name_the_allowed_values(capsys, tmp_path, monkeypatch, argv, message):
    from mcr_analysis import config

    monkeypatch.chdir(config.PROJECT_ROOT)
    assert cli.main(["brief", *argv, "--out", str(tmp_path)]) == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", message.format(raw="data/raw"))
    assert not any(tmp_path.iterdir())


def test_brief_in_a_folder_without_submissions_says_where_they_go(tmp_path, capsys, monkeypatch):
    from mcr_analysis import config

    monkeypatch.setattr(config, "RAW_DIR", tmp_path / "data" / "raw")
    assert cli.main(["brief", "--axis", "transfronteriza", "--out", str(tmp_path / "b")]) == 2
    raw = tmp_path / "data" / "raw"
    assert capsys.readouterr().err == (f"mcr brief: error: no hay envíos en {raw}: póngalos en {raw}/<ronda>/ "
                                       "(o ejecute «mcr init --sample»)\n")


def test_brief_without_the_notebooks_extra_says_which_extra(monkeypatch, capsys, tmp_path):
    import builtins

    real_import = builtins.__import__

    def no_papermill(name, *args, **kwargs):
        if name == "papermill":
            raise ImportError("No module named 'papermill'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_papermill)
    assert cli.main(["brief", "--axis", "transfronteriza", "--out", str(tmp_path)]) == 1
    assert capsys.readouterr().err == ("mcr brief: error: la nota necesita el extra [notebooks]: "
                                       "pip install 'mcr-analysis[notebooks]' (falta papermill)\n")


def test_brief_rounds_are_the_subfolders_with_workbooks(tmp_path):
    from mcr_analysis.commands.brief import rounds

    build_workbook(tmp_path / "2025" / "a" / "CAN.xlsx", {"M": [["Eje"]]})
    (tmp_path / "2023").mkdir()
    (tmp_path / "notes.xlsx").write_bytes(b"")
    assert rounds(tmp_path) == ["2025"]
    assert rounds(tmp_path / "missing") == []


def test_init_lays_out_a_project_and_never_overwrites(tmp_path, capsys):
    project = tmp_path / "proyecto"
    assert cli.main(["init", str(project), "--round", "2025"]) == 0
    files = sorted(p.relative_to(project).as_posix() for p in project.rglob("*"))
    assert files == [".mcr-project", "README.md", "data", "data/processed", "data/raw", "data/raw/2025",
                     "data/reference", "figures"]
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# Proyecto de la Matriz de Convergencia Regional (MCR)")
    assert "ilustrativa" not in readme
    out = capsys.readouterr().out
    assert out.startswith(f"proyecto preparado en {project}\nsiguiente paso: ponga los envíos .xlsx en ")
    # A second run would overwrite the README: nothing is written, usage error.
    (project / "README.md").write_text("mine", encoding="utf-8")
    assert cli.main(["init", str(project), "--sample"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mcr init: error: no se sobrescribe nada y ya existen: ")
    assert str(project / ".mcr-project") in err and str(project / "README.md") in err
    assert (project / "README.md").read_text(encoding="utf-8") == "mine"
    assert not (project / "data" / "raw" / "2024").exists()


def test_init_sample_copies_the_illustrative_workbooks_labelled_as_such(tmp_path, capsys):
    from mcr_analysis import config
    from mcr_analysis.ingest import load_submissions

    assert cli.main(["init", str(tmp_path), "--sample", "--lang", "en"]) == 0
    raw = tmp_path / "data" / "raw"
    shipped = sorted(p.name for p in (config.PROJECT_ROOT / "data" / "raw" / "2024").glob("*.xlsx"))
    assert len(shipped) == 7 and sorted(p.name for p in (raw / "2024").iterdir()) == shipped
    for name in shipped:
        assert (raw / "2024" / name).read_bytes() == (config.PROJECT_ROOT / "data" / "raw" / "2024" / name).read_bytes()
    assert "reconstrucción ilustrativa" in (raw / "README.md").read_text(encoding="utf-8")
    assert "**ilustrativa**" in (tmp_path / "README.md").read_text(encoding="utf-8")
    assert capsys.readouterr().out.splitlines()[1] == f"illustrative (not official) sample copied to {raw / '2024'}"
    result = load_submissions(raw)
    assert len(result.tidy) > 100 and result.rejects.empty


def test_init_errors(tmp_path, capsys):
    target = tmp_path / "file"
    target.write_text("x", encoding="utf-8")
    assert cli.main(["init", str(target)]) == 2
    assert capsys.readouterr().err == f"mcr init: error: {target} es un archivo; se esperaba una carpeta\n"
    assert cli.main(["init", str(tmp_path / "p"), "--round", "../x", "--lang", "en"]) == 2
    assert capsys.readouterr().err == ("mcr init: error: invalid round '../x': expected a folder name without "
                                       "slashes (for example 2025)\n")
    assert not (tmp_path / "p").exists()


def test_an_init_project_is_a_working_folder_for_the_other_commands(tmp_path, capsys, monkeypatch):
    # In a fresh process, as after pip install: defaults come from the working directory.
    import os
    import subprocess
    import sys
    from pathlib import Path

    assert cli.main(["init", str(tmp_path), "--sample"]) == 0
    env = {k: v for k, v in os.environ.items() if k != "MCR_PROJECT_ROOT"}
    env["PYTHONPATH"] = str(Path(cli.__file__).resolve().parents[1])
    sub = tmp_path / "data"  # a sub-folder: the marker is found above it
    done = subprocess.run([sys.executable, "-m", "mcr_analysis", "ingest", "--lang", "en"], cwd=sub, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ingest: 8 files (7 loaded, 0 rejected, 0 unreadable, 1 skipped)")
    assert sorted(p.name for p in (tmp_path / "data" / "processed").iterdir()) == sorted(OUTPUT_NAMES)
    quiet = subprocess.run([sys.executable, "-m", "mcr_analysis", "scores", "-q"], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=300)
    assert quiet.returncode == 0 and quiet.stderr == ""
    assert f"escrito {tmp_path.resolve() / 'data' / 'processed' / 'mcr_scores.csv'}\n" in quiet.stdout


def test_progress_draws_a_bar_on_a_terminal_and_lines_elsewhere():
    import io

    from mcr_analysis.commands._progress import Progress

    stream = io.StringIO()
    report = Progress(lang="es", stream=stream, bar=True)
    tick = report.counter("stage_draw_cells")
    for i in range(4):
        tick(i + 1, 4)
    report.stage("stage_scores")
    text = stream.getvalue()
    assert "mcr: dibujando diagramas" in text and "4/4" in text
    # no monitor thread: mcr ingest forks its reading processes only when no other thread runs
    import threading

    assert [t.name for t in threading.enumerate() if t.name == "tqdm_monitor"] == []
    assert text.endswith("mcr: calculando los índices de convergencia…\n")
    lines = io.StringIO()
    plain = Progress(lang="pt", stream=lines)
    assert plain.bar is False
    plain.counter("stage_read_files", 7)(1, 7)
    plain.counter("stage_read_files")(1, 7)
    assert lines.getvalue() == "mcr: lendo envios (7)…\n"
