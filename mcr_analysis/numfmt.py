"""Numbers as a reader of each language writes them: the one number formatter of every output.

Spanish and Portuguese write a decimal comma, English a decimal point; no
output groups thousands (the tables are read as data, and "1.234" means one
thing in English and another in Spanish).  Whole numbers are written as they
are; other numbers with a fixed number of decimals, rounded half to even as
Python's ``format`` does.  A missing or non-finite value is written as an en
dash, as the book's tables do for "no data".

Examples
--------
>>> format_number(0.3333, "es"), format_number(0.3333, "en"), format_number(12, "es")
('0,33', '0.33', '12')
>>> format_number(2 / 3, "pt", 1), format_number(1234.5, "es"), format_number(float("nan"))
('0,7', '1234,50', '–')
"""

from __future__ import annotations

import math
import numbers

__all__ = ["DECIMAL_MARK", "MISSING", "decimal_mark", "format_number"]

DECIMAL_MARK = {"es": ",", "en": ".", "pt": ","}
"""Decimal mark of each language of the outputs."""
MISSING = "–"
"""How a missing or non-finite number is written."""


def decimal_mark(lang: str) -> str:
    """The decimal mark of ``lang``.

    Raises
    ------
    ValueError
        For a language the outputs are not written in.

    Examples
    --------
    >>> decimal_mark("es"), decimal_mark("en")
    (',', '.')
    >>> decimal_mark("fr")
    Traceback (most recent call last):
    ...
    ValueError: language 'fr': expected one of es, en, pt
    """
    try:
        return DECIMAL_MARK[lang]
    except KeyError:
        raise ValueError(f"language {lang!r}: expected one of {', '.join(DECIMAL_MARK)}") from None


def format_number(value, lang: str = "es", decimals: int = 2) -> str:
    """``value`` in the reader's language: integers as they are, other numbers with ``decimals`` decimals.

    A float that holds a whole number is written as a whole number when
    ``decimals`` is 0, and with its decimals otherwise (``1.0`` is an index of
    one, written ``1,00`` beside ``0,67``).

    Examples
    --------
    >>> format_number(3, "en", 2), format_number(3.0, "es", 0), format_number(0.005, "en", 1)
    ('3', '3', '0.0')
    >>> format_number(-0.25, "es"), format_number(True, "es"), format_number(None)
    ('-0,25', 'True', '–')
    """
    mark = decimal_mark(lang)
    if isinstance(value, bool):
        return str(value)
    if value is None:
        return MISSING
    if isinstance(value, numbers.Integral):
        return str(int(value))
    number = float(value)
    if not math.isfinite(number):
        return MISSING
    text = f"{number:.{max(int(decimals), 0)}f}"
    if text.startswith("-") and not text.strip("-0."):
        text = text[1:]  # no "-0,00"
    return text.replace(".", mark)
