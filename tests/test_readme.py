"""The README's Python examples run, in order, in one namespace, from the project root."""

from __future__ import annotations

import re

from mcr_analysis import config

README = config.PROJECT_ROOT / "README.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def _blocks() -> list[str]:
    return BLOCK.findall(README.read_text(encoding="utf-8"))


def test_readme_has_python_examples():
    blocks = _blocks()
    assert len(blocks) >= 2
    assert all(block.strip() for block in blocks)


def test_readme_python_blocks_run(monkeypatch, capsys):
    monkeypatch.chdir(config.PROJECT_ROOT)
    namespace: dict = {"__name__": "__readme__"}
    for number, block in enumerate(_blocks(), start=1):
        exec(compile(block, f"README.md python block {number}", "exec"), namespace)
    out = capsys.readouterr().out
    # The brief example lists the tables of a seminar brief and prints shared themes.
    assert "['participation', 'scores', 'shared', 'single_actor', 'absent', 'duplicates']" in out
    assert re.search(r"criterion\s+theme\s+k", out)


def test_block_pattern_finds_only_python_fences():
    text = "```sh\nmake x\n```\n\n```python\nprint(1)\n```\n"
    assert BLOCK.findall(text) == ["print(1)\n"]
