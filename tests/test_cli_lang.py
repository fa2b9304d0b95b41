"""Under ``--lang es`` (the default) every command speaks Spanish: no English word outside names and paths.

Each command's main paths run in-process (summaries, "escrito ..." lines, progress on stderr, usage and data
errors, ``--strict``, ``--help``) and everything printed is checked against a list of English words.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from conftest import make_tidy
from fixtures_xlsx import build_messy_folder, build_workbook

from mcr_analysis import cli, config

ENGLISH = re.compile(r"\b(rows?|files?|loaded|rejected|wrote|written|skipped|sheets?|diagrams?|outputs?|reading|"
                     r"writing|drawing|computing|unknown|expected|missing|invalid|empty|unreadable|folder|table|"
                     r"inside|cannot|does|not|the|and|of|is|with|default|usage|options|arguments|show|help|exit|"
                     r"round|rounds|found|clusters|themes|pairs|candidate|decided|undecided|accepted|refused|"
                     r"template|organism|problems?|warnings?|reviewed|copy|note|ignored)\b")
"""English words that must not reach a Spanish reader.  ("error" is also the Spanish word, so ``mcr X: error:``
is Spanish; command names, option names and metavars are not words of the text.)"""


def _words(text: str) -> str:
    """``text`` without what is not prose: paths and file names, quoted names, options, metavars, commands."""
    text = re.sub(r"\S*[/\\]\S*|\S+\.(?:xlsx|csv|md|parquet|pdf|svg|png|tsv|xls|txt)\b", " ", text)
    text = re.sub(r"«[^»]*»|'[^']*'|\"[^\"]*\"", " ", text)  # names as written, quoted
    text = re.sub(r"\([^()\d]*\)", " ", text)  # technical detail in parentheses (an exception's text)
    text = re.sub(r"--?[a-z][\w-]*|\b[A-Z_]{2,}\b|\{[^}]*\}|\[[^]]*\]", " ", text)  # options, metavars, choices
    text = re.sub(r"(?m)^\s+[a-z]+(?=\s{2,}|$)", " ", text)  # command names listed in the help
    return re.sub(r"\bmcr(?: [a-z]+)?\b", " ", text)


def _spanish(capsys, code: int, argv: list[str], expected: int) -> str:
    assert code == expected, argv
    captured = capsys.readouterr()
    printed = captured.out + captured.err
    found = ENGLISH.findall(_words(printed))
    assert not found, (argv, found, printed)
    return printed


def _run(capsys, argv, expected=0):
    return _spanish(capsys, cli.main(argv), argv, expected)


def _run_exit(capsys, argv, expected=2):
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    return _spanish(capsys, exc.value.code, argv, expected)


def test_the_word_list_catches_english():
    # the check itself can fail: English summaries are caught, Spanish ones with names and paths are not
    assert ENGLISH.search(_words("ingest: 1 files (1 loaded, 0 rejected); wrote data/x.csv"))
    assert not ENGLISH.search(_words("ingesta: 1 archivos (1 cargados); escrito data/x.csv --tidy TIDY «Source»"))


def test_ingest_in_spanish(tmp_path, capsys):
    raw, out = build_messy_folder(tmp_path / "raw"), tmp_path / "processed"
    text = _run(capsys, ["ingest", str(raw), "--out", str(out)])
    assert text.startswith("ingesta: 11 archivos (6 cargados, 1 rechazado, 2 ilegibles, 2 omitidos)")
    assert "mcr: leyendo los envíos de " in text
    _run(capsys, ["ingest", str(raw), "--out", str(out), "--strict"], expected=1)
    _run(capsys, ["ingest", str(tmp_path / "nowhere"), "--out", str(out)], expected=2)
    _run(capsys, ["ingest", str(raw), "--out", str(raw / "x")], expected=2)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "CAN.xlsx").write_bytes(b"not a zip")
    text = _run(capsys, ["ingest", str(broken), "--out", str(out)], expected=1)
    assert "no se cargó ninguna fila" in text
    report = (out / "mcr_validation_report.md").read_text(encoding="utf-8")
    assert not ENGLISH.findall(_words(re.sub(r"\|[^|]*\|", "|", report.split("## Organismos")[0])))
    _run_exit(capsys, ["ingest", "--bogus"])
    _run_exit(capsys, ["ingest", "--help"], expected=0)


def test_scores_appendix_and_compare_in_spanish(tmp_path, capsys):
    tidy = pd.concat([
        make_tidy([("CAN", "transfronteriza", "normas", "Pasos"), ("SICA", "transfronteriza", "normas", "Pasos")]),
        make_tidy([("CAN", "transfronteriza", "normas", "Pasos")]).assign(round="2025")])
    path = tmp_path / "mcr_tidy.csv"
    tidy.to_csv(path, index=False)
    text = _run(capsys, ["scores", "--tidy", str(path), "--out", str(tmp_path / "s")])
    assert "mcr: calculando los índices de convergencia…" in text and "escrito " in text
    text = _run(capsys, ["appendix", "--tidy", str(path), "--out", str(tmp_path / "a"), "--formats", "svg",
                         "--round", "2024", "--jobs", "1"])
    assert "diagramas, manifest.csv y appendix.pdf escritos en" in text
    assert "mcr: dibujando el apéndice en" in text
    assert "mcr:" not in _run(capsys, ["scores", "--tidy", str(path), "--out", str(tmp_path / "q"), "-q"])
    _run(capsys, ["compare", "--tidy", str(path), "--out", str(tmp_path / "c"), "--figures", str(tmp_path / "f")])
    _run(capsys, ["scores", "--tidy", str(path), "--round", "2030"], expected=2)
    _run(capsys, ["appendix", "--tidy", str(tmp_path / "none.csv")], expected=2)
    _run(capsys, ["scores", "--tidy", str(tmp_path), "--out", str(tmp_path / "s")], expected=2)
    _run_exit(capsys, ["appendix", "--formats", "gif"])
    _run_exit(capsys, ["appendix", "--jobs", "0"])
    _run_exit(capsys, ["scores", "--out", ""])
    for command in ("scores", "appendix", "compare"):
        _run_exit(capsys, [command, "--help"], expected=0)


def test_themes_duplicates_template_check_init_and_brief_in_spanish(tmp_path, capsys, monkeypatch):
    tidy = make_tidy([("CAN", "transfronteriza", "normas", "Pasos de frontera", "Pasos de frontera andinos"),
                      ("SICA", "transfronteriza", "normas", "Pasos fronterizos", "Pasos de frontera andinos")])
    path = tmp_path / "mcr_tidy.csv"
    tidy.to_csv(path, index=False)
    ref = tmp_path / "ref"
    _run(capsys, ["themes", "suggest", "--tidy", str(path), "--out", str(tmp_path / "t"), "--reference", str(ref)])
    _run(capsys, ["themes", "apply", str(tmp_path / "t" / "mcr_theme_review.xlsx"), "--reference", str(ref)])
    _run(capsys, ["themes", "apply", str(tmp_path / "nope.xlsx")], expected=2)
    _run(capsys, ["themes", "suggest", "--tidy", str(path), "--threshold", "2"], expected=2)
    _run(capsys, ["duplicates", "--tidy", str(path), "--out", str(tmp_path / "d"), "--reference", str(ref)])
    _run(capsys, ["duplicates", "apply", str(tmp_path / "d" / "mcr_duplicate_review.xlsx"), "--reference",
                  str(ref)])
    _run(capsys, ["duplicates", "apply"], expected=2)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(config, "RAW_DIR", tmp_path / "raw")
    text = _run(capsys, ["template", "--organism", "CAN", "--round", "2025", "--out", str(tmp_path / "p")])
    assert text.startswith("Plantilla de CAN (0 filas rellenadas): ")
    _run(capsys, ["template", "--organism", "Nadie", "--round", "2025"], expected=2)
    bad = tmp_path / "2025" / "CAN.xlsx"
    build_workbook(bad, {"Matriz": [["Organismo", "Eje", "Criterio", "Tema"], ["CAN", "Cadenaz", "Proyectos", "t"],
                                    ["CAN", "Cadenas de valor", "Proyectoz", "u"]]})
    text = _run(capsys, ["check", str(bad), "--out", str(tmp_path / "rev")], expected=1)
    assert "Eje desconocido" in text and "Criterio desconocido" in text
    _run(capsys, ["check", str(tmp_path / "nada.xlsx")], expected=2)
    _run(capsys, ["init", str(tmp_path / "proj"), "--round", "2025"])
    _run(capsys, ["init", str(tmp_path / "proj"), "--round", "2025"], expected=2)
    _run(capsys, ["brief", "--axis", "nada"], expected=2)
    for command in ("themes", "duplicates", "template", "check", "init", "brief"):
        _run_exit(capsys, [command, "--help"], expected=0)
    _run(capsys, [])
