"""Project paths: from $MCR_PROJECT_ROOT, a clone or an `mcr init` folder above the working
directory, else the working directory itself; never the installed package's folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from mcr_analysis import config

ROOT = Path(__file__).resolve().parent.parent


def test_paths_hang_from_the_project_root():
    assert config.PROJECT_ROOT == ROOT
    assert config.RAW_DIR == ROOT / "data" / "raw"
    assert config.TIDY_CSV == ROOT / "data" / "processed" / "mcr_tidy.csv"
    assert config.REFERENCE_DIR == ROOT / "data" / "reference"
    assert config.APPENDIX_DIR == ROOT / "figures" / "appendix"
    assert config.BRIEFS_DIR == ROOT / "figures" / "briefs"
    assert config.DEFAULT_FORMATS == ("svg", "pdf", "png")


def test_environment_variable_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("MCR_PROJECT_ROOT", str(tmp_path))
    assert config.project_root() == tmp_path.resolve()
    assert config.project_root(ROOT / "notebooks") == tmp_path.resolve()


def test_search_upwards_from_a_subfolder_such_as_notebooks(monkeypatch):
    monkeypatch.delenv("MCR_PROJECT_ROOT", raising=False)
    assert config.project_root(ROOT / "notebooks") == ROOT


def test_outside_a_project_the_root_is_the_working_directory_not_the_package(monkeypatch, tmp_path):
    monkeypatch.delenv("MCR_PROJECT_ROOT", raising=False)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "other"\n', encoding="utf-8")
    sub = tmp_path / "deep" / "er"
    sub.mkdir(parents=True)
    assert config.project_root(tmp_path) == tmp_path.resolve()
    assert config.project_root(sub) == sub.resolve()
    monkeypatch.chdir(sub)
    assert config.project_root() == sub.resolve()


def test_an_mcr_init_folder_is_found_from_its_subfolders(monkeypatch, tmp_path):
    monkeypatch.delenv("MCR_PROJECT_ROOT", raising=False)
    (tmp_path / ".mcr-project").write_text("# mcr-analysis project\n", encoding="utf-8")
    (tmp_path / "notebooks").mkdir()
    assert config.project_root(tmp_path / "notebooks") == tmp_path.resolve()


def test_a_fresh_interpreter_in_an_empty_folder_uses_that_folder(tmp_path):
    # As a pip-installed mcr does: the constants follow the working directory of the process.
    env = {k: v for k, v in os.environ.items() if k != "MCR_PROJECT_ROOT"}
    env["PYTHONPATH"] = str(ROOT)
    code = "from mcr_analysis import config; print(config.RAW_DIR); print(config.APPENDIX_DIR)"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True,
                         text=True, check=True).stdout.splitlines()
    assert out == [str(tmp_path.resolve() / "data" / "raw"), str(tmp_path.resolve() / "figures" / "appendix")]
