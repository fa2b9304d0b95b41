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


def test_harness_reuses_its_data_folder_and_skips_stages_with_zero_repetitions(tmp_path):
    """The work files go next to the raw folder, so a second run on the same --data loads without rejects;
    --appendix-reps 0 and --notebook-reps 0 skip those stages instead of failing."""
    out, data = tmp_path / "out", tmp_path / "data"
    args = [sys.executable, str(BENCH / "run.py"), "--sizes", "160", "--reps", "1", "--appendix-reps", "0",
            "--notebook-reps", "0", "--data", str(data), "--out", str(out)]
    for _ in range(2):
        done = subprocess.run(args, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stderr[-2000:]
    assert sorted(p.name for p in (data / "160").iterdir()) == ["2024", "manifest.json"]
    assert (data / "160_work" / "tidy.parquet").is_file()
    with (out / "results.csv").open(encoding="utf-8") as fh:
        stages = {r["stage"] for r in csv.DictReader(fh) if r["reps"] != "0"}
    assert stages == {"ingest", "scores"}
    text = (out / "results.md").read_text(encoding="utf-8")
    appendix = text.split("## Appendix")[1].split("##")[0]
    assert "Not measured in this run (0 repetitions)." in appendix
    assert "Parallel rendering ≥ 1.6× faster than sequential on two cores: **not measured**" in text
    bad = subprocess.run(args[:-4] + ["--appendix-reps", "-1", "--data", str(data), "--out", str(out)],
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "--appendix-reps -1: expected 0 (skip the stage) or more repetitions" in bad.stderr


def test_results_md_lists_the_hostile_folder_with_its_reasons(tmp_path):
    report = _module("report_md")
    assert report._cell("a|b\nc") == "a\\|b c"
    row = {"size": "hostile", "n_initiatives": "", "stage": "hostile", "variant": "large", "format": "",
           "reps": 1, "unit": ""}
    rows = [dict(row, metric="seconds", median=12.5, min=12.5, max=12.5),
            dict(row, metric="peak_rss_mb", median=640.0, min=640.0, max=640.0),
            {"size": "sample", "n_initiatives": "", "stage": "notebooks", "variant": "nbval", "format": "",
             "metric": "seconds", "reps": 0, "median": float("nan"), "min": float("nan"), "max": float("nan"),
             "unit": "s"}]
    info = {"formats": ["svg"], "load_start": (0.1, 0.1, 0.1), "load_end": (0.2, 0.2, 0.2), "cores": 2,
            "started": "2026-12-01T12:00:00", "total_minutes": 1.0, "commit": "abc1234", "organisms": 8,
            "seed": 1, "cpu": "x", "memory": "1 GiB", "os": "Linux", "python": "3.11", "versions": {},
            "notebooks": [], "notebook_status": "skipped (--notebook-reps 0)", "appendix_reps": 0,
            "hostile": {"version": "large", "entries": 3, "megabytes_on_disk": 1.5, "tidy_rows": 3,
                        "status": {"loaded": 1, "skipped": 1, "unreadable": 1},
                        "reasons": [["2024/CAN.xlsx", "loaded", 3, ""],
                                    ["2024/~$CAN.xlsx", "skipped", 0, "workbook open: skipped"],
                                    ["2024/bomb.xlsx", "unreadable", 0, "refused: a | b"]]}}
    report.write_markdown(rows, info, tmp_path / "results.md", {"memory_mb": 1024.0, "growth": 1.1,
                                                               "ingest_vs_openpyxl": 4.0,
                                                               "ingest_vs_calamine": 1.5, "parallel": 1.6})
    text = (tmp_path / "results.md").read_text(encoding="utf-8")
    hostile = text.split("## Hostile folder")[1].split("## Notebooks")[0]
    assert "Peak memory of the hostile folder under 1 GB (issue 10): **met** (640 MB)." in hostile
    assert "| `2024/~$CAN.xlsx` | skipped | workbook open: skipped |" in hostile
    assert "| `2024/bomb.xlsx` | unreadable | refused: a \\| b |" in hostile
    assert "CAN.xlsx` | loaded" not in hostile
    targets = text.split("## Targets of issue 6")[1]
    assert targets.count("**not measured**") == 5
