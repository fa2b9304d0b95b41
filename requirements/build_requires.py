"""Print the build-system requirements of pyproject.toml, one a line (input of ``make lock``).

The build backend (setuptools) is locked with the rest, so that ``make install``
can install the package itself without build isolation and without an unpinned
download.
"""

import pathlib
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
print(*tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]["requires"], sep="\n")
