"""The reviewers' promise: change one cell of the raw data and strict nbval fails.

``make test`` already runs strict nbval on every notebook against the committed
data.  This test copies the project's data and one
notebook into a temporary project, changes a single theme in one organism's
workbook, and checks that strict nbval then fails on the outputs that depend on it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = "2.0-indices-de-convergencia.ipynb"


def _project_copy(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(ROOT / "data" / "raw", project / "data" / "raw")
    (project / "data" / "processed").mkdir(parents=True)
    (project / "figures").mkdir()
    (project / "notebooks").mkdir()
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    shutil.copy(ROOT / "notebooks" / NOTEBOOK, project / "notebooks" / NOTEBOOK)
    return project


def _nbval(project: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "MCR_PROJECT_ROOT": str(project), "PYTHONWARNINGS": "ignore"}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval", "--nbval-current-env",
         "-o", "addopts=", "-o", "testpaths=", str(project / "notebooks" / NOTEBOOK)],
        cwd=project, env=env, capture_output=True, text=True, timeout=600,
    )


def test_changing_one_raw_cell_makes_strict_nbval_fail(tmp_path):
    project = _project_copy(tmp_path)
    # Control: the copy as committed passes, so a failure below comes from the change.
    control = _nbval(project)
    assert control.returncode == 0, control.stdout[-2000:]
    workbook = project / "data" / "raw" / "2024" / "SELA_MCR_2024.xlsx"
    wb = openpyxl.load_workbook(workbook)
    sheet = wb.active
    assert sheet["D1"].value == "Tema"
    original = sheet["D2"].value
    # One cell: SELA's first theme becomes one that no other organism shares.
    sheet["D2"] = "Tema cambiado por el revisor"
    wb.save(workbook)

    result = _nbval(project)
    assert result.returncode == 1, result.stdout[-2000:]
    assert "failed" in result.stdout.splitlines()[-1]
    # nbval reports output mismatches, not errors: the notebook ran, its outputs differ.
    assert "mismatch" in result.stdout.lower(), result.stdout[-2000:]
    assert original != "Tema cambiado por el revisor"
