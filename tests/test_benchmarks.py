"""Smoke run of the benchmarks (issue 6) at a tiny size: it must keep working and write every figure.

Asserts nothing about time: only that the generator is deterministic and loads
cleanly, and that the harness writes every row of results.csv and every
section of results.md.
"""

from __future__ import annotations

import csv
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_synthetic_rows_spread_over_axes_criteria_and_overlap():
    gen = _module("generate")
    rows = gen.synthetic_rows(400)
    n_org = len(gen.LAYOUT_MIX)
    assert len(rows) == n_org * (400 // n_org)
    assert set(rows["criterion"]) == {"fortalecimiento", "reuniones", "proyectos", "normas", "politicas", "otros"}
    assert rows["axis"].nunique() == 6
    assert rows.groupby("axis")["organism"].nunique().min() >= 2
    themed = rows[rows["theme"] != ""]
    per_theme = themed.groupby(["axis", "theme"])["organism"].nunique()
    assert (per_theme >= 2).any()  # organisms overlap on some themes
    assert gen.synthetic_rows(400).equals(rows)
    assert not gen.synthetic_rows(400, seed=gen.SEED + 1).equals(rows)


def test_synthetic_rows_rejects_bad_sizes():
    gen = _module("generate")
    with pytest.raises(ValueError, match=r"size 3 gives no initiative per organism \(8 organisms\)"):
        gen.synthetic_rows(3)
    with pytest.raises(ValueError, match=r"n_organisms 1: expected 2 to 8"):
        gen.synthetic_rows(100, n_organisms=1)


def test_generated_round_mixes_layouts_and_loads_without_rejects(tmp_path):
    from mcr_analysis.ingest import load_submissions

    gen = _module("generate")
    manifest = gen.write_round(160, tmp_path)
    layouts = {f["layout"] for f in manifest["files"]}
    assert layouts == {"long", "sheet_per_axis", "marks"}
    assert any(f["merge"] for f in manifest["files"]) and any(f["header_row"] > 1 for f in manifest["files"])
    assert {f["organism_in"] for f in manifest["files"]} == {"column", "metadata", "filename"}
    result = load_submissions(tmp_path)
    assert len(result.rejects) == 0
    assert len(result.tidy) == manifest["n_initiatives"] == sum(f["rows"] for f in manifest["files"])
    assert set(result.tidy["organism"]) == {f["organism"] for f in manifest["files"]}


def test_harness_smoke_run_writes_every_figure(tmp_path):
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--sizes", "160", "240", "--reps", "1", "--appendix-reps", "1",
         "--appendix-cells", "2", "--notebook-reps", "0", "--data", str(tmp_path / "data"), "--out", str(out)],
        capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    with (out / "results.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    keys = {(r["size"], r["stage"], r["variant"], r["format"], r["metric"]) for r in rows}
    for size in ("160", "240"):
        for v in ("ours", "openpyxl", "calamine"):
            for metric in ("seconds", "rows_per_s", "peak_rss_mb"):
                assert (size, "ingest", v, "", metric) in keys
        assert (size, "ingest", "openpyxl/ours", "", "ratio") in keys
        assert (size, "ingest", "ours/calamine", "", "ratio") in keys
        assert (size, "scores", "score_tables", "", "seconds") in keys
        assert (size, "scores", "score_tables", "", "peak_rss_mb") in keys
        for fmt in ("svg", "pdf", "png"):
            for jobs in ("jobs=1", "jobs=2"):
                for metric in ("seconds", "seconds_per_diagram", "peak_rss_mb"):
                    assert (size, "appendix", jobs, fmt, metric) in keys
            assert (size, "appendix", "jobs=1/jobs=2", fmt, "ratio") in keys
    assert ("sample", "notebooks", "nbval", "", "seconds") in keys
    growth = [r for r in rows if r["metric"] == "growth_exponent"]
    timed = {(r["stage"], r["variant"], r["format"]) for r in rows if r["metric"] == "seconds" and r["size"] == "160"}
    assert {(r["stage"], r["variant"], r["format"]) for r in growth} == timed
    assert all(r["size"] == "160-240" for r in growth)
    measured = [r for r in rows if r["stage"] != "notebooks" and r["metric"] != "growth_exponent"]
    assert all(float(r["median"]) > 0 and r["reps"] == "1" for r in measured)
    text = (out / "results.md").read_text(encoding="utf-8")
    for heading in ("## Machine", "## Ingest", "## Scores", "## Appendix", "## Notebooks", "## Growth exponents",
                    "## Targets of issue 6"):
        assert heading in text
    assert "cores: " in text and "python-calamine " in text
    targets = text.split("## Targets of issue 6")[1]
    assert targets.count("**met**") + targets.count("**not met**") == 5
