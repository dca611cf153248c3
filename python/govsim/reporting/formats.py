"""Numbers and units in the report's language (Babel: "1 234,5" in French, "1,234.5" in
English; a minus sign, not a hyphen): counts, percentages, euros, differences in points, and
parameter values."""

from __future__ import annotations

import json
import math
import re
from typing import Any

import numpy as np
from babel.numbers import format_decimal

from ..store import MetricCatalog as Catalog
from .i18n import _, lang, locale


def finite(*xs: Any) -> bool:
    return all(x is not None and isinstance(x, (int, float, np.floating)) and math.isfinite(x) for x in xs)


MINUS = "\u2212"
NARROW_NBSP = "\u202f"


def num(x: float, digits: int = 0, grouping: bool = True) -> str:
    """``x`` rounded to ``digits`` decimals in the current language's format."""
    pattern = ("#,##0" if grouping else "0") + ("." + "0" * digits if digits > 0 else "")
    out = format_decimal(abs(x), format=pattern, locale=locale())
    return (MINUS if x < 0 and float(f"{abs(x):.{digits}f}") != 0 else "") + out


def pct(x: float, digits: int = 1) -> str:
    """A share as a percentage: "12.3%" / "12,3 %"."""
    return num(100 * x, digits) + (NARROW_NBSP + "%" if lang() == "fr" else "%")


def fmt_eur(x: float, signed: bool = False) -> str:
    if not finite(x):
        return _("n/a")
    sign = ("+" if x > 0 else MINUS if x < 0 else "") if signed else (MINUS if x < 0 else "")
    a = abs(x)
    if round(a) == 0:
        sign = "\u00b1" if signed else ""
    if a >= 1e6:
        body, scale = num(a / 1e6, 2), "M"
    elif a >= 1e4:
        body, scale = num(a / 1e3, 0), "k"
    else:
        body, scale = num(a, 0), ""
    if lang() == "fr":
        return f"{sign}{body}{NARROW_NBSP}{scale}\u20ac"
    return f"{sign}\u20ac{body}{scale}"


def fmt_value(catalog: Catalog, metric: str, x: float) -> str:
    if not finite(x):
        return _("n/a")
    u = catalog.unit(metric)
    if u == "share":
        return pct(x, 1)
    if u == "EUR":
        return fmt_eur(x)
    if u == "weeks":
        return num(x, 2)
    return _sig(x)


def _sig(x: float) -> str:
    """Three significant digits, in the current language's format."""
    if x == 0:
        return num(0, 0)
    digits = max(0, 2 - int(math.floor(math.log10(abs(x)))))
    return num(x, digits)


def fmt_diff(catalog: Catalog, metric: str, x: float) -> str:
    if not finite(x):
        return _("n/a")
    u = catalog.unit(metric)
    if u == "EUR":
        return fmt_eur(x, signed=True)
    if u == "share":
        v, digits, suffix = 100 * x, 2, " " + _("pt")
    elif u == "weeks":
        v, digits, suffix = x, 2, " " + _("wk")
    else:
        return ("+" if x > 0 else "") + _sig(x)
    text = num(abs(v), digits)
    sign = "\u00b1" if float(f"{abs(v):.{digits}f}") == 0.0 else "+" if x > 0 else MINUS
    return f"{sign}{text}{suffix}"


def plural_count(x: float) -> int:
    """The count to choose the plural form of a unit after the number ``x`` (ngettext takes an
    integer): French puts the singular below 2 ("0,44 point", "1,5 point"), English only at
    exactly 1 ("0.44 points")."""
    n = math.floor(abs(x))
    if abs(x) == n or n != 1:
        return n
    return 1 if lang() == "fr" else 2


def fmt_per_million(catalog: Catalog, metric: str, x: float) -> str:
    """A gain of ``metric`` per million euros of extra spending, with its unit: "+0,11 pt par M€"."""
    if not finite(x):
        return _("n/a")
    return _("{value} per M\u20ac").format(value=fmt_diff(catalog, metric, x))


def fmt_people(x: float) -> str:
    """A number of people (or procedures) per €100k, with one decimal below 100: "12,5", "240"."""
    if not finite(x):
        return _("n/a")
    return num(x, 1 if abs(x) < 100 else 0)


def fmt_param(v: Any) -> str:
    """A parameter or manifest value in the report's language: "oui"/"non", "0,15" in French;
    choices (identifiers) as they are written in a scenario file."""
    if isinstance(v, bool):
        return _("yes") if v else _("no")
    if isinstance(v, float):
        out = f"{v:g}"
        return out.replace(".", ",") if lang() == "fr" else out
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


def fmt_manifest(key: str, v: Any) -> str:
    """A manifest field's value for the traceability table: the budget mode and the shard in
    words, the distribution of the runs as processes and threads, else :func:`fmt_param`."""
    from .text import BUDGET_MODES

    if key == "budget" and v in BUDGET_MODES:
        return _(BUDGET_MODES[v])
    if key == "shard" and isinstance(v, dict) and {"index", "count"} <= set(v):
        return _("{index} of {count}").format(index=int(v["index"]) + 1, count=v["count"])
    if key == "distribution" and isinstance(v, dict) and {"ranks", "threads_per_rank"} <= set(v):
        return _("{ranks} MPI process(es) of {threads} threads; runs per process: {runs}").format(
            ranks=v["ranks"], threads=v["threads_per_rank"],
            runs=", ".join(str(r) for r in v.get("runs_per_rank") or []) or "?")
    return fmt_param(v)


def fmt_share_better(x: float) -> str:
    return _("better in {share} of runs").format(share=pct(x, 0) if finite(x) else _("n/a"))


def _range(lo: float, hi: float, digits: int, suffix: str = "") -> str:
    return f"{num(lo, digits)}\u2013{num(hi, digits)}{suffix}"


def _digits(lo: float, hi: float) -> int:
    span = max(abs(lo), abs(hi))
    return 0 if span >= 10 else 1 if span >= 1 else 2 if span >= 0.1 else 3


def punct(mark: str) -> str:
    """A semicolon, colon, question or exclamation mark after a word: French puts a narrow
    no-break space before it ("pratique ;", "type :"), English nothing."""
    return (NARROW_NBSP + mark) if lang() == "fr" else mark


def join_clauses(items: list[str]) -> str:
    """Clauses joined by semicolons, with the language's spacing."""
    return (punct(";") + " ").join(items)


def and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " " + _("and") + " " + items[-1]


# French spacing around ; : ! ? and inside « »: a narrow no-break space, so that a line never
# starts with the mark (text written in the catalogue or the files with an ordinary space or
# none). Applied to the text of the page only: not to tags, CSS, code or preformatted text.
_SKIP = re.compile(r"<(style|script|code|pre)\b[^>]*>.*?</\1>", re.S | re.I)
_TAG = re.compile(r"(<[^>]*>)")


def _french_spacing_text(t: str) -> str:
    t = re.sub(r"[ \t\n\u00a0]+([;:!?\u00bb])", NARROW_NBSP + r"\1", t)
    t = re.sub(r"\u00ab[ \t\n\u00a0]*", "\u00ab" + NARROW_NBSP, t)
    return re.sub(r"(?<=[^\s\u202f])\u00bb", NARROW_NBSP + "\u00bb", t)


def french_spacing(html: str) -> str:
    """``html`` with French spacing before ; : ! ? » and after « in its text."""
    out, pos = [], 0
    for m in _SKIP.finditer(html):
        out.append(_spacing_outside_tags(html[pos:m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_spacing_outside_tags(html[pos:]))
    return "".join(out)


def _spacing_outside_tags(chunk: str) -> str:
    return "".join(part if part.startswith("<") else _french_spacing_text(part) for part in _TAG.split(chunk))
