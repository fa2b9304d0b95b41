"""The hostile corpus (issue 10): the ingest runs in a child process on every case next to good workbooks.

An abort of a native reader would kill the child, not pytest, and fail the test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_corpus import build_hostile_corpus

import mcr_analysis

CHILD = """
import json, resource, sys
from mcr_analysis.ingest import load_submissions, readers
result = load_submissions(sys.argv[1])
stray = {}
for name in ("SICA_stray_XFD1048576.xlsx", "MERCOSUR_stray_XFD8000.xlsx", "CAN_formulas.xlsx"):
    grids, _ = readers.read(__import__("pathlib").Path(sys.argv[1]) / "2024" / name)
    stray[name] = [[list(map(str, c)) for c in g.stray_cells] + [[str(k), v] for k, v in g.uncached_formulas.items()]
                   for g in grids]
peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
json.dump({"files": result.files.to_dict("records"), "tidy_files": result.tidy["source_file"].tolist(),
           "themes": result.tidy["theme"].tolist(), "peak_kb": peak, "stray": stray,
           "file_level": result.rejects.loc[result.rejects["source_row"].isna(), "source_file"].tolist()}, sys.stdout)
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    expected = build_hostile_corpus(root)
    env = dict(os.environ, PYTHONPATH=str(Path(mcr_analysis.__file__).parents[1]))
    done = subprocess.run([sys.executable, "-c", CHILD, str(root)], capture_output=True, text=True, env=env,
                          timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return expected, json.loads(done.stdout)


def test_every_entry_is_reported_at_file_level_with_its_reason(hostile):
    expected, got = hostile
    files = {f["source_file"]: f for f in got["files"]}
    assert sorted(files) == sorted(expected)
    for name, want in expected.items():
        assert files[name]["status"] == want["status"], (name, files[name]["reason"])
        assert want["reason"] in files[name]["reason"], (name, files[name]["reason"])
        if want["tidy_rows"] is not None:
            assert files[name]["tidy_rows"] == want["tidy_rows"], name
    file_level = set(got["file_level"])
    unreadable = {n for n, f in files.items() if f["status"] == "unreadable"}
    assert unreadable == file_level
    assert not {n for n, f in files.items() if f["status"] == "skipped"} & file_level  # skipped: no reject


def test_the_good_rows_load_and_nothing_leaks(hostile):
    _expected, got = hostile
    assert got["tidy_files"].count("2024/CAN_matriz_2024.xlsx") == 3
    assert got["tidy_files"].count("2024/SICA_stray_XFD1048576.xlsx") == 3
    assert "T" * 32_767 in got["themes"] and "能源合作 🌞⚡" in got["themes"]
    assert "Línea 1\r\nLínea 2\x00fin" in got["themes"]
    text = json.dumps(got)
    assert "root:x:0" not in text and "hahaha" not in text  # no external entity read, nothing expanded


def test_stray_cells_and_uncached_formulas_are_returned_by_the_readers(hostile):
    _expected, got = hostile
    assert got["stray"]["SICA_stray_XFD1048576.xlsx"] == [[["1048575", "16383", "x"]]]
    assert got["stray"]["MERCOSUR_stray_XFD8000.xlsx"] == [[["7999", "16383", "x"]]]
    assert got["stray"]["CAN_formulas.xlsx"] == [[["(3, 2)", '=CONCATENATE("Tema ","calculado")'],
                                                  ["(3, 3)", '="Iniciativa"&" calculada"']]]


def test_peak_memory_stays_under_one_gigabyte(hostile):
    _expected, got = hostile
    assert got["peak_kb"] < 1024 * 1024, got["peak_kb"]
