"""The ingest: organisms' submissions in, tidy table, rejects, files and sheets out.

Parts, one module each:

- :mod:`~mcr_analysis.ingest.readers`: a file on disk to grids of cached cell values;
- :mod:`~mcr_analysis.ingest.cells`: cell values (text, marks, years, merged ranges);
- :mod:`~mcr_analysis.ingest.header`: header rows (by alias, by words, column map), stacked tables, metadata;
- :mod:`~mcr_analysis.ingest.organism`: organisms, bodies and partners named in cells and file names;
- :mod:`~mcr_analysis.ingest.sender`: the sender a file declares (metadata cell, title row, sheet or file name);
- :mod:`~mcr_analysis.ingest.sheet`: the tables and data rows of one sheet (headings, notes), validated;
- :mod:`~mcr_analysis.ingest.fields`: column by column, cell values to ids (organisms, axes, criteria, statuses);
- :mod:`~mcr_analysis.ingest.rows`: which rows are data, headings, notes or totals; sheets not read;
- :mod:`~mcr_analysis.ingest.loader`: a folder of files to :class:`LoadResult`;
- :mod:`~mcr_analysis.ingest.workers`: files read and validated in worker processes, results in order;
- :mod:`~mcr_analysis.ingest.tables`: the column contracts and :func:`read_tidy`.

Examples
--------
>>> from mcr_analysis import ingest
>>> ingest.TIDY_COLUMNS[:3]
['round', 'organism', 'axis']
"""

from mcr_analysis.ingest.loader import LoadResult, load_submissions, organism_from_filename
from mcr_analysis.ingest.tables import (
    FILE_COLUMNS, REJECT_COLUMNS, SHEET_COLUMNS, TIDY_COLUMNS, UNREAD_COLUMNS, WARNING_COLUMNS, read_tidy,
)

__all__ = ["TIDY_COLUMNS", "REJECT_COLUMNS", "WARNING_COLUMNS", "UNREAD_COLUMNS", "FILE_COLUMNS", "SHEET_COLUMNS",
           "LoadResult", "load_submissions", "read_tidy", "organism_from_filename"]
