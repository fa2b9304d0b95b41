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
    assert printed.startswith("ingesta: 1 archivos (1 cargados, 0 rechazados, 0 ilegibles); 1 filas ordenadas, "
                              "1 filas rechazadas, 0 hojas omitidas\nsalidas en ")
    assert cli.main(["ingest", str(_raw(tmp_path)), "--out", str(out), "--lang", "en", "-q"]) == 0
    assert capsys.readouterr() == (
        "ingest: 1 files (1 loaded, 0 rejected, 0 unreadable); 1 tidy rows, 1 rejected rows, 0 sheets skipped\n"
        f"outputs in {out.as_posix()}: mcr_tidy.csv, mcr_tidy.parquet, mcr_rejects.csv, mcr_validation_report.md\n",
        "")


def test_ingest_strict_exits_1_on_rejects(tmp_path, capsys):
    assert cli.main(["ingest", str(_raw(tmp_path)), "--out", str(tmp_path / "o"), "--strict"]) == 1
    assert "mcr ingest: error: --strict: 1 filas rechazadas" in capsys.readouterr().err
    assert cli.main(["ingest", str(_raw(tmp_path, bad=False)), "--out", str(tmp_path / "o"), "--strict"]) == 0


def test_ingest_missing_folder_is_a_usage_error(tmp_path, capsys):
    assert cli.main(["ingest", str(tmp_path / "nowhere"), "--out", str(tmp_path / "o")]) == 2
    assert "nowhere no existe; se esperaba una carpeta de envíos .xlsx" in capsys.readouterr().err


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
    assert cli.main(["ingest", str(raw), "--out", str(out)]) == 0
    # 10 files: 6 loaded, 1 rejected (no organism), 3 unreadable; 16 tidy rows; 16 rejects; 1 sheet skipped
    assert capsys.readouterr().out.startswith(
        "ingesta: 10 archivos (6 cargados, 1 rechazados, 3 ilegibles); 16 filas ordenadas, 16 filas rechazadas, "
        "1 hojas omitidas")
    report = (out / "mcr_validation_report.md").read_text(encoding="utf-8")
    assert "| 2024/CAN_matriz_2024.xlsx | 2024 | CAN | metadata | loaded | 7 | 4 | 3 |  |" in report
    assert "| 2024/~$CAN_matriz_2024.xlsx | 2024 |  |  | unreadable | 0 | 0 | 0 | Excel lock file" in report
    assert "| 2024/SICA.xlsx | Instrucciones | no recognisable header" in report
    # AEC sent nothing in 2024 although the participation table lists it on transfronteriza
    axis = "Integración transfronteriza e infraestructura física (transfronteriza)"
    assert any(line.startswith(f"| 2024 | {axis} | AEC") for line in report.splitlines())
    assert cli.main(["ingest", str(raw), "--out", str(out), "--strict"]) == 1
    assert capsys.readouterr().err.endswith("mcr ingest: error: --strict: 16 filas rechazadas\n")


# ------------------------------------------------------------- one command line (issue 13)

def test_version_and_bare_mcr_prints_the_help(capsys):
    import mcr_analysis

    with pytest.raises(SystemExit) as exc:
        cli.main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out == f"mcr {mcr_analysis.__version__}\n"
    assert cli.main([]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("uso: mcr [-h] [--version] {init,ingest,scores,appendix,brief} ...")
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
    assert ("mcr: error: argumento {init,ingest,scores,appendix,brief}: valor no válido 'draw'; "
            "se esperaba uno de: init, ingest, scores, appendix, brief") in capsys.readouterr().err


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
    assert done.stdout.startswith("ingest: 7 files (7 loaded, 0 rejected, 0 unreadable)")
    assert done.stderr == ("mcr: reading the submissions in raw…\n"
                           "mcr: writing the tidy table, the rejects and the report to processed…\n")
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
    assert text.endswith("mcr: calculando los índices de convergencia…\n")
    lines = io.StringIO()
    plain = Progress(lang="pt", stream=lines)
    assert plain.bar is False
    plain.counter("stage_read_files", 7)(1, 7)
    plain.counter("stage_read_files")(1, 7)
    assert lines.getvalue() == "mcr: lendo envios (7)…\n"
