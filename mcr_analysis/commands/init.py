"""``mcr init [DIR] [--sample]``: lay out a new project folder for someone who only ran ``pip install``.

Creates ``data/raw/<round>/`` (where the submissions go, one sub-folder per
round), ``data/processed/``, ``data/reference/`` (the analysts' own tables),
``figures/``, a short README in Spanish and the marker file
:data:`mcr_analysis.config.MARKER` by which ``mcr`` and the notebooks find the
project from its sub-folders.  ``--sample`` also copies the illustrative 2024
workbooks shipped with the package (a reconstruction from the published text,
not the organisms' official submissions) with their notice.  Nothing that
exists is overwritten: if a file to write is already there, nothing is written
and the command exits 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
from importlib import resources
from pathlib import Path

from mcr_analysis import __version__, config
from mcr_analysis.commands._common import usage_error
from mcr_analysis.messages import LANGS, msg
from mcr_analysis.outputs import atomic_write_bytes

NAME = "init"
HELP = "lay out a new project folder (data/raw, data/processed, figures...)"
SAMPLE_ROUND = "2024"
FOLDERS = ("data/processed", "data/reference", "figures")

README = """\
# Proyecto de la Matriz de Convergencia Regional (MCR)

Carpeta de trabajo de `mcr-analysis` {version}, preparada con `mcr init`.

| Carpeta | Contenido |
|---|---|
| `data/raw/<ronda>/` | las matrices Excel que envía cada organismo, una subcarpeta por ronda (solo lectura) |
| `data/processed/` | tabla ordenada, rechazos, informe de validación e índices (`mcr ingest`, `mcr scores`) |
| `data/reference/` | tablas propias de los analistas (`column_map.tsv`, `participation.tsv`, `theme_synonyms.tsv`) |
| `figures/` | diagramas del apéndice (`mcr appendix`) y notas para seminario (`mcr brief`) |

Desde esta carpeta (o cualquier subcarpeta):

```sh
mcr ingest                            # data/raw -> data/processed
mcr scores                            # índices de convergencia
mcr appendix                          # diagramas en figures/appendix
mcr brief --axis transfronteriza      # nota para seminario (extra [notebooks])
```

`mcr --help` lista las órdenes; `--lang en` las da en inglés. Para trabajar desde otra
carpeta, defina `MCR_PROJECT_ROOT` con la ruta de esta.
{sample}"""

SAMPLE_NOTE = """
> **Datos de ejemplo.** `data/raw/2024/` contiene una muestra **ilustrativa**: una
> reconstrucción a partir del texto publicado (SELA, 2025, *Integración en la integración*,
> y las relatorías de los talleres), **no** las matrices oficiales de los organismos.
> Véase `data/raw/README.md`. Bórrela antes de cargar los envíos reales.
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments of ``mcr init``."""
    from mcr_analysis.cli import current_lang

    lang = current_lang()
    p.add_argument("dir", nargs="?", type=Path, default=Path("."), help=msg("init_dir_help", lang))
    p.add_argument("--sample", action="store_true", help=msg("init_sample_help", lang))
    p.add_argument("--round", default=None, help=msg("init_round_help", lang))
    p.add_argument("--lang", choices=LANGS, default=config.DEFAULT_LANG,
                   help=msg("init_lang_help", lang, allowed=", ".join(LANGS)))


def sample_files() -> dict[str, bytes]:
    """The illustrative sample shipped with the package: ``{path under data/raw: bytes}``."""
    root = resources.files("mcr_analysis.data").joinpath("sample")
    files = {"README.md": root.joinpath("README.md").read_bytes()}
    for entry in sorted(root.joinpath(SAMPLE_ROUND).iterdir(), key=lambda e: e.name):
        if entry.name.lower().endswith(".xlsx"):
            files[f"{SAMPLE_ROUND}/{entry.name}"] = entry.read_bytes()
    return files


def run(args: argparse.Namespace) -> int:
    """Run ``mcr init``; return the exit status."""
    lang, root = args.lang, args.dir
    round_ = args.round or (SAMPLE_ROUND if args.sample else str(dt.date.today().year))
    if not round_ or "/" in round_ or "\\" in round_ or round_ in (".", ".."):
        return usage_error(NAME, msg("init_bad_round", lang, value=repr(round_)), lang)
    if root.exists() and not root.is_dir():
        return usage_error(NAME, msg("init_not_dir", lang, path=root), lang)
    files = {
        config.MARKER: f"# mcr-analysis project (mcr init, version {__version__})\n".encode(),
        "README.md": README.format(version=__version__, sample=SAMPLE_NOTE if args.sample else "").encode(),
    }
    if args.sample:
        files.update({f"data/raw/{name}": data for name, data in sample_files().items()})
    taken = [name for name in files if (root / name).exists()]
    if taken:
        return usage_error(NAME, msg("init_exists", lang, paths=", ".join(str(root / n) for n in taken)), lang)
    for folder in (f"data/raw/{round_}", *FOLDERS):
        (root / folder).mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        atomic_write_bytes(root / name, data)
    print(msg("init_done", lang, path=root))
    if args.sample:
        print(msg("init_sample_done", lang, path=root / "data" / "raw" / SAMPLE_ROUND))
    print(msg("init_next", lang, raw=root / "data" / "raw" / round_, path=root))
    return 0
