"""pyproject.toml, requirements.lock and environment.yml must agree."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent


def _canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, sep, version = line.partition("==")
        assert sep, f"requirements.lock: {line!r} is not an exact pin (name==version)"
        pins[_canon(name)] = version
    return pins


def _pyproject() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    return [Requirement(r) for r in reqs]


def _environment_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\s+-\s+([A-Za-z0-9_.\-]+)==(\S+)\s*$", line)
        if m:
            pins[_canon(m.group(1))] = m.group(2)
    return pins


def test_every_direct_dependency_is_pinned_in_the_lock_within_its_range():
    lock = _lock()
    for req in _pyproject():
        name = _canon(req.name)
        assert name in lock, f"{req.name} is in pyproject.toml but not pinned in requirements.lock"
        assert req.specifier.contains(lock[name], prereleases=True), (
            f"requirements.lock pins {req.name}=={lock[name]}, outside pyproject.toml's {req.specifier}"
        )


def test_environment_yml_carries_exactly_the_lock_pins_of_the_direct_dependencies():
    lock, env = _lock(), _environment_pins()
    direct = {_canon(r.name) for r in _pyproject()}
    assert set(env) == direct, f"environment.yml pins {sorted(env)}, pyproject.toml names {sorted(direct)}"
    for name, version in env.items():
        assert lock[name] == version, f"environment.yml pins {name}=={version}, the lock {lock[name]}"
    assert re.search(r"^\s+-\s+-e \.\s*$", (ROOT / "environment.yml").read_text(), re.M)


def test_the_lock_has_no_duplicates_and_pins_the_build_tools():
    names = [
        _canon(line.split("==")[0])
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert len(names) == len(set(names))
    assert {"setuptools", "wheel"} <= set(names)


@pytest.mark.parametrize("name", ["pandas", "numpy", "matplotlib", "matplotlib-venn", "upsetplot", "openpyxl"])
def test_the_running_environment_is_the_locked_one(name):
    assert metadata.version(name) == _lock()[_canon(name)]
