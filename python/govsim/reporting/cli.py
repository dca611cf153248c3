"""``govsim report`` / ``python -m govsim.reporting``: the command line of the report (page.write_report)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import i18n
from .load import ReportInputError
from .page import write_report


def main(argv: list[str] | None = None) -> int:
    """``govsim report`` / ``python -m govsim.reporting``: exit status 0, or 2 on bad input."""
    parser = argparse.ArgumentParser(
        prog="govsim report",
        description="Write one self-contained HTML report (charts inline) from a `govsim compare` results directory.",
    )
    parser.add_argument("results_dir", metavar="RESULTS_DIR", help="the --out directory of `govsim compare`")
    parser.add_argument("-o", "--output", metavar="FILE", default=None,
                        help="HTML file to write (default: RESULTS_DIR/report.html)")
    parser.add_argument("--robustness", metavar="DIR", default=None,
                        help="results of `govsim robustness` for the section \"How robust is this ranking?\" "
                             "(default: RESULTS_DIR/robustness if it exists)")
    parser.add_argument("--optimise", metavar="DIR", default=None,
                        help="results of `govsim optimise` for the section \"Which design?\" (default: "
                             "RESULTS_DIR/optimise if it exists; RESULTS_DIR may itself be an optimise output)")
    parser.add_argument("--map-scenario", metavar="NAME", default=None,
                        help="scenario whose change in non-recours by commune the outcome map shows "
                             "(default: the one with the lowest non-recours)")
    parser.add_argument("--lang", choices=i18n.LANGUAGES, default=None,
                        help="language of the report (default: the config's \"language\", else fr)")
    parser.add_argument("--pdf", nargs="?", const=True, default=None, metavar="PDF",
                        help="also print it to PDF with headless Chromium (default name: the HTML file's, .pdf)")
    args = parser.parse_args(argv)
    out = Path(args.output) if args.output else Path(args.results_dir) / "report.html"
    try:
        path = write_report(args.results_dir, out, args.robustness, args.map_scenario, lang=args.lang, pdf=args.pdf,
                            optimise_dir=args.optimise)
    except ReportInputError as e:
        print(f"govsim report: error: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"govsim report: error: cannot write {out}: {e.strerror or e}", file=sys.stderr)
        return 2
    print(f"report written to {path}" + (f" and {path.with_suffix('.pdf') if args.pdf is True else args.pdf}" if args.pdf else ""))
    return 0
