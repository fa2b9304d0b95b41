"""The command line's message catalogue, mcr_analysis/data/messages.tsv, checked row by row."""

from __future__ import annotations

import csv
import re
from importlib import resources
from pathlib import Path

import pytest

from mcr_analysis import messages
from mcr_analysis.commands import COMMANDS
from mcr_analysis.messages import LANGS, _check, catalogue, msg, placeholders
from mcr_analysis.taxonomy import MCRDataError

PACKAGE = Path(messages.__file__).resolve().parent


def _rows() -> list[list[str]]:
    with resources.files("mcr_analysis.data").joinpath("messages.tsv").open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


ROWS = _rows()


def test_header_and_unique_ids():
    assert ROWS[0] == ["id", "es", "en", "pt"]
    ids = [row[0] for row in ROWS[1:]]
    assert len(ids) == len(set(ids)) == len(catalogue())


@pytest.mark.parametrize("row", ROWS[1:], ids=lambda row: row[0])
def test_each_message_has_three_languages_with_the_same_placeholders(row):
    assert len(row) == 4
    id_, *texts = row
    assert re.fullmatch(r"[a-z][a-z0-9_]*", id_)
    assert all(t.strip() == t and t for t in texts if not t.endswith(": ")), texts
    fields = [placeholders(t) for t in texts]
    assert fields[0] == fields[1] == fields[2], fields
    # Every language formats with the same values.
    values = {f: f"<{f}>" for f in fields[0]}
    assert [msg(id_, lang, **values) for lang in LANGS] == [t.format(**values) for t in texts]


def test_checking_names_every_bad_row():
    rows = [["id", "es", "en", "pt"], ["a", "{n} x", "{n} y", "z"], ["a", "1", "2", "3"], ["b", "", "x", "y"],
            ["c", "only two"]]
    with pytest.raises(MCRDataError, match=(
            r"messages\.tsv: row 2 \(a\): placeholders differ between languages: es \['n'\]; en \['n'\]; pt \[\]; "
            r"row 3: id 'a' is empty or repeated; row 4 \(b\): no text in es; row 5: 2 columns, expected 4")):
        _check(rows)
    with pytest.raises(MCRDataError, match=r"header \['key', 'es'\]; expected \['id', 'es', 'en', 'pt'\]"):
        _check([["key", "es"]])


def test_msg_errors():
    with pytest.raises(MCRDataError, match=r"unknown language 'fr'; expected one of: es, en, pt"):
        msg("wrote", "fr", path="x")
    with pytest.raises(MCRDataError, match=r"no message 'nope' in messages\.tsv"):
        msg("nope")
    with pytest.raises(MCRDataError, match=r"message 'wrote' needs path"):
        msg("wrote", "en")
    assert msg("wrote", None, path="x") == "escrito x"


def test_every_message_the_code_asks_for_exists_and_every_command_has_its_help():
    used = set()
    for path in [*PACKAGE.glob("*.py"), *PACKAGE.glob("commands/*.py")]:
        text = path.read_text(encoding="utf-8")
        if "submission_messages" in text or path.name == "submission_messages.py":
            continue  # the organisms' side has its own catalogue (tests/test_submission_messages.py)
        used |= set(re.findall(r"""\b(?:msg|stage|counter|usage_error\(NAME, msg)\(\s*["']([a-z][a-z0-9_]*)["']""",
                               text))
    used -= {"id", "nope"}
    assert used and used <= set(catalogue()), sorted(used - set(catalogue()))
    assert {f"help_{c.NAME}" for c in COMMANDS} <= set(catalogue())
