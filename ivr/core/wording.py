"""The system phrases' gettext catalogs, read from prompts/ (installed as ivr.prompts)."""

from __future__ import annotations

import io
from importlib import resources
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

DEFAULT_LOCALE = "ja"
DOMAIN = "messages"


def prompts_dir():
    """The catalogs: installed as ivr.prompts, or prompts/ beside ivr/ in a checkout."""
    try:
        return resources.files("ivr.prompts")
    except (ModuleNotFoundError, TypeError):
        return Path(__file__).resolve().parents[2] / "prompts"


def catalog_path(locale: str = DEFAULT_LOCALE):
    """Where a locale's .po file lives."""
    return prompts_dir().joinpath(locale, "LC_MESSAGES", f"{DOMAIN}.po")


def load_translations(locale: str = DEFAULT_LOCALE) -> Translations:
    """Compile a locale's .po catalog in memory; fuzzy entries are left out."""
    return compile_catalog(catalog_path(locale), locale, DOMAIN)


def compile_catalog(path, locale: str, domain: str) -> Translations:
    """A .po catalog (any domain: the callers', the operators', the console's) compiled in
    memory; fuzzy entries are left out."""
    with path.open("rb") as po:
        catalog = read_po(po, locale=locale, domain=domain)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=domain)
