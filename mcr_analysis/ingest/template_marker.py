"""The marker by which the loader recognises the MCR template (``mcr template``) without heuristics.

The template carries a custom document property ``mcr_template`` whose value
is JSON: ``{"version": 1, "skip": {"Listas": "list", "Instrucciones":
"instructions"}}``, the sheets that are not data.  The loader reads it from
``docProps/custom.xml`` in the zip (a small, bounded read: calamine does not
expose custom properties) and reports those sheets as skipped, with
:data:`SKIP_REASONS`, instead of reading their lists as data.

Examples
--------
>>> value = marker_value({"Listas": "list"})
>>> value
'{"version": 1, "skip": {"Listas": "list"}}'
>>> parse_marker(value)
{'Listas': 'template list sheet (the values of the drop-down lists, not data)'}
>>> parse_marker("not json"), parse_marker('{"version": 1, "skip": {"A": "odd"}}')
({}, {})
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from defusedxml import ElementTree

__all__ = ["PROPERTY", "VERSION", "SKIP_REASONS", "marker_value", "parse_marker", "parse_round", "skipped_sheets",
           "template_round"]

PROPERTY = "mcr_template"
"""Name of the custom document property."""
VERSION = 1
"""Version written by this package; the loader understands versions up to this one."""
SKIP_REASONS = {
    "list": "template list sheet (the values of the drop-down lists, not data)",
    "instructions": "template instructions sheet (not data)",
    "review": "review sheet written by 'mcr check' (the problems found, not data)",
}
"""Kind of non-data sheet -> the reason the loader reports for it."""
_MAX_BYTES = 64 * 1024
"""Largest ``docProps/custom.xml`` read (ours is a few hundred bytes)."""
_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"


def marker_value(skip: dict[str, str], round_: str = "") -> str:
    """The property value naming the non-data sheets ``{sheet name: kind}`` (kinds of :data:`SKIP_REASONS`).

    ``round_``, when given, is the round the template was written for (``mcr check``
    takes it when the file's folder names no round).

    >>> marker_value({}, "2025")
    '{"version": 1, "skip": {}, "round": "2025"}'
    """
    bad = sorted(set(skip.values()) - set(SKIP_REASONS))
    if bad:
        raise ValueError(f"unknown template sheet kinds {bad}; expected {', '.join(SKIP_REASONS)}")
    data = {"version": VERSION, "skip": skip} | ({"round": str(round_)} if round_ else {})
    return json.dumps(data, ensure_ascii=False)


def _marker_data(value: str) -> dict | None:
    """The marker's JSON object when it is one this package understands, else ``None``."""
    try:
        data = json.loads(value)
    except (TypeError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("version"), int) or not 1 <= data["version"] <= VERSION:
        return None
    return data


def parse_round(value: str) -> str:
    """The round named by a marker value (four digits first, as a round folder), or ``""``.

    >>> parse_round(marker_value({}, "2025")), parse_round('{"version": 1, "skip": {}, "round": "../x"}')
    ('2025', '')
    """
    data = _marker_data(value) or {}
    round_ = data.get("round")
    return round_ if isinstance(round_, str) and round_[:4].isdigit() and len(round_) <= 32 else ""


def parse_marker(value: str) -> dict[str, str]:
    """``{sheet name: reason}`` of a marker value; ``{}`` for anything else (a wrong marker skips nothing)."""
    data = _marker_data(value)
    if data is None:
        return {}
    skip = data.get("skip")
    if not isinstance(skip, dict) or not all(isinstance(k, str) and v in SKIP_REASONS for k, v in skip.items()):
        return {}
    return {name: SKIP_REASONS[kind] for name, kind in skip.items()}


def skipped_sheets(path: str | Path) -> dict[str, str]:
    """``{sheet name: reason}`` of the non-data sheets of an MCR template at ``path``; ``{}`` otherwise.

    Reads only ``docProps/custom.xml`` (at most 64 KiB); a file that is not a
    zip, has no such member, or no valid marker gives ``{}``.
    """
    return parse_marker(_marker_text(path))


def template_round(path: str | Path) -> str:
    """The round an MCR template at ``path`` was written for, or ``""`` (same bounded read)."""
    return parse_round(_marker_text(path))


def _marker_text(path: str | Path) -> str:
    """The text of the marker property of the workbook at ``path``, or ``""``."""
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("docProps/custom.xml")
            if info.file_size > _MAX_BYTES:
                return ""
            data = archive.read(info)
        root = ElementTree.fromstring(data)
    except (KeyError, OSError, ValueError, zipfile.BadZipFile, ElementTree.ParseError):
        return ""
    for prop in root.iter(f"{_NS}property"):
        if prop.get("name") == PROPERTY and len(prop):
            return prop[0].text or ""
    return ""
