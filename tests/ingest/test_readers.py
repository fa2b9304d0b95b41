"""Tests of the file readers: the .xlsx stream scan, the bounded reader, isolated formats, sniffing."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hostile_corpus import HEADER, ROWS, sheet_xml, write_ods, write_xls, write_xlsx, ods_table

from mcr_analysis.ingest import isolate, readers, xlsx_bounded, xlsx_scan
from mcr_analysis.ingest.limits import Limits

GOOD = [HEADER] + ROWS
GRID = [list(r) for r in GOOD]  # what calamine gives for these text cells
STRAY = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'


def _read(path, limits=None):
    grids, reason = readers.read(path, limits)
    assert reason == ""
    return grids


def _scan(path, limits=Limits()):
    with zipfile.ZipFile(path) as z:
        (name, part), = xlsx_scan.workbook_sheets(z)
        return xlsx_scan.scan_sheet(z, name, part, limits)


# --- stray cells -----------------------------------------------------------------------------------

def test_a_stray_cell_in_the_last_cell_of_the_sheet_is_left_out_and_the_rows_load(tmp_path):
    path = write_xlsx(tmp_path / "SICA.xlsx", {"Matriz": sheet_xml(GOOD, STRAY)})
    assert path.stat().st_size < 2000  # the 1.8 KB workbook that aborted the whole ingest
    scan = _scan(path)
    assert (scan.far_cells, scan.first_far, scan.max_row, scan.max_col) == (1, "XFD1048576", 1048575, 16383)
    assert scan.needs_bounded_reader(Limits())
    (sheet,) = _read(path)
    assert sheet.name == "Matriz" and sheet.grid == GRID
    assert sheet.stray_cells == [(1048575, 16383, "x")]


def test_a_stray_cell_at_xfd8000_is_left_out(tmp_path):
    stray = '<row r="8000"><c r="XFD8000" t="inlineStr"><is><t>x</t></is></c></row>'
    (sheet,) = _read(write_xlsx(tmp_path / "a.xlsx", {"M": sheet_xml(GOOD, stray)}))
    assert sheet.grid == GRID and sheet.stray_cells == [(7999, 16383, "x")]


def test_stray_cells_below_the_data_after_a_long_gap_are_left_out(tmp_path):
    far = '<row r="5000"><c r="A5000" t="inlineStr"><is><t>nota</t></is></c></row>' + STRAY
    (sheet,) = _read(write_xlsx(tmp_path / "a.xlsx", {"M": sheet_xml(GOOD, far)}))
    assert sheet.grid == GRID
    assert sheet.stray_cells == [(4999, 0, "nota"), (1048575, 16383, "x")]


def test_a_claimed_dimension_and_a_styled_empty_far_cell_do_not_matter(tmp_path):
    far = '<row r="1048576"><c r="XFD1048576" s="1"/></row>'
    path = write_xlsx(tmp_path / "a.xlsx", {"M": sheet_xml(GOOD, far, '<dimension ref="A1:XFD1048576"/>')})
    scan = _scan(path)
    assert scan.dimension == "A1:XFD1048576" and scan.far_cells == 0
    assert not scan.needs_bounded_reader(Limits())
    (sheet,) = _read(path)
    assert sheet.grid == GRID and sheet.stray_cells == []


def test_a_cell_reference_after_a_line_break_is_still_checked(tmp_path):
    stray = '<row r="1048576"><c\nr="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    (sheet,) = _read(write_xlsx(tmp_path / "a.xlsx", {"M": sheet_xml(GOOD, stray)}))
    assert sheet.stray_cells == [(1048575, 16383, "x")]


def test_a_namespace_prefix_is_followed(tmp_path):
    xml = sheet_xml(GOOD, STRAY).replace("<", "<x:").replace("<x:/", "</x:").replace(
        'xmlns="', 'xmlns:x="')
    (sheet,) = _read(write_xlsx(tmp_path / "a.xlsx", {"M": xml}))
    assert sheet.grid == GRID and sheet.stray_cells == [(1048575, 16383, "x")]


def test_cells_without_references_are_read_by_position(tmp_path):
    xml = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
           '<row><c t="inlineStr"><is><t>a</t></is></c><c t="inlineStr"><is><t>b</t></is></c></row>'
           '<row r="3"><c t="inlineStr"><is><t>c</t></is></c></row></sheetData></worksheet>')
    path = write_xlsx(tmp_path / "a.xlsx", {"M": xml})
    assert _scan(path).implicit
    (sheet,) = _read(path)
    assert sheet.grid == [["a", "b"], ["", ""], ["c", ""]]


# --- the bounded reader gives what calamine gives -------------------------------------------------

def _typed_workbook(tmp_path):
    shared = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>Eje</t></si>'
              '<si><r><t>Ener</t></r><r><t xml:space="preserve">gía &amp; más</t></r><rPh><t>x</t></rPh></si>'
              "<si><t>l1_x000D_\nl2</t></si></sst>")
    xml = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
           '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>2023</v></c><c r="C1" t="b"><v>1</v></c></row>'
           '<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2"><v>1.5</v></c><c r="C2" t="str"><f>"a"</f><v>a</v></c>'
           '<c r="D2" t="e"><v>#N/A</v></c></row><row r="3"><c r="A3" t="s"><v>2</v></c>'
           '<c r="B3" t="inlineStr"><is><t>&lt;b&gt;</t></is></c></row></sheetData>'
           '<mergeCells count="1"><mergeCell ref="A2:A3"/></mergeCells></worksheet>')
    return write_xlsx(tmp_path / "typed.xlsx", {"M": xml}, shared=shared)


def test_the_bounded_reader_reads_values_as_calamine_does(tmp_path):
    path = _typed_workbook(tmp_path)
    (fast,) = _read(path)
    (bounded,) = _read(path, Limits(memory_budget=96 * 1000))  # 1,000 cells: A1:Z99999 no longer fits
    expected = [["Eje", 2023.0, True, ""], ["Energía & más", 1.5, "a", ""], ["l1\r\nl2", "<b>", "", ""]]
    assert fast.grid == expected
    assert bounded.grid == expected
    assert fast.merges == bounded.merges == [((1, 0), (2, 0))]


def test_block_end_stops_at_the_first_long_gap():
    assert xlsx_bounded.block_end([0, 5, 1005, 2006, 3000], 1000) == 1005
    assert xlsx_bounded.block_end([], 1000) == 0


# --- limits ----------------------------------------------------------------------------------------

def test_a_sheet_over_the_xml_limit_is_refused_naming_the_limit(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", {"M": sheet_xml(GOOD)})
    size = len(sheet_xml(GOOD).encode())
    grids, reason = readers.read(path, Limits(max_sheet_xml_bytes=200))
    assert grids == []
    assert reason.startswith(f"refused: sheet 'M' has {size} bytes of XML, more than 200 (the limit per sheet); "
                             "the limits are far above any real matrix")


def test_a_sheet_that_declares_less_xml_than_it_holds_is_stopped_at_what_it_declares(tmp_path, monkeypatch):
    path = write_xlsx(tmp_path / "a.xlsx", {"M": sheet_xml(GOOD * 50)})
    monkeypatch.setattr(xlsx_scan, "CHUNK", 256)
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
        info.file_size = 100  # what a lying directory would say
        scan = xlsx_scan.scan_sheet(z, "M", info.filename, Limits(max_sheet_xml_bytes=1000))
    assert scan.reason == ""
    assert scan.broken == ("sheet 'M' cannot be inflated (BadZipFile: 'xl/worksheets/sheet1.xml' inflates to more "
                           "than the 100 bytes it declares)")
    assert scan.xml_bytes < 256  # stopped within the first pieces


def test_a_sprawling_sheet_over_the_grid_budget_is_refused(tmp_path):
    sprawl = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c><c r="BH{r}"><v>1</v></c></row>'
                     for r in range(1000, 199_001, 999))
    grids, reason = readers.read(write_xlsx(tmp_path / "a.xlsx", {"M": sheet_xml(GOOD, sprawl)}))
    assert grids == []
    assert reason.startswith("refused: sheet 'M': its data block A1:BH198802 spans 11928120 cells, more than the "
                             "grid budget 5592405 (memory budget 536870912 bytes)")


def test_cell_and_row_limits_of_the_bounded_reader(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", {"M": sheet_xml(GOOD, STRAY)})
    assert readers.read(path, Limits(max_cells=10))[1].startswith(
        "refused: sheet 'M' has more than 10 cells (the limit per sheet)")
    assert readers.read(path, Limits(max_rows=3))[1].startswith(
        "refused: sheet 'M' has more than 3 rows (the limit per sheet)")


def test_a_sheet_declaring_a_doctype_is_refused_by_the_bounded_reader(tmp_path):
    xml = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>' + sheet_xml(GOOD, STRAY)
    reason = readers.read(write_xlsx(tmp_path / "a.xlsx", {"M": xml}))[1]
    assert reason.startswith("refused: sheet 'M' declares a DOCTYPE (XML entities); refused, entities are never "
                             "expanded")


def test_a_sheet_whose_declared_size_lies_is_unreadable(tmp_path):
    from hostile_corpus import _lying_size_bomb

    reason = readers.read(_lying_size_bomb(tmp_path / "a.xlsx"))[1]
    assert reason == ("not a readable workbook: sheet 'M' cannot be inflated (BadZipFile: "
                      "'xl/worksheets/sheet1.xml' inflates to more than the 1000 bytes it declares)")


# --- what calamine does not say: hidden columns, formulas with no saved value ---------------------

@pytest.mark.parametrize("budget", [None, 96 * 1000])  # the calamine path and the bounded reader
def test_hidden_columns_and_uncached_formulas(tmp_path, budget):
    cols = '<cols><col min="2" max="3" width="9" hidden="1"/><col min="4" max="4" hidden="0"/></cols>'
    formulas = ('<row r="5"><c r="A5" t="inlineStr"><is><t>Energía sostenible</t></is></c>'
                '<c r="C5"><f>CONCATENATE("Tema ","1")</f></c><c r="D5"><f>1+1</f><v /></c>'
                '<c r="E5"><f t="shared" si="0"/></c><c r="F5"><f>2+2</f><v>4</v></c></row>')
    path = write_xlsx(tmp_path / "a.xlsx", {"M": sheet_xml(GOOD, formulas, cols)})
    (sheet,) = _read(path, Limits(memory_budget=budget) if budget else None)
    assert sheet.hidden_columns == frozenset({1, 2})
    assert sheet.uncached_formulas == {(4, 2): '=CONCATENATE("Tema ","1")', (4, 3): "=1+1",
                                       (4, 4): "(shared formula)"}
    assert sheet.grid[4] == ["Energía sostenible", "", "", "", "", 4.0]


# --- formats read in a child process --------------------------------------------------------------

def test_a_legacy_xls_is_read_in_a_child_process(tmp_path):
    (sheet,) = _read(write_xls(tmp_path / "CAN.xls", {"Matriz": GOOD}))
    assert sheet.name == "Matriz" and sheet.grid == GRID


def test_an_ods_is_read_and_one_that_repeats_a_cell_millions_of_times_is_refused(tmp_path):
    (sheet,) = _read(write_ods(tmp_path / "CAN.ods", ods_table("Matriz", GOOD)))
    assert sheet.grid == GRID
    repeated = ('<table:table table:name="M"><table:table-row table:number-rows-repeated="9000">'
                '<table:table-cell table:number-columns-repeated="10000" office:value-type="string"><text:p>x'
                "</text:p></table:table-cell></table:table-row></table:table>")
    grids, reason = readers.read(write_ods(tmp_path / "big.ods", repeated))
    assert grids == []
    assert reason.startswith("refused: ") and "memory budget of 536870912 bytes" in reason


def test_an_xlsx_saved_with_the_xls_extension_is_read(tmp_path):
    (sheet,) = _read(write_xlsx(tmp_path / "CAN.xls", {"M": sheet_xml(GOOD)}))
    assert sheet.grid == GRID


def _fake_child(tmp_path, monkeypatch, body):
    child = tmp_path / "child.py"
    child.write_text(body, encoding="utf-8")
    monkeypatch.setattr(isolate, "CHILD", child)
    return write_xls(tmp_path / "CAN.xls", {"M": GOOD})


def test_an_isolated_read_that_aborts_is_a_file_level_reason(tmp_path, monkeypatch):
    path = _fake_child(tmp_path, monkeypatch, "import os\nos.abort()\n")
    assert readers.read(path)[1].startswith("refused: the reader stopped (SIGABRT) over the memory budget of "
                                            "536870912 bytes or the time limit of 120 seconds")


def test_an_isolated_read_over_the_time_limit_is_refused(tmp_path, monkeypatch):
    path = _fake_child(tmp_path, monkeypatch, "import time\ntime.sleep(30)\n")
    assert readers.read(path, Limits(timeout_seconds=0.5))[1] == (
        "refused: reading it took more than 0.5 seconds (the time limit per file); open it in Excel and save it "
        "as .xlsx")


# --- sniffing --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "content", "reason"), [
    ("CAN.xls", b"\xef\xbb\xbf  <!DOCTYPE html><html><body><table></table></body></html>",
     "a web page saved with the .xls extension: open it in Excel and save it as .xlsx"),
    ("CAN.xlsx", b"<table><tr><td>Eje</td></tr></table>",
     "a web page saved with the .xlsx extension: open it in Excel and save it as .xlsx"),
    ("CAN.xls", b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>',
     "an XML Spreadsheet 2003 saved with the .xls extension: open it in Excel and save it as .xlsx"),
    ("CAN.xlsx", b"", "empty file (0 bytes): nothing to read; ask the organism to send the workbook again"),
    ("CAN.csv", b"", "empty file (0 bytes): nothing to read; ask the organism to send the workbook again"),
    ("CAN.docx", b"PK", "unsupported file type '.docx'; expected .xlsx, .xlsm, .xls, .ods or .csv"),
])
def test_files_that_are_not_what_their_extension_says(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    assert readers.read(path) == ([], reason)


def test_an_ods_without_content_is_not_an_opendocument_spreadsheet(tmp_path):
    path = tmp_path / "a.ods"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "x")
    assert readers.read(path)[1] == ("a.ods: zip archive without content.xml, not an OpenDocument spreadsheet; "
                                     "expected an .ods file")


def test_merges_are_cut_to_the_grid(tmp_path):
    xml = sheet_xml(GOOD).replace("</worksheet>", '<mergeCells count="2"><mergeCell ref="A2:A1048576"/>'
                                  '<mergeCell ref="XFD1:XFD2"/></mergeCells></worksheet>')
    (sheet,) = _read(write_xlsx(tmp_path / "a.xlsx", {"M": xml}))
    assert sheet.merges == [((1, 0), (3, 0))]


def test_scan_helpers():
    assert xlsx_scan.split_ref("$B$7") == (6, 1)
    with pytest.raises(ValueError, match=r"not a cell reference: 'B'"):
        xlsx_scan.split_ref("B")
    assert xlsx_scan.xml_text(b"a &amp; b_x000A_c") == "a & b\nc"
    assert Path(isolate.CHILD).name == "_isolated_read.py"


def test_an_encrypted_zip_entry_is_a_file_level_reason(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", {"M": sheet_xml(GOOD)})
    data = bytearray(path.read_bytes())
    i = data.find(b"PK\x01\x02")
    while i >= 0:  # mark every entry as ZipCrypto-encrypted in the central directory
        data[i + 8] |= 0x1
        i = data.find(b"PK\x01\x02", i + 4)
    path.write_bytes(bytes(data))
    assert readers.read(path)[1] == ("a.xlsx: encrypted workbook (its archive entries need a password); remove the "
                                     "password or save it as .xlsx (Excel Workbook)")


def test_a_sheet_whose_data_end_early_is_unreadable(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", {"M": sheet_xml(GOOD)})
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(path.read_bytes())
    size = info.file_size.to_bytes(4, "little")
    for sig, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # declare 100 bytes more than there are
        i = data.find(sig)
        while i >= 0:
            if data[i + offset:i + offset + 4] == size:
                data[i + offset:i + offset + 4] = (info.file_size + 100).to_bytes(4, "little")
            i = data.find(sig, i + 4)
    path.write_bytes(bytes(data))
    assert readers.read(path)[1] == (
        f"not a readable workbook: sheet 'M' cannot be inflated (BadZipFile: 'xl/worksheets/sheet1.xml' inflates "
        f"to {info.file_size} bytes, not the {info.file_size + 100} it declares)")


@pytest.mark.parametrize("budget", [None, 96 * 10**8])  # the bounded reader, the calamine path
def test_a_sheet_over_the_rows_limit_is_refused(tmp_path, budget):
    far = '<row r="300000"><c r="A300000" t="inlineStr"><is><t>x</t></is></c></row>'
    path = write_xlsx(tmp_path / "a.xlsx", {"M": sheet_xml(GOOD, far)})
    limits = Limits(stray_row_gap=10**6, **({"memory_budget": budget} if budget else {}))
    assert readers.read(path, limits)[1].startswith(
        "refused: sheet 'M' has cells down to row 300000, more than 200000 rows (the limit per sheet)")


def test_read_ahead_scans_in_other_processes_with_the_same_results(tmp_path, monkeypatch):
    cols = '<cols><col min="2" max="2" hidden="1"/></cols>'
    formula = '<row r="5"><c r="C5"><f>1+1</f></c></row>'
    paths = [write_xlsx(tmp_path / "a.xlsx", {"M": sheet_xml(GOOD, STRAY, cols)}),
             write_xlsx(tmp_path / "b.xlsx", {"M": sheet_xml(GOOD, formula)}),
             write_xlsx(tmp_path / "c.xlsx", {"M": sheet_xml(GOOD)})]
    with zipfile.ZipFile(paths[0]) as z:
        scans = {n: xlsx_scan.scan_sheet(z, n, p, Limits()) for n, p in xlsx_scan.workbook_sheets(z)}
    assert xlsx_scan.from_json(xlsx_scan.to_json(scans)) == scans
    expected = [readers.read(p) for p in paths]

    def in_this_process(*args):
        raise AssertionError("scanned in this process, not in a scanning process")

    monkeypatch.setattr(xlsx_scan, "scan_workbook", in_this_process)
    monkeypatch.setattr(readers, "SCAN_PROCESS_BYTES", 1000)  # these three workbooks: about 5 KB
    ahead = list(readers.read_ahead(paths))
    assert ahead == expected
    assert ahead[0][0][0].stray_cells == [(1048575, 16383, "x")] and ahead[0][0][0].hidden_columns == {1}
    assert ahead[1][0][0].uncached_formulas == {(4, 2): "=1+1"}
