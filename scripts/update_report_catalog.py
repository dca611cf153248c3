#!/usr/bin/env python3
"""Keeps the report's gettext catalogues in step with its messages (Babel).

    .venv/bin/python scripts/update_report_catalog.py           # extract, merge into each .po
    .venv/bin/python scripts/update_report_catalog.py --check   # exit 1 if a message lacks a translation

Messages are extracted from python/govsim/reporting/*.py (``_``, ``N_``, ``ngettext``) and the
Jinja2 template (``_``, ``{% trans %}``), the same from python/govsim/explorer (the page of
``govsim explore`` uses the report's catalogue), and from the metric definitions the engine writes into
every manifest (``govsim describe --metrics --json``, when GOVSIM_BIN or .venv/bin/govsim is
there). Merging keeps existing translations; a message that disappeared is dropped; a new one is
added untranslated: translate it (msgstr) in locale/<lang>/LC_MESSAGES/govsim.po.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "python" / "govsim" / "reporting"
# The packages whose messages the catalogue holds: the report's and the explorer's.
SOURCES = [PKG, ROOT / "python" / "govsim" / "explorer"]
LANGS = {"fr": "fr_FR"}
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "gettext": None}
METHODS = [("**.py", "python"), ("templates/**.j2", "jinja2")]
OPTIONS = {"templates/**.j2": {"extensions": "jinja2.ext.i18n", "trimmed": "false"}}


def template_catalog() -> Catalog:
    cat = Catalog(project="govsim report", domain="govsim")
    for src in SOURCES:
        for filename, lineno, message, comments, context in extract_from_dir(
                src, method_map=METHODS, options_map=OPTIONS, keywords=KEYWORDS, strip_comment_tags=True):
            cat.add(message, locations=[(f"{src.name}/{filename}", lineno)], auto_comments=comments,
                    context=context)
    govsim = os.environ.get("GOVSIM_BIN") or str(ROOT / ".venv" / "bin" / "govsim")
    if Path(govsim).exists():
        metrics = json.loads(subprocess.run([govsim, "describe", "--metrics", "--json"], capture_output=True,
                                            text=True, check=True).stdout)
        for m in metrics:
            if m.get("doc") and "@" not in m["name"]:  # the report defines the base metrics only
                cat.add(m["doc"], locations=[("metrics (govsim describe --metrics)", 0)])
        # The sources citing the consultation's contributions ("seed: contribution 2 ..."), shown
        # in the table of the parameters each scenario sets, as the source column shows them.
        from govsim.reporting.page import _source

        params = json.loads(subprocess.run([govsim, "describe", "--json"], capture_output=True, text=True,
                                           check=True).stdout)
        for spec in params if isinstance(params, list) else params.values():
            if "seed" in str(spec.get("source", "")).lower():
                cat.add(_source(spec), locations=[("parameter sources (govsim describe)", 0)])
    return cat


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    template = template_catalog()
    bad = 0
    for lang, loc in LANGS.items():
        po = PKG / "locale" / lang / "LC_MESSAGES" / "govsim.po"
        if po.exists():
            with po.open("rb") as f:
                cat = read_po(f, locale=loc, domain="govsim")
        else:
            cat = Catalog(locale=loc, project="govsim report", domain="govsim")
        if args.check:
            for msg in template:
                if not msg.id:
                    continue
                have = cat.get(msg.id, context=msg.context)
                if have is None or not have.string or have.fuzzy:
                    bad += 1
                    print(f"{po.relative_to(ROOT)}: no {lang} translation for {msg.id!r}")
            continue
        cat.update(template, update_header_comment=False, no_fuzzy_matching=True)
        cat.obsolete.clear()
        po.parent.mkdir(parents=True, exist_ok=True)
        with po.open("wb") as f:
            write_po(f, cat, width=100, omit_header=False, sort_output=False, include_previous=False)
        missing = sum(1 for m in cat if m.id and not m.string)
        print(f"{po.relative_to(ROOT)}: {len(cat)} messages, {missing} untranslated")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
