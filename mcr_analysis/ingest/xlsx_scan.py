"""Stream-scan an ``.xlsx`` workbook's sheets before any native reader sees them.

Internal to :mod:`mcr_analysis.ingest`.  python-calamine sizes a sheet's range
from its farthest cell that holds a value: one stray ``x`` in ``XFD1048576``
makes it allocate hundreds of gigabytes and abort the process.  This module
inflates each sheet's XML in chunks (never a whole part in memory, never a
DOM) and finds, at C speed, the few cells that could make the range large:
cells outside columns A-Z or below row 99,999, and cells whose position is
implicit.  The sheet goes to calamine only when the range those cells allow
fits the grid budget; otherwise it is read by
:mod:`mcr_analysis.ingest.xlsx_bounded`.  The scan also collects what calamine
does not say: hidden columns, formula cells with no saved value, the
``<dimension>`` the sheet claims, and the uncompressed size of its XML.

Run as a script (``python -I xlsx_scan.py``), the module serves scans to
:mod:`~mcr_analysis.ingest.readers` from another process, so that the scan
runs on another core while this one reads and validates the previous files.

Examples
--------
>>> column_index("A"), column_index("Z"), column_index("AA"), column_index("XFD")
(0, 25, 26, 16383)
>>> split_ref("C12")
(11, 2)
"""

from __future__ import annotations

import functools
import html
import posixpath
import re
import zipfile
import zlib
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # this module imports only the standard library: it also runs as a script (see _serve)
    from mcr_analysis.ingest.limits import Limits

CHUNK = 1 << 20
"""Bytes of XML inflated and scanned at a time."""
PLAIN_ROWS = 99_999
"""Cells written ``r="A1"`` to ``r="Z99999"`` are not looked at one by one ..."""
PLAIN_COLS = 26
"""... so the range calamine allocates from them is at most PLAIN_ROWS x PLAIN_COLS cells."""
_REF = re.compile(rb"""\br\s*=\s*["']([A-Za-z]{1,3})([0-9]{1,7})["']""")
_ATTR = re.compile(rb"""([\w:]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ROOT = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?worksheet\b")
_DIMENSION = re.compile(rb"""<(?:\w+:)?dimension\b[^>]*\bref\s*=\s*["']([^"']*)["']""")
_XESC = re.compile(r"_x([0-9A-Fa-f]{4})_")


def column_index(letters: str) -> int:
    """0-based index of a column given by its letters."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def split_ref(ref: str) -> tuple[int, int]:
    """0-based (row, column) of an ``A1`` reference."""
    m = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})", ref.strip())
    if not m:
        raise ValueError(f"not a cell reference: {ref!r}")
    return int(m.group(2)) - 1, column_index(m.group(1))


def xml_text(raw: bytes) -> str:
    """Text of XML character data: entities and ``_xHHHH_`` escapes decoded."""
    text = html.unescape(raw.decode("utf-8", "replace")) if b"&" in raw else raw.decode("utf-8", "replace")
    return _XESC.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def attributes(raw: bytes) -> dict[str, str]:
    """Attributes of a start tag's attribute text, names without their namespace prefix."""
    return {k.split(b":")[-1].decode(): xml_text(a if a or not b else b) for k, a, b in _ATTR.findall(raw)}


@functools.cache
def patterns(prefix: bytes) -> dict[str, re.Pattern]:
    """Regular expressions for sheet XML whose elements carry namespace ``prefix`` (``b""`` or ``b"x:"``)."""
    p = re.escape(prefix)
    return {
        # a cell not written r="<one letter><1-5 digits>", so possibly far away or positioned implicitly
        "flag": re.compile(rb"<" + p + rb"c(?:\s|>)(?!r=\"[A-Z][0-9]{1,5}\")"),
        "valued": re.compile(rb"<" + p + rb"(?:[vt](?:\s[^>]*)?>[^<]|f\b)"),
        "uncached": re.compile(rb"<" + p + rb"c\b([^>]*)>\s*<" + p + rb"f\b([^>]*?)(?:/>|>([^<]*)</" + p
                               + rb"f>)\s*(?:<" + p + rb"v\s*/>|<" + p + rb"v>\s*</" + p + rb"v>)?\s*</" + p
                               + rb"c>"),
        "col": re.compile(rb"<" + p + rb"col\b([^>]*)>"),
        "cell_open": re.compile(rb"<" + p + rb"c(?:\s|>|/)"),
    }


@dataclass
class SheetScan:
    """What the scan of one worksheet part found.

    Attributes
    ----------
    part : str
        Archive member of the sheet's XML.
    xml_bytes : int
        Uncompressed bytes of the XML (counted while inflating).
    dimension : str
        The ``<dimension ref>`` the sheet claims (never trusted).
    far_cells : int
        Cells holding a value outside A1:Z99999.
    max_row, max_col : int
        0-based bound of the range calamine would allocate (an upper bound).
    first_far : str
        Reference of the first such cell, for messages.
    implicit : bool
        Cells without an ``r`` reference (positions implied by order).
    hidden_columns : frozenset of int
        0-based columns marked hidden.
    uncached_formulas : dict
        ``{(row, col): "=formula"}`` of formula cells with no saved value.
    prefix : bytes
        Namespace prefix of the sheet's elements (``b""`` usually).
    reason : str
        Why the sheet is over a limit (the file is a reject), or ``""``.
    broken : str
        Why the sheet's XML cannot be inflated (a size that lies, a bad
        checksum, truncated data), or ``""``.
    """

    part: str
    xml_bytes: int = 0
    dimension: str = ""
    far_cells: int = 0
    max_row: int = PLAIN_ROWS - 1
    max_col: int = PLAIN_COLS - 1
    first_far: str = ""
    implicit: bool = False
    hidden_columns: frozenset = frozenset()
    uncached_formulas: dict = field(default_factory=dict)
    prefix: bytes = b""
    reason: str = ""
    broken: str = ""

    def grid_cells(self) -> int:
        """Upper bound of the cells of the range calamine would allocate."""
        return (self.max_row + 1) * (self.max_col + 1)

    def needs_bounded_reader(self, limits: Limits) -> bool:
        """True when calamine could allocate more than the grid budget for this sheet."""
        return not self.broken and (self.implicit or self.grid_cells() > limits.max_grid_cells)


def workbook_sheets(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """``(sheet name, archive member)`` of each sheet listed in ``xl/workbook.xml``, in order."""
    book = _small_part(archive, "xl/workbook.xml")
    rels = _relationships(archive, "xl/_rels/workbook.xml.rels")
    out = []
    for m in re.finditer(rb"<(?:\w+:)?sheet\b([^>]*)>", book):
        attrs = attributes(m.group(1))
        target = rels.get(attrs.get("id", ""), "")
        if target:
            out.append((attrs.get("name", ""), _resolve("xl", target)))
    return out


def shared_strings_part(archive: zipfile.ZipFile) -> str | None:
    """Archive member of the shared strings, or None."""
    for target_type, target in _relationships(archive, "xl/_rels/workbook.xml.rels", types=True).values():
        if target_type.endswith("/sharedStrings"):
            return _resolve("xl", target)
    return "xl/sharedStrings.xml" if "xl/sharedStrings.xml" in archive.namelist() else None


def _resolve(base: str, target: str) -> str:
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))


def _small_part(archive: zipfile.ZipFile, name: str, limit: int = 64 * 1024**2) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return b""
    with archive.open(info) as fh:
        return fh.read(limit)


def _relationships(archive: zipfile.ZipFile, name: str, types: bool = False) -> dict:
    out = {}
    for m in re.finditer(rb"<(?:\w+:)?Relationship\b([^>]*)>", _small_part(archive, name)):
        attrs = attributes(m.group(1))
        out[attrs.get("Id", "")] = (attrs.get("Type", ""), attrs.get("Target", "")) if types else attrs.get("Target", "")
    return out


class Inflate:
    """Inflate one archive member in pieces, counting the bytes; raw deflate, no second pass for the CRC.

    Reads the member's compressed bytes from its own file handle (safe from
    several threads) and inflates them with :mod:`zlib`, which releases the
    GIL.  A member that inflates to more than it declares (a size that lies),
    or whose data end early, raises :class:`zipfile.BadZipFile`.
    """

    def __init__(self, archive: zipfile.ZipFile, part: str):
        self.info = archive.getinfo(part)
        self.path = archive.filename
        self.archive = archive

    def pieces(self, size: int):
        """Yield inflated pieces of about ``size`` bytes."""
        info = self.info
        if info.compress_type != zipfile.ZIP_DEFLATED or not self.path or info.flag_bits & 0x1:
            with self.archive.open(info) as fh:  # stored, other methods: the standard reader
                while data := fh.read(size):
                    yield data
            return
        with open(self.path, "rb") as fh:
            fh.seek(info.header_offset)
            head = fh.read(30)
            if head[:4] != b"PK\x03\x04":
                raise zipfile.BadZipFile(f"bad local header for {info.filename!r}")
            fh.seek(info.header_offset + 30 + int.from_bytes(head[26:28], "little")
                    + int.from_bytes(head[28:30], "little"))
            left, total = info.compress_size, 0
            inflater = zlib.decompressobj(-15)
            while left > 0 and not inflater.eof:
                raw = fh.read(min(left, size // 4 or 1))
                if not raw:
                    break
                left -= len(raw)
                data = inflater.decompress(raw, size)
                while True:
                    total += len(data)
                    if total > info.file_size:
                        raise zipfile.BadZipFile(f"{info.filename!r} inflates to more than the {info.file_size} "
                                                 "bytes it declares")
                    if data:
                        yield data
                    if not inflater.unconsumed_tail:
                        break
                    data = inflater.decompress(inflater.unconsumed_tail, size)
            if total != info.file_size:
                raise zipfile.BadZipFile(f"{info.filename!r} inflates to {total} bytes, not the {info.file_size} "
                                         "it declares")


def chunks(archive: zipfile.ZipFile, part: str, limit: int, what: str):
    """Yield ``(buffer, end)``: the XML of ``part`` up to ``end`` ends before a tag; ``ValueError`` past ``limit``.

    Each piece ends just before the last cell (``<c``) or row or, when none is
    near the end, the last tag of what was inflated so far; the rest is
    carried to the next piece, so no tag is ever split.  Scanners search
    ``buffer[:end]`` with ``pos``/``endpos`` arguments (no copy).
    """
    total = 0
    carry = b""
    for data in Inflate(archive, part).pieces(CHUNK):
        total += len(data)
        if total > limit:
            raise ValueError(f"{what} has more than {limit} bytes of XML (the limit per sheet)")
        buf = carry + data if carry else data
        floor = max(0, len(buf) - CHUNK)
        cut = max(buf.rfind(b"<c", floor), buf.rfind(b"<row", floor))
        if cut <= 0:
            cut = buf.rfind(b"<")
        if cut <= 0:
            cut = len(buf)
        carry = buf[cut:]
        yield buf, cut
    if carry:
        yield carry, len(carry)


def scan_sheet(archive: zipfile.ZipFile, name: str, part: str, limits: Limits) -> SheetScan:
    """Scan one worksheet part; see :class:`SheetScan`.  Stops early once the bounded reader is needed."""
    scan = SheetScan(part)
    if part not in archive.NameToInfo:
        return scan  # nothing to bound; the reader reports the missing part
    declared = archive.getinfo(part).file_size
    if declared > limits.max_sheet_xml_bytes:  # a size can only lie downwards: counting while inflating catches that
        scan.reason = (f"sheet {name!r} has {declared} bytes of XML, more than {limits.max_sheet_xml_bytes} (the "
                       "limit per sheet)")
        return scan
    first = True
    pats = patterns(b"")
    try:
        formula = b"<f"
        for buf, end in chunks(archive, part, limits.max_sheet_xml_bytes, f"sheet {name!r}"):
            if first:
                first = False
                root = _ROOT.search(buf, 0, 4096)
                if root and root.group(1):
                    scan.prefix = root.group(1) + b":"
                    pats = patterns(scan.prefix)
                    formula = b"<" + scan.prefix + b"f"
                _head(scan, buf, pats)
            _flags(scan, buf, end, pats, limits)
            if scan.needs_bounded_reader(limits):
                break  # the bounded reader reads this sheet and checks its limits itself
            if buf.find(formula, 0, end) >= 0:
                _uncached(scan, buf, end, pats)
            scan.xml_bytes += end
        if not scan.needs_bounded_reader(limits) and scan.max_row >= limits.max_rows:
            scan.reason = (f"sheet {name!r} has cells down to row {scan.max_row + 1}, more than {limits.max_rows} "
                           "rows (the limit per sheet)")
    except ValueError as exc:
        scan.reason = str(exc)
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:  # lying sizes, bad CRC, truncated data
        scan.broken = f"sheet {name!r} cannot be inflated ({type(exc).__name__}: {exc})"
    return scan


def _head(scan: SheetScan, buf: bytes, pats: dict) -> None:
    end = buf.find(b"sheetData")
    head = buf[:end if end >= 0 else len(buf)]
    dim = _DIMENSION.search(head)
    scan.dimension = dim.group(1).decode("ascii", "replace") if dim else ""
    hidden: set[int] = set()
    for m in pats["col"].finditer(head):
        attrs = attributes(m.group(1))
        if attrs.get("hidden", "") in ("1", "true"):
            try:
                lo, hi = int(attrs.get("min", "0")), int(attrs.get("max", "0"))
            except ValueError:
                continue
            hidden.update(range(max(lo, 1) - 1, min(hi, 16384)))
    scan.hidden_columns = frozenset(hidden)


def _flags(scan: SheetScan, buf: bytes, end: int, pats: dict, limits: Limits) -> None:
    valued = pats["valued"]
    close = b"</" + scan.prefix + b"c>"
    for m in pats["flag"].finditer(buf, 0, end):
        tag_end = buf.find(b">", m.start(), end)
        if tag_end < 0:
            tag_end = end
        tag = buf[m.start():tag_end + 1]
        ref = _REF.search(tag)
        if ref is None:
            scan.implicit = True
            return
        if tag.endswith(b"/>"):
            continue  # a styled empty cell: calamine keeps no value, so no range
        stop = buf.find(close, tag_end, end)
        if stop >= 0 and not valued.search(buf, tag_end, stop):
            continue
        row, col = int(ref.group(2)) - 1, column_index(ref.group(1).decode())
        if row < PLAIN_ROWS and col < PLAIN_COLS:
            continue
        scan.far_cells += 1
        if not scan.first_far:
            scan.first_far = (ref.group(1) + ref.group(2)).decode().upper()
        scan.max_row = max(scan.max_row, row)
        scan.max_col = max(scan.max_col, col)
        if scan.grid_cells() > limits.max_grid_cells:
            return  # the bounded reader reads this sheet; it needs nothing more from the scan


def _uncached(scan: SheetScan, buf: bytes, end: int, pats: dict) -> None:
    for m in pats["uncached"].finditer(buf, 0, end):
        ref = _REF.search(m.group(1))
        if ref is None:
            continue
        formula = xml_text(m.group(3) or b"")
        if not formula:
            shared = attributes(m.group(2)).get("t", "") == "shared"
            formula = "(shared formula)" if shared else "(empty formula)"
        else:
            formula = "=" + formula
        scan.uncached_formulas[(int(ref.group(2)) - 1, column_index(ref.group(1).decode()))] = formula


def scan_workbook(path: str, limits) -> dict[str, SheetScan]:
    """:class:`SheetScan` of every sheet of the workbook at ``path``, by sheet name."""
    with zipfile.ZipFile(path) as archive:
        return {name: scan_sheet(archive, name, part, limits) for name, part in workbook_sheets(archive)}


def to_json(scans: dict[str, SheetScan]) -> list:
    """``scans`` as JSON-able lists (what the scanning process sends back)."""
    out = []
    for name, scan in scans.items():
        d = asdict(scan)
        d.update(hidden_columns=sorted(scan.hidden_columns), prefix=scan.prefix.decode("latin-1"),
                 uncached_formulas=[[r, c, f] for (r, c), f in scan.uncached_formulas.items()])
        out.append([name, d])
    return out


def from_json(items: list) -> dict[str, SheetScan]:
    """The inverse of :func:`to_json`."""
    out = {}
    for name, d in items:
        d = dict(d, hidden_columns=frozenset(d["hidden_columns"]), prefix=d["prefix"].encode("latin-1"),
                 uncached_formulas={(r, c): f for r, c, f in d["uncached_formulas"]})
        out[name] = SheetScan(**d)
    return out


class _Limits:
    def __init__(self, d: dict):
        self.__dict__.update(d)


def _serve() -> None:
    """Read ``{"path":..., "limits": {...}}`` lines on standard input, answer one JSON line each."""
    import json
    import sys

    for line in sys.stdin:
        request = json.loads(line)
        try:
            answer = {"scans": to_json(scan_workbook(request["path"], _Limits(request["limits"])))}
        except Exception as exc:  # the caller scans in its own process instead
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    _serve()
