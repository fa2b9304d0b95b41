"""Tests of the one number formatter (mcr_analysis/numfmt.py)."""

import numpy as np
import pytest

from mcr_analysis.numfmt import decimal_mark, format_number


@pytest.mark.parametrize(("value", "lang", "decimals", "expected"), [
    (0.6667, "es", 2, "0,67"),       # 2/3 of the organisms, as the heat maps show it
    (0.6667, "en", 2, "0.67"),
    (0.6667, "pt", 2, "0,67"),
    (1.0, "es", 2, "1,00"),          # an index of one keeps its decimals beside 0,67
    (1.0, "es", 0, "1"),
    (12, "es", 2, "12"),             # a count is never written with decimals
    (np.int64(7), "en", 2, "7"),
    (np.float64(0.125), "es", 2, "0,12"),  # half to even, as format() rounds
    (12345.678, "es", 1, "12345,7"),       # no thousands grouping
    (-0.001, "es", 2, "0,00"),             # no negative zero
    (-1.5, "en", 1, "-1.5"),
    (float("nan"), "es", 2, "–"),
    (float("inf"), "en", 2, "–"),
    (None, "en", 2, "–"),
])
def test_format_number(value, lang, decimals, expected):
    assert format_number(value, lang, decimals) == expected


def test_an_unknown_language_is_an_error():
    with pytest.raises(ValueError, match="language 'fr': expected one of es, en, pt"):
        format_number(0.5, "fr")
    with pytest.raises(ValueError, match="language 'de'"):
        decimal_mark("de")
