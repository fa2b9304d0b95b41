"""pyproject.toml, the per-Python locks, environment.yml and the running environment must agree.

The scheme (README, "Dependencias"): one lock per supported Python,
``requirements/py3XX.lock``, written by ``make lock`` (``uv pip compile --universal
--generate-hashes``): exact pins with their sha256 hashes and environment markers,
the build backend included.  The Makefile installs the lock of the Python in use.
"""

from __future__ import annotations

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]
LOCKS = sorted((ROOT / "requirements").glob("py3*.lock"))
_PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)\s*(?:;\s*(?P<marker>[^\\]+?))?\s*\\?$")


def _canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _version_of(lock: Path) -> str:
    """``py312.lock`` -> ``"3.12"``."""
    digits = lock.stem.removeprefix("py")
    return f"{digits[0]}.{digits[1:]}"


def _entries(lock: Path) -> list[dict]:
    """Each pin of ``lock``: name, version, marker (or None), hashes, line number."""
    entries, current = [], None
    for number, line in enumerate(lock.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not line.startswith((" ", "\t")):
            found = _PIN.match(line)
            assert found, f"{lock.name}:{number}: {line!r} is not an exact pin (name==version [; marker])"
            current = {"name": _canon(found["name"]), "version": found["version"], "line": number,
                       "marker": Marker(found["marker"]) if found["marker"] else None, "hashes": []}
            entries.append(current)
        elif stripped.startswith("--hash="):
            assert current is not None, f"{lock.name}:{number}: a hash before any pin"
            current["hashes"].append(stripped.removeprefix("--hash=").rstrip(" \\"))
    return entries


def _environment(version: str) -> dict[str, str]:
    """Marker environment of CPython ``version`` on this platform."""
    return {"python_version": version, "python_full_version": f"{version}.0"}


def _pins_for(lock: Path, version: str | None = None) -> dict[str, str]:
    """``{name: version}`` of the pins of ``lock`` that apply on Python ``version`` (default the lock's)."""
    env = _environment(version or _version_of(lock))
    pins = {}
    for entry in _entries(lock):
        if entry["marker"] is None or entry["marker"].evaluate(env):
            assert entry["name"] not in pins, f"{lock.name}: {entry['name']} pinned twice for Python {version}"
            pins[entry["name"]] = entry["version"]
    return pins


def _direct() -> list[Requirement]:
    """The direct requirements of pyproject.toml, every extra included, the project's own extras left out."""
    reqs = PROJECT["dependencies"] + [r for extra in PROJECT["optional-dependencies"].values() for r in extra]
    return [r for r in map(Requirement, reqs) if _canon(r.name) != _canon(PROJECT["name"])]


def _supported() -> list[str]:
    """The Python versions the classifiers name (``Programming Language :: Python :: 3.X``)."""
    return [c.rsplit(" :: ", 1)[1] for c in PROJECT["classifiers"]
            if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)]


def test_one_lock_per_supported_python_and_requires_python_starts_at_the_oldest():
    assert [_version_of(lock) for lock in LOCKS] == _supported() == ["3.11", "3.12", "3.13"]
    spec = SpecifierSet(PROJECT["requires-python"])
    assert spec == SpecifierSet(f">={_supported()[0]}")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^LOCKED := (.*)$", makefile, re.M)[1].split() == _supported()


@pytest.mark.parametrize("lock", LOCKS, ids=lambda p: p.name)
def test_every_pin_is_exact_and_hashed(lock):
    entries = _entries(lock)
    assert len(entries) > 50
    for entry in entries:
        assert entry["hashes"], f"{lock.name}:{entry['line']}: {entry['name']} has no --hash"
        assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for h in entry["hashes"]), entry


@pytest.mark.parametrize("lock", LOCKS, ids=lambda p: p.name)
def test_every_direct_dependency_is_pinned_within_its_range(lock):
    pins = _pins_for(lock)
    for req in _direct():
        name = _canon(req.name)
        assert name in pins, f"{req.name} is in pyproject.toml but not pinned in {lock.name}"
        assert req.specifier.contains(pins[name], prereleases=True), (
            f"{lock.name} pins {req.name}=={pins[name]}, outside pyproject.toml's {req.specifier}")


@pytest.mark.parametrize("lock", LOCKS, ids=lambda p: p.name)
def test_the_lock_pins_the_build_backend_of_pyproject(lock):
    # make install runs `pip install --no-build-isolation -e .`: the backend comes from the lock.
    pins = _pins_for(lock)
    for req in map(Requirement, PYPROJECT["build-system"]["requires"]):
        assert req.specifier.contains(pins[_canon(req.name)]), f"{lock.name}: {req} not met"
    # setuptools 65 breaks editable installs on 3.12+ (pkgutil.ImpImporter): PEP 639 needs >= 77 anyway.
    assert int(pins["setuptools"].split(".")[0]) >= 77


def test_newest_numpy_where_python_allows_it():
    # numpy 2.5 has no wheels for 3.11: that lock keeps 2.4; the others move on.
    versions = {_version_of(lock): _pins_for(lock)["numpy"] for lock in LOCKS}
    assert versions["3.11"].startswith("2.4.")
    assert all(tuple(map(int, versions[v].split(".")[:2])) >= (2, 5) for v in ("3.12", "3.13"))


def test_environment_yml_carries_exactly_the_lock_pins_of_the_direct_dependencies():
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    python = re.search(r"^\s+-\s+python=(\d+\.\d+)\s*$", text, re.M)
    assert python, "environment.yml names no python=3.X"
    lock = ROOT / "requirements" / f"py{python[1].replace('.', '')}.lock"
    assert lock in LOCKS, f"environment.yml asks for Python {python[1]}, which has no lock"
    pins = _pins_for(lock)
    env = {_canon(m[1]): m[2] for m in re.finditer(r"^\s+-\s+([A-Za-z0-9_.\-]+)==(\S+)\s*$", text, re.M)}
    assert set(env) == {_canon(r.name) for r in _direct()}
    for name, version in env.items():
        assert pins[name] == version, f"environment.yml pins {name}=={version}, {lock.name} {pins[name]}"
    assert re.search(r"^\s+-\s+-e \.\s*$", text, re.M)


def test_lock_parsing_reads_markers_and_refuses_loose_pins(tmp_path):
    lock = tmp_path / "py312.lock"
    lock.write_text("# comment\nnumpy==2.5.5 ; python_full_version >= '3.12' \\\n    --hash=sha256:" + "a" * 64
                    + "\nscipy==1.17.1 ; python_full_version < '3.12' \\\n    --hash=sha256:" + "b" * 64 + "\n",
                    encoding="utf-8")
    assert _pins_for(lock) == {"numpy": "2.5.5"}
    assert _pins_for(lock, "3.11") == {"scipy": "1.17.1"}
    lock.write_text("numpy>=2\n", encoding="utf-8")
    with pytest.raises(AssertionError, match=r"'numpy>=2' is not an exact pin"):
        _entries(lock)


def _running_lock() -> Path:
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    lock = ROOT / "requirements" / f"py{version.replace('.', '')}.lock"
    if lock not in LOCKS:
        pytest.skip(f"Python {version} is not supported: no lock")
    return lock


def test_the_running_environment_is_the_locked_one():
    lock = _running_lock()
    env = {"python_full_version": ".".join(map(str, sys.version_info[:3]))}
    wrong = []
    for entry in _entries(lock):
        if entry["marker"] is not None and not entry["marker"].evaluate(env):
            continue
        try:
            installed = metadata.version(entry["name"])
        except metadata.PackageNotFoundError:
            installed = None
        if installed != entry["version"]:
            wrong.append(f"{entry['name']}: {installed} installed, {entry['version']} locked")
    assert not wrong, f"the environment is not {lock.name} (make install rebuilds it): {wrong}"


def test_the_installed_version_is_the_package_version():
    import mcr_analysis

    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "mcr_analysis.__version__"}
    assert "version" in PROJECT["dynamic"] and "version" not in PROJECT
    assert metadata.version("mcr-analysis") == mcr_analysis.__version__
