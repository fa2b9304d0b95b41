"""Write ``results.md`` from the rows collected by ``run.py`` (kept apart so run.py stays short)."""

from __future__ import annotations

import math
from pathlib import Path


BASELINES = ("openpyxl", "calamine")


def _find(rows, size, stage, variant, fmt, metric):
    for r in rows:
        if (str(r["size"]), r["stage"], r["variant"], r["format"], r["metric"]) == (str(size), stage, variant,
                                                                                   fmt, metric):
            return r
    return None


def _fig(r, digits=3) -> str:
    """``median [min–max]`` or n/a."""
    if r is None or r["reps"] == 0 or math.isnan(r["median"]):
        return "n/a"
    if r["reps"] == 1:
        return _num(r["median"], digits)
    return f"{_num(r['median'], digits)} [{_num(r['min'], digits)}–{_num(r['max'], digits)}]"


def _num(v: float, digits: int = 3) -> str:
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:.{digits}g}"


def _cell(text: str) -> str:
    """Text for a Markdown table cell: one line, ``|`` escaped.

    >>> _cell("a|b\nc")
    'a\\|b c'
    """
    return " ".join(str(text).split()).replace("|", "\\|")


def _cells(info: dict, size) -> int:
    """Appendix cells drawn at ``size`` (keys are ints in a live run, strings once read back from JSON)."""
    cells = info["appendix_cells"]
    return cells[size] if size in cells else cells[str(size)]


def _table(head: list[str], body: list[list[str]]) -> list[str]:
    return (["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
            + ["| " + " | ".join(row) + " |" for row in body])


def write_markdown(rows: list[dict], info: dict, path: Path, targets: dict) -> None:
    sizes = list(dict.fromkeys(r["size"] for r in rows if r["stage"] == "ingest" and r["metric"] == "seconds"))
    app_sizes = list(dict.fromkeys(r["size"] for r in rows if r["stage"] == "appendix" and r["metric"] == "seconds"))
    fmts = info["formats"]
    load = ", ".join(f"{x:.2f}" for x in info["load_start"]), ", ".join(f"{x:.2f}" for x in info["load_end"])
    shared = info["load_start"][0] > 0.5 * (info["cores"] or 1)  # before the benchmark's own processes
    out = ["# Benchmark results (issue 6)", "",
           "Written by `make bench` (`benchmarks/run.py`); do not edit by hand — see "
           "[README.md](README.md) for what is measured, how, and the profile of the loader.", "",
           f"Run started {info['started']}, took {info['total_minutes']:.1f} min, at commit `{info['commit']}`"
           + (f" (with uncommitted changes to {', '.join(info['dirty'])})" if info.get("dirty") else "") + ". "
           f"Synthetic rounds of {info['organisms']} organisms (seed {info['seed']}); every figure is "
           "**median [min–max]** of the repetitions shown; each repetition is a fresh Python process.", "",
           "## Machine", "",
           f"- CPU: {info['cpu'] or 'unknown'}; cores: {info['cores']}; memory: {info['memory']}",
           f"- OS: {info['os']}; Python {info['python']}",
           "- Libraries: " + ", ".join(f"{k} {v}" for k, v in info["versions"].items()),
           f"- Load average (1, 5, 15 min) at start: {load[0]}; at end: {load[1]} (the end figures include "
           "the benchmark's own processes, one to three busy at a time).", ""]
    if info.get("note"):
        out += [f"> **Note on this run**: {info['note']}", ""]
    if shared:
        out += [f"> **The machine was busy at the start**: a load average of {info['load_start'][0]:.2f} on "
                f"{info['cores']} cores, so other (or earlier) work may have shared the cores during this run; "
                "absolute times may be pessimistic and noisy; the ratios compare variants interleaved within each "
                "repetition, under the same load.", ""]
    skipped = "Not measured in this run (0 repetitions)."
    out += ["## Ingest", ""]
    if not sizes:
        out += [skipped, ""]
    out += [] if not sizes else [
            "Same workbooks, same run, interleaved: **ours** = `mcr_analysis.ingest.load_submissions` (calamine "
            "read, header detection, vocabulary matching, validation, tidy table), as `mcr ingest` runs it (from "
            "256 KB of workbooks, two worker processes; peak RSS is then the largest process); **ours_jobs1** = "
            "the same with `jobs=1` (one process, two reading threads); **openpyxl** = the obvious "
            "baseline, `pandas.read_excel(engine=\"openpyxl\", sheet_name=None)` on every workbook with the "
            "header row given, then plain column renaming (no validation, no tidy table); **calamine** = "
            "bare `python-calamine` read of every sheet to Python lists (the reader's own limit). "
            "Rows/s counts initiatives (tidy rows) for all of them.", ""]
    body = []
    for s in sizes:
        n = _find(rows, s, "ingest", "ours", "", "seconds")["n_initiatives"]
        reps = _find(rows, s, "ingest", "ours", "", "seconds")["reps"]
        for v in ("ours", "ours_jobs1", "openpyxl", "calamine"):
            body.append([f"{int(n):,}" if v == "ours" else "", str(reps) if v == "ours" else "", v,
                         _fig(_find(rows, s, "ingest", v, "", "seconds")),
                         _fig(_find(rows, s, "ingest", v, "", "rows_per_s")),
                         _fig(_find(rows, s, "ingest", v, "", "peak_rss_mb"))])
    head = ["initiatives", "reps", "reader", "seconds", "initiatives/s", "peak RSS MB"]
    out += _table(head, body) + [""] if sizes else []
    body = [[f"{int(_find(rows, s, 'ingest', 'ours', '', 'seconds')['n_initiatives']):,}",
             _fig(_find(rows, s, "ingest", "openpyxl/ours", "", "ratio")),
             _fig(_find(rows, s, "ingest", "ours/calamine", "", "ratio")),
             _fig(_find(rows, s, "ingest", "ours_jobs1/calamine", "", "ratio"))] for s in sizes]
    out += _table(["initiatives", "baseline/ours (× faster than openpyxl)", "ours/bare calamine (× slower)",
                   "ours_jobs1/bare calamine"],
                  body) + [""] if sizes else []
    pre = [r for r in rows if r["stage"] == "ingest" and r["variant"] == "prescan/calamine"]
    if pre:
        out += ["The loader's stream scan of each sheet's XML before calamine (it bounds what calamine may "
                "allocate; in the loader it runs in the worker processes, or with `jobs=1` in scanning processes on another core), alone, as a share of "
                "the bare calamine read: "
                + "; ".join(f"{int(r['n_initiatives']):,} initiatives {_fig(r)}" for r in pre) + ".", ""]
    out += ["## Scores", ""] + ([skipped, ""] if not sizes else [
            "`mcr_analysis.scores.score_tables` on the tidy table (convergence, pairwise, "
            "shared-theme and profile tables), the table already in memory.", ""])
    body = [[f"{int(_find(rows, s, 'scores', 'score_tables', '', 'seconds')['n_initiatives']):,}",
             str(_find(rows, s, "scores", "score_tables", "", "seconds")["reps"]),
             _fig(_find(rows, s, "scores", "score_tables", "", "seconds")),
             _fig(_find(rows, s, "scores", "score_tables", "", "peak_rss_mb"))] for s in sizes]
    out += _table(["initiatives", "reps", "seconds", "peak RSS MB"], body) + [""] if sizes else []
    out += ["## Appendix", ""] + ([skipped, ""] if not app_sizes else [])
    out += [] if not app_sizes else [
            f"`mcr_analysis.appendix.build_appendix` (one format per run) on "
            f"{_cells(info, app_sizes[-1])} cells per size — half from the axis with the fewest organisms, "
            "half from the axis with the most, so both Venn diagrams and UpSet plots are drawn (kinds: "
            + "; ".join(f"{s}: {k}" for s, k in info["appendix_kinds"].items()) + "). Each run also binds "
            "`appendix.pdf` and draws the summary heat maps, as the command does; seconds per diagram = run "
            "time / cells. `jobs=1` renders in the process, `jobs=2` uses the process pool on two cores. "
            f"{info['appendix_reps']} repetition(s), sequential and parallel interleaved.", ""]
    body = []
    for s in app_sizes:
        n = _find(rows, s, "appendix", "jobs=1", fmts[0], "seconds")["n_initiatives"]
        for f in fmts:
            body.append([f"{int(n):,}", f,
                         _fig(_find(rows, s, "appendix", "jobs=1", f, "seconds_per_diagram")),
                         _fig(_find(rows, s, "appendix", "jobs=2", f, "seconds_per_diagram")),
                         _fig(_find(rows, s, "appendix", "jobs=1/jobs=2", f, "ratio")),
                         _fig(_find(rows, s, "appendix", "jobs=1", f, "peak_rss_mb")),
                         _fig(_find(rows, s, "appendix", "jobs=2", f, "peak_rss_mb"))])
    out += _table(["initiatives", "format", "s/diagram jobs=1", "s/diagram jobs=2", "speed-up (jobs=1/jobs=2)",
                   "peak MB jobs=1", "peak MB jobs=2 (largest process)"], body) + [""] if app_sizes else []
    hostile = [r for r in rows if r["stage"] == "hostile"]
    if hostile and info.get("hostile"):
        h = info["hostile"]
        secs = next(r for r in hostile if r["metric"] == "seconds")
        peak = next(r for r in hostile if r["metric"] == "peak_rss_mb")
        out += ["## Hostile folder", "",
                f"`tests/hostile_corpus.py` ({h['version']} version: {h['entries']} entries, "
                f"{h['megabytes_on_disk']} MB on disk) next to good workbooks; files by status: "
                + ", ".join(f"{k} {v}" for k, v in sorted(h["status"].items()))
                + f"; {h['tidy_rows']:,} tidy rows.", ""]
        out += _table(["seconds", "peak RSS MB (largest process)"], [[_fig(secs), _fig(peak)]]) + [""]
        out += [f"Peak memory of the hostile folder under 1 GB (issue 10): "
                f"**{'met' if peak['max'] < targets['memory_mb'] else 'not met'}** ({peak['max']:.0f} MB).", ""]
        listed = [x for x in h.get("reasons", []) if x[1] != "loaded" or x[3]]
        if listed:
            out += ["Every entry not loaded, with the reason the ingest gives (the files table, "
                    "`mcr_files.csv`); the other entries loaded:", ""]
            out += _table(["file", "status", "reason"],
                          [[f"`{_cell(f)}`", st, _cell(why)] for f, st, _n, why in listed]) + [""]
    else:
        out += ["## Hostile folder", "", "Not measured in this run (`--hostile none` or `--hostile-reps 0`; "
                "`make bench` runs `--hostile large`).", ""]
    nb = _find(rows, "sample", "notebooks", "nbval", "", "seconds")
    out += ["## Notebooks", "",
            "`python -m pytest --nbval --nbval-current-env notebooks/` (strict: outputs must match) on the "
            "sample data in `data/raw` — the notebooks do not depend on the synthetic size, so it is measured "
            f"once ({nb['reps']} repetition(s)). Notebooks: {', '.join(info['notebooks']) or 'none'}. "
            f"Status: {info['notebook_status']}.", ""]
    out += _table(["seconds", "peak RSS MB (largest process)"],
                  [[_fig(nb), _fig(_find(rows, "sample", "notebooks", "nbval", "", "peak_rss_mb"))]]) + [""]
    out += ["## Growth exponents", "",
            "e in time ∝ size^e, the log-log slope of the median time between consecutive sizes "
            "(e ≈ 1: linear; e < 1: fixed costs still dominate).", ""]
    pairs = [f"{a}-{b}" for a, b in zip(sizes, sizes[1:])]
    series = list(dict.fromkeys((r["stage"], r["variant"], r["format"]) for r in rows
                                if r["metric"] == "growth_exponent"))
    body = [[st, v, f or "", *[_fig(_find(rows, p, st, v, f, "growth_exponent"), 2) for p in pairs]]
            for st, v, f in series]
    out += _table(["stage", "variant", "format", *pairs], body) + [""]
    out += ["## Targets of issue 6", ""] + _targets(rows, info, targets, sizes, app_sizes, fmts) + [""]
    path.write_text("\n".join(out), encoding="utf-8")


def _targets(rows, info, targets, sizes, app_sizes, fmts) -> list[str]:
    """The targets of issue 6, each **met**, **not met** or **not measured** (its stage was skipped)."""
    skipped = "**not measured** (stage skipped in this run)."
    big = sizes[-1] if sizes else None
    lines = []
    if big is not None:
        n = int(_find(rows, big, "ingest", "ours", "", "seconds")["n_initiatives"])
        lines += [f"Evaluated at the largest size run ({n:,} initiatives); medians.", ""]
    vs_base = _find(rows, big, "ingest", "openpyxl/ours", "", "ratio") if big is not None else None
    vs_bare = _find(rows, big, "ingest", "ours/calamine", "", "ratio") if big is not None else None
    one = _find(rows, big, "ingest", "ours_jobs1/calamine", "", "ratio") if big is not None else None
    head = f"- Ingest ≥ {targets['ingest_vs_openpyxl']:g}× faster than the openpyxl baseline: "
    if vs_base is None:
        lines.append(head + skipped)
    else:
        ok = vs_base["median"] >= targets["ingest_vs_openpyxl"]
        lines.append(head + f"**{'met' if ok else 'not met'}** ({vs_base['median']:.2f}×)."
                     + ("" if ok else " See README.md, *Where the loader's time goes*."))
    head = f"- Ingest within {targets['ingest_vs_calamine']:g}× of the bare calamine read: "
    if vs_bare is None:
        lines.append(head + skipped)
    else:
        ok = vs_bare["median"] <= targets["ingest_vs_calamine"]
        lines.append(head + f"**{'met' if ok else 'not met'}** ({vs_bare['median']:.2f}×)."
                     + " From 256 KB of workbooks the loader reads and validates them in two worker processes, "
                       "so this is wall time on two cores (README.md, *Where the loader's time goes*)"
                     + (f"; in one process (`jobs=1`, reading threads): {one['median']:.2f}×." if one else ".")
                     + ("" if ok else " The rest of the loader's time is Python work per cell after the read; "
                        "see README.md for the profile."))
    ours = [r for r in rows if r["variant"] not in BASELINES]
    worst = [r for r in ours if r["metric"] == "growth_exponent"]
    over = [r for r in worst if r["median"] > targets["growth"]]
    top = max(worst, key=lambda r: r["median"]) if worst else None
    head = (f"- Every stage's growth exponent ≤ {targets['growth']:g} (our stages, every interval; the "
            "baselines' exponents are in the table above for reference): ")
    if top is None:
        lines.append(head + "**not measured** (fewer than two sizes).")
    else:
        lines.append(head + f"**{'met' if not over else 'not met'}**"
                     + f" (largest {top['median']:.2f}: {top['stage']} {top['variant']} {top['format']} "
                       f"{top['size']})."
                     + ("" if not over else " Over the target: " + "; ".join(
                         f"{r['stage']} {r['variant']} {r['format']} {r['size']}: {r['median']:.2f}" for r in over)
                        + ". Between small sizes a slope above 1 can come from the fixed cost being swamped by "
                          "noise (shared machine); compare with the next interval."))
    head = f"- Parallel rendering ≥ {targets['parallel']:g}× faster than sequential on two cores: "
    if not app_sizes:
        lines.append(head + skipped)
    else:
        par = {f: _find(rows, app_sizes[-1], "appendix", "jobs=1/jobs=2", f, "ratio")["median"] for f in fmts}
        ok = all(v >= targets["parallel"] for v in par.values())
        lines.append(head + f"**{'met' if ok else 'not met'}** ("
                     + ", ".join(f"{f} {v:.2f}×" for f, v in par.items()) + ")."
                     + ("" if ok else " Each cell is drawn once, in the pool; what stays serial is planning the "
                        "cells (the workers start meanwhile), binding `appendix.pdf` from the cells' pages with "
                        "pypdf and writing the manifest, in the main process"
                        + (", and other processes were using the cores (load average above the core count)."
                           if info["load_start"][0] > (info["cores"] or 1) else ".")
                        + " See README.md, *Parallel rendering*, for the arithmetic."))
    largest = {str(s) for s in (big, app_sizes[-1] if app_sizes else None) if s is not None}
    peaks = [r for r in ours if r["metric"] == "peak_rss_mb" and str(r["size"]) in largest and r["reps"]]
    head = "- Peak memory of our stages under 1 GB: "
    if not peaks:
        lines.append(head + skipped)
    else:
        top = max(peaks, key=lambda r: r["max"])
        ok = top["max"] < targets["memory_mb"]
        lines.append(head + f"**{'met' if ok else 'not met'}** (largest: {top['stage']} {top['variant']} "
                     f"{top['format']} {top['max']:.0f} MB, max over repetitions).")
    return lines
