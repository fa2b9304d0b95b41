"""Tests of mcr_analysis.safety with crafted files: zip bombs, OLE2, XXE, formula injection."""

from __future__ import annotations

import zipfile

import pandas as pd
import pytest
from fixtures_xlsx import assert_accounted, build_workbook, replace_in_zip

from mcr_analysis import ingest, safety
from mcr_analysis.taxonomy import MCRDataError


def _workbook(tmp_path):
    return build_workbook(tmp_path / "CAN.xlsx", {"M": [["Eje", "Criterio", "Tema"], ["Energía sostenible", "Normas", "x"]]})


def test_a_normal_workbook_passes(tmp_path):
    assert safety.check_archive(_workbook(tmp_path)) is None


def test_ole2_file_is_encrypted_or_legacy(tmp_path):
    path = tmp_path / "secret.xlsx"
    path.write_bytes(safety.OLE2_SIGNATURE + b"\0" * 1024)
    with pytest.raises(MCRDataError, match=r"^secret\.xlsx: encrypted workbook or legacy \.xls, not an \.xlsx"):
        safety.check_archive(path)


def test_not_a_zip(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"hello")
    with pytest.raises(MCRDataError, match=r"^broken\.xlsx: not a readable workbook \(not a zip archive"):
        safety.check_archive(path)


def test_zip_without_workbook(tmp_path):
    path = tmp_path / "other.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "hi")
    with pytest.raises(MCRDataError, match=r"zip archive without xl/workbook\.xml, not an Excel workbook"):
        safety.check_archive(path)


def test_too_many_entries(tmp_path, monkeypatch):
    monkeypatch.setattr(safety, "MAX_ENTRIES", 20)
    path = tmp_path / "many.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(20):
            z.writestr(f"xl/x{i}.xml", "")
    with pytest.raises(MCRDataError, match=r"many\.xlsx: archive has 21 entries, more than the limit 20; "
                                           r"refused as a possible zip bomb"):
        safety.check_archive(path)


def test_declared_size_over_the_limit(tmp_path, monkeypatch):
    path = tmp_path / "big.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/sharedStrings.xml", "a" * 5000)
    monkeypatch.setattr(safety, "MAX_TOTAL_BYTES", 4000)
    with pytest.raises(MCRDataError, match=r"big\.xlsx: archive declares 5011 uncompressed bytes, more than "
                                           r"the limit 4000"):
        safety.check_archive(path)


def test_compression_ratio_bomb_is_refused_by_the_loader(tmp_path):
    path = _workbook(tmp_path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:  # 8 MiB of zeros deflate to ~8 KiB
        z.writestr("xl/media/bomb.bin", b"\0" * (8 * 1024**2))
    with pytest.raises(MCRDataError, match=r"entry 'xl/media/bomb\.bin' expands 8388608 bytes from \d+, a "
                                           r"ratio over the limit 1000"):
        safety.check_archive(path)
    result = ingest.load_submissions(tmp_path)
    assert result.tidy.empty and result.files.loc[0, "status"] == "unreadable"
    assert "possible zip bomb" in result.rejects.loc[0, "reason"]
    assert_accounted(tmp_path, result)


def _billion_laughs(tmp_path):
    """A workbook whose theme cell is a shared string declaring nested entities and an external one."""
    path = build_workbook(tmp_path / "CAN.xlsx", {"M": [["Eje", "Criterio", "Tema"],
                                                        ["Energía sostenible", "Normas", "x"]]})
    # move the theme text into a crafted sharedStrings part that declares nested entities
    laughs = "".join(f'<!ENTITY l{i} "{"&l%d;" % (i - 1) * 10}">' for i in range(1, 10))
    sst = ('<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY l0 "ha">' + laughs
           + '<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
           '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
           "<si><t>&l9;&xxe;</t></si></sst>")
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("xl/sharedStrings.xml", sst)
    replace_in_zip(path, "xl/worksheets/sheet1.xml", '<c r="C2" t="inlineStr"><is><t>x</t></is></c>',
                   '<c r="C2" t="s"><v>0</v></c>')
    replace_in_zip(path, "[Content_Types].xml", "</Types>",
                   '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    return path


def test_billion_laughs_in_shared_strings_is_not_expanded(tmp_path):
    _billion_laughs(tmp_path)
    result = ingest.load_submissions(tmp_path)
    loaded = "".join(result.tidy["theme"]) + "".join(result.rejects["reason"])
    assert len(loaded) < 10_000  # 10**9 "ha" would be 2 GB
    assert "root:" not in loaded  # no external entity read
    # calamine does not expand DTD entities at all: the file is reported, the rest still loads
    assert result.files.loc[0, "status"] == "unreadable"
    assert result.files.loc[0, "reason"].startswith("not a readable workbook: XmlError")
    assert_accounted(tmp_path, result)


def test_neutralise_values():
    cases = {"=HYPERLINK(\"http://evil\",\"x\")": "'=HYPERLINK(\"http://evil\",\"x\")", "+1": "'+1", "-2": "'-2",
             "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "\rx": "'\rx", "'=1": "''=1",
             "a=b": "a=b", "": "", "Sí": "Sí"}
    for raw, safe in cases.items():
        assert safety.neutralise(raw) == safe
        assert safety.unneutralise(safe) == raw
    assert safety.neutralise(-2) == -2 and safety.neutralise(None) is None


def test_neutralise_frame_returns_a_new_frame():
    frame = pd.DataFrame({"theme": ["=1+1", "ok"], "n": [1, 2], "=col": ["@x", "y"]})
    out = safety.neutralise_frame(frame)
    assert out["theme"].tolist() == ["'=1+1", "ok"] and out["'=col"].tolist() == ["'@x", "y"]
    assert out["n"].tolist() == [1, 2]
    assert frame["theme"].tolist() == ["=1+1", "ok"] and list(frame.columns) == ["theme", "n", "=col"]


def test_openpyxl_runs_with_defusedxml_and_refuses_entities(tmp_path):
    # openpyxl (the writer, and the tests' independent reader) parses with defusedxml when it is installed
    from defusedxml import EntitiesForbidden
    from openpyxl import load_workbook
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML is True
    with pytest.raises(ValueError, match="could not read strings") as exc:
        load_workbook(_billion_laughs(tmp_path))
    assert isinstance(exc.value.__context__, EntitiesForbidden)


def test_macro_workbook_gives_cached_values_and_its_vba_part_is_never_run(tmp_path):
    path = build_workbook(tmp_path / "x.xlsx", {"M": [["Eje", "Criterio", "Tema", "Iniciativa"],
                                                      ["Energía sostenible", "Normas", "=1+1", "macro"]]})
    with zipfile.ZipFile(path, "a") as z:  # an auto-run project that would write a file if executed
        z.writestr("xl/vbaProject.bin", b"Attribute VB_Name = \"ThisWorkbook\"\nSub Workbook_Open()\n"
                                        b"Open \"pwned.txt\" For Output As #1\nEnd Sub\n")
    xlsm = path.rename(tmp_path / "CAN_macros.xlsm")
    result = ingest.load_submissions(xlsm)
    # the formula has no saved value: never evaluated, the row is rejected naming the cell
    assert result.tidy.empty
    assert result.rejects[["column", "value"]].values.tolist() == [["Tema", "=1+1"]]
    assert "formula with no saved value" in result.rejects.loc[0, "reason"]
    assert not any(tmp_path.rglob("pwned.txt"))
    assert_accounted(tmp_path, result)
