"""Build a folder of hostile and broken submissions next to one good workbook (issue 10).

Importable by the tests and the benchmarks::

    from hostile_corpus import build_hostile_corpus
    expected = build_hostile_corpus(folder)            # small: a few MB, a few seconds
    expected = build_hostile_corpus(folder, large=True)  # adds sheets of hundreds of MB of XML

or run ``python tests/hostile_corpus.py FOLDER [--large]``.

Workbooks are written by hand (``zipfile`` and crafted XML) where openpyxl
cannot produce the case.  :func:`build_hostile_corpus` returns, for every
entry it wrote, what the ingest must report: the files-table ``status``, a
piece of the ``reason`` and, for files that load, the number of tidy rows.
The data are synthetic, not official submissions.
"""

from __future__ import annotations

import os
import struct
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEADER = ["Eje", "Criterio", "Tema", "Iniciativa"]
ROWS = [["Energía sostenible", "Normas", "Eficiencia energética", "Norma regional de etiquetado"],
        ["Energía sostenible", "Proyectos", "Interconexión eléctrica", "Estudio de interconexión"],
        ["Seguridad alimentaria", "Proyectos", "Semillas nativas", "Banco regional de semillas"]]
OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")


def _col(index: int) -> str:
    letters, index = "", index + 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _cell(ref: str, value) -> str:
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>'


def sheet_xml(rows: list[list], extra: str = "", head: str = "") -> str:
    """Sheet XML of ``rows`` (row 1 first; values escaped by the caller), plus raw ``extra`` rows."""
    body = "".join(f'<row r="{r}">' + "".join(_cell(f"{_col(c)}{r}", v) for c, v in enumerate(row) if v != "")
                   + "</row>" for r, row in enumerate(rows, start=1))
    return f'<worksheet xmlns="{NS}">{head}<sheetData>{body}{extra}</sheetData></worksheet>'


def _text_rows(rows: list[list]) -> list[list]:
    return [[escape(v) if isinstance(v, str) else v for v in row] for row in rows]


def write_xlsx(path: Path, sheets: dict[str, str], shared: str | None = None, extra: dict | None = None) -> Path:
    """A minimal .xlsx at ``path``: ``sheets`` maps names to sheet XML (str, or a callable writing to a stream)."""
    ct = ['<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
          'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
          'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
          'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>']
    book = [f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" xmlns:r="http://schemas.openxmlformats'
            '.org/officeDocument/2006/relationships"><sheets>']
    rels = ['<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships">']
    ws_type = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
    for i, name in enumerate(sheets, start=1):
        ct.append(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-'
                  'officedocument.spreadsheetml.worksheet+xml"/>')
        book.append(f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>')
        rels.append(f'<Relationship Id="rId{i}" Type="{ws_type}" Target="worksheets/sheet{i}.xml"/>')
    if shared is not None:
        ct.append('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                  'officedocument.spreadsheetml.sharedStrings+xml"/>')
        rels.append('<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    'relationships/sharedStrings" Target="sharedStrings.xml"/>')
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "".join(ct) + "</Types>")
        z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                   'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                   '</Relationships>')
        z.writestr("xl/workbook.xml", "".join(book) + "</sheets></workbook>")
        z.writestr("xl/_rels/workbook.xml.rels", "".join(rels) + "</Relationships>")
        for i, xml in enumerate(sheets.values(), start=1):
            if callable(xml):
                with z.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as fh:
                    xml(fh)
            else:
                z.writestr(f"xl/worksheets/sheet{i}.xml", xml)
        if shared is not None:
            z.writestr("xl/sharedStrings.xml", shared)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path


def write_ods(path: Path, table_xml: str) -> Path:
    """A minimal .ods whose content is ``table_xml`` (``<table:table>`` elements)."""
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:'
               'opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
               f"<office:spreadsheet>{table_xml}</office:spreadsheet></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
                'opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
                'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


def ods_table(name: str, rows: list[list[str]]) -> str:
    """``<table:table>`` XML of text rows."""
    def cell(v):
        return f'<table:table-cell office:value-type="string"><text:p>{escape(v)}</text:p></table:table-cell>'
    return (f'<table:table table:name="{escape(name)}">'
            + "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows)
            + "</table:table>")


def _rec(typ, data=b""):
    return struct.pack("<HH", typ, len(data)) + data

def _bof(dt):
    return _rec(0x0809, struct.pack("<HHHHII", 0x0600, dt, 0x0DBB, 0x07CC, 0, 0x06))

def _label(r, c, text):
    try:
        raw, high = text.encode("latin-1"), 0
    except UnicodeEncodeError:
        raw, high = text.encode("utf-16-le"), 1
    return _rec(0x0204, struct.pack("<HHHHB", r, c, 0, len(text), high) + raw)

def biff8(sheets: dict[str, list[list[str]]]) -> bytes:
    """A BIFF8 workbook stream (what Excel 97-2003 writes): ``sheets`` maps names to rows of text."""
    subs = []
    for name, rows in sheets.items():
        width = max((len(r) for r in rows), default=0)
        body = _bof(0x10) + _rec(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, width, 0))
        body += b"".join(_label(r, c, v) for r, row in enumerate(rows) for c, v in enumerate(row) if v != "")
        subs.append(body + _rec(0x000A))
    def sheet_rec(name, offset):
        return _rec(0x0085, struct.pack("<IBBBB", offset, 0, 0, len(name), 1) + name.encode("utf-16-le"))
    globals_len = len(_bof(5)) + len(_rec(0x0042, struct.pack("<H", 1200))) + sum(len(sheet_rec(n, 0)) for n in sheets) + 4
    offset, recs = globals_len, []
    for name, sub in zip(sheets, subs):
        recs.append(sheet_rec(name, offset)); offset += len(sub)
    return _bof(5) + _rec(0x0042, struct.pack("<H", 1200)) + b"".join(recs) + _rec(0x000A) + b"".join(subs)

def ole2(stream: bytes, name: str = "Workbook") -> bytes:
    """A compound file holding one stream (at least 4096 bytes, so outside the mini stream)."""
    stream = stream + b"\0" * (max(4096, -(-len(stream) // 512) * 512) - len(stream))
    n = len(stream) // 512
    fat = [0xFFFFFFFD, 0xFFFFFFFE] + [3 + i for i in range(n - 1)] + [0xFFFFFFFE]
    fat += [0xFFFFFFFF] * (128 - len(fat))
    header = (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
              + struct.pack("<I", 0) + struct.pack("<I", 0xFFFFFFFF) * 108)
    def entry(ename, typ, child, start, size):
        raw = ename.encode("utf-16-le") + b"\0\0" if ename else b""
        return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), typ, 1) + struct.pack("<III", 0xFFFFFFFF, 0xFFFFFFFF, child)
                + b"\0" * 16 + b"\0" * 4 + b"\0" * 16 + struct.pack("<III", start, size, 0))
    dirs = entry("Root Entry", 5, 1, 0xFFFFFFFE, 0) + entry(name, 2, 0xFFFFFFFF, 2, len(stream))
    dirs += (b"\0" * 64 + struct.pack("<HBB", 0, 0, 0) + struct.pack("<III", 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF) + b"\0" * 48) * 2
    assert len(header) == 512 and len(dirs) == 512
    return header + struct.pack("<128I", *fat) + dirs + stream


def write_xls(path: Path, sheets: dict[str, list[list[str]]]) -> Path:
    """A legacy .xls (BIFF8 in a compound file) of text cells, written by hand."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(ole2(biff8(sheets)))
    return path


def _big_sheet(n_rows: int, text_len: int):
    """A writer of a sheet of ``n_rows`` valid rows whose theme has ``text_len`` characters."""
    def write(fh):
        fh.write(f'<worksheet xmlns="{NS}"><sheetData>'.encode())
        fh.write(("<row r=\"1\">" + "".join(_cell(f"{_col(c)}1", v) for c, v in enumerate(HEADER)) + "</row>").encode())
        block = []
        for r in range(2, n_rows + 2):
            theme = f"Tema {r % 97:02d} " + "x" * max(0, text_len - 8)
            block.append(f'<row r="{r}">{_cell(f"A{r}", "Energía sostenible")}{_cell(f"B{r}", "Proyectos")}'
                         f'{_cell(f"C{r}", theme)}{_cell(f"D{r}", f"Iniciativa {r}")}</row>')
            if len(block) == 5000:
                fh.write("".join(block).encode())
                block = []
        fh.write(("".join(block) + "</sheetData></worksheet>").encode())
    return write


def _lying_size_bomb(path: Path) -> Path:
    """A workbook whose sheet declares 1,000 uncompressed bytes but inflates to 64 MiB."""
    pad = "<!--" + "0" * (64 * 1024**2) + "-->"
    sheet = sheet_xml(_text_rows([HEADER] + ROWS[:1]), pad).encode()
    write_xlsx(path, {"M": sheet.decode()})
    data = bytearray(path.read_bytes())
    name, size = b"xl/worksheets/sheet1.xml", len(sheet).to_bytes(4, "little")
    # patch the uncompressed size in the local header (offset 22) and the central directory (offset 24)
    for sig, offset, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        i = data.find(sig)
        while i >= 0:
            if data[i + name_at:i + name_at + len(name)] == name and data[i + offset:i + offset + 4] == size:
                data[i + offset:i + offset + 4] = (1000).to_bytes(4, "little")
            i = data.find(sig, i + 4)
    path.write_bytes(bytes(data))
    return path


def build_hostile_corpus(folder: str | Path, large: bool = False, big_rows: int | None = None) -> dict[str, dict]:
    """Write the hostile corpus into ``folder/2024`` and return what the ingest must report per entry.

    Parameters
    ----------
    folder : str or Path
        Raw folder to create (the round sub-folder ``2024`` is written inside).
    large : bool, default False
        Also write sheets of hundreds of megabytes of XML (the benchmark's
        version): one under the limits that must load, one over them.
    big_rows : int, optional
        Rows of ``AEC_big.xlsx``, the big sheet under the limits (default
        20,000; 150,000 with ``large``).  The end-to-end test uses fewer, as
        the tidy workbook's cost grows with the rows.

    Returns
    -------
    dict
        ``{source_file: {"status": ..., "reason": substring or "", "tidy_rows": n or None}}``.
    """
    root = Path(folder) / "2024"
    root.mkdir(parents=True, exist_ok=True)
    expected: dict[str, dict] = {}

    def expect(name, status, reason="", tidy_rows=None):
        expected[f"2024/{name}"] = {"status": status, "reason": reason, "tidy_rows": tidy_rows}

    good = _text_rows([HEADER] + ROWS)
    write_xlsx(root / "CAN_matriz_2024.xlsx", {"Matriz": sheet_xml(good)})
    expect("CAN_matriz_2024.xlsx", "loaded", tidy_rows=3)
    # a stray "x" in the last cell of the sheet (calamine alone would allocate 512 GB and abort)
    stray = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    write_xlsx(root / "SICA_stray_XFD1048576.xlsx", {"Matriz": sheet_xml(good, stray)})
    expect("SICA_stray_XFD1048576.xlsx", "loaded", tidy_rows=3)
    stray = '<row r="8000"><c r="XFD8000" t="inlineStr"><is><t>x</t></is></c></row>'
    write_xlsx(root / "MERCOSUR_stray_XFD8000.xlsx", {"Matriz": sheet_xml(good, stray)})
    expect("MERCOSUR_stray_XFD8000.xlsx", "loaded", tidy_rows=3)
    # a sheet that claims the whole grid, with a styled empty cell at its far corner
    write_xlsx(root / "OTCA_dimension.xlsx", {"Matriz": sheet_xml(good, '<row r="1048576"><c r="XFD1048576" s="1"/>'
                                                                       "</row>", '<dimension ref="A1:XFD1048576"/>')})
    expect("OTCA_dimension.xlsx", "loaded", tidy_rows=3)
    # sparse cells every 999 rows down to row 198,802 across 60 columns: a data block over the grid budget
    sprawl = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c><c r="BH{r}"><v>1</v></c></row>'
                     for r in range(1000, 199_001, 999))
    write_xlsx(root / "ALADI_sprawl.xlsx", {"Matriz": sheet_xml(good, sprawl)})
    expect("ALADI_sprawl.xlsx", "unreadable", "more than the grid budget")
    # a big sheet under the limits (small version: 20,000 rows)
    n_big = big_rows if big_rows is not None else (150_000 if large else 20_000)
    write_xlsx(root / "AEC_big.xlsx", {"Matriz": _big_sheet(n_big, 300 if large else 40)})
    expect("AEC_big.xlsx", "loaded", tidy_rows=n_big)
    if large:  # 1.6 GB of sheet XML, under the archive limits (2 GiB, ratio 1000)
        write_xlsx(root / "CARICOM_huge.xlsx", {"Matriz": _big_sheet(1_550_000, 700)})
        expect("CARICOM_huge.xlsx", "unreadable", "(the limit per sheet)")
    # a 32,767-character theme, control characters and a theme with no Latin letters
    texts = [["Energía sostenible", "Normas", "T" * 32_767, "Tema larguísimo"],
             ["Energía sostenible", "Proyectos", "Línea 1_x000D_\nLínea 2_x0000_fin", "Control"],
             ["Seguridad alimentaria", "Normas", "能源合作 🌞⚡", "Solo CJK y emoji"]]
    write_xlsx(root / "SELA_texts.xlsx", {"Matriz": sheet_xml(_text_rows([HEADER] + texts))})
    expect("SELA_texts.xlsx", "loaded", tidy_rows=3)
    # formula payloads as text (never run) and formulas with no saved value
    payloads = [["Energía sostenible", "Normas", "=cmd|' /C calc'!A0", "=HYPERLINK(\"http://evil.example\",\"x\")"],
                ["Energía sostenible", "Proyectos", "@SUM(1+1)", "+1-1"]]
    uncached = ('<row r="4"><c r="A4" t="inlineStr"><is><t>Energía sostenible</t></is></c><c r="B4" t="inlineStr">'
                '<is><t>Normas</t></is></c><c r="C4"><f>CONCATENATE("Tema ","calculado")</f></c>'
                '<c r="D4"><f>"Iniciativa"&amp;" calculada"</f><v></v></c></row>')
    write_xlsx(root / "CAN_formulas.xlsx", {"Matriz": sheet_xml(_text_rows([HEADER] + payloads), uncached)})
    expect("CAN_formulas.xlsx", "loaded")
    # archives: ratio bomb, lying sizes, too many entries, XXE and billion laughs
    bomb = write_xlsx(root / "bomb_ratio.xlsx", {"M": sheet_xml(good)},
                      extra={"xl/media/bomb.bin": b"\0" * (16 * 1024**2)})
    expect(bomb.name, "unreadable", "possible zip bomb")
    _lying_size_bomb(root / "bomb_lying.xlsx")
    expect("bomb_lying.xlsx", "unreadable", "inflates to more than the 1000 bytes it declares")
    write_xlsx(root / "bomb_entries.xlsx", {"M": sheet_xml(good)},
               extra={f"xl/media/e{i}.xml": b"" for i in range(10_001)})
    expect("bomb_entries.xlsx", "unreadable", "more than the limit 10000")
    laughs = "".join(f'<!ENTITY l{i} "{"&l%d;" % (i - 1) * 10}">' for i in range(1, 10))
    sst = (f'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY l0 "ha">{laughs}<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
           f'<sst xmlns="{NS}" count="1" uniqueCount="1"><si><t>&l9;&xxe;</t></si></sst>')
    xxe_rows = sheet_xml(_text_rows([HEADER]), '<row r="2"><c r="A2" t="s"><v>0</v></c></row>')
    write_xlsx(root / "xxe.xlsx", {"M": xxe_rows}, shared=sst)
    expect("xxe.xlsx", "unreadable", "not a readable workbook")
    # encrypted, truncated, empty, legacy and mislabelled files
    (root / "encrypted.xlsx").write_bytes(OLE2 + b"\0" * 1000 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 600)
    expect("encrypted.xlsx", "unreadable", "encrypted workbook")
    data = (root / "CAN_matriz_2024.xlsx").read_bytes()
    (root / "truncated.xlsx").write_bytes(data[:len(data) // 2])
    expect("truncated.xlsx", "unreadable", "not a readable workbook")
    (root / "empty.xlsx").write_bytes(b"")
    expect("empty.xlsx", "unreadable", "empty file (0 bytes)")
    write_xls(root / "CARICOM_matriz.xls", {"Matriz": [HEADER] + ROWS})
    expect("CARICOM_matriz.xls", "loaded", tidy_rows=3)
    (root / "legacy_broken.xls").write_bytes(OLE2 + b"\0" * 2048)
    expect("legacy_broken.xls", "unreadable", "not a readable workbook")
    (root / "web_page.xls").write_text("<html><head><meta charset='utf-8'></head><body><table><tr><td>Eje</td>"
                                       "</tr></table></body></html>", encoding="utf-8")
    expect("web_page.xls", "unreadable", "a web page saved with the .xls extension")
    # OpenDocument: a good one, and one that repeats a cell over millions of positions
    write_ods(root / "OTCA_matriz.ods", ods_table("Matriz", [HEADER] + ROWS))
    expect("OTCA_matriz.ods", "loaded", tidy_rows=3)
    repeated = ('<table:table table:name="M"><table:table-row table:number-rows-repeated="9000">'
                '<table:table-cell table:number-columns-repeated="10000" office:value-type="string"><text:p>x'
                "</text:p></table:table-cell></table:table-row></table:table>")
    write_ods(root / "repeated.ods", repeated)
    expect("repeated.ods", "unreadable", "refused")
    # CSV saved by a Spanish Excel: Windows-1252, ";"
    csv_text = "\r\n".join(";".join(row) for row in [HEADER] + ROWS) + "\r\n"
    (root / "ALADI_matriz.csv").write_bytes(csv_text.encode("cp1252"))
    expect("ALADI_matriz.csv", "loaded", tidy_rows=3)
    # entries that are not submissions
    (root / "~$CAN_matriz_2024.xlsx").write_bytes(b"\x07usuario" + b"\0" * 150)
    expect("~$CAN_matriz_2024.xlsx", "skipped", "workbook open in a spreadsheet program")
    (root / ".~lock.CAN_matriz_2024.xlsx#").write_text("usuario,equipo,/home/u,01.12.2026 10:00,\n", encoding="utf-8")
    expect(".~lock.CAN_matriz_2024.xlsx#", "skipped", "workbook open in a spreadsheet program")
    (root / "README.md").write_text("Matrices recibidas.\n", encoding="utf-8")
    expect("README.md", "skipped", "not a submission")
    (root / "informe.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    expect("informe.pdf", "unreadable", "unsupported file type '.pdf'")
    (root / "carpeta.xlsx").mkdir(exist_ok=True)
    expect("carpeta.xlsx", "skipped", "a folder named like a workbook")
    loop = root / "loop"
    if not loop.is_symlink():
        os.symlink(".", loop)
    expect("loop", "skipped", "symbolic link loop")
    return expected


if __name__ == "__main__":
    out = build_hostile_corpus(Path(sys.argv[1]), large="--large" in sys.argv[2:])
    print(f"wrote {len(out)} entries into {sys.argv[1]}")
