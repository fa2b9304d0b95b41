"""Child process of :mod:`mcr_analysis.ingest.isolate`: read one workbook with python-calamine.

Run as a script (``python -I _isolated_read.py PATH MEMORY_BYTES CPU_SECONDS``),
never imported by the package: it imports only the standard library and
python-calamine, sets its own memory and CPU limits first, and writes a
pickled list of ``(name, grid, merges, visible)`` to standard output.  A file
that makes calamine exceed the limits kills this process, not the ingest.
"""

import pickle
import resource
import sys


def main() -> None:
    path, memory, cpu = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    import python_calamine

    out = []
    with python_calamine.CalamineWorkbook.from_path(path) as book:
        for meta in book.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            sheet = book.get_sheet_by_name(meta.name)
            out.append((meta.name, sheet.to_python(skip_empty_area=False), sheet.merged_cell_ranges or [],
                        meta.visible == python_calamine.SheetVisibleEnum.Visible))
    sys.stdout.buffer.write(pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    main()
