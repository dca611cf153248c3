"""The HTML report of a results directory, as a small package.

- :mod:`.load`: reads and checks the results store (the same :class:`govsim.store.StoreReader`
  as :class:`govsim.Results`), its statistics, the metric catalog from the manifest and the
  parameter registry;
- :mod:`.text`: every data-dependent word: labels, number formats, plain-language sentences;
- :mod:`.charts`: matplotlib figures as inline PNGs;
- :mod:`.page`: the page, rendered from ``templates/report.html.j2`` with Jinja2 (autoescape on).

Usage::

    govsim report RESULTS_DIR -o report.html
    python -m govsim.reporting RESULTS_DIR -o report.html
    govsim.report("results/demo", "report.html")     # from Python

See docs/report.md.
"""

from __future__ import annotations

from .load import ReportInputError
from .cli import main
from .page import render_html, write_report

__all__ = ["ReportInputError", "main", "render_html", "write_report"]
