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

__all__ = ["PROPERTY", "VERSION", "SKIP_REASONS", "marker_value", "parse_marker", "skipped_sheets"]

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


def marker_value(skip: dict[str, str]) -> str:
    """The property value naming the non-data sheets ``{sheet name: kind}`` (kinds of :data:`SKIP_REASONS`)."""
    bad = sorted(set(skip.values()) - set(SKIP_REASONS))
    if bad:
        raise ValueError(f"unknown template sheet kinds {bad}; expected {', '.join(SKIP_REASONS)}")
    return json.dumps({"version": VERSION, "skip": skip}, ensure_ascii=False)


def parse_marker(value: str) -> dict[str, str]:
    """``{sheet name: reason}`` of a marker value; ``{}`` for anything else (a wrong marker skips nothing)."""
    try:
        data = json.loads(value)
    except (TypeError, ValueError):
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("version"), int) or not 1 <= data["version"] <= VERSION:
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
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("docProps/custom.xml")
            if info.file_size > _MAX_BYTES:
                return {}
            data = archive.read(info)
        root = ElementTree.fromstring(data)
    except (KeyError, OSError, ValueError, zipfile.BadZipFile, ElementTree.ParseError):
        return {}
    for prop in root.iter(f"{_NS}property"):
        if prop.get("name") == PROPERTY and len(prop):
            return parse_marker(prop[0].text or "")
    return {}
