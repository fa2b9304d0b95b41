"""Header detection: the header rows of a sheet, the field each column holds, metadata cells.

Internal to :mod:`mcr_analysis.ingest`.  A header cell names a field when

1. the project's ``data/reference/column_map.tsv`` maps its text (for the file
   or organism at hand) to a field, or
2. its folded text is an alias of ``headers.tsv`` ("Iniciativa / Acción"), or
3. it names a criterion (a column of a mark matrix: "Proyectos"), or
4. its words point to one field (``header_words.tsv``): "Área temática" ->
   theme, "Action line" -> initiative.  A header whose words point to two
   fields ("Eje / Tema") is not read and is reported, never guessed.

The header is the row, among the first :data:`HEADER_SCAN_ROWS`, with the most
recognised cells.  When two columns claim one field, the visible one wins, then
the more specific (column map, then a whole alias, then words), then the first;
the others are reported as not read.  Further header rows below the first one
start stacked tables (:func:`find_tables`).
"""

from __future__ import annotations

import fnmatch
import functools
import re
from dataclasses import dataclass, field

from mcr_analysis.ingest.cells import _empty, cell_text, fill_merged, package_table
from mcr_analysis.taxonomy import MCRDataError, criteria, normalize_label

HEADER_SCAN_ROWS = 30
"""How many rows from the top of a sheet are searched for the header."""
MIN_HEADER_CELLS = 2
"""A header must have at least this many recognised cells."""
FIELDS = ("organism", "axis", "matrix", "criterion", "theme", "initiative",
          "description", "year", "status", "partners", "body")
"""Fields a column can hold (``headers.tsv`` column ``field``; ``note`` words mark notes)."""
HEADER_COLUMNS = ["field", "alias", "canonical", "lang", "note"]
_ROW_WORDS = ("note", "total")
"""Pseudo-fields of headers.tsv: words that mark a note row or a totals row, not a column."""
_LANGS = {"es", "en", "pt"}
_SOURCE_RANK = {"map": 3, "alias": 2, "criterion": 2, "words": 1}
_WORD_MAX = 6
"""A header of more words than this is never read by its words (it is prose, not a header)."""


def check_header_rows(rows: list[dict], name: str = "headers.tsv") -> list[dict]:
    """Check the rows of ``headers.tsv`` (schema, fields, languages, one field per alias); return them.

    Raises :class:`MCRDataError` naming the first bad line (line 1 is the column names).

    Examples
    --------
    >>> row = {"field": "theme", "alias": "Tema", "canonical": "es", "lang": "es", "note": ""}
    >>> check_header_rows([row])[0]["alias"]
    'Tema'
    >>> check_header_rows([dict(row, field="tema")])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mcr_analysis.taxonomy.MCRDataError: headers.tsv line 2: unknown field 'tema' (alias 'Tema'); allowed: organism, ...
    """
    owner: dict[str, tuple[str, int]] = {}
    canon: dict[tuple[str, str], int] = {}
    for line, row in enumerate(rows, start=2):
        where = f"{name} line {line}"
        if list(row) != HEADER_COLUMNS:
            raise MCRDataError(f"{where}: columns {list(row)}; expected exactly {HEADER_COLUMNS}")
        fld, alias = row["field"], row["alias"] or ""
        if fld not in FIELDS + _ROW_WORDS:
            raise MCRDataError(f"{where}: unknown field {fld!r} (alias {alias!r}); allowed: "
                               f"{', '.join(FIELDS + _ROW_WORDS)}")
        key = normalize_label(alias)
        if not key:
            raise MCRDataError(f"{where}: empty alias for field {fld!r}")
        for col in ("canonical", "lang"):
            langs = set(filter(None, (row[col] or "").split("|")))
            if langs - _LANGS or (col == "lang" and not langs):
                raise MCRDataError(f"{where}: {col} {row[col]!r}; expected es, en or pt (several joined by '|')"
                                   + ("" if col == "lang" else " or empty"))
        for lang in filter(None, (row["canonical"] or "").split("|")):
            if canon.setdefault((fld, lang), line) != line:
                raise MCRDataError(f"{where}: a second canonical {lang!r} header for field {fld!r} "
                                   f"(the first is on line {canon[(fld, lang)]})")
        first = owner.setdefault(key, (fld, line))
        if first[0] != fld:
            raise MCRDataError(f"{where}: alias {alias!r} names field {fld!r} but line {first[1]} names the same "
                               f"text for {first[0]!r}; one header text must name one field")
    return rows


def check_word_rows(rows: list[dict], name: str = "header_words.tsv") -> list[dict]:
    """Check the rows of ``header_words.tsv`` (one folded word, a known field, each word once)."""
    seen: dict[str, int] = {}
    for line, row in enumerate(rows, start=2):
        where = f"{name} line {line}"
        if list(row) != ["word", "field", "note"]:
            raise MCRDataError(f"{where}: columns {list(row)}; expected exactly ['word', 'field', 'note']")
        if row["field"] not in FIELDS:
            raise MCRDataError(f"{where}: unknown field {row['field']!r} (word {row['word']!r}); allowed: "
                               f"{', '.join(FIELDS)}")
        if not row["word"] or normalize_label(row["word"]) != row["word"] or " " in row["word"]:
            raise MCRDataError(f"{where}: word {row['word']!r} must be one folded word (lower case, no accents)")
        if seen.setdefault(row["word"], line) != line:
            raise MCRDataError(f"{where}: word {row['word']!r} repeats line {seen[row['word']]}")
    return rows


@functools.cache
def _header_rows() -> tuple[dict, ...]:
    return tuple(check_header_rows(package_table("headers.tsv")))


@functools.cache
def header_aliases() -> dict[str, str]:
    """Folded header alias -> field (``headers.tsv``, note words excluded)."""
    return {normalize_label(r["alias"]): r["field"] for r in _header_rows() if r["field"] not in _ROW_WORDS}


@functools.cache
def header_words() -> dict[str, str]:
    """Folded word -> field (``header_words.tsv``)."""
    return {r["word"]: r["field"] for r in check_word_rows(package_table("header_words.tsv"))}


@functools.cache
def canonical_headers(lang: str) -> dict[str, str]:
    """Field -> the header text written in ``lang`` (``headers.tsv`` column ``canonical``)."""
    return {r["field"]: r["alias"] for r in _header_rows() if lang in r["canonical"].split("|")}


@functools.cache
def _note_words() -> tuple[str, ...]:
    return tuple(normalize_label(r["alias"]) for r in _header_rows() if r["field"] == "note")


@functools.cache
def total_words() -> frozenset:
    """Folded words that open a totals row below the data ("Total", "Subtotal", "Totais"…).

    Examples
    --------
    >>> {"total", "subtotal", "total general", "totais"} <= total_words()
    True
    """
    return frozenset(normalize_label(r["alias"]) for r in _header_rows() if r["field"] == "total")


@functools.cache
def raw_header_texts() -> frozenset:
    """Header aliases and criterion labels as commonly typed (as written, upper, lower, capitalised).

    Used to spot the header row of a stacked table among many data cells with
    set operations only.
    """
    texts = [r["alias"] for r in _header_rows() if r["field"] not in _ROW_WORDS]
    table = criteria().table
    texts += list(table["label_es"]) + list(table["label_en"]) + list(table["label_pt"])
    out = set()
    for t in texts:
        out.update({t, t.upper(), t.lower(), t.capitalize(), t.title(), t + ":", t.upper() + ":"})
    return frozenset(out)


@dataclass(frozen=True)
class ColumnMap:
    """Analyst's explicit column mappings (``data/reference/column_map.tsv``).

    ``rules`` are ``(pattern, folded header, field)``: ``pattern`` is an
    organism id, a file-name pattern (``*``, ``?``) or ``*``; ``field`` one of
    :data:`FIELDS` or ``ignore`` (the column is deliberately not read).
    """

    rules: tuple = ()
    source: str = ""

    def for_file(self, rel: str, organism: str | None) -> dict[str, str]:
        """Folded header -> field of the rules that apply to file ``rel`` sent by ``organism``."""
        name = rel.rsplit("/", 1)[-1]
        out = {}
        for pattern, key, fld in self.rules:
            if pattern == "*" or pattern == organism or fnmatch.fnmatch(name, pattern) or fnmatch.fnmatch(
                    rel, pattern):
                out.setdefault(key, fld)
        return out


def read_column_map(rows: list[dict], source: str) -> ColumnMap:
    """A :class:`ColumnMap` from the rows of a column map file, checked line by line.

    Examples
    --------
    >>> m = read_column_map([{"pattern": "SELA", "header": "Línea", "field": "initiative"}], "column_map.tsv")
    >>> m.for_file("2024/SELA.xlsx", "SELA")
    {'linea': 'initiative'}
    >>> read_column_map([{"pattern": "SELA", "header": "Línea", "field": "linea"}], "column_map.tsv")
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mcr_analysis.taxonomy.MCRDataError: column_map.tsv line 2: unknown field 'linea'; expected one of organism, ...
    """
    rules = []
    for line, row in enumerate(rows, start=2):
        where = f"{source} line {line}"
        if sorted(row) != ["field", "header", "pattern"]:
            raise MCRDataError(f"{where}: columns {list(row)}; expected pattern, header, field")
        pattern, key, fld = (row["pattern"] or "").strip(), normalize_label(row["header"]), (row["field"] or "").strip()
        if fld not in FIELDS + ("ignore",):
            raise MCRDataError(f"{where}: unknown field {fld!r}; expected one of {', '.join(FIELDS + ('ignore',))}")
        if not pattern or not key:
            raise MCRDataError(f"{where}: empty pattern or header; expected an organism id or file-name pattern, "
                               "and the header text as written")
        rules.append((pattern, key, fld))
    return ColumnMap(tuple(rules), source)


@dataclass
class Header:
    """A detected header row (0-based ``row``).

    ``fields``: field -> column read; ``mark_columns``: column -> criterion;
    ``names``: column -> header text; ``unread``: column -> why a named
    column is not read; ``ignored``: the texts of the columns not read.
    """

    row: int
    fields: dict[str, int] = field(default_factory=dict)
    mark_columns: dict[int, str] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    unread: dict[int, str] = field(default_factory=dict)
    sources: dict[int, str] = field(default_factory=dict)

    def describe(self) -> str:
        """``"row 3: A=axis, B=theme, C..E=marks"``-style text of what each column holds."""
        from mcr_analysis.ingest.cells import column_letter

        parts = [f"{column_letter(c)}={f}" for f, c in sorted(self.fields.items(), key=lambda kv: kv[1])]
        parts += [f"{column_letter(c)}=marks:{k}" for c, k in sorted(self.mark_columns.items())]
        return f"row {self.row + 1}: " + ", ".join(parts)


def _criterion_id(key: str) -> str | None:
    cands = criteria().index.get(key)
    if cands and len({c[0] for c in cands}) == 1:
        return cands[0][0]
    return None


def _word_fields(key: str) -> set[str]:
    words = header_words()
    out = set()
    for w in key.split():
        fld = words.get(w) or (words.get(w[:-1]) if w.endswith("s") else None) or (
            words.get(w[:-2]) if w.endswith("es") else None)
        if fld:
            out.add(fld)
    return out


@functools.cache
def classify(key: str, mapped: tuple = ()) -> tuple[str, str, str]:
    """``(kind, value, source)`` of a folded header text.

    ``kind`` is ``"field"`` (value: the field), ``"criterion"`` (a mark
    column; value: the criterion id), ``"ambiguous"`` (value: the fields its
    words name, joined by ", "), ``"ignore"`` (the column map says so) or
    ``""``.  ``mapped`` holds the column map rules ``(key, field)`` that apply.

    Examples
    --------
    >>> classify("linea de accion"), classify("proyectos"), classify("eje tema")
    (('field', 'initiative', 'alias'), ('criterion', 'proyectos', 'criterion'), ('ambiguous', 'axis, theme', 'words'))
    >>> classify("area de trabajo del equipo")
    ('', '', '')
    """
    for k, fld in mapped:
        if k == key:
            return ("ignore", "", "map") if fld == "ignore" else ("field", fld, "map")
    fld = header_aliases().get(key)
    if fld:
        return "field", fld, "alias"
    crit = _criterion_id(key)
    if crit:
        return "criterion", crit, "criterion"
    if not key or len(key.split()) > _WORD_MAX or any(ch.isdigit() for ch in key):
        return "", "", ""
    found = _word_fields(key)
    if len(found) == 1:
        return "field", found.pop(), "words"
    if found:
        return "ambiguous", ", ".join(f for f in FIELDS if f in found), "words"
    return "", "", ""


def _score_row(row: list, known: dict, mapped: tuple) -> float:
    score = 0.0
    for value in row:
        if isinstance(value, str):
            s = known.get(value)
            if s is None and len(value) > 80:  # prose, not a header
                s = known[value] = 0.0
            if s is None:
                kind, _v, source = classify(normalize_label(value), mapped)
                s = known[value] = (0.9 if source == "words" else 1.0) if kind in ("field", "criterion") else 0.0
            score += s
    return score


def find_header(grid: list[list], merges: list = (), hidden_columns=frozenset(), mapped: tuple = (),
                start: int = 0) -> Header | None:
    """The header row among rows ``start .. start + HEADER_SCAN_ROWS`` of ``grid``, or ``None``.

    Vertical ``merges`` are filled first, so a two-row header whose "Eje" and
    "Tema" cells are merged down beside a row of criterion names (under a
    merged "Criterio" group cell) is found on its second row.
    ``hidden_columns`` lose claims to visible ones; ``mapped`` are the column
    map rules that apply (see :func:`classify`).
    """
    stop = min(start + HEADER_SCAN_ROWS, len(grid))
    grid = fill_merged(grid[:stop], merges)
    best, best_score = None, MIN_HEADER_CELLS - 0.5
    known: dict[str, float] = {}  # cell text -> score (data rows repeat values)
    for r in range(start, stop):
        score = _score_row(grid[r], known, mapped)
        if score > best_score:
            best, best_score = r, score
    if best is None:
        return None
    return header_at(grid[best], best, hidden_columns, mapped)


def header_at(cells: list, row: int, hidden_columns=frozenset(), mapped: tuple = ()) -> Header:
    """The :class:`Header` whose cells are ``cells`` (row ``row``), claims settled."""
    header = Header(row)
    claims: dict[str, list[tuple[tuple, int, str]]] = {}
    for c, value in enumerate(cells):
        name = cell_text(value)
        if not name:
            continue
        header.names[c] = name
        key = normalize_label(name)
        kind, value_, source = classify(key, mapped)
        visible = c not in hidden_columns
        if kind == "field":
            rank = (visible, _SOURCE_RANK[source], -c)
            claims.setdefault(value_, []).append((rank, c, source))
        elif kind == "criterion":
            claims.setdefault(f"marks:{value_}", []).append(((visible, 2, -c), c, source))
        elif kind == "ambiguous":
            header.unread[c] = (f"header {name!r} names two fields by its words ({value_}); not read: rename the "
                                "column or map it in data/reference/column_map.tsv")
        elif kind == "ignore":
            header.unread[c] = f"header {name!r} is mapped to 'ignore' in the column map"
        elif c in hidden_columns:
            header.unread[c] = f"hidden column {name!r}: not a known header"
        else:
            header.unread[c] = f"header {name!r} names no field the loader reads"
    for fld, cands in claims.items():
        cands.sort(reverse=True)
        (_rank, winner, source), losers = cands[0], cands[1:]
        if fld.startswith("marks:"):
            header.mark_columns[winner] = fld[6:]
        else:
            header.fields[fld] = winner
            header.sources[winner] = source
        for _rank2, c, _s in losers:
            why = "visible" if winner not in hidden_columns and c in hidden_columns else "more specific" if (
                _rank[1] > _rank2[1]) else "first"
            what = f"criterion {fld[6:]!r}" if fld.startswith("marks:") else f"field {fld!r}"
            header.unread[c] = (f"header {header.names[c]!r}{' (hidden column)' if c in hidden_columns else ''} "
                                f"also names {what}; column {_letter(winner)} {header.names[winner]!r} is read "
                                f"instead ({why})")
    if "criterion" in header.fields:
        for c in list(header.mark_columns):
            header.unread[c] = (f"criterion column {header.names[c]!r} is not read as marks: the sheet has a "
                                f"criterion column ({header.names[header.fields['criterion']]!r})")
            del header.mark_columns[c]
    header.ignored = [header.names[c] for c in sorted(header.unread)]
    return header


def _letter(c: int) -> str:
    from mcr_analysis.ingest.cells import column_letter

    return column_letter(c)


def header_like_rows(grid: list[list], start: int, stop: int, mapped: tuple = ()) -> list[int]:
    """Rows in ``[start, stop)`` that could be the header of a stacked table (cheap screening).

    A row qualifies when at least :data:`MIN_HEADER_CELLS` of its cells name a
    field (criterion names alone do not count: criterion columns hold them).
    A column is screened with set operations: its distinct values are
    intersected with :func:`raw_header_texts`; columns of few distinct values
    are also checked after folding.
    """
    if stop <= start:
        return []
    texts = raw_header_texts()
    rows = grid[start:stop]
    width = max(map(len, rows), default=0)
    if len(set(map(len, rows))) > 1:
        rows = [list(r) + [""] * (width - len(r)) for r in rows]
    hits: dict[int, int] = {}
    for col in zip(*rows):
        distinct = set(col)
        distinct.discard("")
        found = field_texts(distinct, mapped)
        if found:
            for i, v in enumerate(col):
                if v in found:
                    hits[i] = hits.get(i, 0) + 1
    return sorted(start + i for i, k in hits.items() if k >= MIN_HEADER_CELLS)


def find_tables(grid: list[list], merges: list, first: Header, hidden_columns=frozenset(),
                mapped: tuple = ()) -> list[Header]:
    """``first`` and the header of every table stacked below it in the same sheet.

    A row below the first header starts a new table when at least
    :data:`MIN_HEADER_CELLS` of its cells name fields and its recognised cells
    (criterion names count as well) are most of its non-empty cells.
    """
    candidates = header_like_rows(grid, first.row + 1, len(grid), mapped)
    return [first] + confirm_tables(grid, merges, candidates, hidden_columns, mapped)


def confirm_tables(grid: list[list], merges: list, candidates: list[int], hidden_columns=frozenset(),
                   mapped: tuple = ()) -> list[Header]:
    """The headers among the ``candidates`` rows (see :func:`find_tables`), top to bottom."""
    out = []
    known: dict[str, float] = {}
    filled = None
    for r in sorted(set(candidates)):
        row = grid[r]
        cells = [v for v in row if not _empty(v)]
        if len(cells) < MIN_HEADER_CELLS:
            continue
        score = _score_row(row, known, mapped)
        fields = sum(1 for v in cells if isinstance(v, str) and classify(normalize_label(v), mapped)[0] == "field")
        if fields >= MIN_HEADER_CELLS and score >= 0.6 * len(cells):
            if filled is None:
                filled = fill_merged(grid, merges)
            out.append(header_at(filled[r], r, hidden_columns, mapped))
    return out


def field_texts(distinct, mapped: tuple = ()) -> set:
    """The values among ``distinct`` (the distinct cells of a column) that name a field as a header would.

    Set operations only for a column of many distinct values (free text);
    a column of few values is also checked after folding.
    """
    found = {v for v in raw_header_texts().intersection(distinct) if _names_field(v, mapped)}
    if len(distinct) <= 300:
        found |= {v for v in distinct if isinstance(v, str) and v not in found and 0 < len(v) <= 60
                  and _names_field(v, mapped)}
    return found


@functools.lru_cache(maxsize=1 << 16)
def _names_field(text: str, mapped: tuple = ()) -> bool:
    """Whether the cell text ``text`` names a field as a header would (cached: columns repeat values).

    >>> _names_field("Iniciativa / Acción"), _names_field("Proyectos"), _names_field("Salud")
    (True, False, False)
    """
    return classify(normalize_label(text), mapped)[0] == "field"


_META = re.compile(r"^\s*([^:：]{2,40}?)\s*[:：]\s*(\S.*?)\s*$")


def metadata_organism(grid: list[list], stop: int) -> str:
    """The organism named in a metadata cell in rows ``[0, stop)``, as written, or ``""``.

    Recognises "Organismo: X" in one cell, or "Organismo" then X in a cell to its right.
    """
    aliases = header_aliases()
    for r in range(min(stop, len(grid))):
        row = grid[r]
        for c, value in enumerate(row):
            if not isinstance(value, str):
                continue
            m = _META.match(value)
            if m and aliases.get(normalize_label(m.group(1))) in ("organism", "body"):
                return m.group(2)
            if aliases.get(normalize_label(value)) == "organism":
                rest = [cell_text(v) for v in row[c + 1:] if not _empty(v)]
                if rest:
                    return rest[0]
    return ""


TITLE_MAX_CHARS = 140
"""A longer text above the header is prose (instructions, a disclaimer), not a title."""


def title_texts(grid: list[list], stop: int) -> list[tuple[int, str]]:
    """``(row, text)`` of the title-like text cells in rows ``[0, stop)`` (above the header)."""
    return [(r, v.strip()) for r in range(min(stop, len(grid))) for v in grid[r]
            if isinstance(v, str) and v.strip() and len(v.strip()) <= TITLE_MAX_CHARS]
