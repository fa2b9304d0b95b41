"""Reading a submission file into grids of cached cell values.

Internal to :mod:`mcr_analysis.ingest`.  Cached values only: formulas and
macros are never evaluated.  Every file is bounded before a native reader
sees it (:mod:`~mcr_analysis.ingest.limits`):

- ``.xlsx``/``.xlsm``: the archive is checked (:func:`mcr_analysis.safety.check_archive`),
  each sheet's XML is stream-scanned (:mod:`~mcr_analysis.ingest.xlsx_scan`);
  a compact sheet is read by python-calamine (the fast path), a sheet with
  cells far from its data by the bounded reader
  (:mod:`~mcr_analysis.ingest.xlsx_bounded`), a sheet over the limits makes
  the file a reject;
- ``.xls``, ``.ods``, ``.xlsb``: python-calamine in a child process with a
  memory limit and a timeout (:mod:`~mcr_analysis.ingest.isolate`), since
  these cannot be checked beforehand;
- ``.csv``: :mod:`~mcr_analysis.ingest.csv_reader`.

A web page or an XML spreadsheet saved with a workbook's extension, an empty
or truncated file get their own reasons.
"""

from __future__ import annotations

import collections
import dataclasses
import json
import subprocess
import sys
import threading
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine

from mcr_analysis import safety
from mcr_analysis.ingest import csv_reader, isolate, xlsx_bounded, xlsx_scan
from mcr_analysis.ingest.limits import DEFAULT_LIMITS, Limits
from mcr_analysis.taxonomy import MCRDataError

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
"""Workbooks read through the stream scan and python-calamine (the fast path)."""
ISOLATED_SUFFIXES = (".xls", ".ods", ".xlsb")
"""Workbooks read by python-calamine in a child process with resource limits."""
CSV_SUFFIXES = (".csv",)
SUPPORTED_SUFFIXES = WORKBOOK_SUFFIXES + ISOLATED_SUFFIXES + CSV_SUFFIXES
"""Every file type read as a submission."""
_READ_AHEAD = 2
"""Workbooks read ahead of the one being validated."""
SCAN_PROCESS_BYTES = 2 * 1024**2
"""``.xlsx`` bytes on disk from which the scan runs in scanning processes (below, starting them costs more)."""
_HEAD = 4096


@dataclass
class SheetGrid:
    """One worksheet as read from a file: the contract between the readers and the loader.

    Attributes
    ----------
    name : str
        Sheet name as written in the file.
    grid : list of list
        Cached cell values, absolute 0-based coordinates (row 0 is the sheet's
        first row), rectangular; ``""`` for an empty cell.
    merges : list
        Merged ranges as ``((row1, col1), (row2, col2))``, 0-based, inclusive.
    visible : bool
        False for a hidden or very hidden sheet.
    hidden_columns : frozenset of int
        0-based indices of columns hidden in the file (when the format says).
    uncached_formulas : dict
        ``{(row, col): formula text}`` of formula cells that have no saved value
        (their ``grid`` cell is ``""``); never evaluated.
    stray_cells : list
        ``(row, col, value)`` of cells left out of ``grid`` because they lie far
        outside the block that holds the data (the grid is bounded by the
        data, never by a sheet's claimed dimension).
    """

    name: str
    grid: list
    merges: list = field(default_factory=list)
    visible: bool = True
    hidden_columns: frozenset = frozenset()
    uncached_formulas: dict = field(default_factory=dict)
    stray_cells: list = field(default_factory=list)


def sniff(path: Path) -> str:
    """Reason the content of ``path`` cannot be a workbook of its type, judged from its first bytes, or ``""``.

    Examples
    --------
    >>> import tempfile
    >>> page = Path(tempfile.mkdtemp()) / "CAN.xls"
    >>> _ = page.write_text("<html><body><table><tr><td>Eje</td></tr></table></body></html>")
    >>> sniff(page)
    'a web page saved with the .xls extension: open it in Excel and save it as .xlsx'
    """
    suffix = path.suffix.lower()
    with path.open("rb") as fh:
        head = fh.read(_HEAD)
    if not head:
        return "empty file (0 bytes): nothing to read; ask the organism to send the workbook again"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if suffix != ".csv" and text.startswith(b"<"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in text:
            return (f"an XML Spreadsheet 2003 saved with the {suffix} extension: open it in Excel and save "
                    "it as .xlsx")
        if any(tag in text for tag in (b"<html", b"<!doctype html", b"<table", b"<head", b"<body", b"<meta")):
            return f"a web page saved with the {suffix} extension: open it in Excel and save it as .xlsx"
    return ""


def unreadable(path: Path) -> str:
    """Reason a file cannot be read as a submission before opening it, or ``""``."""
    if path.name.startswith("~$"):
        return "workbook open in a spreadsheet program: skipped"
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        return f"unsupported file type {suffix or '(none)'!r}; expected .xlsx, .xlsm, .xls, .ods or .csv"
    try:
        reason = sniff(path)
    except OSError as exc:
        return f"cannot be opened: {exc.strerror or exc}"
    if reason or suffix in CSV_SUFFIXES:
        return reason
    with path.open("rb") as fh:
        ole2 = fh.read(len(safety.OLE2_SIGNATURE)) == safety.OLE2_SIGNATURE
    if suffix == ".xls" and ole2:
        return ""
    required = {".ods": "content.xml", ".xlsb": "xl/workbook.bin"}.get(suffix, "xl/workbook.xml")
    try:
        safety.check_archive(path, required=required)
    except MCRDataError as exc:
        return str(exc)
    return ""


def read(path: Path, limits: Limits | None = None) -> tuple[list[SheetGrid], str]:
    """A :class:`SheetGrid` per worksheet of ``path``, or ``[]`` and why it cannot be read.

    Parameters
    ----------
    path : Path
        A submission file (any of :data:`SUPPORTED_SUFFIXES`).
    limits : Limits, optional
        Default :data:`~mcr_analysis.ingest.limits.DEFAULT_LIMITS`.
    """
    limits = limits or DEFAULT_LIMITS
    path = Path(path)
    try:
        return _read(path, limits)
    except MemoryError:
        return [], f"refused: reading it needs more memory than is available (budget {limits.memory_budget} bytes)"
    except Exception as exc:  # one file's failure, whatever it is, never stops the rest
        return [], f"not a readable workbook: {type(exc).__name__}: {exc}"


def _read(path: Path, limits: Limits) -> tuple[list[SheetGrid], str]:
    reason = unreadable(path)
    if reason:
        return [], reason
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return csv_reader.read_csv(path, limits)
    if suffix in ISOLATED_SUFFIXES and not zipfile.is_zipfile(path) or suffix in (".ods", ".xlsb"):
        grids, reason = isolate.read_isolated(path, limits)
        return [SheetGrid(*g) for g in grids], reason
    return _read_xlsx(path, limits)


def _read_xlsx(path: Path, limits: Limits) -> tuple[list[SheetGrid], str]:
    """The fast path: scan every sheet, calamine for the compact ones, the bounded reader for the others."""
    try:
        scans = _scan(path, limits)
        with zipfile.ZipFile(path) as archive:
            broken = [s.broken for s in scans.values() if s.broken]
            if broken:
                return [], "not a readable workbook: " + "; ".join(broken)
            over = [s.reason for s in scans.values() if s.reason]
            if not over:
                strings_part = xlsx_scan.shared_strings_part(archive)
                if strings_part:
                    _check_inflated(archive, strings_part, limits)
            if over:
                return [], _over(over, limits)
            bounded = {n for n, s in scans.items() if s.needs_bounded_reader(limits)}
            own = {}
            if bounded:
                strings = xlsx_bounded.shared_strings(archive, limits)
                for name in bounded:
                    own[name] = xlsx_bounded.read_sheet(archive, name, scans[name], strings, limits)
    except xlsx_bounded.SheetTooLarge as exc:
        return [], _over([str(exc)], limits)
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, zlib.error) as exc:
        return [], f"not a readable workbook: {type(exc).__name__}: {exc}"
    try:
        return _calamine(path, scans, own), ""
    except _Unchecked as exc:
        return [], str(exc)
    except Exception as exc:  # calamine raises several error types for broken files
        return [], f"not a readable workbook: {type(exc).__name__}: {exc}"


class _Unchecked(Exception):
    pass


_local = threading.local()


class _Scanner:
    """A process running :mod:`~mcr_analysis.ingest.xlsx_scan` as a script, for one read-ahead thread.

    The scan is pure Python; in another process it runs on another core while
    this process reads (calamine) and validates the files before.
    """

    def __init__(self):
        self.proc = subprocess.Popen([sys.executable, "-I", xlsx_scan.__file__], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                     encoding="utf-8")

    def scan(self, path: Path, limits: Limits) -> dict | None:
        """The scans of ``path``, or None when the process cannot answer (the caller scans itself)."""
        if self.proc.poll() is not None:
            return None
        request = {"path": str(path), "limits": dict(dataclasses.asdict(limits),
                                                     max_grid_cells=limits.max_grid_cells)}
        try:
            self.proc.stdin.write(json.dumps(request) + "\n")
            self.proc.stdin.flush()
            answer = json.loads(self.proc.stdout.readline() or "{}")
        except (OSError, ValueError):
            return None
        return xlsx_scan.from_json(answer["scans"]) if "scans" in answer else None

    def close(self) -> None:
        """Stop the process: it holds no state and waits for a request, so it is ended at once.

        (Waiting for it to exit on its own after closing its input costs tens of
        milliseconds of polling at the end of every load.)
        """
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()


def _scan(path: Path, limits: Limits) -> dict:
    """Scans of every sheet: in this thread's scanning process when there is one, else here."""
    scanner = getattr(_local, "scanner", None)
    scans = scanner.scan(path, limits) if scanner is not None else None
    return scans if scans is not None else xlsx_scan.scan_workbook(str(path), limits)


def _check_inflated(archive: zipfile.ZipFile, part: str, limits: Limits) -> None:
    """Inflate ``part`` (nothing kept) to check its real size; calamine loads it whole."""
    total = archive.getinfo(part).file_size  # declared; inflating counts the real size
    if total > limits.max_sheet_xml_bytes:
        raise xlsx_bounded.SheetTooLarge(
            f"{part} has {total} bytes of XML, more than {limits.max_sheet_xml_bytes} (the limit per part)")
    total = 0
    for data in xlsx_scan.Inflate(archive, part).pieces(xlsx_scan.CHUNK):
        total += len(data)
        if total > limits.max_sheet_xml_bytes:
            raise xlsx_bounded.SheetTooLarge(
                f"{part} has more than {limits.max_sheet_xml_bytes} bytes of XML (the limit per part)")


def _over(reasons: list[str], limits: Limits) -> str:
    return ("refused: " + "; ".join(reasons) + "; the limits are far above any real matrix: check the file in "
            "Excel, delete what is not the matrix and save it again")


def _calamine(path: Path, scans: dict, own: dict) -> list[SheetGrid]:
    grids = []
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        book = python_calamine.CalamineWorkbook.from_path(path)
    else:  # an .xlsx saved with the .xls extension: calamine detects the format from the content
        with path.open("rb") as fh:
            book = python_calamine.CalamineWorkbook.from_filelike(fh)
    with book:
        for meta in book.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            visible = meta.visible == python_calamine.SheetVisibleEnum.Visible
            scan = scans.get(meta.name)
            if scan is None:
                raise _Unchecked(f"refused: sheet {meta.name!r} is not listed in xl/workbook.xml as the "
                                 "scan reads it, so its size could not be checked before reading")
            if meta.name in own:
                grid, merges, stray, uncached = own[meta.name]
            else:
                sheet = book.get_sheet_by_name(meta.name)
                grid = sheet.to_python(skip_empty_area=False)
                merges, stray, uncached = sheet.merged_cell_ranges or [], [], scan.uncached_formulas
            grids.append(SheetGrid(meta.name, grid, _clip(merges, grid), visible,
                                   scan.hidden_columns, dict(uncached), stray))
    return grids


def _clip(merges: list, grid: list) -> list:
    """Merged ranges that start inside ``grid``, cut to its extent."""
    if not merges:
        return []
    rows, cols = len(grid), len(grid[0]) if grid else 0
    return [((r1, c1), (min(r2, rows - 1), min(c2, cols - 1))) for (r1, c1), (r2, c2) in merges
            if r1 < rows and c1 < cols]


def workbook_bytes(files: list[Path]) -> int:
    """Bytes on disk of the ``.xlsx``/``.xlsm`` files among ``files`` (unreadable sizes count 0)."""
    total = 0
    for f in files:
        if Path(f).suffix.lower() in WORKBOOK_SUFFIXES:
            try:
                total += Path(f).stat().st_size
            except OSError:
                pass
    return total


def read_ahead(files: list[Path], limits: Limits | None = None):
    """Yield :func:`read` of each file in order, reading the next ones in a background thread.

    The next workbooks are read while this thread validates the current one;
    at most :data:`_READ_AHEAD` workbooks wait in memory.  Each reading thread
    has a scanning process (:class:`_Scanner`), so the stream scan of the
    ``.xlsx`` files runs on another core.  Errors other than an unreadable
    file propagate as without the thread.
    """
    extra = (limits,) if limits is not None else ()
    scanners: list[_Scanner] = []
    lock = threading.Lock()

    def start() -> None:  # each reading thread scans .xlsx files in its own process
        if workbook_bytes(files) >= SCAN_PROCESS_BYTES:
            with lock:
                try:
                    scanners.append(_Scanner())
                except OSError:
                    return
                _local.scanner = scanners[-1]

    try:
        with ThreadPoolExecutor(max_workers=_READ_AHEAD, thread_name_prefix="mcr-read", initializer=start) as pool:
            pending = collections.deque(pool.submit(read, f, *extra) for f in files[:_READ_AHEAD])
            for i in range(len(files)):
                grids = pending.popleft().result()
                if i + _READ_AHEAD < len(files):
                    pending.append(pool.submit(read, files[i + _READ_AHEAD], *extra))
                yield grids
    finally:
        for scanner in scanners:
            scanner.close()
