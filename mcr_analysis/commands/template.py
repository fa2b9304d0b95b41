"""``mcr template``: the Excel template an organism fills in, with drop-down lists and instructions."""

from __future__ import annotations

import argparse
from pathlib import Path

from mcr_analysis import config
from mcr_analysis.commands._common import usage_error

NAME = "template"
HELP = "write the .xlsx template an organism fills in (drop-down lists, instructions)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments of ``mcr template``."""
    from mcr_analysis.cli import current_lang
    from mcr_analysis.messages import msg

    lang = current_lang()
    p.add_argument("--organism", required=True,
                   help=msg("opt_tpl_organism", lang))
    p.add_argument("--round", required=True, dest="round_", metavar="ROUND",
                   help=msg("opt_tpl_round", lang))
    p.add_argument("--lang", choices=("es", "en", "pt"), default=config.DEFAULT_LANG,
                   help=msg("opt_tpl_lang", lang))
    p.add_argument("--prefill-from", dest="prefill_from", metavar="ROUND", default=None,
                   help=msg("opt_tpl_prefill", lang))
    p.add_argument("--tidy", type=Path, default=config.TIDY_CSV,
                   help=msg("opt_tpl_tidy", lang))
    p.add_argument("--out", type=Path, default=Path("."),
                   help=msg("opt_tpl_out", lang))


def _in_raw(path: Path) -> bool:
    return path.resolve().is_relative_to(config.RAW_DIR.resolve())


def run(args: argparse.Namespace) -> int:
    """Run ``mcr template``; return the exit status."""
    from mcr_analysis import template
    from mcr_analysis.ingest import read_tidy
    from mcr_analysis.messages import msg
    from mcr_analysis.taxonomy import organisms

    lang = args.lang
    if args.organism.strip().lower() == "all":
        orgs = template.template_organisms()
    else:
        found = organisms().match(args.organism)
        if found.id is None:
            return usage_error(NAME, msg("tpl_usage_organism", lang, organism=args.organism,
                                         allowed=", ".join(organisms().ids)), lang)
        orgs = [found.id]
    if not template.is_round(args.round_):
        return usage_error(NAME, msg("tpl_usage_round", lang, round=args.round_), lang)
    single_file = args.out.suffix.lower() == ".xlsx"
    if single_file and len(orgs) > 1:
        return usage_error(NAME, msg("tpl_usage_out_all", lang, out=args.out), lang)
    if (not single_file and args.out.is_file()) or _in_raw(args.out):
        key = "tpl_usage_raw" if _in_raw(args.out) else "tpl_usage_out_all"
        return usage_error(NAME, msg(key, lang, out=args.out, raw=config.RAW_DIR), lang)
    tidy = None
    if args.prefill_from is not None:
        if not args.tidy.is_file():
            return usage_error(NAME, msg("tpl_usage_tidy", lang, tidy=args.tidy), lang)
        tidy = read_tidy(args.tidy)
        rounds = sorted(set(tidy["round"]))
        if args.prefill_from not in rounds:
            return usage_error(NAME, msg("tpl_usage_prefill_round", lang, round=args.prefill_from, tidy=args.tidy,
                                         rounds=", ".join(rounds)), lang)
    prefills = {o: template.prefill_rows(tidy, o, args.prefill_from) if tidy is not None else None for o in orgs}
    if tidy is not None and len(orgs) == 1 and prefills[orgs[0]].empty:
        with_rows = sorted(set(tidy.loc[tidy["organism"] == orgs[0], "round"]))
        return usage_error(NAME, msg("tpl_usage_prefill", lang, round=args.prefill_from, organism=orgs[0],
                                     tidy=args.tidy, rounds=", ".join(with_rows) or "-"), lang)
    folder = args.out.parent if single_file else args.out
    folder.mkdir(parents=True, exist_ok=True)
    for org in orgs:
        path = args.out if single_file else template.template_path(folder, org, args.round_, lang)
        template.write_template(org, args.round_, path, lang=lang, prefill=prefills[org])
        rows = 0 if prefills[org] is None else len(prefills[org])
        print(msg("tpl_wrote", lang, organism=org, rows=rows, path=path))
    return 0
