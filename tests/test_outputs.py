"""Tests of mcr_analysis.outputs: output sets, the folder lock, CSV text, SOURCE_DATE_EPOCH."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mcr_analysis import outputs, report
from mcr_analysis.ingest import LoadResult, read_tidy
from mcr_analysis.ingest.tables import FILE_COLUMNS, REJECT_COLUMNS, SHEET_COLUMNS, TIDY_COLUMNS

ROOT = Path(__file__).resolve().parent.parent


def _names(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _child(code: str, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *args], env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(predicate, what: str, limit: int = 3000):
    for _ in range(limit):  # bounded polling, not a timing assertion
        if predicate():
            return
        time.sleep(0.01)
    raise AssertionError(f"gave up waiting for {what}")


# ----------------------------------------------------------------------------- output sets
def test_a_set_replaces_all_its_files_and_leaves_nothing_else(tmp_path):
    (tmp_path / "a.txt").write_text("old a", encoding="utf-8")
    with outputs.output_set(tmp_path) as outs:
        outs.write_text("a.txt", "new a")
        outs.write_bytes("sub/b.bin", b"\x00\x01")
        # Nothing final changes before the block ends; the temporary files are hidden names.
        assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "old a"
        assert not (tmp_path / "sub" / "b.bin").exists()
        assert all(Path(n).name.startswith((outputs.TEMP_PREFIX, outputs.LOCK_NAME)) for n in _names(tmp_path)
                   if n != "a.txt")
    assert _names(tmp_path) == ["a.txt", "sub/b.bin"]
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "new a"


def test_an_error_inside_the_block_keeps_the_previous_set(tmp_path):
    (tmp_path / "a.txt").write_text("old a", encoding="utf-8")
    (tmp_path / "b.txt").write_text("old b", encoding="utf-8")
    with pytest.raises(RuntimeError, match="disk full"):
        with outputs.output_set(tmp_path) as outs:
            outs.write_text("a.txt", "new a")
            raise RuntimeError("disk full")
    assert _names(tmp_path) == ["a.txt", "b.txt"]
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "old a"


def test_removed_files_go_with_the_commit_and_staged_ones_are_kept(tmp_path):
    for name in ("01_x.svg", "02_x.svg"):
        (tmp_path / name).write_text("old", encoding="utf-8")
    with outputs.output_set(tmp_path) as outs:
        outs.write_text("01_x.svg", "new")
        outs.remove("01_x.svg")  # also staged: kept
        outs.remove("02_x.svg")
        outs.remove("never_there.svg")
        assert (tmp_path / "02_x.svg").exists()
    assert _names(tmp_path) == ["01_x.svg"]


def test_a_staged_file_never_written_fails_the_commit_and_keeps_the_old_set(tmp_path):
    (tmp_path / "a.txt").write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError, match=r"staged files never written: \['a.txt'\]"):
        with outputs.output_set(tmp_path) as outs:
            outs.path("a.txt")
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "old"


def test_recover_finishes_a_set_interrupted_during_the_renames(tmp_path, monkeypatch):
    for name in ("a.txt", "b.txt", "stale.svg"):
        (tmp_path / name).write_text("old", encoding="utf-8")
    real_replace, calls = os.replace, []

    def crash_on_second_rename(src, dst):
        calls.append(Path(dst).name)
        if len(calls) == 3:  # 1: the journal itself, 2: a.txt, 3: b.txt -> crash
            raise KeyboardInterrupt("killed")
        real_replace(src, dst)

    monkeypatch.setattr(outputs.os, "replace", crash_on_second_rename)
    outs = outputs.OutputSet(tmp_path)
    outs.write_text("a.txt", "new")
    outs.write_text("b.txt", "new")
    outs.remove("stale.svg")
    with pytest.raises(KeyboardInterrupt):
        outs.commit()
    monkeypatch.setattr(outputs.os, "replace", real_replace)
    # The crash left a mix (a new, b old) and the journal that says how to finish.
    assert [(tmp_path / n).read_text(encoding="utf-8") for n in ("a.txt", "b.txt")] == ["new", "old"]
    assert (tmp_path / outputs.JOURNAL_NAME).is_file()
    with outputs.folder_lock(tmp_path):  # the next run into the folder completes the set first
        pass
    assert _names(tmp_path) == ["a.txt", "b.txt"]
    assert [(tmp_path / n).read_text(encoding="utf-8") for n in ("a.txt", "b.txt")] == ["new", "new"]


def test_recover_without_a_journal_removes_leftover_temporary_files(tmp_path):
    (tmp_path / "a.txt").write_text("old", encoding="utf-8")
    (tmp_path / "summary").mkdir()
    (tmp_path / "summary" / f"{outputs.TEMP_PREFIX}1-ab-x.svg").write_text("half", encoding="utf-8")
    (tmp_path / f"{outputs.TEMP_PREFIX}1-ab-a.txt").write_text("half", encoding="utf-8")
    assert outputs.recover(tmp_path) == []
    assert _names(tmp_path) == ["a.txt"]


SLOW_INGEST = """
import sys, time
from pathlib import Path
from mcr_analysis import ingest, outputs, report

real = outputs.OutputSet.write_bytes

def slow(self, name, data):
    path = self.path(name)
    with open(path, "wb") as fh:
        for i in range(0, len(data), 64):
            fh.write(data[i:i + 64]); fh.flush()
            time.sleep(0.002)
            if name == "mcr_rejects.csv" and sys.argv[4:] == ["block"]:
                Path(sys.argv[2], "half-" + name).write_text("x")
                time.sleep(1000)  # killed here, half-way through the third file
    Path(sys.argv[2], "wrote-" + name).write_text("x")
    return self.final(name)

outputs.OutputSet.write_bytes = slow
report.write_ingest_outputs(ingest.load_submissions(sys.argv[1]), sys.argv[3])
print("done")
"""


def _raw_folder(tmp_path, theme):
    from fixtures_xlsx import build_workbook

    raw = tmp_path / f"raw_{len(theme)}"
    build_workbook(raw / "2024" / "OTCA.xlsx", {"M": [["Eje", "Criterio", "Tema"]] + [
        ["Energía sostenible", "Normas", f"{theme} {i}"] for i in range(40)]})
    return raw


def _previous_set(tmp_path) -> tuple[Path, dict]:
    from mcr_analysis.ingest import load_submissions

    out = tmp_path / "processed"
    report.write_ingest_outputs(load_submissions(_raw_folder(tmp_path, "Viejo")), out)
    return out, {n: (out / n).read_bytes() for n in report.OUTPUT_NAMES}


def test_kill_9_during_an_ingest_leaves_the_previous_set_intact(tmp_path):
    out, old = _previous_set(tmp_path)
    marks = tmp_path / "marks"
    marks.mkdir()
    child = _child(SLOW_INGEST, str(_raw_folder(tmp_path, "Nuevo tema")), str(marks), str(out), "block")
    try:
        # Kill it once two files are staged and the third is half written.
        _wait_for(lambda: (marks / "half-mcr_rejects.csv").exists(), "the child to write mcr_rejects.csv")
        assert (marks / "wrote-mcr_tidy.csv").exists()
        assert {n: (out / n).read_bytes() for n in report.OUTPUT_NAMES} == old
        child.send_signal(signal.SIGKILL)
        child.wait()
    finally:
        child.kill()
        child.communicate()
    assert child.returncode == -signal.SIGKILL
    assert {n: (out / n).read_bytes() for n in report.OUTPUT_NAMES} == old
    leftovers = [n for n in _names(out) if n not in report.OUTPUT_NAMES]
    assert leftovers and all(n.startswith((outputs.TEMP_PREFIX, outputs.LOCK_NAME)) for n in leftovers)
    with outputs.folder_lock(out):  # the next run sweeps the temporary files
        pass
    assert _names(out) == sorted(report.OUTPUT_NAMES)


def test_a_reader_only_ever_sees_the_old_or_the_new_complete_file(tmp_path):
    out, old = _previous_set(tmp_path)
    marks = tmp_path / "marks"
    marks.mkdir()
    child = _child(SLOW_INGEST, str(_raw_folder(tmp_path, "Nuevo tema")), str(marks), str(out))
    seen = {n: set() for n in report.OUTPUT_NAMES}
    while child.poll() is None:
        for name in report.OUTPUT_NAMES:
            seen[name].add((out / name).read_bytes())
    stdout, stderr = child.communicate()
    assert child.returncode == 0, stderr
    assert stdout.strip() == "done"
    new = {n: (out / n).read_bytes() for n in report.OUTPUT_NAMES}
    assert all(new[n] != old[n] for n in ("mcr_tidy.csv", "mcr_tidy.parquet"))
    for name in report.OUTPUT_NAMES:
        assert seen[name] <= {old[name], new[name]}, name
    assert _names(out) == sorted(report.OUTPUT_NAMES)


# ----------------------------------------------------------------------------- lock
HOLD_LOCK = """
import sys, time
from mcr_analysis import outputs
with outputs.folder_lock(sys.argv[1]):
    print("held", flush=True)
    sys.stdin.readline()
"""


@pytest.fixture
def held_folder(tmp_path):
    folder = tmp_path / "busy"
    child = _child(HOLD_LOCK, str(folder))
    try:
        assert child.stdout.readline().strip() == "held"
        yield folder
    finally:
        child.kill()
        child.communicate()


def test_a_second_run_into_a_locked_folder_waits_then_stops_with_a_clear_message(held_folder):
    with pytest.raises(outputs.OutputBusyError,
                       match=r"busy is being written by another mcr run \(its lock \.mcr\.lock is held\); wait "
                             r"for that run to finish and try again, or choose another output folder with --out"):
        with outputs.output_set(held_folder, wait=0.2) as outs:
            outs.write_text("a.txt", "x")
    assert not (held_folder / "a.txt").exists()


def test_the_lock_is_reentrant_in_one_process_and_gone_afterwards(tmp_path):
    with outputs.folder_lock(tmp_path):
        assert (tmp_path / outputs.LOCK_NAME).exists()
        with outputs.output_set(tmp_path, wait=0) as outs:  # same process: no wait, no deadlock
            outs.write_text("a.txt", "x")
        assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "x"
    assert _names(tmp_path) == ["a.txt"]


# ----------------------------------------------------------------------------- CSV round trip
_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
_TRICKY = st.sampled_from(["", "\r", "\n", "\r\n", "\x00", "a\rb", '"', ",", "'=1", "=cmd|' /C calc'!A0",
                           "\t-x", " lead", "trail ", "\ufeffbom", "nan", "NA", "#", "\x1f\x7f", "''+1"])


@st.composite
def tidy_tables(draw):
    n = draw(st.integers(0, 4))
    text_cols = [c for c in TIDY_COLUMNS if c not in ("year", "source_row")]
    data = {c: [draw(st.one_of(_TEXT, _TRICKY)) for _ in range(n)] for c in text_cols}
    data["year"] = pd.array([draw(st.one_of(st.none(), st.integers(1900, 2100))) for _ in range(n)], dtype="Int64")
    data["source_row"] = pd.array([draw(st.integers(1, 10**6)) for _ in range(n)], dtype="int64")
    frame = pd.DataFrame({c: data[c] for c in TIDY_COLUMNS})
    for c in text_cols:
        frame[c] = frame[c].astype(str)
    return frame


def _empty(columns):
    return pd.DataFrame({c: pd.Series([], dtype=str) for c in columns})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tidy=tidy_tables())
def test_any_text_round_trips_through_the_tidy_csv_and_parquet(tmp_path_factory, tidy):
    out = tmp_path_factory.mktemp("rt")
    rejects = _empty(REJECT_COLUMNS).assign(source_row=pd.Series([], dtype="Int64"))
    result = LoadResult(tidy=tidy, rejects=rejects, files=_empty(FILE_COLUMNS), sheets=_empty(SHEET_COLUMNS))
    csv_path, parquet_path = report.write_ingest_outputs(result, out)[:2]
    from_csv, from_parquet = read_tidy(csv_path), read_tidy(parquet_path)
    pd.testing.assert_frame_equal(from_csv, from_parquet)
    assert from_csv.columns.tolist() == TIDY_COLUMNS
    for c in TIDY_COLUMNS:
        assert from_csv[c].tolist() == tidy[c].tolist(), c


@settings(max_examples=80, deadline=None)
@given(values=st.lists(st.one_of(_TEXT, _TRICKY), min_size=1, max_size=6))
def test_csv_text_parses_back_to_the_neutralised_values(values):
    import io

    from mcr_analysis.safety import neutralise

    text = outputs.csv_text(pd.DataFrame({"theme": values, "n": range(len(values))}))
    back = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert back["theme"].tolist() == [neutralise(v) for v in values]
    assert back["n"].tolist() == [str(i) for i in range(len(values))]


def test_csv_text_quotes_carriage_returns_and_keeps_other_bytes_as_pandas_writes_them():
    frame = pd.DataFrame({"a": ["x\ry", "plain", "a,b", "\x00"], "f": [0.5, float("nan"), 1.0, 2.25]})
    assert outputs.csv_text(frame, "%.2f") == 'a,f\n"x\ry",0.50\nplain,\n"a,b",1.00\n\x00,2.25\n'
    # Without a carriage return the bytes are exactly pandas' own.
    plain = frame.iloc[1:]
    assert outputs.csv_text(plain) == plain.to_csv(index=False, lineterminator="\n")


def test_csv_text_protects_a_carriage_return_even_when_private_use_characters_are_in_the_text():
    values = ["\ue000\ue001\r", "\ue002"]
    text = outputs.csv_text(pd.DataFrame({"t": values}))
    assert text == 't\n"\ue000\ue001\r"\n\ue002\n'


# ----------------------------------------------------------------------------- SOURCE_DATE_EPOCH
@pytest.mark.parametrize("raw, problem", [
    (None, None), ("1735689600", None), (" 42\n", None), ("0", None),
    ("", "SOURCE_DATE_EPOCH='' is not a whole number of seconds"),
    ("  ", "SOURCE_DATE_EPOCH='  ' is not a whole number of seconds"),
    ("abc", "SOURCE_DATE_EPOCH='abc' is not a whole number of seconds"),
    ("-5", "SOURCE_DATE_EPOCH='-5' is not a whole number of seconds"),
    ("1.5", "SOURCE_DATE_EPOCH='1.5' is not a whole number of seconds"),
    ("9" * 13, f"SOURCE_DATE_EPOCH='{'9' * 13}' is not a whole number of seconds"),
])
def test_epoch_problem(raw, problem):
    env = {} if raw is None else {"SOURCE_DATE_EPOCH": raw}
    assert outputs.epoch_problem(env) == problem


@pytest.mark.parametrize("raw, inside", [("abc", None), ("", None), (" 7 ", "7"), ("1", "1")])
def test_sanitized_epoch_cleans_the_environment_and_restores_it(monkeypatch, raw, inside):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", raw)
    with outputs.sanitized_epoch():
        assert os.environ.get("SOURCE_DATE_EPOCH") == inside
    assert os.environ["SOURCE_DATE_EPOCH"] == raw
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    with outputs.sanitized_epoch():
        assert "SOURCE_DATE_EPOCH" not in os.environ
    assert "SOURCE_DATE_EPOCH" not in os.environ


# ----------------------------------------------------------------------------- one file
def test_atomic_write_replaces_one_file_and_leaves_nothing_else(tmp_path):
    path = tmp_path / "reference" / "theme_synonyms.tsv"
    assert outputs.atomic_write_text(path, "a\tb\n") == path
    assert outputs.atomic_write_bytes(path, b"new\r\n") == path
    assert path.read_bytes() == b"new\r\n"
    assert _names(tmp_path) == ["reference/theme_synonyms.tsv"]


def test_atomic_write_keeps_the_previous_file_when_the_write_fails(tmp_path, monkeypatch):
    path = tmp_path / "decisions.tsv"
    path.write_text("old", encoding="utf-8")

    def full_disk(self, name, data):
        self.path(name).write_bytes(data[:2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(outputs.OutputSet, "write_bytes", full_disk)
    with pytest.raises(OSError, match="No space left on device"):
        outputs.atomic_write_text(path, "new text")
    assert _names(tmp_path) == ["decisions.tsv"]
    assert path.read_text(encoding="utf-8") == "old"


def test_atomic_write_into_a_busy_folder_stops_with_a_clear_message(held_folder):
    with pytest.raises(outputs.OutputBusyError, match=r"busy is being written by another mcr run"):
        outputs.atomic_write_text(held_folder / "a.tsv", "x", wait=0.1)
    assert not (held_folder / "a.tsv").exists()
