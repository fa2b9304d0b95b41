"""Project paths: found from the environment, the working directory, or the package."""

from __future__ import annotations

from pathlib import Path

from mcr_analysis import config

ROOT = Path(__file__).resolve().parent.parent


def test_paths_hang_from_the_project_root():
    assert config.PROJECT_ROOT == ROOT
    assert config.RAW_DIR == ROOT / "data" / "raw"
    assert config.TIDY_CSV == ROOT / "data" / "processed" / "mcr_tidy.csv"
    assert config.APPENDIX_DIR == ROOT / "figures" / "appendix"
    assert config.DEFAULT_FORMATS == ("svg", "pdf", "png")


def test_environment_variable_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("MCR_PROJECT_ROOT", str(tmp_path))
    assert config.project_root() == tmp_path.resolve()


def test_search_upwards_from_a_subfolder_such_as_notebooks(monkeypatch):
    monkeypatch.delenv("MCR_PROJECT_ROOT", raising=False)
    assert config.project_root(ROOT / "notebooks") == ROOT


def test_another_projects_pyproject_is_not_mistaken_for_ours(monkeypatch, tmp_path):
    monkeypatch.delenv("MCR_PROJECT_ROOT", raising=False)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "other"\n', encoding="utf-8")
    # Falls back to the folder above the installed package (this checkout, installed editable).
    assert config.project_root(tmp_path) == ROOT
