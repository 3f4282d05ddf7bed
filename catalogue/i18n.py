"""The interface's language: Danish, unless English is asked for (--lang en, or LANG=en...).

Messages are written in English in the code and marked for translation: _() for a message,
ngettext() for one that depends on a count, N_() for one translated only where it is shown
(click's help texts). The Danish words live in a gettext catalogue made with Babel,
catalogue/locale/da/LC_MESSAGES/catalogue.po, compiled to catalogue.mo (`make messages`);
tests/test_messages.py fails on a message the Danish catalogue lacks.
"""

from __future__ import annotations

import gettext
import os
import re
from pathlib import Path

DOMAIN = "catalogue"
LOCALES = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("da", "en")
# Where the language comes from when --lang is not given, first found first: our own
# variable (the tests set it), then gettext's order (LANGUAGE may be a list: da:en).
ENVIRONMENT = ("CATALOGUE_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_translation: gettext.NullTranslations = gettext.NullTranslations()
current = "en"


def from_environment(environ: dict[str, str] | None = None) -> str:
    """'en' when the environment asks for English (LANG=en_GB.UTF-8 ...), else 'da'."""
    environ = os.environ if environ is None else environ
    for name in ENVIRONMENT:
        value = environ.get(name, "").strip()
        if value:
            code = re.split(r"[_.@:-]", value, maxsplit=1)[0].lower()
            return "en" if code == "en" else "da"
    return "da"


def use(language: str) -> None:
    """Speak this language ('da' or 'en') from now on, in this process and its forks."""
    global _translation, current
    if language == "en":
        _translation = gettext.NullTranslations()
    else:
        _translation = gettext.translation(DOMAIN, LOCALES, languages=["da"])
    current = language


def _(message: str) -> str:
    """The message in the current language."""
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural message for count, in the current language."""
    return _translation.ngettext(singular, plural, count)


def number(value: float, digits: int = 0) -> str:
    """A number as the current language writes it: 1.234,5 in Danish, 1,234.5 in English."""
    text = f"{value:,.{digits}f}"
    return text.translate(str.maketrans(",.", ".,")) if current == "da" else text


def N_(message: str) -> str:
    """Mark a message for the catalogue; it is translated with _() where it is shown."""
    return message


use(from_environment())
