"""The console's words: English msgids, said in Japanese from the `console` gettext catalog
(prompts/ja/LC_MESSAGES/console.po). Templates call `_()`; Python code calls `tr()`, `ptr()` or
`lazy_tr()` (for form messages made before any request), so the callers' catalog never picks
these up. Every string carries a `TRANSLATORS:` comment.
"""

from __future__ import annotations

from functools import cache

from babel.support import LazyProxy, NullTranslations

from ..core.wording import compile_catalog, prompts_dir

DOMAIN = "console"
LOCALE = "ja"


def catalog_path(locale: str = LOCALE):
    """Where the console's catalog for a locale lives."""
    return prompts_dir().joinpath(locale, "LC_MESSAGES", f"{DOMAIN}.po")


@cache
def translations(locale: str = LOCALE) -> NullTranslations:
    """The console's catalog, compiled in memory (fuzzy entries left out)."""
    path = catalog_path(locale)
    if not path.is_file():
        return NullTranslations()
    return compile_catalog(path, locale, DOMAIN)


def tr(message: str, **params) -> str:
    """A console string in Japanese, its %(name)s placeholders filled."""
    text = translations().gettext(message)
    return text % params if params else text


def ptr(context: str, message: str, **params) -> str:
    """As tr, with a gettext context for English that has two meanings."""
    text = translations().pgettext(context, message)
    return text % params if params else text


def lazy_tr(message: str) -> LazyProxy:
    """A console string translated when it is shown (form messages made at import)."""
    return LazyProxy(tr, message, enable_cache=False)
