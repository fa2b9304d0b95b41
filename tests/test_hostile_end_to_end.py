"""Issue 10, end to end: ``mcr ingest``, ``mcr scores`` and ``mcr appendix`` on the whole hostile corpus at once.

Each command runs through the real command line in its own process, as a new
user would run it.  The folder holds every hostile and broken file of
:mod:`hostile_corpus` next to the good workbooks (``AEC_big.xlsx`` cut to 2,000
rows: the tidy workbook's cost grows with the rows, not the hostility).
Expectations are counted by hand from the corpus and written here.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest
from hostile_corpus import build_hostile_corpus

ROOT = Path(__file__).resolve().parent.parent
GIB_KB = 1024 * 1024

# Rows each loaded file gives the tidy table, counted by hand from hostile_corpus.py.
LOADED_ROWS = {
    "2024/CAN_matriz_2024.xlsx": 3, "2024/SICA_stray_XFD1048576.xlsx": 3, "2024/MERCOSUR_stray_XFD8000.xlsx": 3,
    "2024/OTCA_dimension.xlsx": 3, "2024/AEC_big.xlsx": 2000, "2024/SELA_texts.xlsx": 3,
    "2024/CAN_formulas.xlsx": 2,  # row 4's formulas have no saved value: rejected by cell
    "2024/CARICOM_matriz.xls": 3, "2024/OTCA_matriz.ods": 3, "2024/ALADI_matriz.csv": 3,
}
# Every other entry of the folder: its status and the kind of reason the report gives it.
FILE_LEVEL = {
    "2024/ALADI_sprawl.xlsx": ("unreadable", "more than the grid budget"),
    "2024/bomb_ratio.xlsx": ("unreadable", "a ratio over the limit 1000; refused as a possible zip bomb"),
    "2024/bomb_lying.xlsx": ("unreadable", "inflates to more than the 1000 bytes it declares"),
    "2024/bomb_entries.xlsx": ("unreadable", "more than the limit 10000; refused as a possible zip bomb"),
    "2024/xxe.xlsx": ("unreadable", "not a readable workbook"),
    "2024/encrypted.xlsx": ("unreadable", "encrypted workbook"),
    "2024/truncated.xlsx": ("unreadable", "file is not a zip file"),
    "2024/empty.xlsx": ("unreadable", "empty file (0 bytes)"),
    "2024/legacy_broken.xls": ("unreadable", "not a readable workbook"),
    "2024/web_page.xls": ("unreadable", "a web page saved with the .xls extension"),
    "2024/repeated.ods": ("unreadable", "refused: the reader stopped"),
    "2024/informe.pdf": ("unreadable", "unsupported file type '.pdf'"),
    "2024/~$CAN_matriz_2024.xlsx": ("skipped", "workbook open in a spreadsheet program"),
    "2024/.~lock.CAN_matriz_2024.xlsx#": ("skipped", "workbook open in a spreadsheet program"),
    "2024/README.md": ("skipped", "not a submission"),
    "2024/carpeta.xlsx": ("skipped", "a folder named like a workbook"),
    "2024/loop": ("skipped", "symbolic link loop"),
}
LONG_THEME = "T" * 32_767
CJK_THEME = "能源合作 🌞⚡"
CONTROL_THEME = "Línea 1\r\nLínea 2\x00fin"


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, in KB (0 once it is gone)."""
    parent, rss = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as fh:
                parent[int(entry)] = int(fh.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/statm", encoding="ascii") as fh:
                rss[int(entry)] = int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
        except (OSError, ValueError, IndexError):
            continue
    tree, todo = set(), [pid]
    while todo:
        p = todo.pop()
        tree.add(p)
        todo += [c for c, pp in parent.items() if pp == p and c not in tree]
    return sum(rss.get(p, 0) for p in tree)


def _mcr(*args: str, cwd: Path) -> dict:
    """Run ``python -m mcr_analysis ARGS`` (what ``mcr`` runs); return its exit code, output and peak memory.

    The peak is the larger of the kernel's maximum resident size of the
    process tree (``wait4``: the child or any reader process it waited for)
    and the largest sum over the tree seen by a /proc poll every 50 ms.
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("SOURCE_DATE_EPOCH", None)
    child = subprocess.Popen([sys.executable, "-m", "mcr_analysis", *args], cwd=cwd, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    polled, stop = [0], threading.Event()

    def poll():
        while not stop.is_set():
            polled[0] = max(polled[0], _tree_rss_kb(child.pid))
            stop.wait(0.05)

    out, err = [], []
    readers = [threading.Thread(target=lambda: out.append(child.stdout.read())),
               threading.Thread(target=lambda: err.append(child.stderr.read())),
               threading.Thread(target=poll)]
    for t in readers:
        t.start()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    stop.set()
    for t in readers:
        t.join()
    child.stdout.close()
    child.stderr.close()
    return {"code": child.returncode, "stdout": out[0].decode(), "stderr": err[0].decode(),
            "peak_kb": max(usage.ru_maxrss, polled[0]), "maxrss_kb": usage.ru_maxrss, "polled_kb": polled[0]}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The three commands, one after the other, on one folder (``work/raw``)."""
    work = tmp_path_factory.mktemp("e2e")
    build_hostile_corpus(work / "raw", big_rows=2000)
    steps = {
        "ingest": _mcr("ingest", "raw", "--out", "P", "--lang", "en", cwd=work),
        "scores": _mcr("scores", "--tidy", "P/mcr_tidy.csv", "--out", "P", "--lang", "en", cwd=work),
        "appendix": _mcr("appendix", "--tidy", "P/mcr_tidy.csv", "--out", "F", "--lang", "en", "-q", cwd=work),
    }
    return work, steps


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _report_files(report: str) -> dict[str, tuple[str, str]]:
    """``{file: (status, reason)}`` from the "Files" table of the Markdown report (English)."""
    lines = report.split("\n## ")[1].splitlines()
    assert lines[0] == "Files"
    header = [c.strip() for c in lines[2].strip("|").split("|")]
    status, reason = header.index("Status"), header.index("Reason")
    rows = {}
    for line in lines[4:]:
        if not line.startswith("| 2024/"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        assert len(cells) == len(header), line
        rows[cells[0]] = (cells[status], cells[reason])
    return rows


def test_every_command_exits_0_without_a_traceback(run):
    _work, steps = run
    for name, step in steps.items():
        assert step["code"] == 0, (name, step["stderr"][-3000:])
        assert "Traceback" not in step["stderr"], name


def test_the_good_rows_are_loaded(run):
    work, _steps = run
    tidy = _read(work / "P" / "mcr_tidy.csv")
    assert tidy["source_file"].value_counts().to_dict() == LOADED_ROWS
    assert len(tidy) == 2026
    good = tidy[tidy["source_file"] == "2024/CAN_matriz_2024.xlsx"]
    assert good["theme"].tolist() == ["Eficiencia energética", "Interconexión eléctrica", "Semillas nativas"]
    assert good["source_row"].tolist() == ["2", "3", "4"]
    texts = tidy[tidy["source_file"] == "2024/SELA_texts.xlsx"]["theme"].tolist()
    assert texts == [LONG_THEME, CONTROL_THEME, CJK_THEME]  # the CSV parses back to the exact text


def test_every_hostile_file_is_reported_at_file_level_with_its_reason(run):
    work, _steps = run
    files = _report_files((work / "P" / "mcr_validation_report.md").read_text(encoding="utf-8"))
    assert set(files) == set(LOADED_ROWS) | set(FILE_LEVEL)
    for name in LOADED_ROWS:
        assert files[name] == ("loaded", ""), name
    for name, (status, reason) in FILE_LEVEL.items():
        assert files[name][0] == status, (name, files[name])
        assert reason in files[name][1].lower(), (name, files[name])  # the report's sentences start capitalised
    # Unreadable files have one file-level reject each (no row); skipped entries have none.
    rejects = _read(work / "P" / "mcr_rejects.csv")
    file_level = rejects[rejects["source_row"] == ""]
    unreadable = sorted(n for n, (status, _) in FILE_LEVEL.items() if status == "unreadable")
    assert sorted(file_level["source_file"]) == unreadable
    by_cell = rejects[rejects["source_row"] != ""]
    assert by_cell[["source_file", "source_row"]].values.tolist() == [["2024/CAN_formulas.xlsx", "4"]]
    assert by_cell["reason"].str.contains("formula with no saved value: open the file in Excel and save it").all()


def test_the_ingest_peak_memory_stays_under_one_gigabyte(run):
    _work, steps = run
    ingest = steps["ingest"]
    print(f"ingest peak: {ingest['maxrss_kb']} KB (largest process), {ingest['polled_kb']} KB (process tree, polled)")
    assert 0 < ingest["peak_kb"] < GIB_KB, ingest


def test_scores_count_the_themes_of_every_cell(run):
    work, _steps = run
    scores = _read(work / "P" / "mcr_scores.csv")
    cells = scores[scores["criterion"] != "*"]
    # energía/proyectos: 97 AEC themes, Interconexión eléctrica (6 organisms), the control-character theme, @SUM
    assert cells[["axis", "criterion", "n_active", "n_themes"]].values.tolist() == [
        ["energia_sostenible", "proyectos", "8", "100"], ["energia_sostenible", "normas", "7", "3"],
        ["seguridad_alimentaria", "proyectos", "6", "1"], ["seguridad_alimentaria", "normas", "1", "1"]]


def test_the_appendix_draws_every_cell_with_data_and_keeps_the_hostile_themes_whole(run):
    work, _steps = run
    manifest = _read(work / "F" / "manifest.csv")
    assert manifest[["axis", "criterion", "n_themes"]].values.tolist() == [
        ["energia_sostenible", "proyectos", "100"], ["energia_sostenible", "normas", "3"],
        ["seguridad_alimentaria", "proyectos", "1"], ["seguridad_alimentaria", "normas", "1"]]
    for files in manifest["files"]:
        for name in files.split(";"):
            assert (work / "F" / name).stat().st_size > 0, name
    assert len(manifest["files"][0].split(";")) == 6  # 100 themes: the figure and one continuation page
    assert (work / "F" / "appendix.pdf").read_bytes().startswith(b"%PDF")
    themes = _read(work / "F" / "themes.csv")
    by_theme = dict(zip(themes["theme"], zip(themes["number"], themes["region"])))
    assert by_theme[LONG_THEME] == ("2", "SELA")
    assert by_theme[CJK_THEME] == ("4", "SELA")
    assert by_theme[CONTROL_THEME] == ("1", "SELA")
    assert by_theme["'=cmd|' /C calc'!A0"] == ("2", "CAN")  # neutralised, as in every CSV
    assert len(themes) == 100 + 3 + 1 + 1


def _texts(fig):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()  # lays the figure out as saving it does
    renderer = canvas.get_renderer()
    drawn = [*fig.texts, *(t for ax in fig.axes for t in ax.texts)]  # titles, tables, region labels, sources
    return [(t.get_text(), t.get_window_extent(renderer)) for t in drawn if t.get_visible() and t.get_text()], fig.bbox


def test_every_text_of_the_hostile_figures_is_short_and_inside_its_page(run):
    from matplotlib.figure import Figure

    from mcr_analysis import appendix, ingest, plots

    work, _steps = run
    tidy = ingest.read_tidy(work / "P" / "mcr_tidy.csv")
    with plots.style():
        for cell in appendix.plan_cells(tidy):
            drawn = plots.draw_cell(cell["contents"], axis=cell["axis"], criterion=cell["criterion"], lang="en",
                                    fig=Figure(), number=cell["number"])
            for fig in [drawn.fig, *drawn.continued]:
                texts, page = _texts(fig)
                for text, box in texts:
                    assert max(map(len, text.split("\n"))) <= 250, (cell["number"], text[:80])
                    assert page.x0 - 1 <= box.x0 and box.x1 <= page.x1 + 1, (cell["number"], text[:80])
                    assert page.y0 - 1 <= box.y0 and box.y1 <= page.y1 + 1, (cell["number"], text[:80])
