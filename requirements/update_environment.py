"""Rewrite the pins of environment.yml from pyproject.toml and the lock of its Python.

environment.yml (for conda users) pins the direct dependencies of pyproject.toml
(with every extra) at exactly the versions of ``requirements/py3XX.lock`` for the
Python it names.  ``make lock`` runs this; tests/test_environment.py checks it.
"""

from __future__ import annotations

import pathlib
import re
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
ENV = ROOT / "environment.yml"


def canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_pins(path: pathlib.Path) -> dict[str, str]:
    """``{canonical name: version}`` of the pins of a lock (markers ignored: one version per package)."""
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        found = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", line)
        if found:
            pins[canon(found[1])] = found[2]
    return pins


def direct_names() -> list[str]:
    """Names of the direct dependencies (and of every extra) as pyproject.toml writes them."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    names = [re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]*", r)[0] for r in reqs]
    return [n for n in dict.fromkeys(names) if canon(n) != canon(project["name"])]


def main() -> None:
    text = ENV.read_text(encoding="utf-8")
    python = re.search(r"^\s+-\s+python=(\d+)\.(\d+)\s*$", text, re.M)
    pins = lock_pins(ROOT / "requirements" / f"py{python[1]}{python[2]}.lock")
    lines = [f"      - {name}=={pins[canon(name)]}" for name in direct_names()]
    head, sep, _ = text.partition("  - pip:\n")
    ENV.write_text(head + sep + "\n".join(lines) + "\n      - -e .\n", encoding="utf-8")


if __name__ == "__main__":
    main()
