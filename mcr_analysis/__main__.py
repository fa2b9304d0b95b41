"""``python -m mcr_analysis``: the command line (see :mod:`mcr_analysis.cli`)."""

from mcr_analysis.cli import main

raise SystemExit(main())
