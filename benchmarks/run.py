"""Benchmark harness (issue 6): ingest, scores, appendix and notebooks at growing sizes.

Every measurement runs in a fresh child process (``python run.py _child ...``)
that times the work alone with ``time.perf_counter`` (imports and set-up
excluded) and reports its peak resident memory with ``resource.getrusage``
(the larger of the process itself and its largest child process).  Each
figure is the median of several repetitions, with min and max; the variants
compared with each other (our loader, the openpyxl baseline, the bare
calamine read; sequential and parallel rendering) are interleaved within
each repetition so they see the same machine load.

Writes ``results.csv`` (one row per size, stage, variant, format and metric)
and ``results.md`` (machine, tables, growth exponents, targets of issue 6
with met / not met and why) into ``--out``.

Usage::

    python benchmarks/run.py                       # what `make bench` runs
    python benchmarks/run.py --sizes 200 --reps 1 --appendix-reps 1 --notebook-reps 0 --out /tmp/b
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SIZES = (1_000, 10_000, 100_000)
FORMATS = ("svg", "pdf", "png")
LIBRARIES = ("pandas", "numpy", "matplotlib", "matplotlib-venn", "UpSetPlot", "openpyxl",
             "python-calamine", "pyarrow", "pytest", "nbval")
CSV_COLUMNS = ["size", "n_initiatives", "stage", "variant", "format", "metric", "reps",
               "median", "min", "max", "unit"]
TARGETS = {"ingest_vs_openpyxl": 4.0, "ingest_vs_calamine": 1.5, "growth": 1.1, "parallel": 1.6,
           "memory_mb": 1024.0}


# --------------------------------------------------------------------------- child side

def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024.0  # ru_maxrss is in KiB on Linux


def _ingest_ours(data: Path, save: str | None, jobs: int | None = None) -> dict:
    from mcr_analysis.ingest import load_submissions

    start = time.perf_counter()
    result = load_submissions(data, jobs=jobs)
    seconds = time.perf_counter() - start
    if save:
        result.tidy.to_parquet(save, index=False)
    return {"seconds": seconds, "rows": len(result.tidy), "rejects": len(result.rejects)}


def _ingest_openpyxl(data: Path) -> dict:
    """The obvious baseline: read_excel every sheet with openpyxl, then rename the columns."""
    import pandas as pd

    from mcr_analysis.ingest.header import header_aliases
    from mcr_analysis.taxonomy import normalize_label

    files = json.loads((data / "manifest.json").read_text(encoding="utf-8"))["files"]
    aliases = header_aliases()
    start = time.perf_counter()
    rows = 0
    for f in files:
        sheets = pd.read_excel(data / f["file"], sheet_name=None, engine="openpyxl", header=f["header_row"] - 1)
        for frame in sheets.values():
            frame = frame.rename(columns=lambda c: aliases.get(normalize_label(str(c)), c))
            rows += len(frame)
    return {"seconds": time.perf_counter() - start, "rows": rows}


def _ingest_calamine(data: Path) -> dict:
    """The reader's own limit: python-calamine reads every sheet of the same workbooks to Python lists."""
    import python_calamine

    files = sorted((data).rglob("*.xlsx"))
    start = time.perf_counter()
    cells = 0
    for path in files:
        with python_calamine.CalamineWorkbook.from_path(path) as book:
            for name in book.sheet_names:
                grid = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
                cells += sum(len(r) for r in grid)
    return {"seconds": time.perf_counter() - start, "rows": cells}


def _ingest_prescan(data: Path) -> dict:
    """What the loader adds before calamine on .xlsx files: the stream scan of every sheet's XML."""
    import zipfile

    from mcr_analysis.ingest import xlsx_scan
    from mcr_analysis.ingest.limits import DEFAULT_LIMITS

    files = sorted(data.rglob("*.xlsx"))
    start, cpu = time.perf_counter(), time.process_time()
    bounded = 0
    for path in files:
        with zipfile.ZipFile(path) as archive:
            for name, part in xlsx_scan.workbook_sheets(archive):
                bounded += xlsx_scan.scan_sheet(archive, name, part, DEFAULT_LIMITS).needs_bounded_reader(
                    DEFAULT_LIMITS)
    return {"seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu, "rows": bounded}


def _hostile(data: Path) -> dict:
    """The ingest of the hostile folder (tests/hostile_corpus.py): time, peak memory, what was reported."""
    from mcr_analysis.ingest import load_submissions

    start = time.perf_counter()
    result = load_submissions(data)
    seconds = time.perf_counter() - start
    status = result.files["status"].value_counts().to_dict()
    files = result.files[["source_file", "status", "tidy_rows", "reason"]]
    return {"seconds": seconds, "rows": len(result.tidy), "files": len(result.files),
            "status": {k: int(v) for k, v in status.items()},
            "reasons": [[f, st, int(n), why] for f, st, n, why in files.itertuples(index=False)]}


def _scores(tidy_path: str) -> dict:
    import pandas as pd

    from mcr_analysis.scores import score_tables

    tidy = pd.read_parquet(tidy_path)
    start = time.perf_counter()
    tables = score_tables(tidy)
    return {"seconds": time.perf_counter() - start, "rows": sum(len(t) for t in tables.values())}


def _appendix(tidy_path: str, out: str, fmt: str, jobs: int) -> dict:
    import pandas as pd

    from mcr_analysis.appendix import build_appendix

    tidy = pd.read_parquet(tidy_path)
    start = time.perf_counter()
    manifest = build_appendix(tidy, out, formats=(fmt,), jobs=jobs)
    return {"seconds": time.perf_counter() - start, "rows": len(manifest),
            "kinds": manifest["kind"].value_counts().sort_index().to_dict()}


def _notebooks() -> dict:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-q",
                           "-p", "no:cacheprovider", "notebooks/"], cwd=REPO, capture_output=True, text=True)
    tail = (done.stdout.strip().splitlines() or [""])[-1]
    return {"seconds": time.perf_counter() - start, "rows": len(list((REPO / "notebooks").glob("*.ipynb"))),
            "returncode": done.returncode, "summary": tail}


def reconcile_rows(size: int, seed: int = 20250601) -> "pd.DataFrame":
    """Synthetic tidy rows whose themes and initiatives are worded in Spanish, English and Portuguese.

    Themes are ``size // 25`` concepts of two or three glossary pivots, each row
    writing its theme in one language (3 % with a typo); initiatives add random
    glossary words and a numbered name, descriptions eight more words.
    """
    import numpy as np
    import pandas as pd

    from mcr_analysis import glossary

    rng = np.random.default_rng(seed)
    table = pd.read_csv(REPO / "mcr_analysis" / "data" / "glossary.tsv", sep="\t", dtype=str).fillna("")
    forms = {lang: [v.split("|")[0] for v in table[lang]] for lang in glossary.LANGS}
    n_concepts = max(20, size // 25)
    concepts = [rng.choice(len(table), size=int(rng.integers(2, 4)), replace=False) for _ in range(n_concepts)]
    weights = 1.0 / np.arange(1, n_concepts + 1)
    pick = rng.choice(n_concepts, size=size, p=weights / weights.sum())
    langs = rng.choice(glossary.LANGS, size=size, p=[0.7, 0.2, 0.1])
    orgs = rng.choice(["AEC", "ALADI", "CAN", "MERCOSUR", "OTCA", "SELA", "SICA", "CARICOM"], size=size)
    words = rng.integers(0, len(table), size=(size, 11))
    themes, names, descs = [], [], []
    for i in range(size):
        lang = langs[i]
        theme = " ".join(forms[lang][j].replace("-", " ") for j in concepts[pick[i]])
        if rng.random() < 0.03 and len(theme) > 6:
            k = int(rng.integers(1, len(theme) - 1))
            theme = theme[:k] + theme[k + 1:]
        themes.append(theme)
        names.append(f"{theme} " + " ".join(forms[lang][j] for j in words[i, :3]) + f" {i % 997}")
        descs.append(" ".join(forms[lang][j] for j in words[i, 3:]))
    axes = rng.choice(["cadenas_valor", "riesgo_desastres", "transfronteriza", "energia_sostenible",
                       "interconexion_electrica", "seguridad_alimentaria"], size=size)
    crits = rng.choice(["fortalecimiento", "reuniones", "proyectos", "normas", "politicas", "otros"], size=size)
    return pd.DataFrame({"organism": orgs, "axis": axes, "criterion": crits, "theme": themes,
                         "initiative": names, "description": descs, "partners": "",
                         "source_file": [f"{o}.xlsx" for o in orgs], "source_row": np.arange(2, size + 2)})


def _reconcile(size: int) -> dict:
    from mcr_analysis.duplicates import find_duplicates
    from mcr_analysis.themes import suggest_themes

    rows = reconcile_rows(size)
    start = time.perf_counter()
    suggestions = suggest_themes(rows)
    mid = time.perf_counter()
    pairs = find_duplicates(rows)
    end = time.perf_counter()
    return {"themes_seconds": mid - start, "duplicates_seconds": end - mid, "rows": size,
            "n_suggested": len(suggestions), "n_pairs": len(pairs)}


def _child(spec: dict) -> dict:
    kind = spec["stage"]
    if kind == "reconcile":
        out = _reconcile(int(spec["size"]))
        out["peak_mb"] = _peak_mb()
        return out
    if kind == "ingest_ours":
        out = _ingest_ours(Path(spec["data"]), spec.get("save"), spec.get("jobs"))
    elif kind == "ingest_openpyxl":
        out = _ingest_openpyxl(Path(spec["data"]))
    elif kind == "ingest_calamine":
        out = _ingest_calamine(Path(spec["data"]))
    elif kind == "ingest_prescan":
        out = _ingest_prescan(Path(spec["data"]))
    elif kind == "hostile":
        out = _hostile(Path(spec["data"]))
    elif kind == "scores":
        out = _scores(spec["tidy"])
    elif kind == "appendix":
        out = _appendix(spec["tidy"], spec["out"], spec["format"], spec["jobs"])
    elif kind == "notebooks":
        out = _notebooks()
    else:
        raise ValueError(f"unknown stage {kind!r}")
    out["peak_mb"] = _peak_mb()
    return out


# --------------------------------------------------------------------------- parent side

def _env() -> dict:
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONHASHSEED="0", PYDEVD_DISABLE_FILE_VALIDATION="1")
    env.setdefault("SOURCE_DATE_EPOCH", "1735689600")
    return env


def run_child(spec: dict) -> dict:
    """Run one measurement in a fresh Python process; return its JSON report."""
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "_child", json.dumps(spec)],
                          cwd=REPO, env=_env(), capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"benchmark child {spec['stage']} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def work_folder(size: int, root: Path) -> Path:
    """Where the benchmark writes for ``size`` (tidy table, appendix slice, figures): next to the raw
    folder ``root/<size>`` that the loader ingests, never inside it (the loader lists every entry)."""
    return root / f"{size}_work"


def ensure_data(size: int, root: Path, seed: int) -> dict:
    """Generate the synthetic round of ``size`` once (re-used while size and seed match and the folder
    holds nothing but the round and its manifest)."""
    folder = root / str(size)
    manifest = folder / "manifest.json"
    if manifest.is_file():
        m = json.loads(manifest.read_text(encoding="utf-8"))
        extra = [p.name for p in folder.iterdir() if p.name not in ("manifest.json", str(m.get("round")))]
        if m.get("size") == size and m.get("seed") == seed and not extra:
            return m
        if extra:  # e.g. tidy.parquet left inside by an older harness: it would be ingested as a reject
            _log(f"{size}: {folder} holds {', '.join(sorted(extra))}: generating the round again")
    shutil.rmtree(folder, ignore_errors=True)
    subprocess.run([sys.executable, str(HERE / "generate.py"), "--size", str(size), "--out", str(folder),
                    "--seed", str(seed)], cwd=REPO, env=_env(), check=True, capture_output=True)
    return json.loads(manifest.read_text(encoding="utf-8"))


def appendix_slice(tidy_path: Path, out_path: Path, n_cells: int) -> int:
    """Rows of ``n_cells`` cells, half from the axis with the fewest organisms (Venn diagrams)
    and half from the axis with the most (UpSet plots); ``n_cells=0`` keeps every cell."""
    import pandas as pd

    from mcr_analysis.taxonomy import criteria

    tidy = pd.read_parquet(tidy_path)
    if n_cells <= 0:
        tidy.to_parquet(out_path, index=False)
        return int(tidy[tidy["theme"] != ""][["axis", "criterion"]].drop_duplicates().shape[0])
    width = tidy[tidy["theme"] != ""].groupby("axis")["organism"].nunique().sort_values(kind="mergesort")
    few, many = width.index[0], width.index[-1]
    crits = list(criteria().ids)
    cells = [(few, c) for c in crits[: (n_cells + 1) // 2]] + [(many, c) for c in crits[: n_cells // 2]]
    keep = pd.Series(list(zip(tidy["axis"], tidy["criterion"])), index=tidy.index).isin(cells)
    tidy[keep].to_parquet(out_path, index=False)
    return len(cells)


def _stats(values: list[float]) -> tuple[float, float, float]:
    return statistics.median(values), min(values), max(values)


class Results:
    """Collects CSV rows."""

    def __init__(self):
        self.rows: list[dict] = []

    def add(self, size, n, stage, variant, fmt, metric, values, unit):
        med, lo, hi = _stats(values) if len(values) else (math.nan,) * 3
        self.rows.append({"size": size, "n_initiatives": n, "stage": stage, "variant": variant,
                          "format": fmt, "metric": metric, "reps": len(values),
                          "median": med, "min": lo, "max": hi, "unit": unit})

    def get(self, size, stage, variant, fmt, metric):
        for r in self.rows:
            if (r["size"], r["stage"], r["variant"], r["format"], r["metric"]) == (size, stage, variant, fmt, metric):
                return r
        return None


def _log(msg: str) -> None:
    print(f"[bench {dt.datetime.now():%H:%M:%S}] {msg}", flush=True)


def bench_size(size: int, reps: int, app_reps: int, formats, app_cells: int, root: Path, seed: int,
               res: Results, info: dict) -> None:
    """Ingest and scores (``reps`` times; 0 skips them) and the appendix (``app_reps``; 0 skips it)."""
    if not reps and not app_reps:
        _log(f"{size}: every stage has 0 repetitions: skipped")
        return
    m = ensure_data(size, root, seed)
    data = root / str(size)
    work = work_folder(size, root)
    work.mkdir(parents=True, exist_ok=True)
    n = m["n_initiatives"]
    tidy = work / "tidy.parquet"
    # untimed: writes the tidy table the later stages read, and warms the file cache for every reader
    prep = run_child({"stage": "ingest_ours", "data": str(data), "save": str(tidy)})
    loaded = prep["rows"]
    if loaded != n or prep["rejects"]:
        raise RuntimeError(f"size {size}: the loader gave {loaded} tidy rows and {prep['rejects']} "
                           f"rejects; expected {n} rows and no rejects")
    if reps:
        _bench_ingest_scores(size, n, reps, data, tidy, res)
    if app_reps:
        _bench_appendix(size, n, app_reps, formats, app_cells, tidy, work, res, info)


def _bench_ingest_scores(size: int, n: int, reps: int, data: Path, tidy: Path, res: Results) -> None:
    runs = {"ours": [], "ours_jobs1": [], "openpyxl": [], "calamine": [], "prescan": []}
    for _ in range(reps):
        runs["ours"].append(run_child({"stage": "ingest_ours", "data": str(data)}))
        runs["ours_jobs1"].append(run_child({"stage": "ingest_ours", "data": str(data), "jobs": 1}))
        runs["openpyxl"].append(run_child({"stage": "ingest_openpyxl", "data": str(data)}))
        runs["calamine"].append(run_child({"stage": "ingest_calamine", "data": str(data)}))
        runs["prescan"].append(run_child({"stage": "ingest_prescan", "data": str(data)}))
    for v, rs in runs.items():
        secs = [x["seconds"] for x in rs]
        res.add(size, n, "ingest", v, "", "seconds", secs, "s")
        res.add(size, n, "ingest", v, "", "rows_per_s", [n / s for s in secs], "initiatives/s")
        res.add(size, n, "ingest", v, "", "peak_rss_mb", [x["peak_mb"] for x in rs], "MB")
    res.add(size, n, "ingest", "openpyxl/ours", "", "ratio",
            [b["seconds"] / o["seconds"] for b, o in zip(runs["openpyxl"], runs["ours"])], "x")
    res.add(size, n, "ingest", "ours/calamine", "", "ratio",
            [o["seconds"] / c["seconds"] for o, c in zip(runs["ours"], runs["calamine"])], "x")
    res.add(size, n, "ingest", "ours_jobs1/calamine", "", "ratio",
            [o["seconds"] / c["seconds"] for o, c in zip(runs["ours_jobs1"], runs["calamine"])], "x")
    res.add(size, n, "ingest", "prescan/calamine", "", "ratio",
            [p["seconds"] / c["seconds"] for p, c in zip(runs["prescan"], runs["calamine"])], "x")
    _log(f"{size}: ingest done")
    sc = [run_child({"stage": "scores", "tidy": str(tidy)}) for _ in range(reps)]
    res.add(size, n, "scores", "score_tables", "", "seconds", [x["seconds"] for x in sc], "s")
    res.add(size, n, "scores", "score_tables", "", "peak_rss_mb", [x["peak_mb"] for x in sc], "MB")
    _log(f"{size}: scores done")


def _bench_appendix(size: int, n: int, app_reps: int, formats, app_cells: int, tidy: Path, work: Path,
                    res: Results, info: dict) -> None:
    sliced = work / "appendix_slice.parquet"
    cells = appendix_slice(tidy, sliced, app_cells)
    for fmt in formats:
        app = {1: [], 2: []}
        for _ in range(app_reps):
            for jobs in (1, 2):
                out = work / f"appendix_{fmt}_{jobs}"
                app[jobs].append(run_child({"stage": "appendix", "tidy": str(sliced), "out": str(out),
                                            "format": fmt, "jobs": jobs}))
        info.setdefault("appendix_kinds", {})[size] = app[1][0]["kinds"]
        for jobs, rs in app.items():
            v = f"jobs={jobs}"
            res.add(size, n, "appendix", v, fmt, "seconds", [x["seconds"] for x in rs], "s")
            res.add(size, n, "appendix", v, fmt, "seconds_per_diagram", [x["seconds"] / x["rows"] for x in rs], "s")
            res.add(size, n, "appendix", v, fmt, "peak_rss_mb", [x["peak_mb"] for x in rs], "MB")
        res.add(size, n, "appendix", "jobs=1/jobs=2", fmt, "ratio",
                [a["seconds"] / b["seconds"] for a, b in zip(app[1], app[2])], "x")
    info.setdefault("appendix_cells", {})[size] = cells
    _log(f"{size}: appendix done")


def bench_hostile(large: bool, root: Path, reps: int, res: Results, info: dict) -> None:
    """Build the hostile corpus (untimed, once) and measure its ingest: seconds and peak memory."""
    sys.path.insert(0, str(REPO / "tests"))
    from hostile_corpus import build_hostile_corpus

    folder = root / ("hostile_large" if large else "hostile_small")
    shutil.rmtree(folder, ignore_errors=True)
    expected = build_hostile_corpus(folder, large=large)
    runs = [run_child({"stage": "hostile", "data": str(folder)}) for _ in range(reps)]
    label = "large" if large else "small"
    res.add("hostile", "", "hostile", label, "", "seconds", [x["seconds"] for x in runs], "s")
    res.add("hostile", "", "hostile", label, "", "peak_rss_mb", [x["peak_mb"] for x in runs], "MB")
    info["hostile"] = {"version": label, "entries": len(expected), "status": runs[-1]["status"],
                       "tidy_rows": runs[-1]["rows"], "reasons": runs[-1]["reasons"],
                       "megabytes_on_disk": round(sum(p.stat().st_size for p in folder.rglob("*")
                                                      if p.is_file() and not p.is_symlink()) / 1e6, 1)}
    shutil.rmtree(folder, ignore_errors=True)


def growth(res: Results, sizes: list[int]) -> None:
    """Log-log slope of the median time between consecutive sizes, for every timed series."""
    series = sorted({(r["stage"], r["variant"], r["format"]) for r in res.rows if r["metric"] == "seconds"
                     and r["size"] in sizes})
    for a, b in zip(sizes, sizes[1:]):
        for stage, variant, fmt in series:
            ra, rb = res.get(a, stage, variant, fmt, "seconds"), res.get(b, stage, variant, fmt, "seconds")
            if not ra or not rb:
                continue
            e = math.log(rb["median"] / ra["median"]) / math.log(rb["n_initiatives"] / ra["n_initiatives"])
            res.add(f"{a}-{b}", "", stage, variant, fmt, "growth_exponent", [e], "")


def machine_info() -> dict:
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    cpu = ""
    try:
        cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                    if ln.startswith("model name")), "")
    except OSError:
        pass
    versions = {}
    for lib in LIBRARIES:
        try:
            versions[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            versions[lib] = "not installed"
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "mcr_analysis"], cwd=REPO,
                           capture_output=True, text=True).stdout.split("\n")
    dirty = [line[3:] for line in dirty if line.strip()]
    return {"cores": os.cpu_count(), "memory": mem, "cpu": cpu, "os": platform.platform(),
            "python": platform.python_version(), "versions": versions,
            "commit": commit.stdout.strip() or "unknown", "dirty": dirty, "load_start": os.getloadavg()}


def write_csv(res: Results, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=CSV_COLUMNS, lineterminator="\n")
        w.writeheader()
        for r in res.rows:
            w.writerow({k: (f"{v:.6g}" if isinstance(v, float) else v) for k, v in r.items()})


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_child":
        print(json.dumps(_child(json.loads(argv[1]))))
        return 0
    p = argparse.ArgumentParser(description="Benchmarks of issue 6 (see benchmarks/README.md).")
    p.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="initiatives per synthetic round")
    p.add_argument("--reps", type=str, default="5,5,3",
                   help="repetitions of ingest and scores per size (one number, or one per size; 0 = skip)")
    p.add_argument("--appendix-reps", type=int, default=3, help="repetitions of each appendix run (0 = skip)")
    p.add_argument("--appendix-cells", type=int, default=0,
                   help="cells drawn in the appendix stage (half Venn, half UpSet); 0 = every cell")
    p.add_argument("--formats", nargs="+", default=list(FORMATS), choices=FORMATS)
    p.add_argument("--notebook-reps", type=int, default=3, help="strict nbval runs of notebooks/ (0 = skip)")
    p.add_argument("--seed", type=int, default=None, help="generator seed (default generate.SEED)")
    p.add_argument("--hostile", choices=("large", "small", "none"), default="none",
                   help="ingest of the hostile folder (tests/hostile_corpus.py): its peak memory; `make bench` "
                        "runs the large version; default none")
    p.add_argument("--hostile-reps", type=int, default=None,
                   help="repetitions of the hostile folder's ingest (default: the fewest of --reps, at least 1; "
                        "0 = skip)")
    p.add_argument("--data", default=str(HERE / "_data"), help="where synthetic workbooks are generated")
    p.add_argument("--out", default=str(HERE), help="folder for results.csv and results.md")
    p.add_argument("--note", default="", help="a sentence for results.md, e.g. what else ran on the machine")
    p.add_argument("--only", choices=("reconcile",), default=None,
                   help="run only one stage: reconcile (mcr themes suggest and mcr duplicates); "
                   "writes reconcile.csv")
    p.add_argument("--render-only", action="store_true",
                   help="only rewrite results.md from results.csv and the run's info (<data>/last_run.json)")
    args = p.parse_args(argv)
    sys.path.insert(0, str(HERE))
    import generate
    from report_md import write_markdown

    if args.render_only:
        info = json.loads((Path(args.data) / "last_run.json").read_text(encoding="utf-8"))
        info["note"] = args.note or info.get("note", "")
        with (Path(args.out) / "results.csv").open(encoding="utf-8") as fh:
            rows = [dict(r, reps=int(r["reps"]), **{k: float(r[k]) for k in ("median", "min", "max")})
                    for r in csv.DictReader(fh)]
        write_markdown(rows, info, Path(args.out) / "results.md", TARGETS)
        return 0
    try:
        reps = [int(x) for x in args.reps.split(",")]
    except ValueError:
        p.error(f"--reps {args.reps!r}: expected whole numbers separated by commas")
    counts = {"--reps": min(reps), "--appendix-reps": args.appendix_reps, "--notebook-reps": args.notebook_reps,
              "--hostile-reps": 0 if args.hostile_reps is None else args.hostile_reps}
    for name, value in counts.items():
        if value < 0:
            p.error(f"{name} {value}: expected 0 (skip the stage) or more repetitions")
    if args.only == "reconcile":
        res = Results()
        for size in args.sizes if reps[0] else ():
            runs = [run_child({"stage": "reconcile", "size": size}) for _ in range(reps[0])]
            for variant in ("themes", "duplicates"):
                res.add(size, size, "reconcile", variant, "", "seconds", [x[f"{variant}_seconds"] for x in runs], "s")
            res.add(size, size, "reconcile", "both", "", "peak_rss_mb", [x["peak_mb"] for x in runs], "MB")
            _log(f"reconcile {size}: themes {runs[0]['themes_seconds']:.2f} s, duplicates "
                 f"{runs[0]['duplicates_seconds']:.2f} s, {runs[0]['n_suggested']} suggested themes, "
                 f"{runs[0]['n_pairs']} candidate pairs, {runs[0]['peak_mb']:.0f} MB")
        growth(res, list(args.sizes))
        Path(args.out).mkdir(parents=True, exist_ok=True)
        write_csv(res, Path(args.out) / "reconcile.csv")
        return 0
    seed = generate.SEED if args.seed is None else args.seed
    reps = reps * len(args.sizes) if len(reps) == 1 else reps
    if len(reps) != len(args.sizes):
        p.error(f"--reps gives {len(reps)} numbers for {len(args.sizes)} sizes")
    root, out = Path(args.data), Path(args.out)
    root.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    info = machine_info()
    info["note"] = args.note
    info.update(seed=seed, reps=dict(zip(args.sizes, reps)), appendix_reps=args.appendix_reps,
                started=dt.datetime.now().isoformat(timespec="seconds"), formats=args.formats,
                organisms=len(generate.LAYOUT_MIX))
    res = Results()
    t0 = time.perf_counter()
    for size, r in zip(args.sizes, reps):
        _log(f"size {size}, {r} repetitions")
        bench_size(size, r, args.appendix_reps, args.formats, args.appendix_cells, root, seed, res, info)
    hostile_reps = max(1, min(reps)) if args.hostile_reps is None else args.hostile_reps
    if args.hostile != "none" and hostile_reps:
        _log(f"hostile folder ({args.hostile})")
        bench_hostile(args.hostile == "large", root, hostile_reps, res, info)
    nb = sorted((REPO / "notebooks").glob("*.ipynb"))
    info["notebooks"] = [x.name for x in nb]
    nb_runs = [run_child({"stage": "notebooks"}) for _ in range(args.notebook_reps)] if nb else []
    info["notebook_status"] = ("skipped (--notebook-reps 0)" if not args.notebook_reps else
                               "no notebooks in notebooks/" if not nb else
                               "; ".join(sorted({("passed" if x["returncode"] == 0 else "FAILED") + ": " + x["summary"]
                                                 for x in nb_runs})))
    res.add("sample", "", "notebooks", "nbval", "", "seconds", [x["seconds"] for x in nb_runs], "s")
    res.add("sample", "", "notebooks", "nbval", "", "peak_rss_mb", [x["peak_mb"] for x in nb_runs], "MB")
    growth(res, list(args.sizes))
    info["load_end"] = os.getloadavg()
    info["total_minutes"] = (time.perf_counter() - t0) / 60
    write_csv(res, out / "results.csv")
    (root / "last_run.json").write_text(json.dumps(info, indent=1, default=str), encoding="utf-8")
    write_markdown(res.rows, info, out / "results.md", TARGETS)
    _log(f"wrote {out / 'results.csv'} and {out / 'results.md'} in {info['total_minutes']:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
