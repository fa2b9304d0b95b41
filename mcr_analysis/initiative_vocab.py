"""Vocabularies of an initiative's other fields: its status and the bodies that execute it.

:func:`statuses` (``statuses.tsv``: planned, ongoing, completed, cancelled),
:func:`bodies` (``bodies.tsv``: the secretariats, councils, agencies and funds
of each integration system) and :func:`mentions`, the ids of a vocabulary that
a running text names (the partners of an initiative, the body in a heading).
They are built like the vocabularies of :mod:`mcr_analysis.taxonomy` (TSV
tables checked when read, matching by :func:`~mcr_analysis.taxonomy.normalize_label`),
and ``taxonomy.statuses``, ``taxonomy.bodies``, ``taxonomy.mentions`` and
``taxonomy.STATUS_IDS`` stay their public path: the same objects as here.

Examples
--------
>>> statuses().match("Cancelado").id, bodies().system("FOCEM")
('cancelled', 'MERCOSUR')
>>> sorted(mentions("Con la CAN y el SICA", organisms()))
['CAN', 'SICA']
"""

from __future__ import annotations

import functools
import re

from mcr_analysis.taxonomy import MCRDataError, Vocabulary, _build, _read_tsv, normalize_label, organisms

__all__ = ["STATUS_IDS", "BODY_COLUMNS", "statuses", "bodies", "mentions"]

STATUS_IDS = ("planned", "ongoing", "completed", "cancelled")
"""The controlled vocabulary of initiative statuses (``statuses.tsv``)."""
BODY_COLUMNS = ["id", "system", "label_es", "label_en", "aliases", "source"]


@functools.cache
def statuses() -> Vocabulary:
    """The statuses of an initiative (``statuses.tsv``): planned, ongoing, completed, cancelled.

    Spanish, English and Portuguese wordings are aliases of the four ids.

    Examples
    --------
    >>> statuses().match("En ejecución").id, statuses().match("Concluído").id
    ('ongoing', 'completed')
    >>> statuses().ids
    ['planned', 'ongoing', 'completed', 'cancelled']
    """
    table = _read_tsv("statuses.tsv", "id", ["id", "order", "label_es", "label_en", "label_pt", "aliases"])
    table = table.sort_values("order", key=lambda s: s.astype(int))
    if tuple(table["id"]) != STATUS_IDS:
        raise MCRDataError(f"package table statuses.tsv: ids {list(table['id'])}; expected {list(STATUS_IDS)}")
    return _build("status", table, [])


@functools.cache
def bodies() -> Vocabulary:
    """Bodies of each integration system (``bodies.tsv``): secretariats, councils, agencies, funds.

    Column ``system`` is the organism id the body belongs to (SICA's CEPREDENAC,
    MERCOSUR's FOCEM, CARICOM's CDEMA...).  Compiled from public knowledge of
    each system's institutional framework (column ``source``), not from
    official MCR material.

    Examples
    --------
    >>> b = bodies()
    >>> b.match("CEPREDENAC").id, b.system("CEPREDENAC")
    ('CEPREDENAC', 'SICA')
    >>> b.system(b.match("Fondo para la Convergencia Estructural del MERCOSUR").id)
    'MERCOSUR'
    """
    table = _read_tsv("bodies.tsv", "id", BODY_COLUMNS)
    bad = sorted(set(table["system"]) - set(organisms().ids))
    if bad:
        raise MCRDataError(f"package table bodies.tsv: unknown systems {bad}; allowed: {', '.join(organisms().ids)}")
    built = _build("body", table, [])
    return _Bodies(built.name, built.table, built.index, built.display)


class _Bodies(Vocabulary):
    def system(self, id_: str) -> str:
        """The organism id of the integration system ``id_`` belongs to."""
        row = self.table.loc[self.table["id"] == id_]
        if row.empty:
            raise MCRDataError(f"unknown body id {id_!r}; allowed: {', '.join(self.table['id'])}")
        return str(row.iloc[0]["system"])


_UPPER_WORD = re.compile(r"[A-Z][A-Z0-9]*(?:[-][A-Z0-9]+)*")


def mentions(text: object, vocab: Vocabulary, strict_acronyms: bool = True) -> set[str]:
    """Ids of ``vocab`` that ``text`` names somewhere inside it (runs of whole words).

    With ``strict_acronyms`` a one-word alias of up to five letters counts only
    when written in capitals in ``text`` ("CAN", not "can"), so running text
    and titles do not name organisms by accident.

    Examples
    --------
    >>> sorted(mentions("Organismo: Sistema Económico Latinoamericano y del Caribe (SELA)", organisms()))
    ['SELA']
    >>> sorted(mentions("Con apoyo de la CAF y de la FAO", organisms()))
    ['CAF', 'FAO']
    >>> mentions("you can help", organisms())
    set()
    """
    tokens = normalize_label(text).split()
    if not tokens:
        return set()
    upper = {normalize_label(w) for w in _UPPER_WORD.findall(str(text))} if strict_acronyms else set()
    index = vocab.index
    found: set[str] = set()
    n_max = min(len(tokens), 12)
    for n in range(n_max, 0, -1):
        for i in range(len(tokens) - n + 1):
            cands = index.get(" ".join(tokens[i:i + n]))
            if cands and (not strict_acronyms or n > 1 or len(tokens[i]) > 5 or tokens[i] in upper):
                found.update(c[0] for c in cands)
    return found
