"""Slow check (``make test-install``, run by .ci/run): a pip install works outside a clone.

A fresh virtual environment gets the hashed lock of the running Python and then
``pip install <this checkout>`` (a regular, non-editable install: the wheel is
built from the source tree).  In an empty folder, ``mcr init --sample``,
``mcr ingest``, ``mcr scores``, ``mcr appendix`` and ``mcr brief`` then work and
write only under that folder; the wheel carries the LICENSE, ``py.typed``, the
brief's notebook and the illustrative sample; the README's Python examples run.  Minutes (downloads from the
registry): deselected by default, ``pytest -m slow tests/test_install.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}


def _run(args: list, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, f"{args}: exit {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def test_pip_install_then_mcr_in_an_empty_folder(tmp_path):
    lock = ROOT / "requirements" / f"py{sys.version_info[0]}{sys.version_info[1]}.lock"
    if not lock.is_file():
        pytest.skip(f"no lock for Python {sys.version_info[0]}.{sys.version_info[1]}")
    env = {k: v for k, v in os.environ.items() if k not in ("MCR_PROJECT_ROOT", "PYTHONPATH", "VIRTUAL_ENV")}
    env["MPLBACKEND"] = "Agg"
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", venv], tmp_path, env)
    python, mcr = venv / "bin" / "python", venv / "bin" / "mcr"
    pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    _run([*pip, "--require-hashes", "--no-deps", "-r", lock], tmp_path, env)
    _run([*pip, "--no-deps", "--no-build-isolation", ROOT], tmp_path, env)

    site = Path(_run([python, "-c", "import mcr_analysis, pathlib; print(pathlib.Path(mcr_analysis.__file__).parent)"],
                     tmp_path, env).stdout.strip())
    assert site.parent.name == "site-packages", site
    shipped = _files(site)
    assert {"py.typed", "data/messages.tsv", "data/4.0-nota-para-seminario.ipynb", "data/sample/README.md",
            "data/sample/2024/CAN_MCR_2024.xlsx", "commands/init.py", "ingest/loader.py"} <= shipped
    dist = [p for p in site.parent.glob("mcr_analysis-*.dist-info")]
    assert len(dist) == 1 and (dist[0] / "licenses" / "LICENSE").read_text().startswith("MIT License")
    assert "License-Expression: MIT" in (dist[0] / "METADATA").read_text()

    before = _files(venv)
    work = tmp_path / "work"
    project = work / "project"
    project.mkdir(parents=True)
    version = _run([mcr, "--version"], project, env).stdout
    assert version.startswith("mcr ")
    _run([mcr, "init", "--sample"], project, env)
    ingest = _run([mcr, "ingest"], project, env)
    assert ingest.stdout.startswith("ingesta: 7 archivos (7 cargados, 0 rechazados, 0 ilegibles)")
    assert ingest.stderr.startswith("mcr: leyendo los envíos de data/raw…")
    _run([mcr, "scores", "--quiet"], project, env)
    _run([mcr, "appendix", "--formats", "svg"], project, env)
    brief = _run([mcr, "brief", "--axis", "transfronteriza"], project, env)
    assert brief.stdout == "escrito figures/briefs/brief_transfronteriza_2024.html\n"
    # The kernel's notice about its TCP sockets never reaches the terminal.
    assert "TCP" not in brief.stderr and "encryption" not in brief.stderr

    # The README's Python examples work from the install, in the project folder.
    import re

    blocks = re.findall(r"^```python\n(.*?)^```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S | re.M)
    readme = _run([python, "-c", "\n".join(blocks)], project, env)
    assert "['participation', 'scores', 'shared', 'single_actor', 'absent']" in readme.stdout

    written = _files(project)
    assert {".mcr-project", "README.md", "data/raw/README.md", "data/processed/mcr_tidy.csv",
            "data/processed/mcr_scores.csv", "figures/appendix/manifest.csv", "figures/appendix/appendix.pdf",
            "figures/briefs/brief_transfronteriza_2024.html"} <= written
    assert sorted(p.name for p in work.iterdir()) == ["project"]
    assert _files(venv) - before == set(), "the commands wrote inside the virtual environment"
