"""Languages of the report: gettext catalogues (``locale/<lang>/LC_MESSAGES/govsim.po``, kept
with Babel: ``scripts/update_report_catalog.py``) and locale-aware numbers (Babel).

The source language is English; a catalogue gives each message in another language. The
current language is a context variable set by :func:`use` for the duration of a render, read
by :func:`_` (messages) and the number formatters of :mod:`.text`.
"""

from __future__ import annotations

import contextlib
import contextvars
import gettext
import io
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from babel.messages import mofile, pofile

LANGUAGES = ("fr", "en")
DEFAULT = "fr"
LOCALES = {"fr": "fr_FR", "en": "en_GB"}
CATALOG_DIR = Path(__file__).with_name("locale")
DOMAIN = "govsim"

_current: contextvars.ContextVar[str] = contextvars.ContextVar("govsim_report_lang", default="en")


def po_path(lang: str) -> Path:
    return CATALOG_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=None)
def translations(lang: str) -> gettext.NullTranslations:
    """The catalogue of ``lang`` (compiled from its .po in memory: no stale .mo can exist)."""
    if lang == "en":
        return gettext.NullTranslations()
    with po_path(lang).open("rb") as f:
        catalog = pofile.read_po(f, locale=LOCALES[lang], domain=DOMAIN)
    buf = io.BytesIO()
    mofile.write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def lang() -> str:
    return _current.get()


def locale() -> str:
    return LOCALES[_current.get()]


@contextlib.contextmanager
def use(language: str) -> Iterator[None]:
    if language not in LANGUAGES:
        raise ValueError(f"unknown report language {language!r}: expected one of {', '.join(LANGUAGES)}")
    token = _current.set(language)
    try:
        yield
    finally:
        _current.reset(token)


def _(message: str) -> str:
    """``message`` in the current language."""
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_current.get()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a message for extraction; translated where it is used."""
    return message
