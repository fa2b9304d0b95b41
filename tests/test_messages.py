"""The one message catalogue (mcr_analysis.messages and its four tables), checked row by row."""

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


def _rows(name: str) -> list[list[str]]:
    with resources.files("mcr_analysis.data").joinpath(name).open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


FRAGMENTS = {"r_closest", "r_or", "r_of_sheet", "w_closest_status", "o_body_of", "s_hidden", "u_hidden_column",
             "chk_line", "chk_more", "chk_infos", "ingest_file_reason"}
TABLES = {name: _rows(name) for name in messages.TABLES}
ROWS = [row for rows in TABLES.values() for row in rows[1:]]


def test_tables_headers_and_ids_unique_across_all_tables():
    assert messages.TABLES == ("messages.tsv", "messages_submission.tsv", "messages_reasons.tsv",
                               "messages_report.tsv")
    assert all(rows[0] == ["id", "es", "en", "pt"] for rows in TABLES.values())
    ids = [row[0] for row in ROWS]
    assert len(ids) == len(set(ids)) == len(catalogue())
    assert len(TABLES["messages_reasons.tsv"]) > 90 and len(TABLES["messages_report.tsv"]) > 20


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row[0])
def test_each_message_has_three_languages_with_the_same_placeholders(row):
    assert len(row) == 4
    id_, *texts = row
    assert re.fullmatch(r"[a-z][a-z0-9_]*", id_)
    assert all(t.strip() for t in texts), texts
    # fragments joined into other messages ("; el más parecido…", " o ") may start or end with a space
    fragment = id_ in FRAGMENTS or id_ == "cli_usage"
    assert fragment or all(t.strip() == t for t in texts), texts
    fields = [placeholders(t) for t in texts]
    assert fields[0] == fields[1] == fields[2], fields
    # Every language formats with the same values.
    # A count with plural words ({n:pl:fila:filas}) gets 2, so the plural is expected.
    counted = {m for t in texts for m in re.findall(r"\{(\w+):pl:", t)}
    values = {f: 2 if f in counted else f"<{f}>" for f in fields[0]}
    plural = [re.sub(r"\{\w+:pl:[^:}]*:([^}]*)\}", r"\1", t) for t in texts]
    assert [msg(id_, lang, **values) for lang in LANGS] == [t.format(**values) for t in plural]


def test_checking_names_every_bad_row():
    rows = [["id", "es", "en", "pt"], ["a", "{n} x", "{n} y", "z"], ["a", "1", "2", "3"], ["b", "", "x", "y"],
            ["c", "only two"], ["", "1", "2", "3"], ["d", "{x", "y", "z"]]
    with pytest.raises(MCRDataError, match=(
            r"message catalogue: t\.tsv row 2 \(a\): placeholders differ between languages: es \['n'\]; "
            r"en \['n'\]; pt \[\]; t\.tsv row 3: id 'a' repeats t\.tsv row 2; t\.tsv row 4 \(b\): no text in es; "
            r"t\.tsv row 5: 2 columns, expected 4; t\.tsv row 6: empty id; t\.tsv row 7 \(d\): bad placeholder")):
        _check({"t.tsv": rows})
    with pytest.raises(MCRDataError, match=r"u\.tsv: header \['key', 'es'\]; expected \['id', 'es', 'en', 'pt'\]"):
        _check({"u.tsv": [["key", "es"]]})


def test_an_id_repeated_in_another_table_is_named_with_both_places():
    head = ["id", "es", "en", "pt"]
    with pytest.raises(MCRDataError, match=r"b\.tsv row 3: id 'x' repeats a\.tsv row 2$"):
        _check({"a.tsv": [head, ["x", "1", "2", "3"]], "b.tsv": [head, ["y", "1", "2", "3"], ["x", "4", "5", "6"]]})
    assert _check({"a.tsv": [head, ["x", "1", "2", "3"]], "b.tsv": [head, ["y", "4", "5", "6"]]}) == {
        "x": {"es": "1", "en": "2", "pt": "3"}, "y": {"es": "4", "en": "5", "pt": "6"}}


def test_msg_errors():
    with pytest.raises(MCRDataError, match=r"unknown language 'fr'; expected one of: es, en, pt"):
        msg("wrote", "fr", path="x")
    with pytest.raises(MCRDataError, match=r"no message 'nope' in the catalogue \(messages\*\.tsv\)"):
        msg("nope")
    with pytest.raises(MCRDataError, match=r"message 'wrote' needs path"):
        msg("wrote", "en")
    assert msg("wrote", None, path="x") == "escrito x"


def test_every_message_the_code_asks_for_exists_and_every_command_has_its_help():
    used = set()
    for path in [*PACKAGE.glob("*.py"), *PACKAGE.glob("commands/*.py")]:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\b(?:msg|stage|counter|usage_error\(NAME, msg)\(\s*["']([a-z][a-z0-9_]*)["']""",
                               text))
    used -= {"id", "nope", "field_", "o_where_", "u_why_"}  # prefixes of ids built in the code
    assert used and used <= set(catalogue()), sorted(used - set(catalogue()))
    assert {f"help_{c.NAME}" for c in COMMANDS} <= set(catalogue())


def test_plural_words_follow_the_count():
    from mcr_analysis.messages import msg

    one = msg("ingest_summary", "es", files=1, loaded=1, rejected=0, unreadable=0, skipped_files=1, tidy=1,
              rejects=0, skipped=1)
    assert one == ("ingesta: 1 archivo (1 cargado, 0 rechazados, 0 ilegibles, 1 omitido); 1 fila ordenada, "
                   "0 filas rechazadas, 1 hoja omitida")
    many = msg("ingest_summary", "en", files=3, loaded=2, rejected=1, unreadable=0, skipped_files=0, tidy=12,
               rejects=2, skipped=0)
    assert many == ("ingest: 3 files (2 loaded, 1 rejected, 0 unreadable, 0 skipped); 12 tidy rows, "
                    "2 rejected rows, 0 sheets skipped")
    assert msg("chk_warnings_only", "pt", file="F.xlsx", warnings=1, rows=2, round="rodada 2025") == (
        "F.xlsx: sem erros, 1 aviso em 2 linhas de dados (rodada 2025).")


def test_a_closed_pipe_ends_the_command_without_a_traceback(monkeypatch, tmp_path):
    import io
    import os
    import sys

    from mcr_analysis import cli

    read_end, write_end = os.pipe()

    class ClosedPipe(io.TextIOBase):
        """The standard output of `mcr template … | head -0`: the reader is gone."""

        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

        def fileno(self):
            return write_end

    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    try:
        # no exception reaches the interpreter; the template itself was written before the summary
        assert cli.main(["template", "--organism", "CAN", "--round", "2025", "--out", str(tmp_path / "t.xlsx")]) == 1
        assert (tmp_path / "t.xlsx").is_file()
    finally:
        os.close(read_end)
        os.close(write_end)
