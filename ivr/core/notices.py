"""What operators read (the checker's errors and warnings, the tree, the report), in their language.

A Notice is English text that remembers its message id and parameters, so that it can be said
again in another locale from the `operators` gettext catalog (prompts/<locale>/LC_MESSAGES/
operators.po), whole sentence by whole sentence. It is a `str` (its English), so anything that
stores or compares English text keeps working; `render(locale)` says it in a locale.

Write one as `notice("English with %(name)s placeholders", name=value)`, with a
`# TRANSLATORS:` comment on the line above; `pnotice(context, ...)` when the same English needs
different translations. Parameters are rendered in the locale too: a Notice is said in it, a
date is written with the catalog's date pattern, a list or tuple is joined with its list
separator (a Conjunction with its "and"); anything else is shown as `str(value)`.

The callers' phrases are another domain (`messages`, in ivr.core.wording); what callers hear
never comes from here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from functools import cache

from babel.dates import format_date
from babel.support import NullTranslations

from .wording import compile_catalog, prompts_dir

DOMAIN = "operators"
ENGLISH = "en"
# The variables that choose the operators' language, strongest first (as POSIX's setlocale).
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")
_LANGUAGE = re.compile(r"[A-Za-z]+")


class Conjunction(tuple):
    """Items of a parameter joined as "a and b" (a plain list or tuple is joined as "a, b")."""


class Notice(str):
    """English text for operators that can be said in another locale (see the module's doc)."""

    msgid: str
    context: str | None
    params: dict

    def __new__(cls, msgid: str, params: Mapping | None = None, context: str | None = None) -> Notice:
        params = dict(params or {})
        self = super().__new__(cls, _format(msgid, params, ENGLISH))
        self.msgid, self.context, self.params = msgid, context, params
        return self

    def render(self, locale: str | None) -> str:
        """This text in `locale` ("ja", "ja_JP.UTF-8", …); English where there is no catalog."""
        language = language_of(locale)
        if language == ENGLISH:
            return str(self)
        translations = catalog(language)
        translated = (translations.pgettext(self.context, self.msgid) if self.context is not None
                      else translations.gettext(self.msgid))
        try:
            return _format(translated, self.params, language)
        except (KeyError, ValueError, TypeError):  # a broken translation: the English, never an error
            return str(self)

    def __reduce__(self):
        return (Notice, (self.msgid, self.params, self.context))


def notice(msgid: str, /, **params) -> Notice:
    """An operator message: English now, any locale on demand. The msgid must be a literal."""
    return Notice(msgid, params)


def pnotice(context: str, msgid: str, /, **params) -> Notice:
    """An operator message with a gettext context, for English that has two meanings."""
    return Notice(msgid, params, context)


def in_locale(text: str, locale: str | None) -> str:
    """Text in a locale: a Notice is translated, any other text is shown as it is."""
    return text.render(locale) if isinstance(text, Notice) else str(text)


def in_words(value: object, locale: str | None) -> str:
    """A value as a Notice's parameter is shown in a locale: a date in the catalog's pattern, a
    list joined with its separator, a Notice translated."""
    return _value(value, language_of(locale))


def language_of(locale: str | None) -> str:
    """The language of a locale name: ja_JP.UTF-8, ja-JP and ja give "ja"; C and POSIX English."""
    found = _LANGUAGE.match(locale or "")
    language = found.group(0).lower() if found else ENGLISH
    return ENGLISH if language in ("c", "posix") else language


def locale_from_environ(environ: Mapping[str, str]) -> str:
    """The operators' language from the environment: the first of LC_ALL, LC_MESSAGES and LANG
    that is set decides; "ja" for a Japanese locale (ja_JP.UTF-8, …), English otherwise."""
    for name in LOCALE_VARIABLES:
        value = environ.get(name)
        if value:
            return "ja" if language_of(value) == "ja" else ENGLISH
    return ENGLISH


def catalog_path(locale: str):
    """Where a locale's operators catalog (.po) lives."""
    return prompts_dir().joinpath(locale, "LC_MESSAGES", f"{DOMAIN}.po")


@cache
def catalog(language: str) -> NullTranslations:
    """A language's operators catalog, compiled in memory (fuzzy entries left out); English
    (the msgids themselves) where the language has none."""
    path = catalog_path(language)
    if not path.is_file():
        return NullTranslations()
    return compile_catalog(path, language, DOMAIN)


def _format(template: str, params: dict, language: str) -> str:
    if not params:
        return template
    return template % {name: _value(value, language) for name, value in params.items()}


def _value(value: object, language: str) -> str:
    if isinstance(value, Notice):
        return value.render(language)
    if isinstance(value, (list, tuple)):
        items = [_value(item, language) for item in value]
        if isinstance(value, Conjunction):
            # TRANSLATORS: joins the items of a list of reasons, e.g. "a and b" (ja: 「a、b」).
            return pnotice("list", " and ").render(language).join(items)
        # TRANSLATORS: joins the items of a list of names or values, e.g. "a, b" (ja: 「a、b」).
        return pnotice("list", ", ").render(language).join(items)
    if isinstance(value, date):
        # TRANSLATORS: a Babel date pattern for a date in a message, e.g. 2026-12-08
        # (ja: y年M月d日（E） → 2026年12月8日（火）).
        pattern = pnotice("date pattern", "yyyy-MM-dd").render(language)
        return format_date(value, pattern, locale=language if language != ENGLISH else "en")
    return str(value)
