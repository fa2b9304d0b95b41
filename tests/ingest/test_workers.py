"""Worker processes of the ingest (mcr_analysis/ingest/workers.py) and the loader's use of them."""

from __future__ import annotations

import os
import shutil
import signal
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from mcr_analysis import config
from mcr_analysis.ingest import loader, workers
from mcr_analysis.ingest import load_submissions
from fixtures_xlsx import build_workbook

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="worker processes are forked on Linux")


@pytest.fixture(autouse=True)
def _forkable():
    """Fail, rather than run a task that kills its process here, when another thread is running."""
    others = [t.name for t in threading.enumerate() if t is not threading.main_thread()]
    assert workers.can_fork(), f"threads left running by earlier tests: {others}"


def _pid_after(task):
    """Sleep so that later tasks finish first, then say which process ran it."""
    n, delay = task
    time.sleep(delay)
    return n * 10, os.getpid()


def _dies_on_two(n):
    if n == 2:
        os.kill(os.getpid(), signal.SIGKILL)
    if n == 4:
        os._exit(3)
    return n + 100


def _raises_on_one(n):
    if n == 1:
        raise KeyError(f"task {n} has no key")
    return n


def test_results_come_in_task_order_from_other_processes():
    # the first task sleeps longest, so the second worker answers tasks 1..3 before task 0 is done
    tasks = [(0, 0.6), (1, 0.0), (2, 0.0), (3, 0.0)]
    out = list(workers.run_ordered(_pid_after, tasks, processes=2))
    assert [v for v, _pid in out] == [0, 10, 20, 30]
    pids = {pid for _v, pid in out}
    assert os.getpid() not in pids and len(pids) == 2


def test_one_process_runs_here():
    out = list(workers.run_ordered(_pid_after, [(1, 0), (2, 0)], processes=1))
    assert out == [(10, os.getpid()), (20, os.getpid())]


def test_a_worker_that_dies_costs_only_its_task():
    out = list(workers.run_ordered(_dies_on_two, [1, 2, 3, 4, 5], processes=2,
                                   crashed=lambda task, code: ("crashed", task, code)))
    # SIGKILL gives exit code -9, os._exit(3) gives 3; a new worker takes the tasks after each
    assert out == [101, ("crashed", 2, -9), 103, ("crashed", 4, 3), 105]


def test_a_dead_worker_without_a_fallback_stops_the_run():
    with pytest.raises(ChildProcessError, match=r"worker process ended abruptly \(exit code -9\)"):
        list(workers.run_ordered(_dies_on_two, [1, 2, 3], processes=2))


def test_an_exception_in_a_worker_is_raised_here():
    with pytest.raises(KeyError, match="task 1 has no key"):
        list(workers.run_ordered(_raises_on_one, [0, 1, 2], processes=2))


def test_process_count(tmp_path):
    small = [tmp_path / "a.xlsx", tmp_path / "b.xlsx"]
    for p in small:
        p.write_bytes(b"x" * 1000)
    assert workers.process_count(small) == 1  # 2,000 bytes: not worth a process
    assert workers.process_count(small, jobs=1) == 1
    assert workers.process_count(small, jobs=2) == 2
    assert workers.process_count(small, jobs=8) == 2  # never more than one per file
    assert workers.process_count(small[:1], jobs=2) == 1
    big = tmp_path / "c.xlsx"
    big.write_bytes(b"x" * workers.PROCESS_BYTES)
    assert workers.process_count(small + [big]) == min(workers.READERS, workers.usable_cpus(), 3)
    with pytest.raises(ValueError, match="jobs must be at least 1, got 0"):
        workers.process_count(small, jobs=0)


def test_no_fork_beside_another_thread(tmp_path):
    files = [tmp_path / "a.xlsx", tmp_path / "b.xlsx"]
    for p in files:
        p.write_bytes(b"x")
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not workers.can_fork()
        assert workers.process_count(files, jobs=2) == 1
    finally:
        stop.set()
        other.join()
    assert workers.process_count(files, jobs=2) == 2


def _frames(result):
    return [result.tidy, result.rejects, result.files, result.sheets, result.warnings, result.columns]


def _folder(root: Path) -> Path:
    """Three submissions written here: 3 + 2 + 1 data rows, one of them (CAN's) with an unknown axis."""
    head = ["Eje", "Criterio", "Tema", "Iniciativa", "Año"]
    build_workbook(root / "2024" / "ALADI_MCR_2024.xlsx", {"Matriz": [head,
        ["Cadenas de valor", "Proyectos", "Pymes", "Programa pymes", 2021],
        ["Cadenas de valor", "Normas", "Origen", "Régimen de origen", "2022-2023"],
        ["Transfronteriza", "Proyectos", "Pasos de frontera", "Paso único", 2020]]})
    build_workbook(root / "2024" / "CAN_MCR_2024.xlsx", {"Matriz": [head,
        ["Seguridad alimentaria", "Proyectos", "Sanidad", "Plan andino", 2019],
        ["Eje inventado", "Proyectos", "Otro", "Fila rechazada", 2019]]})
    build_workbook(root / "2025" / "SICA_MCR_2025.xlsx", {"Matriz": [head,
        ["Transfronteriza", "Normas; Proyectos", "Aduanas", "Trinacional", 2024]]})
    return root


def test_a_folder_loads_the_same_in_two_processes(tmp_path):
    raw = _folder(tmp_path / "raw")
    here, there = load_submissions(raw, jobs=1), load_submissions(raw, jobs=2)
    # 3 + 1 rows loaded, one rejected; SICA's one row names two criteria: 3 + 1 + 2 = 6 tidy rows
    assert len(there.tidy) == 6
    assert there.tidy["source_file"].tolist() == ["2024/ALADI_MCR_2024.xlsx"] * 3 + ["2024/CAN_MCR_2024.xlsx"] + [
        "2025/SICA_MCR_2025.xlsx"] * 2
    assert there.tidy["year"].tolist() == [2021, 2022, 2020, 2019, 2024, 2024]
    assert there.rejects[["source_file", "source_row"]].values.tolist() == [["2024/CAN_MCR_2024.xlsx", 3]]
    assert there.warnings["value"].tolist() == ["2022-2023"]
    for a, b in zip(_frames(here), _frames(there)):
        pd.testing.assert_frame_equal(a, b)


def test_a_file_that_kills_its_worker_is_a_reject_and_the_rest_loads(tmp_path, monkeypatch):
    raw = tmp_path / "raw" / "2024"
    raw.mkdir(parents=True)
    for f in sorted((config.PROJECT_ROOT / "data" / "raw").rglob("*.xlsx"))[:3]:
        shutil.copy(f, raw / f.name)
    names = sorted(p.name for p in raw.iterdir())
    victim = names[1]
    real = loader._load_task

    def fragile(task, read=None):
        if task.path.name == victim:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(task, read)

    monkeypatch.setattr(loader, "_load_task", fragile)  # the forked workers inherit the patch
    result = load_submissions(tmp_path / "raw", jobs=2)
    files = result.files.set_index("source_file")
    assert files.loc[f"2024/{victim}", "status"] == "unreadable"
    assert files.loc[f"2024/{victim}", "reason"].startswith(
        "refused: reading it ended the reading process abruptly (signal 9)")
    assert set(files.drop(index=f"2024/{victim}")["status"]) == {"loaded"}
    assert sorted(set(result.tidy["source_file"])) == [f"2024/{n}" for n in names if n != victim]
    rejected = result.rejects[result.rejects["source_file"] == f"2024/{victim}"]
    assert len(rejected) == 1 and rejected["source_row"].isna().all()
