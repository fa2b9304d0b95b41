"""Identity of a theme: the key under which two wordings are the same theme.

:func:`theme_key` folds case, accents, punctuation and spacing (letters and
digits of any script kept) and follows the synonyms tables: the project's
``data/reference/theme_synonyms.tsv`` (:func:`project_synonyms`, the merges an
analyst accepted with ``mcr themes apply``), then the package's.
``taxonomy.theme_key`` and ``taxonomy.project_synonyms`` stay their public
path: the same functions as here.

Examples
--------
>>> theme_key("Facilitación  del Comercio") == theme_key("facilitacion del comercio")
True
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata

from mcr_analysis.taxonomy import MCRDataError, _read_tsv

__all__ = ["theme_key", "project_synonyms"]


def _read_synonyms(rows: list[dict], name: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line, row in enumerate(rows, start=2):
        key, canonical = _theme_fold(row.get("variant")), _theme_fold(row.get("canonical"))
        if not key or not canonical:
            raise MCRDataError(f"{name} row {line}: empty variant or canonical ({row.get('variant')!r} -> "
                               f"{row.get('canonical')!r}); expected two theme wordings")
        if key in out and out[key] != canonical:
            raise MCRDataError(f"{name}: variant {row['variant']!r} maps to two canonicals")
        if key != canonical:
            out[key] = canonical
    return out


@functools.cache
def _package_synonyms() -> dict[str, str]:
    return _read_synonyms(_read_tsv("theme_synonyms.tsv").to_dict("records"), "theme_synonyms.tsv")


@functools.lru_cache(maxsize=4)
def _project_synonyms(path: str, stamp: tuple[int, int]) -> dict[str, str]:
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        missing = {"variant", "canonical"} - set(reader.fieldnames or ())
        if missing:
            raise MCRDataError(f"{path}: lacks columns {sorted(missing)}; expected variant, canonical, date, note")
        rows = list(reader)
    return _read_synonyms(rows, path)


def project_synonyms() -> dict[str, str]:
    """The project's accepted theme merges, ``data/reference/theme_synonyms.tsv`` (folded variant -> canonical).

    Written by ``mcr themes apply``; re-read whenever the file changes.  Empty
    when the project has no such file.
    """
    from mcr_analysis import config

    path = config.reference_dir() / "theme_synonyms.tsv"
    try:
        st = path.stat()
    except FileNotFoundError:
        return {}
    return _project_synonyms(str(path), (st.st_mtime_ns, st.st_size))


def _synonyms() -> tuple[dict[str, str], dict[str, str]]:
    return project_synonyms(), _package_synonyms()


_NOT_ALNUM = re.compile(r"[\W_]+")


def _theme_fold(value: object) -> str:
    """Fold a theme: no accents, lower case, runs of non-alphanumerics as one space, any script.

    Like :func:`normalize_label` for Latin text, but letters and digits of
    every script are kept (a CJK theme keeps its characters).  Text with no
    letter or digit at all keeps its symbols (emoji, signs: Unicode categories
    S*), everything else as one space, so an emoji-only theme has a non-empty
    key while a placeholder made of punctuation ("-", "…") still has none.
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    raw = str(value)
    text_ = unicodedata.normalize("NFKD", raw)
    text_ = "".join(ch for ch in text_ if not unicodedata.combining(ch))
    key = _NOT_ALNUM.sub(" ", text_.casefold()).strip()
    if key:
        return key
    symbols = "".join(ch if unicodedata.category(ch).startswith("S") else " "
                      for ch in unicodedata.normalize("NFKC", raw).casefold())
    return " ".join(symbols.split())


def theme_key(theme: object) -> str:
    """Identity of a theme for set analysis: the reconciled theme.

    Two themes are the same when they differ only in case, accents, punctuation
    or spacing, or when a synonyms table maps one to the other: the project's
    ``data/reference/theme_synonyms.tsv`` (the merges an analyst accepted with
    ``mcr themes apply``) first, then the package's ``theme_synonyms.tsv``;
    chains are followed (a project canonical may itself be a package variant).
    Every score, figure, brief and shared-theme table gets its theme identity
    here; the submitted wording stays in the tidy table.  Letters and digits
    of any script count; a theme without any (emoji, symbols) is its symbols,
    so an emoji-only theme has a non-empty key; punctuation alone ("-", a
    placeholder) is no theme.

    Examples
    --------
    >>> theme_key("VUCE") == theme_key("Ventanillas únicas de comercio exterior")
    True
    >>> theme_key("水资源 管理"), theme_key("🌊🌽"), theme_key("Agua 水") == theme_key("Agua 火")
    ('水资源 管理', '🌊🌽', False)
    >>> theme_key(None), theme_key("  "), theme_key("-"), theme_key("❤️ y ❤")
    ('', '', '', 'y')
    """
    key = _theme_fold(theme)
    project, package = _synonyms()
    seen = {key}
    while True:
        nxt = project.get(key) or package.get(key)
        if nxt is None or nxt in seen:
            return key
        seen.add(nxt)
        key = nxt
