"""Who sent a submission, and who a cell names: organisms, bodies of their systems, partners.

Internal to :mod:`mcr_analysis.ingest`.  A file declares its sender in a
metadata cell ("Organismo: Comunidad Andina"), else in a title row or the
sheet's name ("Matriz MCR — Secretaría General de la Comunidad Andina",
"Secretaria do MERCOSUL"), else in its file name ("ACS_matrix.xlsx" -> AEC).
A file that declares no sender is a consolidated file: each row's organism
comes from its organism column.  An organism or body cell is resolved against
the organisms (``organisms.tsv``) and the bodies of each integration system
(``bodies.tsv``: CEPREDENAC is SICA's).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from mcr_analysis.taxonomy import bodies, mentions, normalize_label, organisms

_SPLIT = re.compile(r"\s*(?:[;,/+&]|\s[yeY]\s|\sand\s|\s-\s|\n)\s*")


def organism_from_filename(name: str) -> tuple[str | None, str]:
    """Organism id named by a file name, and the reason when there is none.

    Tokens of the stem and runs of consecutive tokens are looked up among the
    organisms' ids, names (Spanish, English, Portuguese) and acronyms; a name
    that mentions two organisms names none.

    Examples
    --------
    >>> organism_from_filename("Mercosur_matriz_2024.xlsx")
    ('MERCOSUR', '')
    >>> organism_from_filename("SGCAN-2024.xlsx")[0], organism_from_filename("ACS_matrix.xlsx")[0]
    ('CAN', 'AEC')
    >>> organism_from_filename("matriz_final.xlsx")[0] is None
    True
    """
    found = mentions(Path(name).stem.replace("_", " "), organisms(), strict_acronyms=False)
    if len(found) == 1:
        return found.pop(), ""
    if found:
        return None, f"the file name {name!r} names several organisms ({', '.join(sorted(found))})"
    return None, f"the file name {name!r} names no known organism"


@dataclass(frozen=True)
class Declared:
    """The sender a file or sheet declares: ``id`` (or ``None``), where it says so and how."""

    id: str | None
    source: str = ""
    text: str = ""

    def describe(self) -> str:
        """E.g. ``"the metadata cell 'Organismo: SELA'"``."""
        what = {"metadata": "the metadata cell", "title": "the title row", "sheet name": "the sheet name",
                "filename": "the file name"}.get(self.source, self.source)
        return f"{what} {self.text!r}"


def declared_in_title(texts: list[tuple[int, str]]) -> tuple[Declared | None, str]:
    """The sender named by the title rows ``texts`` (``(row, text)``), or ``None`` and why not.

    Only a title that names exactly one organism declares it; a title naming
    two ("MCR: SELA y SICA") declares none.

    Examples
    --------
    >>> declared_in_title([(0, "Matriz MCR — Secretaría General de la Comunidad Andina")])[0].id
    'CAN'
    >>> declared_in_title([(0, "Matriz SELA - SICA")])[1]
    "the title row 'Matriz SELA - SICA' names several organisms (SELA, SICA)"
    """
    for _r, text in texts:
        found = mentions(text, organisms())
        if len(found) == 1:
            return Declared(found.pop(), "title", text), ""
        if found:
            return None, f"the title row {text!r} names several organisms ({', '.join(sorted(found))})"
    return None, ""


@dataclass(frozen=True)
class Resolved:
    """What an organism or body cell names.

    ``kind`` is ``organism``, ``body`` (a body of ``organism``'s system),
    ``several`` (``ids`` names them) or ``unknown`` (``reason`` says why).
    """

    kind: str
    organism: str | None = None
    body: str = ""
    ids: tuple = ()
    reason: str = ""


@functools.cache
def resolve(text: str, bodies_first: bool = False) -> Resolved:
    """Resolve the text of an organism or body cell.

    An organism column tries the organisms first ("SGCAN" is CAN itself); a
    body column (``bodies_first``) the bodies ("SG-SICA" is recorded as the body).

    Examples
    --------
    >>> resolve("CEPREDENAC")
    Resolved(kind='body', organism='SICA', body='CEPREDENAC', ids=(), reason='')
    >>> resolve("Comunidad Andina").organism, resolve("SICA y CAN").ids
    ('CAN', ('CAN', 'SICA'))
    >>> resolve("SG-SICA").body, resolve("SG-SICA", bodies_first=True).body
    ('', 'SG-SICA')
    """
    m_id, b_id = organisms().find(text), bodies().find(text)
    if b_id and (bodies_first or not m_id):
        return Resolved("body", bodies().system(b_id), b_id)
    if m_id:
        return Resolved("organism", m_id)
    parts = [p for p in _SPLIT.split(text) if p.strip()]
    named = mentions(text, organisms())
    if len(parts) > 1:
        for p in parts:
            r = resolve(p)
            if r.organism:
                named.add(r.organism)
    if len(named) > 1:
        return Resolved("several", ids=tuple(sorted(named)))
    if named:  # a name with its acronym, or a longer wording around one organism's name
        return Resolved("organism", named.pop())
    return Resolved("unknown", reason=organisms().match(text).reason)


@functools.cache
def partner_ids(text: str) -> frozenset:
    """Organism ids named in a partners cell (whole cell, its ``;``/``,``-separated parts, or inside them).

    Examples
    --------
    >>> sorted(partner_ids("FAO; CEPAL, Comunidad Andina y BID"))
    ['CAN', 'FAO']
    >>> sorted(partner_ids("Ministerios de Agricultura"))
    []
    """
    found = set()
    for part in [text] + [p for p in _SPLIT.split(text) if p.strip()]:
        m_id, b_id = organisms().find(part), bodies().find(part)
        if m_id:
            found.add(m_id)
        if b_id:
            found.add(bodies().system(b_id))
    found |= mentions(text, organisms())
    return frozenset(found)
